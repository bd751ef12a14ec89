import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatEn, formatZh } from '#domain/emails.ts';
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
  // The functions run on the test's thread: vitest's fake clock does not reach another one.
  t = await startTestStack({ functionThread: false });
  api = staffClient(t);
});
afterEach(async () => {
  // A test that failed half-way must not leave timers that fire in the next one.
  await t.stopRunningExecutions();
});
afterAll(async () => {
  await t?.stop();
  vi.useRealTimers();
});

const R = {
  reception: 'reception.kowloon-east',
  supervisor: 'supervisor.kowloon-east',
  otherSupervisor: 'supervisor.hk-island',
  department: 'engineering.kowloon-east',
  followup: 'followup.kowloon-east',
  customerService: 'customer-service.hk-island',
  manager: 'manager.kowloon-east',
  clerk: 'clerk.kowloon-east',
};

const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

/** Logs a phone complaint as reception; resolves once the workflow waits on its first task. */
async function logComplaint(overrides: Record<string, unknown> = {}) {
  const firstTaskOf = t.recordTasks();
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
  const first = await firstTaskOf(created.body.ref);
  return { ref: created.body.ref, first };
}

/**
 * Moves the fake clock just past a deadline. Only just: a longer jump would also fire the
 * timers of requests the handlers start after the deadline (their timeouts), in fake time.
 */
async function passDeadline(dueAt: string) {
  await vi.advanceTimersByTimeAsync(Date.parse(dueAt) - Date.now() + 1000);
}

/** The caller's open task for a complaint, from GET /api/tasks. */
async function taskOf(username: string, ref: string) {
  const { status, body } = await api.get<{
    items: { id: string; ref: string; step: string; overdue: boolean; dueAt: string }[];
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
    .getExecutionHistory({ executionArn: executionArn(ref), maxResults: 1000 })
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

/** These tests report the work done before its committed start (an hour or a day ahead): so they say why. */
const EARLY_NOTE = '業主提早在家，提早完成';

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
    // The call-back's rating comes with the call that reached the owner (the call log).
    const callback = await taskOf(R.followup, ref);
    const signOff = t.nextTask(executionArn(ref));
    const called = await api.post(R.followup, `/api/tasks/${encodeURIComponent(callback.id)}/calls`, {
      number: '+852 9123 4567',
      result: 'reached',
      decision: { rating: 'satisfied', comments: '多謝' },
    });
    expect(called.status, JSON.stringify(called.body)).toBe(201);
    expect((await signOff).stateName).toBe('Supervisor sign-off');
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
      'followup:owner-called',
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
    // Staff are emailed for tasks someone must pick up; routine steps wait in the inbox.
    expect(notices.map((m) => m.destination.to[0])).toEqual([
      'supervisor.kowloon-east@staff.estate.example',
      'followup.kowloon-east@staff.estate.example',
    ]);
  });

  it('climbs supervisor → customer service → manager by itself when nobody acts, and keeps reminding the manager', async () => {
    // Logged on a Monday before the office opens: the supervisor has until 18:00 that day.
    vi.setSystemTime(new Date('2026-12-07T00:30:00Z'));
    const { ref, first } = await logComplaint();
    expect(first.stateName).toBe('Supervisor review');
    const arn = executionArn(ref);

    const review = await taskOf(R.supervisor, ref);
    expect(review.dueAt.slice(0, 16)).toBe('2026-12-07T10:00');
    let next = t.nextTask(arn);
    await passDeadline(review.dueAt);
    expect((await next).stateName).toBe('Escalate to customer service');
    const csTask = await taskOf(R.customerService, ref); // head office sees every area
    expect(csTask.step).toBe('escalationCustomerService');
    // Customer service has one working day too: from Monday evening to Tuesday 18:00.
    expect(csTask.dueAt.slice(0, 16)).toBe('2026-12-08T10:00');

    next = t.nextTask(arn);
    await passDeadline(csTask.dueAt);
    expect((await next).stateName).toBe('Escalate to manager');

    const managerTask = await taskOf(R.manager, ref);
    next = t.nextTask(arn);
    await passDeadline(managerTask.dueAt);
    expect((await next).stateName).toBe('Escalate to manager');

    expect(statesEntered(ref).slice(3)).toEqual([
      'Supervisor review',
      'Supervisor review overdue',
      'Record overdue',
      'Which level?',
      'Escalate to customer service',
      'Customer service escalation overdue',
      'Record overdue',
      'Which level?',
      'Escalate to manager',
      'Manager escalation overdue',
      'Remind manager',
      'Escalate to manager',
    ]);
    const complaint = await api.get<{
      timeline: { action: string; details?: Record<string, unknown> }[];
      tasks: { step: string }[];
    }>(R.manager, `/api/complaints/${ref}`);
    expect(complaint.body.tasks.map((task) => task.step)).toEqual(['escalationManager']);
    const overdue = complaint.body.timeline
      .filter((e) => e.action === 'step-overdue')
      .map((e) => e.details?.overdueStep);
    expect(overdue).toEqual(['supervisorReview', 'escalationCustomerService']);
    expect(complaint.body.timeline.filter((e) => e.action === 'manager-reminded')).toHaveLength(1);

    const notices = (await mailsAbout(ref)).filter((m) =>
      m.destination.to[0]?.endsWith('@staff.estate.example'),
    );
    expect(notices.map((m) => m.destination.to[0])).toEqual([
      'supervisor.kowloon-east@staff.estate.example',
      'customer-service.kowloon-east@staff.estate.example',
      'manager.kowloon-east@staff.estate.example',
      'manager.kowloon-east@staff.estate.example',
    ]);
    expect(notices[3]?.subject).toContain('提醒');

    // The manager acts at last: resolved, the complaint goes back to the supervisor's review.
    expect((await act(R.manager, ref, { action: 'resolve', note: '已與主任跟進' }))?.stateName).toBe(
      'Supervisor review',
    );
    await t.sfn.send(new StopExecutionCommand({ executionArn: arn }));
  });

  it('keeps a complaint whose step missed its deadline overdue while the ladder has it, up to the manager’s reminder', async () => {
    const { ref } = await logComplaint();
    const arn = executionArn(ref);
    const listedOverdue = async (username: string) => {
      const { status, body } = await api.get<{ items: { ref: string; overdue: boolean }[] }>(
        username,
        '/api/complaints?overdue=true&limit=100',
      );
      expect(status).toBe(200);
      return body.items.find((item) => item.ref === ref)?.overdue;
    };
    const review = await taskOf(R.supervisor, ref);
    expect(await listedOverdue(R.manager)).toBeUndefined();

    let next = t.nextTask(arn);
    await passDeadline(review.dueAt);
    expect((await next).stateName).toBe('Escalate to customer service');
    const csTask = await taskOf(R.customerService, ref);
    // Its own deadline is a working day away; the supervisor's review is late already.
    expect(Date.parse(csTask.dueAt)).toBeGreaterThan(Date.now());
    expect(csTask.overdue).toBe(true);
    expect(await listedOverdue(R.manager)).toBe(true);
    expect(await listedOverdue(R.customerService)).toBe(true);

    next = t.nextTask(arn);
    await passDeadline(csTask.dueAt);
    expect((await next).stateName).toBe('Escalate to manager');
    const managerTask = await taskOf(R.manager, ref);
    expect(Date.parse(managerTask.dueAt)).toBeGreaterThan(Date.now());
    expect(managerTask.overdue).toBe(true);
    expect(await listedOverdue(R.manager)).toBe(true);

    next = t.nextTask(arn);
    await passDeadline(managerTask.dueAt);
    expect((await next).stateName).toBe('Escalate to manager');
    const reminded = await taskOf(R.manager, ref);
    expect(reminded.id).not.toBe(managerTask.id);
    expect(reminded.overdue).toBe(true);
    expect(await listedOverdue(R.manager)).toBe(true);
    // Two escalations (the review, then customer service, ran out); the reminder is not one.
    const complaint = await api.get<{ escalationCount: number; timeline: { action: string }[] }>(
      R.manager,
      `/api/complaints/${ref}`,
    );
    expect(complaint.body.escalationCount).toBe(2);
    expect(complaint.body.timeline.filter((e) => e.action === 'manager-reminded')).toHaveLength(1);
    await t.sfn.send(new StopExecutionCommand({ executionArn: arn }));
  });

  it('sends an obstacle the supervisor cannot clear to customer service, who sets a new completion date', async () => {
    const { ref } = await reachWorkInProgress();
    expect(
      (await act(R.department, ref, { action: 'obstacle', obstacle: '需要樓上業主配合入屋' }))?.stateName,
    ).toBe('Coordinate obstacle');
    expect((await act(R.supervisor, ref, { action: 'escalate', note: '樓上業主不合作' }))?.stateName).toBe(
      'Escalate to customer service',
    );
    const newCompletion = new Date(Date.now() + 120 * HOUR).toISOString();
    const missingDate = await api.post(
      R.customerService,
      `/api/tasks/${encodeURIComponent((await taskOf(R.customerService, ref)).id)}/complete`,
      {
        action: 'resolve',
        note: '已聯絡樓上業主',
      },
    );
    expect(missingDate.status).toBe(400);
    expect(missingDate.body).toEqual({
      errors: [{ field: 'plannedCompletion', message: 'Give the new committed completion for the work' }],
    });
    expect(
      (
        await act(R.customerService, ref, {
          action: 'resolve',
          note: '已聯絡樓上業主',
          plannedCompletion: newCompletion,
        })
      )?.stateName,
    ).toBe('Work in progress');
    const complaint = await api.get<{
      commitment: { plannedCompletion: string };
      timeline: { action: string }[];
    }>(R.supervisor, `/api/complaints/${ref}`);
    expect(complaint.body.commitment.plannedCompletion).toBe(newCompletion);
    expect(complaint.body.timeline.map((e) => e.action)).toEqual(
      expect.arrayContaining(['obstacle-reported', 'escalated', 'escalation-resolved']),
    );
    // The work's new deadline is the new committed completion.
    const tasks = await api.get<{ items: { ref: string; dueAt: string }[] }>(R.department, '/api/tasks');
    expect(tasks.body.items.find((task) => task.ref === ref)?.dueAt.slice(0, 16)).toBe(
      newCompletion.slice(0, 16),
    );
    await t.sfn.send(new StopExecutionCommand({ executionArn: executionArn(ref) }));
  });

  it('escalates to the supervisor when the department misses its committed completion', async () => {
    const { ref, plannedCompletion } = await reachWorkInProgress(30);
    const work = await taskOf(R.department, ref);
    // Due at the committed completion (to the second: deadlines are whole seconds).
    expect(Math.abs(Date.parse(work.dueAt) - Date.parse(plannedCompletion))).toBeLessThan(2000);
    const next = t.nextTask(executionArn(ref));
    await passDeadline(work.dueAt);
    expect((await next).stateName).toBe('Escalate to supervisor');
    expect((await taskOf(R.supervisor, ref)).step).toBe('escalationSupervisor');
    await t.sfn.send(new StopExecutionCommand({ executionArn: executionArn(ref) }));
  });

  it('sends an objection back to supervisor review, and the manager decides once objections pass the limit', async () => {
    const { ref } = await logComplaint();
    const arn = executionArn(ref);
    for (let round = 1; round <= 3; round++) {
      await act(R.supervisor, ref, {
        action: 'sign',
        opinion: `方案 ${round}`,
        category: 'water-leak',
        department: 'engineering',
      });
      await act(R.department, ref, {
        plannedStart: new Date(Date.now() + 24 * HOUR).toISOString(),
        plannedCompletion: new Date(Date.now() + 48 * HOUR).toISOString(),
      });
      const next = await act(R.followup, ref, { action: 'object', comments: `業主不同意方案 ${round}` });
      expect(next?.stateName).toBe(round < 3 ? 'Supervisor review' : 'Escalate to manager');
    }
    const plans = (await mailsAbout(ref)).filter(
      (m) => m.destination.to.includes('chan.taiman@example.com') && m.subject.includes('處理方案'),
    );
    expect(plans).toHaveLength(3);
    expect(statesEntered(ref)).toContain('Objections exhausted');
    await t.sfn.send(new StopExecutionCommand({ executionArn: arn }));
  });

  it('reopens a dissatisfied complaint with a new work order, and closes it when the supervisor decides so', async () => {
    const { ref } = await reachWorkInProgress();
    await act(R.department, ref, { action: 'done', note: EARLY_NOTE });
    expect((await act(R.followup, ref, { rating: 'dissatisfied', comments: '仍然滲水' }))?.stateName).toBe(
      'Review dissatisfaction',
    );
    expect((await act(R.supervisor, ref, { action: 'reopen', note: '再次檢查' }))?.stateName).toBe(
      'Department commitment',
    );
    const orders = (await mailsAbout(ref)).filter((m) =>
      m.destination.to.includes('engineering@estate.example'),
    );
    expect(orders.map((m) => m.subject.match(/WO-[\w-]+/)?.[0])).toEqual([`WO-${ref}-1`, `WO-${ref}-2`]);
    await act(R.department, ref, {
      plannedStart: new Date(Date.now() + HOUR).toISOString(),
      plannedCompletion: new Date(Date.now() + 24 * HOUR).toISOString(),
    });
    await act(R.followup, ref, { action: 'accept' });
    await act(R.department, ref, { action: 'done', note: EARLY_NOTE });
    await act(R.followup, ref, { rating: 'dissatisfied', comments: '不滿意' });
    expect(
      (await act(R.supervisor, ref, { action: 'close', note: '已盡力處理，業主要求超出範圍' }))?.stateName,
    ).toBe('Supervisor sign-off');
    const complaint = await api.get<{ reopenCount: number; satisfaction: { rating: string } }>(
      R.supervisor,
      `/api/complaints/${ref}`,
    );
    expect(complaint.body).toMatchObject({ reopenCount: 1, satisfaction: { rating: 'dissatisfied' } });
    await t.sfn.send(new StopExecutionCommand({ executionArn: executionArn(ref) }));
  });

  it('records no answer when the owner does not answer the satisfaction request in time, and goes on to sign-off', async () => {
    const { ref } = await reachWorkInProgress();
    expect((await act(R.department, ref, { action: 'done', note: EARLY_NOTE }))?.stateName).toBe(
      'Satisfaction call-back',
    );
    const callback = await taskOf(R.followup, ref);
    const next = t.nextTask(executionArn(ref));
    await passDeadline(callback.dueAt);
    expect((await next).stateName).toBe('Supervisor sign-off');
    const complaint = await api.get<{ satisfaction: { rating: string } }>(
      R.supervisor,
      `/api/complaints/${ref}`,
    );
    expect(complaint.body.satisfaction.rating).toBe('no-answer');
    await t.sfn.send(new StopExecutionCommand({ executionArn: executionArn(ref) }));
  });

  it('tells the owner one deadline for the plan and for the satisfaction request: the step’s own', async () => {
    const { ref } = await logComplaint();
    await act(R.supervisor, ref, {
      action: 'sign',
      opinion: '安排工程部檢查',
      category: 'water-leak',
      department: 'engineering',
    });
    const atPlan = await act(R.department, ref, {
      plannedStart: new Date(Date.now() + HOUR).toISOString(),
      plannedCompletion: new Date(Date.now() + 72 * HOUR).toISOString(),
    });
    expect(atPlan?.stateName).toBe('Owner response to plan');
    await expectOneDeadline(ref, R.followup, '處理方案', 'ownerPlanResponse');

    await act(R.followup, ref, { action: 'accept' });
    expect((await act(R.department, ref, { action: 'done', note: EARLY_NOTE }))?.stateName).toBe(
      'Satisfaction call-back',
    );
    await expectOneDeadline(ref, R.followup, '請評價', 'satisfactionCallback');
    await t.sfn.send(new StopExecutionCommand({ executionArn: executionArn(ref) }));
  });

  it('starts the work when the owner lets the objection window pass', async () => {
    const { ref } = await logComplaint();
    await act(R.supervisor, ref, {
      action: 'sign',
      opinion: '安排維修',
      category: 'repairs',
      department: 'engineering',
    });
    await act(R.department, ref, {
      plannedStart: new Date(Date.now() + HOUR).toISOString(),
      plannedCompletion: new Date(Date.now() + 30 * 24 * HOUR).toISOString(),
    });
    const window = await taskOf(R.followup, ref);
    expect(window.step).toBe('ownerPlanResponse');
    const next = t.nextTask(executionArn(ref));
    await passDeadline(window.dueAt);
    expect((await next).stateName).toBe('Work in progress');
    const complaint = await api.get<{ timeline: { action: string; details?: Record<string, unknown> }[] }>(
      R.supervisor,
      `/api/complaints/${ref}`,
    );
    expect(complaint.body.timeline.find((e) => e.action === 'work-started')?.details).toMatchObject({
      ownerWindowClosedWithoutObjection: true,
    });
    await t.sfn.send(new StopExecutionCommand({ executionArn: executionArn(ref) }));
  });

  it('acknowledges by a phone task when the owner gave only a phone, and not at all when reception apologised', async () => {
    const phoneOnly = await logComplaint({ owner: { name: '李小姐', phone: '+852 6123 4567' } });
    expect(phoneOnly.first.stateName).toBe('Acknowledge owner by phone');
    expect((await taskOf(R.reception, phoneOnly.ref)).step).toBe('acknowledgeCall');
    const apologised = await logComplaint({
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    });
    expect(apologised.first.stateName).toBe('Supervisor review');
    expect(await mailsAbout(apologised.ref)).toHaveLength(1); // the supervisor's task notice only
    const unclear = await logComplaint({ checklist: { keyPointsNoted: true, requestClarified: false } });
    expect(unclear.first.stateName).toBe('Clarify complaint');
    for (const ref of [phoneOnly.ref, apologised.ref, unclear.ref]) {
      await t.sfn.send(new StopExecutionCommand({ executionArn: executionArn(ref) }));
    }
  });

  it('files a complaint the supervisor rejects as not a complaint, with the reason told to the owner', async () => {
    const { ref } = await logComplaint({ content: '查詢停車位月費價格。', category: 'parking' });
    expect(
      (await act(R.supervisor, ref, { action: 'reject', reason: '屬查詢，已由管理處直接回覆' }))?.stateName,
    ).toBe('File record');
    await act(R.clerk, ref, {}, false);
    expect((await t.stack.stepFunctions.whenSettled(executionArn(ref))).status).toBe('SUCCEEDED');
    const complaint = await api.get<Record<string, unknown>>(R.supervisor, `/api/complaints/${ref}`);
    expect(complaint.body).toMatchObject({
      status: 'closed',
      outcome: 'rejected',
      rejection: { reason: '屬查詢，已由管理處直接回覆' },
    });
    const closing = (await mailsAbout(ref)).find((m) => m.subject.includes('投訴處理結果'));
    expect(closing?.body.text).toContain('屬查詢，已由管理處直接回覆');
  });
});

describe('the staff task API', () => {
  it('lets only the task’s role in its area act, answers a second completion with 409, and validates per step', async () => {
    const { ref } = await logComplaint();
    const task = await taskOf(R.supervisor, ref);
    const path = `/api/tasks/${encodeURIComponent(task.id)}/complete`;
    const sign = { action: 'sign', opinion: '跟進', category: 'water-leak', department: 'engineering' };

    const asDepartment = await api.post(R.department, path, sign);
    expect(asDepartment.status).toBe(403);
    expect(asDepartment.body.message).toBe(
      'This step is for the supervisor role; you are signed in as department',
    );
    const otherArea = await api.post(R.otherSupervisor, path, sign);
    expect(otherArea.status).toBe(403);
    expect(otherArea.body.message).toBe('This task belongs to kowloon-east; you act for hk-island');
    expect((await api.get(R.otherSupervisor, `/api/complaints/${ref}`)).status).toBe(403);

    const invalid = await api.post(R.supervisor, path, { action: 'sign', opinion: '', category: 'weather' });
    expect(invalid.status).toBe(400);
    expect((invalid.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'category',
      'department',
      'opinion',
    ]);
    expect((await api.post(R.supervisor, path, 'not json')).status).toBe(400);

    const next = t.nextTask(executionArn(ref));
    expect((await api.post(R.supervisor, path, sign)).status).toBe(200);
    await next;
    const again = await api.post(R.supervisor, path, sign);
    expect(again.status).toBe(409);
    const complaint = await api.get<{ timeline: { action: string }[] }>(
      R.supervisor,
      `/api/complaints/${ref}`,
    );
    expect(complaint.body.timeline.filter((e) => e.action === 'supervisor-signed')).toHaveLength(1);
    await t.sfn.send(new StopExecutionCommand({ executionArn: executionArn(ref) }));
  });

  it('refuses a complaint with clear messages per field, and one from another area', async () => {
    const bad = await api.post(R.reception, '/api/complaints', {
      channel: 'pigeon',
      area: 'kowloon-east',
      owner: { name: '' },
      content: '',
    });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'channel',
      'content',
      'owner.name',
      'owner.phone',
    ]);
    const elsewhere = await api.post(R.reception, '/api/complaints', {
      channel: 'phone',
      area: 'hk-island',
      owner: { name: '張先生', phone: '+852 2111 2222' },
      content: '垃圾房有異味',
    });
    expect(elsewhere.status).toBe(403);
    const clerk = await api.post(R.clerk, '/api/complaints', {});
    expect(clerk.status).toBe(403);
  });

  it('lists complaints newest first with filters, and pages', async () => {
    const list = await api.get<{
      items: { ref: string; receivedAt: string; area: string }[];
      nextToken?: string;
    }>(R.supervisor, '/api/complaints?limit=2');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect(String(list.body.items[0]?.receivedAt) >= String(list.body.items[1]?.receivedAt)).toBe(true);
    expect(list.body.items.every((item) => item.area === 'kowloon-east')).toBe(true);
    const page2 = await api.get<{ items: { ref: string }[] }>(
      R.supervisor,
      `/api/complaints?limit=2&nextToken=${list.body.nextToken}`,
    );
    expect(page2.body.items.map((i) => i.ref)).not.toContain(list.body.items[0]?.ref);
    const closed = await api.get<{ items: { status: string }[] }>(
      R.supervisor,
      '/api/complaints?status=closed',
    );
    expect(closed.body.items.length).toBeGreaterThan(0);
    expect(closed.body.items.every((item) => item.status === 'closed')).toBe(true);
    expect((await api.get(R.supervisor, '/api/complaints?area=hk-island')).status).toBe(403);
  });
});

/** Logs a complaint and drives it to the work in progress, completion due in `hours`. */
/**
 * The owner's email (both languages), the owner's page and the staff task give the same
 * deadline: the step's, which the workflow enforces (to the minute, as the email shows it).
 */
async function expectOneDeadline(ref: string, username: string, subjectWords: string, step: string) {
  const task = await taskOf(username, ref);
  expect(task.step).toBe(step);
  const email = (await mailsAbout(ref)).filter(
    (m) => m.destination.to.includes('chan.taiman@example.com') && m.subject.includes(subjectWords),
  );
  expect(email).toHaveLength(1);
  const text = String(email[0]?.body.text);
  expect(text).toContain(formatZh(task.dueAt));
  expect(text).toContain(formatEn(task.dueAt));
  const linkId = /\/owner\/([A-Za-z0-9_-]+)/.exec(text)?.[1];
  const page = await fetch(`${t.stack.urls.web}/api/owner/${linkId}`);
  expect(page.status).toBe(200);
  const view = (await page.json()) as { step: string; answerBy: string; expiresAt: string };
  expect(view.step).toBe(step);
  expect(view.answerBy).toBe(task.dueAt);
  // The link may work longer than the deadline, never shorter.
  expect(Date.parse(view.expiresAt)).toBeGreaterThanOrEqual(Date.parse(view.answerBy));
}

async function reachWorkInProgress(hours = 72) {
  const { ref } = await logComplaint();
  await act(R.supervisor, ref, {
    action: 'sign',
    opinion: '安排工程部檢查',
    category: 'water-leak',
    department: 'engineering',
  });
  const plannedCompletion = new Date(Date.now() + hours * HOUR).toISOString();
  await act(R.department, ref, {
    plannedStart: new Date(Date.now() + HOUR).toISOString(),
    plannedCompletion,
  });
  const next = await act(R.followup, ref, { action: 'accept' });
  expect(next?.stateName).toBe('Work in progress');
  return { ref, plannedCompletion };
}
