import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tracer } from '#commons/powertools.ts';
import type {
  ImportCounts,
  ImportJob,
  ImportJobStatus,
  ImportRefusal,
} from '#domain/directory/import-job.ts';
import { IMPORT_JOB_SK, importJobPk } from '#domain/directory/keys.ts';
import { dynamo, putItem, writeIfCondition } from './clients.ts';

/**
 * The register import's jobs (lambdas/domain/directory/import-job.ts): one item each, moved on
 * by conditional writes so that two deliveries of the worker's event never both run it, and
 * the start of the worker, an asynchronous invocation (Lambda keeps and retries it).
 */
const key = (id: string) => ({ PK: importJobPk(id), SK: IMPORT_JOB_SK });

export async function putImportJob(table: string, job: ImportJob): Promise<void> {
  await putItem({
    TableName: table,
    Item: { ...key(job.id), type: 'import-job', ...job },
    ConditionExpression: 'attribute_not_exists(PK)',
  });
}

export async function getImportJob(table: string, id: string): Promise<ImportJob | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: table, Key: key(id), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { PK: _pk, SK: _sk, type: _type, ...job } = Item;
  return job as ImportJob;
}

/**
 * Takes the job for one attempt: `running`, one more attempt. Only a queued job (new, or put
 * back by a failed attempt) whose attempts are still `attempts`, or a running one that has not
 * moved since `staleBefore` (its worker was stopped): a second delivery of the event while the
 * first still runs takes nothing. False when it was not taken.
 */
export async function claimImportJob(
  table: string,
  job: ImportJob,
  now: string,
  staleBefore: string,
): Promise<boolean> {
  return writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: key(job.id),
      UpdateExpression: 'SET #status = :running, attempts = :next, updatedAt = :now',
      ConditionExpression:
        'attempts = :attempts AND (#status = :queued OR (#status = :running AND updatedAt < :stale))',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':running': 'running',
        ':queued': 'queued',
        ':attempts': job.attempts,
        ':next': job.attempts + 1,
        ':now': now,
        ':stale': staleBefore,
      },
    }),
  );
}

/** Puts a running job back in the queue after a failed attempt, for Lambda's retry to take. */
export async function requeueImportJob(
  table: string,
  id: string,
  failure: string,
  now: string,
): Promise<boolean> {
  return writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: key(id),
      UpdateExpression: 'SET #status = :queued, failure = :failure, updatedAt = :now',
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':queued': 'queued',
        ':running': 'running',
        ':failure': failure,
        ':now': now,
      },
    }),
  );
}

type Finish =
  | { readonly status: 'done'; readonly result: ImportCounts }
  | { readonly status: 'refused'; readonly refusal: ImportRefusal }
  | { readonly status: 'failed'; readonly failure: string };

/** Ends a running job with its outcome; false when it had already ended (another delivery). */
export async function finishImportJob(
  table: string,
  id: string,
  finish: Finish,
  now: string,
): Promise<boolean> {
  const { status, ...outcome } = finish;
  const [field, value] = Object.entries(outcome)[0] as [string, unknown];
  return writeIfCondition(
    new UpdateCommand({
      TableName: table,
      Key: key(id),
      UpdateExpression: 'SET #status = :status, #outcome = :outcome, updatedAt = :now',
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: { '#status': 'status', '#outcome': field },
      ExpressionAttributeValues: {
        ':status': status satisfies ImportJobStatus,
        ':outcome': value,
        ':running': 'running',
        ':now': now,
      },
    }),
  );
}

let lambdaClient: LambdaClient | undefined;

/**
 * Starts the worker with the job's id: an event invocation, answered 202 once Lambda has
 * queued it (it then retries a failed run twice itself).
 */
export async function startImportWorker(functionName: string, jobId: string): Promise<void> {
  lambdaClient ??= tracer.captureAWSv3Client(new LambdaClient({}));
  const result = await lambdaClient.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify({ jobId })),
    }),
  );
  if (result.StatusCode !== 202)
    throw new Error(`The import worker's invocation answered ${result.StatusCode}, not 202`);
}
