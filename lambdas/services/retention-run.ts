import { appendAuditEventOnce } from '#adapters/complaints.ts';
import { claimKey as ownerMessageClaimKey } from '#adapters/owner-messages.ts';
import {
  complaintPartitionItems,
  complaintsOfMonth,
  deleteObjects,
  getEach,
  markSwept,
  putErasedRecord,
  replaceItems,
  sweptThrough,
} from '#adapters/retention.ts';
import { indexComplaint } from '#adapters/search-index.ts';
import { AREAS } from '#config/areas.ts';
import type { AuditEvent } from '#domain/audit.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { RECORD_SK } from '#domain/keys.ts';
import {
  erasedClaim,
  erasedEvent,
  erasedMailLine,
  erasedRecord,
  erasedTask,
  FIRST_MONTH,
  isErasedMailLine,
  mailLogKeysOf,
  monthsBetween,
  objectsOfMailLine,
  objectsOfRecord,
  ownerMessageSendingOf,
  RETENTION_ACTION,
  retentionCutoff,
  retentionEvent,
  retentionState,
  type StoredObject,
} from '#domain/retention.ts';
import { searchItemChanges } from '#domain/search.ts';

export interface RetentionDeps {
  readonly table: string;
  /** The buckets of owners' mail and scans: the only ones files are deleted from. */
  readonly rawMailBucket: string;
  readonly attachmentsBucket: string;
  readonly years: number;
}

/** One complaint the run erased, or would erase (a dry run): counts only, no personal data. */
export interface ErasureLine {
  readonly ref: string;
  readonly area: string;
  readonly receivedAt: string;
  readonly files: number;
  readonly mailLines: number;
  readonly events: number;
  readonly searchTerms: number;
  /** false: another run erased it first (nothing written by this one). */
  readonly erased: boolean;
}

export interface RetentionRun {
  readonly dryRun: boolean;
  readonly at: string;
  readonly cutoff: string;
  readonly years: number;
  /** Complaints past the retention, erased now (or that would be). */
  readonly due: ErasureLine[];
  /** Complaints received before the cutoff that are kept: still open, or closed too recently. */
  readonly kept: number;
  /** Months of receipt read, over every area. */
  readonly monthsRead: number;
  /** The run stopped at its time budget: the next run goes on from where this one stopped. */
  readonly incomplete: boolean;
}

/**
 * Real time a run erases for before it stops (the function may run 15 minutes): a backlog
 * (the job off for months) is worked through over several days, never cut off mid-erasure.
 */
export const RUN_BUDGET_MS = 12 * 60_000;

/**
 * The daily retention job (issue 16 §6). For each area, reads the months of receipt after the
 * one it has swept through (its mark) up to the cutoff's month, a Query of the area/month index
 * each; erases every complaint there whose retention is over; and moves the mark to the last
 * month in which nothing is left to erase later (no open or too-recent complaint) — so a day's
 * run reads a month or two, and a complaint that closed late is found again until it is erased.
 * A dry run reads the same and writes nothing.
 */
export async function runRetention(
  deps: RetentionDeps,
  options: { now: Date; dryRun: boolean; areas?: readonly string[]; budgetMs?: number },
): Promise<RetentionRun> {
  const stopAt = Date.now() + (options.budgetMs ?? RUN_BUDGET_MS);
  let incomplete = false;
  const at = options.now.toISOString();
  const cutoff = retentionCutoff(options.now, deps.years);
  const lastMonth = cutoff.slice(0, 7);
  const due: ErasureLine[] = [];
  let kept = 0;
  let monthsRead = 0;
  for (const area of options.areas ?? AREAS.map((a) => a.id)) {
    const mark = await sweptThrough(deps.table, area);
    const from = mark ? monthsBetween(mark, lastMonth)[1] : FIRST_MONTH;
    if (!from) continue;
    let clearThrough = mark;
    let blocked = false;
    for (const month of monthsBetween(from, lastMonth)) {
      monthsRead++;
      let keptHere = false;
      for (const candidate of await complaintsOfMonth(deps.table, area, month)) {
        const state = retentionState(candidate, cutoff);
        if (state === 'due' && Date.now() >= stopAt) {
          incomplete = true;
          break;
        }
        if (state === 'due') {
          due.push(await eraseComplaint(deps, candidate.ref, { at, dryRun: options.dryRun }));
        } else if (state !== 'erased') {
          keptHere = true;
          if (candidate.receivedAt < cutoff) kept++;
        }
      }
      // The cutoff's own month always holds complaints still to come due.
      if (keptHere || month === lastMonth) blocked = true;
      if (incomplete) break;
      if (!blocked) clearThrough = month;
    }
    if (!options.dryRun && clearThrough && clearThrough !== mark) {
      await markSwept(deps.table, area, clearThrough, at);
    }
    if (incomplete) break;
  }
  return { dryRun: options.dryRun, at, cutoff, years: deps.years, due, kept, monthsRead, incomplete };
}

/**
 * Erases one complaint, each step one that a repeat does again harmlessly, the record last: its
 * files, the personal details of its mail, task and audit lines, its search terms, the audit
 * line of the erasure (once), then the record (conditional on not erased yet). A run that stops
 * half way leaves the record as it was, so the next run finds it due and finishes.
 */
async function eraseComplaint(
  deps: RetentionDeps,
  ref: string,
  options: { at: string; dryRun: boolean },
): Promise<ErasureLine> {
  const items = await complaintPartitionItems(deps.table, ref);
  const stored = items.find((item) => item.SK === RECORD_SK);
  const record = stored as unknown as ComplaintRecord;
  const allowed = new Set([deps.rawMailBucket, deps.attachmentsBucket]);
  const objects: StoredObject[] = [...objectsOfRecord(record, deps.attachmentsBucket)];
  const mailLines: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  for (const item of items) {
    if (item.type === 'mail' && !isErasedMailLine(item)) {
      objects.push(...objectsOfMailLine(item));
      mailLines.push(erasedMailLine(item));
    } else if (item.type === 'task') {
      const erased = erasedTask(item);
      if (erased) events.push(erased);
    } else if (item.type === 'event') {
      const erased = erasedEvent(item as unknown as AuditEvent);
      if (erased) events.push({ ...item, ...erased });
    }
  }
  // The mail log's lines of the same messages (outside the partition, found by day and id).
  const mailItems = items.filter((item) => item.type === 'mail');
  for (const logLine of await getEach(deps.table, mailLogKeysOf(mailItems))) {
    if (isErasedMailLine(logLine)) continue;
    objects.push(...objectsOfMailLine(logLine));
    mailLines.push(erasedMailLine(logLine));
  }
  // Owner messages' claims keep a copy of the sent line (lambdas/adapters/owner-messages.ts).
  const claimKeys = mailItems.flatMap((line) => {
    const sending = ownerMessageSendingOf(line);
    return sending ? [ownerMessageClaimKey({ ref, ...sending })] : [];
  });
  for (const claim of await getEach(deps.table, claimKeys)) {
    if (claim.personalDataErased !== true) mailLines.push(erasedClaim(claim));
  }
  const files = dedupe(objects).filter((o) => allowed.has(o.bucket));
  const erasure = { at: options.at, reason: 'retention' as const, years: deps.years };
  const after = erasedRecord(record, erasure);
  const terms = searchItemChanges(record, after);
  const line = {
    ref,
    area: record.area,
    receivedAt: record.receivedAt,
    files: files.length,
    mailLines: mailLines.length,
    events: events.length,
    searchTerms: terms.remove.length,
  };
  if (options.dryRun) return { ...line, erased: false };

  await deleteObjects(files);
  await replaceItems(deps.table, [...mailLines, ...events]);
  await indexComplaint(deps.table, record, after);
  // The audit line before the record: keyed by when the retention ended, it is written once
  // however many runs get this far, and the record (last) says it is done.
  await appendAuditEventOnce(
    deps.table,
    retentionEvent(record, erasure, {
      mailLines: line.mailLines,
      events: line.events,
      files: line.files,
      searchTerms: line.searchTerms,
    }),
    RETENTION_ACTION,
  );
  // `after` is the stored item with the personal fields gone (its keys and bookkeeping kept).
  const erased = await putErasedRecord(deps.table, after as unknown as Record<string, unknown>);
  return { ...line, erased };
}

function dedupe(objects: readonly StoredObject[]): StoredObject[] {
  const seen = new Map(objects.map((o) => [`${o.bucket}\n${o.key}`, o]));
  return [...seen.values()];
}
