import { requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { trainTriage } from '#services/triage.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * What EventBridge Scheduler sends (lib/constructs/triage-training.ts) and the local scheduler:
 * the schedule's own time, which is the run's clock (the months it reads end with its month).
 */
export interface TrainTriageEvent {
  readonly scheduledTime?: string;
}

export function trainTriageEventOf(event: unknown): TrainTriageEvent {
  const time = ((event ?? {}) as Record<string, unknown>).scheduledTime;
  if (time !== undefined && (typeof time !== 'string' || Number.isNaN(Date.parse(time)))) {
    throw new Error('Not a training run: scheduledTime must be an ISO date and time');
  }
  return typeof time === 'string' ? { scheduledTime: time } : {};
}

/** Daily: retrains the category and department suggestion on the signed reviews (services/triage.ts). */
export const handler = withPowertools(async (event: unknown) => {
  const input = trainTriageEventOf(event);
  const run = await trainTriage(TABLE_NAME, input.scheduledTime ? new Date(input.scheduledTime) : new Date());
  metrics.addMetric('TriageTrainingExamples', 'Count', run.examples);
  // Counts only: no complaint's words.
  logger.info('Triage model trained', { ...run });
  return run;
});
