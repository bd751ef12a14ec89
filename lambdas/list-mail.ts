import * as z from 'zod';
import { mailForReview, mailOfDayPage } from '#adapters/inbound-mail.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { AREAS } from '#config/areas.ts';
import { TABLE } from '#config/table.ts';
import { isMailReviewer, MAIL_REVIEW_ROLES, mayReviewMail } from '#domain/access.ts';
import { fieldErrors } from '#domain/complaint.ts';
import { decodeCursor, encodeCursor } from '#domain/cursor.ts';
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
  /** Opaque (#domain/cursor.ts): where the previous page of the day ended. */
  nextToken: z.string().optional(),
});

/** Where a page of a day's log ended: the day and the last SES message id read. */
const DayPosition = z.object({ day: z.iso.date(), after: z.string().min(1).max(500) }).strict();
const CURSOR_KIND = 'mail-day';

/**
 * `GET /api/mail?status=held|quarantined`: messages waiting for staff review in the caller's
 * area (customer service: every area), newest first. `GET /api/mail?day=YYYY-MM-DD`: that day's
 * mail log, every message and what became of it (auto-replies, bounces, duplicates included),
 * a page of `limit` at a time: pages follow the log's order (by SES message id), each page
 * newest first, and `nextToken` goes on where the page ended (a day can hold thousands).
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  if (!isMailReviewer(caller)) {
    throw new ForbiddenError(`Received mail is reviewed by ${MAIL_REVIEW_ROLES.join(', ')}`);
  }
  const parsed = Query.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const query = parsed.data;
  if (query.nextToken && !query.day) {
    throw new ValidationError([
      { field: 'nextToken', message: 'Only a day’s mail log comes in pages: give its day too' },
    ]);
  }
  const position = query.nextToken ? decodeCursor(CURSOR_KIND, query.nextToken, DayPosition) : undefined;
  if (position && position.day !== query.day) {
    throw new ValidationError([
      { field: 'nextToken', message: `This nextToken pages ${position.day}, not ${query.day}` },
    ]);
  }
  const areas = AREAS.map((a) => a.id).filter((area) => mayReviewMail(caller, area));
  if (query.day) {
    const day = query.day;
    const page = await mailOfDayPage(TABLE_NAME, day, {
      limit: query.limit,
      ...(position ? { after: position.after } : {}),
      keep: (item) => areas.includes(item.area),
    });
    const items = page.items.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
    return json(200, {
      items: items.map((item) => mailSummary(item)),
      ...(page.next ? { nextToken: encodeCursor(CURSOR_KIND, { day, after: page.next }) } : {}),
    });
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
