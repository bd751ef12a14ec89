import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { putItems } from '#adapters/clients.ts';
import { auditEventItem, correspondenceItem } from '#adapters/complaints.ts';
import { lastOwnerMessage } from '#adapters/correspondence.ts';
import { sentMessageLinkItem } from '#adapters/inbound-mail.ts';
import { sendMail } from '#adapters/mail.ts';
import {
  claimOwnerMessage,
  getOwnerMessageClaim,
  releaseOwnerMessage,
  retakeOwnerMessage,
  sentOwnerMessageItem,
} from '#adapters/owner-messages.ts';
import { mailFrom, messageIdDomain } from '#commons/environment.ts';
import type { AuditEvent } from '#domain/audit.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { fitMailLine, listLineOf, previewOf } from '#domain/correspondence.ts';
import { ownerMessageMail } from '#domain/emails.ts';
import { StateConflictError } from '#domain/errors.ts';
import { newMessageId } from '#domain/mime.ts';
import {
  decideOnClaim,
  type OwnerMessageClaim,
  type OwnerMessageInput,
  ownerMessageFingerprint,
} from '#domain/owner-message.ts';
import type { StaffMember } from '#domain/staff.ts';
import { MARKER_RETRY_WAITS_MS } from './send-once.ts';

/** The correspondence line's `kind` of an email staff wrote to the owner. */
export const OWNER_MESSAGE_KIND = 'staff-message';
/** Its timeline line. */
export const OWNER_MESSAGE_ACTION = 'owner-message-sent';

/** How long a request waits for another one sending the same submission, polling its claim. */
const WAIT_FOR_OTHER_MS = [200, 300, 500, 750, 1_000, 1_500, 2_000, 2_000];

export interface SentOwnerMessage {
  /** The message's line on the correspondence (without its text), as the list shows it. */
  readonly line: Record<string, unknown>;
  /** Sent by this request (false: an earlier request with the same id sent it). */
  readonly sent: boolean;
  /** It answers the owner's last email (In-Reply-To / References). */
  readonly threaded: boolean;
}

/**
 * Emails the owner what staff wrote on the complaint page, once per submission, and files it:
 * on the correspondence (with its text, as sent), and on the timeline signed by the writer.
 *
 * The submission is claimed before anything is sent (a conditional put): of two requests with
 * the same id — a double click, a retry — one sends, and the other answers with what it sent
 * (waiting for it a few seconds if it is still sending). The email answers the owner's last
 * email (In-Reply-To, References) and carries our reference in its subject, so the owner's
 * reply threads back to the complaint as email intake threads every reply: by the subject's
 * `[ref]`, by our Message-ID, or by the one SES gives the email (the reply link filed with it).
 *
 * As with sendOnce, what remains is a crash between SES taking the email and its line being
 * written: a retry after STALE_CLAIM_MS sends it again (with the same Message-ID). At least
 * once, and in practice once.
 */
export async function sendOwnerMessage(
  table: string,
  record: ComplaintRecord,
  input: OwnerMessageInput,
  staff: Pick<StaffMember, 'username' | 'role' | 'name'>,
): Promise<SentOwnerMessage> {
  const { ref } = record;
  if (record.status === 'closed' || record.currentStep === 'filed') {
    throw new StateConflictError(
      `Complaint ${ref} is closed and filed: nothing more is sent to the owner from it`,
    );
  }
  const to = record.owner.email;
  if (!to) {
    throw new StateConflictError(
      'The owner has no email address on record: phone the owner instead (or correct the record first)',
    );
  }
  const fingerprint = ownerMessageFingerprint(ref, input);
  const key = { ref, by: staff.username, submissionId: input.submissionId };
  const claim = await claimToSend(table, {
    ...key,
    fingerprint,
    status: 'sending',
    claimedAt: new Date().toISOString(),
    messageId: newMessageId(ref, messageIdDomain()),
  });
  if ('replay' in claim) return claim.replay;

  const answered = await lastOwnerMessage(table, ref);
  const inReplyTo = answered?.messageId && isHeaderSafe(answered.messageId) ? answered.messageId : undefined;
  const content = ownerMessageMail({ record, subject: input.subject ?? '', text: input.text });
  let sesMessageId: string;
  try {
    sesMessageId = await sendMail({
      from: mailFrom(),
      to: [to],
      replyTo: mailFrom(),
      ...content,
      messageId: claim.messageId,
      ...(inReplyTo ? { inReplyTo } : {}),
      automatic: false,
    });
  } catch (error) {
    // Nothing went out: the claim is let go, so the same submission can be sent again.
    await releaseOwnerMessage(table, claim);
    // SES's own message may name the address (MessageRejected: "… failed the check: <address>"),
    // and the API logs what it throws: only the error's name goes on.
    throw new Error(`SES did not take the email to the owner of ${ref} (${(error as Error).name})`);
  }
  const at = new Date().toISOString();
  const id = `out.${randomUUID()}`;
  const stored = fitMailLine({
    id,
    at,
    direction: 'out',
    audience: 'owner',
    kind: OWNER_MESSAGE_KIND,
    to: [to],
    subject: content.subject,
    messageId: claim.messageId,
    sesMessageId,
    ...(inReplyTo ? { inReplyTo } : {}),
    sentBy: { by: staff.username, role: staff.role, ...(staff.name ? { name: staff.name } : {}) },
    // With sentBy.by, the key of the claim (which keeps a copy of the line): retention erases both.
    submissionId: input.submissionId,
    // What the owner reads (the frame and the words), and the words alone as the line's preview.
    text: content.text,
    preview: previewOf(input.text),
  });
  const line = listLineOf(stored, `${at}#${id}`);
  const event: AuditEvent = {
    ref,
    at,
    actor: staff.username,
    role: staff.role,
    ...(staff.name ? { actorName: staff.name } : {}),
    action: OWNER_MESSAGE_ACTION,
    details: {
      subject: content.subject,
      excerpt: previewOf(input.text),
      key: line.key,
      ...(inReplyTo ? { threaded: true } : {}),
    },
  };
  // The line, the reply link (SES's Message-ID of it), the timeline line and the claim marked
  // sent, in one request, each keyed by this sending: an email cannot be unsent, so they are
  // written with retries, as sendOnce writes its marker.
  const items = [
    correspondenceItem(ref, stored),
    ...(sesMessageId ? [sentMessageLinkItem({ sesMessageId, ref })] : []),
    auditEventItem(event, id),
    sentOwnerMessageItem({ ...claim, line }),
  ];
  for (const wait of [...MARKER_RETRY_WAITS_MS, undefined]) {
    try {
      await putItems(table, items);
      break;
    } catch (error) {
      if (wait === undefined) throw error;
      await sleep(wait);
    }
  }
  return { line, sent: true, threaded: Boolean(inReplyTo) };
}

/**
 * This request's claim on the submission, to send under; or the answer of the request that
 * sent it (`replay`). A submission another request is sending now is waited for.
 */
async function claimToSend(
  table: string,
  wanted: OwnerMessageClaim,
): Promise<OwnerMessageClaim | { replay: SentOwnerMessage }> {
  const first = await claimOwnerMessage(table, wanted);
  if (first.claimed) return wanted;
  let existing: OwnerMessageClaim | undefined = first.existing;
  for (const wait of [...WAIT_FOR_OTHER_MS, undefined]) {
    if (!existing) throw new Error(`The claim of message ${wanted.submissionId} vanished`);
    const decision = decideOnClaim(existing, wanted.fingerprint, new Date());
    if (decision.action === 'refuse') throw new StateConflictError(decision.message);
    if (decision.action === 'replay') {
      const line = existing.line ?? {};
      return { replay: { line, sent: false, threaded: typeof line.inReplyTo === 'string' } };
    }
    if (decision.action === 'retake') {
      const claimedAt = new Date().toISOString();
      if (await retakeOwnerMessage(table, existing, { fingerprint: wanted.fingerprint, claimedAt })) {
        // Its Message-ID stays: a resend after a lost answer is the same message to the owner's client.
        return { ...existing, fingerprint: wanted.fingerprint, status: 'sending', claimedAt };
      }
    } else if (wait === undefined) break;
    else await sleep(wait);
    existing = await getOwnerMessageClaim(table, wanted);
  }
  throw new StateConflictError(
    'This message is still being sent: reload the complaint in a moment and check the correspondence',
  );
}

/** A Message-ID we may write into a header: no line break, no angle bracket, printable ASCII. */
function isHeaderSafe(messageId: string): boolean {
  return /^[\x21-\x3b\x3d\x3f-\x7e]{1,250}$/.test(messageId);
}
