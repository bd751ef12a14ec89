import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_RESOURCES } from '../../local/stack.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';

/** SES receiving (SMTP → S3 → intake handler) and SES sending (the outbox), locally. */
let t: TestStack;
let s3: S3Client;

beforeAll(async () => {
  t = await startTestStack();
  s3 = new S3Client({});
});
afterAll(async () => {
  s3?.destroy();
  await t?.stop();
});

function smtp() {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.stack.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
}

describe('local SES receiving over SMTP', () => {
  it('stores a message for an intake address under its SES message id and hands it to the intake handler', async () => {
    const dayBefore = new Date().toISOString().slice(0, 10);
    const info = await smtp().sendMail({
      from: '陳大文 <owner@example.com>',
      to: 'complaints@estate.example',
      subject: '水管漏水 Leaking pipe',
      text: '天花板漏水，請盡快處理。',
    });
    expect(info.response).toMatch(/^250 Ok: queued as [0-9a-f]{40}/);
    const sesId = /queued as ([0-9a-f]+)/.exec(info.response)?.[1];
    await t.stack.mailIdle();
    const object = await s3.send(
      new GetObjectCommand({
        Bucket: LOCAL_RESOURCES.rawMailBucket,
        Key: `${LOCAL_RESOURCES.rawMailPrefix}${sesId}`,
      }),
    );
    const raw = await object.Body?.transformToString('utf8');
    expect(raw).toContain('Subject: =?UTF-8?');
    expect(raw).toContain(info.messageId);
    // The intake handler ran with the SES event, read the stored message and logged what it did.
    const days = new Set([dayBefore, new Date().toISOString().slice(0, 10)]); // the test may straddle midnight
    const found = await Promise.all(
      [...days].map((day) =>
        t.db.send(
          new GetCommand({ TableName: t.stack.tableName, Key: { PK: `MAILLOG#${day}`, SK: `MSG#${sesId}` } }),
        ),
      ),
    );
    const logged = found.find((r) => r.Item) ?? { Item: undefined };
    expect(logged.Item).toMatchObject({
      outcome: 'complaint-opened',
      ref: expect.stringMatching(/^KE-\d{4}-\d{4}$/),
      verdicts: { spam: 'PASS', virus: 'PASS' },
      rawMessage: { bucket: LOCAL_RESOURCES.rawMailBucket, bytes: Buffer.byteLength(String(raw)) },
    });
    // The complaint keeps the words; the mail log line only says what became of the message.
    expect(JSON.stringify(logged.Item)).not.toContain('天花板漏水');
  });

  it('refuses mail for an address that is not an intake address, and stores nothing', async () => {
    const before = await s3.send(new ListObjectsV2Command({ Bucket: LOCAL_RESOURCES.rawMailBucket }));
    await expect(
      smtp().sendMail({
        from: 'owner@example.com',
        to: 'someone@elsewhere.example',
        subject: 'x',
        text: 'x',
      }),
    ).rejects.toMatchObject({ responseCode: 550 });
    const after = await s3.send(new ListObjectsV2Command({ Bucket: LOCAL_RESOURCES.rawMailBucket }));
    expect(after.KeyCount).toBe(before.KeyCount);
  });
});

describe('local SES sending', () => {
  it('puts a raw email sent through @aws-sdk/client-ses in the outbox with its headers', async () => {
    const ses = new SESClient({});
    const raw = [
      'From: complaints@estate.example',
      'To: owner@example.com',
      'Subject: Received',
      'Auto-Submitted: auto-replied',
      'Content-Type: text/plain; charset=utf-8',
      '',
      '已收到您的投訴。',
    ].join('\r\n');
    const sent = await ses.send(new SendRawEmailCommand({ RawMessage: { Data: Buffer.from(raw) } }));
    ses.destroy();
    expect(sent.MessageId).toBeTruthy();
    const store = (await (await fetch(`${t.stack.urls.sesOutbox}/store`)).json()) as {
      emails: { messageId: string; subject: string; destination: { to: string[] } }[];
    };
    const email = store.emails.find((e) => e.messageId === sent.MessageId);
    expect(email).toMatchObject({ subject: 'Received', destination: { to: ['owner@example.com'] } });
  });
});
