import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OwnerMessageClaim } from '#domain/owner-message.ts';
import { dynamo, putItem, writeIfCondition } from './clients.ts';

/**
 * The claims of the emails staff write to owners (domain/owner-message.ts): one item per
 * submission, keyed by the complaint, who sends it and the client's id for it, so ids cannot
 * collide across complaints or staff. An item of its own, not in the complaint's partition: the
 * workflow's handlers read that partition's tail (getPartition) and need none of these.
 */
export const claimKey = (claim: Pick<OwnerMessageClaim, 'ref' | 'by' | 'submissionId'>) => ({
  PK: `OWNERMSG#${claim.ref}#${claim.by}#${claim.submissionId}`,
  SK: 'OWNERMSG',
});

function claimOf(item: Record<string, unknown>): OwnerMessageClaim {
  const { PK: _pk, SK: _sk, type: _type, ...claim } = item;
  return claim as unknown as OwnerMessageClaim;
}

export async function getOwnerMessageClaim(
  table: string,
  key: Pick<OwnerMessageClaim, 'ref' | 'by' | 'submissionId'>,
): Promise<OwnerMessageClaim | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: table, Key: claimKey(key), ConsistentRead: true }),
  );
  return result.Item ? claimOf(result.Item) : undefined;
}

/**
 * Claims a submission for sending (a conditional put): the first request wins and gets
 * `claimed`; any other gets the claim as it stands, to decide from (decideOnClaim).
 */
export async function claimOwnerMessage(
  table: string,
  claim: OwnerMessageClaim,
): Promise<{ claimed: true } | { claimed: false; existing: OwnerMessageClaim }> {
  try {
    await putItem({
      TableName: table,
      Item: { ...claimKey(claim), type: 'owner-message-claim', ...claim },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    return { claimed: true };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const existing = await getOwnerMessageClaim(table, claim);
    if (!existing) throw error;
    return { claimed: false, existing };
  }
}

/**
 * Takes over a claim whose attempt failed or died (decideOnClaim: `retake`), conditional on it
 * being as it was read: of two retries, one wins (true) and the other reads it again.
 */
export async function retakeOwnerMessage(
  table: string,
  read: OwnerMessageClaim,
  attempt: { readonly fingerprint: string; readonly claimedAt: string },
): Promise<boolean> {
  return writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: claimKey(read),
      UpdateExpression: 'SET #status = :sending, claimedAt = :at, fingerprint = :fingerprint',
      ConditionExpression: '#status = :was AND claimedAt = :wasAt',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':sending': 'sending',
        ':at': attempt.claimedAt,
        ':fingerprint': attempt.fingerprint,
        ':was': read.status,
        ':wasAt': read.claimedAt,
      },
    }),
  );
}

/** SES refused the email: nothing went out, and a retry may send it (conditional on this attempt's claim). */
export async function releaseOwnerMessage(
  table: string,
  claim: Pick<OwnerMessageClaim, 'ref' | 'by' | 'submissionId' | 'claimedAt'>,
): Promise<void> {
  await writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: claimKey(claim),
      UpdateExpression: 'SET #status = :failed',
      ConditionExpression: '#status = :sending AND claimedAt = :at',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':failed': 'failed', ':sending': 'sending', ':at': claim.claimedAt },
    }),
  );
}

/** The claim of a sent email with its correspondence line, for putItems (with the line itself). */
export function sentOwnerMessageItem(claim: OwnerMessageClaim): Record<string, unknown> {
  return { ...claimKey(claim), type: 'owner-message-claim', ...claim, status: 'sent' };
}
