import type { AuditEvent } from './audit.ts';
import { CALL_ACTION, SYSTEM_ACTOR } from './audit.ts';
import type { ComplaintRecord } from './complaint.ts';
import { CORRECTION_ACTION } from './corrections.ts';
import { mailLogPk, mailLogSk } from './keys.ts';

/**
 * Retention (issue 16 §6): a closed complaint's record, mail and attachments are kept at least
 * `retentionYears` (config/workflow.ts) after it was filed; after that its owners' personal
 * data is erased and what the statistics count stays. This module decides what is due and what
 * an erased item keeps; lambdas/services/retention-run.ts reads and writes
 * (lambdas/adapters/retention.ts), docs/data-model.md "Retention" says why it is keyed so.
 *
 * Erased from the record: the owner's name, phone, email and second contact, the complaint's
 * words as the owner gave them (content, clarified purpose, the satisfaction comments), the
 * email it came from (sender, subject, raw message) and the attachments (their names and
 * files). Kept: reference, area, channel, category, the building and unit (written and the
 * register's ids), every date, status, step and outcome, the department and work order, the
 * counts (objections, reopens, escalations), the satisfaction rating and the staff's own
 * signatures: the periodic report and the estate statistics count an erased complaint as they
 * did before.
 */

/** The audit line an erasure writes (once: its key is this action). */
export const RETENTION_ACTION = 'personal-data-erased';
export const RETENTION_NOTE = 'personal data erased under retention';

/** What an erased record carries instead of its owner's data. */
export type PersonalDataErased = NonNullable<ComplaintRecord['personalDataErased']>;

/** A file in S3 that holds an owner's mail or scans. */
export interface StoredObject {
  readonly bucket: string;
  readonly key: string;
}

/** The months of receipt the sweep reads start here: no complaint of this product is older. */
export const FIRST_MONTH = '2020-01';

/**
 * The instant before which a complaint must have been filed to be due: `years` calendar years
 * before `now` (29 February counts to 1 March, as `Date.UTC` rolls it).
 */
export function retentionCutoff(now: Date, years: number): string {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return cutoff.toISOString();
}

/**
 * When the retention of a record starts: the latest of its receipt and its filing (procedure
 * step 9), closing or rejection — so "after filing" holds whichever of them one reads it as.
 */
export function retainedFrom(
  record: Pick<ComplaintRecord, 'receivedAt' | 'filed' | 'closingSignature' | 'rejection'>,
): string {
  const times = [record.receivedAt, record.filed?.at, record.closingSignature?.at, record.rejection?.at]
    .filter((t): t is string => typeof t === 'string')
    .sort();
  return times[times.length - 1] ?? record.receivedAt;
}

/**
 * When a record's retention ran out: `years` calendar years after `retainedFrom`. The audit
 * line of its erasure is dated so (the erasure's own time is in its details): the same line,
 * under the same key, whichever run writes it, so a run that stopped after writing it and the
 * one that finishes do not write two.
 */
export function retentionEndedAt(
  record: Pick<ComplaintRecord, 'receivedAt' | 'filed' | 'closingSignature' | 'rejection'>,
  years: number,
): string {
  const end = new Date(retainedFrom(record));
  end.setUTCFullYear(end.getUTCFullYear() + years);
  return end.toISOString();
}

export type RetentionState = 'due' | 'erased' | 'open' | 'kept';

/**
 * What retention does with a record at `cutoff`: erase it (`due`), nothing more (`erased`:
 * done before), or keep it — still `open` (a complaint is never erased under the workflow) or
 * filed too recently (`kept`).
 */
export function retentionState(
  record: Pick<
    ComplaintRecord,
    'status' | 'receivedAt' | 'filed' | 'closingSignature' | 'rejection' | 'personalDataErased'
  >,
  cutoff: string,
): RetentionState {
  if (record.personalDataErased) return 'erased';
  if (record.status !== 'closed') return 'open';
  return retainedFrom(record) < cutoff ? 'due' : 'kept';
}

/** The record's fields that hold an owner's personal data (names of the fields, for the tests and docs). */
export const PERSONAL_RECORD_FIELDS = [
  'owner.name',
  'owner.phone',
  'owner.email',
  'owner.secondContact',
  'content',
  'clarifiedPurpose',
  'satisfaction.comments',
  'email',
  'attachments',
  'mailAttachments',
] as const;

/**
 * The record with its owners' personal data erased: the fields of PERSONAL_RECORD_FIELDS gone
 * (the owner's name and the content left empty, as the record's type has them), the rest as it
 * was, and `personalDataErased` saying when and why.
 */
export function erasedRecord(record: ComplaintRecord, erased: PersonalDataErased): ComplaintRecord {
  const {
    content: _content,
    clarifiedPurpose: _purpose,
    email: _email,
    attachments: _attachments,
    mailAttachments: _mailAttachments,
    satisfaction,
    owner,
    ...kept
  } = record;
  const result: ComplaintRecord = {
    ...kept,
    owner: { name: '', language: owner.language },
    content: '',
    personalDataErased: erased,
    ...(satisfaction
      ? {
          satisfaction: {
            rating: satisfaction.rating,
            by: satisfaction.by,
            role: satisfaction.role,
            at: satisfaction.at,
          },
        }
      : {}),
  };
  return result;
}

/**
 * The files of a record that hold an owner's mail and scans: the raw email, its stored
 * attachments, and the scans staff uploaded (in `attachmentsBucket`).
 */
export function objectsOfRecord(record: ComplaintRecord, attachmentsBucket: string): StoredObject[] {
  const objects: StoredObject[] = [];
  if (record.email?.rawMessage) objects.push(record.email.rawMessage);
  for (const file of record.mailAttachments ?? []) {
    if (file.bucket && file.key) objects.push({ bucket: file.bucket, key: file.key });
  }
  for (const file of record.attachments ?? []) objects.push({ bucket: attachmentsBucket, key: file.key });
  return objects;
}

/**
 * What an email's line on the correspondence keeps once erased: what it was (direction, kind,
 * when, its ids, which tasks it answered, who of staff sent it) and how many files it had — not
 * its sender or recipients, subject, words, file names or raw message.
 */
const MAIL_LINE_KEPT = new Set([
  'PK',
  'SK',
  'type',
  'ref',
  'id',
  'at',
  'direction',
  'audience',
  'kind',
  'fromOwner',
  'verified',
  'automatic',
  'sesMessageId',
  'messageId',
  'inReplyTo',
  'forTasks',
  'sentBy',
  'onceKey',
  'round',
  'step',
  'taskId',
  'submissionId',
  // The mail log's own (its line of the same message): what became of it, where, when.
  'receivedAt',
  'area',
  'outcome',
]);

/** Whether a correspondence line was erased already. */
export const isErasedMailLine = (item: Readonly<Record<string, unknown>>) => item.personalDataErased === true;

export function erasedMailLine(item: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) if (MAIL_LINE_KEPT.has(key)) kept[key] = value;
  const attachments = Array.isArray(item.attachments) ? item.attachments.length : 0;
  // The raw message's size stays (the mail log shows it); where it was does not: it is deleted.
  const bytes = (item.rawMessage as { bytes?: unknown } | undefined)?.bytes;
  return {
    ...kept,
    ...(attachments ? { attachmentCount: attachments } : {}),
    ...(typeof bytes === 'number' ? { rawMessage: { bytes } } : {}),
    personalDataErased: true,
  };
}

/**
 * The mail-log lines (`MAILLOG#<day>`, lambdas/adapters/inbound-mail.ts) of the emails a
 * complaint received: each has the sender, subject and words too, under its day and SES id.
 */
export function mailLogKeysOf(
  lines: readonly Readonly<Record<string, unknown>>[],
): { PK: string; SK: string }[] {
  return lines
    .filter(
      (line) =>
        line.direction === 'in' && typeof line.sesMessageId === 'string' && typeof line.at === 'string',
    )
    .map((line) => ({ PK: mailLogPk(String(line.at)), SK: mailLogSk(String(line.sesMessageId)) }));
}

/**
 * Who sent an owner message and under which request (a sent line's `sentBy.by` and
 * `submissionId`): the key of its claim, which keeps a copy of the line with its words.
 */
export function ownerMessageSendingOf(
  line: Readonly<Record<string, unknown>>,
): { by: string; submissionId: string } | undefined {
  const by = (line.sentBy as { by?: unknown } | undefined)?.by;
  const submissionId = line.submissionId;
  return typeof by === 'string' && typeof submissionId === 'string' ? { by, submissionId } : undefined;
}

/** An owner message's claim once erased: its state and ids, its line erased, no fingerprint of the words. */
export function erasedClaim(claim: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of ['PK', 'SK', 'type', 'ref', 'by', 'submissionId', 'status', 'claimedAt', 'messageId']) {
    if (claim[key] !== undefined) kept[key] = claim[key];
  }
  const line = claim.line as Record<string, unknown> | undefined;
  return { ...kept, ...(line ? { line: erasedMailLine(line) } : {}), personalDataErased: true };
}

/** The files an email's line names: its raw message and its stored attachments. */
export function objectsOfMailLine(item: Readonly<Record<string, unknown>>): StoredObject[] {
  const objects: StoredObject[] = [];
  const raw = item.rawMessage as Partial<StoredObject> | undefined;
  if (raw?.bucket && raw.key) objects.push({ bucket: raw.bucket, key: raw.key });
  for (const file of Array.isArray(item.attachments) ? item.attachments : []) {
    const { bucket, key } = (file ?? {}) as Partial<StoredObject>;
    if (bucket && key) objects.push({ bucket, key });
  }
  return objects;
}

/**
 * Details of audit lines that may hold an owner's words or contacts: an email's subject and
 * excerpt, notes, reasons and comments written from what the owner said, names and contacts.
 * The rest of a line (who of staff, when, which step, decisions, counts) stays: it is Form 17.
 */
const PERSONAL_DETAILS = new Set([
  'subject',
  'excerpt',
  'text',
  'html',
  'note',
  'notes',
  'comments',
  'reason',
  'from',
  'to',
  'name',
  'phone',
  'email',
  'owner',
  'secondContact',
  'faxNumber',
  'content',
  'clarifiedPurpose',
]);
/** Of a correction, the fields whose old and new values are not personal (they stay). */
const IMPERSONAL_CORRECTIONS = new Set(['category', 'channel', 'building', 'unit', 'registerUnit', 'area']);

/** An audit line without its personal details, or `undefined` when it has none to erase. */
export function erasedEvent(event: AuditEvent): AuditEvent | undefined {
  const details = event.details;
  if (!details || event.action === RETENTION_ACTION) return undefined;
  const keepChange = event.action === CORRECTION_ACTION && IMPERSONAL_CORRECTIONS.has(String(details.field));
  const personal = (key: string) =>
    (event.action === CALL_ACTION && key === 'number') ||
    (PERSONAL_DETAILS.has(key) && !(keepChange && (key === 'from' || key === 'to')));
  // An area move's from/to are areas: not personal.
  const isMove = event.action === 'area-changed';
  const drop = Object.keys(details).filter(
    (key) => personal(key) && !(isMove && (key === 'from' || key === 'to')),
  );
  if (drop.length === 0) return undefined;
  const kept = Object.fromEntries(Object.entries(details).filter(([key]) => !drop.includes(key)));
  return { ...event, details: { ...kept, personalDataErased: true } };
}

/**
 * A task without the copy of the owner it carries for My tasks (`complaint.ownerName`, the
 * content's `summary`: domain/tasks.ts) and the personal parts of the decision it was closed
 * with (the owner's words, contacts); `undefined` when it has none.
 */
export function erasedTask(task: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  if (task.personalDataErased === true) return undefined;
  const complaint = task.complaint as Record<string, unknown> | undefined;
  const decision = task.decision as Record<string, unknown> | undefined;
  const personalDecision = decision ? Object.keys(decision).filter((key) => PERSONAL_DETAILS.has(key)) : [];
  if (!complaint && personalDecision.length === 0) return undefined;
  const { ownerName: _name, summary: _summary, ...place } = complaint ?? {};
  return {
    ...task,
    ...(complaint ? { complaint: { ...place, ownerName: '', summary: '' } } : {}),
    ...(decision && personalDecision.length
      ? {
          decision: Object.fromEntries(
            Object.entries(decision).filter(([key]) => !personalDecision.includes(key)),
          ),
        }
      : {}),
    personalDataErased: true,
  };
}

/** The audit line of an erasure: what was erased, by kind and count, and no personal data. */
export function retentionEvent(
  record: Pick<ComplaintRecord, 'ref' | 'receivedAt' | 'filed' | 'closingSignature' | 'rejection'>,
  erased: PersonalDataErased,
  counts: { mailLines: number; events: number; files: number; searchTerms: number },
): AuditEvent {
  return {
    ref: record.ref,
    at: retentionEndedAt(record, erased.years),
    actor: SYSTEM_ACTOR,
    role: SYSTEM_ACTOR,
    action: RETENTION_ACTION,
    details: { note: RETENTION_NOTE, years: erased.years, erasedAt: erased.at, ...counts },
  };
}

/** `YYYY-MM` months from `from` to `to`, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    if (key > to) return months;
    months.push(key);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
}
