import { hasMarker, markOnce, putCorrespondence } from '#adapters/complaints.ts';
import { putSentMessageLink } from '#adapters/inbound-mail.ts';
import { sendMail } from '#adapters/mail.ts';
import type { MailContent } from '#domain/emails.ts';
import { newMessageId } from '#domain/mime.ts';
import { mailFrom, messageIdDomain } from '../commons/settings.ts';

export interface SendOnceInput {
  readonly table: string;
  readonly ref: string;
  /** What makes this email unique for the complaint, e.g. `owner:plan:1`. */
  readonly key: string;
  readonly to: readonly string[];
  readonly content: MailContent;
  readonly kind: string;
  readonly audience: 'owner' | 'staff' | 'department';
  readonly replyTo?: string;
}

/**
 * Sends an email unless this complaint already sent it under the same key, and files it on
 * the complaint's correspondence. A retry after a failure sends it then; a retry after success
 * does not send it again (at least once, and in practice once).
 */
export async function sendOnce(input: SendOnceInput): Promise<{ sent: boolean; messageId?: string }> {
  if (await hasMarker(input.table, input.ref, `mail:${input.key}`)) return { sent: false };
  const messageId = newMessageId(input.ref, messageIdDomain());
  const sesMessageId = await sendMail({
    from: mailFrom(),
    to: input.to,
    ...input.content,
    messageId,
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
  });
  await Promise.all([
    markOnce(input.table, input.ref, `mail:${input.key}`, { messageId }),
    // SES replaces our Message-ID with <SES message id>@…amazonses.com, which replies then name
    // in In-Reply-To: email intake finds the complaint through this link.
    putSentMessageLink(input.table, { sesMessageId, ref: input.ref }),
  ]);
  await putCorrespondence(input.table, input.ref, {
    id: messageId,
    at: new Date().toISOString(),
    direction: 'out',
    audience: input.audience,
    kind: input.kind,
    to: [...input.to],
    subject: input.content.subject,
    messageId,
    sesMessageId,
  });
  return { sent: true, messageId };
}
