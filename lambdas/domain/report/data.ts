import type { Language } from '#domain/complaint.ts';
import {
  COMPANY,
  type OpenPastDeadline,
  type ReopenedComplaint,
  type ScopeStats,
  satisfiedShare,
  shareMet,
  totalDeadlines,
} from './aggregate.ts';
import type { Period } from './period.ts';
import type { RectificationItem, RectificationStatus, Subject } from './rectification.ts';
import type { ReportRelated } from './related-section.ts';

/**
 * Everything a report shows, as data: stored beside the HTML and CSV (`data.json`), returned
 * by `GET /api/reports/{id}`, and rendered into each language. No owner contact details.
 */
export interface ReportData {
  readonly version: 1;
  readonly id: string;
  readonly period: Period;
  readonly previous: Period;
  readonly generatedAt: string;
  readonly trigger: ReportTrigger;
  readonly requestedBy?: string;
  /** Area ids, in the order the report shows them. */
  readonly areas: readonly string[];
  readonly targets: { readonly acknowledgementMinutes: number; readonly supervisorReviewMinutes: number };
  /** The thresholds this period used (scaled for a week). */
  readonly thresholds: {
    readonly category: number;
    readonly categoryShare: number;
    readonly location: number;
    readonly unit: number;
  };
  /** `company` and each area. */
  readonly scopes: Readonly<Record<string, ScopeStats>>;
  readonly repeatComplainants: {
    /** Owners with two or more complaints this period, and their complaints. */
    readonly owners: number;
    readonly complaints: number;
    readonly top: readonly RepeatOwner[];
  };
  readonly recurring: {
    readonly locations: readonly RecurringLocation[];
    readonly units: readonly RecurringLocation[];
  };
  readonly reopened: readonly ReopenedComplaint[];
  readonly openPastDeadline: readonly OpenPastDeadline[];
  /** Repeat and cluster complaints of the period (issue 16 §4); absent in older reports. */
  readonly related?: ReportRelated;
  readonly rectification: {
    readonly drafted: readonly RectificationLine[];
    readonly tracked: readonly RectificationLine[];
    /** Subjects over their threshold without an open item (more than were drafted when capped). */
    readonly overThreshold: number;
  };
  /** Complaints read for the period and for the previous one. */
  readonly rows: number;
  readonly previousRows: number;
  /** The report whose counts the trend compares with (when the previous period was not re-read). */
  readonly previousFrom?: string;
}

export type ReportTrigger = 'schedule' | 'api';

export interface RepeatOwner {
  /** The owner's name as last recorded (staff need it to recognise the owner); never contacts. */
  readonly name: string;
  readonly area: string;
  readonly building?: string;
  readonly unit?: string;
  readonly periodCount: number;
  readonly yearCount: number;
  readonly categories: Readonly<Record<string, number>>;
  readonly refs: readonly string[];
}

export interface RecurringLocation {
  readonly area: string;
  readonly building: string;
  readonly unit?: string;
  readonly category?: string;
  readonly count: number;
  readonly previous: number;
  readonly refs: readonly string[];
  readonly categories: Readonly<Record<string, number>>;
}

/** A rectification item as the report shows it: its state, and the subject's complaints this period. */
export interface RectificationLine {
  readonly id: string;
  readonly subject: Subject;
  readonly status: RectificationStatus;
  readonly problem?: string;
  readonly problemDraft: Readonly<Record<Language, string>>;
  readonly measures?: string;
  readonly department: string;
  readonly dueDate: string;
  readonly evidence: { readonly period: string; readonly count: number; readonly previousCount: number };
  readonly thisPeriod: number;
  /** Due date passed while still open. */
  readonly overdue: boolean;
}

export function rectificationLine(
  item: RectificationItem,
  thisPeriod: number,
  today: string,
): RectificationLine {
  const open = item.status === 'draft' || item.status === 'approved' || item.status === 'in-progress';
  return {
    id: item.id,
    subject: item.subject,
    status: item.status,
    ...(item.problem ? { problem: item.problem } : {}),
    problemDraft: item.problemDraft,
    ...(item.measures ? { measures: item.measures } : {}),
    department: item.department,
    dueDate: item.dueDate,
    evidence: {
      period: item.evidence.period,
      count: item.evidence.count,
      previousCount: item.evidence.previousCount,
    },
    thisPeriod,
    overdue: open && item.dueDate < today,
  };
}

/** The headline figures, kept on the report's item for the list of reports. */
export interface ReportSummary {
  readonly received: number;
  readonly previousReceived: number;
  readonly closed: number;
  readonly open: number;
  /** Shares in [0, 1]; null when nothing was measured. */
  readonly acknowledgedInTime: number | null;
  readonly deadlinesMet: number | null;
  readonly completedOnTime: number | null;
  readonly satisfied: number | null;
  readonly escalated: number;
  readonly reopened: number;
  readonly openPastDeadline: number;
  readonly repeatComplainants: number;
  readonly rectificationDrafted: number;
}

export function summaryOf(data: ReportData): ReportSummary {
  const company = data.scopes[COMPANY] as ScopeStats;
  const ack = company.acknowledgement;
  const done = company.completion.onTime + company.completion.late;
  return {
    received: company.received.current,
    previousReceived: company.received.previous,
    closed: company.status.closed,
    open: company.status.open,
    acknowledgedInTime: ack.measured ? ack.withinTarget / ack.measured : null,
    deadlinesMet: shareMet(totalDeadlines(company.deadlinesByStep)) ?? null,
    completedOnTime: done ? company.completion.onTime / done : null,
    satisfied: satisfiedShare(company.satisfaction) ?? null,
    escalated: company.escalatedComplaints,
    reopened: company.reopened.complaints,
    openPastDeadline: company.openPastDeadline,
    repeatComplainants: data.repeatComplainants.owners,
    rectificationDrafted: data.rectification.drafted.length,
  };
}
