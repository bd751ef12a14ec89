import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE } from '#config/table.ts';
import { closeServer, listenOnLoopback } from '../runtime/listen.ts';

export interface LocalDynamo {
  readonly endpoint: string;
  readonly tableName: string;
  /** Requests served, by operation (e.g. `PutItem`), for the benchmarks' cost model. */
  readonly requests: ReadonlyMap<string, number>;
  stop(): Promise<void>;
}

/**
 * DynamoDB on dynalite, persisted under `.local/` when a path is given. The table is created
 * from config/table.ts, the same declaration the CDK data construct reads.
 */
export async function startDynamo(options: {
  port: number;
  path?: string;
  tableName: string;
}): Promise<LocalDynamo> {
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  }) as Server;
  const requests = new Map<string, number>();
  server.on('request', (request: { headers: Record<string, string | string[] | undefined> }) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    requests.set(operation, (requests.get(operation) ?? 0) + 1);
  });
  const port = await listenOnLoopback(server, options.port, 'DynamoDB', 'DYNAMODB_PORT');
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await ensureTable(client, options.tableName);
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    tableName: options.tableName,
    requests,
    stop: () => closeServer(server),
  };
}

/**
 * Creates the table when the directory has none, and returns once it is ACTIVE: like DynamoDB,
 * dynalite answers ResourceNotFoundException to reads and writes on a table still CREATING, so a
 * request sent straight after the first start would fail.
 */
async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  let status = await tableStatus(client, tableName);
  if (status === undefined) {
    await createTable(client, tableName);
    status = await tableStatus(client, tableName);
  }
  for (let waited = 0; status !== 'ACTIVE'; waited += TABLE_POLL_MS) {
    if (waited >= TABLE_ACTIVE_WITHIN_MS) {
      throw new Error(`DynamoDB table ${tableName} was not ACTIVE within ${TABLE_ACTIVE_WITHIN_MS / 1000} s`);
    }
    await sleep(TABLE_POLL_MS);
    status = await tableStatus(client, tableName);
  }
}

const TABLE_POLL_MS = 5;
const TABLE_ACTIVE_WITHIN_MS = 10_000;

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus ?? 'UNKNOWN';
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const attributes = new Set<string>([TABLE.partitionKey, TABLE.sortKey]);
  for (const index of TABLE.indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
}
