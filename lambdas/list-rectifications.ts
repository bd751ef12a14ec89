import * as z from 'zod';
import { listRectificationItems } from '#adapters/reports.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { mayListRectification, mayReadRectification } from '#domain/access.ts';
import { fieldErrors } from '#domain/complaint.ts';
import { ForbiddenError, ValidationError } from '#domain/errors.ts';
import { RECTIFICATION_STATUSES } from '#domain/report/rectification.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const Query = z.object({
  status: z
    .enum([...RECTIFICATION_STATUSES, 'open'] as const, {
      error: `Choose a status: open, ${RECTIFICATION_STATUSES.join(', ')}`,
    })
    .optional(),
  area: z.string().optional(),
});

/**
 * `GET /api/rectifications?status=open&area=`: the rectification plan's items, most urgent
 * first (open before closed, then by due date). Customer service and the manager see every
 * area; an area's supervisor sees their own.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  if (!mayListRectification(caller)) {
    throw new ForbiddenError(`Rectification items are for customer service, the manager and supervisors`);
  }
  const parsed = Query.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const { status, area } = parsed.data;
  const open = ['draft', 'approved', 'in-progress'];
  const items = (await listRectificationItems(TABLE_NAME))
    .filter((item) => mayReadRectification(caller, item))
    .filter((item) => !area || item.subject.area === area)
    .filter((item) => !status || (status === 'open' ? open.includes(item.status) : item.status === status))
    .sort(
      (a, b) =>
        Number(!open.includes(a.status)) - Number(!open.includes(b.status)) ||
        a.dueDate.localeCompare(b.dueDate) ||
        a.id.localeCompare(b.id),
    );
  return json(200, { items });
}, apiErrors());
