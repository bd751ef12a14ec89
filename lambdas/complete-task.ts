import { InvalidToken, SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import type { z } from 'zod';
import { sfn } from '#adapters/clients.ts';
import {
  appendAuditEvent,
  closeTask,
  getRecord,
  getTask,
  markTaskTimedOut,
  reopenTask,
  updateRecord,
} from '#adapters/complaints.ts';
import { applyDecision, DECISION_SCHEMAS } from '#domain/decisions.ts';
import { ForbiddenError, NotFoundError, StateConflictError, ValidationError } from '#domain/errors.ts';
import { refOfTaskId } from '#domain/keys.ts';
import { mayAct } from '#domain/tasks.ts';
import { STEPS } from '../config/workflow.ts';
import { requireEnv } from './commons/config.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from './commons/http.ts';
import { withPowertools } from './commons/middy.ts';
import { logger, metrics } from './commons/powertools.ts';
import { workflowSettings } from './commons/settings.ts';
import { dueFor } from './services/steps.ts';

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
  if (!mayAct(caller, task)) {
    throw new ForbiddenError(
      caller.role !== task.role
        ? `This step is for the ${task.role} role; you are signed in as ${caller.role}`
        : `This task belongs to ${task.area}; you act for ${caller.area}`,
    );
  }
  if (task.status !== 'open') throw new StateConflictError(`The task is already ${task.status}`);

  const input = parseBody(event, DECISION_SCHEMAS[task.step] as z.ZodType);
  const record = await getRecord(TABLE_NAME, ref);
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  const now = new Date();
  const actor = { by: caller.username, role: caller.role, at: now.toISOString() };
  const effect = applyDecision(task.step, input, {
    record,
    actor,
    now,
    settings: workflowSettings(),
    ...(task.late?.step ? { lateStep: task.late.step } : {}),
  });
  if (effect.errors.length) throw new ValidationError(effect.errors);

  // The conditional close makes this the one answer to the task: a second gets 409 here.
  await closeTask(TABLE_NAME, task, {
    status: 'completed',
    closedAt: actor.at,
    closedBy: caller.username,
    decision: input,
  });
  await updateRecord(TABLE_NAME, ref, effect.fields);
  await appendAuditEvent(TABLE_NAME, {
    ref,
    at: actor.at,
    actor: caller.username,
    role: caller.role,
    action: effect.audit.action,
    details: { ...effect.audit.details, step: task.step, taskId },
  });
  const updated = { ...record, ...effect.fields };
  const output = { decision: effect.decision, due: dueFor(updated, now) };
  try {
    await sfn().send(
      new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify(output) }),
    );
  } catch (error) {
    if (error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken) {
      // The deadline passed while this was being answered: the ladder already has it.
      await markTaskTimedOut(TABLE_NAME, task);
      await appendAuditEvent(TABLE_NAME, {
        ref,
        at: new Date().toISOString(),
        actor: caller.username,
        role: caller.role,
        action: 'answer-too-late',
        details: { step: task.step, taskId },
      });
      throw new StateConflictError('The step timed out and was escalated before this answer arrived');
    }
    // The workflow did not get it: put the task back so it can be answered again.
    await reopenTask(TABLE_NAME, task);
    throw error;
  }
  logger.info('Task completed', { ref, taskId, step: task.step });
  metrics.addMetric('TasksCompleted', 'Count', 1);
  return json(200, {
    ref,
    taskId,
    step: task.step,
    stepName: STEPS[task.step].name,
    status: 'completed',
    decision: effect.decision,
  });
}, apiErrors());
