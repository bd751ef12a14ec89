import { setTimeout as sleep } from 'node:timers/promises';
import { getMarker, markOnce, putCorrespondence } from '#adapters/complaints.ts';
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
const MARKER_RETRY_WAITS_MS = [200, 400, 800, 1_600, 3_200, 5_000, 5_000];

/**
 * Sends an email unless this complaint already sent it under the same key, and files it on
 * the complaint's correspondence. A retry after a failure sends it then; a retry after success
 * does not send it again, and files what the earlier attempt may not have filed.
 *
 * The marker written after SES accepted the email is what stops a second send, so it is
 * written with retries of its own: an email cannot be unsent. What remains is a crash between
 * SES accepting and the marker (or SES accepting and its answer being lost, which SES, with no
 * idempotency token, cannot tell apart from a failure): then the retry sends it a second time.
 * At least once, and in practice once.
 */
export async function sendOnce(input: SendOnceInput): Promise<SendOnceResult> {
  const markerKey = `mail:${input.key}`;
  const earlier = await getMarker(input.table, input.ref, markerKey);
  if (earlier) {
    const sent = {
      messageId: String(earlier.messageId ?? ''),
      sesMessageId: typeof earlier.sesMessageId === 'string' ? earlier.sesMessageId : '',
      at: String(earlier.at),
    };
    if (sent.messageId) await file(input, sent);
    return {
      sent: false,
      alreadySent: true,
      ...(sent.messageId ? { messageId: sent.messageId } : {}),
      at: sent.at,
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
  for (const wait of [...MARKER_RETRY_WAITS_MS, undefined]) {
    try {
      await markOnce(input.table, input.ref, markerKey, { messageId, sesMessageId, at });
      break;
    } catch (error) {
      if (wait === undefined) throw error;
      await sleep(wait);
    }
  }
  await file(input, { messageId, sesMessageId, at });
  return { sent: true, alreadySent: false, messageId, at };
}

/** Files a sent email: its correspondence line and its threading link, both keyed by the email. */
async function file(input: SendOnceInput, sent: { messageId: string; sesMessageId: string; at: string }) {
  await Promise.all([
    // SES replaces our Message-ID with <SES message id>@…amazonses.com, which replies then name
    // in In-Reply-To: email intake finds the complaint through this link.
    putSentMessageLink(input.table, { sesMessageId: sent.sesMessageId, ref: input.ref }),
    putCorrespondence(input.table, input.ref, {
      id: sent.messageId,
      at: sent.at,
      direction: 'out',
      audience: input.audience,
      kind: input.kind,
      to: [...input.to],
      subject: input.content.subject,
      messageId: sent.messageId,
      sesMessageId: sent.sesMessageId,
    }),
  ]);
}
