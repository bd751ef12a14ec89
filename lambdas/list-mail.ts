import * as z from 'zod';
import { mailForReview, mailOfDay } from '#adapters/inbound-mail.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { AREAS } from '#config/areas.ts';
import { TABLE } from '#config/table.ts';
import { isMailReviewer, MAIL_REVIEW_ROLES, mayReviewMail } from '#domain/access.ts';
import { fieldErrors } from '#domain/complaint.ts';
import { ForbiddenError, ValidationError } from '#domain/errors.ts';
import { REVIEW_STATUSES } from '#domain/mail/intake.ts';
import { mailSummary } from '#domain/mail/review.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
/** Held and quarantined mail is on the open-tasks index while it waits, like a task. */
const REVIEW_INDEX = TABLE.index.openTasksByRoleArea.name;

const Query = z.object({
  status: z.enum(REVIEW_STATUSES, { error: `Choose a status: ${REVIEW_STATUSES.join(' or ')}` }).optional(),
  day: z.iso.date({ error: 'Give the day as YYYY-MM-DD' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * `GET /api/mail?status=held|quarantined`: messages waiting for staff review in the caller's
 * area (customer service: every area), newest first. `GET /api/mail?day=YYYY-MM-DD`: that day's
 * mail log, every message and what became of it (auto-replies, bounces, duplicates included).
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  if (!isMailReviewer(caller)) {
    throw new ForbiddenError(`Received mail is reviewed by ${MAIL_REVIEW_ROLES.join(', ')}`);
  }
  const parsed = Query.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const query = parsed.data;
  const areas = AREAS.map((a) => a.id).filter((area) => mayReviewMail(caller, area));
  if (query.day) {
    const items = (await mailOfDay(TABLE_NAME, query.day))
      .filter((item) => areas.includes(item.area))
      .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))
      .slice(0, query.limit);
    return json(200, { items: items.map((item) => mailSummary(item)) });
  }
  const status = query.status ?? 'held';
  const items = (
    await Promise.all(areas.map((area) => mailForReview(TABLE_NAME, REVIEW_INDEX, status, area, query.limit)))
  )
    .flat()
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))
    .slice(0, query.limit);
  return json(200, { items: items.map((item) => mailSummary(item)) });
}, apiErrors());
