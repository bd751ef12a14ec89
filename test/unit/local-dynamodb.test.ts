import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynamo } from '../../local/emulators/dynamodb.ts';

/**
 * The local DynamoDB (dynalite, persisted in LevelDB) with this project's patches
 * (patches/dynalite+4.0.0.patch): reads answered by LevelDB's getSync, and an item's index and
 * item writes applied as one batch. What the handlers rely on must still hold: a read sees the
 * write before it, a conditional write races to one winner, the indexes follow every put,
 * update and delete, and all of it survives a restart.
 */
const TABLE = 'patched-dynalite';
let dynamo: LocalDynamo | undefined;
let client: DynamoDBDocumentClient | undefined;
const dirs: string[] = [];

async function start(dir?: string): Promise<DynamoDBDocumentClient> {
  const path = dir ?? mkdtempSync(join(tmpdir(), 'dynalite-patch-'));
  if (!dir) dirs.push(path);
  dynamo = await startDynamo({ port: 0, path, tableName: TABLE });
  client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  return client;
}

async function stop(): Promise<void> {
  client?.destroy();
  client = undefined;
  await dynamo?.stop();
  dynamo = undefined;
}

afterEach(async () => {
  await stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const openTasks = async (db: DynamoDBDocumentClient, gsi1pk: string) =>
  (
    await db.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: 'OpenTasksByRoleArea',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': gsi1pk },
      }),
    )
  ).Items ?? [];

describe('local DynamoDB (patched dynalite)', () => {
  it('reads what was just written, item by item', async () => {
    const db = await start();
    for (let n = 0; n < 20; n++) {
      await db.send(new PutCommand({ TableName: TABLE, Item: { PK: 'C#1', SK: `EVENT#${n}`, n } }));
      const { Item } = await db.send(
        new GetCommand({ TableName: TABLE, Key: { PK: 'C#1', SK: `EVENT#${n}` } }),
      );
      expect(Item?.n).toBe(n);
    }
    const missing = await db.send(new GetCommand({ TableName: TABLE, Key: { PK: 'C#1', SK: 'EVENT#99' } }));
    expect(missing.Item).toBeUndefined();
  });

  it('queries a partition larger than a read batch whole and in order, and pages it by Limit', async () => {
    const db = await start();
    const sk = (n: number) => `EVENT#${String(n).padStart(4, '0')}`;
    await Promise.all(
      Array.from({ length: 150 }, (_unused, n) =>
        db.send(new PutCommand({ TableName: TABLE, Item: { PK: 'C#big', SK: sk(n), n } })),
      ),
    );
    const all = await db.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': 'C#big' },
      }),
    );
    expect(all.Items?.map((item) => item.n)).toEqual(Array.from({ length: 150 }, (_unused, n) => n));
    expect(all.LastEvaluatedKey).toBeUndefined();

    const pages: number[][] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :event)',
          ExpressionAttributeValues: { ':pk': 'C#big', ':event': 'EVENT#' },
          Limit: 70,
          ScanIndexForward: false,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      pages.push((page.Items ?? []).map((item) => Number(item.n)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    expect(pages.map((page) => page.length)).toEqual([70, 70, 10]);
    expect(pages.flat()).toEqual(Array.from({ length: 150 }, (_unused, n) => 149 - n));
  });

  it('lets exactly one of many racing conditional puts win, and counts every racing ADD', async () => {
    const db = await start();
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_unused, n) =>
        db.send(
          new PutCommand({
            TableName: TABLE,
            Item: { PK: 'MSGID#same', SK: 'MSGID', claimedBy: n },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.map((r) => (r.reason as Error).name)).toEqual(
      Array(15).fill('ConditionalCheckFailedException'),
    );

    await Promise.all(
      Array.from({ length: 25 }, () =>
        db.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: { PK: 'COUNTER', SK: 'HK-2611' },
            UpdateExpression: 'ADD #seq :one',
            ExpressionAttributeNames: { '#seq': 'seq' },
            ExpressionAttributeValues: { ':one': 1 },
          }),
        ),
      ),
    );
    const { Item } = await db.send(
      new GetCommand({ TableName: TABLE, Key: { PK: 'COUNTER', SK: 'HK-2611' } }),
    );
    expect(Item?.seq).toBe(25);
  });

  it('keeps the index in step with puts, updates that move or drop its keys, and deletes', async () => {
    const db = await start();
    const key = { PK: 'C#HK-2611-0001', SK: 'TASK#a' };
    await db.send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...key, GSI1PK: 'ROLE#supervisor#AREA#hk', GSI1SK: '2026-11-27T10:00Z', step: 'review' },
      }),
    );
    expect((await openTasks(db, 'ROLE#supervisor#AREA#hk')).map((t) => t.step)).toEqual(['review']);

    // Reassigned: the task leaves the supervisor's list and joins customer service's.
    await db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: key,
        UpdateExpression: 'SET GSI1PK = :pk, step = :step',
        ExpressionAttributeValues: { ':pk': 'ROLE#customer-service#AREA#hk', ':step': 'escalated' },
      }),
    );
    expect(await openTasks(db, 'ROLE#supervisor#AREA#hk')).toEqual([]);
    expect((await openTasks(db, 'ROLE#customer-service#AREA#hk')).map((t) => t.step)).toEqual(['escalated']);

    // Completed: a sparse index drops the item once its keys are removed.
    await db.send(
      new UpdateCommand({ TableName: TABLE, Key: key, UpdateExpression: 'REMOVE GSI1PK, GSI1SK' }),
    );
    expect(await openTasks(db, 'ROLE#customer-service#AREA#hk')).toEqual([]);
    expect((await db.send(new GetCommand({ TableName: TABLE, Key: key }))).Item?.step).toBe('escalated');

    await db.send(
      new PutCommand({ TableName: TABLE, Item: { ...key, GSI1PK: 'ROLE#clerk#AREA#hk', GSI1SK: 'x' } }),
    );
    expect(await openTasks(db, 'ROLE#clerk#AREA#hk')).toHaveLength(1);
    await db.send(new DeleteCommand({ TableName: TABLE, Key: key }));
    expect(await openTasks(db, 'ROLE#clerk#AREA#hk')).toEqual([]);
    expect((await db.send(new GetCommand({ TableName: TABLE, Key: key }))).Item).toBeUndefined();
  });

  it('serves a new table once it is ACTIVE, however busy the table was while it was being created', async () => {
    // dynalite itself, with a creation delay: requests polling the table while its status
    // changes to ACTIVE must not leave a stale CREATING description in the patch's cache.
    const path = mkdtempSync(join(tmpdir(), 'dynalite-patch-'));
    dirs.push(path);
    const server = dynalite({ path, createTableMs: 30 }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const raw = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await raw.send(
        new CreateTableCommand({
          TableName: 'busy',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
        }),
      );
      const deadline = Date.now() + 3_000;
      let written = false;
      while (!written && Date.now() < deadline) {
        const attempts = await Promise.allSettled(
          Array.from({ length: 48 }, (_unused, n) =>
            raw.send(new PutItemCommand({ TableName: 'busy', Item: { PK: { S: `item-${n}` } } })),
          ),
        );
        written = attempts.every((attempt) => attempt.status === 'fulfilled');
      }
      expect(written, 'the table was still not found 3 s after it was created').toBe(true);
    } finally {
      raw.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('keeps items and index entries across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalite-patch-'));
    dirs.push(dir);
    let db = await start(dir);
    await db.send(
      new PutCommand({
        TableName: TABLE,
        Item: { PK: 'C#HK-2611-0002', SK: 'TASK#b', GSI1PK: 'ROLE#clerk#AREA#hk', GSI1SK: 'y', step: 'file' },
      }),
    );
    await stop();
    db = await start(dir);
    expect((await openTasks(db, 'ROLE#clerk#AREA#hk')).map((t) => t.step)).toEqual(['file']);
    const { Item } = await db.send(
      new GetCommand({ TableName: TABLE, Key: { PK: 'C#HK-2611-0002', SK: 'TASK#b' } }),
    );
    expect(Item?.step).toBe('file');
  });

  it('counts item sizes in UTF-8 bytes, attribute names included, and refuses one byte over 400 KB as DynamoDB does', async () => {
    const db = await start();
    // PK (2 bytes) + 'P' (1) + SK (2) + 'S' (1) + 't' (1) + the text: 409,600 bytes in all.
    const atLimit = '滲'.repeat(136_531);
    expect(Buffer.byteLength(atLimit, 'utf8')).toBe(409_593);
    await db.send(new PutCommand({ TableName: TABLE, Item: { PK: 'P', SK: 'S', t: atLimit } }));
    const tooBig = { PK: 'P', SK: 'S2', t: `${atLimit}a` };
    await expect(db.send(new PutCommand({ TableName: TABLE, Item: tooBig }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Item size has exceeded the maximum allowed size',
    });
    await expect(
      db.send(new BatchWriteCommand({ RequestItems: { [TABLE]: [{ PutRequest: { Item: tooBig } }] } })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    // An attribute name counts in bytes too: three bytes for each Chinese character.
    await expect(
      db.send(new PutCommand({ TableName: TABLE, Item: { PK: 'P', SK: 'S3', 內: atLimit } })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    // An update that grows an item past the limit fails, and the item stays as it was.
    await db.send(new PutCommand({ TableName: TABLE, Item: { PK: 'P', SK: 'S4', t: '滲'.repeat(100_000) } }));
    await expect(
      db.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: { PK: 'P', SK: 'S4' },
          UpdateExpression: 'SET more = :more',
          ExpressionAttributeValues: { ':more': '漏'.repeat(40_000) },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Item size to update has exceeded the maximum allowed size',
    });
    const { Item } = await db.send(new GetCommand({ TableName: TABLE, Key: { PK: 'P', SK: 'S4' } }));
    expect(Item?.more).toBeUndefined();
    // Key values too: a partition key over 2,048 bytes is refused.
    await expect(
      db.send(new PutCommand({ TableName: TABLE, Item: { PK: '座'.repeat(683), SK: 'S' } })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
