import type { SESEvent } from 'aws-lambda';
import type { OpenMailbox } from '#adapters/mailbox.ts';
import { sesRecordForMailbox } from '#domain/mail/mailbox.ts';

/**
 * Intake from the company's own mailbox, where SES does not receive mail (AWS China), as
 * Zammad and osTicket take it: each poll reads the messages waiting in the folder, oldest
 * first, and for each one stores the raw message where the SES receipt rule would, hands the
 * intake function the event SES would have sent (lambdas/domain/mail/mailbox.ts), and only
 * then moves the message out of the folder. Intake (lambdas/services/intake-mail.ts) parses
 * it and defends against duplicates exactly as for SES mail.
 *
 * Nothing is lost and nothing doubles: a message leaves the folder only once Lambda has
 * accepted its event (from there its retries and dead-letter queue keep it); a crash before
 * that leaves it in the folder, and the next poll hands it over again under the same id (a
 * digest of its bytes), which intake takes for a retry of the first delivery, not a new
 * message; the same message delivered twice (another UID, a copy in the folder) has the same
 * Message-ID, which intake claims once.
 */
export interface MailboxPollDeps {
  readonly openMailbox: () => Promise<OpenMailbox>;
  /** Stores the raw message under the key (the raw-mail bucket, `<prefix><id>`). */
  readonly storeRaw: (key: string, raw: Buffer) => Promise<void>;
  /** Invokes the intake function asynchronously with the event; resolves once accepted. */
  readonly handOff: (event: SESEvent) => Promise<void>;
  readonly rawMailPrefix: string;
  readonly intakeAddresses: readonly string[];
  /** The authserv-id of the company's mail server, whose Authentication-Results are believed. */
  readonly trustedAuthServId?: string;
  /** The intake function's ARN, as the event names it. */
  readonly intakeFunctionArn: string;
  /** Messages taken per poll at most. @default 50 */
  readonly batchSize?: number;
  /** Milliseconds the poll may still run; no message is begun with less than `reserveMs` left. */
  readonly timeLeftMs?: () => number;
  /** @default 30_000 */
  readonly reserveMs?: number;
}

export interface MailboxPollResult {
  /** Ids (as intake logs them) of the messages handed over and moved out of the folder. */
  readonly handedOver: readonly string[];
  /** UIDs of messages that failed; they stay in the folder for the next poll. */
  readonly failed: readonly number[];
  /** Whether messages were left for the next poll (the batch or the time ran out). */
  readonly more: boolean;
}

export async function pollMailbox(deps: MailboxPollDeps): Promise<MailboxPollResult> {
  const batchSize = deps.batchSize ?? 50;
  const reserveMs = deps.reserveMs ?? 30_000;
  const mailbox = await deps.openMailbox();
  const handedOver: string[] = [];
  const failed: number[] = [];
  let more = false;
  try {
    // One more than the batch, to know whether any are left over.
    const uids = await mailbox.pending(batchSize + 1);
    more = uids.length > batchSize;
    for (const uid of uids.slice(0, batchSize)) {
      if (deps.timeLeftMs && deps.timeLeftMs() < reserveMs) {
        more = true;
        break;
      }
      try {
        const message = await mailbox.read(uid);
        if (!message) continue;
        const record = sesRecordForMailbox({
          raw: message.raw,
          receivedAt: message.receivedAt,
          intakeAddresses: deps.intakeAddresses,
          ...(deps.trustedAuthServId ? { trustedAuthServId: deps.trustedAuthServId } : {}),
          functionArn: deps.intakeFunctionArn,
        });
        const id = record.ses.mail.messageId;
        await deps.storeRaw(`${deps.rawMailPrefix}${id}`, message.raw);
        await deps.handOff({ Records: [record] });
        // Only now: intake has it. A failure to move only means the next poll hands it over
        // again, which intake takes for a retry of this delivery.
        await mailbox.markDone(uid);
        handedOver.push(id);
      } catch {
        // The others still go through; this one waits in the folder and the poll reports it.
        failed.push(uid);
      }
    }
  } finally {
    await mailbox.close();
  }
  return { handedOver, failed, more };
}
