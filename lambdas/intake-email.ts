import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { SESEvent } from 'aws-lambda';
import { s3 } from '#adapters/clients.ts';
import { requireEnv } from './commons/config.ts';
import { withPowertools } from './commons/middy.ts';
import { logger, metrics } from './commons/powertools.ts';

const RAW_MAIL_BUCKET = requireEnv('RAW_MAIL_BUCKET');
const RAW_MAIL_PREFIX = process.env.RAW_MAIL_PREFIX ?? 'incoming/';

/**
 * SES receipt rule action: the S3 action has already stored the raw message under
 * `<prefix><SES message id>`; this handler checks it is there and logs its arrival.
 * Parsing, threading and opening the complaint come with the email-intake capability.
 * Only ids and sizes are logged: addresses and subjects are owners' personal data.
 */
export const handler = withPowertools(async (event: SESEvent) => {
  const results = [];
  for (const record of event.Records) {
    const { mail, receipt } = record.ses;
    const key = `${RAW_MAIL_PREFIX}${mail.messageId}`;
    const head = await s3().send(new HeadObjectCommand({ Bucket: RAW_MAIL_BUCKET, Key: key }));
    logger.info('Raw message stored', {
      sesMessageId: mail.messageId,
      key,
      bytes: head.ContentLength,
      spam: receipt.spamVerdict.status,
      virus: receipt.virusVerdict.status,
    });
    metrics.addMetric('MessagesReceived', 'Count', 1);
    results.push({ sesMessageId: mail.messageId, key, bytes: head.ContentLength ?? 0 });
  }
  return { stored: results };
});
