import { setTimeout as sleep } from 'node:timers/promises';
import { putItems } from '#adapters/clients.ts';
import { sentMailItem } from '#adapters/complaints.ts';
import { putSentMessageLink, sentMessageLinkItem } from '#adapters/inbound-mail.ts';
import { sendMail } from '#adapters/mail.ts';
import { mailFrom, messageIdDomain } from '#commons/environment.ts';
import type { MailContent } from '#domain/emails.ts';
import { newMessageId } from '#domain/mime.ts';

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
  /**
   * The complaint's emails sent once (getPartition's `sentMail`), as the caller read them
   * strongly in this invocation: the email's earlier sending is looked for there, at no extra read.
   */
  readonly sentMail: readonly Record<string, unknown>[];
  /**
   * Items to file with the email's correspondence line when this call sends it (its audit
   * event), in the same request; `at` is when it was sent. Not written when an earlier attempt
   * sent it: the caller then writes them as it would have (conditionally).
   */
  readonly alsoOnceSent?: (at: string) => readonly Record<string, unknown>[];
}

export interface SendOnceResult {
  /** Sent by this call. */
  readonly sent: boolean;
  /** Sent by an earlier attempt (a retried invocation): not sent again. */
  readonly alreadySent: boolean;
  readonly messageId?: string;
  /** When it was sent (by this call or the earlier one). */
  readonly at?: string;
}

/**
 * Waits between attempts at writing the sent-marker once SES accepted the email (each attempt
 * with the SDK's own retries): about 16 s in all, so a throttling spell of the table does not
 * turn into a second email, and well inside the functions' 30 s.
 */
export const MARKER_RETRY_WAITS_MS = [200, 400, 800, 1_600, 3_200, 5_000, 5_000];

/**
 * Sends an email unless this complaint already sent it under the same key, and files it on
 * the complaint's correspondence. A retry after a failure sends it then; a retry after success
 * does not send it again, and files what the earlier attempt may not have filed.
 *
 * The correspondence line, written once SES accepted the email, is what stops a second send
 * (its key is the email's: lambdas/domain/keys.ts sentMailSk), so it is written with retries
 * of its own: an email cannot be unsent. What remains is a crash between SES accepting and
 * that line (or SES accepting and its answer being lost, which SES, with no idempotency token,
 * cannot tell apart from a failure): then the retry sends it a second time. At least once, and
 * in practice once.
 */
export async function sendOnce(input: SendOnceInput): Promise<SendOnceResult> {
  const earlier = input.sentMail.find((mail) => mail.onceKey === input.key);
  if (earlier) {
    const messageId = String(earlier.messageId ?? '');
    const sesMessageId = typeof earlier.sesMessageId === 'string' ? earlier.sesMessageId : '';
    await linkForReplies(input, sesMessageId);
    return {
      sent: false,
      alreadySent: true,
      ...(messageId ? { messageId } : {}),
      at: String(earlier.at),
    };
  }
  const messageId = newMessageId(input.ref, messageIdDomain());
  const sesMessageId = await sendMail({
    from: mailFrom(),
    to: input.to,
    ...input.content,
    messageId,
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
  });
  const at = new Date().toISOString();
  const line = {
    id: messageId,
    at,
    direction: 'out',
    audience: input.audience,
    kind: input.kind,
    to: [...input.to],
    subject: input.content.subject,
    messageId,
    sesMessageId,
  };
  // The line, the reply link and the caller's items, in one request. Unconditional: a line
  // under this key written before would have been found in the sent mail (read strongly
  // before sending), and every attempt of this loop writes the same items.
  const items = [
    sentMailItem(input.ref, input.key, line),
    ...(input.audience === 'owner' && sesMessageId
      ? [sentMessageLinkItem({ sesMessageId, ref: input.ref })]
      : []),
    ...(input.alsoOnceSent?.(at) ?? []),
  ];
  for (const wait of [...MARKER_RETRY_WAITS_MS, undefined]) {
    try {
      await putItems(input.table, items);
      break;
    } catch (error) {
      if (wait === undefined) throw error;
      await sleep(wait);
    }
  }
  return { sent: true, alreadySent: false, messageId, at };
}

/**
 * SES replaces our Message-ID with <SES message id>@…amazonses.com, which replies then name in
 * In-Reply-To: email intake finds the complaint through this link. Owners' emails only: every
 * subject carries `[ref]`, which threads a reply first; the link is for the owner whose mail
 * client loses it. Staff and departments reply from the app, or keep the subject.
 */
async function linkForReplies(input: SendOnceInput, sesMessageId: string): Promise<void> {
  if (input.audience !== 'owner' || !sesMessageId) return;
  await putSentMessageLink(input.table, { sesMessageId, ref: input.ref });
}
