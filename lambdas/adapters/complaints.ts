import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit.ts';
import type { ComplaintEnding, ComplaintRecord, PastPause, Signature, StepPause } from '#domain/complaint.ts';
import type { CorrectionPlan } from '#domain/corrections.ts';
import { ConflictError } from '#domain/errors.ts';
import {
  areaMonthPk,
  complaintPk,
  eventSk,
  openTasksPk,
  openTasksSk,
  ownerContactKey,
  RECORD_SK,
  sentMailSk,
  taskSk,
} from '#domain/keys.ts';
import {
  type FactCause,
  type FactCounts,
  factsWithinCaps,
  hasFacts,
  type RecordFacts,
} from '#domain/record-facts.ts';
import { overdueFrom, type StoredTask } from '#domain/tasks.ts';
import { dynamo, getItems, putItem, queryAll, setClauses, writeIfCondition } from './clients.ts';

/**
 * The complaint table, as the handlers use it. One partition per complaint holds its record,
 * tasks, correspondence and audit trail (config/table.ts). Nothing here deletes an item.
 */

/** The next sequence number within a scope (area and month): an atomic counter. */
export async function nextSequence(table: string, scope: string): Promise<number> {
  const result = await dynamo().send(
    new UpdateCommand({
      TableName: table,
      Key: { PK: 'COUNTER', SK: scope },
      UpdateExpression: 'ADD #seq :one',
      ExpressionAttributeNames: { '#seq': 'seq' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(result.Attributes?.seq);
}

/** Stores a new complaint's record; false when its reference already has one. */
export async function putNewComplaint(table: string, record: ComplaintRecord): Promise<boolean> {
  const contact = ownerContactKey(record.owner);
  return writeIfCondition(
    new PutCommand({
      TableName: table,
      Item: {
        PK: complaintPk(record.ref),
        SK: RECORD_SK,
        type: 'complaint',
        ...record,
        GSI2PK: areaMonthPk(record.area, record.receivedAt),
        GSI2SK: record.receivedAt,
        ...(contact ? { GSI3PK: contact, GSI3SK: record.receivedAt } : {}),
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

/** The complaint's record; `consistent`: read strongly, for a write conditional on what it read. */
export async function getRecord(
  table: string,
  ref: string,
  options: { consistent?: boolean } = {},
): Promise<ComplaintRecord | undefined> {
  const result = await dynamo().send(
    new GetCommand({
      TableName: table,
      Key: { PK: complaintPk(ref), SK: RECORD_SK },
      ...(options.consistent ? { ConsistentRead: true } : {}),
    }),
  );
  return result.Item ? stripKeys<ComplaintRecord>(result.Item) : undefined;
}

/**
 * Sets top-level fields on an existing record (a step on an unknown complaint is an error), and
 * adds the report's facts (lambdas/domain/record-facts.ts) in the same write.
 *
 * With a `cause`, the facts are applied once per cause: the write is conditional on the cause
 * not being in the record's `factsApplied` set yet, and adds it. A retried handler whose first
 * attempt got that far finds its cause there: its facts are left as they are, and only its
 * fields are set again (they are values, not increments, so setting them twice is harmless).
 * Without a cause, appended entries and counters are added every time: only for facts that
 * cannot be repeated, or set once.
 */
export async function updateRecord(
  table: string,
  ref: string,
  fields: Record<string, unknown>,
  asked?: RecordFacts,
  askedCause?: FactCause,
): Promise<void> {
  // The lists a record keeps are capped (domain/record-facts.ts): measured before appending.
  const appends = Boolean(asked?.deadlines?.length || asked?.escalations?.length);
  const within = appends && asked ? factsWithinCaps(asked, await factCounts(table, ref)) : undefined;
  const facts = within ? within.facts : asked;
  const cause = within && !within.causeAllowed ? undefined : askedCause;
  if (within?.capped) fields = { ...fields, factsCapped: true };
  const withFacts = hasFacts(facts);
  const { sets, names, values } = setClauses(fields);
  const fieldCount = sets.length;
  if (fieldCount === 0 && !withFacts) return;
  // The owner's contact keys the complaint in GSI3 (threading, repeat complainants): a contact
  // given after intake (a transcribed fax) is indexed too, under the time the complaint came in.
  const contact = fields.owner
    ? ownerContactKey(fields.owner as { email?: string; phone?: string })
    : undefined;
  if (contact) {
    Object.assign(names, { '#gsi3pk': 'GSI3PK', '#gsi3sk': 'GSI3SK', '#receivedAt': 'receivedAt' });
    values[':contact'] = contact;
    sets.push('#gsi3pk = :contact', '#gsi3sk = #receivedAt');
  }
  const adds: string[] = [];
  for (const [i, [field, value]] of Object.entries(facts?.setOnce ?? {}).entries()) {
    names[`#o${i}`] = field;
    values[`:o${i}`] = value;
    sets.push(`#o${i} = if_not_exists(#o${i}, :o${i})`);
  }
  for (const list of ['deadlines', 'escalations'] as const) {
    const added = facts?.[list];
    if (!added?.length) continue;
    names[`#${list}`] = list;
    values[`:${list}`] = added;
    values[':noFacts'] = [];
    sets.push(`#${list} = list_append(if_not_exists(#${list}, :noFacts), :${list})`);
  }
  for (const [i, [counter, by]] of Object.entries(facts?.counters ?? {}).entries()) {
    names[`#c${i}`] = counter;
    values[`:c${i}`] = by;
    adds.push(`#c${i} :c${i}`);
  }
  const once = withFacts && cause !== undefined;
  if (once) {
    names['#applied'] = FACTS_APPLIED;
    values[':cause'] = cause;
    values[':causes'] = new Set([cause]);
    adds.push('#applied :causes');
  }
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: table,
        Key: { PK: complaintPk(ref), SK: RECORD_SK },
        UpdateExpression: [
          sets.length ? `SET ${sets.join(', ')}` : '',
          adds.length ? `ADD ${adds.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join(' '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ConditionExpression: once
          ? 'attribute_exists(PK) AND NOT contains(#applied, :cause)'
          : 'attribute_exists(PK)',
      }),
    );
  } catch (error) {
    if (!once || !(error instanceof ConditionalCheckFailedException)) throw error;
    // No record, or this cause's facts are on it already (a retry): the fields settle which.
    if (fieldCount) await updateRecord(table, ref, fields);
    else if (!(await getRecordKey(table, ref))) throw error;
  }
}

/** The record's set of the causes whose facts it has (see updateRecord). */
const FACTS_APPLIED = 'factsApplied';

/** How many entries the record's fact lists and causes have (a projection: a few KB at most). */
async function factCounts(table: string, ref: string): Promise<FactCounts> {
  const result = await dynamo().send(
    new GetCommand({
      TableName: table,
      Key: { PK: complaintPk(ref), SK: RECORD_SK },
      ProjectionExpression: '#deadlines, #escalations, #applied',
      ExpressionAttributeNames: {
        '#deadlines': 'deadlines',
        '#escalations': 'escalations',
        '#applied': FACTS_APPLIED,
      },
      ConsistentRead: true,
    }),
  );
  const sizeOf = (value: unknown) =>
    Array.isArray(value) ? value.length : value instanceof Set ? value.size : 0;
  return {
    deadlines: sizeOf(result.Item?.deadlines),
    escalations: sizeOf(result.Item?.escalations),
    causes: sizeOf(result.Item?.[FACTS_APPLIED]),
  };
}

async function getRecordKey(table: string, ref: string): Promise<Record<string, unknown> | undefined> {
  const result = await dynamo().send(
    new GetCommand({
      TableName: table,
      Key: { PK: complaintPk(ref), SK: RECORD_SK },
      ProjectionExpression: 'PK',
      ConsistentRead: true,
    }),
  );
  return result.Item;
}

/**
 * Appends an audit event whose key is derived from what caused it (`key`: e.g. the task id), so
 * a retried handler finds its line written instead of adding a second one. The first write
 * wins: a retry that knows less (a task it closed on the first attempt) does not overwrite it.
 */
export async function appendAuditEventOnce(table: string, event: AuditEvent, key: string): Promise<void> {
  // Written already (a retry): that line stands.
  await writeIfCondition(
    new PutCommand({
      TableName: table,
      Item: auditEventItem(event, key),
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

/** An audit event keyed by `key` (as appendAuditEventOnce writes it), for putItems. */
export function auditEventItem(event: AuditEvent, key: string): Record<string, unknown> {
  return { PK: complaintPk(event.ref), SK: eventSk(event.at, key), type: 'event', ...event };
}

/** Appends an audit event. Events are never updated or deleted. */
export async function appendAuditEvent(table: string, event: AuditEvent): Promise<void> {
  await putItem({
    TableName: table,
    Item: {
      PK: complaintPk(event.ref),
      SK: eventSk(event.at, randomUUID().slice(0, 8)),
      type: 'event',
      ...event,
    },
  });
}

export interface ComplaintPartition {
  readonly record: ComplaintRecord | undefined;
  readonly tasks: StoredTask[];
  /**
   * The emails sent once under a key (sendOnce's lines, `MAIL#OUT#<key>`): how a retried
   * handler finds that it sent one already.
   */
  readonly sentMail: Record<string, unknown>[];
}

/**
 * What the workflow's handlers decide from, in one paged Query of the complaint's partition: the
 * record, its tasks and the emails sent once. The sort key range starts at `MAIL#OUT#`, after
 * every received email (`MAIL#<time>#…`) and audit event (`EVENT#…`): those grow with what
 * owners send, and are read page by page where they are shown (listCorrespondence, getEvents).
 * `consistent`: read strongly, for a handler that decides from it whether to act again (an
 * email sent once).
 */
export async function getPartition(
  table: string,
  ref: string,
  options: { consistent?: boolean } = {},
): Promise<ComplaintPartition> {
  const items = await queryAll({
    TableName: table,
    KeyConditionExpression: 'PK = :pk AND SK >= :from',
    ExpressionAttributeValues: { ':pk': complaintPk(ref), ':from': sentMailSk('') },
    ...(options.consistent ? { ConsistentRead: true } : {}),
  });
  const record = items.find((i) => i.SK === RECORD_SK);
  return {
    record: record ? stripKeys<ComplaintRecord>(record) : undefined,
    tasks: items.filter((i) => i.type === 'task').map((i) => stripKeys<StoredTask>(i)),
    sentMail: items.filter((i) => i.type === 'mail').map((i) => stripKeys<Record<string, unknown>>(i)),
  };
}

/**
 * The complaint's audit trail, every page of it (its events are small: no email bodies).
 * `consistent`: read strongly, for a check that must see a line just written (the calls an
 * outcome needs).
 */
export async function getEvents(
  table: string,
  ref: string,
  options: { consistent?: boolean } = {},
): Promise<AuditEvent[]> {
  const items = await queryAll({
    TableName: table,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :events)',
    ExpressionAttributeValues: { ':pk': complaintPk(ref), ':events': 'EVENT#' },
    ...(options.consistent ? { ConsistentRead: true } : {}),
  });
  return items.map((i) => stripKeys<AuditEvent>(i));
}

export async function putTask(table: string, task: StoredTask): Promise<boolean> {
  return writeIfCondition(
    new PutCommand({
      TableName: table,
      Item: {
        PK: complaintPk(task.ref),
        SK: taskSk(task.id),
        type: 'task',
        ...task,
        GSI1PK: openTasksPk(task.role, task.area),
        GSI1SK: openTasksSk(overdueFrom(task), task.id),
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export async function getTask(table: string, ref: string, taskId: string): Promise<StoredTask | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: table, Key: { PK: complaintPk(ref), SK: taskSk(taskId) } }),
  );
  return result.Item?.type === 'task' ? stripKeys<StoredTask>(result.Item) : undefined;
}

/**
 * Closes an open task: completed by a person, or timed out. Conditional on it still being
 * open, so two people answering at once yields one winner and a ConflictError for the other.
 * Leaving the open-tasks index is what takes it off everyone's list.
 */
export async function closeTask(
  table: string,
  task: { ref: string; id: string },
  closing: {
    status: 'completed' | 'timed-out' | 'cancelled';
    closedAt: string;
    closedBy?: string;
    decision?: unknown;
  },
): Promise<void> {
  const closed = await writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: { PK: complaintPk(task.ref), SK: taskSk(task.id) },
      UpdateExpression:
        'SET #status = :status, closedAt = :at, closedBy = :by, decision = :decision REMOVE GSI1PK, GSI1SK',
      ConditionExpression: '#status = :open',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': closing.status,
        ':at': closing.closedAt,
        ':by': closing.closedBy ?? 'system',
        ':decision': closing.decision ?? null,
        ':open': 'open',
      },
    }),
  );
  if (!closed) throw new ConflictError('The task is no longer open');
}

/**
 * Numbers the next call to the owner on an open task (the call log): one conditional `ADD` on
 * the task item, so two people logging at once get two numbers, a task that closed takes no
 * call, and a task takes `max` calls at most. Answers the number, or why there is none.
 */
export async function claimCallAttempt(
  table: string,
  task: { ref: string; id: string },
  max: number,
): Promise<{ attempt: number } | { refused: 'closed' | 'full'; status?: string }> {
  try {
    const result = await dynamo().send(
      new UpdateCommand({
        TableName: table,
        Key: { PK: complaintPk(task.ref), SK: taskSk(task.id) },
        UpdateExpression: 'ADD #calls :one',
        ConditionExpression: '#status = :open AND (attribute_not_exists(#calls) OR #calls < :max)',
        ExpressionAttributeNames: { '#status': 'status', '#calls': 'callAttempts' },
        ExpressionAttributeValues: { ':one': 1, ':open': 'open', ':max': max },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return { attempt: Number(result.Attributes?.callAttempts) };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    // Which condition failed: the task as it is now says.
    const now = await dynamo().send(
      new GetCommand({
        TableName: table,
        Key: { PK: complaintPk(task.ref), SK: taskSk(task.id) },
        ProjectionExpression: '#status',
        ExpressionAttributeNames: { '#status': 'status' },
        ConsistentRead: true,
      }),
    );
    const status = now.Item?.status as string | undefined;
    return status === 'open' ? { refused: 'full' } : { refused: 'closed', ...(status ? { status } : {}) };
  }
}

/** A completed task whose answer came after its deadline: the workflow never took it. */
export async function markTaskTimedOut(table: string, task: { ref: string; id: string }): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: table,
      Key: { PK: complaintPk(task.ref), SK: taskSk(task.id) },
      UpdateExpression: 'SET #status = :timedOut, answeredTooLate = :true',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':timedOut': 'timed-out', ':true': true },
    }),
  );
}

/** Reopens a task whose completion could not be delivered to the workflow. */
export async function reopenTask(table: string, task: StoredTask): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: table,
      Key: { PK: complaintPk(task.ref), SK: taskSk(task.id) },
      UpdateExpression: 'SET #status = :open, GSI1PK = :pk, GSI1SK = :sk REMOVE closedAt, closedBy, decision',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':open': 'open',
        ':pk': openTasksPk(task.role, task.area),
        ':sk': openTasksSk(overdueFrom(task), task.id),
      },
    }),
  );
}

/** Open tasks for a role in an area, soonest due (so the overdue) first. */
export async function openTasksFor(
  table: string,
  indexName: string,
  role: string,
  area: string,
): Promise<StoredTask[]> {
  const items = await queryAll({
    TableName: table,
    IndexName: indexName,
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': openTasksPk(role, area) },
  });
  return items.map((i) => stripKeys<StoredTask>(i));
}

/**
 * What task rows show of these complaints (owner, place, content), for tasks stored before they
 * carried it themselves: one BatchGetItem per 100 complaints, not a read per task.
 */
export async function recordsForTaskRows(
  table: string,
  refs: readonly string[],
): Promise<Map<string, Pick<ComplaintRecord, 'ref' | 'owner' | 'building' | 'unit' | 'content'>>> {
  const unique = [...new Set(refs)];
  if (unique.length === 0) return new Map();
  const items = await getItems(
    table,
    unique.map((ref) => ({ PK: complaintPk(ref), SK: RECORD_SK })),
    {
      projection: '#ref, #owner.#name, #building, #unit, #content',
      names: {
        '#ref': 'ref',
        '#owner': 'owner',
        '#name': 'name',
        '#building': 'building',
        '#unit': 'unit',
        '#content': 'content',
      },
    },
  );
  const records = items as Pick<ComplaintRecord, 'ref' | 'owner' | 'building' | 'unit' | 'content'>[];
  return new Map(records.map((record) => [record.ref, record]));
}

/** Whole records of these complaints, in no order: one BatchGetItem per 100 (the search's hits). */
export async function getRecords(table: string, refs: readonly string[]): Promise<ComplaintRecord[]> {
  const unique = [...new Set(refs)];
  if (unique.length === 0) return [];
  const items = await getItems(
    table,
    unique.map((ref) => ({ PK: complaintPk(ref), SK: RECORD_SK })),
  );
  return items.map((i) => stripKeys<ComplaintRecord>(i));
}

/** An email sent once under `key`, on the complaint's correspondence (sendOnce writes it). */
export function sentMailItem(
  ref: string,
  key: string,
  mail: Record<string, unknown> & { at: string; id: string },
): Record<string, unknown> {
  return { PK: complaintPk(ref), SK: sentMailSk(key), type: 'mail', ref, onceKey: key, ...mail };
}

/** One email in or out, on the complaint's correspondence. */
export async function putCorrespondence(
  table: string,
  ref: string,
  mail: Record<string, unknown> & { at: string; id: string },
) {
  await putItem({ TableName: table, Item: correspondenceItem(ref, mail) });
}

/** One email in or out as putCorrespondence writes it, for putItems. */
export function correspondenceItem(
  ref: string,
  mail: Record<string, unknown> & { at: string; id: string },
): Record<string, unknown> {
  return { PK: complaintPk(ref), SK: `MAIL#${mail.at}#${mail.id}`, type: 'mail', ref, ...mail };
}

/** A single-use owner link (its id is the key; it never carries the task token). */
export async function putOwnerLink(
  table: string,
  link: { id: string; ref: string; step: string; expiresAt: string; language: string },
) {
  await putItem({
    TableName: table,
    Item: {
      PK: `LINK#${link.id}`,
      SK: 'LINK',
      type: 'owner-link',
      ...link,
      createdAt: new Date().toISOString(),
    },
    ConditionExpression: 'attribute_not_exists(PK)',
  });
}

export async function queryAreaMonth(
  table: string,
  indexName: string,
  areaMonthKey: string,
  options: { limit: number; startKey?: Record<string, unknown> },
): Promise<{ items: ComplaintRecord[]; lastKey?: Record<string, unknown> }> {
  const page = await dynamo().send(
    new QueryCommand({
      TableName: table,
      IndexName: indexName,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': areaMonthKey },
      ScanIndexForward: false,
      Limit: options.limit,
      ExclusiveStartKey: options.startKey,
    }),
  );
  return {
    items: (page.Items ?? []).map((i) => stripKeys<ComplaintRecord>(i)),
    ...(page.LastEvaluatedKey ? { lastKey: page.LastEvaluatedKey } : {}),
  };
}

/** Keys, and the record's own bookkeeping (a string set, which JSON could not show anyway). */
const KEY_ATTRIBUTES = [
  'PK',
  'SK',
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'GSI3PK',
  'GSI3SK',
  'type',
  FACTS_APPLIED,
];

function stripKeys<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const key of KEY_ATTRIBUTES) delete copy[key];
  return copy as T;
}

/** Open tasks of a role in an area overdue before `now` (indexed by `overdueFrom`). */
export async function overdueTasksFor(
  table: string,
  indexName: string,
  role: string,
  area: string,
  now: Date,
): Promise<StoredTask[]> {
  const items = await queryAll({
    TableName: table,
    IndexName: indexName,
    KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK < :now',
    ExpressionAttributeValues: { ':pk': openTasksPk(role, area), ':now': now.toISOString() },
  });
  return items.map((i) => stripKeys<StoredTask>(i));
}

/**
 * A complaint submitted by a client that names its submission (`submissionId`, one per draft in
 * the web app): the submission's item points at the complaint's reference, so a repeat of the
 * same submission opens nothing new. Keyed by who submitted it, so ids cannot collide across staff.
 */
export interface Submission {
  readonly by: string;
  readonly submissionId: string;
  readonly ref: string;
  /** A hash of the submitted complaint: a repeat must carry the same one. */
  readonly fingerprint: string;
  readonly receivedAt: string;
}

const submissionKey = (by: string, submissionId: string) => ({
  PK: `SUBMISSION#${by}#${submissionId}`,
  SK: 'SUBMISSION',
});

export async function getSubmission(
  table: string,
  by: string,
  submissionId: string,
): Promise<Submission | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: table, Key: submissionKey(by, submissionId), ConsistentRead: true }),
  );
  return result.Item ? stripKeys<Submission>(result.Item) : undefined;
}

/**
 * Records a submission's reference (conditional put): the first attempt wins, and a later or
 * concurrent one gets the submission as it was first recorded.
 */
export async function claimSubmission(table: string, submission: Submission): Promise<Submission> {
  try {
    await putItem({
      TableName: table,
      Item: { ...submissionKey(submission.by, submission.submissionId), type: 'submission', ...submission },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    return submission;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const existing = await getSubmission(table, submission.by, submission.submissionId);
    if (!existing) throw error;
    return existing;
  }
}

/**
 * Moves an open complaint's record to another area: its `area` and its area/month index key
 * (still under the month it was received). The reference number keeps the old area's code: it
 * is already on the owner's acknowledgement. Conditional on the record being open and still in
 * `from`, so two people moving it at once, or the workflow filing it meanwhile, give one winner
 * and a ConflictError for the other.
 */
export async function moveRecordToArea(
  table: string,
  record: { ref: string; receivedAt: string },
  from: string,
  to: string,
  options: { leavesUnit?: boolean } = {},
): Promise<void> {
  // A register unit of another area does not go with it: the new area's reception picks the unit.
  const unit = options.leavesUnit
    ? ', unitUnknown = :true REMOVE registerUnit, relatedFlags, unitCandidates'
    : '';
  const written = await writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: { PK: complaintPk(record.ref), SK: RECORD_SK },
      UpdateExpression: `SET #area = :to, GSI2PK = :areaMonth${unit}`,
      ConditionExpression: '#area = :from AND #status = :open',
      ExpressionAttributeNames: { '#area': 'area', '#status': 'status' },
      ExpressionAttributeValues: {
        ':to': to,
        ':from': from,
        ':open': 'open',
        ':areaMonth': areaMonthPk(to, record.receivedAt),
        ...(options.leavesUnit ? { ':true': true } : {}),
      },
    }),
  );
  if (!written) throw new ConflictError('The complaint was moved or closed meanwhile: reload it');
}

/** Sets the step's pause, once: false when it is paused already, or closed or ending meanwhile. */
export async function setPause(table: string, ref: string, pause: StepPause): Promise<boolean> {
  return writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: { PK: complaintPk(ref), SK: RECORD_SK },
      UpdateExpression: 'SET pause = :pause',
      ConditionExpression: '#status = :open AND attribute_not_exists(pause) AND attribute_not_exists(ending)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pause': pause, ':open': 'open' },
    }),
  );
}

/**
 * Turns a complaint's progress notices off (with who and why) or on again, on condition it is
 * open and they are not so already: two supervisors at once get one change. Turning them on
 * may plan the next notice (`nextAt`) for work in progress.
 */
export async function switchProgressNotices(
  table: string,
  ref: string,
  off: (Signature & { reason: string }) | undefined,
  nextAt?: string,
): Promise<boolean> {
  return writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: { PK: complaintPk(ref), SK: RECORD_SK },
      ...(off
        ? {
            UpdateExpression: 'SET progressOff = :off',
            ConditionExpression: '#status = :open AND attribute_not_exists(progressOff)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':off': off, ':open': 'open' },
          }
        : {
            UpdateExpression: nextAt
              ? 'REMOVE progressOff SET progress.nextAt = :nextAt'
              : 'REMOVE progressOff',
            ConditionExpression: nextAt
              ? '#status = :open AND attribute_exists(progressOff) AND attribute_exists(progress)'
              : '#status = :open AND attribute_exists(progressOff)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':open': 'open', ...(nextAt ? { ':nextAt': nextAt } : {}) },
          }),
    }),
  );
}

/** Takes back a pause that did not take (its step ran out of time as it was paused). */
export async function clearPause(table: string, ref: string, pausedAt: string): Promise<void> {
  await writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: { PK: complaintPk(ref), SK: RECORD_SK },
      UpdateExpression: 'REMOVE pause',
      ConditionExpression: 'pause.#at = :pausedAt',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':pausedAt': pausedAt },
    }),
  );
}

/**
 * Ends the pause set at `pausedAt`: it goes to the record's past pauses, once (a retried
 * workflow step finds it ended already, and false), with what else resuming sets.
 */
export async function endPause(
  table: string,
  ref: string,
  ended: PastPause,
  fields: Record<string, unknown> = {},
): Promise<boolean> {
  const { sets, names, values } = setClauses(fields);
  return writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: { PK: complaintPk(ref), SK: RECORD_SK },
      UpdateExpression: `SET ${['pauses = list_append(if_not_exists(pauses, :none), :ended)', ...sets].join(', ')} REMOVE pause`,
      ConditionExpression: 'pause.#at = :pausedAt',
      ExpressionAttributeNames: { ...names, '#at': 'at' },
      ExpressionAttributeValues: { ...values, ':none': [], ':ended': [ended], ':pausedAt': ended.at },
    }),
  );
}

/**
 * Records that an open complaint ends early (domain/ending.ts), once: false when it closed, was
 * ended by someone else, or reached its closing note meanwhile (the caller says which).
 */
export async function setEnding(table: string, ref: string, ending: ComplaintEnding): Promise<boolean> {
  return writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: { PK: complaintPk(ref), SK: RECORD_SK },
      UpdateExpression: 'SET ending = :ending',
      ConditionExpression:
        '#status = :open AND attribute_not_exists(ending) AND NOT (currentStep IN (:closing, :filing, :filed))',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':ending': ending,
        ':open': 'open',
        ':closing': 'closing',
        ':filing': 'filing',
        ':filed': 'filed',
      },
    }),
  );
}

/**
 * Moves an open task to another area's inbox: its `area` and its open-tasks index key (role and
 * area). False when it closed meanwhile (answered, timed out): a closed task is in no inbox.
 */
export async function moveOpenTaskToArea(
  table: string,
  task: { ref: string; id: string; role: string },
  to: string,
): Promise<boolean> {
  return writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: { PK: complaintPk(task.ref), SK: taskSk(task.id) },
      UpdateExpression: 'SET #area = :to, GSI1PK = :openTasks',
      ConditionExpression: '#status = :open',
      ExpressionAttributeNames: { '#area': 'area', '#status': 'status' },
      ExpressionAttributeValues: { ':to': to, ':open': 'open', ':openTasks': openTasksPk(task.role, to) },
    }),
  );
}

/**
 * Applies a correction of the record (domain/corrections.ts planCorrection) in one conditional
 * write: its values, the next version, its id among the applied corrections and, when the
 * owner's contact changed, the owner-contact index key (GSI3). It applies only if nobody changed
 * the record meanwhile: the version is still the one corrected, every value it replaces is still
 * the one it read, the complaint is still open and not being transcribed. False when it lost.
 */
export async function writeCorrection(
  table: string,
  record: Pick<ComplaintRecord, 'ref' | 'receivedAt' | 'owner'>,
  plan: CorrectionPlan,
  correctionId: string,
): Promise<boolean> {
  const names: Record<string, string> = {
    '#status': 'status',
    '#step': 'currentStep',
    '#version': 'version',
    '#ids': 'correctionIds',
  };
  const values: Record<string, unknown> = {
    ':open': 'open',
    ':filed': 'filed',
    ':transcribing': 'transcribeFax',
    ':expected': plan.expectedVersion,
    ':version': plan.version,
    ':id': [correctionId],
    ':none': [],
  };
  const placeholders = new Map<string, string>();
  const pathOf = (path: readonly string[]) =>
    path
      .map((segment) => {
        let name = placeholders.get(segment);
        if (!name) {
          name = `#a${placeholders.size}`;
          placeholders.set(segment, name);
          names[name] = segment;
        }
        return name;
      })
      .join('.');
  const sets = ['#version = :version', '#ids = list_append(if_not_exists(#ids, :none), :id)'];
  const removes: string[] = [];
  const conditions = [
    'attribute_exists(PK)',
    '#status = :open',
    '#step <> :filed',
    '#step <> :transcribing',
    plan.expectedVersion === 0
      ? '(attribute_not_exists(#version) OR #version = :expected)'
      : '#version = :expected',
  ];
  const expect = (path: readonly string[], expected: unknown) => {
    if (expected === undefined) {
      conditions.push(`attribute_not_exists(${pathOf(path)})`);
    } else if (typeof expected === 'object' && expected !== null) {
      // A map (the second contact) is compared leaf by leaf: DynamoDB's = is for scalars.
      for (const leaf of ['name', 'phone', 'email']) {
        expect([...path, leaf], (expected as Record<string, unknown>)[leaf]);
      }
    } else {
      const value = `:e${Object.keys(values).length}`;
      values[value] = expected;
      conditions.push(`${pathOf(path)} = ${value}`);
    }
  };
  for (const write of plan.writes) {
    if (write.value === undefined) removes.push(pathOf(write.path));
    else {
      const value = `:w${Object.keys(values).length}`;
      values[value] = write.value;
      sets.push(`${pathOf(write.path)} = ${value}`);
    }
    if (write.expectedLeaves === undefined) expect(write.path, write.expected);
    else if (write.expectedLeaves.length && write.expected === undefined) expect(write.path, undefined);
    else {
      for (const leaf of write.expectedLeaves) {
        expect([...write.path, leaf], (write.expected as Record<string, unknown>)[leaf]);
      }
    }
  }
  const contact = ownerContactKey(plan.owner);
  if (contact && contact !== ownerContactKey(record.owner)) {
    Object.assign(names, { '#gsi3pk': 'GSI3PK', '#gsi3sk': 'GSI3SK', '#receivedAt': 'receivedAt' });
    values[':contact'] = contact;
    sets.push('#gsi3pk = :contact', '#gsi3sk = #receivedAt');
  }
  return writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: { PK: complaintPk(record.ref), SK: RECORD_SK },
      UpdateExpression: [`SET ${sets.join(', ')}`, removes.length ? `REMOVE ${removes.join(', ')}` : '']
        .filter(Boolean)
        .join(' '),
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/**
 * Takes the next place for an internal note on the complaint (its `noteCount`), atomically and
 * only while the complaint has fewer than `max`: the note's number, or undefined when it has
 * as many as it may (or no record).
 */
export async function claimNoteNumber(table: string, ref: string, max: number): Promise<number | undefined> {
  try {
    const result = await dynamo().send(
      new UpdateCommand({
        TableName: table,
        Key: { PK: complaintPk(ref), SK: RECORD_SK },
        UpdateExpression: 'ADD #notes :one',
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(#notes) OR #notes < :max)',
        ExpressionAttributeNames: { '#notes': 'noteCount' },
        ExpressionAttributeValues: { ':one': 1, ':max': max },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.noteCount);
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}
