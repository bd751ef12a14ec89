import {
  appendAuditEvent,
  closeTask,
  getRecord,
  markTaskTimedOut,
  reopenTask,
  updateRecord,
} from '#adapters/complaints.ts';
import { sendTaskSuccess, type TaskAnswerResult } from '#adapters/workflow.ts';
import { workflowSettings } from '#commons/environment.ts';
import { logger } from '#commons/powertools.ts';
import { actorOf } from '#domain/audit.ts';
import type { Signature } from '#domain/complaint.ts';
import { applyDecision } from '#domain/decisions.ts';
import { NotFoundError, StateConflictError, ValidationError } from '#domain/errors.ts';
import { factCause, factsOfCompletion } from '#domain/record-facts.ts';
import type { StoredTask } from '#domain/tasks.ts';
import { indexRelated } from './related-complaints.ts';
import { dueFor } from './steps.ts';

export interface CompletedTask {
  readonly ref: string;
  readonly taskId: string;
  readonly step: StoredTask['step'];
  readonly decision: { action?: string; rating?: string; limitReached?: boolean };
}

/**
 * Records a human step's decision and moves the workflow on: the record's Form 17 fields, the
 * audit line (the signature), then `SendTaskSuccess`. `input` must already have passed the
 * step's schema (DECISION_SCHEMAS); who may answer is the caller's business (staff: role and
 * area; an owner: their single-use link). A task answered twice yields one winner and a 409
 * (ConflictError) for the other; an answer after the deadline is a StateConflictError.
 */
export async function completeTask(
  table: string,
  task: StoredTask,
  input: unknown,
  actor: Signature,
  now = new Date(actor.at),
): Promise<CompletedTask> {
  const ref = task.ref;
  const record = await getRecord(table, ref);
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  const effect = applyDecision(task.step, input, {
    record,
    actor,
    now,
    settings: workflowSettings(),
    ...(task.late?.step ? { lateStep: task.late.step } : {}),
    ...(task.failure ? { failure: task.failure } : {}),
  });
  if (effect.errors.length) throw new ValidationError(effect.errors);

  // The conditional close makes this the one answer to the task: a second gets 409 here.
  await closeTask(table, task, {
    status: 'completed',
    closedAt: actor.at,
    closedBy: actor.by,
    decision: input,
  });
  // Once per task: a task put back after the workflow missed its answer, and answered again,
  // is still one deadline met or missed (its later answer's fields replace the first's).
  await updateRecord(
    table,
    ref,
    effect.fields,
    factsOfCompletion(task, input, effect.decision, actor),
    factCause('answered', task.id),
  );
  await appendAuditEvent(table, {
    ref,
    at: actor.at,
    ...actorOf(actor),
    action: effect.audit.action,
    details: { ...effect.audit.details, step: task.step, taskId: task.id },
  });
  const updated = { ...record, ...effect.fields };
  const output = { decision: effect.decision, due: dueFor(updated, now) };
  let answer: TaskAnswerResult;
  try {
    answer = await sendTaskSuccess(task.taskToken, output);
  } catch (error) {
    // The workflow did not get it: put the task back so it can be answered again.
    await reopenTask(table, task);
    throw error;
  }
  // The supervisor gave the complaint its category (or another): its repeats and cluster are
  // those of the category now. After the workflow has its answer, so that nothing here can keep
  // a decided step from moving on; a failure is logged (the review's lists are read live).
  if (updated.registerUnit && updated.category !== record.category) {
    await indexRelated(table, updated, workflowSettings().related, {
      actor: { by: actor.by, role: actor.role },
    }).catch((error: unknown) =>
      logger.error('Related complaints not indexed after the decision', {
        ref,
        error: (error as Error).name,
      }),
    );
  }
  if (answer === 'gone') {
    // The deadline passed while this was being answered: the ladder already has it.
    await markTaskTimedOut(table, task);
    await appendAuditEvent(table, {
      ref,
      at: new Date().toISOString(),
      ...actorOf(actor),
      action: 'answer-too-late',
      details: { step: task.step, taskId: task.id },
    });
    throw new StateConflictError('The step timed out and was escalated before this answer arrived');
  }
  return { ref, taskId: task.id, step: task.step, decision: effect.decision };
}
