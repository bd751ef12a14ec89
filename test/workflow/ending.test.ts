import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ComplaintEndedError } from '#domain/errors.ts';
import { openTask } from '#services/open-task.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { type OutboxEmail, outbox, staffClient } from '../harness/staff-client.ts';
import { newMessageId } from '../intake/messages.ts';

/**
 * Withdraw and refer (issue 17 §4): the owner withdraws (staff record it from a call), or the
 * supervisor refers a matter that is not the company's. The waiting task ends, the workflow
 * goes to the closing note, which tells the owner why, then filing: the record is filed with
 * outcome withdrawn or referred, never deleted. The real ASL in the local engine, the real
 * handlers, driven through the staff API.
 */
let t: TestStack;
let api: ReturnType<typeof staffClient>;

beforeAll(async () => {
  t = await startTestStack();
  api = staffClient(t);
});
afterEach(async () => {
  await t.stopRunningExecutions();
});
afterAll(async () => {
  await t?.stop();
});

const R = {
  reception: 'reception.kowloon-east',
  supervisor: 'supervisor.kowloon-east',
  department: 'engineering.kowloon-east',
  followup: 'followup.kowloon-east',
  clerk: 'clerk.kowloon-east',
  otherReception: 'reception.hk-island',
};
const OWNER = 'chan.taiman@example.com';

const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

async function logComplaint(): Promise<string> {
  const first = t.recordTasks();
  const created = await api.post<{ ref: string }>(R.reception, '/api/complaints', {
    channel: 'phone',
    area: 'kowloon-east',
    building: '海濱花園第三座',
    unit: '12樓B室',
    owner: { name: '陳大文', phone: '+852 9123 4567', email: OWNER },
    content: '樓上單位滲水到浴室天花板。',
    category: 'water-leak',
    checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await first(created.body.ref)).stateName).toBe('Supervisor review');
  return created.body.ref;
}

async function taskOf(username: string, ref: string) {
  const { body } = await api.get<{ items: { id: string; ref: string; step: string }[] }>(
    username,
    '/api/tasks',
  );
  return body.items.find((item) => item.ref === ref);
}

const end = (username: string, ref: string, body: unknown) =>
  api.post<{
    kind?: string;
    tasksEnded?: string[];
    errors?: { field: string; message: string }[];
    message?: string;
  }>(username, `/api/complaints/${encodeURIComponent(ref)}/ending`, body);

interface Record {
  status: string;
  outcome?: string;
  currentStep: string;
  ending?: { kind: string; how?: string; to?: string; reason: string; by: string };
  timeline: { action: string; details?: { [key: string]: unknown } }[];
}
const record = async (ref: string) => (await api.get<Record>(R.supervisor, `/api/complaints/${ref}`)).body;

async function mailsTo(ref: string): Promise<OutboxEmail[]> {
  return (await outbox(t)).filter((m) => m.subject.includes(`[${ref}]`) && m.destination.to.includes(OWNER));
}

describe('the owner withdraws', () => {
  it('ends the waiting step, tells the owner, and files the record as withdrawn', async () => {
    const ref = await logComplaint();
    const filing = t.nextTask(executionArn(ref));
    const withdrawn = await end(R.reception, ref, {
      kind: 'withdrawn',
      how: 'phone',
      reason: '業主來電說樓上已自行維修，不用跟進',
    });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(withdrawn.body.tasksEnded).toHaveLength(1);
    // The supervisor's review is no longer waiting: the clerk files the record.
    expect((await filing).stateName).toBe('File record');
    expect(await taskOf(R.supervisor, ref)).toBeUndefined();

    const before = await record(ref);
    expect(before).toMatchObject({
      status: 'open',
      outcome: 'withdrawn',
      currentStep: 'filing',
      ending: { kind: 'withdrawn', how: 'phone', by: R.reception },
    });
    expect(before.timeline.map((e) => e.action)).toEqual(
      expect.arrayContaining(['withdrawal-recorded', 'complaint-ended']),
    );
    const closing = (await mailsTo(ref)).find((m) => m.subject.includes('Your complaint is withdrawn'));
    expect(closing?.subject).toBe(`[${ref}] 投訴已撤回 Your complaint is withdrawn`);
    expect(closing?.body.text).toContain('已撤回');

    // Once ended, it ends once.
    const again = await end(R.supervisor, ref, { kind: 'referred', to: '水務署', reason: '水錶問題' });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already withdrawn/);

    const clerk = await taskOf(R.clerk, ref);
    expect(clerk?.step).toBe('filing');
    const filed = await api.post(R.clerk, `/api/tasks/${encodeURIComponent(clerk?.id ?? '')}/complete`, {
      location: '2026 投訴檔案 第3冊',
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(200);
    expect((await t.stack.stepFunctions.whenSettled(executionArn(ref))).status).toBe('SUCCEEDED');
    expect(await record(ref)).toMatchObject({ status: 'closed', outcome: 'withdrawn', currentStep: 'filed' });
    // Filed, not deleted: a closed complaint cannot be ended again.
    expect((await end(R.reception, ref, { kind: 'withdrawn', how: 'phone', reason: '再撤回' })).status).toBe(
      409,
    );
  });
});

/** The owner emails the intake address about `ref`, in plain UTF-8, with SES's verdicts. */
async function ownerEmails(ref: string, text: string, verdicts?: string): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.stack.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  const raw = Buffer.from(
    [
      ...(verdicts ? [`X-Local-Verdict: ${verdicts}`] : []),
      `From: 陳大文 <${OWNER}>`,
      'To: complaints@estate.example',
      `Subject: Re: [${ref}] 已收到您的投訴`,
      `Message-ID: <${newMessageId()}>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      ...text.split('\n'),
      '',
      '> 已收到您的投訴',
      '',
    ].join('\r\n'),
  );
  await transport.sendMail({ envelope: { from: OWNER, to: ['complaints@estate.example'] }, raw });
  await t.stack.mailIdle();
}

describe('the owner withdraws by email', () => {
  it('a verified reply from the owner that says so ends the complaint; a forged one, or a question, does not', async () => {
    const ref = await logComplaint();
    // A forged sender (SES's checks failed) cannot end someone's complaint.
    await ownerEmails(ref, '我要求撤回投訴', 'spf=FAIL dkim=FAIL dmarc=FAIL');
    // Nor does a reply that only mentions withdrawing.
    await ownerEmails(ref, '請問如果我撤回投訴，會有什麼影響？');
    expect((await record(ref)).ending).toBeUndefined();
    expect((await taskOf(R.supervisor, ref))?.step).toBe('supervisorReview');

    const filing = t.nextTask(executionArn(ref));
    await ownerEmails(ref, '管理處您好：\n本人現決定撤回此投訴，樓上已自行維修。\n陳大文');
    expect((await filing).stateName).toBe('File record');
    const ended = await record(ref);
    expect(ended).toMatchObject({
      outcome: 'withdrawn',
      ending: { kind: 'withdrawn', how: 'email', by: 'owner' },
    });
    expect(ended.ending?.reason).toContain('本人現決定撤回此投訴');
    // The same words again (or SES delivering it twice) change nothing.
    await ownerEmails(ref, '我要求撤回投訴');
    expect((await record(ref)).timeline.filter((e) => e.action === 'withdrawal-recorded')).toHaveLength(1);
  });
});

describe('the supervisor refers', () => {
  it('refers a matter that is not the company’s, to whom, while the department is committing', async () => {
    const ref = await logComplaint();
    const review = await taskOf(R.supervisor, ref);
    const commitment = t.nextTask(executionArn(ref));
    expect(
      (
        await api.post(R.supervisor, `/api/tasks/${encodeURIComponent(review?.id ?? '')}/complete`, {
          action: 'sign',
          opinion: '安排工程部檢查',
          category: 'water-leak',
          department: 'engineering',
        })
      ).status,
    ).toBe(200);
    expect((await commitment).stateName).toBe('Department commitment');

    // Reception records withdrawals, not referrals; the department neither.
    const byReception = await end(R.reception, ref, { kind: 'referred', to: '水務署', reason: '供水問題' });
    expect(byReception.status).toBe(403);
    expect((await end(R.department, ref, { kind: 'withdrawn', how: 'phone', reason: 'x' })).status).toBe(403);
    // Another area's staff do not see it.
    expect((await end(R.otherReception, ref, { kind: 'withdrawn', how: 'phone', reason: 'x' })).status).toBe(
      403,
    );

    const filing = t.nextTask(executionArn(ref));
    const referred = await end(R.supervisor, ref, {
      kind: 'referred',
      to: '水務署',
      reason: '滲水源自政府水管，須由水務署處理',
    });
    expect(referred.status, JSON.stringify(referred.body)).toBe(200);
    expect((await filing).stateName).toBe('File record');
    expect(await taskOf(R.department, ref)).toBeUndefined();
    expect(await record(ref)).toMatchObject({
      outcome: 'referred',
      ending: { kind: 'referred', to: '水務署', by: R.supervisor },
    });
    const closing = (await mailsTo(ref)).find((m) => m.subject.includes('referred'));
    expect(closing?.body.text).toContain('已轉介：水務署');
    expect(closing?.body.text).toContain('referred to: 水務署');
  });
});

describe('bad input and timing', () => {
  it('refuses each missing or bad field by name', async () => {
    const ref = await logComplaint();
    for (const [body, fields] of [
      [{}, ['kind']],
      [{ kind: 'deleted' }, ['kind']],
      [{ kind: 'withdrawn', reason: '業主撤回' }, ['how']],
      [{ kind: 'withdrawn', how: 'phone', reason: '  ' }, ['reason']],
      [{ kind: 'referred', reason: '政府事務' }, ['to']],
      [{ kind: 'referred', to: '水務署', reason: 'x'.repeat(1001) }, ['reason']],
    ] as const) {
      const answer = await end(R.supervisor, ref, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.errors?.map((e) => e.field)).toEqual(fields);
    }
    // Nothing was ended by any of them.
    expect((await taskOf(R.supervisor, ref))?.step).toBe('supervisorReview');
  });

  it('ends a step the workflow opens after the ending was recorded, before anyone is asked', async () => {
    await t.putComplaint('KE-ENDED-1', 'kowloon-east');
    const ref = 'KE-ENDED-1';
    const recorded = await end(R.reception, ref, {
      kind: 'withdrawn',
      how: 'in-person',
      reason: '業主親臨撤回',
    });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    expect(recorded.body.tasksEnded).toEqual([]);
    await expect(
      openTask(t.stack.tableName, {
        ref,
        area: 'kowloon-east',
        step: 'departmentCommitment',
        role: 'department',
        taskToken: 'token-after-ending',
        timeoutSeconds: 3600,
      }),
    ).rejects.toBeInstanceOf(ComplaintEndedError);
    expect(await taskOf(R.department, ref)).toBeUndefined();
  });
});
