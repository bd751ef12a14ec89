import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '#config/table.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { areaMonthPk, complaintPk, RECORD_SK } from '#domain/keys.ts';
import type { StoredObject } from '#domain/retention.ts';
import { dynamo, putItem, putItems, queryAll, s3, writeIfCondition } from './clients.ts';

/** What the sweep needs of a record to decide (domain/retention.ts retentionState). */
export type RetentionCandidate = Pick<
  ComplaintRecord,
  'ref' | 'area' | 'receivedAt' | 'status' | 'filed' | 'closingSignature' | 'rejection' | 'personalDataErased'
>;

/**
 * The complaints received in an area in a month (`YYYY-MM`), every page of the area/month index
 * (GSI2, the periodic report's), with only what the decision needs: no owner, no content.
 */
export async function complaintsOfMonth(
  table: string,
  area: string,
  month: string,
): Promise<RetentionCandidate[]> {
  const items = await queryAll({
    TableName: table,
    IndexName: TABLE.index.complaintsByAreaMonth.name,
    KeyConditionExpression: 'GSI2PK = :pk',
    ExpressionAttributeValues: { ':pk': areaMonthPk(area, `${month}-01`) },
    ProjectionExpression:
      '#ref, #area, receivedAt, #status, filed, closingSignature, rejection, personalDataErased',
    ExpressionAttributeNames: { '#ref': 'ref', '#area': 'area', '#status': 'status' },
  });
  return items as RetentionCandidate[];
}

/** The sweep's place in an area: every complaint received up to this month is erased. */
const sweepKey = (area: string) => ({ PK: 'RETENTION', SK: `AREA#${area}` });

export async function sweptThrough(table: string, area: string): Promise<string | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: table, Key: sweepKey(area), ConsistentRead: true }),
  );
  return typeof result.Item?.sweptThrough === 'string' ? result.Item.sweptThrough : undefined;
}

export async function markSwept(table: string, area: string, month: string, at: string): Promise<void> {
  await putItem({
    TableName: table,
    Item: { ...sweepKey(area), type: 'retention-sweep', area, sweptThrough: month, at },
  });
}

/** Every item of a complaint's partition as stored (keys included): record, tasks, mail, events. */
export async function complaintPartitionItems(
  table: string,
  ref: string,
): Promise<Record<string, unknown>[]> {
  return queryAll({
    TableName: table,
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': complaintPk(ref) },
    ConsistentRead: true,
  });
}

/** Writes erased correspondence lines and audit lines again, whole (25 a request). */
export async function replaceItems(table: string, items: readonly Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) await putItems(table, items.slice(i, i + 25));
}

/**
 * Puts the erased record in place of the stored one, only if it was not erased already and is
 * still closed (nothing reopened it since it was read): false when another run got there first.
 * The owner-contact index keys (GSI3) go with it: they are the owner's email or phone.
 */
export async function putErasedRecord(table: string, item: Record<string, unknown>): Promise<boolean> {
  const { GSI3PK: _pk, GSI3SK: _sk, ...rest } = item;
  return writeIfCondition(
    new PutCommand({
      TableName: table,
      Item: { ...rest, PK: complaintPk(String(item.ref)), SK: RECORD_SK },
      ConditionExpression:
        'attribute_exists(PK) AND attribute_not_exists(personalDataErased) AND #status = :closed',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':closed': 'closed' },
    }),
  );
}

/**
 * Deletes files of an owner's mail and scans. Deleting a key that is gone already succeeds, so
 * a run that stopped half way deletes the rest the next time.
 */
export async function deleteObjects(objects: readonly StoredObject[]): Promise<void> {
  for (let i = 0; i < objects.length; i += 10) {
    await Promise.all(
      objects
        .slice(i, i + 10)
        .map((object) => s3().send(new DeleteObjectCommand({ Bucket: object.bucket, Key: object.key }))),
    );
  }
}

/** Items by key, a GetItem each (the few mail-log lines of one complaint); those not found left out. */
export async function getEach(
  table: string,
  keys: readonly { PK: string; SK: string }[],
): Promise<Record<string, unknown>[]> {
  const found = await Promise.all(
    keys.map((Key) => dynamo().send(new GetCommand({ TableName: table, Key, ConsistentRead: true }))),
  );
  return found.flatMap((result) => (result.Item ? [result.Item] : []));
}
