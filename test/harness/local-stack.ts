import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { STEP_IDS } from '#config/workflow.ts';
import { type NewComplaintInput, newComplaintRecord } from '#domain/complaint.ts';
import type { LocalMailboxOptions } from '../../local/mail/mailbox.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { type FaultCounts, type FaultOptions, type FaultProxies, withFaults } from './fault-proxy.ts';

/** A `due` table giving every step the same number of seconds (for driving the ASL directly). */
export function dueAll(seconds: number, overrides: Record<string, number> = {}): Record<string, number> {
  return { ...Object.fromEntries(STEP_IDS.map((step) => [step, seconds])), ...overrides };
}

export interface TestStack {
  readonly stack: LocalStack;
  /** Faults injected so far (none unless `faults` was given). */
  faults(): FaultCounts;
  readonly sfn: SFNClient;
  readonly db: DynamoDBDocumentClient;
  readonly dataDir: string;
  /** Resolves with the next task the workflow waits on (optionally of one execution). */
  nextTask(executionArn?: string): Promise<{ executionArn: string; stateName: string; token: string }>;
  /**
   * Starts recording waiting tasks; the returned function resolves with the first task of the
   * given complaint recorded since, waiting for it if needed (for when the ref is not known
   * until an API call returns).
   */
  recordTasks(): (ref: string) => Promise<{ executionArn: string; stateName: string; token: string }>;
  /** Stops every running execution (test clean-up, so one test's timers cannot reach the next). */
  stopRunningExecutions(): Promise<void>;
  /** Puts a complaint record as the staff API would have (without starting its workflow). */
  /** `department`: the department the supervisor named (a department's people see it). */
  putComplaint(
    ref: string,
    area?: string,
    input?: Partial<NewComplaintInput> & { department?: string },
  ): Promise<void>;
  /** The items of a complaint's partition: record, tasks, audit events. */
  complaintItems(ref: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

/**
 * Starts the whole local stack in-process on free loopback ports with a throw-away data
 * directory. Clients use the endpoints the stack exports (AWS_ENDPOINT_URL_*), exactly as the
 * handlers do; AWS credential variables from outside were removed by the setup file.
 */
export async function startTestStack(
  options: {
    timeScale?: number;
    /** Workflow time starts at this instant (ISO), e.g. the days before a public holiday. */
    clockStartsAt?: string;
    faults?: FaultOptions;
    functionThread?: boolean;
    /** An IMAP mailbox the stack polls as well (test/harness/dovecot.ts). */
    mailbox?: LocalMailboxOptions;
  } = {},
): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'complaints-test-'));
  let proxies: FaultProxies | undefined;
  const stack = await startLocalStack({
    dataDir,
    ports: { web: 0, smtp: 0, ses: 0, dynamodb: 0, s3: 0, sfn: 0 },
    timeScale: options.timeScale ?? 1,
    ...(options.clockStartsAt ? { clockStartsAt: options.clockStartsAt } : {}),
    interpose: async (endpoints) => {
      proxies = await withFaults(options.faults, endpoints);
      return proxies;
    },
    ...(options.functionThread === false ? { functionThread: false } : {}),
    ...(options.mailbox ? { mailbox: options.mailbox } : {}),
  });
  const sfn = new SFNClient({});
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  function nextTask(
    executionArn?: string,
  ): Promise<{ executionArn: string; stateName: string; token: string }> {
    // Resolves with the next waiting task; rejects if the execution ends first, so a test
    // shows the failure instead of timing out.
    return new Promise((resolve, reject) => {
      const events = stack.stepFunctions.events;
      const onTask = (task: { executionArn: string; stateName: string; token: string }) => {
        if (executionArn && task.executionArn !== executionArn) return;
        cleanup();
        resolve(task);
      };
      const onSettled = (record: {
        executionArn: string;
        status: string;
        error?: string;
        cause?: string;
      }) => {
        if (executionArn && record.executionArn !== executionArn) return;
        cleanup();
        reject(
          new Error(
            `Execution ended ${record.status} before a task: ${record.error ?? ''} ${record.cause ?? ''}`,
          ),
        );
      };
      const cleanup = () => {
        events.off('task-waiting', onTask);
        events.off('execution-settled', onSettled);
      };
      events.on('task-waiting', onTask);
      events.on('execution-settled', onSettled);
    });
  }

  return {
    stack,
    faults: () => {
      if (!proxies) throw new Error('The local stack started without its endpoints interposed');
      return proxies.counts();
    },
    sfn,
    db,
    dataDir,
    nextTask,
    recordTasks() {
      const seen: { executionArn: string; stateName: string; token: string }[] = [];
      const record = (task: { executionArn: string; stateName: string; token: string }) => seen.push(task);
      stack.stepFunctions.events.on('task-waiting', record);
      return async (ref) => {
        const arn = `${stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;
        const already = seen.find((task) => task.executionArn === arn);
        const task = already ?? (await nextTask(arn));
        stack.stepFunctions.events.off('task-waiting', record);
        return task;
      };
    },
    async stopRunningExecutions() {
      const running = stack.stepFunctions.listExecutions({ statusFilter: 'RUNNING', maxResults: 1000 });
      for (const execution of running.executions) {
        stack.stepFunctions.stopExecution({ executionArn: execution.executionArn, cause: 'test finished' });
        await stack.stepFunctions.whenSettled(execution.executionArn);
      }
    },
    async putComplaint(ref, area = 'kowloon-east', { department, ...input } = {}) {
      const record = newComplaintRecord(
        ref,
        {
          channel: 'phone',
          area,
          owner: { name: '陳大文', email: 'owner@example.com', phone: '+852 2345 6789' },
          content: '大堂升降機經常故障。',
          ...input,
        },
        { by: 'reception.kowloon-east', role: 'reception', at: new Date().toISOString() },
        { needsClarification: false, acknowledge: 'none' },
      );
      await db.send(
        new PutCommand({
          TableName: stack.tableName,
          Item: {
            PK: `C#${ref}`,
            SK: 'RECORD',
            type: 'complaint',
            ...record,
            ...(department ? { department } : {}),
          },
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
