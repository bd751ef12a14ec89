import { createHash } from 'node:crypto';
import * as z from 'zod';
import { OWNER_MESSAGE_LIMITS } from './fields.ts';
import { lazily } from './lazy.ts';
import { groupedDigits, textString } from './text.ts';

/**
 * An email staff write to the owner from the complaint page (`POST /api/complaints/{ref}/messages`).
 * The client names each message it sends (`submissionId`, one per draft in the web app): sending
 * it again — a double click, a retry after a lost answer — is answered with the message already
 * sent, and nothing is sent twice.
 */
export const OwnerMessageInput = lazily(() =>
  z.object({
    subject: textString({ error: 'Send the subject as text' })
      .refine((subject) => !/[\r\n]/.test(subject), 'Write the subject on one line')
      .transform((subject) => subject.trim())
      .refine(
        (subject) => [...subject].length <= OWNER_MESSAGE_LIMITS.subject,
        `Keep the subject under ${OWNER_MESSAGE_LIMITS.subject} characters`,
      )
      .optional(),
    text: textString({ error: 'Write the message to the owner' })
      .transform((text) => text.replace(/\r\n?/g, '\n').trim())
      .refine((text) => text.length > 0, 'Write the message to the owner')
      .refine(
        (text) => [...text].length <= OWNER_MESSAGE_LIMITS.text,
        `Keep the message under ${groupedDigits(OWNER_MESSAGE_LIMITS.text)} characters`,
      ),
    submissionId: z
      .string({
        error: 'Give this message an id (a UUID will do), so that sending it again sends nothing twice',
      })
      .regex(/^[A-Za-z0-9_-]{8,100}$/, 'Use 8 to 100 letters, digits, - or _ (a UUID will do)'),
  }),
);
export type OwnerMessageInput = z.infer<typeof OwnerMessageInput>;

/** What makes two sendings the same message: the complaint and the words (not the id itself). */
export function ownerMessageFingerprint(ref: string, input: Pick<OwnerMessageInput, 'subject' | 'text'>) {
  return createHash('sha256')
    .update(JSON.stringify([ref, input.subject ?? '', input.text]))
    .digest('base64url');
}

/**
 * The claim of one submission, taken before the email is sent (a conditional put: the first
 * request wins), so two requests with the same id cannot both send it.
 * - `sending`: the request that claimed it is sending it now (or died doing so);
 * - `sent`: SES took it, and it is on the correspondence (`line`);
 * - `failed`: SES refused it: nothing went out, and a retry may send it.
 */
export interface OwnerMessageClaim {
  readonly ref: string;
  readonly by: string;
  readonly submissionId: string;
  readonly fingerprint: string;
  readonly status: 'sending' | 'sent' | 'failed';
  /** When the current attempt claimed it. */
  readonly claimedAt: string;
  /** Our Message-ID, chosen with the claim: a resend after a lost answer carries the same one. */
  readonly messageId: string;
  /** The correspondence line, once sent. */
  readonly line?: Record<string, unknown>;
}

/**
 * An attempt that has not finished in this long is over: functions time out after 30 s (the
 * API's own limit), so it died between claiming and recording, and a retry may send.
 */
export const STALE_CLAIM_MS = 2 * 60_000;

export type ClaimDecision =
  /** Answer with the message sent already. */
  | { readonly action: 'replay' }
  /** Take the claim over (conditional on it being as read) and send. */
  | { readonly action: 'retake' }
  /** Another request is sending it now: wait for it. */
  | { readonly action: 'wait' }
  /** The id was used for other words: refuse (409). */
  | { readonly action: 'refuse'; readonly message: string };

/** What a request does that finds its submission claimed already. */
export function decideOnClaim(claim: OwnerMessageClaim, fingerprint: string, now: Date): ClaimDecision {
  // Nothing went out on a failed attempt: the words may have been corrected since.
  if (claim.status === 'failed') return { action: 'retake' };
  if (claim.fingerprint !== fingerprint) {
    return {
      action: 'refuse',
      message:
        claim.status === 'sent'
          ? 'This message was already sent to the owner with other words: see the correspondence, and write a new message for anything to add'
          : 'This message is being sent with other words: reload the complaint in a moment and check the correspondence',
    };
  }
  if (claim.status === 'sent') return { action: 'replay' };
  return now.getTime() - Date.parse(claim.claimedAt) > STALE_CLAIM_MS
    ? { action: 'retake' }
    : { action: 'wait' };
}
