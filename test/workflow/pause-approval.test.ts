import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { calendarFor } from '#domain/deadlines.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { outbox, staffClient } from '../harness/staff-client.ts';

/**
 * A long pause needs the supervisor's approval (issue 17 §2), the real ASL in the local engine
 * and the real handlers, driven through the staff API. A department's pause longer than
 * `pauseApprovalDays` (10 working days by default; "until an event" counts as longer) does not
 * stop the clock by itself: the supervisor's *Approve pause* task opens, the owner is not told
 * yet, and the step keeps the business time it had left at the request. Approved, the owner is
 * told and the step waits paused; refused, the step opens again due in the time it had left. A
 * short pause needs no approval.
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
};
const OWNER = 'chan.tai@example.com';
const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

interface Task {
  id: string;
  ref: string;
  step: string;
  dueAt: string;
  paused?: { reason: string; until?: string; note?: string };
}
const taskOf = async (username: string, ref: string, step: string) =>
  (await api.get<{ items: Task[] }>(username, '/api/tasks')).body.items.find(
    (item) => item.ref === ref && item.step === step,
  );

interface Record {
  pause?: { remainingMinutes: number; approval?: string };
  pauses?: { remainingMinutes: number; resumedAt: string; approval?: string }[];
  escalationCount: number;
  timeline: { action: string; actor?: string; details?: { [key: string]: unknown } }[];
}
const record = async (ref: string) => (await api.get<Record>(R.supervisor, `/api/complaints/${ref}`)).body;
const onHoldMail = async (ref: string) =>
  (await outbox(t)).filter(
    (m) =>
      m.subject.includes(`[${ref}]`) && m.subject.includes('on hold') && m.destination.to.includes(OWNER),
  );

async function atCommitment(): Promise<string> {
  const first = t.recordTasks();
  const created = await api.post<{ ref: string }>(R.reception, '/api/complaints', {
    channel: 'phone',
    area: 'kowloon-east',
    owner: { name: '陳大文', phone: '+852 9123 0001', email: OWNER },
    content: '浴室去水渠淤塞，需更換喉管。',
    category: 'water-leak',
    checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
  });
  expect(created.status).toBe(201);
  const ref = created.body.ref;
  await first(ref);
  const review = await taskOf(R.supervisor, ref, 'supervisorReview');
  const commitment = t.nextTask(executionArn(ref));
  const signed = await api.post(R.supervisor, `/api/tasks/${encodeURIComponent(review?.id ?? '')}/complete`, {
    action: 'sign',
    opinion: '工程部更換喉管',
    category: 'water-leak',
    department: 'engineering',
  });
  expect(signed.status, JSON.stringify(signed.body)).toBe(200);
  expect((await commitment).stateName).toBe('Department commitment');
  return ref;
}

const post = (username: string, task: Task | undefined, verb: string, body: unknown) =>
  api.post<{ errors?: { field: string }[]; approval?: string }>(
    username,
    `/api/tasks/${encodeURIComponent(task?.id ?? '')}/${verb}`,
    body,
  );

describe('a long pause needs the supervisor’s approval', () => {
  it('waits for approval without telling the owner; approved, the owner is told and it resumes with the time it had left', async () => {
    const ref = await atCommitment();
    const commitment = await taskOf(R.department, ref, 'departmentCommitment');
    const asked = t.nextTask(executionArn(ref));
    const answer = await post(R.department, commitment, 'pause', {
      reason: 'parts',
      note: '等候供應商由海外運來喉管',
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.approval).toBe('requested');
    expect((await asked).stateName).toBe('Approve pause');
    // Not paused yet: no paused task, no owner email; the step keeps the time it had left.
    expect(await taskOf(R.department, ref, 'departmentCommitment')).toBeUndefined();
    expect(await onHoldMail(ref)).toEqual([]);
    const waiting = await record(ref);
    expect(waiting.pause?.approval).toBe('requested');
    const remaining = waiting.pause?.remainingMinutes ?? 0;
    expect(remaining).toBeGreaterThan(0);
    expect(waiting.timeline.map((e) => e.action)).toContain('pause-approval-requested');
    expect(waiting.timeline.map((e) => e.action)).not.toContain('step-paused');

    const approval = await taskOf(R.supervisor, ref, 'pauseApproval');
    expect(approval).toBeDefined();
    // Refusing says why.
    const bare = await post(R.supervisor, approval, 'complete', { action: 'refuse' });
    expect(bare.status).toBe(400);
    expect(bare.body.errors?.map((e) => e.field)).toEqual(['note']);

    const paused = t.nextTask(executionArn(ref));
    const approved = await post(R.supervisor, approval, 'complete', { action: 'approve' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect((await paused).stateName).toBe('Paused');
    const [notice] = await onHoldMail(ref);
    expect(notice?.body.text).toContain('等候供應商由海外運來喉管');
    const after = await record(ref);
    expect(after.timeline.find((e) => e.action === 'pause-approved')?.actor).toBe(R.supervisor);

    const held = await taskOf(R.department, ref, 'departmentCommitment');
    expect(held?.paused).toMatchObject({ reason: 'parts' });
    const reopened = t.nextTask(executionArn(ref));
    expect((await post(R.department, held, 'resume', {})).status).toBe(200);
    expect((await reopened).stateName).toBe('Department commitment');
    const resumed = await record(ref);
    const [ended] = resumed.pauses ?? [];
    expect(ended).toMatchObject({ remainingMinutes: remaining, approval: 'approved' });
    const again = await taskOf(R.department, ref, 'departmentCommitment');
    expect(again?.dueAt).toBe(
      calendarFor('kowloon-east')
        .addBusinessMinutes(new Date(ended?.resumedAt ?? ''), remaining)
        .toISOString(),
    );
    expect(resumed.escalationCount).toBe(0);
  });

  it('refused, the step opens again due in the time it had left, and the owner is never told', async () => {
    const ref = await atCommitment();
    const commitment = await taskOf(R.department, ref, 'departmentCommitment');
    const asked = t.nextTask(executionArn(ref));
    // Thirty calendar days: more than ten working days.
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString();
    expect((await post(R.department, commitment, 'pause', { reason: 'owner-access', until })).status).toBe(
      200,
    );
    expect((await asked).stateName).toBe('Approve pause');
    const remaining = (await record(ref)).pause?.remainingMinutes ?? 0;

    const approval = await taskOf(R.supervisor, ref, 'pauseApproval');
    const reopened = t.nextTask(executionArn(ref));
    const refused = await post(R.supervisor, approval, 'complete', {
      action: 'refuse',
      note: '請先與業主另約時間',
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(200);
    expect((await reopened).stateName).toBe('Department commitment');
    const after = await record(ref);
    expect(after.pause).toBeUndefined();
    const [ended] = after.pauses ?? [];
    expect(ended).toMatchObject({ remainingMinutes: remaining, approval: 'refused' });
    const again = await taskOf(R.department, ref, 'departmentCommitment');
    expect(again?.paused).toBeUndefined();
    expect(again?.dueAt).toBe(
      calendarFor('kowloon-east')
        .addBusinessMinutes(new Date(ended?.resumedAt ?? ''), remaining)
        .toISOString(),
    );
    const refusal = after.timeline.find((e) => e.action === 'pause-refused');
    expect(refusal).toMatchObject({ actor: R.supervisor, details: { note: '請先與業主另約時間' } });
    expect(await onHoldMail(ref)).toEqual([]);
  });

  it('a pause within the limit, or the supervisor’s own, needs no approval', async () => {
    const ref = await atCommitment();
    const commitment = await taskOf(R.department, ref, 'departmentCommitment');
    const paused = t.nextTask(executionArn(ref));
    const until = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const answer = await post(R.department, commitment, 'pause', { reason: 'owner-access', until });
    expect(answer.status).toBe(200);
    expect(answer.body.approval).toBeUndefined();
    expect((await paused).stateName).toBe('Paused');
    expect((await record(ref)).timeline.map((e) => e.action)).not.toContain('pause-approval-requested');
  });
});
