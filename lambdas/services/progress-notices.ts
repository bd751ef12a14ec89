import {
  appendAuditEvent,
  closeTask,
  getPartition,
  reopenTask,
  switchProgressNotices,
} from '#adapters/complaints.ts';
import { sendTaskFailure } from '#adapters/workflow.ts';
import { workflowSettings } from '#commons/environment.ts';
import { RESCHEDULED_ERROR } from '#config/workflow.ts';
import { actorOf } from '#domain/audit.ts';
import type { ComplaintRecord, Signature } from '#domain/complaint.ts';
import { calendarFor } from '#domain/deadlines.ts';
import { ConflictError, StateConflictError } from '#domain/errors.ts';
import {
  nextProgressAt,
  type ProgressNoticesInput,
  progressEveryDays,
  progressSwitchProblem,
} from '#domain/progress.ts';

export interface ProgressNoticesSwitched {
  readonly ref: string;
  readonly off: boolean;
  /** The next notice, when they are on and work is in progress. */
  readonly nextAt?: string;
}

/**
 * The supervisor turns a complaint's progress notices off (with why) or on again
 * (domain/progress.ts). Off: the waiting work wakes at its deadline only (a wake already set
 * finds them off and goes back to waiting). On while work is in progress: the next notice is
 * planned from now and the waiting work task is cancelled and its token failed with
 * `Complaint.Rescheduled`, so the workflow opens it again, waking then. Who may is the
 * caller's business (access.ts progressNoticesRefusal).
 */
export async function switchNotices(
  table: string,
  record: ComplaintRecord,
  input: ProgressNoticesInput,
  actor: Signature,
): Promise<ProgressNoticesSwitched> {
  const problem = progressSwitchProblem(record, input);
  if (problem) throw new StateConflictError(problem);
  const { tasks } = await getPartition(table, record.ref, { consistent: true });
  const work = tasks.find((task) => task.status === 'open' && task.step === 'workInProgress' && !task.paused);
  const nextAt =
    !input.off && work && record.progress
      ? nextProgressAt(
          calendarFor(record.area),
          new Date(actor.at),
          progressEveryDays(workflowSettings(), record.category),
        )
      : undefined;
  const off = input.off ? { ...actor, reason: input.reason } : undefined;
  if (!(await switchProgressNotices(table, record.ref, off, nextAt))) {
    throw new StateConflictError('The complaint changed meanwhile: reload it');
  }
  await appendAuditEvent(table, {
    ref: record.ref,
    at: actor.at,
    ...actorOf(actor),
    action: input.off ? 'progress-notices-off' : 'progress-notices-on',
    details: input.off ? { reason: input.reason } : nextAt ? { nextAt } : {},
  });
  if (work && nextAt) {
    // The waiting work wakes at its deadline: it opens again to wake at the notice. Whoever
    // closes the task first wins it (the department reporting done at that moment keeps it).
    const closed = await closeTask(table, work, {
      status: 'cancelled',
      closedAt: actor.at,
      closedBy: actor.by,
      decision: { rescheduled: true },
    })
      .then(() => true)
      .catch((error: unknown) => {
        // Completed or paused a moment ago: nothing waits to be rescheduled.
        if (error instanceof ConflictError) return false;
        throw error;
      });
    if (closed) {
      // Gone: it timed out meanwhile, and the workflow has moved on (waking finds the plan).
      await sendTaskFailure(work.taskToken, RESCHEDULED_ERROR, '{}').catch(async (error) => {
        await reopenTask(table, work);
        throw error;
      });
    }
  }
  return { ref: record.ref, off: input.off, ...(nextAt ? { nextAt } : {}) };
}
