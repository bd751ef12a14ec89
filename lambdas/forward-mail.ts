import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { copyRawMessage, handOffToIntake } from '#adapters/mail-transport.ts';
import { optionalEnv, requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger } from '#commons/powertools.ts';
import { forwardReceivedMail, readNotification } from '#services/mail-forwarding.ts';

const RAW_MAIL_BUCKET = requireEnv('RAW_MAIL_BUCKET');
const RAW_MAIL_PREFIX = requireEnv('RAW_MAIL_PREFIX');
const RAW_MAIL_REGION = optionalEnv('RAW_MAIL_REGION');
const INTAKE_FUNCTION = requireEnv('INTAKE_FUNCTION');

/**
 * In the SES receiving region, from the queue of SES's notifications: forwards each received
 * message to the home region's intake (lambdas/services/mail-forwarding.ts). A message that
 * fails is reported back to the queue alone (partial batch response) and comes again after its
 * visibility timeout; after the queue's receive limit it waits in the dead-letter queue, whose
 * alarm calls ops, and the raw message waits in the intake bucket.
 */
export const handler = withPowertools(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const notification = readNotification(record.body);
      if (notification === 'setup') continue;
      const sesMessageId = await forwardReceivedMail(
        {
          copy: copyRawMessage,
          handOff: (intakeEvent) => handOffToIntake(INTAKE_FUNCTION, intakeEvent),
          rawMailBucket: RAW_MAIL_BUCKET,
          rawMailPrefix: RAW_MAIL_PREFIX,
          ...(RAW_MAIL_REGION ? { rawMailRegion: RAW_MAIL_REGION } : {}),
          intakeFunctionArn: INTAKE_FUNCTION,
        },
        notification,
      );
      logger.info('Mail forwarded', { sesMessageId });
    } catch (error) {
      logger.error('Mail not forwarded; the queue delivers it again', {
        queueMessageId: record.messageId,
        error: (error as Error).name,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});
