import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';

export interface TestStack {
  readonly stack: LocalStack;
  readonly sfn: SFNClient;
  readonly db: DynamoDBDocumentClient;
  readonly dataDir: string;
  /** Resolves with the next task the workflow waits on (optionally of one execution). */
  nextTask(executionArn?: string): Promise<{ executionArn: string; stateName: string; token: string }>;
  /** Puts a minimal complaint record, as intake or the staff API would have. */
  putComplaint(ref: string, area?: string): Promise<void>;
  /** The items of a complaint's partition: record, tasks, audit events. */
  complaintItems(ref: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

/**
 * Starts the whole local stack in-process on free loopback ports with a throw-away data
 * directory. Clients use the endpoints the stack exports (AWS_ENDPOINT_URL_*), exactly as the
 * handlers do; AWS credential variables from outside were removed by the setup file.
 */
export async function startTestStack(options: { timeScale?: number } = {}): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'complaints-test-'));
  const stack = await startLocalStack({
    dataDir,
    ports: { web: 0, smtp: 0, ses: 0, dynamodb: 0, s3: 0, sfn: 0 },
    timeScale: options.timeScale ?? 1,
  });
  const sfn = new SFNClient({});
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  return {
    stack,
    sfn,
    db,
    dataDir,
    async nextTask(executionArn) {
      for (;;) {
        const [task] = await once(stack.stepFunctions.events, 'task-waiting');
        if (!executionArn || task.executionArn === executionArn) return task;
      }
    },
    async putComplaint(ref, area = 'kowloon-east') {
      await db.send(
        new PutCommand({
          TableName: stack.tableName,
          Item: { PK: `C#${ref}`, SK: 'RECORD', type: 'complaint', ref, area, status: 'open' },
        }),
      );
    },
    async complaintItems(ref) {
      const result = await db.send(
        new QueryCommand({
          TableName: stack.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': `C#${ref}` },
        }),
      );
      return result.Items ?? [];
    },
    async stop() {
      await stack.stop();
      sfn.destroy();
      db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
