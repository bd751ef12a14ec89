import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#config/functions.ts';
import { sesEvent } from '../../local/mail/smtp.ts';
import { invokeLocal, type LocalHandler } from '../../local/runtime/lambda-runtime.ts';
import { LOCAL_RESOURCES } from '../../local/stack.ts';
import { dueAll, startTestStack, type TestStack } from '../harness/local-stack.ts';
import { type OutboxEmail, outbox, staffClient } from '../harness/staff-client.ts';
import {
  big5OutlookComplaint,
  dsnBounce,
  faxGatewayMessage,
  gb2312FoxmailComplaint,
  newMessageId,
  outlookAutoReplyZh,
  PDF_PAGE,
} from '../intake/messages.ts';

/**
 * Email and fax intake end to end on the local stack: messages sent over SMTP (as any mail
 * client would) to the intake addresses, stored and handed to the intake handler as SES does,
 * become complaints, replies, logged auto-replies, held or quarantined mail — and staff see
 * each where they work: the complaint list, the complaint's correspondence, their tasks, the
 * mail review list.
 */
const FAX_GATEWAY = 'gateway@faxmail.example';
const FLOOD_LIMIT = 3;

let t: TestStack;
let api: ReturnType<typeof staffClient>;
let s3: S3Client;
/** The intake handler module the stack runs (imported once the stack has set its environment). */
let intakeHandler: LocalHandler;
interface WaitingTask {
  executionArn: string;
  stateName: string;
  token: string;
}
const waiting: WaitingTask[] = [];
const waiters: { arn: string; state?: string; resolve: (task: WaitingTask) => void }[] = [];

/** Every log line the handlers write (at DEBUG), checked for owners' personal data at the end. */
const logLines: string[] = [];
const writeStdout = process.stdout.write.bind(process.stdout);

beforeAll(async () => {
  // Read by the stack's handlers at cold start.
  process.env.FAX_GATEWAY_ADDRESSES = FAX_GATEWAY;
  process.env.FLOOD_LIMIT_PER_HOUR = String(FLOOD_LIMIT);
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
  s3 = new S3Client({});
  intakeHandler = (await import('../../lambdas/intake-email.ts')).handler as LocalHandler;
  // Every task the workflow opens, so a test can await one that opened before it asked.
  t.stack.stepFunctions.events.on('task-waiting', (task: WaitingTask) => {
    waiting.push(task);
    for (const waiter of [...waiters]) {
      if (waiter.arn === task.executionArn && (!waiter.state || waiter.state === task.stateName)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(task);
      }
    }
  });
});
afterAll(async () => {
  s3?.destroy();
  await t?.stop();
  process.stdout.write = writeStdout;
});

const arnOf = (ref: string) => `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

/** Resolves when the complaint's workflow waits on a human step (optionally a given one). */
function taskOf(ref: string, state?: string): Promise<WaitingTask> {
  const seen = waiting.find((w) => w.executionArn === arnOf(ref) && (!state || w.stateName === state));
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => waiters.push({ arn: arnOf(ref), ...(state ? { state } : {}), resolve }));
}

function smtp() {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.stack.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
}

/** Sends a raw message over SMTP; resolves with its SES message id once intake has handled it. */
async function deliver(raw: Buffer, to = 'complaints@estate.example', from = 'sender@example.com') {
  const info = await smtp().sendMail({ envelope: { from, to: [to] }, raw });
  const sesId = /queued as ([0-9a-f]+)/.exec(info.response)?.[1];
  if (!sesId) throw new Error(`Not accepted: ${info.response}`);
  await t.stack.mailIdle();
  return sesId;
}

/** The mail-log line of a message (today's or, across midnight, yesterday's). */
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

/** Complaints opened for an owner's address (the owner-contact index). */
async function complaintsOf(email: string): Promise<string[]> {
  const result = await t.db.send(
    new QueryCommand({
      TableName: t.stack.tableName,
      IndexName: 'ComplaintsByOwnerContact',
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: { ':pk': `OWNER#email:${email}` },
    }),
  );
  return (result.Items ?? []).map((i) => String(i.ref));
}

async function mailTo(address: string): Promise<OutboxEmail[]> {
  return (await outbox(t)).filter((e) => e.destination.to.includes(address));
}

const header = (email: OutboxEmail, name: string) =>
  email.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

interface ComplaintView {
  ref: string;
  channel: string;
  content: string;
  owner: { name: string; email?: string; phone?: string; language: string };
  flags: Record<string, unknown>;
  email?: Record<string, unknown>;
  mailAttachments?: { filename: string; key?: string; executable: boolean; notStored?: string }[];
  tasks: { id: string; step: string; role: string; ownerReplies?: { excerpt: string }[] }[];
  timeline: { action: string; details?: Record<string, unknown> }[];
  correspondence: Record<string, unknown>[];
}

async function complaint(ref: string, as = 'reception.kowloon-east'): Promise<ComplaintView> {
  const answer = await api.get<ComplaintView>(as, `/api/complaints/${ref}`);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** One email of a complaint's correspondence with its bodies (the list's lines have none). */
async function mailBody(
  ref: string,
  line: Record<string, unknown> | undefined,
  as = 'reception.kowloon-east',
) {
  const answer = await api.get<Record<string, unknown>>(
    as,
    `/api/complaints/${ref}/correspondence/${String(line?.key)}`,
  );
  expect(answer.status).toBe(200);
  return answer.body;
}

/** Sends a new complaint and waits until the workflow has acknowledged it and waits on staff. */
async function newComplaint(raw: Buffer, to?: string) {
  const sesId = await deliver(raw, to);
  const log = await mailLog(sesId);
  expect(log.outcome, String(log.reason ?? '')).toBe('complaint-opened');
  const ref = String(log.ref);
  const first = await taskOf(ref);
  return { ref, sesId, first };
}

describe('a complaint by email', () => {
  const owner = 'chan.taiman@example.com.hk';
  let ref: string;
  let ack: OutboxEmail;

  it('from Outlook in Big5 becomes a complaint with its Chinese text, acknowledged in both languages with its reference', async () => {
    const created = await newComplaint(
      big5OutlookComplaint({
        from: owner,
        name: '陳大文',
        subject: '海濱花園三座升降機故障',
        // Cantonese, with Big5-HKSCS characters (咗, 啲) as Hong Kong Outlook writes them.
        body: '大堂升降機由昨晚開始壞咗，啲長者上落非常困難，請盡快安排維修。',
      }),
    );
    ref = created.ref;
    expect(created.first.stateName).toBe('Supervisor review');

    const list = await api.get<{ items: { ref: string; channel: string; ownerName: string }[] }>(
      'reception.kowloon-east',
      '/api/complaints',
    );
    expect(list.body.items.find((i) => i.ref === ref)).toMatchObject({
      channel: 'email',
      ownerName: '陳大文',
    });
    const record = await complaint(ref);
    expect(record.content).toContain('大堂升降機由昨晚開始壞咗，啲長者上落非常困難，請盡快安排維修。');
    expect(record.owner).toMatchObject({ name: '陳大文', email: owner, language: 'zh-Hant' });
    const incoming = record.correspondence.find((c) => c.direction === 'in');
    expect(incoming).toMatchObject({ kind: 'complaint', subject: '海濱花園三座升降機故障' });
    // The HTML kept for the page is sanitised: the script the message carried is gone.
    const body = await mailBody(ref, incoming);
    expect(String(body.html)).toContain('長者上落非常困難');
    expect(String(body.html)).not.toContain('<script');

    const acks = await mailTo(owner);
    expect(acks).toHaveLength(1);
    ack = acks[0] as OutboxEmail;
    expect(ack.subject).toBe(`[${ref}] 已收到您的投訴 We have received your complaint`);
    expect(ack.body.text).toContain(`參考編號為 ${ref}`);
    expect(ack.body.text).toContain(`Its reference number is ${ref}`);
    expect(header(ack, 'Auto-Submitted')).toBe('auto-replied');
  });

  it('gets a reply with the reference in the subject filed on the same complaint, opening nothing new', async () => {
    const sesId = await deliver(
      big5OutlookComplaint({
        from: owner,
        name: '陳大文',
        subject: `回覆: [${ref}] 已收到您的投訴`,
        body: '補充：升降機內的緊急鐘亦失靈。',
      }),
    );
    expect(await mailLog(sesId)).toMatchObject({ outcome: 'threaded', ref });
    const record = await complaint(ref);
    expect(record.correspondence.find((c) => c.sesMessageId === sesId)).toMatchObject({
      direction: 'in',
      kind: 'reply',
      fromOwner: true,
    });
    const body = await mailBody(
      ref,
      record.correspondence.find((c) => c.sesMessageId === sesId),
    );
    expect(String(body.text)).toContain('緊急鐘亦失靈');
    expect(record.timeline.map((e) => e.action)).toContain('owner-email-received');
    expect(await complaintsOf(owner)).toEqual([ref]);
    expect(await mailTo(owner)).toHaveLength(1);
  });

  it('gets a reply that only names the acknowledgement in In-Reply-To filed on the same complaint', async () => {
    const ackId = String(header(ack, 'Message-ID')).replace(/[<>]/g, '');
    const raw = Buffer.from(
      [
        `From: 陳大文 <${owner}>`,
        'To: complaints@estate.example',
        'Subject: =?UTF-8?B?5pS56K6K5a6J5o6S?=',
        `Message-ID: <${newMessageId()}>`,
        `In-Reply-To: <${ackId}>`,
        `References: <${ackId}>`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        '下午三時後家中有人。',
        '',
      ].join('\r\n'),
    );
    const sesId = await deliver(raw);
    expect(await mailLog(sesId)).toMatchObject({ outcome: 'threaded', ref });
    expect(await complaintsOf(owner)).toEqual([ref]);
  });

  it('threads a reply naming the Message-ID SES gives what we send (<SES id>@…amazonses.com), as on AWS', async () => {
    // SES replaces the Message-ID of every message it sends; owners' clients answer that one.
    const sesGiven = `${ack.messageId}@email.amazonses.com`;
    const sesId = await deliver(
      Buffer.from(
        [
          `From: ${owner}`,
          'To: complaints@estate.example',
          'Subject: =?UTF-8?B?5L2V5pmC5L6G57at5L+u77yf?=',
          `Message-ID: <${newMessageId()}>`,
          `In-Reply-To: <${sesGiven}>`,
          `References: <${sesGiven}>`,
          'Content-Type: text/plain; charset=utf-8',
          '',
          '請問何時來維修？',
          '',
        ].join('\r\n'),
      ),
    );
    expect(await mailLog(sesId)).toMatchObject({ outcome: 'threaded', ref });
  });

  it('gets an out-of-office reply to the acknowledgement logged on it, and answers nothing (no loop)', async () => {
    const ackId = String(header(ack, 'Message-ID')).replace(/[<>]/g, '');
    const outlook = await deliver(
      outlookAutoReplyZh({ from: owner, name: '陳大文', inReplyTo: ackId, subject: ack.subject }),
    );
    const rfc3834 = await deliver(
      Buffer.from(
        [
          `From: ${owner}`,
          'To: complaints@estate.example',
          `Subject: Out of Office: ${ack.subject.replace(/[^\x20-\x7e]/g, '')}`,
          'Auto-Submitted: auto-replied',
          `Message-ID: <${newMessageId()}>`,
          `In-Reply-To: <${ackId}>`,
          '',
          'I am away until Monday.',
          '',
        ].join('\r\n'),
      ),
    );
    for (const sesId of [outlook, rfc3834]) {
      expect(await mailLog(sesId)).toMatchObject({ outcome: 'auto-reply', ref });
    }
    const record = await complaint(ref);
    expect(record.correspondence.filter((c) => c.kind === 'auto-reply')).toHaveLength(2);
    expect(record.timeline.filter((e) => e.action === 'auto-reply-received')).toHaveLength(2);
    expect(await complaintsOf(owner)).toEqual([ref]);
    expect(await mailTo(owner)).toHaveLength(1);
  });

  it('gets a bounce of its acknowledgement logged on it, without opening or sending anything', async () => {
    const ackId = String(header(ack, 'Message-ID')).replace(/[<>]/g, '');
    const sesId = await deliver(
      dsnBounce({ to: 'complaints@estate.example', originalMessageId: ackId, failedRecipient: owner }),
      'complaints@estate.example',
      '',
    );
    expect(await mailLog(sesId)).toMatchObject({ outcome: 'bounce', ref });
    const record = await complaint(ref);
    expect(record.timeline.map((e) => e.action)).toContain('email-bounced');
    expect(await mailTo(owner)).toHaveLength(1);
  });

  it('from a mainland client in GB2312 is acknowledged in simplified Chinese', async () => {
    const from = 'wang.wei@163.com';
    const { ref: gbRef } = await newComplaint(
      gb2312FoxmailComplaint({
        from,
        name: '王伟',
        subject: '楼上漏水，请尽快处理',
        body: '我住在3座15楼，楼上单位的浴室漏水已经一个星期，天花板发霉。',
      }),
    );
    const record = await complaint(gbRef);
    expect(record.content).toContain('天花板发霉');
    expect(record.owner).toMatchObject({ name: '王伟', language: 'zh-Hans' });
    const [gbAck] = await mailTo(from);
    expect(gbAck?.subject).toBe(`[${gbRef}] 已收到您的投诉 We have received your complaint`);
  });
});

describe('messages that are not complaints', () => {
  it('never answers mail from our own addresses', async () => {
    const sesId = await deliver(
      Buffer.from(
        `From: complaints@estate.example\r\nTo: complaints@estate.example\r\nSubject: [KE-2611-9999] loop\r\nMessage-ID: <${newMessageId('estate.example')}>\r\n\r\nx\r\n`,
      ),
    );
    expect(await mailLog(sesId)).toMatchObject({ outcome: 'own-address' });
  });

  it('shows every message of the day in the mail log, with what became of it', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const log = await api.get<{ items: { outcome: string }[] }>(
      'supervisor.kowloon-east',
      `/api/mail?day=${day}`,
    );
    expect(log.status).toBe(200);
    expect(new Set(log.body.items.map((i) => i.outcome))).toEqual(
      new Set(['complaint-opened', 'threaded', 'auto-reply', 'bounce', 'own-address']),
    );
  });
});

describe('duplicate deliveries', () => {
  it('open one complaint when SES delivers the same message twice at the same time', async () => {
    const owner = 'twice@example.com';
    const raw = big5OutlookComplaint({
      from: owner,
      name: '李小姐',
      subject: '垃圾房異味',
      body: '垃圾房異味嚴重。',
    });
    const sesId = `dup${Date.now()}`;
    await s3.send(
      new PutObjectCommand({
        Bucket: LOCAL_RESOURCES.rawMailBucket,
        Key: `${LOCAL_RESOURCES.rawMailPrefix}${sesId}`,
        Body: raw,
      }),
    );
    const event = sesEvent({
      raw,
      messageId: sesId,
      mailFrom: owner,
      recipients: ['complaints@estate.example'],
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:intake-email',
    });
    const results = (await Promise.all([
      invokeLocal(intakeHandler, FUNCTIONS.intakeEmail.id, event),
      invokeLocal(intakeHandler, FUNCTIONS.intakeEmail.id, event),
    ])) as { received: { outcome: string; ref?: string }[] }[];
    const refs = results.map((r) => r.received[0]?.ref);
    expect(refs[0]).toBeDefined();
    expect(refs[1]).toBe(refs[0]);
    expect(await complaintsOf(owner)).toEqual([refs[0]]);
    await taskOf(String(refs[0]));
    expect(await mailTo(owner)).toHaveLength(1);
  });

  it('open one complaint when the same Message-ID arrives twice at once, and log the other as a duplicate', async () => {
    const owner = 'resent@example.com';
    const raw = big5OutlookComplaint({
      from: owner,
      name: '張先生',
      subject: '停車場燈壞',
      body: '停車場B2燈壞了。',
    });
    const [first, second] = await Promise.all([deliver(raw), deliver(raw)]);
    const outcomes = [await mailLog(String(first)), await mailLog(String(second))];
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['complaint-opened', 'duplicate']);
    const refs = await complaintsOf(owner);
    expect(refs).toHaveLength(1);
    expect(outcomes.find((o) => o.outcome === 'complaint-opened')?.ref).toBe(refs[0]);
    // The duplicate names the complaint when the first delivery had already chosen it.
    expect([refs[0], undefined]).toContain(outcomes.find((o) => o.outcome === 'duplicate')?.ref);
    await taskOf(String(refs[0]));
    expect(await mailTo(owner)).toHaveLength(1);
  });
});

describe('a flood from one sender', () => {
  it('holds new complaints over the hourly limit, unanswered, until staff release one', async () => {
    const owner = 'angry@example.com';
    const refs: string[] = [];
    for (let i = 1; i <= FLOOD_LIMIT; i++) {
      const { ref } = await newComplaint(
        big5OutlookComplaint({
          from: owner,
          name: '何先生',
          subject: `噪音 ${i}`,
          body: `第${i}次投訴噪音。`,
        }),
      );
      refs.push(ref);
    }
    const heldId = await deliver(
      big5OutlookComplaint({ from: owner, name: '何先生', subject: '噪音 4', body: '第4次投訴噪音。' }),
    );
    expect(await mailLog(heldId)).toMatchObject({ outcome: 'held', reason: 'flood' });
    expect(await complaintsOf(owner)).toHaveLength(FLOOD_LIMIT);
    expect(await mailTo(owner)).toHaveLength(FLOOD_LIMIT);

    const held = await api.get<{ items: { id: string; subject: string; reason: string; snippet: string }[] }>(
      'reception.kowloon-east',
      '/api/mail?status=held',
    );
    const item = held.body.items.find((i) => i.subject === '噪音 4');
    expect(item).toMatchObject({ reason: 'flood', snippet: '第4次投訴噪音。' });

    const released = await api.post<{ ref: string }>(
      'reception.kowloon-east',
      `/api/mail/${item?.id}/release`,
      {},
    );
    expect(released.status).toBe(201);
    await taskOf(released.body.ref);
    expect(await complaintsOf(owner)).toHaveLength(FLOOD_LIMIT + 1);
    expect(await mailTo(owner)).toHaveLength(FLOOD_LIMIT + 1);
    const after = await api.get<{ items: { id: string }[] }>(
      'reception.kowloon-east',
      '/api/mail?status=held',
    );
    expect(after.body.items.map((i) => i.id)).not.toContain(item?.id);
  });
});

describe('spam and virus verdicts', () => {
  it('quarantine the message with its reason; staff see it sanitised and release it into a complaint once', async () => {
    const owner = 'maybe.spam@example.com';
    const raw = Buffer.from(
      [
        `From: Ms Ng <${owner}>`,
        'To: complaints@estate.example',
        'Subject: =?UTF-8?B?5aSn5aCC5YWl5Y+j5pyJ5Lq65bq35YiG5rS+5Lyg5Zau?=',
        `Message-ID: <${newMessageId()}>`,
        'X-Local-Verdict: spam=FAIL',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p onmouseover="steal()">大堂入口有人派發傳單，阻塞通道。</p><script>alert(document.cookie)</script><img src="https://tracker.example/p.gif">',
        '',
      ].join('\r\n'),
    );
    const sesId = await deliver(raw);
    expect(await mailLog(sesId)).toMatchObject({ outcome: 'quarantined', reason: 'spam-verdict-fail' });
    expect(await complaintsOf(owner)).toEqual([]);

    const list = await api.get<{ items: { id: string; from: string }[] }>(
      'customer-service.kowloon-east',
      '/api/mail?status=quarantined',
    );
    const item = list.body.items.find((i) => i.from === owner);
    expect(item).toBeDefined();
    const id = String(item?.id);
    const shown = await api.get<{ html: string; text: string }>('supervisor.kowloon-east', `/api/mail/${id}`);
    expect(shown.body.html).toBe('<p>大堂入口有人派發傳單，阻塞通道。</p>');
    expect(shown.body.text).toContain('阻塞通道');

    expect((await api.get('reception.hk-island', `/api/mail/${id}`)).status).toBe(403);
    expect((await api.post('followup.kowloon-east', `/api/mail/${id}/release`, {})).status).toBe(403);
    const released = await api.post<{ ref: string }>(
      'supervisor.kowloon-east',
      `/api/mail/${id}/release`,
      {},
    );
    expect(released.status).toBe(201);
    expect((await api.post('supervisor.kowloon-east', `/api/mail/${id}/release`, {})).status).toBe(409);
    await taskOf(released.body.ref);
    const record = await complaint(released.body.ref);
    expect(record).toMatchObject({ channel: 'email', email: { releasedFrom: 'quarantined' } });
    expect(record.timeline.map((e) => e.action)).toContain('mail-released');
    expect(await mailTo(owner)).toHaveLength(1);
  });

  it('keep the attachments of a message with a virus verdict out of the complaint it is released into', async () => {
    const owner = 'virus@example.com';
    const raw = faxGatewayMessage({
      from: owner,
      to: 'complaints@estate.example',
      subject: 'invoice',
      cover: '請查看附件中的發票。',
      file: {
        name: 'invoice.pdf.exe',
        type: 'application/octet-stream',
        content: Buffer.from('MZ\x90\x00fake'),
      },
    });
    const withVerdict = Buffer.concat([Buffer.from('X-Local-Verdict: virus=FAIL\r\n'), raw]);
    const sesId = await deliver(withVerdict);
    const log = await mailLog(sesId);
    expect(log).toMatchObject({ outcome: 'quarantined', reason: 'virus-verdict-fail' });
    expect(log.attachments).toEqual([
      expect.objectContaining({ filename: 'invoice.pdf.exe', executable: true }),
    ]);
    const released = await api.post<{ ref: string }>(
      'customer-service.kowloon-east',
      `/api/mail/${log.id}/release`,
      { area: 'hk-island' },
    );
    expect(released.status).toBe(201);
    expect(released.body.ref).toMatch(/^HKI-/);
    await taskOf(released.body.ref);
    const record = await complaint(released.body.ref, 'customer-service.kowloon-east');
    expect(record.mailAttachments).toEqual([
      expect.objectContaining({ filename: 'invoice.pdf.exe', executable: true, notStored: 'virus-verdict' }),
    ]);
  });
});

describe('a fax', () => {
  it('from the fax gateway with only a PDF becomes a fax complaint that reception transcribes first', async () => {
    const sesId = await deliver(
      faxGatewayMessage({
        from: FAX_GATEWAY,
        subject: 'Fax from +852 2345 6789 (1 page)',
        file: { name: 'fax-20261127-0001.pdf', type: 'application/pdf', content: PDF_PAGE },
      }),
      'fax@estate.example',
      FAX_GATEWAY,
    );
    const ref = String((await mailLog(sesId)).ref);
    expect((await taskOf(ref)).stateName).toBe('Transcribe fax');
    const record = await complaint(ref);
    expect(record).toMatchObject({
      channel: 'fax',
      flags: { needsTranscription: true, acknowledge: 'call' },
    });
    expect(record.email).toMatchObject({ faxNumber: '+852 2345 6789' });
    const [pdf] = record.mailAttachments ?? [];
    expect(pdf).toMatchObject({ filename: 'fax-20261127-0001.pdf', executable: false });
    const stored = await s3.send(
      new GetObjectCommand({ Bucket: LOCAL_RESOURCES.attachmentsBucket, Key: String(pdf?.key) }),
    );
    expect(Buffer.from(await (stored.Body?.transformToByteArray() ?? new Uint8Array()))).toEqual(PDF_PAGE);

    const task = record.tasks.find((x) => x.step === 'transcribeFax');
    expect(task?.role).toBe('reception');
    const done = await api.post(
      'reception.kowloon-east',
      `/api/tasks/${encodeURIComponent(String(task?.id))}/complete`,
      {
        content: '本人住海濱花園二座8樓A室，單位窗框漏水，請派人檢查。',
        owner: { name: '黃太', phone: '+852 9876 5432', email: 'wong.tai@example.com' },
        building: '海濱花園二座',
        unit: '8樓A室',
      },
    );
    expect(done.status).toBe(200);
    expect((await taskOf(ref, 'Acknowledge owner by phone')).stateName).toBe('Acknowledge owner by phone');
    const transcribed = await complaint(ref);
    expect(transcribed).toMatchObject({
      content: '本人住海濱花園二座8樓A室，單位窗框漏水，請派人檢查。',
      owner: { name: '黃太', phone: '+852 9876 5432' },
    });
    expect(transcribed.timeline.map((e) => e.action)).toContain('fax-transcribed');
    // The owner's address, known only from the fax's pages, now finds the complaint (threading,
    // repeat complainants), as an address given at intake would.
    expect(await complaintsOf('wong.tai@example.com')).toEqual([ref]);
  });
});

describe('a fax nobody transcribes in time', () => {
  it('goes to the supervisor, and back to reception’s transcription when the supervisor resolves it', async () => {
    const ref = 'KE-2611-9001';
    await t.putComplaint(ref, 'kowloon-east', {
      channel: 'fax',
      owner: { name: '傳真 Fax', phone: '+852 2345 6789' },
    });
    await t.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: t.stack.stateMachineArn,
        name: ref,
        input: JSON.stringify({
          ref,
          area: 'kowloon-east',
          flags: { needsClarification: false, acknowledge: 'call', needsTranscription: true },
          // One second to transcribe: the deadline passes during the test.
          step: { due: dueAll(360_000, { transcribeFax: 1 }) },
        }),
      }),
    );
    expect((await taskOf(ref, 'Transcribe fax')).stateName).toBe('Transcribe fax');
    const escalated = await taskOf(ref, 'Escalate to supervisor');
    const late = (await complaint(ref, 'supervisor.kowloon-east')).tasks.find(
      (x) => x.step === 'escalationSupervisor',
    );
    expect(late).toMatchObject({ role: 'supervisor' });
    const again = new Promise<WaitingTask>((resolve) =>
      waiters.push({ arn: arnOf(ref), state: 'Transcribe fax', resolve }),
    );
    await t.sfn.send(
      new SendTaskSuccessCommand({
        taskToken: escalated.token,
        output: JSON.stringify({ decision: { action: 'resolve' }, due: dueAll(360_000) }),
      }),
    );
    expect((await again).stateName).toBe('Transcribe fax');
    await t.sfn.send(new StopExecutionCommand({ executionArn: arnOf(ref) }));
  });
});

describe('attachments', () => {
  it('are stored with the complaint, an executable flagged', async () => {
    const raw = faxGatewayMessage({
      from: 'attach@example.com',
      to: 'complaints@estate.example',
      subject: '電錶房漏水相片',
      cover: '請看附件相片及報價。',
      file: { name: '報價.exe', type: 'application/octet-stream', content: Buffer.from('MZ\x90\x00fake') },
    });
    const { ref } = await newComplaint(raw);
    const record = await complaint(ref);
    expect(record.channel).toBe('email');
    expect(record.mailAttachments).toEqual([
      expect.objectContaining({
        filename: '報價.exe',
        executable: true,
        key: expect.stringMatching(/^mail\//),
      }),
    ]);
  });
});

describe('the owner’s answer by email', () => {
  it('goes on the task waiting for the owner’s opinion of the plan, which stays for staff to record', async () => {
    const owner = 'plan.reply@example.com';
    const { ref } = await newComplaint(
      big5OutlookComplaint({ from: owner, name: '鄭先生', subject: '外牆剝落', body: '外牆有石屎剝落。' }),
    );
    const act = async (username: string, step: string, decision: unknown) => {
      const record = await complaint(ref, username);
      const task = record.tasks.find((x) => x.step === step);
      const answer = await api.post(
        username,
        `/api/tasks/${encodeURIComponent(String(task?.id))}/complete`,
        decision,
      );
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    };
    await act('supervisor.kowloon-east', 'supervisorReview', {
      action: 'sign',
      opinion: '安排工程部檢查外牆',
      category: 'repairs',
      department: 'engineering',
    });
    await taskOf(ref, 'Department commitment');
    await act('engineering.kowloon-east', 'departmentCommitment', {
      plannedStart: new Date(Date.now() + 3600_000).toISOString(),
      plannedCompletion: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    });
    await taskOf(ref, 'Owner response to plan');
    const plan = (await mailTo(owner)).find((e) => e.subject.includes('處理方案'));
    expect(plan).toBeDefined();

    await deliver(
      big5OutlookComplaint({
        from: owner,
        name: '鄭先生',
        subject: `回覆: ${String(plan?.subject)}`,
        body: '方案可以接受，但請在星期六前開始。\n\n寄件者: complaints@estate.example\n主旨: 處理方案',
      }),
    );
    const tasks = await api.get<{
      items: { ref: string; step: string; status: string; ownerReplies?: { excerpt: string }[] }[];
    }>('followup.kowloon-east', '/api/tasks');
    const task = tasks.body.items.find((i) => i.ref === ref);
    expect(task).toMatchObject({ step: 'ownerPlanResponse', status: 'open' });
    expect(task?.ownerReplies?.map((r) => r.excerpt)).toEqual(['方案可以接受，但請在星期六前開始。']);
    const record = await complaint(ref, 'followup.kowloon-east');
    expect(record.timeline.map((e) => e.action)).toContain('owner-answer-by-email');
    expect(record.tasks.find((x) => x.step === 'ownerPlanResponse')).toMatchObject({
      ownerReplies: [expect.objectContaining({ excerpt: '方案可以接受，但請在星期六前開始。' })],
    });
  });
});

describe('mail about a closed complaint', () => {
  it('opens a new complaint that refers to the closed one', async () => {
    const closedRef = 'KE-2601-0001';
    await t.putComplaint(closedRef, 'kowloon-east', { owner: { name: '林生', email: 'lam@example.com' } });
    await t.db.send(
      new UpdateCommand({
        TableName: t.stack.tableName,
        Key: { PK: `C#${closedRef}`, SK: 'RECORD' },
        UpdateExpression: 'SET #s = :closed',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':closed': 'closed' },
      }),
    );
    const { ref } = await newComplaint(
      big5OutlookComplaint({
        from: 'lam@example.com',
        name: '林生',
        subject: `回覆: [${closedRef}] 投訴已完成處理`,
        body: '問題又再出現。',
      }),
    );
    expect(ref).not.toBe(closedRef);
    expect((await complaint(ref)).email).toMatchObject({ relatedRef: closedRef });
    expect((await complaint(closedRef)).timeline.map((e) => e.action)).toContain(
      'follow-up-complaint-opened',
    );
  });
});

describe('the logs of all this', () => {
  it('carry ids and outcomes but no owner’s address, name, subject or words', () => {
    const logged = logLines.join('');
    expect(logged).toContain('"outcome":"complaint-opened"');
    for (const secret of [
      'chan.taiman@example.com.hk',
      '陳大文',
      '海濱花園三座升降機故障',
      '長者上落非常困難',
      'wang.wei@163.com',
      '王伟',
      '大堂入口有人派發傳單',
      '+852 2345 6789',
      '窗框漏水',
    ]) {
      expect(logged, secret).not.toContain(secret);
    }
  });
});
