import type { RelatedThresholds } from '#config/workflow.ts';
import type { ComplaintRecord, Language, RegisterUnitRef } from './complaint.ts';
import { type RelatedFlags, repeatOf, windowStart } from './related-flags.ts';
import { localDate } from './report/period.ts';
import { draftItem, type RectificationItem, type Subject, subjectText } from './report/rectification.ts';

/**
 * Repeat and related complaints (issue 16 §4). A complaint about a register unit is indexed by
 * three pointer items, written when it opens and again when its category or unit changes
 * (services/related-complaints.ts; docs/data-model.md "Related complaints"):
 *
 * - unit      PK=RELUNIT#<unit id>                   SK=<receivedAt>#<ref>
 * - building  PK=RELBLDG#<estate id>.<building code> SK=<receivedAt>#<ref>
 * - estate    PK=RELEST#<estate id>                  SK=<receivedAt>#<ref>
 *
 * each carrying the complaint's unit, building and category. A pointer is keyed by the
 * complaint, not by its category, so a new category overwrites it in place; a complaint moved
 * to another unit leaves its old pointers marked `moved` (never deleted, never counted). Every
 * list the review shows is a Query of one partition over a date range, newest first: no Scan,
 * no new index.
 */
export const RELATED_UNIT_PREFIX = 'RELUNIT#';
export const RELATED_BUILDING_PREFIX = 'RELBLDG#';
export const RELATED_ESTATE_PREFIX = 'RELEST#';

export const relatedUnitPk = (unitId: string) => `${RELATED_UNIT_PREFIX}${unitId}`;
export const relatedBuildingPk = (estateId: string, buildingCode: string) =>
  `${RELATED_BUILDING_PREFIX}${estateId}.${buildingCode}`;
export const relatedEstatePk = (estateId: string) => `${RELATED_ESTATE_PREFIX}${estateId}`;
export const relatedSk = (receivedAt: string, ref: string) => `${receivedAt}#${ref}`;

/** What a pointer holds: enough for the rules below without reading the complaints. */
export interface RelatedPointer {
  readonly ref: string;
  readonly receivedAt: string;
  readonly area: string;
  readonly unitId: string;
  readonly estateId: string;
  readonly buildingCode: string;
  /** The building's name then, for the review's lists. */
  readonly building: string;
  readonly unit: string;
  readonly category?: string;
  /** The complaint was moved to another unit since: this pointer no longer answers. */
  readonly moved?: boolean;
}

/** The three pointer items of a complaint about a register unit (none without one). */
export function relatedPointerItems(
  record: Pick<ComplaintRecord, 'ref' | 'receivedAt' | 'area' | 'category' | 'registerUnit'>,
  options: { moved?: boolean; unit?: RegisterUnitRef } = {},
): Record<string, unknown>[] {
  const unit = options.unit ?? record.registerUnit;
  if (!unit) return [];
  const pointer: RelatedPointer = {
    ref: record.ref,
    receivedAt: record.receivedAt,
    area: record.area,
    unitId: unit.id,
    estateId: unit.estateId,
    buildingCode: unit.buildingCode,
    building: unit.building,
    unit: unit.unit,
    ...(record.category ? { category: record.category } : {}),
    ...(options.moved ? { moved: true } : {}),
  };
  const sk = relatedSk(record.receivedAt, record.ref);
  return [
    relatedUnitPk(unit.id),
    relatedBuildingPk(unit.estateId, unit.buildingCode),
    relatedEstatePk(unit.estateId),
  ].map((PK) => ({ PK, SK: sk, type: 'related-pointer', ...pointer }));
}

export type { RelatedFlags };
// The repeat rule lives with the flags, which the web app reads too (the review's live hint).
export { repeatOf, windowStart };

function answers(pointer: RelatedPointer): boolean {
  return pointer.moved !== true;
}

/**
 * A cluster: at least `clusterUnits` different units of this complaint's building (this one's
 * included) complained about its category within `clusterDays` days up to it, the boundary
 * included. Several complaints of one unit count as one unit: that is a repeat, not a cluster.
 */
export function clusterOf(
  record: Pick<ComplaintRecord, 'ref' | 'receivedAt' | 'category' | 'registerUnit'>,
  buildingPointers: readonly RelatedPointer[],
  thresholds: Pick<RelatedThresholds, 'clusterUnits' | 'clusterDays'>,
): RelatedFlags['cluster'] {
  const unit = record.registerUnit;
  if (!unit || !record.category) return undefined;
  const from = windowStart(record.receivedAt, thresholds.clusterDays);
  const inWindow = buildingPointers.filter(
    (p) =>
      answers(p) &&
      p.ref !== record.ref &&
      p.estateId === unit.estateId &&
      p.buildingCode === unit.buildingCode &&
      p.category === record.category &&
      p.receivedAt >= from &&
      p.receivedAt <= record.receivedAt,
  );
  const units = new Set([unit.id, ...inWindow.map((p) => p.unitId)]);
  if (units.size < thresholds.clusterUnits) return undefined;
  const sorted = [...inWindow].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  return {
    units: units.size,
    refs: [...sorted.map((p) => p.ref), record.ref],
    since: sorted[0]?.receivedAt ?? record.receivedAt,
  };
}

/** The rules' verdict for a complaint, as the record keeps it. */
export function relatedFlagsOf(
  record: Pick<ComplaintRecord, 'ref' | 'receivedAt' | 'category' | 'registerUnit'>,
  pointers: { unit: readonly RelatedPointer[]; building: readonly RelatedPointer[] },
  thresholds: RelatedThresholds,
  now: Date,
): RelatedFlags {
  const repeat = repeatOf(record, pointers.unit, thresholds);
  const cluster = clusterOf(record, pointers.building, thresholds);
  return {
    ...(repeat.length ? { repeatOf: repeat.slice(0, RELATED_LISTED) } : {}),
    ...(cluster ? { cluster: { ...cluster, refs: cluster.refs.slice(-RELATED_LISTED) } } : {}),
    thresholds: {
      repeatDays: thresholds.repeatDays,
      clusterUnits: thresholds.clusterUnits,
      clusterDays: thresholds.clusterDays,
    },
    checkedAt: now.toISOString(),
  };
}

/**
 * References a list keeps at most (the record's flags, each list of the review): what a
 * supervisor reads, and a bound on the record's size whatever a building's history is.
 */
export const RELATED_LISTED = 50;

/** Pointers one list reads at most: a bound on the review's reads of a busy estate. */
export const RELATED_READ_LIMIT = 1000;

// ---- A cluster's rectification item ----------------------------------------------------------

/**
 * The rectification subject of a cluster: the category at the building, named as the register
 * names it (`<estate> <building>`), in the complaint's area — the report's `location` kind, so
 * the plan, its list and its progress treat it as they treat a recurring location.
 */
export function clusterSubject(
  record: Pick<ComplaintRecord, 'area' | 'category' | 'registerUnit'>,
): Subject | undefined {
  const unit = record.registerUnit;
  if (!unit || !record.category) return undefined;
  return {
    kind: 'location',
    area: record.area,
    building: `${unit.estate} ${unit.building}`,
    category: record.category,
  };
}

/**
 * The draft a cluster makes, as the report drafts one for a threshold: one per subject and
 * month (its id is derived from both, so concurrent complaints completing the same cluster put
 * the same item, conditionally, once), its evidence the cluster's complaints.
 */
export function clusterDraftItem(
  record: Pick<ComplaintRecord, 'ref' | 'area' | 'category' | 'registerUnit' | 'department'>,
  cluster: NonNullable<RelatedFlags['cluster']>,
  thresholds: Pick<RelatedThresholds, 'clusterUnits' | 'clusterDays'>,
  context: { now: Date; dueDays: number },
): RectificationItem | undefined {
  const subject = clusterSubject(record);
  if (!subject) return undefined;
  const today = localDate(context.now);
  const period = today.slice(0, 7);
  const draft = draftItem(
    {
      subject,
      count: cluster.refs.length,
      previousCount: 0,
      threshold: thresholds.clusterUnits,
      refs: cluster.refs,
      departments: record.department ? { [record.department]: 1 } : {},
    },
    {
      reportId: `cluster:${record.ref}`,
      period: `cluster-${period}`,
      now: context.now,
      dueDays: context.dueDays,
      today,
    },
  );
  const words = (language: Language) => {
    const place = subjectText(subject, language);
    const { units } = cluster;
    const days = thresholds.clusterDays;
    if (language === 'en') {
      return `${place}: ${units} units of the building complained within ${days} days (cluster threshold ${thresholds.clusterUnits} units).`;
    }
    if (language === 'zh-Hans') {
      return `${place}：同座 ${units} 个单位于 ${days} 日内投诉（群组门槛 ${thresholds.clusterUnits} 个单位）。`;
    }
    return `${place}：同座 ${units} 個單位於 ${days} 日內投訴（群組門檻 ${thresholds.clusterUnits} 個單位）。`;
  };
  return {
    ...draft,
    // The month it was drafted in: the report of that month lists it among its drafts.
    evidence: { ...draft.evidence, period },
    problemDraft: { 'zh-Hant': words('zh-Hant'), 'zh-Hans': words('zh-Hans'), en: words('en') },
  };
}
