import { getMailLog } from '#adapters/inbound-mail.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { mayReviewMail } from '#domain/access.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import { parseMailId } from '#domain/mail/intake.ts';
import { mailSummary } from '#domain/mail/review.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `GET /api/mail/{id}`: one received message as the mail log keeps it, for deciding whether to
 * release it: sender, subject, text, HTML sanitised at intake (no scripts, styles or images),
 * attachments described with executables flagged. The raw message stays in S3.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const id = event.pathParameters?.id ?? '';
  const key = parseMailId(id);
  const item = key ? await getMailLog(TABLE_NAME, key.day, key.sesMessageId) : undefined;
  if (!item) throw new NotFoundError(`No message ${id}`);
  if (!mayReviewMail(caller, item.area))
    throw new ForbiddenError(`Mail to ${item.area} is not yours to review`);
  return json(200, {
    ...mailSummary(item),
    ...(typeof item.text === 'string' ? { text: item.text } : {}),
    ...(typeof item.html === 'string' ? { html: item.html } : {}),
    recipients: item.recipients,
    rawMessage: { bytes: item.rawMessage.bytes },
  });
}, apiErrors());
