import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SESEvent } from 'aws-lambda';
import type { MailboxConfig } from '#adapters/mailbox.ts';
import type { MailboxPollResult } from '#services/mailbox-poll.ts';

/**
 * The mailbox poller, locally: what the poll-mailbox function does on its schedule on AWS
 * (lambdas/services/mailbox-poll.ts, the same code), against any IMAP server (a test's
 * dovecot on loopback, or the company's), with the local S3 and the intake handler invoked in
 * process. Polls never overlap, as the function's reserved concurrency of one keeps them.
 */
export interface LocalMailboxOptions extends MailboxConfig {
  /** The mail server's authserv-id whose Authentication-Results are believed. @default - none */
  readonly authServId?: string;
  /** Polls on a timer this often; tests call `pollNow()` instead. @default - no timer */
  readonly pollMs?: number;
}

export interface LocalMailboxPoller {
  /** One poll now (after the one running, if any). */
  pollNow(): Promise<MailboxPollResult>;
  stop(): Promise<void>;
}

export function startLocalMailboxPoller(options: {
  readonly mailbox: LocalMailboxOptions;
  readonly s3: S3Client;
  readonly rawMailBucket: string;
  readonly rawMailPrefix: string;
  readonly intakeAddresses: readonly string[];
  readonly invokeIntake: (event: SESEvent) => Promise<unknown>;
  readonly intakeFunctionArn: string;
  readonly log: (line: string) => void;
}): LocalMailboxPoller {
  const { mailbox } = options;
  let running: Promise<MailboxPollResult> | undefined;
  let stopped = false;
  const poll = async (): Promise<MailboxPollResult> => {
    // Loaded on the first poll: a local stack without a mailbox never loads the IMAP client.
    const [{ openMailbox }, { pollMailbox }] = await Promise.all([
      import('#adapters/mailbox.ts'),
      import('#services/mailbox-poll.ts'),
    ]);
    const result = await pollMailbox({
      openMailbox: () => openMailbox(mailbox),
      storeRaw: async (key, raw) => {
        await options.s3.send(
          new PutObjectCommand({
            Bucket: options.rawMailBucket,
            Key: key,
            Body: raw,
            ContentType: 'message/rfc822',
          }),
        );
      },
      handOff: async (event) => {
        await options.invokeIntake(event);
      },
      rawMailPrefix: options.rawMailPrefix,
      intakeAddresses: options.intakeAddresses,
      ...(mailbox.authServId ? { trustedAuthServId: mailbox.authServId } : {}),
      intakeFunctionArn: options.intakeFunctionArn,
    });
    if (result.handedOver.length || result.failed.length) {
      options.log(
        `Mailbox: ${result.handedOver.length} message(s) taken in${result.failed.length ? `, ${result.failed.length} failed (left in the mailbox)` : ''}`,
      );
    }
    return result;
  };
  const pollNow = () => {
    const next = (running ?? Promise.resolve()).catch(() => undefined).then(poll);
    running = next;
    return next;
  };
  const timer = mailbox.pollMs
    ? setInterval(() => {
        if (!stopped)
          pollNow().catch((error: Error) => options.log(`Mailbox: poll failed: ${error.message}`));
      }, mailbox.pollMs)
    : undefined;
  return {
    pollNow,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
