import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SUBJECT_CHARS, oneLine, safeFileName } from '#domain/mail/content.ts';
import { mailboxMessageId } from '#domain/mail/mailbox.ts';
import { LOCAL_RESOURCES, PROJECT_ROOT } from '../../local/stack.ts';
import { startTestImapServer, type TestImapServer } from '../harness/dovecot.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { outbox, staffClient } from '../harness/staff-client.ts';

/**
 * Intake where SES does not receive (AWS China): the company's mailbox polled over IMAP, here
 * a real IMAP server (Debian's dovecot, started on loopback for this file and stopped after),
 * through the poll-mailbox service the function runs, into the intake handler SES mail goes
 * to. Messages are put in the mailbox as a mail server delivers them (IMAP APPEND), and the
 * test reads the mailbox back as a person's mail client would.
 */
const USER = { username: 'complaints', password: 'imap-test-secret' };
const AUTHSERV_ID = 'mx.estate.example';
const OWNER = 'chan.tai.man@example.hk';
/** The default done folder (lambdas/adapters/mailbox.ts), as dovecot's maildir names it. */
const DONE = 'Complaints.Received';

let imap: TestImapServer;
let t: TestStack;
let api: ReturnType<typeof staffClient>;
let s3: S3Client;

beforeAll(async () => {
  imap = await startTestImapServer([USER]);
  t = await startTestStack({ mailbox: { url: imap.url, ...USER, authServId: AUTHSERV_ID } });
  api = staffClient(t);
  s3 = new S3Client({});
});
afterAll(async () => {
  s3?.destroy();
  await t?.stop();
  await imap?.stop();
});

/** A mail client on the test mailbox, for one piece of work. */
async function withMailbox<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: imap.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: USER.username, pass: USER.password },
    logger: false,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout();
  }
}

/** Delivers a message into the mailbox's INBOX, as the company's mail server would. */
async function deliver(raw: Buffer | string, at = new Date()): Promise<void> {
  await withMailbox((client) => client.append('INBOX', Buffer.from(raw), [], at));
}

async function count(folder: string): Promise<number> {
  return withMailbox(async (client) => {
    const status = await client.status(folder, { messages: true });
    return status ? (status.messages ?? 0) : 0;
  });
}

/** Every message in a folder as IMAP serves it (what the poller read), with its arrival time. */
async function sources(folder: string): Promise<{ raw: Buffer; at: number }[]> {
  return withMailbox(async (client) => {
    const lock = await client.getMailboxLock(folder);
    try {
      const found: { raw: Buffer; at: number }[] = [];
      if ((client.mailbox || undefined)?.exists) {
        for await (const message of client.fetch('1:*', { source: true, internalDate: true })) {
          if (message.source && message.internalDate) {
            found.push({ raw: message.source, at: new Date(message.internalDate).getTime() });
          }
        }
      }
      return found;
    } finally {
      lock.release();
    }
  });
}

async function mailLog(id: string, day: string): Promise<Record<string, unknown> | undefined> {
  const found = await t.db.send(
    new GetCommand({ TableName: t.stack.tableName, Key: { PK: `MAILLOG#${day}`, SK: `MSG#${id}` } }),
  );
  return found.Item;
}

/** Complaints opened for an owner's address (the owner-contact index). */
async function complaintsOf(email: string): Promise<string[]> {
  const result = await t.db.send(
    new QueryCommand({
      TableName: t.stack.tableName,
      IndexName: 'ComplaintsByOwnerContact',
      KeyConditionExpression: 'GSI3PK = :contact',
      ExpressionAttributeValues: { ':contact': `OWNER#email:${email}` },
    }),
  );
  return (result.Items ?? []).map((item) => String(item.ref));
}

function complaintMail(options: {
  messageId: string;
  subject: string;
  body: string;
  authenticated?: boolean;
}) {
  const lines = [
    `Return-Path: <${OWNER}>`,
    `Delivered-To: complaints@estate.example`,
    ...(options.authenticated === false
      ? []
      : [
          `Authentication-Results: ${AUTHSERV_ID}; spf=pass smtp.mailfrom=example.hk; dkim=pass header.d=example.hk; dmarc=pass header.from=example.hk`,
        ]),
    // What a sender may write into its own message: never believed.
    'Authentication-Results: forged.example; spf=pass; dkim=pass; dmarc=pass',
    `From: =?UTF-8?B?${Buffer.from('陳大文').toString('base64')}?= <${OWNER}>`,
    'To: complaints@estate.example',
    `Subject: =?UTF-8?B?${Buffer.from(options.subject).toString('base64')}?=`,
    `Message-ID: <${options.messageId}>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(options.body).toString('base64'),
    '',
  ];
  return lines.join('\r\n');
}

describe('a message in the company mailbox', () => {
  it('opens one complaint, acknowledges the owner, and leaves the inbox for the done folder', async () => {
    const before = (await outbox(t)).length;
    await deliver(
      complaintMail({
        messageId: 'first.1@example.hk',
        subject: '大堂升降機故障',
        body: '大堂升降機停了兩天，請盡快維修。',
      }),
    );
    expect(await count('INBOX')).toBe(1);

    const result = await t.stack.pollMailbox();
    expect(result.handedOver).toHaveLength(1);
    expect(result.failed).toEqual([]);

    const refs = await complaintsOf(OWNER);
    expect(refs).toHaveLength(1);
    const complaint = await api.get<{ channel: string; content: string; email?: { subject?: string } }>(
      'reception.kowloon-east',
      `/api/complaints/${refs[0]}`,
    );
    expect(complaint.status).toBe(200);
    expect(complaint.body.channel).toBe('email');
    expect(complaint.body.content).toContain('大堂升降機停了兩天');
    // The mail server's Authentication-Results vouch for the sender: acknowledged, with the reference.
    await expect
      .poll(
        async () => (await outbox(t)).slice(before).filter((m) => m.destination.to.includes(OWNER)).length,
        {
          timeout: 20_000,
        },
      )
      .toBe(1);
    expect(await count('INBOX')).toBe(0);
    expect(await count(DONE)).toBe(1);
  });

  it('opens no second complaint when it is read again after a crash before it was moved', async () => {
    // What a poll that died between handing the message over and moving it leaves behind: the
    // same message back in the inbox (IMAP COPY keeps its bytes and arrival time).
    await withMailbox(async (client) => {
      const lock = await client.getMailboxLock(DONE);
      try {
        await client.messageCopy('1:*', 'INBOX');
      } finally {
        lock.release();
      }
    });
    expect(await count('INBOX')).toBe(1);
    const result = await t.stack.pollMailbox();
    expect(result.handedOver).toHaveLength(1);
    expect(await complaintsOf(OWNER)).toHaveLength(1);
    expect(await count('INBOX')).toBe(0);
  });

  it('is a duplicate when the same Message-ID arrives again as another message', async () => {
    const again = complaintMail({
      messageId: 'first.1@example.hk',
      subject: '大堂升降機故障',
      body: '大堂升降機停了兩天，請盡快維修。（重發）',
    });
    await deliver(again);
    const [id] = (await t.stack.pollMailbox()).handedOver;
    const line = await mailLog(id ?? '', new Date().toISOString().slice(0, 10));
    expect(line?.outcome).toBe('duplicate');
    expect(await complaintsOf(OWNER)).toHaveLength(1);
  });

  it('opens a complaint without acknowledging it when no trusted server vouches for the sender', async () => {
    const before = (await outbox(t)).length;
    await deliver(
      complaintMail({
        messageId: 'unverified.2@example.hk',
        subject: '停車場漏水',
        body: '停車場B2有漏水。',
        authenticated: false,
      }),
    );
    const [id] = (await t.stack.pollMailbox()).handedOver;
    const line = await mailLog(id ?? '', new Date().toISOString().slice(0, 10));
    expect(line?.outcome).toBe('complaint-opened');
    expect(line?.verdicts).toMatchObject({ spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY' });
    expect(await complaintsOf(OWNER)).toHaveLength(2);
    // Only the forged header claimed a pass: nothing is emailed to an address nobody vouched for.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await outbox(t)).slice(before).filter((m) => m.destination.to.includes(OWNER))).toEqual([]);
  });
});

/**
 * The mail corpus (test/intake/corpus.test.ts reads it straight from the files) through the
 * mailbox instead: each message delivered by IMAP APPEND, read back by the poller (dovecot
 * serves it with CRLF line ends, as IMAP servers do), handed to intake, and logged with the
 * sender, subject, attachments and classification the corpus expects.
 */
interface Expected {
  file: string;
  from: string | null;
  subject: string | null;
  isAutoReply: boolean;
  isBounce: boolean;
  attachments: string[];
}
const BUNDLED = join(PROJECT_ROOT, 'test', 'fixtures', 'mail-corpus');
const SHARED = process.env.MAIL_CORPUS_DIR ?? resolve(PROJECT_ROOT, '..', 'shared', 'mail-corpus');
const expectedIn = (dir: string) =>
  existsSync(join(dir, 'expected.json'))
    ? (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected[]).map((e) => ({ ...e, dir }))
    : [];
const bundled = expectedIn(BUNDLED);
const bundledFiles = new Set(bundled.map((e) => e.file));
const corpus = [...bundled, ...expectedIn(SHARED).filter((e) => !bundledFiles.has(e.file))];

describe(`the mail corpus through the mailbox (${corpus.length} messages)`, () => {
  it('logs every message with the sender, subject, attachments and kind the corpus expects', async () => {
    // Each message arrives a second after the one before: its arrival time tells them apart
    // when they are read back (the server may change a message's bytes: CRLF line ends, NULs).
    // An hour back, clear of the other tests' messages in the same folders.
    const start = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    for (const [index, e] of corpus.entries()) {
      await deliver(readFileSync(join(e.dir, 'messages', e.file)), new Date(start + index * 1000));
    }
    const handed: string[] = [];
    for (let poll = 0; poll < 5; poll++) {
      const result = await t.stack.pollMailbox();
      expect(result.failed).toEqual([]);
      handed.push(...result.handedOver);
      if (!result.more) break;
    }
    expect(await count('INBOX')).toBe(0);
    expect(handed).toHaveLength(corpus.length);

    // The bytes the poller read, as the mailbox serves them, name each message's log line.
    const served = await sources(DONE);
    for (const [index, e] of corpus.entries()) {
      const raw = served.find((message) => message.at === start + index * 1000)?.raw;
      expect(raw, `${e.file} was served back`).toBeDefined();
      const id = mailboxMessageId(raw as Buffer);
      expect(handed, e.file).toContain(id);
      // Stored whole, as the server served it, where intake and staff's release read it.
      const stored = await s3.send(
        new GetObjectCommand({
          Bucket: LOCAL_RESOURCES.rawMailBucket,
          Key: `${LOCAL_RESOURCES.rawMailPrefix}${id}`,
        }),
      );
      expect(
        Buffer.from((await stored.Body?.transformToByteArray()) ?? []).equals(raw as Buffer),
        e.file,
      ).toBe(true);
      const line = await mailLog(id, new Date(start + index * 1000).toISOString().slice(0, 10));
      expect(line, `${e.file} (#${index}) has a mail-log line`).toBeDefined();
      expect(((line?.from as string | undefined) ?? null)?.toLowerCase() ?? null, `${e.file} from`).toBe(
        e.from?.toLowerCase() ?? null,
      );
      // As intake shows any subject: on one line, spaces collapsed (lambdas/domain/mail/content.ts).
      if (e.subject !== null) {
        expect(line?.subject, `${e.file} subject`).toBe(oneLine(e.subject, MAX_SUBJECT_CHARS));
      }
      const kind = line?.outcome;
      if (e.isBounce) expect(kind, `${e.file} is a bounce`).toBe('bounce');
      else if (e.isAutoReply) expect(kind, `${e.file} is an auto-reply`).toBe('auto-reply');
      else expect(['auto-reply', 'bounce'], `${e.file} is neither`).not.toContain(kind);
      // Listed under the names intake stores them by (lambdas/domain/mail/content.ts); a part
      // without a name gets `attachment-<n>.<ext>`, which the corpus does not list.
      const named = ((line?.attachments as { filename: string }[] | undefined) ?? [])
        .map((a) => a.filename)
        .filter((name) => !/^attachment-\d+(\.[a-z0-9]+)?$/.test(name));
      expect(named, `${e.file} attachments`).toEqual(e.attachments.map((name) => safeFileName(name, 0, '')));
    }
  });
});
