import { Readable } from 'node:stream';
import {
  type AttributeValue,
  QueryCommand as RawQueryCommand,
  type QueryCommandOutput as RawQueryOutput,
} from '@aws-sdk/client-dynamodb';
import {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Language } from '#domain/complaint.ts';
import type { ReportSummary, ReportTrigger } from '#domain/report/data.ts';
import type { ProgressEntry, RectificationItem } from '#domain/report/rectification.ts';
import { dynamo, queryAll, queryPages, s3, setClauses, writeIfCondition } from './clients.ts';

/**
 * The periodic report's storage: pages of the area/month index (Query, never Scan), the
 * report items and rectification items of the table, and the report files in S3.
 *
 * Items (config/table.ts):
 * - report           PK=REPORTS        SK=REPORT#<id>   (ids sort by generation time)
 * - rectification    PK=RECTIFICATION  SK=ITEM#<id>
 */
export const REPORTS_PK = 'REPORTS';
export const RECTIFICATION_PK = 'RECTIFICATION';
const reportSk = (id: string) => `REPORT#${id}`;
const itemSk = (id: string) => `ITEM#${id}`;

/** A DynamoDB projection of attribute paths (`owner.name`), every name aliased (many are reserved). */
export function projection(paths: readonly string[]): {
  ProjectionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
} {
  const names: Record<string, string> = {};
  const aliases = new Map<string, string>();
  const alias = (name: string) => {
    let a = aliases.get(name);
    if (!a) {
      a = `#p${aliases.size}`;
      aliases.set(name, a);
      names[a] = name;
    }
    return a;
  };
  return {
    ProjectionExpression: paths.map((path) => path.split('.').map(alias).join('.')).join(', '),
    ExpressionAttributeNames: names,
  };
}

/**
 * Pages of one area/month partition of GSI2 between two instants (inclusive), oldest first.
 * Each page is handed over and dropped: the caller keeps only what it aggregates. Items are
 * read with the low-level Query and converted by `fromItem`: the report reads every complaint
 * of a month, and the document client's general conversion is a good part of its time.
 */
export async function* areaMonthPages<T>(options: {
  table: string;
  index: string;
  partition: string;
  from: string;
  to: string;
  attributes: readonly string[];
  /** Items per page at most (smaller pages, less memory in flight). @default - up to 1 MB */
  pageSize?: number;
}): AsyncGenerator<T[]> {
  const { ProjectionExpression, ExpressionAttributeNames } = projection(options.attributes);
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const command = new RawQueryCommand({
      TableName: options.table,
      IndexName: options.index,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { ...ExpressionAttributeNames, '#pk': 'GSI2PK', '#sk': 'GSI2SK' },
      ExpressionAttributeValues: {
        ':pk': { S: options.partition },
        ':from': { S: options.from },
        ':to': { S: options.to },
      },
      ProjectionExpression,
      ExclusiveStartKey: startKey,
      ...(options.pageSize ? { Limit: options.pageSize } : {}),
    });
    const raw = takeRawPage(command);
    const page: RawQueryOutput = await dynamo().send(command);
    const items = raw.page ? raw.page.Items : page.Items;
    yield (items ?? []).map((item) => fromItem(item) as T);
    startKey = raw.page ? raw.page.LastEvaluatedKey : page.LastEvaluatedKey;
  } while (startKey);
}

interface RawPage {
  Items?: Record<string, AttributeValue>[];
  LastEvaluatedKey?: Record<string, AttributeValue>;
}

/**
 * Reads a successful Query's JSON body itself, ahead of the SDK's deserializer (which then
 * sees an empty object): the body already holds the items as DynamoDB's JSON, which fromItem
 * reads directly. The SDK's own conversion, which builds every item once more, was the
 * largest part of the report's time after DynamoDB's. Errors go through the SDK unchanged.
 */
function takeRawPage(command: RawQueryCommand): { page?: RawPage } {
  const holder: { page?: RawPage } = {};
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; body?: AsyncIterable<Uint8Array> | unknown };
      if (response.statusCode !== 200 || !isAsyncIterable(response.body)) return result;
      const chunks: Buffer[] = [];
      for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
      holder.page = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RawPage;
      response.body = Readable.from([Buffer.from('{}')]);
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'reportRawQueryPage' },
  );
  return holder;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** A DynamoDB item as plain data (numbers as numbers; sets as arrays). */
export function fromItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in item) out[key] = fromAttribute(item[key] as AttributeValue);
  return out;
}

function fromAttribute(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.M !== undefined) return fromItem(value.M);
  if (value.L !== undefined) return value.L.map(fromAttribute);
  if (value.SS !== undefined) return value.SS;
  if (value.NS !== undefined) return value.NS.map(Number);
  return null;
}

/** An owner's complaints between two instants, from the owner-contact index (GSI3). */
export async function ownerComplaints<T>(options: {
  table: string;
  index: string;
  contactKey: string;
  from: string;
  to: string;
  attributes: readonly string[];
}): Promise<T[]> {
  const { ProjectionExpression, ExpressionAttributeNames } = projection(options.attributes);
  const items = await queryAll({
    TableName: options.table,
    IndexName: options.index,
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
    ExpressionAttributeNames: { ...ExpressionAttributeNames, '#pk': 'GSI3PK', '#sk': 'GSI3SK' },
    ExpressionAttributeValues: { ':pk': options.contactKey, ':from': options.from, ':to': options.to },
    ProjectionExpression,
  });
  return items as T[];
}

// ---- Report items ------------------------------------------------------------------------

export type ReportStatus = 'running' | 'done' | 'failed';

export interface ReportFiles {
  readonly html: string;
  readonly csv: string;
  readonly csvBytes: number;
}

export interface ReportItem {
  readonly id: string;
  readonly kind: 'month' | 'week';
  readonly period: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly previousPeriod: string;
  readonly trigger: ReportTrigger;
  readonly requestedBy?: string;
  readonly status: ReportStatus;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
  readonly files?: Readonly<Partial<Record<Language, ReportFiles>>>;
  readonly dataKey?: string;
  /** The period's counts (`counts.json`), for the next period's trend. */
  readonly countsKey?: string;
  readonly rows?: number;
  readonly summary?: ReportSummary;
  readonly emailed?: { readonly recipients: number; readonly messages: number };
  readonly error?: string;
}

/**
 * Stores a report as running; false when one with this id is done or still running (a
 * repeated delivery of a schedule). A failed run, or one that stopped reporting longer ago
 * than any run may last, is taken over: retries of a failed scheduled run do run again.
 */
export async function startReportItem(
  table: string,
  item: ReportItem,
  staleAfterMs: number,
): Promise<boolean> {
  return writeIfCondition(
    new PutCommand({
      TableName: table,
      Item: { PK: REPORTS_PK, SK: reportSk(item.id), type: 'report', ...item },
      ConditionExpression: 'attribute_not_exists(PK) OR #status = :failed OR startedAt < :stale',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':failed': 'failed',
        ':stale': new Date(Date.parse(item.startedAt) - staleAfterMs).toISOString(),
      },
    }),
  );
}

export async function finishReportItem(
  table: string,
  id: string,
  fields: Partial<Omit<ReportItem, 'id'>>,
): Promise<void> {
  const { sets, names, values } = setClauses(fields);
  await dynamo().send(
    new UpdateCommand({
      TableName: table,
      Key: { PK: REPORTS_PK, SK: reportSk(id) },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ConditionExpression: 'attribute_exists(PK)',
    }),
  );
}

export async function getReportItem(table: string, id: string): Promise<ReportItem | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: table, Key: { PK: REPORTS_PK, SK: reportSk(id) } }),
  );
  return result.Item ? strip<ReportItem>(result.Item) : undefined;
}

/** Reports, newest first, a page at a time (`cursor` is the previous page's last id). */
export async function listReportItems(
  table: string,
  options: { limit: number; before?: string },
): Promise<{ items: ReportItem[]; next?: string }> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: options.before
        ? 'PK = :pk AND SK < :before'
        : 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': REPORTS_PK,
        ...(options.before ? { ':before': reportSk(options.before) } : { ':prefix': 'REPORT#' }),
      },
      ScanIndexForward: false,
      Limit: options.limit,
    }),
  );
  const items = (result.Items ?? []).map((i) => strip<ReportItem>(i));
  const last = items.at(-1);
  return { items, ...(result.LastEvaluatedKey && last ? { next: last.id } : {}) };
}

/**
 * The latest finished report of a period made at or after an instant (for a period's counts
 * as they stood once it had ended), or undefined. Reports are few: a filtered Query of their
 * partition, newest first.
 */
export async function latestReportOf(
  table: string,
  period: string,
  startedAfter: string,
): Promise<ReportItem | undefined> {
  const pages = queryPages({
    TableName: table,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    FilterExpression: '#period = :period AND #status = :done AND startedAt >= :after',
    ExpressionAttributeNames: { '#period': 'period', '#status': 'status' },
    ExpressionAttributeValues: {
      ':pk': REPORTS_PK,
      ':prefix': 'REPORT#',
      ':period': period,
      ':done': 'done',
      ':after': startedAfter,
    },
    ScanIndexForward: false,
  });
  for await (const page of pages) {
    const found = page.Items?.[0];
    if (found) return strip<ReportItem>(found);
  }
  return undefined;
}

// ---- Rectification items -----------------------------------------------------------------

export async function listRectificationItems(table: string): Promise<RectificationItem[]> {
  const items = await queryAll({
    TableName: table,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': RECTIFICATION_PK, ':prefix': 'ITEM#' },
  });
  return items.map((i) => strip<RectificationItem>(i));
}

export async function getRectificationItem(
  table: string,
  id: string,
): Promise<RectificationItem | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: table, Key: { PK: RECTIFICATION_PK, SK: itemSk(id) } }),
  );
  return result.Item ? strip<RectificationItem>(result.Item) : undefined;
}

/** Puts a drafted item; false when it exists already (the same report period drafted it). */
export async function putDraftItem(table: string, item: RectificationItem): Promise<boolean> {
  return writeIfCondition(
    new PutCommand({
      TableName: table,
      Item: { PK: RECTIFICATION_PK, SK: itemSk(item.id), type: 'rectification', ...item },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

/** Writes an edited item, only if nobody changed it since `previousVersion` (else false). */
export async function replaceRectificationItem(
  table: string,
  item: RectificationItem,
  previousVersion: number,
): Promise<boolean> {
  return writeIfCondition(
    new PutCommand({
      TableName: table,
      Item: { PK: RECTIFICATION_PK, SK: itemSk(item.id), type: 'rectification', ...item },
      ConditionExpression: 'attribute_exists(PK) AND #version = :previous',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':previous': previousVersion },
    }),
  );
}

/** Records the subject's complaints in a report's period (a re-run of the period overwrites it). */
export async function recordProgress(
  table: string,
  id: string,
  period: string,
  entry: ProgressEntry,
): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: table,
      Key: { PK: RECTIFICATION_PK, SK: itemSk(id) },
      UpdateExpression: 'SET progress.#period = :entry',
      ExpressionAttributeNames: { '#period': period },
      ExpressionAttributeValues: { ':entry': entry },
      ConditionExpression: 'attribute_exists(PK)',
    }),
  );
}

// ---- Report files ------------------------------------------------------------------------

export async function putReportFile(
  bucket: string,
  key: string,
  body: string | Buffer,
  contentType: string,
): Promise<void> {
  await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
}

export async function getReportFile(bucket: string, key: string): Promise<string> {
  const result = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await result.Body?.transformToString('utf8')) ?? '';
}

/** S3's smallest multipart part (except the last). */
const PART_BYTES = 5 * 1024 * 1024;

/** Uploads that share one queue send one part at a time between them (memory stays one part). */
export interface UploadQueue {
  tail: Promise<void>;
}

/**
 * A text file written to S3 as it is produced: the text is kept until a multipart part's
 * worth (5 MiB) is there, then sent, so a CSV of any length takes no more memory than a part.
 * A file that never fills a part is one PutObject, and its body is handed back (small enough
 * to attach to an email).
 */
export class S3TextUpload {
  readonly bucket: string;
  readonly key: string;
  readonly contentType: string;
  bytes = 0;
  #lines: string[] = [];
  #chunks: Buffer[] = [];
  #pendingBytes = 0;
  #uploadId: string | undefined;
  #parts: { PartNumber: number; ETag: string; ChecksumCRC32?: string }[] = [];
  readonly #queue: UploadQueue;

  constructor(
    bucket: string,
    key: string,
    contentType: string,
    queue: UploadQueue = { tail: Promise.resolve() },
  ) {
    this.bucket = bucket;
    this.key = key;
    this.contentType = contentType;
    this.#queue = queue;
  }

  write(text: string): void {
    this.#lines.push(text);
  }

  /**
   * Encodes what was written since the last flush (a page's lines become one buffer, outside
   * the JavaScript heap) and sends a part once a part's worth is there. Safe to call from
   * concurrent readers: parts go one at a time through the queue.
   */
  flush(): Promise<void> {
    this.#encode();
    if (this.#pendingBytes < PART_BYTES) return this.#queue.tail;
    const body = this.#take();
    this.#queue.tail = this.#queue.tail.then(async () => {
      this.#uploadId ??= (
        await s3().send(
          new CreateMultipartUploadCommand({
            Bucket: this.bucket,
            Key: this.key,
            ContentType: this.contentType,
            ChecksumAlgorithm: ChecksumAlgorithm.CRC32,
          }),
        )
      ).UploadId;
      await this.#uploadPart(body);
    });
    return this.#queue.tail;
  }

  /** Finishes the file; returns its body when it was small enough to be a single put. */
  async close(): Promise<{ bytes: number; body?: Buffer }> {
    this.#encode();
    await this.#queue.tail;
    const rest = this.#take();
    if (!this.#uploadId) {
      await putReportFile(this.bucket, this.key, rest, this.contentType);
      return { bytes: this.bytes, body: rest };
    }
    if (rest.length) await this.#uploadPart(rest);
    await s3().send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: this.key,
        UploadId: this.#uploadId,
        MultipartUpload: { Parts: this.#parts },
      }),
    );
    return { bytes: this.bytes };
  }

  async abort(): Promise<void> {
    await this.#queue.tail.catch(() => undefined);
    if (this.#uploadId) {
      await s3().send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.#uploadId }),
      );
    }
  }

  #encode(): void {
    if (this.#lines.length === 0) return;
    const chunk = Buffer.from(this.#lines.join(''), 'utf8');
    this.#lines = [];
    this.#chunks.push(chunk);
    this.#pendingBytes += chunk.length;
  }

  #take(): Buffer {
    const body = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
    this.#chunks = [];
    this.#pendingBytes = 0;
    this.bytes += body.length;
    return body;
  }

  async #uploadPart(body: Buffer): Promise<void> {
    const PartNumber = this.#parts.length + 1;
    const result = await s3().send(
      new UploadPartCommand({
        Bucket: this.bucket,
        Key: this.key,
        UploadId: this.#uploadId,
        PartNumber,
        Body: body,
        ChecksumAlgorithm: ChecksumAlgorithm.CRC32,
      }),
    );
    this.#parts.push({
      PartNumber,
      ETag: result.ETag ?? '',
      ...(result.ChecksumCRC32 ? { ChecksumCRC32: result.ChecksumCRC32 } : {}),
    });
  }
}

const KEY_ATTRIBUTES = ['PK', 'SK', 'type'];

function strip<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const key of KEY_ATTRIBUTES) delete copy[key];
  return copy as T;
}
