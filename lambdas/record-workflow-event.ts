import * as z from 'zod';
import { requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { WorkflowFailure } from '#domain/tasks.ts';
import {
  recordWorkflowEvent,
  WORKFLOW_EVENT_ACTIONS,
  type WorkflowEventAction,
} from '#services/workflow-events.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const WorkflowEventInput = z.object({
  ref: z.string().min(1),
  area: z.string().min(1),
  action: z.enum(WORKFLOW_EVENT_ACTIONS),
  late: z
    .object({
      step: z.string(),
      level: z.string(),
      overdue: z.string().nullish(),
      reason: z.string().optional(),
    })
    .optional(),
  failure: WorkflowFailure.optional(),
});

const METRIC: Partial<Record<WorkflowEventAction, string>> = {
  'satisfaction-no-answer': 'SatisfactionNoAnswer',
  'step-overdue': 'StepsOverdue',
  'manager-reminded': 'ManagerReminded',
  'workflow-error': 'WorkflowErrors',
  'complaint-ended': 'ComplaintsEndedEarly',
  'step-paused': 'StepsPausedInWorkflow',
};

/** The workflow's own bookkeeping between human steps (services/workflow-events.ts). */
export const handler = withPowertools(async (event: unknown) => {
  const input = WorkflowEventInput.parse(event);
  const { due, pause, next } = await recordWorkflowEvent(TABLE_NAME, input);
  if (input.action === 'workflow-error') {
    logger.error('Workflow step failed after retries', {
      ref: input.ref,
      state: input.failure?.state,
      error: input.failure?.error?.Error,
    });
  }
  const metric = METRIC[input.action];
  if (metric) metrics.addMetric(metric, 'Count', 1);
  return { due, ...(pause ? { pause } : {}), ...(next ? { next } : {}) };
});
