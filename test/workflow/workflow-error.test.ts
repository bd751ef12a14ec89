import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_IDS } from '#config/workflow.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { type OutboxEmail, outbox, staffClient } from '../harness/staff-client.ts';

/**
 * No failed dead end (issue 17 §5): a step whose Lambda fails every retry lands on customer
 * service's *Resolve workflow error* task, and each of its three actions carries the complaint
 * on. The fault: every request to SES refused (throttling or an internal failure, as SES sends
 * them under load: test/harness/fault-proxy.ts) while `sesDown` is set, so the owner's plan
 * notice (notify-owner) fails its own SDK retries and then every Step Functions retry.
 * Scaled time (an hour a second) makes the retries' waits pass in moments (the local engine
 * scales them: local/stepfunctions/engine.ts); the steps get long deadlines so nothing runs
 * late while the test acts.
 */
let t: TestStack;
let api: ReturnType<typeof staffClient>;
let sesDown = false;
const settingsBefore = process.env.WORKFLOW_SETTINGS;
const attemptsBefore = process.env.AWS_MAX_ATTEMPTS;

beforeAll(async () => {
  // 100 working days a step: at an hour a second, over an hour of the test's time.
  process.env.WORKFLOW_SETTINGS = JSON.stringify({
    businessMinutes: Object.fromEntries(STEP_IDS.map((step) => [step, 100 * 9 * 60])),
  });
  // One SDK attempt per call: the SDK's own waits between attempts run in real time, and
  // here it is Step Functions' retries, each a new invocation, that are exhausted.
  process.env.AWS_MAX_ATTEMPTS = '1';
  t = await startTestStack({
    timeScale: 3600,
    faults: { rate: 1, seed: 17, services: ['ses'], when: () => sesDown },
  });
  api = staffClient(t);
});
afterAll(async () => {
  await t?.stopRunningExecutions();
  await t?.stop();
  if (attemptsBefore === undefined) delete process.env.AWS_MAX_ATTEMPTS;
  else process.env.AWS_MAX_ATTEMPTS = attemptsBefore;
  if (settingsBefore === undefined) delete process.env.WORKFLOW_SETTINGS;
  else process.env.WORKFLOW_SETTINGS = settingsBefore;
});

const R = {
  reception: 'reception.kowloon-east',
  supervisor: 'supervisor.kowloon-east',
  department: 'engineering.kowloon-east',
  followup: 'followup.kowloon-east',
  customerService: 'customer-service.hk-island',
};

const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

interface ListedTask {
  id: string;
  ref: string;
  step: string;
  role: string;
  failure?: { state: string; step?: string; error?: { Error?: string; Cause?: string } };
}

async function taskOf(username: string, ref: string): Promise<ListedTask> {
  const { status, body } = await api.get<{ items: ListedTask[] }>(username, '/api/tasks');
  expect(status).toBe(200);
  const task = body.items.find((item) => item.ref === ref);
  if (!task) throw new Error(`${username} has no task for ${ref}: ${JSON.stringify(body.items)}`);
  return task;
}

async function complete(username: string, ref: string, decision: unknown) {
  const task = await taskOf(username, ref);
  return api.post(username, `/api/tasks/${encodeURIComponent(task.id)}/complete`, decision);
}

/** Completes the caller's task; resolves with the state the workflow waits on next. */
async function act(username: string, ref: string, decision: unknown): Promise<string> {
  const next = t.nextTask(executionArn(ref));
  const answer = await complete(username, ref, decision);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (await next).stateName;
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

const sesFaults = () =>
  Object.values(t.faults().injected.ses).reduce((n, phases) => n + phases.before + phases.after, 0);

/**
 * Logs a phone complaint and takes it to the department's commitment; then, with SES down,
 * commits the plan: telling the owner fails every retry, and the workflow waits on customer
 * service. Resolves with the complaint's reference once the Resolve workflow error task is open.
 */
async function failingPlanNotice(): Promise<string> {
  const first = t.recordTasks();
  const created = await api.post<{ ref: string }>(R.reception, '/api/complaints', {
    channel: 'phone',
    area: 'kowloon-east',
    building: '海濱花園第三座',
    unit: '12樓B室',
    owner: { name: '陳大文', phone: '+852 9123 4567', email: 'chan.taiman@example.com' },
    content: '大堂升降機經常故障。',
    category: 'facilities',
    checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const ref = created.body.ref;
  expect((await first(ref)).stateName).toBe('Supervisor review');
  expect(
    await act(R.supervisor, ref, {
      action: 'sign',
      opinion: '安排工程部檢查升降機',
      category: 'facilities',
      department: 'engineering',
    }),
  ).toBe('Department commitment');

  const faultsBefore = sesFaults();
  sesDown = true;
  const plannedStart = new Date(Date.now() + 24 * 3600_000).toISOString();
  const plannedCompletion = new Date(Date.now() + 72 * 3600_000).toISOString();
  expect(await act(R.department, ref, { plannedStart, plannedCompletion })).toBe('Resolve workflow error');
  // The notice was tried again and again (the SDK's attempts within each of Step Functions'
  // nine): every one refused.
  expect(sesFaults() - faultsBefore).toBeGreaterThanOrEqual(9);
  return ref;
}

describe('a Lambda that fails every retry', () => {
  it('lands on Resolve workflow error for customer service, with the error and the failed step; retry runs it again, and once the fault is gone the owner is told the plan', async () => {
    const ref = await failingPlanNotice();
    const history = statesEntered(ref);
    expect(history.slice(-4)).toEqual([
      'Tell owner the plan',
      'Tell owner the plan failed',
      'Record workflow error',
      'Resolve workflow error',
    ]);
    const running = t.stack.stepFunctions.describeExecution({ executionArn: executionArn(ref) });
    expect(running.status).toBe('RUNNING');

    // Customer service of the complaint's area has it, with what failed and why.
    const task = await taskOf(R.customerService, ref);
    expect(task).toMatchObject({
      step: 'resolveWorkflowError',
      role: 'customer-service',
      failure: { state: 'Tell owner the plan' },
    });
    expect(['Throttling', 'InternalFailure']).toContain(task.failure?.error?.Error);
    const complaint = await api.get<{
      currentStep: string;
      timeline: { action: string; details?: Record<string, unknown> }[];
    }>(R.supervisor, `/api/complaints/${ref}`);
    expect(complaint.body.currentStep).toBe('resolveWorkflowError');
    expect(complaint.body.timeline.find((e) => e.action === 'workflow-error')?.details).toMatchObject({
      failedState: 'Tell owner the plan',
      error: task.failure?.error?.Error,
    });
    // No plan went out while SES refused it.
    expect(complaint.body.timeline.map((e) => e.action)).not.toContain('owner-plan-sent');

    // Retried while SES is still down: it fails again, and a new task opens. Nothing is lost.
    expect(await act(R.customerService, ref, { action: 'retry' })).toBe('Resolve workflow error');
    const again = await taskOf(R.customerService, ref);
    expect(again.id).not.toBe(task.id);

    // The cause is fixed: the retry tells the owner the plan and the procedure goes on.
    sesDown = false;
    const before = (await mailsAbout(ref)).length;
    expect(await act(R.customerService, ref, { action: 'retry', note: 'SES 已恢復' })).toBe(
      'Owner response to plan',
    );
    const sent = (await mailsAbout(ref)).slice(before);
    expect(sent.flatMap((m) => m.destination.to)).toContain('chan.taiman@example.com');
    const timeline = (
      await api.get<{ timeline: { action: string; role: string }[] }>(R.supervisor, `/api/complaints/${ref}`)
    ).body.timeline;
    expect(timeline.filter((e) => e.action === 'workflow-step-retried')).toHaveLength(2);
    expect(timeline.map((e) => e.action)).toContain('owner-plan-sent');
    expect(statesEntered(ref).slice(-3)).toEqual([
      'Workflow error decision',
      'Tell owner the plan',
      'Owner response to plan',
    ]);
  });

  it('skip goes on to the step after the failed one, with the reason on the timeline', async () => {
    const ref = await failingPlanNotice();
    sesDown = false;
    // A reason is required to skip: a clear 400 naming the field.
    const bare = await complete(R.customerService, ref, { action: 'skip' });
    expect(bare.status).toBe(400);
    expect(bare.body).toEqual({ errors: [{ field: 'reason', message: 'Write why the step is skipped' }] });

    expect(await act(R.customerService, ref, { action: 'skip', reason: '已致電業主口頭告知處理方案' })).toBe(
      'Owner response to plan',
    );
    expect(statesEntered(ref).slice(-3)).toEqual([
      'Resolve workflow error',
      'Workflow error decision',
      'Owner response to plan',
    ]);
    const timeline = (
      await api.get<{ timeline: { action: string; details?: Record<string, unknown> }[] }>(
        R.supervisor,
        `/api/complaints/${ref}`,
      )
    ).body.timeline;
    expect(timeline.find((e) => e.action === 'workflow-step-skipped')?.details).toMatchObject({
      failedState: 'Tell owner the plan',
      reason: '已致電業主口頭告知處理方案',
    });
    // Skipped means not sent: the plan notice never went out.
    expect(timeline.map((e) => e.action)).not.toContain('owner-plan-sent');
  });

  it('close-by-error ends the complaint closed by error, filed with the reason, never deleted', async () => {
    const ref = await failingPlanNotice();
    sesDown = false;
    const bare = await complete(R.customerService, ref, { action: 'close-by-error', reason: '  ' });
    expect(bare.status).toBe(400);
    expect(bare.body).toEqual({
      errors: [{ field: 'reason', message: 'Write why the complaint is closed by error' }],
    });

    const answer = await complete(R.customerService, ref, {
      action: 'close-by-error',
      reason: '重複投訴，系統錯誤無法通知',
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const settled = await t.stack.stepFunctions.whenSettled(executionArn(ref));
    expect(settled.status).toBe('SUCCEEDED');
    expect(statesEntered(ref).slice(-3)).toEqual([
      'Workflow error decision',
      'Archive record',
      'Complaint closed',
    ]);

    const complaint = await api.get<Record<string, unknown>>(R.supervisor, `/api/complaints/${ref}`);
    expect(complaint.status).toBe(200);
    expect(complaint.body).toMatchObject({
      ref,
      status: 'closed',
      outcome: 'closed-by-error',
      currentStep: 'filed',
      closedByError: {
        by: R.customerService,
        role: 'customer-service',
        reason: '重複投訴，系統錯誤無法通知',
        failedState: 'Tell owner the plan',
      },
      tasks: [],
    });
    const actions = (complaint.body.timeline as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['workflow-error', 'closed-by-error', 'complaint-closed']),
    );
  });
});
