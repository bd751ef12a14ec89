import type { Context } from 'aws-lambda';
import { handOffToIntake, putRawMessage } from '#adapters/mail-transport.ts';
import { openMailbox } from '#adapters/mailbox.ts';
import { credentials } from '#adapters/secrets.ts';
import { optionalEnv, requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger } from '#commons/powertools.ts';
import { pollMailbox } from '#services/mailbox-poll.ts';

const MAILBOX_URL = requireEnv('MAILBOX_URL');
const MAILBOX_SECRET = requireEnv('MAILBOX_SECRET');
const MAILBOX_FOLDER = optionalEnv('MAILBOX_FOLDER');
const MAILBOX_DONE_FOLDER = optionalEnv('MAILBOX_DONE_FOLDER');
const MAILBOX_AUTHSERV_ID = optionalEnv('MAILBOX_AUTHSERV_ID');
const INTAKE_ADDRESSES = requireEnv('INTAKE_ADDRESSES').split(',');
const RAW_MAIL_BUCKET = requireEnv('RAW_MAIL_BUCKET');
const RAW_MAIL_PREFIX = requireEnv('RAW_MAIL_PREFIX');
const INTAKE_FUNCTION = requireEnv('INTAKE_FUNCTION');

/**
 * On a schedule (every minute, one at a time), where SES does not receive mail: takes what
 * waits in the company's mailbox and hands each message to intake-email as SES would
 * (lambdas/services/mailbox-poll.ts). A message that could not be handed over stays in the
 * mailbox and the poll fails, so the function's error alarm says so; the next poll tries again.
 * Logs carry ids and counts only.
 */
export const handler = withPowertools(async (_event: unknown, context: Context) => {
  const login = await credentials(MAILBOX_SECRET);
  const result = await pollMailbox({
    openMailbox: () =>
      openMailbox({
        url: MAILBOX_URL,
        ...login,
        ...(MAILBOX_FOLDER ? { folder: MAILBOX_FOLDER } : {}),
        ...(MAILBOX_DONE_FOLDER ? { doneFolder: MAILBOX_DONE_FOLDER } : {}),
      }),
    storeRaw: (key, raw) => putRawMessage({ bucket: RAW_MAIL_BUCKET, key }, raw),
    handOff: (event) => handOffToIntake(INTAKE_FUNCTION, event),
    rawMailPrefix: RAW_MAIL_PREFIX,
    intakeAddresses: INTAKE_ADDRESSES,
    ...(MAILBOX_AUTHSERV_ID ? { trustedAuthServId: MAILBOX_AUTHSERV_ID } : {}),
    intakeFunctionArn: INTAKE_FUNCTION,
    timeLeftMs: () => context.getRemainingTimeInMillis(),
  });
  logger.info('Mailbox polled', {
    handedOver: result.handedOver.length,
    ids: result.handedOver,
    failed: result.failed.length,
    more: result.more,
  });
  if (result.failed.length > 0) {
    throw new Error(
      `${result.failed.length} message(s) could not be handed to intake (UIDs ${result.failed.join(', ')}); they stay in the mailbox for the next poll`,
    );
  }
  return { handedOver: result.handedOver.length, more: result.more };
});
