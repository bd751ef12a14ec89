import { appendAuditEventOnce, updateRecord } from '#adapters/complaints.ts';
import {
  putRelatedPointers,
  type RelatedRecord,
  relatedPointers,
  relatedRecords,
} from '#adapters/related.ts';
import { listRectificationItems, putDraftItem } from '#adapters/reports.ts';
import { logger } from '#commons/powertools.ts';
import type { RelatedThresholds } from '#config/workflow.ts';
import { actorOf } from '#domain/audit.ts';
import type { ComplaintRecord, RegisterUnitRef } from '#domain/complaint.ts';
import {
  clusterDraftItem,
  RELATED_LISTED,
  RELATED_READ_LIMIT,
  type RelatedFlags,
  type RelatedPointer,
  relatedBuildingPk,
  relatedEstatePk,
  relatedFlagsOf,
  relatedPointerItems,
  relatedUnitPk,
  windowStart,
} from '#domain/related.ts';
import { DEFAULT_THRESHOLDS, isOpen, subjectKey } from '#domain/report/rectification.ts';

type Indexed = Pick<
  ComplaintRecord,
  'ref' | 'receivedAt' | 'area' | 'category' | 'registerUnit' | 'department' | 'relatedFlags'
>;

/**
 * Indexes a complaint about a register unit for its related complaints, and flags it: the
 * pointers (domain/related.ts), the unit's and building's pointers of the rules' windows read
 * back, the verdict set on the record (`relatedFlags`), an audit line for a repeat or a cluster,
 * and for a cluster a rectification item drafted. Called when a complaint opens (open-complaint)
 * and whenever its category or unit is set later (the supervisor's review, a correction), so the
 * flags follow what the record says. Everything is a put or a set of the same values again: a
 * retried caller repeats it harmlessly. `previousUnit`: the unit the complaint was about before
 * (its pointers are marked moved).
 */
export async function indexRelated(
  table: string,
  record: Indexed,
  thresholds: RelatedThresholds,
  options: { now?: Date; previousUnit?: RegisterUnitRef; actor?: { by: string; role: string } } = {},
): Promise<RelatedFlags | undefined> {
  const now = options.now ?? new Date();
  const moved =
    options.previousUnit && options.previousUnit.id !== record.registerUnit?.id
      ? relatedPointerItems(record, { moved: true, unit: options.previousUnit })
      : [];
  // The moved ones first: a unit's old building and estate may be the new ones (same keys).
  await putRelatedPointers(table, moved);
  const unit = record.registerUnit;
  if (!unit) return undefined;
  await putRelatedPointers(table, relatedPointerItems(record));

  const [unitPointers, buildingPointers] = await Promise.all([
    relatedPointers(
      table,
      relatedUnitPk(unit.id),
      { from: windowStart(record.receivedAt, thresholds.repeatDays), to: record.receivedAt },
      RELATED_READ_LIMIT,
    ),
    relatedPointers(
      table,
      relatedBuildingPk(unit.estateId, unit.buildingCode),
      { from: windowStart(record.receivedAt, thresholds.clusterDays), to: record.receivedAt },
      RELATED_READ_LIMIT,
    ),
  ]);
  const flags = relatedFlagsOf(record, { unit: unitPointers, building: buildingPointers }, thresholds, now);
  await updateRecord(table, record.ref, { relatedFlags: flags });

  const wasRepeat = Boolean(record.relatedFlags?.repeatOf?.length);
  const wasCluster = Boolean(record.relatedFlags?.cluster);
  const actor = options.actor ?? { by: 'system', role: 'system' };
  const at = now.toISOString();
  if (flags.repeatOf?.length && !wasRepeat) {
    await appendAuditEventOnce(
      table,
      {
        ref: record.ref,
        at,
        ...actorOf(actor),
        action: 'repeat-flagged',
        details: { unitId: unit.id, category: record.category, repeatOf: flags.repeatOf },
      },
      `repeat-flagged.${record.category}`,
    );
  }
  if (flags.cluster && !wasCluster) {
    const drafted = await draftForCluster(table, record, flags.cluster, thresholds, now);
    await appendAuditEventOnce(
      table,
      {
        ref: record.ref,
        at,
        ...actorOf(actor),
        action: 'cluster-flagged',
        details: {
          estateId: unit.estateId,
          buildingCode: unit.buildingCode,
          category: record.category,
          units: flags.cluster.units,
          refs: flags.cluster.refs,
          ...(drafted ? { rectificationId: drafted } : {}),
        },
      },
      `cluster-flagged.${record.category}`,
    );
  }
  return flags;
}

/**
 * Drafts the cluster's rectification item unless its subject has an open one (the report's
 * rule: one open item per subject; later clusters and reports add to its progress). The id is
 * the subject's and the month's, so complaints completing the cluster at once draft it once.
 */
async function draftForCluster(
  table: string,
  record: Indexed,
  cluster: NonNullable<RelatedFlags['cluster']>,
  thresholds: RelatedThresholds,
  now: Date,
): Promise<string | undefined> {
  const draft = clusterDraftItem(record, cluster, thresholds, { now, dueDays: DEFAULT_THRESHOLDS.dueDays });
  if (!draft) return undefined;
  const key = subjectKey(draft.subject);
  const open = (await listRectificationItems(table)).find((item) => item.subjectKey === key && isOpen(item));
  if (open) return open.id;
  const put = await putDraftItem(table, draft);
  logger.info(put ? 'Cluster drafted a rectification item' : 'Cluster item drafted already', {
    ref: record.ref,
    rectificationId: draft.id,
  });
  return draft.id;
}

/** One related complaint as the review lists it: no owner, no text. */
export interface RelatedLine {
  readonly ref: string;
  readonly receivedAt: string;
  readonly category?: string;
  readonly status: 'open' | 'closed';
  readonly currentStep?: string;
  readonly building: string;
  readonly unit: string;
  readonly unitId: string;
}

export interface RelatedView {
  /** The unit's earlier complaints, any status, within `historyDays`, newest first. */
  readonly unitHistory: readonly RelatedLine[];
  /** Open complaints of the same category in the same building. */
  readonly openInBuilding: readonly RelatedLine[];
  /** ...and in the rest of the estate. */
  readonly openInEstate: readonly RelatedLine[];
  readonly flags?: RelatedFlags;
  readonly thresholds: RelatedThresholds;
  /** A list reached its bound: there are more than it shows. */
  readonly truncated?: boolean;
}

/**
 * What the supervisor's review shows of a complaint's related ones: three Queries of its
 * pointer partitions over `historyDays`, then the records of what they found (BatchGetItem),
 * each checked against its pointer (still this unit, building, category), so a stale pointer
 * never answers.
 */
export async function relatedView(
  table: string,
  record: ComplaintRecord,
  thresholds: RelatedThresholds,
  options: { now?: Date; maySee?: (area: string) => boolean } = {},
): Promise<RelatedView | undefined> {
  const now = options.now ?? new Date();
  // A complaint moved to another area since is listed only to those who see that area.
  const maySee = options.maySee ?? (() => true);
  const unit = record.registerUnit;
  if (!unit) return undefined;
  const range = { from: windowStart(now.toISOString(), thresholds.historyDays), to: now.toISOString() };
  const sameCategory = (p: RelatedPointer) =>
    record.category !== undefined &&
    p.category === record.category &&
    p.moved !== true &&
    p.ref !== record.ref;
  const [unitPointers, buildingPointers, estatePointers] = await Promise.all([
    relatedPointers(table, relatedUnitPk(unit.id), range, RELATED_READ_LIMIT),
    record.category
      ? relatedPointers(table, relatedBuildingPk(unit.estateId, unit.buildingCode), range, RELATED_READ_LIMIT)
      : Promise.resolve([]),
    record.category
      ? relatedPointers(table, relatedEstatePk(unit.estateId), range, RELATED_READ_LIMIT)
      : Promise.resolve([]),
  ]);
  const history = unitPointers
    .filter((p) => p.moved !== true && p.ref !== record.ref)
    .slice(0, RELATED_LISTED);
  const building = buildingPointers.filter(sameCategory);
  const buildingRefs = new Set(building.map((p) => p.ref));
  const estate = estatePointers.filter((p) => sameCategory(p) && !buildingRefs.has(p.ref));
  const records = new Map(
    (
      await relatedRecords(
        table,
        [...history, ...building, ...estate].map((p) => p.ref),
      )
    ).map((r) => [r.ref, r]),
  );
  const line = (p: RelatedPointer, r: RelatedRecord): RelatedLine => ({
    ref: p.ref,
    receivedAt: p.receivedAt,
    ...(r.category ? { category: r.category } : {}),
    status: r.status,
    ...(r.status === 'open' ? { currentStep: r.currentStep } : {}),
    building: r.registerUnit?.building ?? p.building,
    unit: r.registerUnit?.unit ?? p.unit,
    unitId: r.registerUnit?.id ?? p.unitId,
  });
  const checked = (pointers: RelatedPointer[], test: (p: RelatedPointer, r: RelatedRecord) => boolean) =>
    pointers.flatMap((p) => {
      const r = records.get(p.ref);
      return r && maySee(r.area) && test(p, r) ? [line(p, r)] : [];
    });
  const openHere = (p: RelatedPointer, r: RelatedRecord) =>
    r.status === 'open' &&
    r.category === record.category &&
    r.registerUnit?.estateId === p.estateId &&
    r.registerUnit?.buildingCode === p.buildingCode;
  const openInBuilding = checked(building, openHere).slice(0, RELATED_LISTED);
  const openInEstate = checked(
    estate,
    (p, r) =>
      r.status === 'open' && r.category === record.category && r.registerUnit?.estateId === p.estateId,
  ).slice(0, RELATED_LISTED);
  const truncated = [unitPointers, buildingPointers, estatePointers].some(
    (l) => l.length >= RELATED_READ_LIMIT,
  );
  return {
    unitHistory: checked(history, (p, r) => r.registerUnit?.id === p.unitId),
    openInBuilding,
    openInEstate,
    ...(record.relatedFlags ? { flags: record.relatedFlags } : {}),
    thresholds,
    ...(truncated ? { truncated: true } : {}),
  };
}
