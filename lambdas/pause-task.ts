import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { mayPauseTask } from '#domain/access.ts';
import { ForbiddenError } from '#domain/errors.ts';
import { PauseInput } from '#domain/pause.ts';
import { signatureOf } from '#domain/staff.ts';
import { taskWithDepartment } from '#services/call-log.ts';
import { pauseTask, resumeTask } from '#services/pause-task.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `POST /api/tasks/{id}/pause` `{reason, note?, until?}`: the step's clock stops (the department's
 * commitment or work, or the supervisor's obstacle) until the date, or until an event; and
 * `POST /api/tasks/{id}/resume`: a paused step resumes now, with the business time it had left
 * (services/pause-task.ts). Its department, the area's supervisor or head office may.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const task = await taskWithDepartment(TABLE_NAME, event.pathParameters?.id ?? '');
  if (!mayPauseTask(caller, task)) {
    throw new ForbiddenError(
      "A step is paused or resumed by the one it is for, or the area's supervisor or head office",
    );
  }
  const actor = signatureOf(caller);
  if (event.routeKey === 'POST /api/tasks/{id}/resume') {
    const resumed = await resumeTask(TABLE_NAME, task, actor);
    logger.info('Paused step resumed', { ref: task.ref, taskId: task.id, step: task.step });
    metrics.addMetric('StepsResumed', 'Count', 1);
    return json(200, { ...resumed, status: 'resumed' });
  }
  const input = parseBody(event, PauseInput);
  const paused = await pauseTask(TABLE_NAME, task, input, actor);
  // The reason only: the note is staff's own words.
  logger.info('Step paused', { ref: task.ref, taskId: task.id, step: task.step, reason: input.reason });
  metrics.addMetric('StepsPaused', 'Count', 1);
  return json(200, { ...paused, status: 'paused' });
}, apiErrors());
