import {
  appendAuditEvent,
  clearPause,
  closeTask,
  getRecord,
  reopenTask,
  setPause,
} from '#adapters/complaints.ts';
import { sendTaskFailure, sendTaskSuccess } from '#adapters/workflow.ts';
import { workflowSettings } from '#commons/environment.ts';
import { PAUSED_ERROR } from '#config/workflow.ts';
import { actorOf } from '#domain/audit.ts';
import type { Signature } from '#domain/complaint.ts';
import { calendarFor } from '#domain/deadlines.ts';
import { NotFoundError, StateConflictError, ValidationError } from '#domain/errors.ts';
import { needsApproval, type PauseInput, pauseOf, pauseProblem } from '#domain/pause.ts';
import type { StoredTask } from '#domain/tasks.ts';
import { dueFor } from './steps.ts';

/**
 * Pauses the clock of a waiting step (domain/pause.ts): the pause goes on the record first,
 * conditionally (one pause at a time, none once the complaint is closing), with its audit line;
 * then the task is closed and its token failed with `Complaint.Paused`, which the step's state
 * catches: the workflow tells the owner and waits in a paused task of the same step. Who may
 * pause is the caller's business (access.ts mayPauseTask).
 */
export async function pauseTask(
  table: string,
  task: StoredTask,
  input: PauseInput,
  actor: Signature,
): Promise<{
  ref: string;
  taskId: string;
  until?: string;
  remainingMinutes: number;
  approval?: 'requested';
}> {
  const record = await getRecord(table, task.ref, { consistent: true });
  if (!record) throw new NotFoundError(`No complaint ${task.ref}`);
  const problem = pauseProblem(task, record, input, new Date(actor.at));
  if (problem?.field) throw new ValidationError([{ field: problem.field, message: problem.message }]);
  if (problem) throw new StateConflictError(problem.message);
  const calendar = calendarFor(record.area);
  // A department's long pause waits for the supervisor (domain/pause.ts): the workflow asks.
  const approval = needsApproval(input, actor.role, new Date(actor.at), calendar, workflowSettings());
  const pause = pauseOf(task, input, calendar, actor, approval);
  // The task first: whoever closes it wins it (an answer at the same moment gets 409, or this does).
  await closeTask(table, task, {
    status: 'cancelled',
    closedAt: actor.at,
    closedBy: actor.by,
    decision: { paused: true },
  });
  if (!(await setPause(table, task.ref, pause))) {
    await reopenTask(table, task);
    throw new StateConflictError(`Complaint ${task.ref} was paused, or began closing, meanwhile: reload it`);
  }
  const answer = await sendTaskFailure(task.taskToken, PAUSED_ERROR, JSON.stringify({ step: task.step }));
  if (answer === 'gone') {
    // Its deadline passed a moment ago: the ladder has it, and it is not paused.
    await clearPause(table, task.ref, pause.at);
    throw new StateConflictError('The step ran out of time a moment ago and was escalated: it is not paused');
  }
  await appendAuditEvent(table, {
    ref: task.ref,
    at: actor.at,
    ...actorOf(actor),
    action: approval ? 'pause-approval-requested' : 'step-paused',
    details: {
      step: task.step,
      taskId: task.id,
      reason: input.reason,
      ...(input.note ? { note: input.note } : {}),
      ...(pause.until ? { until: pause.until } : {}),
      remainingMinutes: pause.remainingMinutes,
    },
  });
  return {
    ref: task.ref,
    taskId: task.id,
    ...(pause.until ? { until: pause.until } : {}),
    remainingMinutes: pause.remainingMinutes,
    ...(approval ? { approval: 'requested' as const } : {}),
  };
}

/**
 * Resumes a paused step before its date: its paused task is answered, and the workflow reopens
 * the step with the business time it had left (services/workflow-events.ts `step-resumed`).
 */
export async function resumeTask(
  table: string,
  task: StoredTask,
  actor: Signature,
): Promise<{ ref: string; taskId: string }> {
  if (!task.paused || task.status !== 'open') throw new StateConflictError('The step is not paused');
  const record = await getRecord(table, task.ref, { consistent: true });
  if (!record) throw new NotFoundError(`No complaint ${task.ref}`);
  await closeTask(table, task, {
    status: 'completed',
    closedAt: actor.at,
    closedBy: actor.by,
    decision: { action: 'resume' },
  });
  await appendAuditEvent(table, {
    ref: task.ref,
    at: actor.at,
    ...actorOf(actor),
    action: 'resume-requested',
    details: { step: task.step, taskId: task.id },
  });
  try {
    const answer = await sendTaskSuccess(task.taskToken, {
      decision: { action: 'resume' },
      due: dueFor(record, new Date(actor.at)),
    });
    // Its date came meanwhile: the workflow resumed it already.
    if (answer === 'gone') return { ref: task.ref, taskId: task.id };
  } catch (error) {
    await reopenTask(table, task);
    throw error;
  }
  return { ref: task.ref, taskId: task.id };
}
