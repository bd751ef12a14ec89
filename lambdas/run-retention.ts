import { requireEnv, workflowSettings } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { runRetention } from '#services/retention-run.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const RAW_MAIL_BUCKET = requireEnv('RAW_MAIL_BUCKET');
const ATTACHMENTS_BUCKET = requireEnv('ATTACHMENTS_BUCKET');

/**
 * What EventBridge Scheduler sends (lib/constructs/retention.ts), the local scheduler and
 * `npm run retention`: the schedule's own time (`<aws.scheduler.scheduled-time>`), which is the
 * run's clock, so a delivery repeated hours later erases what the first would have; `dryRun`
 * lists what would be erased and changes nothing.
 */
export interface RetentionEvent {
  readonly scheduledTime?: string;
  readonly dryRun?: boolean;
}

export function retentionEventOf(event: unknown): RetentionEvent {
  const input = (event ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  const time = input.scheduledTime;
  if (time !== undefined && (typeof time !== 'string' || Number.isNaN(Date.parse(time)))) {
    problems.push('scheduledTime must be an ISO date and time');
  }
  if (input.dryRun !== undefined && typeof input.dryRun !== 'boolean')
    problems.push('dryRun must be true or false');
  if (problems.length) throw new Error(`Not a retention run: ${problems.join('; ')}`);
  return {
    ...(typeof time === 'string' ? { scheduledTime: time } : {}),
    ...(input.dryRun === true ? { dryRun: true } : {}),
  };
}

/** Daily: erases the owners' personal data of complaints past the retention (domain/retention.ts). */
export const handler = withPowertools(async (event: unknown) => {
  const input = retentionEventOf(event);
  const run = await runRetention(
    {
      table: TABLE_NAME,
      rawMailBucket: RAW_MAIL_BUCKET,
      attachmentsBucket: ATTACHMENTS_BUCKET,
      years: workflowSettings().retentionYears,
    },
    { now: input.scheduledTime ? new Date(input.scheduledTime) : new Date(), dryRun: input.dryRun === true },
  );
  const erased = run.due.filter((line) => line.erased).length;
  if (!run.dryRun) metrics.addMetric('ComplaintsErased', 'Count', erased);
  // References and counts only: nothing personal.
  logger.info('Retention run', {
    dryRun: run.dryRun,
    cutoff: run.cutoff,
    due: run.due.length,
    erased,
    kept: run.kept,
    monthsRead: run.monthsRead,
    incomplete: run.incomplete,
  });
  return run;
});
