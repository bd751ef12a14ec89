import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OwnerLink } from '#domain/owner-link.ts';
import { dynamo, writeIfCondition } from './clients.ts';

/**
 * The owners' single-use links (`LINK#<id>`, written by notify-owner through putOwnerLink).
 * A link is spent by a conditional update, so two answers racing yield one winner.
 */
const keyOf = (id: string) => ({ PK: `LINK#${id}`, SK: 'LINK' });

export async function getOwnerLink(table: string, id: string): Promise<OwnerLink | undefined> {
  const result = await dynamo().send(new GetCommand({ TableName: table, Key: keyOf(id) }));
  const item = result.Item;
  if (item?.type !== 'owner-link') return undefined;
  return {
    id: String(item.id),
    ref: String(item.ref),
    step: item.step as OwnerLink['step'],
    expiresAt: String(item.expiresAt),
    language: item.language as OwnerLink['language'],
    ...(typeof item.usedAt === 'string' ? { usedAt: item.usedAt } : {}),
  };
}

/** Marks the link used; false when it was already used or has expired meanwhile. */
export async function spendOwnerLink(table: string, id: string, now: Date): Promise<boolean> {
  return writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: keyOf(id),
      UpdateExpression: 'SET usedAt = :now',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(usedAt) AND expiresAt > :now',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    }),
  );
}

/** Gives a spent link back when its answer could not be recorded, so the owner can try again. */
export async function restoreOwnerLink(table: string, id: string): Promise<void> {
  await dynamo().send(
    new UpdateCommand({ TableName: table, Key: keyOf(id), UpdateExpression: 'REMOVE usedAt' }),
  );
}
