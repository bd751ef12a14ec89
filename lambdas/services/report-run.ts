import { openTasksFor } from '#adapters/complaints.ts';
import { sendMail } from '#adapters/mail.ts';
import {
  areaMonthPages,
  finishReportItem,
  getReportFile,
  getReportItem,
  latestReportOf,
  listRectificationItems,
  ownerComplaints,
  putDraftItem,
  putReportFile,
  type ReportFiles,
  type ReportItem,
  recordProgress,
  S3TextUpload,
  startReportItem,
} from '#adapters/reports.ts';
import { logger } from '#commons/powertools.ts';
import { AREAS } from '#config/areas.ts';
import { STAFF_ROLES } from '#config/roles.ts';
import { TABLE } from '#config/table.ts';
import type { WorkflowSettings } from '#config/workflow.ts';
import type { Language } from '#domain/complaint.ts';
import { newMessageId } from '#domain/mime.ts';
import {
  COMPANY,
  LIST_KEPT,
  type OpenTaskRow,
  type PeriodCounts,
  type PreviousRow,
  ReportAggregator,
  type ReportRow,
  UNCATEGORISED,
} from '#domain/report/aggregate.ts';
import { csvHeader, csvLines } from '#domain/report/csv.ts';
import {
  type RectificationLine,
  type RepeatOwner,
  type ReportData,
  type ReportTrigger,
  rectificationLine,
  summaryOf,
} from '#domain/report/data.ts';
import { byLanguage, type Recipient, reportEmail } from '#domain/report/email.ts';
import { REPORT_LANGUAGES } from '#domain/report/i18n.ts';
import { indexSlices, lastInstant, localDate, type Period, previousPeriod } from '#domain/report/period.ts';
import {
  type Candidate,
  draftItem,
  isOpen,
  type RectificationItem,
  type RecurrenceThresholds,
  scaledThreshold,
  subjectKey,
} from '#domain/report/rectification.ts';
import { type RelatedRow, RelatedTally } from '#domain/report/related-section.ts';
import { renderReportHtml } from '#domain/report/render-html.ts';

/**
 * Makes one periodic report (procedure step 10): reads the period and the previous one from
 * the area/month index in one pass (pages streamed, only counters kept; the CSV goes to S3
 * part by part), adds the open-tasks index for complaints past their deadline and the
 * owner-contact index for repeat complainants, drafts and tracks rectification items, then
 * stores the HTML (one per language), the CSV and the figures in S3 and emails the report.
 */
export interface ReportConfig {
  readonly table: string;
  readonly bucket: string;
  readonly recipients: readonly Recipient[];
  readonly mailFrom: string;
  readonly appUrl: string;
  readonly settings: WorkflowSettings;
  readonly thresholds: RecurrenceThresholds;
}

export interface ReportRequest {
  readonly period: Period;
  readonly trigger: ReportTrigger;
  readonly requestedBy?: string;
  /** A scheduled run passes an id derived from its scheduled time, so a repeat is harmless. */
  readonly id?: string;
  readonly now?: Date;
}

const OPEN_TASKS_INDEX = TABLE.index.openTasksByRoleArea.name;
const AREA_MONTH_INDEX = TABLE.index.complaintsByAreaMonth.name;
const OWNER_INDEX = TABLE.index.complaintsByOwnerContact.name;

/** What the report reads of each complaint of the period (never the text or contacts). */
export const CURRENT_ATTRIBUTES = [
  'ref',
  'receivedAt',
  'channel',
  'area',
  'building',
  'unit',
  'category',
  'department',
  'status',
  'outcome',
  'flags',
  'acknowledgedAt',
  'supervisorReview.at',
  'commitment.plannedCompletion',
  'committedCompletion',
  'actualCompletion',
  'satisfaction.rating',
  'reopenCount',
  'closedAt',
  'deadlines',
  'escalations',
  'GSI3PK',
  // Time paused (domain/pause.ts) and progress notices: the report prints reasons and minutes only.
  'pauses',
  'pause.reason',
  'pause.at',
  'progress.notices',
  // Repeat and cluster flags (domain/related.ts): never the owner.
  'relatedFlags.repeatOf',
  'relatedFlags.cluster',
  'registerUnit.estateId',
  'registerUnit.estate',
  'registerUnit.buildingCode',
  'registerUnit.building',
] as const;

/** What the previous period contributes: counts for the trend. */
export const PREVIOUS_ATTRIBUTES = [
  'area',
  'channel',
  'category',
  'department',
  'building',
  'unit',
  'satisfaction.rating',
] as const;

const OWNER_ATTRIBUTES = ['ref', 'receivedAt', 'area', 'building', 'unit', 'owner.name', 'category'] as const;

/**
 * Concurrent Queries: enough to keep DynamoDB (or the local emulator) busy while pages are
 * aggregated, few enough that the pages in flight stay a few megabytes.
 */
const READERS = 4;
/** Items per page: smaller than DynamoDB's 1 MB pages, so the pages in flight stay small. */
const PAGE_SIZE = 400;
/** Longer than the report function's timeout (15 min): a run still "running" after this died. */
const STALE_RUN_MS = 20 * 60_000;
/** Repeat complainants named in the report (the count covers all of them). */
const REPEAT_LISTED = 20;
/** A dropped item's subject is not drafted again for this long. */
const DROPPED_QUIET_DAYS = 90;
/** CSVs up to this size go with the email; larger ones are downloaded from the app. */
const ATTACH_CSV_BYTES = 5 * 1024 * 1024;

export interface ReportOutcome {
  readonly item: ReportItem;
  /** False when a report with this id existed already (a repeated scheduled run). */
  readonly created: boolean;
}

export async function runReport(request: ReportRequest, config: ReportConfig): Promise<ReportOutcome> {
  const now = request.now ?? new Date();
  const period = request.period;
  const previous = previousPeriod(period);
  const id = request.id ?? reportId(now, period.key);
  const started = Date.now();
  const item: ReportItem = {
    id,
    kind: period.kind,
    period: period.key,
    periodStart: period.start,
    periodEnd: period.end,
    previousPeriod: previous.key,
    trigger: request.trigger,
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
    status: 'running',
    startedAt: now.toISOString(),
  };
  if (!(await startReportItem(config.table, item, STALE_RUN_MS))) {
    logger.info('Report exists already; nothing to do', { reportId: id });
    return { item: (await getReportItem(config.table, id)) ?? item, created: false };
  }

  const queue = { tail: Promise.resolve() };
  const uploads = new Map<Language, S3TextUpload>(
    REPORT_LANGUAGES.map((language) => [
      language,
      new S3TextUpload(
        config.bucket,
        `reports/${id}/complaints.${language}.csv`,
        'text/csv; charset=utf-8',
        queue,
      ),
    ]),
  );
  try {
    // The counters live only in this call: the files below are made from `data` alone.
    const { data, counts } = await aggregate({ id, period, previous, now, request, config, uploads });
    const countsKey = `reports/${id}/counts.json`;
    await putReportFile(config.bucket, countsKey, counts, 'application/json');

    const appLink = `${config.appUrl}/reports/${encodeURIComponent(id)}`;
    const files: Partial<Record<Language, ReportFiles>> = {};
    const csvBodies = new Map<Language, Buffer>();
    for (const [language, upload] of uploads) {
      const html = renderReportHtml(data, language, { target: 'web' });
      const htmlKey = `reports/${id}/report.${language}.html`;
      await putReportFile(config.bucket, htmlKey, html, 'text/html; charset=utf-8');
      const closed = await upload.close();
      if (closed.body && closed.bytes <= ATTACH_CSV_BYTES) csvBodies.set(language, closed.body);
      files[language] = { html: htmlKey, csv: upload.key, csvBytes: closed.bytes };
    }
    const dataKey = `reports/${id}/data.json`;
    await putReportFile(config.bucket, dataKey, JSON.stringify(data), 'application/json');
    let messages = 0;
    for (const [language, to] of byLanguage(config.recipients)) {
      const csv = csvBodies.get(language);
      const mail = reportEmail(data, language, { appLink, csvAttached: csv !== undefined });
      await sendMail({
        from: config.mailFrom,
        to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: newMessageId(`report-${id}`, config.mailFrom.split('@')[1] ?? 'localhost'),
        ...(csv
          ? {
              attachments: [
                { filename: csvName(period, language), contentType: 'text/csv; charset=UTF-8', content: csv },
              ],
            }
          : {}),
      });
      messages += 1;
    }

    const finished = {
      status: 'done' as const,
      finishedAt: new Date().toISOString(),
      durationMs: Date.now() - started,
      files,
      dataKey,
      countsKey,
      rows: data.rows,
      summary: summaryOf(data),
      emailed: { recipients: config.recipients.length, messages },
    };
    await finishReportItem(config.table, id, finished);
    logger.info('Report made', {
      reportId: id,
      period: period.key,
      rows: data.rows,
      durationMs: finished.durationMs,
    });
    return { item: { ...item, ...finished }, created: true };
  } catch (error) {
    await Promise.all([...uploads.values()].map((upload) => upload.abort().catch(() => undefined)));
    await finishReportItem(config.table, id, {
      status: 'failed',
      finishedAt: new Date().toISOString(),
      error: (error as Error).name,
    }).catch(() => undefined);
    throw error;
  }
}

/**
 * The one pass: the previous period's counts (from its report, else its rows), every slice of
 * the period read by a few concurrent readers — each page aggregated, written to the CSVs and
 * dropped — the open tasks, repeat owners and the rectification plan. Returns the report's
 * data and this period's counts (as JSON, for the next report).
 */
async function aggregate(context: {
  id: string;
  period: Period;
  previous: Period;
  now: Date;
  request: ReportRequest;
  config: ReportConfig;
  uploads: ReadonlyMap<Language, S3TextUpload>;
}): Promise<{ data: ReportData; counts: string }> {
  const { id, period, previous, now, request, config, uploads } = context;
  const areas = AREAS.map((area) => area.id);
  const aggregator = new ReportAggregator({ period, previous, now, settings: config.settings, areas });
  for (const [language, upload] of uploads) upload.write(csvHeader(language));
  const related = new RelatedTally();

  // The trend: the previous period as its own report counted it once it had ended (the
  // schedule makes one), else its rows, read beside this period's.
  const previousReport = await latestReportOf(config.table, previous.key, previous.end);
  const previousCounts = previousReport?.countsKey
    ? (JSON.parse(await getReportFile(config.bucket, previousReport.countsKey)) as PeriodCounts)
    : undefined;
  const countsUsable = previousCounts?.version === 1 && previousCounts.period === previous.key;
  if (previousCounts && countsUsable) aggregator.usePrevious(previousCounts);

  const languages = [...uploads.values()];
  await inParallel(READERS, [
    ...indexSlices(period, areas).map((slice) => async () => {
      for await (const page of areaMonthPages<ReportRow>({
        table: config.table,
        index: AREA_MONTH_INDEX,
        ...slice,
        attributes: CURRENT_ATTRIBUTES,
        pageSize: PAGE_SIZE,
      })) {
        for (const row of page) {
          related.add(row as unknown as RelatedRow);
          const lines = csvLines(row, aggregator.add(row));
          for (let i = 0; i < languages.length; i++) languages[i]?.write(lines[i] ?? '');
        }
        await Promise.all(languages.map((upload) => upload.flush()));
      }
    }),
    ...(countsUsable ? [] : indexSlices(previous, areas)).map((slice) => async () => {
      for await (const page of areaMonthPages<PreviousRow>({
        table: config.table,
        index: AREA_MONTH_INDEX,
        ...slice,
        attributes: PREVIOUS_ATTRIBUTES,
        pageSize: PAGE_SIZE,
      })) {
        for (const row of page) aggregator.addPrevious(row);
      }
    }),
    ...areas.flatMap((area) =>
      STAFF_ROLES.map((role) => async () => {
        for (const task of await openTasksFor(config.table, OPEN_TASKS_INDEX, role, area)) {
          aggregator.addOpenTask(task as OpenTaskRow);
        }
      }),
    ),
  ]);

  const repeatComplainants = await repeatOwners(aggregator, period, config.table);
  const thresholds = {
    category: scaledThreshold(config.thresholds.category, period.days),
    categoryShare: config.thresholds.categoryShare,
    location: scaledThreshold(config.thresholds.location, period.days),
    unit: scaledThreshold(config.thresholds.unit, period.days),
  };
  const rectification = await rectify(aggregator, { id, period, now, thresholds, config });
  const data: ReportData = {
    version: 1,
    id,
    period,
    previous,
    generatedAt: now.toISOString(),
    trigger: request.trigger,
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
    areas: [...aggregator.scopes.keys()].filter((scope) => scope !== COMPANY),
    targets: {
      acknowledgementMinutes: config.settings.businessMinutes.acknowledgeCall,
      supervisorReviewMinutes: config.settings.businessMinutes.supervisorReview,
    },
    thresholds,
    scopes: aggregator.scopeData(),
    repeatComplainants,
    recurring: {
      locations: aggregator
        .recurring('building', thresholds.location)
        .filter((l) => l.category !== UNCATEGORISED)
        .slice(0, LIST_KEPT),
      units: aggregator.recurring('unit', thresholds.unit).slice(0, LIST_KEPT),
    },
    reopened: aggregator.reopened,
    related: related.result(),
    openPastDeadline: aggregator.pastDeadline(),
    rectification,
    rows: aggregator.rows,
    previousRows: aggregator.previousRows,
    ...(countsUsable && previousReport ? { previousFrom: previousReport.id } : {}),
  };
  return { data, counts: JSON.stringify(aggregator.periodCounts()) };
}

/** `20261201T000000123Z-2026-11`: sorts by generation time, names the period. */
export function reportId(at: Date, period: string): string {
  return `${at.toISOString().replace(/[-:.]/g, '')}-${period}`;
}

export function csvName(period: Period, language: Language): string {
  return `complaints-${period.key}.${language}.csv`;
}

/** Runs tasks with at most `limit` at a time; rejects with the first failure. */
async function inParallel(limit: number, tasks: readonly (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      if (task) await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/**
 * Owners with two or more complaints in the period: all counted; the most frequent named, with
 * their last twelve months from the owner-contact index (one Query each).
 */
async function repeatOwners(
  aggregator: ReportAggregator,
  period: Period,
  table: string,
): Promise<ReportData['repeatComplainants']> {
  const repeat = aggregator.repeatOwners(2);
  const yearStart = new Date(Date.parse(period.end) - 365 * 86_400_000).toISOString();
  const top: RepeatOwner[] = [];
  for (const owner of repeat.slice(0, REPEAT_LISTED)) {
    const history = await ownerComplaints<{
      ref: string;
      receivedAt: string;
      area: string;
      building?: string;
      unit?: string;
      owner?: { name?: string };
      category?: string;
    }>({
      table,
      index: OWNER_INDEX,
      contactKey: owner.key,
      from: yearStart,
      to: lastInstant(period),
      attributes: OWNER_ATTRIBUTES,
    });
    const inPeriod = history
      .filter((c) => c.receivedAt >= period.start && c.receivedAt < period.end)
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    const latest = inPeriod.at(-1);
    if (!latest) continue;
    const categories: Record<string, number> = {};
    for (const c of inPeriod) {
      const category = c.category ?? UNCATEGORISED;
      categories[category] = (categories[category] ?? 0) + 1;
    }
    top.push({
      name: latest.owner?.name ?? '',
      area: latest.area,
      ...(latest.building ? { building: latest.building } : {}),
      ...(latest.unit ? { unit: latest.unit } : {}),
      periodCount: inPeriod.length,
      yearCount: history.length,
      categories,
      refs: inPeriod.slice(-10).map((c) => c.ref),
    });
  }
  return {
    owners: repeat.length,
    complaints: repeat.reduce((sum, owner) => sum + owner.count, 0),
    top,
  };
}

/**
 * Drafts an item for each subject at or over its threshold that has no open item, records the
 * period's count on every open item, and lists both for the report.
 */
async function rectify(
  aggregator: ReportAggregator,
  context: {
    id: string;
    period: Period;
    now: Date;
    thresholds: ReportData['thresholds'];
    config: ReportConfig;
  },
): Promise<ReportData['rectification']> {
  const { id, period, now, thresholds, config } = context;
  const today = localDate(now);
  const existing = await listRectificationItems(config.table);
  const candidates: Candidate[] = [];
  for (const [area, scope] of aggregator.scopes) {
    if (area === COMPANY) continue;
    for (const [category, trend] of Object.entries(scope.categories)) {
      if (category === UNCATEGORISED || trend.current < thresholds.category) continue;
      if (trend.current < thresholds.categoryShare * scope.received.current) continue;
      const evidence = aggregator.categoryEvidence.get(`${area}|${category}`);
      candidates.push({
        subject: { kind: 'category', area, category },
        count: trend.current,
        previousCount: trend.previous,
        threshold: thresholds.category,
        refs: evidence?.refs ?? [],
        departments: evidence?.departments ?? {},
      });
    }
  }
  for (const location of aggregator.recurring('building', thresholds.location)) {
    if (location.category === UNCATEGORISED) continue;
    candidates.push({
      subject: {
        kind: 'location',
        area: location.area,
        building: location.building,
        ...(location.category ? { category: location.category } : {}),
      },
      count: location.count,
      previousCount: location.previous,
      threshold: thresholds.location,
      refs: location.refs,
      departments: location.departments,
    });
  }
  for (const unit of aggregator.recurring('unit', thresholds.unit)) {
    candidates.push({
      subject: {
        kind: 'unit',
        area: unit.area,
        building: unit.building,
        ...(unit.unit ? { unit: unit.unit } : {}),
      },
      count: unit.count,
      previousCount: unit.previous,
      threshold: thresholds.unit,
      refs: unit.refs,
      departments: unit.departments,
      breakdown: unit.categories,
    });
  }

  const openBySubject = new Map(existing.filter(isOpen).map((item) => [item.subjectKey, item]));
  const quietSince = new Date(now.getTime() - DROPPED_QUIET_DAYS * 86_400_000).toISOString();
  const recentlyDropped = new Set(
    existing
      .filter((item) => item.status === 'dropped' && item.updatedAt >= quietSince)
      .map((i) => i.subjectKey),
  );
  const drafted: RectificationItem[] = [];
  let overThreshold = 0;
  // The most recurrent first, by how far over its threshold; at most maxDrafts new items.
  candidates.sort((a, b) => b.count / b.threshold - a.count / a.threshold || b.count - a.count);
  let room = config.thresholds.maxDrafts;
  for (const candidate of candidates) {
    const key = subjectKey(candidate.subject);
    if (openBySubject.has(key) || recentlyDropped.has(key)) continue;
    overThreshold += 1;
    if (room <= 0) continue;
    room -= 1;
    const draft = draftItem(candidate, {
      reportId: id,
      period: period.key,
      now,
      dueDays: config.thresholds.dueDays,
      today,
    });
    if (await putDraftItem(config.table, draft)) drafted.push(draft);
    openBySubject.set(key, draft);
  }

  // Progress of the items from before this report: open ones, and those closed during the period.
  const tracked: RectificationLine[] = [];
  const draftedLines = drafted.map((item) => rectificationLine(item, item.evidence.count, today));
  for (const item of existing) {
    if (item.evidence.period === period.key && isOpen(item)) {
      // Drafted by an earlier run of this period's report: still this period's draft.
      draftedLines.push(rectificationLine(item, aggregator.subjectCount(item.subject), today));
      continue;
    }
    const closedInPeriod = !isOpen(item) && item.updatedAt >= period.start;
    if (!isOpen(item) && !closedInPeriod) continue;
    const count = aggregator.subjectCount(item.subject);
    await recordProgress(config.table, item.id, period.key, { reportId: id, count, at: now.toISOString() });
    tracked.push(rectificationLine(item, count, today));
  }
  tracked.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id));
  return { drafted: draftedLines, tracked, overThreshold };
}
