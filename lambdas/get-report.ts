import * as z from 'zod';
import { getReportItem } from '#adapters/reports.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { mayReadReports } from '#domain/access.ts';
import { fieldErrors, LANGUAGES } from '#domain/complaint.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '#domain/errors.ts';
import { reportView } from '#services/report-view.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const REPORTS_BUCKET = requireEnv('REPORTS_BUCKET');

const Query = z.object({
  lang: z.enum(LANGUAGES, `Choose a language: ${LANGUAGES.join(', ')}`).default('zh-Hant'),
});

/**
 * `GET /api/reports/{id}?lang=zh-Hant`: one report: its state, its figures (`data`), the HTML
 * in the language asked (`html`, self-contained), and short-lived links to the HTML and CSV
 * of every language.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  if (!mayReadReports(caller)) {
    throw new ForbiddenError(`Reports are for customer service and the manager; you are ${caller.role}`);
  }
  const parsed = Query.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const id = event.pathParameters?.id ?? '';
  const item = await getReportItem(TABLE_NAME, id);
  if (!item) throw new NotFoundError(`No report ${id}`);
  return json(200, await reportView(item, REPORTS_BUCKET, { language: parsed.data.lang, withContent: true }));
}, apiErrors());
