import * as z from 'zod';
import { listReportItems } from '#adapters/reports.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseQuery } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { reportReadRefusal } from '#domain/access.ts';
import { ForbiddenError } from '#domain/errors.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  /** The `next` of the previous page. */
  before: z
    .string()
    .regex(/^\d{8}T\d{9}Z-[\dW-]+$/, 'Use the next of the previous page')
    .optional(),
});

/** `GET /api/reports`: past reports, newest first, with their headline figures. */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const refusal = reportReadRefusal(caller);
  if (refusal) throw new ForbiddenError(refusal);
  const query = parseQuery(event, Query);
  const page = await listReportItems(TABLE_NAME, {
    limit: query.limit,
    ...(query.before ? { before: query.before } : {}),
  });
  return json(200, { reports: page.items, ...(page.next ? { next: page.next } : {}) });
}, apiErrors());
