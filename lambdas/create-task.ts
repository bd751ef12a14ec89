import { appendAuditEventOnce, getTask, putTask, updateRecord } from '#adapters/complaints.ts';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import { taskMail } from '#domain/emails.ts';
import { taskIdFor } from '#domain/keys.ts';
import { factsOfTaskOpened } from '#domain/record-facts.ts';
import { CreateTaskInput, dueAt, type StoredTask, taskSuffixForToken } from '#domain/tasks.ts';
import { STEPS } from '../config/workflow.ts';
import { requireEnv } from './commons/config.ts';
import { withPowertools } from './commons/middy.ts';
import { logger, metrics } from './commons/powertools.ts';
import { appUrl, staffAddress } from './commons/settings.ts';
import { sendOnce } from './services/send-once.ts';
import { closeOpenTasks } from './services/steps.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * Invoked by every `lambda:invoke.waitForTaskToken` state: stores the human step as a task
 * with its token (so the staff API can answer the workflow), makes it the complaint's current
 * step, and emails the role's mailbox. Returns; the workflow then waits for the callback.
 */
export const handler = withPowertools(async (event: unknown) => {
  const input = CreateTaskInput.parse(event);
  const now = new Date();
  const task: StoredTask = {
    id: taskIdFor(input.ref, taskSuffixForToken(input.taskToken)),
    ref: input.ref,
    area: input.area,
    step: input.step,
    role: input.role,
    ...(input.assignee ? { assignee: input.assignee } : {}),
    ...(input.late ? { late: input.late } : {}),
    createdAt: now.toISOString(),
    dueAt: dueAt(now, input.timeoutSeconds),
    status: 'open',
    taskToken: input.taskToken,
  };
  // One step at a time: a task left open by an earlier step (a window that ran out) closes now;
  // one of this step left by an attempt that failed (a retry comes with a new token) is void.
  await closeOpenTasks(
    TABLE_NAME,
    task.ref,
    now,
    (open) => (open.step === task.step ? 'cancelled' : 'timed-out'),
    task.id,
  );
  const created = await putTask(TABLE_NAME, task);
  if (!created) logger.info('Task already stored for this token (retried invocation)', { taskId: task.id });
  // A retry for the same token carries on with the task as first stored (its times).
  const stored = created ? task : ((await getTask(TABLE_NAME, task.ref, task.id)) ?? task);
  const reminder = input.late?.overdue === 'escalationManager' && task.step === 'escalationManager';
  // An escalation task opening is the complaint raised to that level (the report counts it).
  await updateRecord(
    TABLE_NAME,
    task.ref,
    { currentStep: task.step },
    created ? factsOfTaskOpened(task.step, reminder) : undefined,
  );
  // Keyed by the task: a retried invocation writes the line it may have missed, never a second one.
  const action = reminder ? 'reminder-task-opened' : 'task-opened';
  await appendAuditEventOnce(
    TABLE_NAME,
    {
      ref: task.ref,
      at: stored.createdAt,
      actor: SYSTEM_ACTOR,
      role: SYSTEM_ACTOR,
      action,
      details: {
        taskId: task.id,
        step: task.step,
        role: task.role,
        dueAt: stored.dueAt,
        procedureStep: STEPS[task.step].procedureStep,
      },
    },
    `${action}.${task.id}`,
  );
  // Sent once per task even when this invocation is a retry that found the task stored.
  if (STEPS[task.step].emailOnOpen || reminder || task.late) {
    const to = staffAddress(task.role, task.area);
    await sendOnce({
      table: TABLE_NAME,
      ref: task.ref,
      key: `task:${task.id}`,
      to: [to],
      content: taskMail({
        ref: task.ref,
        step: task.step,
        dueAt: stored.dueAt,
        taskUrl: `${appUrl()}/tasks/${encodeURIComponent(task.id)}`,
        reminder,
      }),
      kind: reminder ? 'task-reminder' : 'task-notice',
      audience: 'staff',
    });
  }
  logger.info('Task opened', { taskId: task.id, step: task.step, role: task.role });
  metrics.addMetric(reminder ? 'ManagerReminders' : 'TasksOpened', 'Count', 1);
  return { taskId: task.id };
});
