import { randomUUID } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit.ts';
import { complaintPk, eventSk, RECORD_SK } from '#domain/keys.ts';
import { dynamo } from './clients.ts';

/** Appends an audit event. Events are never updated or deleted. */
export async function appendAuditEvent(tableName: string, event: AuditEvent): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName,
      Item: {
        PK: complaintPk(event.ref),
        SK: eventSk(event.at, randomUUID().slice(0, 8)),
        type: 'event',
        ...event,
      },
    }),
  );
}

/** Sets fields on the complaint record; the record must already exist. */
export async function updateRecord(
  tableName: string,
  ref: string,
  fields: Record<string, unknown>,
): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(fields).map(([field, value], i) => {
    names[`#f${i}`] = field;
    values[`:v${i}`] = value;
    return `#f${i} = :v${i}`;
  });
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName,
      Key: { PK: complaintPk(ref), SK: RECORD_SK },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      // Never create a half-record by accident: a step on an unknown complaint is an error.
      ConditionExpression: 'attribute_exists(PK)',
    }),
  );
}
