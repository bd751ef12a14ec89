import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { isNewer, type LinePosition } from '#domain/correspondence.ts';
import { complaintPk, sentMailSk } from '#domain/keys.ts';
import { dynamo, queryAll, queryPages } from './clients.ts';

/** A received message as the complaint's correspondence keeps it (adapters/complaints.ts putCorrespondence). */
export interface IncomingMailItem extends Record<string, unknown> {
  readonly id: string;
  readonly at: string;
  readonly sesMessageId: string;
}

/**
 * One received message on a complaint's correspondence, by the mail log's id of it
 * (`<UTC day>.<SES message id>`). Correspondence items are keyed `MAIL#<received at>#in.<SES id>`,
 * so a Query of that day's items of the complaint finds it without reading the rest of the
 * partition (text, HTML and attachment lists of every other message).
 */
export async function getIncomingMail(
  table: string,
  ref: string,
  mail: { readonly day: string; readonly sesMessageId: string },
): Promise<IncomingMailItem | undefined> {
  const pages = queryPages({
    TableName: table,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :day)',
    FilterExpression: '#id = :id',
    ExpressionAttributeNames: { '#id': 'id' },
    ExpressionAttributeValues: {
      ':pk': complaintPk(ref),
      ':day': `MAIL#${mail.day}`,
      ':id': `in.${mail.sesMessageId}`,
    },
  });
  for await (const page of pages) {
    const found = page.Items?.[0];
    if (found) {
      const { PK: _pk, SK: _sk, ...item } = found;
      return item as IncomingMailItem;
    }
  }
  return undefined;
}

/** A correspondence item as read, with its sort key after `MAIL#` (where it is in the list). */
export interface StoredLine {
  readonly sortKey: string;
  readonly at: string;
  readonly item: Record<string, unknown>;
}

const MAIL_PREFIX = 'MAIL#';
/** Received lines' sort keys are `MAIL#<ISO time>#…`: between these two. */
const TIMED_FROM = 'MAIL#0';
const TIMED_TO = 'MAIL#9';

function storedLine(raw: Record<string, unknown>): StoredLine {
  const { PK: _pk, SK, type: _type, ...item } = raw;
  return { sortKey: String(SK).slice(MAIL_PREFIX.length), at: String(item.at ?? ''), item };
}

const newerFirst = (a: StoredLine, b: StoredLine) =>
  isNewer({ at: a.at, key: a.sortKey }, { at: b.at, key: b.sortKey }) ? -1 : 1;

/**
 * A page of a complaint's correspondence, newest first: at most `limit` lines older than
 * `before` (or the newest), and whether there are more. Received lines are read in sort-key
 * order, which is their time order, a Query page at a time until the page is full; the lines
 * of emails sent once (`MAIL#OUT#<key>`, keyed by what they are, not when: a few per workflow
 * step, without bodies) are read whole and merged in by their time.
 */
export async function listCorrespondence(
  table: string,
  ref: string,
  options: { limit: number; before?: LinePosition },
): Promise<{ lines: StoredLine[]; more: boolean }> {
  const { limit, before } = options;
  const older = (line: StoredLine) => !before || isNewer(before, { at: line.at, key: line.sortKey });
  const received: StoredLine[] = [];
  const pages = queryPages({
    TableName: table,
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': complaintPk(ref),
      ':from': TIMED_FROM,
      // Lines of the cursor's time may still be older than it (a later id): the filter decides.
      ':to': before ? `${MAIL_PREFIX}${before.at}#\uffff` : TIMED_TO,
    },
    ScanIndexForward: false,
    Limit: limit + 1,
  });
  for await (const page of pages) {
    received.push(...(page.Items ?? []).map(storedLine).filter(older));
    if (received.length > limit) break;
  }
  const sent = (
    await queryAll({
      TableName: table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sent)',
      ExpressionAttributeValues: { ':pk': complaintPk(ref), ':sent': sentMailSk('') },
    })
  )
    .map(storedLine)
    .filter(older);
  const merged = [...received, ...sent].sort(newerFirst);
  return { lines: merged.slice(0, limit), more: merged.length > limit };
}

/** One line of a complaint's correspondence, bodies and all, by its sort key after `MAIL#`. */
export async function getCorrespondenceLine(
  table: string,
  ref: string,
  sortKey: string,
): Promise<StoredLine | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: table, Key: { PK: complaintPk(ref), SK: `${MAIL_PREFIX}${sortKey}` } }),
  );
  return result.Item?.type === 'mail' ? storedLine(result.Item) : undefined;
}

/**
 * The emails intake filed for a task waiting on the owner's answer (lines marked `forTasks`
 * with its id), newest first: at most `limit`, and whether there are more. Only lines received
 * since the task opened are read.
 */
export async function linesForTask(
  table: string,
  task: { readonly ref: string; readonly id: string; readonly createdAt: string },
  limit: number,
): Promise<{ lines: StoredLine[]; more: boolean }> {
  const lines: StoredLine[] = [];
  const pages = queryPages({
    TableName: table,
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    FilterExpression: 'contains(forTasks, :task)',
    ExpressionAttributeValues: {
      ':pk': complaintPk(task.ref),
      ':from': `${MAIL_PREFIX}${task.createdAt}`,
      ':to': TIMED_TO,
      ':task': task.id,
    },
    ScanIndexForward: false,
  });
  for await (const page of pages) {
    lines.push(...(page.Items ?? []).map(storedLine));
    if (lines.length > limit) break;
  }
  return { lines: lines.slice(0, limit), more: lines.length > limit };
}

/** The owner's last email on a complaint, as an answer to it is threaded on. */
export interface OwnerMessageRef {
  readonly at: string;
  readonly subject: string;
  /** Its Message-ID (without brackets), when it had one. */
  readonly messageId?: string;
}

/**
 * The newest email received from the owner on a complaint (the one that opened it, or a reply;
 * not an automatic answer, a bounce or a list's mail), newest first a page at a time until one
 * is found: only what was sent since is read before it. Only the fields a reply needs are read.
 */
export async function lastOwnerMessage(table: string, ref: string): Promise<OwnerMessageRef | undefined> {
  const pages = queryPages({
    TableName: table,
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    FilterExpression: '#direction = :in AND #kind IN (:complaint, :reply)',
    ProjectionExpression: '#at, #subject, #messageId',
    ExpressionAttributeNames: {
      '#direction': 'direction',
      '#kind': 'kind',
      '#at': 'at',
      '#subject': 'subject',
      '#messageId': 'messageId',
    },
    ExpressionAttributeValues: {
      ':pk': complaintPk(ref),
      ':from': TIMED_FROM,
      ':to': TIMED_TO,
      ':in': 'in',
      ':complaint': 'complaint',
      ':reply': 'reply',
    },
    ScanIndexForward: false,
    Limit: 25,
  });
  for await (const page of pages) {
    const found = page.Items?.[0];
    if (found) {
      return {
        at: String(found.at),
        subject: typeof found.subject === 'string' ? found.subject : '',
        ...(typeof found.messageId === 'string' && found.messageId ? { messageId: found.messageId } : {}),
      };
    }
  }
  return undefined;
}
