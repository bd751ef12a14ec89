import { requireEnv, workflowSettings } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { STEPS } from '#config/workflow.ts';
import { CallInput } from '#domain/calls.ts';
import { StateConflictError } from '#domain/errors.ts';
import { signatureOf } from '#domain/staff.ts';
import { logCall, taskToAnswer } from '#services/call-log.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `POST /api/tasks/{id}/calls`: a staff member logs one call to the owner on a task whose step
 * asks for one — when, the number dialled, reached / no answer / wrong number, what was said.
 * Numbered on the task and written to the timeline; a reached call carries the step's decision
 * (`decision`) and completes the step. Only the task's role, in its area, may log its calls; a
 * task no longer open is a 409, a step that asks for no call a 400.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const task = await taskToAnswer(TABLE_NAME, caller, event.pathParameters?.id ?? '');
  if (task.status !== 'open')
    throw new StateConflictError(`The task is already ${task.status}: it takes no more calls`);
  const input = parseBody(event, CallInput);
  const actor = signatureOf(caller);
  const logged = await logCall(TABLE_NAME, task, input, actor, workflowSettings());
  // The number and what was said are the owner's: never in the logs.
  logger.info('Call logged', {
    ref: task.ref,
    taskId: task.id,
    step: task.step,
    attempt: logged.call.attempt,
    result: logged.call.result,
  });
  metrics.addMetric('CallsLogged', 'Count', 1);
  return json(201, {
    ref: task.ref,
    taskId: task.id,
    step: task.step,
    stepName: STEPS[task.step].name,
    call: logged.call,
    status: logged.completed ? 'completed' : 'open',
    ...(logged.completed ? { decision: logged.completed.decision } : {}),
  });
}, apiErrors());
