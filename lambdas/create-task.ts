import { requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import type { WORKFLOW_ERROR_METRIC } from '#config/workflow.ts';
import { CreateTaskInput } from '#domain/tasks.ts';
import { openTask } from '#services/open-task.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * Invoked by every `lambda:invoke.waitForTaskToken` state: stores the human step as a task
 * with its token (so the staff API can answer the workflow), makes it the complaint's current
 * step, and emails the role's mailbox. Returns; the workflow then waits for the callback.
 */
export const handler = withPowertools(async (event: unknown) => {
  const input = CreateTaskInput.parse(event);
  const { taskId, reminder } = await openTask(TABLE_NAME, input);
  logger.info('Task opened', { taskId, step: input.step, role: input.role });
  metrics.addMetric(reminder ? 'ManagerReminders' : 'TasksOpened', 'Count', 1);
  // A step failed after its retries and waits on customer service (alarm WorkflowErrorToResolve).
  // The name written out, so the cost benchmark finds it; the type keeps it the alarm's.
  if (input.step === 'resolveWorkflowError') {
    metrics.addMetric('WorkflowErrorTasksOpened' satisfies typeof WORKFLOW_ERROR_METRIC, 'Count', 1);
  }
  return { taskId };
});
