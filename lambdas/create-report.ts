import * as z from 'zod';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { mayMakeReports } from '#domain/access.ts';
import { ForbiddenError, ValidationError } from '#domain/errors.ts';
import { PeriodError, parsePeriod } from '#domain/report/period.ts';
import { reportConfig } from '#services/report-config.ts';
import { runReport } from '#services/report-run.ts';
import { reportView } from '#services/report-view.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const REPORTS_BUCKET = requireEnv('REPORTS_BUCKET');
const REPORT_RECIPIENTS = requireEnv('REPORT_RECIPIENTS');

const NewReport = z
  .object({
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Give the month as YYYY-MM, e.g. 2026-11')
      .optional(),
    week: z
      .string()
      .regex(/^\d{4}-W\d{2}$/, 'Give the ISO week as YYYY-Www, e.g. 2026-W48')
      .optional(),
  })
  .strict()
  .refine((body) => (body.month === undefined) !== (body.week === undefined), {
    message: 'Give either a month (2026-11) or a week (2026-W48)',
    path: ['month'],
  });

/**
 * `POST /api/reports {"month": "2026-11"}` or `{"week": "2026-W48"}`: customer service (or the
 * manager) makes the period's report now: stored, emailed to the report recipients, answered
 * with its figures' summary and links. A period still running is reported up to now.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  if (!mayMakeReports(caller)) {
    throw new ForbiddenError(`Reports are made by customer service or the manager; you are ${caller.role}`);
  }
  const body = parseBody(event, NewReport);
  const field = body.month ? 'month' : 'week';
  let period: ReturnType<typeof parsePeriod>;
  try {
    period = parsePeriod(body.month ?? body.week ?? '');
  } catch (error) {
    if (error instanceof PeriodError) throw new ValidationError([{ field, message: error.message }]);
    throw error;
  }
  if (Date.parse(period.start) > Date.now()) {
    throw new ValidationError([{ field, message: `${period.key} has not started yet` }]);
  }
  const { item } = await runReport(
    { period, trigger: 'api', requestedBy: caller.username },
    reportConfig(TABLE_NAME, REPORTS_BUCKET, REPORT_RECIPIENTS),
  );
  logger.info('Report made on request', { reportId: item.id, period: period.key });
  metrics.addMetric('ReportsMade', 'Count', 1);
  return json(201, await reportView(item, REPORTS_BUCKET));
}, apiErrors());
