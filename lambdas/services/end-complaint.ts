import { appendAuditEvent, closeTask, getPartition, getRecord, setEnding } from '#adapters/complaints.ts';
import { sendTaskFailure } from '#adapters/workflow.ts';
import { logger } from '#commons/powertools.ts';
import { actorOf } from '#domain/audit.ts';
import type { ComplaintEnding, ComplaintRecord, Signature } from '#domain/complaint.ts';
import { ENDED_ERROR, type EndingInput, endingStateProblem } from '#domain/ending.ts';
import { ConflictError, NotFoundError, StateConflictError } from '#domain/errors.ts';

export interface EndedComplaint {
  readonly ref: string;
  readonly kind: ComplaintEnding['kind'];
  /** The tasks that were waiting and are now cancelled (their ids). */
  readonly tasksEnded: readonly string[];
}

/**
 * Ends an open complaint before its procedure does: withdrawn by the owner, or referred
 * (domain/ending.ts). The ending goes on the record first, conditionally (one ending, and none
 * once the closing note is out), with its audit line; then each waiting task is cancelled and
 * its token failed with `Complaint.Ended`, which the state machine catches at every human step
 * and takes to *Record ending*, the closing note (why it ends), filing and the archive. When no
 * task is waiting (a Lambda step is running), the next task the workflow opens fails the same
 * way at once (services/open-task.ts), so the ending never waits on anyone. Who may end it is
 * the caller's business (domain/ending.ts endingRefusal).
 */
export async function endComplaint(
  table: string,
  record: ComplaintRecord,
  input: EndingInput,
  actor: Signature,
): Promise<EndedComplaint> {
  const ref = record.ref;
  const before = endingStateProblem(record);
  if (before) throw new StateConflictError(before);
  const ending: ComplaintEnding = { ...input, ...signatureOf(actor) } as ComplaintEnding;
  if (!(await setEnding(table, ref, ending))) {
    const now = await getRecord(table, ref, { consistent: true });
    if (!now) throw new NotFoundError(`No complaint ${ref}`);
    throw new StateConflictError(endingStateProblem(now) ?? 'The complaint changed meanwhile: reload it');
  }
  await appendAuditEvent(table, {
    ref,
    at: actor.at,
    ...actorOf(actor),
    action: input.kind === 'withdrawn' ? 'withdrawal-recorded' : 'referral-recorded',
    details:
      input.kind === 'withdrawn'
        ? { how: input.how, reason: input.reason }
        : { referredTo: input.to, reason: input.reason },
  });
  const { tasks } = await getPartition(table, ref, { consistent: true });
  const tasksEnded: string[] = [];
  for (const task of tasks.filter((t) => t.status === 'open')) {
    try {
      await closeTask(table, task, {
        status: 'cancelled',
        closedAt: actor.at,
        closedBy: actor.by,
        decision: { ended: input.kind },
      });
    } catch (error) {
      // Answered meanwhile: the workflow goes on to its next step, whose task ends at once.
      if (error instanceof ConflictError) continue;
      throw error;
    }
    tasksEnded.push(task.id);
    const answer = await sendTaskFailure(task.taskToken, ENDED_ERROR, JSON.stringify({ kind: input.kind }));
    // Timed out meanwhile: the ladder's next task opens and ends at once instead.
    if (answer === 'gone') logger.info('Ended task was no longer awaited', { ref, taskId: task.id });
  }
  return { ref, kind: input.kind, tasksEnded };
}

function signatureOf(actor: Signature): Signature {
  return { by: actor.by, role: actor.role, at: actor.at, ...(actor.name ? { name: actor.name } : {}) };
}
