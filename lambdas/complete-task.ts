import type { z } from 'zod';
import { getTask } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { STEPS } from '#config/workflow.ts';
import { mayActOnTask } from '#domain/access.ts';
import { DECISION_SCHEMAS } from '#domain/decisions.ts';
import { ForbiddenError, NotFoundError, StateConflictError } from '#domain/errors.ts';
import { refOfTaskId } from '#domain/keys.ts';
import { completeTask } from '#services/record-decision.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `POST /api/tasks/{id}/complete`: a staff member records a step's decision (validated for
 * that step); the record and audit trail take it, then the workflow moves on. Only the task's
 * role, in its area, may answer; a task already answered (or timed out) is a 409 and changes
 * nothing.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const taskId = event.pathParameters?.id ?? '';
  const ref = refOfTaskId(taskId);
  const task = ref ? await getTask(TABLE_NAME, ref, taskId) : undefined;
  if (!ref || !task) throw new NotFoundError(`No task ${taskId}`);
  if (!mayActOnTask(caller, task)) {
    throw new ForbiddenError(
      caller.role !== task.role
        ? `This step is for the ${task.role} role; you are signed in as ${caller.role}`
        : `This task belongs to ${task.area}; you act for ${caller.area}`,
    );
  }
  if (task.status !== 'open') throw new StateConflictError(`The task is already ${task.status}`);

  const input = parseBody(event, DECISION_SCHEMAS[task.step] as z.ZodType);
  const actor = { by: caller.username, role: caller.role, at: new Date().toISOString() };
  const completed = await completeTask(TABLE_NAME, task, input, actor);
  logger.info('Task completed', { ref, taskId, step: task.step });
  metrics.addMetric('TasksCompleted', 'Count', 1);
  return json(200, {
    ref,
    taskId,
    step: task.step,
    stepName: STEPS[task.step].name,
    status: 'completed',
    decision: completed.decision,
  });
}, apiErrors());
