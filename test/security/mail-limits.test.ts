import { randomUUID } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#config/functions.ts';
import { notifyOwner } from '#services/owner-notices.ts';
import { sesEvent } from '../../local/mail/smtp.ts';
import { runAsFunction } from '../../local/runtime/function-environment.ts';
import { invokeLocal, type LocalHandler } from '../../local/runtime/lambda-runtime.ts';
import { LOCAL_RESOURCES } from '../../local/stack.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { type OutboxEmail, outbox, staffClient } from '../harness/staff-client.ts';

/**
 * Issue 21: hostile mail against AWS's hard limits, on the local stack. Mail from outside
 * must not open more complaints, send more acknowledgements or pile more replies onto one
 * complaint than the limits allow, however many SMTP connections deliver it at once; mail whose
 * sender SES could not authenticate is filed but never answered or taken for the owner's
 * answer; mail from our own staff's addresses waits for a person.
 */
const FLOOD_LIMIT = 5;
const REPLY_LIMIT_PER_HOUR = 5;
const REPLY_LIMIT_TOTAL = 7;

let t: TestStack;
let api: ReturnType<typeof staffClient>;
let s3: S3Client;
let intakeHandler: LocalHandler;
const waiting: { executionArn: string; stateName: string }[] = [];
const waiters: { arn: string; state?: string; resolve: () => void }[] = [];

beforeAll(async () => {
  // Read by the stack's handlers at cold start.
  process.env.FLOOD_LIMIT_PER_HOUR = String(FLOOD_LIMIT);
  process.env.REPLY_LIMIT_PER_HOUR = String(REPLY_LIMIT_PER_HOUR);
  process.env.REPLY_LIMIT_TOTAL = String(REPLY_LIMIT_TOTAL);
  t = await startTestStack();
  api = staffClient(t);
  s3 = new S3Client({});
  intakeHandler = (await import('../../lambdas/intake-email.ts')).handler as LocalHandler;
  t.stack.stepFunctions.events.on('task-waiting', (task: { executionArn: string; stateName: string }) => {
    waiting.push(task);
    for (const waiter of [...waiters]) {
      if (waiter.arn === task.executionArn && (!waiter.state || waiter.state === task.stateName)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
}, 60_000);
afterAll(async () => {
  s3?.destroy();
  await t?.stop();
});

const arnOf = (ref: string) => `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

/** Resolves when the complaint's workflow waits on a human step (after its acknowledgement). */
function taskOf(ref: string, state?: string): Promise<void> {
  if (waiting.some((w) => w.executionArn === arnOf(ref) && (!state || w.stateName === state))) {
    return Promise.resolve();
  }
  return new Promise((resolve) => waiters.push({ arn: arnOf(ref), ...(state ? { state } : {}), resolve }));
}

/** A plain UTF-8 message; `verdict` asks the local SMTP intake for SES's verdicts. */
function message(input: {
  from: string;
  subject: string;
  body: string;
  verdict?: string;
  inReplyTo?: string;
}): Buffer {
  const headers = [
    ...(input.verdict ? [`X-Local-Verdict: ${input.verdict}`] : []),
    `From: <${input.from}>`,
    'To: complaints@estate.example',
    `Subject: =?UTF-8?B?${Buffer.from(input.subject).toString('base64')}?=`,
    `Message-ID: <${randomUUID()}@mail.example.com>`,
    `Date: ${new Date().toUTCString()}`,
    ...(input.inReplyTo ? [`In-Reply-To: <${input.inReplyTo}>`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
  ];
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${Buffer.from(input.body).toString('base64')}\r\n`);
}

/**
 * Sends messages at once over `connections` parallel SMTP connections, as a mail server
 * emptying its queue does; resolves with their SES message ids once intake handled them all.
 */
async function deliverAll(raws: readonly Buffer[], connections = 25): Promise<string[]> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.stack.smtpPort,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: connections,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  try {
    const ids = await Promise.all(
      raws.map(async (raw) => {
        const info = await transport.sendMail({
          envelope: { from: 'sender@example.com', to: ['complaints@estate.example'] },
          raw,
        });
        const id = /queued as ([0-9a-f]+)/.exec(String(info.response))?.[1];
        if (!id) throw new Error(`Not accepted: ${info.response}`);
        return id;
      }),
    );
    await t.stack.mailIdle();
    return ids;
  } finally {
    transport.close();
  }
}

const deliver = async (raw: Buffer) => (await deliverAll([raw], 1))[0] as string;

async function mailLog(sesId: string, day = new Date().toISOString().slice(0, 10)) {
  for (const d of [day, new Date(Date.parse(day) - 86_400_000).toISOString().slice(0, 10)]) {
    const found = await t.db.send(
      new GetCommand({ TableName: t.stack.tableName, Key: { PK: `MAILLOG#${d}`, SK: `MSG#${sesId}` } }),
    );
    if (found.Item) return found.Item;
  }
  throw new Error(`No mail-log line for ${sesId}`);
}

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

const mailTo = async (address: string): Promise<OutboxEmail[]> =>
  (await outbox(t)).filter((e) => e.destination.to.includes(address));

interface ComplaintView {
  ref: string;
  email?: Record<string, unknown>;
  tasks: { id: string; step: string; ownerReplies?: { excerpt: string }[] }[];
  timeline: { action: string; details?: Record<string, unknown> }[];
  correspondence: Record<string, unknown>[];
}

async function complaint(ref: string, as = 'reception.kowloon-east'): Promise<ComplaintView> {
  const answer = await api.get<ComplaintView>(as, `/api/complaints/${ref}`);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** A new complaint by email, once the workflow has acknowledged it and waits on staff. */
async function newComplaint(from: string, subject: string): Promise<string> {
  const log = await mailLog(await deliver(message({ from, subject, body: `${subject}，請跟進。` })));
  expect(log.outcome, String(log.reason ?? '')).toBe('complaint-opened');
  const ref = String(log.ref);
  await taskOf(ref);
  return ref;
}

const count = (lines: Record<string, unknown>[], outcome: string, reason?: string) =>
  lines.filter((l) => l.outcome === outcome && (reason === undefined || l.reason === reason)).length;

describe('a flood from one address on parallel connections', () => {
  it('opens exactly the limit of complaints and acknowledges only those; the rest are held, every message logged', async () => {
    const owner = 'bomb@example.com';
    const raws = Array.from({ length: 50 }, (_, i) =>
      message({ from: owner, subject: `升降機故障 ${i + 1}`, body: `第${i + 1}次投訴升降機故障。` }),
    );
    const ids = await deliverAll(raws, 25);
    expect(new Set(ids).size).toBe(50);
    const lines = await Promise.all(ids.map((id) => mailLog(id)));
    expect(lines).toHaveLength(50);
    expect(count(lines, 'complaint-opened')).toBe(FLOOD_LIMIT);
    expect(count(lines, 'held', 'flood')).toBe(50 - FLOOD_LIMIT);
    const refs = await complaintsOf(owner);
    expect(refs.sort()).toEqual(
      lines
        .filter((l) => l.outcome === 'complaint-opened')
        .map((l) => String(l.ref))
        .sort(),
    );
    await Promise.all(refs.map((ref) => taskOf(ref)));
    const acks = (await mailTo(owner)).filter((e) => e.subject.includes('已收到您的投訴'));
    expect(acks).toHaveLength(FLOOD_LIMIT);
    expect(await mailTo(owner)).toHaveLength(FLOOD_LIMIT);
  }, 120_000);

  it('counts +tag variants of one mailbox as that mailbox', async () => {
    const raws = Array.from({ length: 12 }, (_, i) =>
      message({ from: `Tagged+${i}@example.com`, subject: `水管漏水 ${i}`, body: '水管漏水。' }),
    );
    const lines = await Promise.all((await deliverAll(raws, 12)).map((id) => mailLog(id)));
    expect(count(lines, 'complaint-opened')).toBe(FLOOD_LIMIT);
    expect(count(lines, 'held', 'flood')).toBe(12 - FLOOD_LIMIT);
  }, 60_000);
});

describe('acknowledgements to one address', () => {
  /** A complaint as email intake opens it, for `email`, without its workflow. */
  async function intakeComplaint(ref: string, email: string): Promise<void> {
    await t.putComplaint(ref, 'kowloon-east', {
      channel: 'email',
      owner: { name: '業主', email, language: 'zh-Hant' },
    });
    await t.db.send(
      new UpdateCommand({
        TableName: t.stack.tableName,
        Key: { PK: `C#${ref}`, SK: 'RECORD' },
        UpdateExpression: 'SET receivedBy = :by',
        ExpressionAttributeValues: {
          ':by': { by: 'email-intake', role: 'system', at: new Date().toISOString() },
        },
      }),
    );
  }

  it('are at most the hour’s limit, the rest withheld and said so on each timeline, once however often retried', async () => {
    const limit = 3;
    const refs = Array.from({ length: 7 }, (_, i) => `KE-2611-${String(9100 + i)}`);
    const addresses = refs.map((_, i) => `forged+${i}@example.org`);
    await Promise.all(refs.map((ref, i) => intakeComplaint(ref, String(addresses[i]))));
    // As the notify-owner function, with its variables, and a lower limit than intake's.
    const notify = (ref: string) =>
      runAsFunction(FUNCTIONS.notifyOwner.id, () =>
        notifyOwner(t.stack.tableName, { ref, kind: 'acknowledgement' }, new Date(), {
          acknowledgementsPerHour: limit,
        }),
      );
    const first = await Promise.all(refs.map(notify));
    expect(first.filter((n) => n.sent)).toHaveLength(limit);
    // A retried step: nothing is sent again, the sent stay sent, the withheld stay withheld.
    const again = await Promise.all(refs.map(notify));
    expect(again.filter((n) => n.sent)).toHaveLength(0);
    expect(again.map((n) => n.emailed)).toEqual(first.map((n) => n.emailed));

    const sent = (await outbox(t)).filter((e) => e.destination.to.some((to) => addresses.includes(to)));
    expect(sent).toHaveLength(limit);
    for (const [i, ref] of refs.entries()) {
      const actions = (await t.complaintItems(ref)).filter((x) => x.type === 'event').map((x) => x.action);
      const withheld = actions.filter((a) => a === 'acknowledgement-withheld-limit');
      expect(withheld, ref).toHaveLength(first[i]?.emailed ? 0 : 1);
    }
  });

  it('are not limited for a complaint a person opened', async () => {
    const ref = 'KE-2611-9200';
    await t.putComplaint(ref, 'kowloon-east', {
      owner: { name: '業主', email: 'forged+staff@example.org', language: 'zh-Hant' },
    });
    const notice = await runAsFunction(FUNCTIONS.notifyOwner.id, () =>
      notifyOwner(t.stack.tableName, { ref, kind: 'acknowledgement' }, new Date(), {
        acknowledgementsPerHour: 1,
      }),
    );
    expect(notice.sent).toBe(true);
  });
});

describe('replies to one complaint', () => {
  it('thread exactly the hour’s limit of replies sent at once; the rest are held untouched until released onto it', async () => {
    const owner = 'chatty@example.com';
    const ref = await newComplaint(owner, '大堂漏水');
    const raws = Array.from({ length: 12 }, (_, i) =>
      message({ from: owner, subject: `Re: [${ref}] 大堂漏水`, body: `補充 ${i + 1}` }),
    );
    const ids = await deliverAll(raws, 12);
    const lines = await Promise.all(ids.map((id) => mailLog(id)));
    expect(count(lines, 'threaded')).toBe(REPLY_LIMIT_PER_HOUR);
    expect(count(lines, 'held', 'reply-flood')).toBe(12 - REPLY_LIMIT_PER_HOUR);
    expect(lines.every((l) => l.ref === ref)).toBe(true);
    const replies = (await complaint(ref)).correspondence.filter((c) => c.kind === 'reply');
    expect(replies).toHaveLength(REPLY_LIMIT_PER_HOUR);

    const heldId = String(lines.find((l) => l.outcome === 'held')?.id);
    const released = await api.post<{ ref: string }>(
      'reception.kowloon-east',
      `/api/mail/${heldId}/release`,
      {},
    );
    expect(released.status).toBe(201);
    expect(released.body.ref).toBe(ref);
    expect(await complaintsOf(owner)).toEqual([ref]);
    const after = await complaint(ref);
    expect(after.correspondence.filter((c) => c.kind === 'reply')).toHaveLength(REPLY_LIMIT_PER_HOUR + 1);
    expect(after.timeline.map((e) => e.action)).toContain('mail-released');
    expect(await mailLog(heldId.slice(11))).toMatchObject({ outcome: 'released', releasedRef: ref });
  }, 60_000);

  it('thread no more than the total limit, counted across hours', async () => {
    const owner = 'patient@example.com';
    const ref = await newComplaint(owner, '外牆剝落');
    // Four replies received three hours ago (SES's receipt time), handed to intake as SES would.
    const earlier = new Date(Date.now() - 3 * 3600_000).toISOString();
    const old = await Promise.all(
      Array.from({ length: 4 }, async (_, i) => {
        const raw = message({ from: owner, subject: `Re: [${ref}] 外牆剝落`, body: `早前補充 ${i}` });
        const sesId = `limit${randomUUID().replace(/-/g, '').slice(0, 20)}`;
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
          receivedAt: earlier,
        });
        const result = (await invokeLocal(intakeHandler, FUNCTIONS.intakeEmail.id, event)) as {
          received: { outcome: string }[];
        };
        // Delivered again (a Lambda retry): counted once.
        await invokeLocal(intakeHandler, FUNCTIONS.intakeEmail.id, event);
        return result.received[0]?.outcome;
      }),
    );
    expect(old).toEqual(['threaded', 'threaded', 'threaded', 'threaded']);
    const raws = Array.from({ length: 5 }, (_, i) =>
      message({ from: owner, subject: `Re: [${ref}] 外牆剝落`, body: `補充 ${i}` }),
    );
    const lines = await Promise.all((await deliverAll(raws, 5)).map((id) => mailLog(id)));
    expect(count(lines, 'threaded')).toBe(REPLY_LIMIT_TOTAL - 4);
    expect(count(lines, 'held', 'reply-flood')).toBe(5 - (REPLY_LIMIT_TOTAL - 4));
    const replies = (await complaint(ref)).correspondence.filter((c) => c.kind === 'reply');
    expect(replies).toHaveLength(REPLY_LIMIT_TOTAL);
  }, 60_000);
});

describe('mail whose sender SES could not authenticate', () => {
  it('opens a complaint marked unverified, with no acknowledgement and its timeline saying why', async () => {
    const owner = 'spoofed@example.com';
    const sesId = await deliver(
      message({
        from: owner,
        subject: '停車場閘門壞了',
        body: '停車場閘門壞了。',
        verdict: 'spf=FAIL dkim=FAIL dmarc=FAIL',
      }),
    );
    const log = await mailLog(sesId);
    expect(log).toMatchObject({ outcome: 'complaint-opened', verdicts: { spf: 'FAIL', dmarc: 'FAIL' } });
    const ref = String(log.ref);
    await taskOf(ref, 'Supervisor review');
    const record = await complaint(ref);
    expect(record.email).toMatchObject({ senderVerified: false });
    expect(record.correspondence.find((c) => c.kind === 'complaint')).toMatchObject({ verified: false });
    expect(record.timeline.map((e) => e.action)).toContain('acknowledgement-withheld-unverified-sender');
    expect(record.timeline.map((e) => e.action)).not.toContain('owner-acknowledgement-sent');
    expect(await mailTo(owner)).toHaveLength(0);
  });

  it('is filed on the complaint marked unverified, and never put on the task waiting for the owner’s answer', async () => {
    const owner = 'plan.owner@example.com';
    const ref = await newComplaint(owner, '外牆有石屎剝落');
    const act = async (username: string, step: string, decision: unknown) => {
      const task = (await complaint(ref, username)).tasks.find((x) => x.step === step);
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

    const forged = await deliver(
      message({ from: owner, subject: `Re: [${ref}] 處理方案`, body: '我接受方案。', verdict: 'dmarc=FAIL' }),
    );
    expect(await mailLog(forged)).toMatchObject({ outcome: 'threaded', ref });
    let record = await complaint(ref, 'followup.kowloon-east');
    expect(record.correspondence.find((c) => c.sesMessageId === forged)).toMatchObject({
      kind: 'reply',
      verified: false,
    });
    expect(record.tasks.find((x) => x.step === 'ownerPlanResponse')?.ownerReplies ?? []).toEqual([]);
    expect(record.timeline.map((e) => e.action)).not.toContain('owner-answer-by-email');

    // The same answer from the owner's authenticated mail goes on the task.
    const real = await deliver(
      message({ from: owner, subject: `Re: [${ref}] 處理方案`, body: '我接受方案。' }),
    );
    record = await complaint(ref, 'followup.kowloon-east');
    expect(record.correspondence.find((c) => c.sesMessageId === real)).not.toHaveProperty('verified');
    expect(record.tasks.find((x) => x.step === 'ownerPlanResponse')?.ownerReplies).toHaveLength(1);
  }, 60_000);
});

describe('mail from our own staff and departments', () => {
  it('is held for review, opening nothing and answering nothing', async () => {
    for (const from of ['supervisor.kowloon-east@staff.estate.example', 'engineering@estate.example']) {
      const sesId = await deliver(message({ from, subject: '測試', body: '請處理。' }));
      expect(await mailLog(sesId)).toMatchObject({ outcome: 'held', reason: 'internal-sender' });
      expect(await complaintsOf(from)).toEqual([]);
    }
  });
});
