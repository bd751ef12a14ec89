import { setTimeout as sleep } from 'node:timers/promises';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { tracer } from '#commons/powertools.ts';
import { assertItemFits } from '#domain/item-size.ts';

/**
 * SDK clients, created once per container and traced. Endpoints come from the SDK's standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, which is how the local stack points them at its
 * emulators: there is no local/deployed branch here.
 */
let documentClient: DynamoDBDocumentClient | undefined;
let s3Client: S3Client | undefined;
let sesClient: SESClient | undefined;
let sfnClient: SFNClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return documentClient;
}

export function s3(): S3Client {
  s3Client ??= tracer.captureAWSv3Client(new S3Client({}));
  return s3Client;
}

export function ses(): SESClient {
  sesClient ??= tracer.captureAWSv3Client(new SESClient({}));
  return sesClient;
}

export function sfn(): SFNClient {
  sfnClient ??= tracer.captureAWSv3Client(new SFNClient({}));
  return sfnClient;
}

/**
 * Every item this code puts is measured here first (lambdas/domain/item-size.ts): one over
 * DynamoDB's 400 KB is refused with an ItemTooLargeError naming it, before the request, instead
 * of a ValidationException that a retrying caller would meet again and again. Updates are not
 * measured (the item's size is not known without reading it): what they append is capped where
 * it is appended.
 */
function checkedItem(item: Record<string, unknown> | undefined): void {
  if (item) assertItemFits(item, `Item ${String(item.PK)} ${String(item.SK)}`);
}

/** Puts one item (PutItem), checked against the item size limit first. */
export async function putItem(input: PutCommandInput): Promise<void> {
  checkedItem(input.Item);
  await dynamo().send(new PutCommand(input));
}

/**
 * Sends a conditional write: true when it was applied, false when its condition did not hold
 * (the item exists already, changed, or was closed meanwhile). Any other error is thrown.
 */
export async function writeIfCondition(command: PutCommand | UpdateCommand): Promise<boolean> {
  if ('Item' in command.input) checkedItem(command.input.Item);
  try {
    await dynamo().send(command as PutCommand);
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** BatchWriteItem's limit of items per request. */
const BATCH_WRITE_MAX = 25;
/**
 * Waits before writing again what DynamoDB left unprocessed (it throttles items of a batch one
 * by one instead of failing the request): about 6 s in all, within every function's time limit.
 */
const UNPROCESSED_RETRY_WAITS_MS = [50, 100, 200, 400, 800, 1_600, 3_000];

/**
 * Writes new items of one table in a single request (BatchWriteItem), whatever it left
 * unprocessed written again until none is left. Unconditional, so only for items whose key is
 * theirs alone (a second write is the same item again); one request instead of one per item is
 * what makes it worth it.
 */
export async function putItems(table: string, items: readonly Record<string, unknown>[]): Promise<void> {
  if (items.length > BATCH_WRITE_MAX) {
    throw new Error(`putItems writes at most ${BATCH_WRITE_MAX} items at once, not ${items.length}`);
  }
  for (const item of items) checkedItem(item);
  let requests = items.map((Item) => ({ PutRequest: { Item } }));
  for (const wait of [...UNPROCESSED_RETRY_WAITS_MS, undefined]) {
    if (requests.length === 0) return;
    const { UnprocessedItems } = await dynamo().send(
      new BatchWriteCommand({ RequestItems: { [table]: requests } }),
    );
    requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
    if (requests.length && wait !== undefined) await sleep(wait);
  }
  if (requests.length) {
    throw new Error(`DynamoDB left ${requests.length} of ${items.length} items unwritten after retries`);
  }
}

/**
 * The pages of a Query, one after another (DynamoDB answers at most 1 MB a page): a caller
 * looking for the first match stops reading when it has it.
 */
export async function* queryPages(
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): AsyncGenerator<QueryCommandOutput> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page: QueryCommandOutput = await dynamo().send(
      new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    yield page;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Every item a Query matches, all pages read. */
export async function queryAll(
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of queryPages(input)) items.push(...(page.Items ?? []));
  return items;
}

/**
 * `SET #f0 = :v0, ...` clauses for the fields given (undefined ones skipped), with their
 * attribute names and values: placeholders for every name, so any field (a reserved word such
 * as `status`, a Chinese one) can be written.
 */
export function setClauses(fields: Record<string, unknown>): {
  sets: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
  return { sets, names, values };
}
