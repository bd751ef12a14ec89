import * as z from 'zod';
import { getReportItem } from '#adapters/reports.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseQuery } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { reportReadRefusal } from '#domain/access.ts';
import { LANGUAGES } from '#domain/complaint.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
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
  const refusal = reportReadRefusal(caller);
  if (refusal) throw new ForbiddenError(refusal);
  const query = parseQuery(event, Query);
  const id = event.pathParameters?.id ?? '';
  const item = await getReportItem(TABLE_NAME, id);
  if (!item) throw new NotFoundError(`No report ${id}`);
  return json(200, await reportView(item, REPORTS_BUCKET, { language: query.lang, withContent: true }));
}, apiErrors());
