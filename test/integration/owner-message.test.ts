import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { type OutboxEmail, outbox, staffClient } from '../harness/staff-client.ts';
import { newMessageId } from '../intake/messages.ts';

/**
 * Writing to the owner from the app, end to end on the local stack: an owner's email opens a
 * complaint over SMTP; follow-up staff write to the owner through the API; the SES outbox holds
 * one bilingual email with our reference in its subject, answering the owner's email
 * (In-Reply-To, References); the complaint shows it on its correspondence and timeline; the
 * owner's reply naming only our Message-ID (or the one SES gives it) threads back to the same
 * complaint through the SMTP intake; the same submission sent twice, or twice at once, is one
 * email. No subject, words or address reaches the logs.
 */
const OWNER = 'lam.siu.ming@example.com';
const OWNER_SUBJECT = '浴室天花板漏水';
const WORDS =
  '林先生您好：\n工程部明天上午十時會到府上檢查浴室天花板，請留人在家。\n如不方便，請回覆此電郵。';

let t: TestStack;
let api: ReturnType<typeof staffClient>;
let ref: string;
let ownerMessageId: string;
const logLines: string[] = [];
const writeStdout = process.stdout.write.bind(process.stdout);

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{')) {
      logLines.push(text);
      return true;
    }
    return (writeStdout as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  t = await startTestStack();
  api = staffClient(t);
}, 120_000);
afterAll(async () => {
  await t?.stopRunningExecutions();
  await t?.stop();
  process.stdout.write = writeStdout;
});

/** Sends a raw message over SMTP to the intake; resolves with its SES message id once intake handled it. */
async function deliver(lines: string[]): Promise<string> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.stack.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  const info = await transport.sendMail({
    envelope: { from: OWNER, to: ['complaints@estate.example'] },
    raw: Buffer.from([...lines, ''].join('\r\n')),
  });
  const sesId = /queued as ([0-9a-f]+)/.exec(info.response)?.[1];
  if (!sesId) throw new Error(`Not accepted: ${info.response}`);
  await t.stack.mailIdle();
  return sesId;
}

async function mailLog(sesId: string): Promise<Record<string, unknown>> {
  for (const offset of [0, -86_400_000]) {
    const day = new Date(Date.now() + offset).toISOString().slice(0, 10);
    const found = await t.db.send(
      new GetCommand({ TableName: t.stack.tableName, Key: { PK: `MAILLOG#${day}`, SK: `MSG#${sesId}` } }),
    );
    if (found.Item) return found.Item;
  }
  throw new Error(`No mail-log line for ${sesId}`);
}

interface Line {
  key: string;
  id: string;
  direction: string;
  kind: string;
  subject: string;
  sesMessageId?: string;
  messageId?: string;
  inReplyTo?: string;
  preview?: string;
  text?: string;
  sentBy?: { by: string; role: string };
}
interface Complaint {
  ref: string;
  correspondence: Line[];
  timeline: { action: string; actor: string; role: string; details?: Record<string, unknown> }[];
}

const complaint = async (r = ref) =>
  (await api.get<Complaint>('followup.kowloon-east', `/api/complaints/${r}`)).body;
const header = (email: OutboxEmail, name: string) =>
  email.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
const staffMessagesTo = async (address: string) =>
  (await outbox(t)).filter((e) => e.destination.to.includes(address) && !header(e, 'Auto-Submitted'));

const send = (body: Record<string, unknown>, username = 'followup.kowloon-east', r = ref) =>
  api.post<{ ref?: string; message?: Line; errors?: { field: string; message: string }[] }>(
    username,
    `/api/complaints/${r}/messages`,
    body,
  );

describe('writing to the owner from the app', () => {
  it('opens the complaint from the owner’s email (the email the answer threads on)', async () => {
    ownerMessageId = newMessageId();
    const sesId = await deliver([
      `From: 林小明 <${OWNER}>`,
      'To: complaints@estate.example',
      `Subject: =?UTF-8?B?${Buffer.from(OWNER_SUBJECT).toString('base64')}?=`,
      `Message-ID: <${ownerMessageId}>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      '浴室天花板滴水已經一星期，請派人檢查。',
    ]);
    const logged = await mailLog(sesId);
    expect(logged.outcome).toBe('complaint-opened');
    ref = String(logged.ref);
  });

  it('emails the owner once, bilingual, with our reference in the subject, answering the owner’s email', async () => {
    const submissionId = randomUUID();
    const answer = await send({ subject: `Re: ${OWNER_SUBJECT}`, text: WORDS, submissionId });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body.message).toMatchObject({
      direction: 'out',
      kind: 'staff-message',
      subject: `[${ref}] Re: ${OWNER_SUBJECT}`,
      inReplyTo: ownerMessageId,
      sentBy: { by: 'followup.kowloon-east', role: 'followup' },
      preview: expect.stringContaining('工程部明天上午十時'),
    });
    expect(answer.body.message?.text).toBeUndefined();

    const sent = await staffMessagesTo(OWNER);
    expect(sent).toHaveLength(1);
    const email = sent[0] as OutboxEmail;
    expect(email.subject).toBe(`[${ref}] Re: ${OWNER_SUBJECT}`);
    expect(email.from).toContain('complaints@estate.example');
    expect(header(email, 'In-Reply-To')).toBe(`<${ownerMessageId}>`);
    expect(header(email, 'References')).toBe(`<${ownerMessageId}>`);
    expect(header(email, 'Reply-To')).toBe('complaints@estate.example');
    expect(header(email, 'Message-ID')).toBe(`<${answer.body.message?.messageId}>`);
    expect(email.body.text).toContain('親愛的林小明業主：');
    expect(email.body.text).toContain('Dear 林小明,');
    expect(email.body.text).toContain('工程部明天上午十時會到府上檢查浴室天花板，請留人在家。');
    expect(email.body.text).toContain(`請保留主旨中的參考編號 [${ref}]`);
    expect(email.body.text).toContain(`please keep the reference [${ref}] in the subject`);

    // On the complaint: its correspondence line (with the text as sent) and its timeline line.
    const c = await complaint();
    const line = c.correspondence.find((l) => l.kind === 'staff-message');
    expect(line).toMatchObject({ key: answer.body.message?.key, sesMessageId: email.messageId });
    const body = await api.get<Line>(
      'reception.kowloon-east',
      `/api/complaints/${ref}/correspondence/${encodeURIComponent(String(line?.key))}`,
    );
    expect(body.status).toBe(200);
    // The text as the owner got it: the frame and staff's words.
    expect(body.body.text).toContain('Dear 林小明,');
    expect(body.body.text).toContain('工程部明天上午十時會到府上檢查浴室天花板，請留人在家。');
    const event = c.timeline.find((e) => e.action === 'owner-message-sent');
    expect(event).toMatchObject({
      actor: 'followup.kowloon-east',
      role: 'followup',
      details: { subject: `[${ref}] Re: ${OWNER_SUBJECT}`, threaded: true, key: line?.key },
    });
    expect(String(event?.details?.excerpt)).toContain('工程部明天上午十時');
  });

  it('threads the owner’s reply naming only our Message-ID back to the same complaint', async () => {
    const email = (await staffMessagesTo(OWNER))[0] as OutboxEmail;
    const ours = String(header(email, 'Message-ID')).replace(/[<>]/g, '');
    // No [ref] in the subject: only In-Reply-To / References can thread it.
    const sesId = await deliver([
      `From: 林小明 <${OWNER}>`,
      'To: complaints@estate.example',
      `Subject: =?UTF-8?B?${Buffer.from('回覆：明天上午可以').toString('base64')}?=`,
      `Message-ID: <${newMessageId()}>`,
      `In-Reply-To: <${ours}>`,
      `References: <${ours}>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      '明天上午十時家中有人，謝謝。',
    ]);
    expect(await mailLog(sesId)).toMatchObject({ outcome: 'threaded', ref });
    const c = await complaint();
    expect(c.correspondence.find((l) => l.sesMessageId === sesId)).toMatchObject({
      direction: 'in',
      kind: 'reply',
    });
    expect(c.timeline.filter((e) => e.action === 'owner-email-received')).toHaveLength(1);
  });

  it('threads a reply naming the Message-ID SES gives our email (as on AWS) through the reply link filed with it', async () => {
    const email = (await staffMessagesTo(OWNER))[0] as OutboxEmail;
    const sesId = await deliver([
      `From: ${OWNER}`,
      'To: complaints@estate.example',
      'Subject: Re: inspection',
      `Message-ID: <${newMessageId()}>`,
      `In-Reply-To: <${email.messageId}@email.amazonses.com>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      '另外廚房也有少許滲水。',
    ]);
    expect(await mailLog(sesId)).toMatchObject({ outcome: 'threaded', ref });
  });

  it('answers the newest email of the owner next time, and prefixes [ref] to a subject without it', async () => {
    const answer = await send({
      subject: '檢查時間確認',
      text: '好的，明天見。',
      submissionId: randomUUID(),
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const c = await complaint();
    const newestReply = c.correspondence.find((l) => l.direction === 'in' && l.kind === 'reply');
    expect(answer.body.message?.inReplyTo).toBe(newestReply?.messageId);
    expect(answer.body.message?.subject).toBe(`[${ref}] 檢查時間確認`);
  });

  it('sends one email for a submission sent twice, one after the other or at once, and answers each with it', async () => {
    const before = (await staffMessagesTo(OWNER)).length;
    const again = { subject: 'Re: 重複', text: '這封只應寄出一次。', submissionId: randomUUID() };
    const first = await send(again);
    const second = await send(again);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.message?.key).toBe(first.body.message?.key);

    const atOnce = { subject: 'Re: 雙擊', text: '雙擊也只寄出一次。', submissionId: randomUUID() };
    const answers = await Promise.all([send(atOnce), send(atOnce), send(atOnce)]);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.message?.key)).size).toBe(1);

    const sent = (await staffMessagesTo(OWNER)).slice(before);
    expect(sent.map((e) => e.subject).sort()).toEqual([`[${ref}] Re: 重複`, `[${ref}] Re: 雙擊`].sort());
    const c = await complaint();
    expect(c.correspondence.filter((l) => l.kind === 'staff-message')).toHaveLength(4);
    expect(c.timeline.filter((e) => e.action === 'owner-message-sent')).toHaveLength(4);

    // The same id with other words would drop what changed: refused, nothing sent.
    const changed = await send({ ...again, text: '改了字。' });
    expect(changed.status).toBe(409);
    expect(JSON.stringify(changed.body)).toMatch(/already sent to the owner with other words/);
    expect((await staffMessagesTo(OWNER)).length).toBe(before + 2);
  });

  it('names the field to fix, and sends nothing', async () => {
    const before = (await outbox(t)).length;
    const noText = await send({ subject: 'x', text: '   ', submissionId: randomUUID() });
    expect(noText.status).toBe(400);
    expect(noText.body.errors).toEqual([{ field: 'text', message: 'Write the message to the owner' }]);
    const long = await send({
      subject: '長'.repeat(201),
      text: '字'.repeat(5001),
      submissionId: randomUUID(),
    });
    expect(long.status).toBe(400);
    expect(long.body.errors?.map((e) => e.field).sort()).toEqual(['subject', 'text']);
    const noId = await send({ text: '好' });
    expect(noId.status).toBe(400);
    expect(noId.body.errors?.map((e) => e.field)).toEqual(['submissionId']);
    expect((await outbox(t)).length).toBe(before);
  });

  it('refuses other roles and other areas with 403', async () => {
    for (const username of ['engineering.kowloon-east', 'clerk.kowloon-east', 'followup.hk-island']) {
      const answer = await send({ text: '好', submissionId: randomUUID() }, username);
      expect(answer.status, username).toBe(403);
    }
    // Head office writes in every area.
    const manager = await send({ text: '經理跟進中。', submissionId: randomUUID() }, 'manager.hk-island');
    expect(manager.status).toBe(201);
  });

  it('says to phone an owner with no email on record, and refuses a filed complaint: 409', async () => {
    await t.putComplaint('KE-2611-9001', 'kowloon-east', {
      owner: { name: '張太', phone: '+852 2345 6789' },
    });
    const noEmail = await send(
      { text: '你好', submissionId: randomUUID() },
      'followup.kowloon-east',
      'KE-2611-9001',
    );
    expect(noEmail.status).toBe(409);
    expect(JSON.stringify(noEmail.body)).toMatch(/no email address on record: phone the owner/);

    await t.putComplaint('KE-2611-9002', 'kowloon-east');
    await t.db.send(
      new UpdateCommand({
        TableName: t.stack.tableName,
        Key: { PK: 'C#KE-2611-9002', SK: 'RECORD' },
        UpdateExpression: 'SET #status = :closed, currentStep = :filed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':closed': 'closed', ':filed': 'filed' },
      }),
    );
    const filed = await send(
      { text: '你好', submissionId: randomUUID() },
      'followup.kowloon-east',
      'KE-2611-9002',
    );
    expect(filed.status).toBe(409);
    expect(JSON.stringify(filed.body)).toMatch(/closed and filed/);
    expect(
      (
        await api.post('followup.kowloon-east', '/api/complaints/KE-0000-0000/messages', {
          text: 'x',
          submissionId: randomUUID(),
        })
      ).status,
    ).toBe(404);
  });

  it('logs the sending without the owner’s address, the subject or the words', () => {
    const logged = logLines.join('');
    expect(logged).toContain('Owner emailed from the app');
    for (const secret of [OWNER, '林小明', OWNER_SUBJECT, '工程部明天上午十時', '重複', '雙擊']) {
      expect(logged, secret).not.toContain(secret);
    }
  });
});
