import type { SESEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { forwardReceivedMail, NotificationError, readNotification } from '#services/mail-forwarding.ts';

/** SES's notification for a message its S3 action stored (the shape SES documents). */
const notification = {
  notificationType: 'Received',
  mail: {
    timestamp: '2026-11-02T01:02:03.000Z',
    source: 'chan@example.hk',
    messageId: 'o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1',
    destination: ['complaints@estate.example'],
    headersTruncated: false,
    headers: [],
    commonHeaders: { from: ['chan@example.hk'], to: ['complaints@estate.example'], subject: '漏水' },
  },
  receipt: {
    timestamp: '2026-11-02T01:02:03.000Z',
    processingTimeMillis: 400,
    recipients: ['complaints@estate.example'],
    spamVerdict: { status: 'PASS' },
    virusVerdict: { status: 'PASS' },
    spfVerdict: { status: 'PASS' },
    dkimVerdict: { status: 'GRAY' },
    dmarcVerdict: { status: 'PASS' },
    action: {
      type: 'S3',
      topicArn: 'arn:aws:sns:ap-southeast-1:123456789012:received',
      bucketName: 'intake-received',
      objectKey: 'incoming/o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1',
    },
  },
};

describe('the forwarder in the SES receiving region', () => {
  it('copies the stored message to the home bucket, then hands intake SES’s own event with its verdicts', async () => {
    const steps: unknown[] = [];
    const id = await forwardReceivedMail(
      {
        copy: async (from, to) => {
          steps.push({ copy: { from, to } });
        },
        handOff: async (event: SESEvent) => {
          steps.push({ handOff: event });
        },
        rawMailBucket: 'home-raw-mail',
        rawMailPrefix: 'incoming/',
        rawMailRegion: 'ap-east-1',
        intakeFunctionArn: 'arn:aws:lambda:ap-east-1:123456789012:function:EstateComplaints-intake-email',
      },
      readNotification(JSON.stringify(notification)) as Exclude<ReturnType<typeof readNotification>, 'setup'>,
    );
    expect(id).toBe(notification.mail.messageId);
    expect(steps[0]).toEqual({
      copy: {
        from: { bucket: 'intake-received', key: notification.receipt.action.objectKey },
        to: { bucket: 'home-raw-mail', key: `incoming/${notification.mail.messageId}`, region: 'ap-east-1' },
      },
    });
    const event = (steps[1] as { handOff: SESEvent }).handOff;
    expect(event.Records[0]?.ses.mail).toEqual(notification.mail);
    expect(event.Records[0]?.ses.receipt).toMatchObject({
      spamVerdict: { status: 'PASS' },
      dkimVerdict: { status: 'GRAY' },
      action: { type: 'Lambda', invocationType: 'Event' },
    });
  });

  it('skips SES’s note that the topic was attached, and refuses anything else', () => {
    expect(
      readNotification(JSON.stringify({ notificationType: 'AmazonSnsSubscriptionSucceeded', message: 'ok' })),
    ).toBe('setup');
    expect(() => readNotification('not json')).toThrow(NotificationError);
    expect(() =>
      readNotification(
        JSON.stringify({ ...notification, receipt: { ...notification.receipt, action: { type: 'Lambda' } } }),
      ),
    ).toThrow(/Not an SES notification of a stored message/);
    expect(() =>
      readNotification(
        JSON.stringify({ ...notification, mail: { ...notification.mail, messageId: '../etc' } }),
      ),
    ).toThrow(NotificationError);
  });
});
