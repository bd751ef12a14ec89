import * as z from 'zod';
import {
  appendAuditEvent,
  appendAuditEventOnce,
  getPartition,
  getRecord,
  updateRecord,
} from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import { ESCALATION_COUNTED, factCause, factsOfOverdue } from '#domain/record-facts.ts';
import { closeLateTasks, closeOpenTasks, dueFor } from '#services/steps.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const Late = z.object({
  step: z.string(),
  level: z.string(),
  overdue: z.string().nullish(),
  reason: z.string().optional(),
});

const DeadlineInput = z.object({
  ref: z.string().min(1),
  area: z.string().min(1),
  action: z.enum([
    'work-started',
    'satisfaction-no-answer',
    'step-overdue',
    'escalated',
    'manager-reminded',
    'workflow-error',
  ]),
  late: Late.optional(),
  failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});

/**
 * The workflow's own bookkeeping between human steps: what happened (a late step, an
 * escalation, no answer from the owner) goes on the audit trail, any task the workflow no
 * longer waits on is closed, and the next deadlines are computed in business time.
 */
export const handler = withPowertools(async (event: unknown) => {
  const input = DeadlineInput.parse(event);
  const now = new Date();
  const at = now.toISOString();
  const record = await getRecord(TABLE_NAME, input.ref);
  if (!record) throw new Error(`No complaint ${input.ref}`);
  const audit = (action: string, details: Record<string, unknown>) =>
    appendAuditEvent(TABLE_NAME, {
      ref: input.ref,
      at,
      actor: SYSTEM_ACTOR,
      role: SYSTEM_ACTOR,
      action,
      details,
    });

  switch (input.action) {
    case 'work-started': {
      // Reaching here also means the owner's window to object has passed.
      const closed = await closeOpenTasks(TABLE_NAME, input.ref, now);
      await updateRecord(TABLE_NAME, input.ref, { currentStep: 'workInProgress' });
      await audit('work-started', {
        plannedCompletion: record.commitment?.plannedCompletion,
        ...(closed.length ? { ownerWindowClosedWithoutObjection: true } : {}),
      });
      break;
    }
    case 'satisfaction-no-answer': {
      await closeOpenTasks(TABLE_NAME, input.ref, now);
      await updateRecord(TABLE_NAME, input.ref, {
        satisfaction: { rating: 'no-answer', by: SYSTEM_ACTOR, role: SYSTEM_ACTOR, at },
      });
      await audit('satisfaction-no-answer', {});
      metrics.addMetric('SatisfactionNoAnswer', 'Count', 1);
      break;
    }
    case 'step-overdue':
    case 'manager-reminded': {
      const { closed, late } = await closeLateTasks(TABLE_NAME, input.ref, now, input.late?.overdue);
      // Counted once per late task, however often Step Functions retries this step. (Without a
      // task of the late step, which the workflow does not leave, there is nothing to key by.)
      if (!late) logger.warn('No task of the overdue step', { ref: input.ref, step: input.late?.overdue });
      await updateRecord(
        TABLE_NAME,
        input.ref,
        {},
        { ...factsOfOverdue(input.late?.overdue), ...ESCALATION_COUNTED },
        late ? factCause('late', late.id) : undefined,
      );
      // The task that ran out, also when an earlier attempt of this invocation closed it.
      const timedOut = late && late.status !== 'completed' ? [late.id] : [];
      const details = {
        overdueStep: input.late?.overdue,
        lateStep: input.late?.step,
        level: input.late?.level,
        timedOutTasks: [...new Set([...timedOut, ...closed])],
      };
      // Written once per late task however often Step Functions retries this step: dated by the
      // deadline that passed, keyed by the task.
      if (late) {
        await appendAuditEventOnce(
          TABLE_NAME,
          {
            ref: input.ref,
            at: late.dueAt,
            actor: SYSTEM_ACTOR,
            role: SYSTEM_ACTOR,
            action: input.action,
            details,
          },
          `${input.action}.${late.id}`,
        );
      } else {
        await audit(input.action, details);
      }
      metrics.addMetric(input.action === 'manager-reminded' ? 'ManagerReminded' : 'StepsOverdue', 'Count', 1);
      break;
    }
    case 'escalated': {
      // Sent up by the decision just taken (an objection or reopen past the limit, an obstacle
      // not cleared): its task, the newest, is what this is counted and written once for.
      const { tasks } = await getPartition(TABLE_NAME, input.ref);
      const decided = tasks.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
      await updateRecord(
        TABLE_NAME,
        input.ref,
        {},
        ESCALATION_COUNTED,
        decided ? factCause('sent-up', decided.id) : undefined,
      );
      const details = { lateStep: input.late?.step, level: input.late?.level, reason: input.late?.reason };
      if (decided) {
        // Dated by the decision, so every attempt writes the same line: a millisecond after the
        // decision's own line, as lines of the same time would show in the order of their keys.
        const decidedAt = decided.closedAt ? Date.parse(decided.closedAt) : Number.NaN;
        await appendAuditEventOnce(
          TABLE_NAME,
          {
            ref: input.ref,
            at: Number.isNaN(decidedAt) ? at : new Date(decidedAt + 1).toISOString(),
            actor: SYSTEM_ACTOR,
            role: SYSTEM_ACTOR,
            action: 'escalated',
            details,
          },
          `escalated.${decided.id}`,
        );
      } else {
        await audit('escalated', details);
      }
      break;
    }
    case 'workflow-error': {
      await audit('workflow-error', { error: input.failure?.Error, cause: input.failure?.Cause });
      logger.error('Workflow step failed after retries', { ref: input.ref, error: input.failure?.Error });
      metrics.addMetric('WorkflowErrors', 'Count', 1);
      break;
    }
  }
  return { due: dueFor(record, now) };
});
