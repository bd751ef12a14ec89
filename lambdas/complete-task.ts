import * as z from 'zod';
import { requireEnv, workflowSettings } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { STEPS } from '#config/workflow.ts';
import { directCompletionProblem } from '#domain/calls.ts';
import { DECISION_SCHEMAS, isUnreached, UnreachedDecision } from '#domain/decisions.ts';
import { StateConflictError, ValidationError } from '#domain/errors.ts';
import { signatureOf } from '#domain/staff.ts';
import { completeUnreached, taskToAnswer } from '#services/call-log.ts';
import { completeTask } from '#services/record-decision.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `POST /api/tasks/{id}/complete`: a staff member records a step's decision (validated for
 * that step); the record and audit trail take it, then the workflow moves on. Only the task's
 * role, in its area, may answer; a task already answered (or timed out) is a 409 and changes
 * nothing. A step that asks for a phone call takes `{"outcome": "unreached"}` once its calls
 * went unanswered (the call log: `POST /api/tasks/{id}/calls`, whose reached call completes it).
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const task = await taskToAnswer(TABLE_NAME, caller, event.pathParameters?.id ?? '');
  if (task.status !== 'open') throw new StateConflictError(`The task is already ${task.status}`);
  // A paused step is answered once it resumes: POST /api/tasks/{id}/resume first.
  if (task.paused) throw new StateConflictError('The step is paused: resume it first');

  const body = parseBody(event, z.unknown());
  const actor = signatureOf(caller);
  let completed: Awaited<ReturnType<typeof completeTask>>;
  if (isUnreached(body)) {
    const input = parseBody(event, UnreachedDecision);
    completed = await completeUnreached(TABLE_NAME, task, input, actor, workflowSettings());
  } else {
    const problem = directCompletionProblem(task.step, body);
    if (problem) throw new ValidationError([problem]);
    const input = parseBody(event, DECISION_SCHEMAS[task.step] as z.ZodType);
    completed = await completeTask(TABLE_NAME, task, input, actor);
  }
  logger.info('Task completed', { ref: task.ref, taskId: task.id, step: task.step });
  metrics.addMetric('TasksCompleted', 'Count', 1);
  return json(200, {
    ref: task.ref,
    taskId: task.id,
    step: task.step,
    stepName: STEPS[task.step].name,
    status: 'completed',
    decision: completed.decision,
  });
}, apiErrors());
