import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { type OutboxEmail, outbox, staffClient } from '../harness/staff-client.ts';

/**
 * The complaint procedure end to end: the real ASL in the local engine, the real handlers,
 * dynalite and the SES outbox, driven through the staff API as each role would drive it.
 * The clock is faked (and starts on a Tuesday, 09:00 Hong Kong time), so days-long deadlines
 * pass in a moment while everything else runs in real time.
 */
const START = new Date('2026-12-01T01:00:00Z'); // Tuesday 09:00 HKT
const HOUR = 3600_000;

let t: TestStack;
let api: ReturnType<typeof staffClient>;

beforeAll(async () => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    shouldAdvanceTime: true,
    now: START,
  });
  t = await startTestStack();
  api = staffClient(t);
});
afterAll(async () => {
  await t?.stop();
  vi.useRealTimers();
});

const R = {
  reception: 'reception.kowloon-east',
  supervisor: 'supervisor.kowloon-east',
  otherSupervisor: 'supervisor.hk-island',
  department: 'department.kowloon-east',
  followup: 'followup.kowloon-east',
  customerService: 'customer-service.hk-island',
  manager: 'manager.kowloon-east',
  clerk: 'clerk.kowloon-east',
};

const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

/** Logs a phone complaint as reception; resolves once the workflow waits on its first task. */
async function logComplaint(overrides: Record<string, unknown> = {}) {
  const waiting = t.nextTask();
  const created = await api.post<{ ref: string; status: string }>(R.reception, '/api/complaints', {
    channel: 'phone',
    area: 'kowloon-east',
    building: '海濱花園第三座',
    unit: '12樓B室',
    owner: { name: '陳大文', phone: '+852 9123 4567', email: 'chan.taiman@example.com' },
    content: '浴室天花板滲水已經一星期，樓上單位無人回應。',
    category: 'water-leak',
    checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: false },
    ...overrides,
  });
  expect(created.status).toBe(201);
  const first = await waiting;
  return { ref: created.body.ref, first };
}

/** The caller's open task for a complaint, from GET /api/tasks. */
async function taskOf(username: string, ref: string) {
  const { status, body } = await api.get<{
    items: { id: string; ref: string; step: string; overdue: boolean }[];
  }>(username, '/api/tasks');
  expect(status).toBe(200);
  const task = body.items.find((item) => item.ref === ref);
  if (!task) throw new Error(`${username} has no task for ${ref}: ${JSON.stringify(body.items)}`);
  return task;
}

/** Completes the caller's task for the complaint; resolves when the workflow waits again (or ends). */
async function act(username: string, ref: string, decision: unknown, expectNext = true) {
  const task = await taskOf(username, ref);
  const next = expectNext ? t.nextTask(executionArn(ref)) : undefined;
  const answer = await api.post(username, `/api/tasks/${encodeURIComponent(task.id)}/complete`, decision);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return next ? await next : undefined;
}

function statesEntered(ref: string): string[] {
  return t.stack.stepFunctions
    .getExecutionHistory({ executionArn: executionArn(ref) })
    .events.filter((e) => String(e.type).endsWith('StateEntered'))
    .map((e) =>
      String((e as { stateEnteredEventDetails?: { name?: string } }).stateEnteredEventDetails?.name),
    );
}

async function mailsAbout(ref: string): Promise<OutboxEmail[]> {
  return (await outbox(t)).filter((mail) => mail.subject.includes(`[${ref}]`));
}

const header = (mail: OutboxEmail, name: string) =>
  mail.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

describe('the complaint workflow', () => {
  it('takes a phone complaint through every step to a filed, closed record with the full timeline', async () => {
    const { ref, first } = await logComplaint();
    expect(ref).toMatch(/^KE-2612-\d{4}$/);
    expect(first.stateName).toBe('Supervisor review');

    expect(
      (
        await act(R.supervisor, ref, {
          action: 'sign',
          opinion: '安排工程部檢查喉管',
          category: 'water-leak',
          department: 'engineering',
        })
      )?.stateName,
    ).toBe('Department commitment');
    const plannedStart = new Date(Date.now() + 24 * HOUR).toISOString();
    const plannedCompletion = new Date(Date.now() + 72 * HOUR).toISOString();
    expect((await act(R.department, ref, { plannedStart, plannedCompletion }))?.stateName).toBe(
      'Owner response to plan',
    );
    expect((await act(R.followup, ref, { action: 'accept', comments: '業主同意' }))?.stateName).toBe(
      'Work in progress',
    );
    expect((await act(R.department, ref, { action: 'done', note: '已更換喉管' }))?.stateName).toBe(
      'Satisfaction call-back',
    );
    expect(
      (await act(R.followup, ref, { rating: 'satisfied', comments: '多謝', via: 'phone' }))?.stateName,
    ).toBe('Supervisor sign-off');
    expect((await act(R.supervisor, ref, { note: '已完成' }))?.stateName).toBe('File record');
    await act(R.clerk, ref, { location: '2026 投訴檔案 第12冊' }, false);
    const settled = await t.stack.stepFunctions.whenSettled(executionArn(ref));
    expect(settled.status).toBe('SUCCEEDED');

    const complaint = await api.get<Record<string, unknown>>(R.supervisor, `/api/complaints/${ref}`);
    expect(complaint.status).toBe(200);
    expect(complaint.body).toMatchObject({
      ref,
      status: 'closed',
      outcome: 'resolved',
      currentStep: 'filed',
      channel: 'phone',
      category: 'water-leak',
      department: 'engineering',
      workOrder: { number: `WO-${ref}-1` },
      commitment: { plannedStart, plannedCompletion, by: R.department },
      supervisorReview: { opinion: '安排工程部檢查喉管', by: R.supervisor, role: 'supervisor' },
      satisfaction: { rating: 'satisfied', by: R.followup },
      closingSignature: { by: R.supervisor },
      filed: { by: R.clerk, role: 'clerk', location: '2026 投訴檔案 第12冊' },
      tasks: [],
    });
    const timeline = complaint.body.timeline as { actor: string; role: string; action: string }[];
    const signed = timeline.filter((e) => e.actor !== 'system').map((e) => `${e.role}:${e.action}`);
    expect(signed).toEqual([
      'reception:complaint-received',
      'supervisor:supervisor-signed',
      'department:department-committed',
      'followup:owner-accepted-plan',
      'department:work-done',
      'followup:satisfaction-recorded',
      'supervisor:supervisor-countersigned',
      'clerk:record-filed-by-clerk',
    ]);
    expect(timeline.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'owner-acknowledgement-sent',
        'work-order-issued',
        'owner-plan-sent',
        'complaint-closed',
      ]),
    );

    expect(statesEntered(ref)).toEqual([
      'Needs clarification?',
      'How to acknowledge?',
      'Acknowledge owner',
      'Supervisor review',
      'Review decision',
      'Issue work order',
      'Department commitment',
      'Tell owner the plan',
      'Owner response to plan',
      'Owner objected?',
      'Start work',
      'Work in progress',
      'Work outcome',
      'Ask owner satisfaction',
      'Satisfaction call-back',
      'Owner satisfied?',
      'Supervisor sign-off',
      'Send closing note',
      'File record',
      'Archive record',
      'Complaint closed',
    ]);

    const mails = await mailsAbout(ref);
    const toOwner = mails.filter((m) => m.destination.to.includes('chan.taiman@example.com'));
    expect(toOwner.map((m) => m.subject)).toEqual([
      `[${ref}] 已收到您的投訴 We have received your complaint`,
      `[${ref}] 處理方案及預計完成時間 How we will handle your complaint`,
      `[${ref}] 工作已完成，請評價我們的處理 The work is done: how did we do?`,
      `[${ref}] 投訴已完成處理 Your complaint is closed`,
    ]);
    for (const mail of toOwner) {
      expect(header(mail, 'Auto-Submitted')).toBe('auto-replied');
      // 繁體中文 first, then English.
      const text = String(mail.body.text);
      expect(text.indexOf('陳大文')).toBeLessThan(text.indexOf('Dear'));
      expect(text).not.toContain('taskToken');
    }
    const workOrder = mails.find((m) => m.destination.to.includes('engineering@estate.example'));
    expect(workOrder?.subject).toContain(`WO-${ref}-1`);
    const notices = mails.filter((m) => m.destination.to.some((to) => to.endsWith('@staff.estate.example')));
    expect(notices.map((m) => m.destination.to[0])).toEqual([
      'supervisor.kowloon-east@staff.estate.example',
      'department.kowloon-east@staff.estate.example',
      'followup.kowloon-east@staff.estate.example',
      'department.kowloon-east@staff.estate.example',
      'followup.kowloon-east@staff.estate.example',
      'supervisor.kowloon-east@staff.estate.example',
      'clerk.kowloon-east@staff.estate.example',
    ]);
  });
});
