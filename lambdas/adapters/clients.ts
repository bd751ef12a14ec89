import { setTimeout as sleep } from 'node:timers/promises';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { optionalEnv } from '#commons/environment.ts';
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
  // SES_REGION: where the domain identity is verified and SES sends, when SES has no
  // endpoint in the function's own region (a home region such as ap-east-1).
  const region = optionalEnv('SES_REGION');
  sesClient ??= tracer.captureAWSv3Client(new SESClient(region ? { region } : {}));
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

/** BatchGetItem's limit of keys per request. */
const BATCH_GET_MAX = 100;

/**
 * Reads items of one table by key, 100 keys a request (BatchGetItem) instead of a GetItem
 * each, what DynamoDB left unprocessed asked again. Eventually consistent, like the index
 * reads it goes with; `projection` (with its `names`) keeps the answer to the fields needed.
 */
export async function getItems(
  table: string,
  keys: readonly Record<string, string>[],
  options: { projection?: string; names?: Record<string, string> } = {},
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_MAX) {
    let pending: Record<string, unknown>[] = keys.slice(start, start + BATCH_GET_MAX);
    for (const wait of [...UNPROCESSED_RETRY_WAITS_MS, undefined]) {
      if (pending.length === 0) break;
      const { Responses, UnprocessedKeys } = await dynamo().send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: pending,
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
              ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
            },
          },
        }),
      );
      found.push(...(Responses?.[table] ?? []));
      pending = UnprocessedKeys?.[table]?.Keys ?? [];
      if (pending.length && wait !== undefined) await sleep(wait);
    }
    if (pending.length) throw new Error(`DynamoDB left ${pending.length} keys unread after retries`);
  }
  return found;
}

/**
 * Puts and deletes items of one table in requests of 25 (BatchWriteItem), whatever DynamoDB
 * left unprocessed written again, the puts measured first. For items that are theirs alone to
 * write (the estate register's pointers): unconditional, so a repeat is the same write again.
 */
export async function putAndDeleteItems(
  table: string,
  changes: {
    readonly put: readonly Record<string, unknown>[];
    readonly remove: readonly { readonly PK: unknown; readonly SK: unknown }[];
  },
): Promise<void> {
  for (const item of changes.put) checkedItem(item);
  const all = [
    ...changes.put.map((Item) => ({ PutRequest: { Item } })),
    ...changes.remove.map((key) => ({ DeleteRequest: { Key: { PK: key.PK, SK: key.SK } } })),
  ];
  for (let i = 0; i < all.length; i += BATCH_WRITE_MAX) {
    let requests: typeof all = all.slice(i, i + BATCH_WRITE_MAX);
    for (const wait of [...UNPROCESSED_RETRY_WAITS_MS, undefined]) {
      if (requests.length === 0) break;
      const { UnprocessedItems } = await dynamo().send(
        new BatchWriteCommand({ RequestItems: { [table]: requests } }),
      );
      requests = (UnprocessedItems?.[table] ?? []) as typeof all;
      if (requests.length && wait !== undefined) await sleep(wait);
    }
    if (requests.length) throw new Error(`DynamoDB left ${requests.length} items unwritten after retries`);
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
