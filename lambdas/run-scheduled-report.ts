import { requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { metrics } from '#commons/powertools.ts';
import { lastCompletePeriod, parsePeriod } from '#domain/report/period.ts';
import { reportConfig } from '#services/report-config.ts';
import { reportId, runReport } from '#services/report-run.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const REPORTS_BUCKET = requireEnv('REPORTS_BUCKET');
const REPORT_RECIPIENTS = requireEnv('REPORT_RECIPIENTS');

/**
 * What EventBridge Scheduler sends (lib/constructs/reports.ts), and the local stack's timer:
 * the kind of report and the schedule's own time (`<aws.scheduler.scheduled-time>`), which
 * names the report, so a repeated delivery of the same run finds it made and does nothing.
 * `period` reports that period instead of the last complete one (re-running a missed schedule).
 * Checked by hand: this function stays small enough to report a month within 256 MB.
 */
export interface ScheduledReport {
  readonly kind: 'month' | 'week';
  readonly scheduledTime?: string;
  readonly period?: string;
}

export function scheduledReport(event: unknown): ScheduledReport {
  const input = (event ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (input.kind !== 'month' && input.kind !== 'week') problems.push(`kind must be month or week`);
  const time = input.scheduledTime;
  if (time !== undefined && (typeof time !== 'string' || Number.isNaN(Date.parse(time)))) {
    problems.push('scheduledTime must be an ISO date and time');
  }
  if (input.period !== undefined && typeof input.period !== 'string') problems.push('period must be text');
  if (problems.length) throw new Error(`Not a scheduled report: ${problems.join('; ')}`);
  return {
    kind: input.kind as 'month' | 'week',
    ...(typeof time === 'string' ? { scheduledTime: time } : {}),
    ...(typeof input.period === 'string' ? { period: input.period } : {}),
  };
}

/** Procedure step 10 on schedule: the last complete month (or week) is reported and emailed. */
export const handler = withPowertools(async (event: unknown) => {
  const input = scheduledReport(event);
  const at = input.scheduledTime ? new Date(input.scheduledTime) : new Date();
  const period = input.period ? parsePeriod(input.period) : lastCompletePeriod(input.kind, at);
  const { item, created } = await runReport(
    { period, trigger: 'schedule', id: reportId(at, period.key) },
    reportConfig(TABLE_NAME, REPORTS_BUCKET, REPORT_RECIPIENTS),
  );
  if (created) metrics.addMetric('ReportsMade', 'Count', 1);
  return { id: item.id, period: item.period, status: item.status, created };
});
