import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#adapters/clients.ts';
import { appendAuditEvent } from '#adapters/records.ts';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import { complaintPk, openTasksPk, openTasksSk, taskIdFor, taskSk } from '#domain/keys.ts';
import { CreateTaskInput, dueAt, type Task, taskSuffixForToken } from '#domain/tasks.ts';
import { requireEnv } from './commons/config.ts';
import { withPowertools } from './commons/middy.ts';
import { logger, metrics } from './commons/powertools.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * Invoked by a `lambda:invoke.waitForTaskToken` state: stores the human task with its token
 * so the staff API can complete it. Returns nothing; the workflow waits for the callback.
 */
export const handler = withPowertools(async (event: unknown) => {
  const input = CreateTaskInput.parse(event);
  const now = new Date();
  const task: Task = {
    id: taskIdFor(input.ref, taskSuffixForToken(input.taskToken)),
    ref: input.ref,
    area: input.area,
    step: input.step,
    role: input.role,
    ...(input.assignee ? { assignee: input.assignee } : {}),
    createdAt: now.toISOString(),
    dueAt: dueAt(now, input.timeoutSeconds),
    status: 'open',
  };
  try {
    await dynamo().send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: {
          PK: complaintPk(task.ref),
          SK: taskSk(task.id),
          type: 'task',
          ...task,
          taskToken: input.taskToken,
          GSI1PK: openTasksPk(task.role, task.area),
          GSI1SK: openTasksSk(task.dueAt, task.id),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      logger.info('Task already stored for this token (retried invocation)', { taskId: task.id });
      return { taskId: task.id };
    }
    throw error;
  }
  await appendAuditEvent(TABLE_NAME, {
    ref: task.ref,
    at: task.createdAt,
    actor: SYSTEM_ACTOR,
    role: SYSTEM_ACTOR,
    action: 'task-opened',
    details: { taskId: task.id, step: task.step, role: task.role, dueAt: task.dueAt },
  });
  logger.info('Task opened', { taskId: task.id, step: task.step, role: task.role });
  metrics.addMetric('TasksOpened', 'Count', 1);
  return { taskId: task.id };
});
