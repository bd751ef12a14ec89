import { createHash } from 'node:crypto';
import { areaById } from '#config/areas.ts';
import { CATEGORIES, DEPARTMENT_IDS, type DepartmentId } from '#config/catalogue.ts';
import type { Language } from '#domain/complaint.ts';
import { addDays } from './period.ts';

/**
 * Rectification plan items (整改計劃): for each category or location whose complaints recur at
 * or above a threshold in a report's period, the report drafts an item — the problem, the
 * evidence, the responsible department, a due date. Customer service edits it, approves it
 * (with the measures to take) and tracks it to done; every later report records how many
 * complaints the subject drew in its period, so management sees whether the measures worked.
 *
 * One open item per subject: while an item is open (draft, approved, in progress), later
 * reports add to its progress instead of drafting another.
 */
export const RECTIFICATION_STATUSES = ['draft', 'approved', 'in-progress', 'done', 'dropped'] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];
export const OPEN_STATUSES: readonly RectificationStatus[] = ['draft', 'approved', 'in-progress'];

/** What may follow what. `done` can be reopened when the problem comes back. */
export const TRANSITIONS: Record<RectificationStatus, readonly RectificationStatus[]> = {
  draft: ['approved', 'dropped'],
  approved: ['in-progress', 'done', 'dropped'],
  'in-progress': ['done', 'dropped'],
  done: ['in-progress'],
  dropped: ['draft'],
};

export type SubjectKind = 'category' | 'location' | 'unit';

/**
 * - `category`: a category in an area (e.g. water leaks in Kowloon East);
 * - `location`: a category at one building (e.g. water leaks at Block 3);
 * - `unit`: one unit complaining again and again, whatever about.
 */
export interface Subject {
  readonly kind: SubjectKind;
  readonly area: string;
  readonly category?: string;
  readonly building?: string;
  readonly unit?: string;
}

export interface Evidence {
  readonly reportId: string;
  readonly period: string;
  readonly count: number;
  readonly previousCount: number;
  readonly threshold: number;
  /** Example complaint references (the most recent). */
  readonly refs: readonly string[];
  /** Complaints by category (for units) or by department. */
  readonly breakdown?: Readonly<Record<string, number>>;
}

export interface ProgressEntry {
  readonly reportId: string;
  readonly count: number;
  readonly at: string;
}

export interface RectificationNote {
  readonly at: string;
  readonly by: string;
  readonly role: string;
  readonly text: string;
  readonly status?: RectificationStatus;
}

export interface RectificationItem {
  readonly id: string;
  readonly subjectKey: string;
  readonly subject: Subject;
  readonly status: RectificationStatus;
  /** The problem as drafted, in each language. */
  readonly problemDraft: Readonly<Record<Language, string>>;
  /** The problem as customer service wrote it (replaces the draft when set). */
  readonly problem?: string;
  /** The measures to take: required to approve. */
  readonly measures?: string;
  readonly department: DepartmentId;
  /** Local date, `YYYY-MM-DD`. */
  readonly dueDate: string;
  readonly evidence: Evidence;
  /** Complaints about the subject in each later report's period, by period key. */
  readonly progress: Readonly<Record<string, ProgressEntry>>;
  readonly notes: readonly RectificationNote[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly approvedAt?: string;
  readonly approvedBy?: string;
  readonly doneAt?: string;
  /** Optimistic concurrency: a PATCH names the version it edited. */
  readonly version: number;
}

/**
 * When a subject recurs enough to draft an item, per month (a weekly report scales the counts
 * to its length). A category must be both frequent and a large share of its area's complaints,
 * so that the plan names what stands out rather than every category of a busy area.
 */
export interface RecurrenceThresholds {
  /** Complaints of one category in one area, at least. @default 10 */
  readonly category: number;
  /** ...and at least this share of the area's complaints. @default 0.2 */
  readonly categoryShare: number;
  /** Complaints of one category at one building. @default 8 */
  readonly location: number;
  /** Complaints from one unit, whatever about. @default 4 */
  readonly unit: number;
  /** Days from the report to a drafted item's due date. @default 30 */
  readonly dueDays: number;
  /**
   * New items one report drafts at most, the most recurrent subjects first (by how far over
   * their threshold): a plan is something people act on, not a list of everything. @default 20
   */
  readonly maxDrafts: number;
}

export const DEFAULT_THRESHOLDS: RecurrenceThresholds = {
  category: 10,
  categoryShare: 0.2,
  location: 8,
  unit: 4,
  dueDays: 30,
  maxDrafts: 20,
};

/** A monthly threshold for a period of `days` days (at least 2: recurring means twice). */
export function scaledThreshold(monthly: number, days: number): number {
  return days >= 28 ? monthly : Math.max(2, Math.ceil((monthly * days) / 30));
}

const THRESHOLD_LIMITS: Readonly<Record<keyof RecurrenceThresholds, readonly [number, number, boolean]>> = {
  // [minimum, maximum, whole number]
  category: [2, 1_000_000, true],
  categoryShare: [0, 1, false],
  location: [2, 1_000_000, true],
  unit: [2, 1_000_000, true],
  dueDays: [1, 365, true],
  maxDrafts: [0, 500, true],
};

/**
 * Thresholds from JSON (`REPORT_THRESHOLDS`; CDK context `rectificationThresholds`): any of
 * category, categoryShare, location, unit, dueDays, maxDrafts, over the defaults. Throws
 * naming the field. (Checked by hand: the report function need not load a schema library.)
 */
export function thresholdsFrom(json: string | undefined): RecurrenceThresholds {
  if (!json) return DEFAULT_THRESHOLDS;
  let given: unknown;
  try {
    given = JSON.parse(json);
  } catch {
    throw new Error('REPORT_THRESHOLDS: not JSON, e.g. {"category":10,"location":8,"unit":4}');
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new Error('REPORT_THRESHOLDS: give an object, e.g. {"unit":4}');
  }
  const problems: string[] = [];
  const thresholds: Record<string, number> = { ...DEFAULT_THRESHOLDS };
  for (const [key, value] of Object.entries(given)) {
    const limits = THRESHOLD_LIMITS[key as keyof RecurrenceThresholds];
    if (!limits) {
      problems.push(`${key}: not a threshold (${Object.keys(THRESHOLD_LIMITS).join(', ')})`);
      continue;
    }
    const [min, max, whole] = limits;
    if (typeof value !== 'number' || (whole && !Number.isInteger(value)) || value < min || value > max) {
      problems.push(`${key}: give ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}`);
      continue;
    }
    thresholds[key] = value;
  }
  if (problems.length) throw new Error(`REPORT_THRESHOLDS: ${problems.join('; ')}`);
  return thresholds as unknown as RecurrenceThresholds;
}

/** The department a category's problems usually belong to, when the complaints do not say. */
export const DEFAULT_DEPARTMENT: Readonly<Record<string, DepartmentId>> = {
  repairs: 'engineering',
  'water-leak': 'engineering',
  facilities: 'engineering',
  cleanliness: 'cleaning',
  pests: 'cleaning',
  security: 'security',
  parking: 'security',
  noise: 'security',
  landscaping: 'landscaping',
  fees: 'finance',
  'staff-conduct': 'management-office',
  other: 'management-office',
};

export function subjectKey(subject: Subject): string {
  const norm = (text: string | undefined) => (text ?? '').normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  switch (subject.kind) {
    case 'category':
      return `category|${subject.area}|${subject.category}`;
    case 'location':
      return `location|${subject.area}|${norm(subject.building)}|${subject.category}`;
    case 'unit':
      return `unit|${subject.area}|${norm(subject.building)}|${norm(subject.unit)}`;
  }
}

/** Item ids are derived from the subject and period, so a report run twice drafts once. */
export function itemId(key: string, period: string): string {
  return `R${createHash('sha256').update(`${key}#${period}`).digest('base64url').slice(0, 12)}`;
}

export interface Candidate {
  readonly subject: Subject;
  readonly count: number;
  readonly previousCount: number;
  readonly threshold: number;
  readonly refs: readonly string[];
  /** Departments of the complaints: the most common becomes the responsible one. */
  readonly departments: Readonly<Record<string, number>>;
  readonly breakdown?: Readonly<Record<string, number>>;
}

/** A new draft for a subject over its threshold. */
export function draftItem(
  candidate: Candidate,
  context: { reportId: string; period: string; now: Date; dueDays: number; today: string },
): RectificationItem {
  const key = subjectKey(candidate.subject);
  const at = context.now.toISOString();
  return {
    id: itemId(key, context.period),
    subjectKey: key,
    subject: candidate.subject,
    status: 'draft',
    problemDraft: {
      'zh-Hant': problemText(candidate, 'zh-Hant'),
      'zh-Hans': problemText(candidate, 'zh-Hans'),
      en: problemText(candidate, 'en'),
    },
    department: responsibleDepartment(candidate),
    dueDate: addDays(context.today, context.dueDays),
    evidence: {
      reportId: context.reportId,
      period: context.period,
      count: candidate.count,
      previousCount: candidate.previousCount,
      threshold: candidate.threshold,
      refs: [...candidate.refs],
      ...(candidate.breakdown ? { breakdown: candidate.breakdown } : {}),
    },
    progress: {},
    notes: [],
    createdAt: at,
    createdBy: 'system',
    updatedAt: at,
    updatedBy: 'system',
    version: 1,
  };
}

function responsibleDepartment(candidate: Candidate): DepartmentId {
  const ranked = Object.entries(candidate.departments)
    .filter(([id]) => (DEPARTMENT_IDS as readonly string[]).includes(id))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const top = ranked[0]?.[0] as DepartmentId | undefined;
  return top ?? DEFAULT_DEPARTMENT[candidate.subject.category ?? ''] ?? 'management-office';
}

/** The subject in words, in a language ("Water leakage at 海濱花園第三座, Kowloon East"). */
export function subjectText(subject: Subject, language: Language): string {
  const area = areaById(subject.area)?.name;
  const areaName = area
    ? language === 'en'
      ? area.en
      : language === 'zh-Hans'
        ? area.zhHans
        : area.zhHant
    : subject.area;
  const category = CATEGORIES.find((c) => c.id === subject.category);
  const categoryName = category
    ? language === 'en'
      ? category.en
      : language === 'zh-Hans'
        ? category.zhHans
        : category.zhHant
    : (subject.category ?? '');
  const place = [subject.building, subject.unit].filter(Boolean).join(' ');
  if (language === 'en') {
    if (subject.kind === 'category') return `${categoryName}, ${areaName}`;
    if (subject.kind === 'location') return `${categoryName} at ${place}, ${areaName}`;
    return `Unit ${place}, ${areaName}`;
  }
  if (subject.kind === 'category') return `${areaName}「${categoryName}」`;
  if (subject.kind === 'location') return `${areaName} ${place}「${categoryName}」`;
  return `${areaName} ${place}`;
}

function problemText(candidate: Candidate, language: Language): string {
  const subject = subjectText(candidate.subject, language);
  const { count, previousCount, threshold } = candidate;
  if (language === 'en') {
    return `${subject}: ${count} complaints this period (previous period ${previousCount}), at or above the threshold of ${threshold}.`;
  }
  if (language === 'zh-Hans') {
    return `${subject}本期投诉 ${count} 宗（上期 ${previousCount} 宗），达到或超过门槛 ${threshold} 宗。`;
  }
  return `${subject}本期投訴 ${count} 宗（上期 ${previousCount} 宗），達到或超過門檻 ${threshold} 宗。`;
}

export function isOpen(item: Pick<RectificationItem, 'status'>): boolean {
  return OPEN_STATUSES.includes(item.status);
}
