import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit.ts';
import { ConflictError } from '#domain/errors.ts';
import { complaintPk, eventSk, mailLogPk, mailLogSk } from '#domain/keys.ts';
import { linkIdFor, mailReviewPk, messageLinkKey, SENT_LINK_PREFIX } from '#domain/mail/keys.ts';
import type { MailOutcome } from '#domain/mail/received-mail.ts';
import { dynamo, putItem, s3, writeIfCondition } from './clients.ts';

/**
 * Storage for received mail: raw messages and attachments in S3, the mail log, message links
 * (threading and duplicate claims) in the table. Every
 * write here is keyed by the message, so a redelivered message rewrites its own items.
 */

export async function getRawMessage(bucket: string, key: string): Promise<Buffer> {
  const object = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!object.Body) throw new Error(`Raw message ${key} has no body`);
  return Buffer.from(await object.Body.transformToByteArray());
}

export async function putAttachment(
  bucket: string,
  key: string,
  content: Buffer,
  meta: { contentType: string; filename: string; executable: boolean },
): Promise<void> {
  await s3().send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: content,
      // An executable is only ever downloaded, never rendered.
      ContentType: meta.executable ? 'application/octet-stream' : meta.contentType,
      ContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(meta.filename)}`,
    }),
  );
}

export interface MessageLink {
  readonly messageId: string;
  readonly ref?: string;
  /** `out`: a message we sent; `in`: one we received. */
  readonly direction: 'in' | 'out';
  readonly sesMessageId?: string;
  readonly at: string;
}

async function getLink(table: string, id: string): Promise<MessageLink | undefined> {
  const result = await dynamo().send(new GetCommand({ TableName: table, Key: messageLinkKey(id) }));
  return result.Item as MessageLink | undefined;
}

/**
 * The link of a Message-ID a message answers: one SES gave a message we sent, else one we
 * received (someone else's SES-sent message has the same form as ours).
 */
export async function getMessageLink(table: string, messageId: string): Promise<MessageLink | undefined> {
  const sent = linkIdFor(messageId);
  const link = await getLink(table, sent);
  return link ?? (sent === messageId ? undefined : getLink(table, messageId));
}

/** Records a message we sent, so a reply that names it in In-Reply-To finds its complaint. */
export async function putSentMessageLink(table: string, link: { sesMessageId: string; ref: string }) {
  if (!link.sesMessageId) return;
  await putItem({ TableName: table, Item: sentMessageLinkItem(link) });
}

/** The link putSentMessageLink writes, for putItems. */
export function sentMessageLinkItem(link: { sesMessageId: string; ref: string }): Record<string, unknown> {
  return messageLinkItem(`${SENT_LINK_PREFIX}${link.sesMessageId}`, link.ref, 'out');
}

/** A message's link to its complaint, as the threading lookups read it. */
function messageLinkItem(messageId: string, ref: string, direction: MessageLink['direction']) {
  return {
    ...messageLinkKey(messageId),
    type: 'message-link',
    messageId,
    ref,
    direction,
    at: new Date().toISOString(),
  };
}

/**
 * Claims a received message by its Message-ID: the first delivery wins. Returns the existing
 * link when another delivery (or one of our own messages) got there first.
 */
export async function claimMessage(
  table: string,
  claim: { messageId: string; sesMessageId: string; at: string },
): Promise<{ claimed: true } | { claimed: false; existing: MessageLink }> {
  try {
    await putItem({
      TableName: table,
      Item: { ...messageLinkKey(claim.messageId), type: 'message-link', direction: 'in', ...claim },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    return { claimed: true };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const existing = await getLink(table, claim.messageId);
    if (!existing) throw error;
    return { claimed: false, existing };
  }
}

/**
 * Ties a claimed message to its complaint: the first reference set wins, and is returned (two
 * deliveries of one message racing agree on one complaint).
 */
export async function linkClaimToRef(table: string, messageId: string, ref: string): Promise<string> {
  const linked = await writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: messageLinkKey(messageId),
      UpdateExpression: 'SET #ref = :ref',
      ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(#ref) OR #ref = :ref)',
      ExpressionAttributeNames: { '#ref': 'ref' },
      ExpressionAttributeValues: { ':ref': ref },
    }),
  );
  if (linked) return ref;
  const existing = await getLink(table, messageId);
  if (existing?.ref) return existing.ref;
  // No claim at all (a release of a message claimed under another key): make one.
  await putItem({
    TableName: table,
    Item: messageLinkItem(messageId, ref, 'in'),
    ConditionExpression: 'attribute_not_exists(PK)',
  });
  return ref;
}

/** One line of the mail log; held and quarantined lines are also on the review index. */
export interface MailLogItem extends Record<string, unknown> {
  readonly id: string;
  readonly sesMessageId: string;
  readonly receivedAt: string;
  readonly area: string;
  readonly outcome: MailOutcome;
  readonly reason?: string;
  readonly ref?: string;
  readonly rawMessage: { bucket: string; key: string; bytes: number };
}

export async function putMailLog(table: string, item: MailLogItem): Promise<void> {
  await putItem({ TableName: table, Item: mailLogRecord(item) });
}

/** The mail-log line as putMailLog writes it, for putItems. */
export function mailLogRecord(item: MailLogItem): Record<string, unknown> {
  const review = item.outcome === 'held' || item.outcome === 'quarantined';
  return {
    PK: mailLogPk(item.receivedAt),
    SK: mailLogSk(item.sesMessageId),
    type: 'mail-log',
    ...item,
    ...(review
      ? {
          GSI1PK: mailReviewPk(item.outcome, item.area),
          GSI1SK: `${item.receivedAt}#${item.sesMessageId}`,
        }
      : {}),
  };
}

export async function getMailLog(
  table: string,
  day: string,
  sesMessageId: string,
): Promise<MailLogItem | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: table, Key: { PK: mailLogPk(day), SK: mailLogSk(sesMessageId) } }),
  );
  return result.Item ? stripMailKeys(result.Item) : undefined;
}

/** Held or quarantined messages of an area, newest first. */
export async function mailForReview(
  table: string,
  indexName: string,
  status: 'held' | 'quarantined',
  area: string,
  limit: number,
): Promise<MailLogItem[]> {
  const page = await dynamo().send(
    new QueryCommand({
      TableName: table,
      IndexName: indexName,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': mailReviewPk(status, area) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (page.Items ?? []).map(stripMailKeys);
}

/**
 * A page of a day's mail log, in the log's order (by SES message id), keeping the messages
 * `keep` accepts: at most `limit`, from after the message `after`, in at most `maxReads`
 * Queries (a page of a day that has little for this reader ends early rather than read the
 * whole day). `next` is the SES message id to go on after, while the day has more.
 */
export async function mailOfDayPage(
  table: string,
  day: string,
  options: { limit: number; after?: string; keep: (item: MailLogItem) => boolean; maxReads?: number },
): Promise<{ items: MailLogItem[]; next?: string }> {
  const items: MailLogItem[] = [];
  const pk = mailLogPk(day);
  let startKey: Record<string, unknown> | undefined = options.after
    ? { PK: pk, SK: mailLogSk(options.after) }
    : undefined;
  for (let reads = 0; reads < (options.maxReads ?? 10) && items.length < options.limit; reads++) {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        // Never more than the page still has room for: the next page starts after the last read.
        Limit: options.limit - items.length,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []).map(stripMailKeys).filter(options.keep));
    startKey = page.LastEvaluatedKey;
    if (!startKey) return { items };
  }
  const next = String(startKey?.SK ?? '').replace(/^MSG#/, '');
  return { items, ...(next ? { next } : {}) };
}

/**
 * Starts a release: conditional on the message still being in a releasable state (or a
 * release that stalled for `staleMs`), so two people releasing at once yield one complaint.
 */
export async function beginRelease(
  table: string,
  item: Pick<MailLogItem, 'receivedAt' | 'sesMessageId'>,
  release: { by: string; at: string; from: readonly MailOutcome[]; staleBefore: string },
): Promise<void> {
  const allowed = Object.fromEntries(release.from.map((outcome, i) => [`:from${i}`, outcome]));
  const written = await writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: { PK: mailLogPk(item.receivedAt), SK: mailLogSk(item.sesMessageId) },
      UpdateExpression:
        'SET outcome = :releasing, releasedBy = :by, releaseStartedAt = :at, previousOutcome = if_not_exists(previousOutcome, outcome)',
      ConditionExpression: `outcome IN (${Object.keys(allowed).join(', ')}) OR (outcome = :releasing AND releaseStartedAt < :stale)`,
      ExpressionAttributeValues: {
        ...allowed,
        ':releasing': 'releasing',
        ':by': release.by,
        ':at': release.at,
        ':stale': release.staleBefore,
      },
    }),
  );
  if (!written) throw new ConflictError('This message is no longer waiting for review');
}

/** Sets the release's reference once; a resumed release gets the one already chosen. */
export async function setReleaseRef(
  table: string,
  item: Pick<MailLogItem, 'receivedAt' | 'sesMessageId'>,
  ref: string,
): Promise<string> {
  const key = { PK: mailLogPk(item.receivedAt), SK: mailLogSk(item.sesMessageId) };
  const set = await writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: key,
      UpdateExpression: 'SET releasedRef = :ref',
      ConditionExpression: 'attribute_not_exists(releasedRef)',
      ExpressionAttributeValues: { ':ref': ref },
    }),
  );
  if (set) return ref;
  const existing = await dynamo().send(new GetCommand({ TableName: table, Key: key }));
  return String(existing.Item?.releasedRef ?? ref);
}

/** Ends a release: the message is a complaint now, and off the review list. */
export async function finishRelease(
  table: string,
  item: Pick<MailLogItem, 'receivedAt' | 'sesMessageId'>,
  done: { ref: string; at: string },
): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: table,
      Key: { PK: mailLogPk(item.receivedAt), SK: mailLogSk(item.sesMessageId) },
      UpdateExpression: 'SET outcome = :released, releasedRef = :ref, releasedAt = :at REMOVE GSI1PK, GSI1SK',
      ExpressionAttributeValues: { ':released': 'released', ':ref': done.ref, ':at': done.at },
    }),
  );
}

/**
 * An audit event whose key is derived from the message that caused it, so a redelivery
 * rewrites the same line instead of adding a second one.
 */
export async function putAuditEventOnce(
  table: string,
  event: AuditEvent,
  sesMessageId: string,
): Promise<void> {
  await putItem({
    TableName: table,
    Item: {
      PK: complaintPk(event.ref),
      SK: eventSk(event.at, `${event.action}.${sesMessageId.slice(0, 16)}`),
      type: 'event',
      ...event,
    },
  });
}

const KEYS = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'type'];

function stripMailKeys(item: Record<string, unknown>): MailLogItem {
  const copy: Record<string, unknown> = { ...item };
  for (const key of KEYS) delete copy[key];
  return copy as MailLogItem;
}
