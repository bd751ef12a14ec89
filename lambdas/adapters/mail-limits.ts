import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, writeIfCondition } from './clients.ts';

/**
 * Limit counters (lambdas/domain/mail/keys.ts limitCounterKey): one item per sender, address or
 * complaint and window, counted with a single conditional update. DynamoDB applies updates of
 * one item one at a time, so however many deliveries race, no more than the limit pass; the
 * ids counted are kept in the item, so a retried delivery of a counted message passes again
 * without counting twice (the local DynamoDB has no transactions, and none are needed).
 */

type CounterKey = { readonly PK: string; readonly SK: string };

export type CountResult = 'counted' | 'counted-before' | 'refused';

/**
 * Counts `id` once in the counter, if fewer than `below` are counted there yet. An id counted
 * before is `counted-before` whatever the count is now.
 */
export async function countOnce(
  table: string,
  key: CounterKey,
  id: string,
  below: number,
): Promise<CountResult> {
  if (below > 0) {
    const counted = await writeIfCondition(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'ADD #count :one, #ids :id SET #type = :type',
        ConditionExpression:
          '(attribute_not_exists(#count) OR #count < :below) AND NOT contains(#ids, :idValue)',
        ExpressionAttributeNames: { '#count': 'count', '#ids': 'ids', '#type': 'type' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':id': new Set([id]),
          ':idValue': id,
          ':below': below,
          ':type': 'limit-counter',
        },
      }),
    );
    if (counted) return 'counted';
  }
  const item = await getCounter(table, key);
  return item.ids.has(id) ? 'counted-before' : 'refused';
}

/** How many a counter has counted (0 for none yet). */
export async function counterValue(table: string, key: CounterKey): Promise<number> {
  return (await getCounter(table, key)).count;
}

async function getCounter(table: string, key: CounterKey): Promise<{ count: number; ids: Set<string> }> {
  const result = await dynamo().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  const ids = result.Item?.ids;
  return {
    count: Number(result.Item?.count ?? 0),
    ids: ids instanceof Set ? (ids as Set<string>) : new Set(),
  };
}
