import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_LIMITS } from '#domain/fields.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * The call log through the local API (POST /api/tasks/{id}/calls), on the real workflow: each
 * call to the owner numbered on its task, however many staff log at once; a reached call
 * completes its step with the decision it carries; after three unanswered calls the step takes
 * its "no answer"; a step that asks for no call, or a task no longer open, is refused saying why.
 */
let t: TestStack;
let api: ReturnType<typeof staffClient>;

interface WaitingTask {
  executionArn: string;
  stateName: string;
}
const waiting: WaitingTask[] = [];
const waiters: { arn: string; state: string; resolve: () => void }[] = [];

beforeAll(async () => {
  t = await startTestStack();
  api = staffClient(t);
  t.stack.stepFunctions.events.on('task-waiting', (task: WaitingTask) => {
    waiting.push(task);
    for (const waiter of [...waiters]) {
      if (waiter.arn === task.executionArn && waiter.state === task.stateName) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
});
afterAll(async () => {
  await t?.stopRunningExecutions();
  await t?.stop();
});

const R = {
  reception: 'reception.kowloon-east',
  supervisor: 'supervisor.kowloon-east',
  department: 'engineering.kowloon-east',
  followup: 'followup.kowloon-east',
  otherFollowup: 'followup.hk-island',
};
const HOUR = 3600_000;
const PHONE = '+852 6123 4567';

const arnOf = (ref: string) => `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

/** Resolves once the complaint's workflow waits on the named step (its task is stored). */
function stepOpened(ref: string, state: string): Promise<void> {
  if (waiting.some((w) => w.executionArn === arnOf(ref) && w.stateName === state)) return Promise.resolve();
  return new Promise((resolve) => waiters.push({ arn: arnOf(ref), state, resolve }));
}

interface Call {
  attempt: number;
  result: string;
  number: string;
  calledAt: string;
  notes?: string;
  by: string;
  taskId: string;
}
interface ComplaintView {
  tasks: { id: string; step: string; call?: { unreachedAfter: number; attempts: Call[] } }[];
  timeline: { action: string; actor: string; at: string; details?: Record<string, unknown> }[];
  satisfaction?: { rating: string; by: string; comments?: string };
  clarifiedPurpose?: string;
  acknowledgedAt?: string;
  currentStep: string;
}
type Answer = {
  errors?: { field: string; message: string }[];
  message?: string;
  call?: Call;
  status?: string;
};

async function taskOf(username: string, ref: string) {
  const { body } = await api.get<{ items: { id: string; ref: string; step: string }[] }>(
    username,
    '/api/tasks',
  );
  const task = body.items.find((item) => item.ref === ref);
  if (!task) throw new Error(`${username} has no task for ${ref}`);
  return task;
}

const view = async (ref: string) =>
  (await api.get<ComplaintView>(R.supervisor, `/api/complaints/${encodeURIComponent(ref)}`)).body;
const logCall = (username: string, taskId: string, body: unknown) =>
  api.post<Answer>(username, `/api/tasks/${encodeURIComponent(taskId)}/calls`, body);
const complete = (username: string, taskId: string, body: unknown) =>
  api.post<Answer>(username, `/api/tasks/${encodeURIComponent(taskId)}/complete`, body);

/** Completes the caller's task through the API and waits for the next step. */
async function act(username: string, ref: string, decision: unknown, next: string) {
  const task = await taskOf(username, ref);
  const opened = stepOpened(ref, next);
  const answer = await complete(username, task.id, decision);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  await opened;
}

async function logComplaint(owner: Record<string, string>, checklist: Record<string, boolean> = {}) {
  const created = await api.post<{ ref: string }>(R.reception, '/api/complaints', {
    channel: 'phone',
    area: 'kowloon-east',
    building: '海濱花園第三座',
    unit: '12樓B室',
    owner: { name: '李小姐', ...owner },
    content: '浴室天花板滲水已經一星期。',
    category: 'water-leak',
    checklist: { keyPointsNoted: true, requestClarified: true, ...checklist },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.ref;
}

/** A complaint of an owner with an email, taken up to the satisfaction call-back. */
async function atSatisfactionCallback(): Promise<{ ref: string; taskId: string }> {
  const ref = await logComplaint({ phone: PHONE, email: 'lee.siuzi@example.com' }, { apologyGiven: true });
  await stepOpened(ref, 'Supervisor review');
  await act(
    R.supervisor,
    ref,
    { action: 'sign', opinion: '安排工程部檢查', category: 'water-leak', department: 'engineering' },
    'Department commitment',
  );
  await act(
    R.department,
    ref,
    {
      plannedStart: new Date(Date.now() + HOUR).toISOString(),
      plannedCompletion: new Date(Date.now() + 48 * HOUR).toISOString(),
    },
    'Owner response to plan',
  );
  // The plan was emailed to this owner: its step is no call.
  const emailed = await logCall(R.followup, (await taskOf(R.followup, ref)).id, {
    number: PHONE,
    result: 'no-answer',
  });
  expect(emailed.status).toBe(400);
  expect(emailed.body.errors?.[0]).toMatchObject({
    field: 'task',
    message: expect.stringMatching(/emailed/),
  });
  await act(R.followup, ref, { action: 'accept' }, 'Work in progress');
  await act(R.department, ref, { action: 'done', note: '業主提早在家' }, 'Satisfaction call-back');
  return { ref, taskId: (await taskOf(R.followup, ref)).id };
}

describe('the call log of the acknowledgement by phone', () => {
  let ref: string;
  let taskId: string;

  it('asks an owner who gave only a phone to be called, and takes no acknowledgement without its call', async () => {
    ref = await logComplaint({ phone: PHONE });
    await stepOpened(ref, 'Acknowledge owner by phone');
    taskId = (await taskOf(R.reception, ref)).id;
    const straight = await complete(R.reception, taskId, { reached: true });
    expect(straight.status).toBe(400);
    expect(straight.body.errors?.map((e) => e.field)).toEqual(['reached']);
    const tooSoon = await complete(R.reception, taskId, { outcome: 'unreached' });
    expect(tooSoon.status).toBe(409);
    expect(tooSoon.body.message).toBe(
      'The owner counts as unreached after 3 unanswered calls; 0 are logged on this task',
    );
    expect((await view(ref)).tasks[0]?.call).toEqual({ unreachedAfter: 3, attempts: [] });
  });

  it('refuses bad input field by field, other roles and areas, and writes nothing for them', async () => {
    const bad = await logCall(R.reception, taskId, {
      number: '12',
      result: 'perhaps',
      notes: '話'.repeat(CALL_LIMITS.notes + 1),
      calledAt: 'yesterday',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field).sort()).toEqual(['calledAt', 'notes', 'number', 'result']);
    const future = await logCall(R.reception, taskId, {
      number: PHONE,
      result: 'no-answer',
      calledAt: new Date(Date.now() + 2 * HOUR).toISOString(),
    });
    expect(future.status).toBe(400);
    expect(future.body.errors).toEqual([{ field: 'calledAt', message: 'The call cannot be later than now' }]);
    const early = await logCall(R.reception, taskId, {
      number: PHONE,
      result: 'no-answer',
      calledAt: new Date(Date.now() - 2 * HOUR).toISOString(),
    });
    expect(early.body.errors).toEqual([
      { field: 'calledAt', message: 'The call must be after the task opened' },
    ]);
    const decided = await logCall(R.reception, taskId, {
      number: PHONE,
      result: 'no-answer',
      decision: { clarifiedPurpose: 'x' },
    });
    expect(decided.body.errors?.map((e) => e.field)).toEqual(['decision']);
    expect((await api.post('reception.kowloon-east', '/api/tasks/KE-0000-0000.none/calls', {})).status).toBe(
      404,
    );
    expect((await logCall(R.followup, taskId, { number: PHONE, result: 'no-answer' })).status).toBe(403);
    expect(
      (await logCall('reception.hk-island', taskId, { number: PHONE, result: 'no-answer' })).status,
    ).toBe(403);
    expect((await view(ref)).timeline.filter((e) => e.action === 'owner-called')).toEqual([]);
  });

  it('numbers calls logged at once by many staff each their own, up to the calls a task takes', async () => {
    // More clients than the task takes calls, all at once: each call that gets in has its own
    // number, and the ones past the limit are refused.
    const tries = CALL_LIMITS.perTask + 4;
    const answers = await Promise.all(
      Array.from({ length: tries }, (_, i) =>
        logCall(R.reception, taskId, {
          number: PHONE,
          result: i % 2 ? 'no-answer' : 'wrong-number',
          notes: `第 ${i + 1} 位同事`,
        }),
      ),
    );
    const logged = answers.filter((a) => a.status === 201);
    expect(logged).toHaveLength(CALL_LIMITS.perTask);
    expect(logged.map((a) => a.body.call?.attempt).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: CALL_LIMITS.perTask }, (_, i) => i + 1),
    );
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused.map((a) => a.status)).toEqual([409, 409, 409, 409]);
    expect(refused[0]?.body.message).toBe(
      `${CALL_LIMITS.perTask} calls are logged on this task, the most it takes: record the step's outcome`,
    );
    const shown = await view(ref);
    expect(shown.tasks[0]?.call?.attempts.map((c) => c.attempt)).toEqual(
      Array.from({ length: CALL_LIMITS.perTask }, (_, i) => i + 1),
    );
    expect(shown.timeline.filter((e) => e.action === 'owner-called')).toHaveLength(CALL_LIMITS.perTask);
  });

  it('moves on as not reached once the calls went unanswered, and takes no call after', async () => {
    const review = stepOpened(ref, 'Supervisor review');
    const unreached = await complete(R.reception, taskId, { outcome: 'unreached', note: '打咗好多次都唔通' });
    expect(unreached.status, JSON.stringify(unreached.body)).toBe(200);
    await review;
    const shown = await view(ref);
    expect(shown.acknowledgedAt).toBeUndefined();
    expect(shown.timeline.find((e) => e.action === 'owner-not-reached')).toMatchObject({
      actor: R.reception,
      details: { step: 'acknowledgeCall', unansweredCalls: CALL_LIMITS.perTask, note: '打咗好多次都唔通' },
    });
    const late = await logCall(R.reception, taskId, { number: PHONE, result: 'reached' });
    expect(late.status).toBe(409);
    expect(late.body.message).toBe('The task is already completed: it takes no more calls');
    // The supervisor's review is no call.
    const review2 = await logCall(R.supervisor, (await taskOf(R.supervisor, ref)).id, {
      number: PHONE,
      result: 'no-answer',
    });
    expect(review2.status).toBe(400);
    expect(review2.body.errors).toEqual([
      { field: 'task', message: 'The step “Sign the record with a handling opinion” asks for no phone call' },
    ]);
    expect(
      (await complete(R.supervisor, (await taskOf(R.supervisor, ref)).id, { outcome: 'unreached' })).status,
    ).toBe(400);
  });

  it('completes the acknowledgement from the call that reaches the owner', async () => {
    const other = await logComplaint({ phone: PHONE });
    await stepOpened(other, 'Acknowledge owner by phone');
    const id = (await taskOf(R.reception, other)).id;
    expect((await logCall(R.reception, id, { number: PHONE, result: 'no-answer' })).body.status).toBe('open');
    const review = stepOpened(other, 'Supervisor review');
    const reached = await logCall(R.reception, id, {
      number: '+852 2345 6789',
      result: 'reached',
      notes: '已致歉，業主明白會盡快安排',
    });
    expect(reached.status, JSON.stringify(reached.body)).toBe(201);
    expect(reached.body).toMatchObject({ status: 'completed', call: { attempt: 2, result: 'reached' } });
    await review;
    const shown = await view(other);
    expect(shown.acknowledgedAt).toBeDefined();
    const lines = shown.timeline.map((e) => e.action);
    expect(lines.indexOf('owner-called')).toBeLessThan(lines.indexOf('owner-acknowledged-by-phone'));
    expect(shown.timeline.find((e) => e.action === 'owner-acknowledged-by-phone')?.details).toMatchObject({
      reached: true,
      note: '已致歉，業主明白會盡快安排',
    });
  });
});

describe('the call log of the satisfaction call-back', () => {
  it('takes the rating with the reached call, after a call that went unanswered', async () => {
    const { ref, taskId } = await atSatisfactionCallback();
    expect((await complete(R.followup, taskId, { rating: 'satisfied', via: 'phone' })).body.errors).toEqual([
      {
        field: 'via',
        message: 'A rating given on the phone is logged with its call: POST /api/tasks/{id}/calls',
      },
    ]);
    const first = await logCall(R.followup, taskId, {
      number: PHONE,
      result: 'no-answer',
      calledAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(first.status).toBe(201);
    expect(first.body.call).toMatchObject({ attempt: 1, result: 'no-answer', by: R.followup });
    expect((await logCall(R.followup, taskId, { number: PHONE, result: 'reached' })).body.errors).toEqual([
      { field: 'decision.rating', message: 'Choose satisfied, basically-satisfied or dissatisfied' },
    ]);
    const signOff = stepOpened(ref, 'Supervisor sign-off');
    const reached = await logCall(R.followup, taskId, {
      number: PHONE,
      result: 'reached',
      notes: '業主話已經冇再漏水',
      decision: { rating: 'basically-satisfied', comments: '師傅遲咗半個鐘' },
    });
    expect(reached.status, JSON.stringify(reached.body)).toBe(201);
    expect(reached.body).toMatchObject({ status: 'completed', call: { attempt: 2 } });
    await signOff;
    const shown = await view(ref);
    expect(shown.satisfaction).toMatchObject({
      rating: 'basically-satisfied',
      comments: '師傅遲咗半個鐘',
      by: R.followup,
    });
    expect(shown.timeline.filter((e) => e.action === 'owner-called').map((e) => e.details)).toEqual([
      expect.objectContaining({ attempt: 1, result: 'no-answer', number: PHONE, taskId }),
      expect.objectContaining({ attempt: 2, result: 'reached', notes: '業主話已經冇再漏水', taskId }),
    ]);
    expect(shown.timeline.find((e) => e.action === 'satisfaction-recorded')?.details).toMatchObject({
      rating: 'basically-satisfied',
      via: 'phone',
    });
  });

  it('records no answer after three unanswered calls, as the call-back’s window does', async () => {
    const { ref, taskId } = await atSatisfactionCallback();
    for (const result of ['no-answer', 'wrong-number']) {
      expect((await logCall(R.followup, taskId, { number: PHONE, result })).status).toBe(201);
    }
    expect((await complete(R.followup, taskId, { outcome: 'unreached' })).body.message).toBe(
      'The owner counts as unreached after 3 unanswered calls; 2 are logged on this task',
    );
    expect((await logCall(R.otherFollowup, taskId, { number: PHONE, result: 'no-answer' })).status).toBe(403);
    expect((await logCall(R.followup, taskId, { number: PHONE, result: 'no-answer' })).status).toBe(201);
    const signOff = stepOpened(ref, 'Supervisor sign-off');
    expect((await complete(R.followup, taskId, { outcome: 'unreached' })).status).toBe(200);
    await signOff;
    const shown = await view(ref);
    expect(shown.satisfaction).toMatchObject({ rating: 'no-answer', by: R.followup });
    expect(shown.timeline.find((e) => e.action === 'satisfaction-no-answer')).toMatchObject({
      actor: R.followup,
      details: { step: 'satisfactionCallback', unansweredCalls: 3 },
    });
  });
});

describe('the call log of clarifying and of the plan', () => {
  it('clarifies from the reached call; phones the plan only to an owner without email, who may be unreached', async () => {
    const ref = await logComplaint({ phone: PHONE }, { requestClarified: false, apologyGiven: true });
    await stepOpened(ref, 'Clarify complaint');
    const clarify = (await taskOf(R.reception, ref)).id;
    const review = stepOpened(ref, 'Supervisor review');
    const reached = await logCall(R.reception, clarify, {
      number: PHONE,
      result: 'reached',
      decision: { clarifiedPurpose: '要求樓上單位維修喉管' },
    });
    expect(reached.status, JSON.stringify(reached.body)).toBe(201);
    await review;
    expect((await view(ref)).clarifiedPurpose).toBe('要求樓上單位維修喉管');

    await act(
      R.supervisor,
      ref,
      { action: 'sign', opinion: '安排工程部檢查', category: 'water-leak', department: 'engineering' },
      'Department commitment',
    );
    await act(
      R.department,
      ref,
      {
        plannedStart: new Date(Date.now() + HOUR).toISOString(),
        plannedCompletion: new Date(Date.now() + 48 * HOUR).toISOString(),
      },
      'Owner response to plan',
    );
    const plan = (await taskOf(R.followup, ref)).id;
    for (let i = 0; i < 3; i++) {
      expect((await logCall(R.followup, plan, { number: PHONE, result: 'no-answer' })).status).toBe(201);
    }
    const work = stepOpened(ref, 'Work in progress');
    expect((await complete(R.followup, plan, { outcome: 'unreached' })).status).toBe(200);
    await work;
    expect((await view(ref)).timeline.find((e) => e.action === 'owner-not-reached')?.details).toMatchObject({
      step: 'ownerPlanResponse',
      unansweredCalls: 3,
    });
  });
});
