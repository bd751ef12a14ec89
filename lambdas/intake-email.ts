import type { SESEvent } from 'aws-lambda';
import { intakeSettings, requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { TABLE } from '#config/table.ts';
import { type IntakeDeps, receiveMessage } from '#services/intake-mail.ts';

const DEPS: IntakeDeps = {
  table: requireEnv('TABLE_NAME'),
  stateMachineArn: requireEnv('STATE_MACHINE_ARN'),
  rawMailBucket: requireEnv('RAW_MAIL_BUCKET'),
  rawMailPrefix: requireEnv('RAW_MAIL_PREFIX'),
  attachmentsBucket: requireEnv('ATTACHMENTS_BUCKET'),
  ownerContactIndex: TABLE.index.complaintsByOwnerContact.name,
  settings: intakeSettings(),
};

/**
 * SES receipt rule action: the S3 action has stored the raw message under
 * `<prefix><SES message id>`; this handler reads it and decides what it is — a new complaint
 * (acknowledged by the workflow), a reply on an existing one, an automatic message that is
 * never answered, a duplicate, a flood held for staff, or spam/virus/unreadable mail put in
 * quarantine — and writes that to the mail log. A failure is retried by Lambda (twice) and then
 * dead-lettered; every step is keyed by the message, so a retry never doubles anything. Logs
 * carry ids, outcomes and sizes only: addresses, names, subjects and bodies are personal data.
 */
export const handler = withPowertools(async (event: SESEvent) => {
  const results = [];
  for (const record of event.Records) {
    const result = await receiveMessage(DEPS, record);
    logger.info('Mail received', {
      sesMessageId: result.sesMessageId,
      outcome: result.outcome,
      ...(result.reason ? { reason: result.reason } : {}),
      ...(result.ref ? { ref: result.ref } : {}),
      bytes: result.bytes,
    });
    metrics.addMetric('MessagesReceived', 'Count', 1);
    if (result.outcome === 'complaint-opened') metrics.addMetric('ComplaintsReceived', 'Count', 1);
    if (result.outcome === 'held' || result.outcome === 'quarantined')
      metrics.addMetric('MailHeld', 'Count', 1);
    results.push(result);
  }
  return { received: results };
});
