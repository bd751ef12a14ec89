import type { SESEvent, SESMail, SESReceipt } from 'aws-lambda';
import type { RawMailLocation } from '#adapters/mail-transport.ts';

/**
 * The intake stack's forwarder (lib/intake-region-stack.ts): SES received a message in its
 * receiving region, stored it in that region's short-lived bucket and published its
 * notification (receipt verdicts included) to a topic, whose queue hands it here. The raw
 * message is copied to the home region's raw-mail bucket under the key intake reads
 * (`<prefix><SES message id>`), then intake-email in the home region is invoked with the very
 * event SES's Lambda action would have given it. Both steps are idempotent (the same key, the
 * same SES message id), so the queue's redelivery after any failure doubles nothing.
 */
export interface ForwardingDeps {
  readonly copy: (from: { bucket: string; key: string }, to: RawMailLocation) => Promise<void>;
  readonly handOff: (event: SESEvent) => Promise<void>;
  /** The home raw-mail bucket. */
  readonly rawMailBucket: string;
  readonly rawMailPrefix: string;
  /** The home region, when it is not the forwarder's. */
  readonly rawMailRegion?: string;
  /** The home intake-email function's ARN. */
  readonly intakeFunctionArn: string;
}

/** SES's notification of a message its S3 action stored (receiving-email-notifications-contents). */
interface ReceivedNotification {
  readonly notificationType: 'Received';
  readonly mail: SESMail;
  readonly receipt: SESReceipt & { action: { type: string; bucketName?: string; objectKey?: string } };
}

export class NotificationError extends Error {
  override name = 'NotificationError';
}

const SES_MESSAGE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * What the queue's message is: a received message to forward, or SES's one-off note that the
 * topic was attached (nothing to do). Anything else is an error: it goes to the dead-letter
 * queue, where a person sees it.
 */
export function readNotification(body: string): ReceivedNotification | 'setup' {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new NotificationError('Queue message is not JSON');
  }
  const notification = parsed as Omit<Partial<ReceivedNotification>, 'notificationType'> & {
    notificationType?: string;
  };
  if (notification.notificationType === 'AmazonSnsSubscriptionSucceeded') return 'setup';
  const action = notification.receipt?.action;
  if (
    notification.notificationType !== 'Received' ||
    !notification.mail ||
    !SES_MESSAGE_ID.test(notification.mail.messageId ?? '') ||
    action?.type !== 'S3' ||
    !action.bucketName ||
    !action.objectKey
  ) {
    throw new NotificationError(
      `Not an SES notification of a stored message (${String(notification.notificationType)})`,
    );
  }
  return notification as ReceivedNotification;
}

/** Forwards one received message; resolves with its SES message id once intake has it. */
export async function forwardReceivedMail(
  deps: ForwardingDeps,
  notification: ReceivedNotification,
): Promise<string> {
  const { mail, receipt } = notification;
  const { bucketName, objectKey } = receipt.action;
  await deps.copy(
    { bucket: bucketName as string, key: objectKey as string },
    {
      bucket: deps.rawMailBucket,
      key: `${deps.rawMailPrefix}${mail.messageId}`,
      ...(deps.rawMailRegion ? { region: deps.rawMailRegion } : {}),
    },
  );
  await deps.handOff({
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail,
          receipt: {
            ...receipt,
            action: { type: 'Lambda', functionArn: deps.intakeFunctionArn, invocationType: 'Event' },
          },
        },
      },
    ],
  });
  return mail.messageId;
}
