import {
  appendAuditEvent,
  appendAuditEventOnce,
  endPause,
  getPartition,
  getRecord,
  updateRecord,
} from '#adapters/complaints.ts';
import { workflowSettings } from '#commons/environment.ts';
import { logger } from '#commons/powertools.ts';
import { type PausableStep, STEPS } from '#config/workflow.ts';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import type { DueTable } from '#domain/deadlines.ts';
import { calendarFor, withWorkWake } from '#domain/deadlines.ts';
import { pausedSeconds } from '#domain/pause.ts';
import { progressFrom, progressWakeAt } from '#domain/progress.ts';
import { ESCALATION_COUNTED, factCause, factsOfOverdue } from '#domain/record-facts.ts';
import type { WorkflowFailure } from '#domain/tasks.ts';
import { closeLateTasks, closeOpenTasks, dueFor } from './steps.ts';

/** What the workflow records between its human steps (statemachine/complaint.asl.json). */
export const WORKFLOW_EVENT_ACTIONS = [
  'work-started',
  'satisfaction-no-answer',
  'step-overdue',
  'escalated',
  'manager-reminded',
  'workflow-error',
  'complaint-ended',
  'step-paused',
  'step-resumed',
  'work-woke',
  'progress-sent',
] as const;
export type WorkflowEventAction = (typeof WORKFLOW_EVENT_ACTIONS)[number];

export interface WorkflowEvent {
  readonly ref: string;
  readonly action: WorkflowEventAction;
  /** The escalation ladder's state: the step that was late, its level, the step that ran out. */
  readonly late?: { step: string; level: string; overdue?: string | null; reason?: string };
  /** A step's failure after its retries (`workflow-error`), as the state machine caught it. */
  readonly failure?: WorkflowFailure;
}

type Audit = (action: string, details: Record<string, unknown>) => Promise<void>;

/**
 * The workflow's own bookkeeping between human steps: what happened (a late step, an
 * escalation, no answer from the owner) goes on the audit trail, any task the workflow no
 * longer waits on is closed, and the next deadlines are computed in business time. Each is
 * written once however often Step Functions retries the step.
 */
/**
 * Why work in progress woke (statemachine/generate.ts *Work woke*): its deadline passed
 * (`late`: up the ladder), a progress notice is due (`progress`: the department's update task),
 * or neither any more (`work`: notices turned off meanwhile; the work task opens again).
 */
export type WorkWoke = 'late' | 'progress' | 'work';

/** What the paused task of a step needs (statemachine/generate.ts `Paused`). */
export interface PausedStep {
  readonly step: PausableStep;
  readonly role: string;
  /** Until the resume date (or the longest pause). */
  readonly seconds: number;
  readonly due: { readonly from: number };
  /** It waits for the supervisor's approval first (statemachine/generate.ts `Approve pause`). */
  readonly approval: boolean;
}

export async function recordWorkflowEvent(
  table: string,
  event: WorkflowEvent,
  now = new Date(),
): Promise<{ due: DueTable; pause?: PausedStep; next?: WorkWoke }> {
  const at = now.toISOString();
  // Strongly read: a pause or an ending was set on the record just before the workflow got here.
  const record = await getRecord(table, event.ref, { consistent: true });
  if (!record) throw new Error(`No complaint ${event.ref}`);
  const audit: Audit = (action, details) =>
    appendAuditEvent(table, { ref: event.ref, at, actor: SYSTEM_ACTOR, role: SYSTEM_ACTOR, action, details });

  switch (event.action) {
    case 'work-started':
      return { due: dueFor(await workStarted(table, record, now, audit), now) };
    case 'work-woke':
      return workWoke(table, record, now);
    case 'progress-sent': {
      const updated = await progressSent(table, record, now);
      const deadline = updated.commitment?.plannedCompletion;
      const late = deadline !== undefined && Date.parse(deadline) <= now.getTime();
      return { due: dueFor(updated, now), next: late ? 'late' : 'work' };
    }
    case 'satisfaction-no-answer':
      await closeOpenTasks(table, event.ref, now);
      await updateRecord(table, event.ref, {
        satisfaction: { rating: 'no-answer', by: SYSTEM_ACTOR, role: SYSTEM_ACTOR, at },
      });
      await audit('satisfaction-no-answer', {});
      break;
    case 'step-overdue':
    case 'manager-reminded':
      await stepOverdue(table, event, record.area, now, audit);
      break;
    case 'escalated':
      await escalated(table, event, record.area, at, audit);
      break;
    case 'step-paused': {
      // The pause service set it and failed the step's token (services/pause-task.ts).
      const pause = record.pause;
      if (!pause) throw new Error(`Complaint ${event.ref} has no pause to record`);
      const from = Math.floor(now.getTime() / 1000) * 1000;
      return {
        due: dueFor(record, now),
        pause: {
          step: pause.step,
          role: STEPS[pause.step].role,
          seconds: pausedSeconds(pause, new Date(from)),
          due: { from },
          approval: pause.approval === 'requested',
        },
      };
    }
    case 'step-resumed':
      return { due: await stepResumed(table, record, now, audit) };
    case 'complaint-ended': {
      // Withdrawn or referred (services/end-complaint.ts): its outcome, and on to the closing note.
      if (!record.ending) throw new Error(`Complaint ${event.ref} has no ending to record`);
      await closeOpenTasks(table, event.ref, now);
      await updateRecord(table, event.ref, { outcome: record.ending.kind, currentStep: 'closing' });
      await appendAuditEventOnce(
        table,
        {
          ref: event.ref,
          at,
          actor: SYSTEM_ACTOR,
          role: SYSTEM_ACTOR,
          action: 'complaint-ended',
          details: { outcome: record.ending.kind },
        },
        `complaint-ended.${record.ending.at}`,
      );
      break;
    }
    case 'workflow-error':
      // Customer service's *Resolve workflow error* task opens next (statemachine/generate.ts).
      await audit('workflow-error', {
        error: event.failure?.error?.Error,
        cause: event.failure?.error?.Cause,
        failedState: event.failure?.state,
        ...(event.failure?.step ? { failedStep: event.failure.step } : {}),
      });
      break;
  }
  return { due: dueFor(record, now) };
}

/**
 * A paused step resumes (its date came, or someone resumed it): the pause goes to the record's
 * past ones with the business minutes it lasted, and the step is due again in the business
 * minutes it had left. Work in progress moves its committed completion there, so the owner,
 * the list and the task tell one deadline. A retry finds the pause ended and repeats the same
 * deadline from the instant it resumed.
 */
async function stepResumed(
  table: string,
  record: ComplaintRecord,
  now: Date,
  audit: Audit,
): Promise<DueTable> {
  const calendar = calendarFor(record.area);
  const ended = record.pause
    ? {
        ...record.pause,
        resumedAt: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString(),
        pausedMinutes: calendar.businessMinutesBetween(new Date(record.pause.at), now),
      }
    : record.pauses?.at(-1);
  if (!ended) throw new Error(`Complaint ${record.ref} has no pause to end`);
  const resumedAt = new Date(ended.resumedAt);
  const dueAt = calendar.addBusinessMinutes(resumedAt, ended.remainingMinutes);
  const workMoved =
    ended.step === 'workInProgress' && record.commitment
      ? { commitment: { ...record.commitment, plannedCompletion: dueAt.toISOString() } }
      : {};
  if (record.pause) {
    if (await endPause(table, record.ref, ended, workMoved)) {
      await audit('step-resumed', {
        step: ended.step,
        pausedMinutes: ended.pausedMinutes,
        dueAt: dueAt.toISOString(),
        ...(workMoved.commitment ? { plannedCompletion: dueAt.toISOString() } : {}),
      });
    }
  }
  // Work resumes with its progress notices counted afresh: the owner was just told of the pause.
  const progress =
    ended.step === 'workInProgress' && record.progress
      ? { progress: progressFrom(record, workflowSettings(), calendar, resumedAt) }
      : {};
  if (progress.progress && progress.progress.nextAt !== record.progress?.nextAt) {
    await updateRecord(table, record.ref, progress);
  }
  const updated = { ...record, ...workMoved, ...progress };
  const due = dueFor(updated, resumedAt);
  return withWorkWake(
    { ...due, [ended.step]: calendar.secondsUntil(resumedAt, dueAt) },
    progressWakeAt(updated),
  );
}

/**
 * Work in progress timed out: at its deadline, or at a progress notice (domain/progress.ts).
 * For a notice the work task is closed (the department's update task opens next); the retried
 * invocation finds the same answer.
 */
async function workWoke(
  table: string,
  record: ComplaintRecord,
  now: Date,
): Promise<{ due: DueTable; next: WorkWoke }> {
  const deadline = record.commitment?.plannedCompletion;
  if (deadline && Date.parse(deadline) <= now.getTime()) return { due: dueFor(record, now), next: 'late' };
  // Either way the work task that woke is done with: a notice's update task, or the work anew.
  await closeOpenTasks(table, record.ref, now, 'cancelled');
  const wakeAt = progressWakeAt(record);
  if (!wakeAt || Date.parse(wakeAt) > now.getTime()) {
    // Turned off while the work waited, or on again with a notice to come (rescheduled): it
    // opens again, due at the same committed completion.
    return { due: dueFor(record, now), next: 'work' };
  }
  const progress = record.progress ?? { notices: 0, updates: [] };
  if (progress.requestedAt !== wakeAt) {
    await updateRecord(table, record.ref, { progress: { ...progress, requestedAt: wakeAt } });
  }
  await appendAuditEventOnce(
    table,
    {
      ref: record.ref,
      at: wakeAt,
      actor: SYSTEM_ACTOR,
      role: SYSTEM_ACTOR,
      action: 'progress-update-requested',
      details: { round: record.progress?.notices ?? 0, department: record.department },
    },
    `progress-update-requested.${wakeAt}`,
  );
  return { due: dueFor(record, now), next: 'progress' };
}

/** The owner's progress notice is out: counted, and the next one planned from now. */
async function progressSent(table: string, record: ComplaintRecord, now: Date): Promise<ComplaintRecord> {
  // The department's update task, if it ran out: nothing more is waited for.
  await closeOpenTasks(table, record.ref, now);
  const current = record.progress ?? { notices: 0, updates: [] };
  // A retry finds the notice counted already: this round's plan stands.
  if (current.requestedAt && current.nextAt && current.nextAt !== current.requestedAt) return record;
  const next = progressFrom(record, workflowSettings(), calendarFor(record.area), now);
  const progress = { ...next, notices: current.notices + 1 };
  await updateRecord(table, record.ref, { progress, currentStep: 'workInProgress' });
  return { ...record, progress };
}

async function workStarted(
  table: string,
  record: ComplaintRecord,
  now: Date,
  audit: Audit,
): Promise<ComplaintRecord> {
  // Reaching here also means the owner's window to object has passed.
  const closed = await closeOpenTasks(table, record.ref, now);
  // Progress notices count from the start of the work (and again after an obstacle is cleared).
  const progress = progressFrom(record, workflowSettings(), calendarFor(record.area), now);
  await updateRecord(table, record.ref, { currentStep: 'workInProgress', progress });
  await audit('work-started', {
    plannedStart: record.commitment?.plannedStart,
    plannedCompletion: record.commitment?.plannedCompletion,
    ...(closed.length ? { ownerWindowClosedWithoutObjection: true } : {}),
    ...(progress.nextAt ? { progressNoticeAt: progress.nextAt } : {}),
  });
  return { ...record, progress };
}

async function stepOverdue(
  table: string,
  event: WorkflowEvent,
  area: string,
  now: Date,
  audit: Audit,
): Promise<void> {
  const { closed, late } = await closeLateTasks(table, event.ref, now, event.late?.overdue);
  // Counted once per late task, however often Step Functions retries this step. (Without a
  // task of the late step, which the workflow does not leave, there is nothing to key by.)
  if (!late) logger.warn('No task of the overdue step', { ref: event.ref, step: event.late?.overdue });
  // A late step goes up the ladder: an escalation. The manager's reminder raises it nowhere
  // (the manager is the top), so it is on the timeline but not counted as one.
  const counted = event.action === 'step-overdue' ? ESCALATION_COUNTED : {};
  await updateRecord(
    table,
    event.ref,
    {},
    { ...factsOfOverdue(event.late?.overdue), ...counted },
    late ? factCause('late', late.id) : undefined,
  );
  // The task that ran out, also when an earlier attempt of this invocation closed it.
  const timedOut = late && late.status !== 'completed' ? [late.id] : [];
  // `level` (a role) in `area`: to whom it went, or who was reminded (Form 17 names them).
  const details = {
    overdueStep: event.late?.overdue,
    lateStep: event.late?.step,
    level: event.late?.level,
    area,
    timedOutTasks: [...new Set([...timedOut, ...closed])],
  };
  if (!late) return audit(event.action, details);
  // Written once per late task however often Step Functions retries this step: dated by the
  // deadline that passed, keyed by the task.
  await appendAuditEventOnce(
    table,
    {
      ref: event.ref,
      at: late.dueAt,
      actor: SYSTEM_ACTOR,
      role: SYSTEM_ACTOR,
      action: event.action,
      details,
    },
    `${event.action}.${late.id}`,
  );
}

async function escalated(
  table: string,
  event: WorkflowEvent,
  area: string,
  at: string,
  audit: Audit,
): Promise<void> {
  // Sent up by the decision just taken (an objection or reopen past the limit, an obstacle
  // not cleared): its task, the newest, is what this is counted and written once for.
  const { tasks } = await getPartition(table, event.ref);
  const decided = tasks.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
  await updateRecord(
    table,
    event.ref,
    {},
    ESCALATION_COUNTED,
    decided ? factCause('sent-up', decided.id) : undefined,
  );
  const details = {
    lateStep: event.late?.step,
    level: event.late?.level,
    area,
    reason: event.late?.reason,
  };
  if (!decided) return audit('escalated', details);
  // Dated by the decision, so every attempt writes the same line: a millisecond after the
  // decision's own line, as lines of the same time would show in the order of their keys.
  const decidedAt = decided.closedAt ? Date.parse(decided.closedAt) : Number.NaN;
  await appendAuditEventOnce(
    table,
    {
      ref: event.ref,
      at: Number.isNaN(decidedAt) ? at : new Date(decidedAt + 1).toISOString(),
      actor: SYSTEM_ACTOR,
      role: SYSTEM_ACTOR,
      action: 'escalated',
      details,
    },
    `escalated.${decided.id}`,
  );
}
