import type { z } from 'zod';
import {
  appendAuditEventOnce,
  claimCallAttempt,
  getEvents,
  getRecord,
  getRecords,
  getTask,
} from '#adapters/complaints.ts';
import type { WorkflowSettings } from '#config/workflow.ts';
import { mayActOnTask, maySeeArea } from '#domain/access.ts';
import {
  type CallAttempt,
  type CallInput,
  callAsked,
  callEvent,
  callsOf,
  readCall,
  unanswered,
  unreachedTooSoon,
} from '#domain/calls.ts';
import type { Signature } from '#domain/complaint.ts';
import { applyDecision, type UnreachedDecision } from '#domain/decisions.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  StateConflictError,
  ValidationError,
} from '#domain/errors.ts';
import { CALL_LIMITS } from '#domain/fields.ts';
import { refOfTaskId } from '#domain/keys.ts';
import type { StaffMember } from '#domain/staff.ts';
import type { StoredTask } from '#domain/tasks.ts';
import { type CompletedTask, completeTask } from './record-decision.ts';

/** A task by id (404 if none), with its department: one stored before tasks named it takes the record's. */
export async function taskWithDepartment(table: string, taskId: string): Promise<StoredTask> {
  const ref = refOfTaskId(taskId);
  const task = ref ? await getTask(table, ref, taskId) : undefined;
  if (!task) throw new NotFoundError(`No task ${taskId}`);
  if (task.role !== 'department' || task.department) return task;
  const department = (await getRecord(table, task.ref))?.department;
  return department ? { ...task, department } : task;
}

/**
 * The task a staff member answers (a decision, a call): it exists, and it is their role's, in
 * an area they act for. 404 and 403 otherwise, saying which.
 */
export async function taskToAnswer(table: string, caller: StaffMember, taskId: string): Promise<StoredTask> {
  const task = await taskWithDepartment(table, taskId);
  const named = task;
  if (!mayActOnTask(caller, named)) {
    throw new ForbiddenError(
      caller.role !== task.role
        ? `This step is for the ${task.role} role; you are signed in as ${caller.role}`
        : !maySeeArea(caller, task.area)
          ? `This task belongs to ${task.area}; you act for ${caller.area}`
          : `This task is the ${named.department ?? 'unnamed'} department's; you work in ${caller.department ?? 'none'}`,
    );
  }
  return named;
}

/**
 * The tasks with the department each department step is for. Tasks stored before they carried
 * it (a deployed table's open ones) take it from their complaint's record, in one batch read.
 */
export async function withTheirDepartments(
  table: string,
  tasks: readonly StoredTask[],
): Promise<StoredTask[]> {
  const unnamed = tasks
    .filter((task) => task.role === 'department' && !task.department)
    .map((task) => task.ref);
  if (unnamed.length === 0) return [...tasks];
  const departments = new Map((await getRecords(table, unnamed)).map((r) => [r.ref, r.department]));
  return tasks.map((task) => {
    const department = task.role === 'department' && !task.department ? departments.get(task.ref) : undefined;
    return department ? { ...task, department } : task;
  });
}

export interface LoggedCall {
  readonly call: CallAttempt;
  /** A reached call's completion of its step. */
  readonly completed?: CompletedTask;
}

/**
 * Logs one call to the owner on a task whose step asks for one (procedure steps 1, 2, 5, 8).
 * Everything that can be refused is checked first — the step, the time, a reached call's
 * decision as its step would take it — so a call is never left behind by a request that then
 * fails its checks (a corrected resend would log it twice). Then the attempt is numbered on
 * the task (atomically: a closed task, or one with its calls, takes none), its line written to
 * the timeline, and a reached call completes the step with its decision.
 */
export async function logCall(
  table: string,
  task: StoredTask,
  input: CallInput,
  actor: Signature,
  settings: WorkflowSettings,
): Promise<LoggedCall> {
  const record = await getRecord(table, task.ref);
  if (!record) throw new NotFoundError(`No complaint ${task.ref}`);
  const asked = callAsked(task.step, record.owner);
  if (!asked.asked) throw new ValidationError([{ field: 'task', message: asked.why }]);
  const now = new Date(actor.at);
  const call = readCall(task.step, input, task, now);
  if (call.completion !== undefined) {
    const effect = applyDecision(task.step, call.completion, {
      record,
      actor,
      now,
      settings,
      ...(task.late?.step ? { lateStep: task.late.step } : {}),
    });
    if (effect.errors.length) {
      throw new ValidationError(effect.errors.map((e) => ({ ...e, field: `decision.${e.field}` })));
    }
  }

  const claim = await claimCallAttempt(table, task, CALL_LIMITS.perTask);
  if ('refused' in claim) {
    throw new StateConflictError(
      claim.refused === 'closed'
        ? `The task is already ${claim.status ?? 'closed'}: it takes no more calls`
        : `${CALL_LIMITS.perTask} calls are logged on this task, the most it takes: record the step's outcome`,
    );
  }
  const event = callEvent(task.ref, task, call, claim.attempt, actor);
  // Keyed by its number, which is this request's alone.
  await appendAuditEventOnce(table, event, `call.${task.id}.${claim.attempt}`);
  const [logged] = callsOf([event]);
  if (!logged) throw new Error('The call just logged did not read back');
  if (call.completion === undefined) return { call: logged };

  // The step's own line a moment after the call's, so the timeline reads call, then decision.
  const decidedBy = { ...actor, at: new Date(now.getTime() + 1).toISOString() };
  try {
    return { call: logged, completed: await completeTask(table, task, call.completion, decidedBy) };
  } catch (error) {
    if (error instanceof ConflictError || error instanceof StateConflictError) {
      throw new StateConflictError(
        `The call is logged (attempt ${claim.attempt}), but the step was not completed from it: ${error.message}`,
      );
    }
    throw error;
  }
}

/**
 * Completes a call step with its "no answer" (the unreached outcome), once the configured
 * number of calls went unanswered; a 409 says how many are logged before then.
 */
export async function completeUnreached(
  table: string,
  task: StoredTask,
  input: z.infer<typeof UnreachedDecision>,
  actor: Signature,
  settings: WorkflowSettings,
): Promise<CompletedTask> {
  const record = await getRecord(table, task.ref);
  if (!record) throw new NotFoundError(`No complaint ${task.ref}`);
  const asked = callAsked(task.step, record.owner);
  if (!asked.asked) {
    throw new ValidationError([{ field: 'outcome', message: `${asked.why}: it has no unreached outcome` }]);
  }
  const calls = callsOf(await getEvents(table, task.ref, { consistent: true }), task.id);
  const tooSoon = unreachedTooSoon(calls, settings.callAttempts);
  if (tooSoon) throw new StateConflictError(tooSoon);
  return completeTask(table, task, { ...input, unansweredCalls: unanswered(calls) }, actor);
}
