import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { complaintPk, taskIdFor, taskSk } from '../lambdas/domain/keys.ts';
import { taskSuffixForToken } from '../lambdas/domain/tasks.ts';

/**
 * After a crash of the local stack (kill -9, power cut), readies the saved executions that the
 * crash caught at a moment the Step Functions stand-in cannot resume from by itself, so that
 * `resumeInterrupted` carries them on instead of losing them — what RedriveExecution does on AWS:
 *
 * - started, but stopped before its first step's position was saved: it starts again from the
 *   first state, with its input (every step is idempotent, so one that already ran does not
 *   act twice);
 * - waiting on a human step whose task never reached the table (stopped inside create-task):
 *   the step runs again, with a new token, so staff get the task.
 *
 * Runs before the engine loads the files. Returns what it changed, for the start-up log.
 */
export async function readyInterruptedExecutions(options: {
  /** `<data dir>/stepfunctions/executions`. */
  readonly dir: string;
  /** The ASL: its `StartAt`. */
  readonly definition: string;
  readonly dynamodbEndpoint: string;
  readonly table: string;
}): Promise<{ restarted: number; reopened: number }> {
  const startAt = (JSON.parse(options.definition) as { StartAt: string }).StartAt;
  let files: string[];
  try {
    files = readdirSync(options.dir).filter((f) => f.endsWith('.json'));
  } catch {
    return { restarted: 0, reopened: 0 };
  }
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: options.dynamodbEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  let restarted = 0;
  let reopened = 0;
  try {
    for (const file of files) {
      const path = join(options.dir, file);
      let record: SavedExecution;
      try {
        record = JSON.parse(readFileSync(path, 'utf8')) as SavedExecution;
      } catch {
        continue; // Cut short by the crash: the engine skips it too.
      }
      if (record.status !== 'RUNNING') continue;
      let changed = false;
      if (!record.resume) {
        record.resume = { state: startAt, input: JSON.parse(record.input) as unknown };
        restarted += 1;
        changed = true;
      } else if (record.pendingToken && record.pendingToken.state === record.resume.state) {
        const ref = (record.resume.input as { ref?: unknown } | null)?.ref;
        const taskId =
          typeof ref === 'string' ? taskIdFor(ref, taskSuffixForToken(record.pendingToken.token)) : '';
        const stored = taskId
          ? (
              await db.send(
                new GetCommand({
                  TableName: options.table,
                  Key: { PK: complaintPk(String(ref)), SK: taskSk(taskId) },
                  ConsistentRead: true,
                }),
              )
            ).Item
          : undefined;
        if (!stored) {
          delete record.pendingToken;
          reopened += 1;
          changed = true;
        }
      }
      if (changed) {
        writeFileSync(`${path}.recovered.tmp`, JSON.stringify(record));
        renameSync(`${path}.recovered.tmp`, path);
      }
    }
  } finally {
    db.destroy();
  }
  return { restarted, reopened };
}

/** The parts of a saved execution (local/stepfunctions/engine.ts, ExecutionRecord) read here. */
interface SavedExecution {
  status: string;
  input: string;
  resume?: { state: string; input: unknown; deadlineAt?: string };
  pendingToken?: { state: string; token: string };
}
