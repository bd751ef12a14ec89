import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SESEvent } from 'aws-lambda';
import { dynamo, s3 } from '#adapters/clients.ts';
import { mailLogPk, mailLogSk } from '#domain/keys.ts';
import { requireEnv } from './commons/config.ts';
import { withPowertools } from './commons/middy.ts';
import { logger, metrics } from './commons/powertools.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const RAW_MAIL_BUCKET = requireEnv('RAW_MAIL_BUCKET');
const RAW_MAIL_PREFIX = process.env.RAW_MAIL_PREFIX ?? 'incoming/';

/**
 * SES receipt rule action: the S3 action has already stored the raw message under
 * `<prefix><SES message id>`; this handler checks it is there and writes its arrival to the
 * mail log staff can see. Parsing, threading and opening the complaint come with the
 * email-intake capability. Only ids, sizes and verdicts are kept here: addresses and
 * subjects are owners' personal data and stay out of logs.
 */
export const handler = withPowertools(async (event: SESEvent) => {
  const results = [];
  for (const record of event.Records) {
    const { mail, receipt } = record.ses;
    const key = `${RAW_MAIL_PREFIX}${mail.messageId}`;
    const head = await s3().send(new HeadObjectCommand({ Bucket: RAW_MAIL_BUCKET, Key: key }));
    const entry = {
      sesMessageId: mail.messageId,
      receivedAt: mail.timestamp,
      rawMessage: { bucket: RAW_MAIL_BUCKET, key, bytes: head.ContentLength ?? 0 },
      verdicts: {
        spam: receipt.spamVerdict.status,
        virus: receipt.virusVerdict.status,
        spf: receipt.spfVerdict.status,
        dkim: receipt.dkimVerdict.status,
      },
      outcome: 'stored',
    };
    // Keyed by the SES message id: a redelivery of the same message overwrites its own line.
    await dynamo().send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: { PK: mailLogPk(mail.timestamp), SK: mailLogSk(mail.messageId), type: 'mail-log', ...entry },
      }),
    );
    logger.info('Raw message stored', { sesMessageId: mail.messageId, key, bytes: entry.rawMessage.bytes });
    metrics.addMetric('MessagesReceived', 'Count', 1);
    results.push(entry);
  }
  return { received: results };
});
