import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKING_DAY_MINUTES } from '#config/workflow.ts';
import { calendarFor } from '#domain/deadlines.ts';
import { formatZh } from '#domain/emails.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { outbox, staffClient } from '../harness/staff-client.ts';

/**
 * Progress notices (issue 17 §3), the real ASL in the local engine with the real handlers, at
 * TIME_SCALE=86400 (a day of workflow time a second), starting on Friday 18 December 2026 so
 * the work runs over Christmas (25 December, a Hong Kong public holiday) and New Year's Day:
 * every 5 working days the department is asked for a line, and the owner is emailed the
 * progress with it. The first line is given; the second is not, and the notice then says what
 * was reported last while the supervisor is told. The work's deadline never moves. The
 * supervisor then turns them off (the work goes on waiting, with no notice) and on again.
 */
const SCALE = 86_400;
const ROOMY = 20 * WORKING_DAY_MINUTES;
const DAY = 86_400_000;
const R = {
  reception: 'reception.kowloon-east',
  supervisor: 'supervisor.kowloon-east',
  department: 'engineering.kowloon-east',
  followup: 'followup.kowloon-east',
};
const OWNER = 'wong.progress@example.com';

let t: TestStack;
let api: ReturnType<typeof staffClient>;
let settingsBefore: string | undefined;

beforeAll(async () => {
  settingsBefore = process.env.WORKFLOW_SETTINGS;
  process.env.WORKFLOW_SETTINGS = JSON.stringify({
    // The steps the test answers at once get twenty working days, so a busy machine never
    // races the clock to them; the department's update gets two (the second one runs out).
    businessMinutes: {
      supervisorReview: ROOMY,
      departmentCommitment: ROOMY,
      ownerPlanResponse: ROOMY,
      progressUpdate: 2 * WORKING_DAY_MINUTES,
    },
  });
  t = await startTestStack({ timeScale: SCALE, clockStartsAt: '2026-12-18T10:00:00+08:00' });
  api = staffClient(t);
});
afterAll(async () => {
  await t?.stopRunningExecutions();
  await t?.stop();
  if (settingsBefore === undefined) delete process.env.WORKFLOW_SETTINGS;
  else process.env.WORKFLOW_SETTINGS = settingsBefore;
});

interface Task {
  id: string;
  ref: string;
  step: string;
  dueAt: string;
}
interface View {
  commitment?: { plannedCompletion: string };
  progress?: { nextAt?: string; notices: number; updates: { text: string }[] };
  progressOff?: { reason: string };
  tasks: Task[];
  timeline: { at: string; action: string; details?: Record<string, unknown> }[];
}
const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;
const taskOf = async (username: string, ref: string) =>
  (await api.get<{ items: Task[] }>(username, '/api/tasks')).body.items.find((item) => item.ref === ref);
const view = async (ref: string) => (await api.get<View>(R.supervisor, `/api/complaints/${ref}`)).body;
const complete = (username: string, task: Task | undefined, body: unknown) =>
  api.post(username, `/api/tasks/${encodeURIComponent(task?.id ?? '')}/complete`, body);
const progressMails = async (ref: string) =>
  (await outbox(t)).filter((m) => m.subject.includes(`[${ref}]`) && m.subject.includes('Progress on'));

describe('progress notices while work is in progress', () => {
  it('asks the department and tells the owner every 5 working days, over the holidays, and the supervisor when no line came', async () => {
    const calendar = calendarFor('kowloon-east');
    const created = await api.post<{ ref: string }>(R.reception, '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      owner: { name: '黃進', phone: '+852 9123 5555', email: OWNER },
      content: '大廈水泵損壞，高層單位水壓不足。',
      category: 'water-leak',
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    });
    expect(created.status).toBe(201);
    const ref = created.body.ref;
    const arn = executionArn(ref);
    const review = t.nextTask(arn);
    expect((await review).stateName).toBe('Supervisor review');
    const commitment = t.nextTask(arn);
    expect(
      (
        await complete(R.supervisor, await taskOf(R.supervisor, ref), {
          action: 'sign',
          opinion: '工程部更換水泵',
          category: 'water-leak',
          department: 'engineering',
        })
      ).status,
    ).toBe(200);
    await commitment;
    const plannedCompletion = new Date(Math.floor(Date.now() / 1000) * 1000 + 40 * DAY).toISOString();
    const plan = t.nextTask(arn);
    expect(
      (
        await complete(R.department, await taskOf(R.department, ref), {
          plannedStart: new Date(Date.now() + DAY).toISOString(),
          plannedCompletion,
        })
      ).status,
    ).toBe(200);
    expect((await plan).stateName).toBe('Owner response to plan');
    const work = t.nextTask(arn);
    expect((await complete(R.followup, await taskOf(R.followup, ref), { action: 'accept' })).status).toBe(
      200,
    );
    expect((await work).stateName).toBe('Work in progress');

    // Planned 5 working days after the work started: over Christmas, more than a week away.
    const started = await view(ref);
    const startedAt = started.timeline.find((e) => e.action === 'work-started')?.at ?? '';
    const firstAt = calendar.addBusinessMinutes(new Date(startedAt), 5 * WORKING_DAY_MINUTES).toISOString();
    expect(started.progress?.nextAt).toBe(firstAt);
    expect(Date.parse(firstAt) - Date.parse(startedAt)).toBeGreaterThan(7 * DAY);
    const workTask = started.tasks.find((task) => task.step === 'workInProgress');
    expect(workTask?.dueAt).toBe(plannedCompletion);

    // The first: the department is asked, gives its line, and the owner reads it.
    const asked = t.nextTask(arn);
    expect((await asked).stateName).toBe('Progress update');
    const request = (await view(ref)).timeline.find((e) => e.action === 'progress-update-requested');
    expect(request?.at).toBe(firstAt);
    const updateTask = await taskOf(R.department, ref);
    expect(updateTask?.step).toBe('progressUpdate');
    const tooLong = await complete(R.department, updateTask, { update: 'x'.repeat(301) });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body)).toContain('update');
    const back = t.nextTask(arn);
    expect(
      (await complete(R.department, updateTask, { update: '水泵零件已到，下星期二更換。' })).status,
    ).toBe(200);
    expect((await back).stateName).toBe('Work in progress');
    const [first] = await progressMails(ref);
    expect(first?.destination.to).toContain(OWNER);
    expect(first?.body.text).toContain('水泵零件已到，下星期二更換。');
    expect(first?.body.text).toContain(formatZh(plannedCompletion));
    const afterFirst = await view(ref);
    expect(afterFirst.progress?.notices).toBe(1);
    // The work is due when it was: one deadline, whatever the notices.
    expect(afterFirst.tasks.find((task) => task.step === 'workInProgress')?.dueAt).toBe(plannedCompletion);
    const sentAt = afterFirst.timeline.find((e) => e.action === 'owner-progress-sent')?.at ?? '';
    const secondAt = afterFirst.progress?.nextAt ?? '';
    expect(Date.parse(secondAt)).toBeGreaterThanOrEqual(
      Date.parse(calendar.addBusinessMinutes(new Date(sentAt), 5 * WORKING_DAY_MINUTES).toISOString()) - 1000,
    );

    // The second: no line in time. The notice says what was reported last; the supervisor is told.
    const askedAgain = t.nextTask(arn);
    expect((await askedAgain).stateName).toBe('Progress update');
    const workAgain = t.nextTask(arn);
    expect((await workAgain).stateName).toBe('Work in progress');
    const mails = await progressMails(ref);
    expect(mails).toHaveLength(2);
    expect(mails[1]?.body.text).toContain('水泵零件已到');
    const supervisorMail = (await outbox(t)).find(
      (m) => m.subject.includes(`[${ref}]`) && m.subject.includes('No progress update'),
    );
    expect(supervisorMail?.destination.to.join()).toMatch(/supervisor/);
    const afterSecond = await view(ref);
    expect(afterSecond.progress?.notices).toBe(2);
    expect(afterSecond.timeline.filter((e) => e.action === 'progress-update-missing')).toHaveLength(1);

    // Turned off by the supervisor, with a reason: not by the department, not twice.
    const path = `/api/complaints/${ref}/progress-notices`;
    expect((await api.post(R.department, path, { off: true, reason: '業主要求' })).status).toBe(403);
    const noReason = await api.post<{ errors: { field: string }[] }>(R.supervisor, path, { off: true });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0]?.field).toBe('reason');
    expect((await api.post(R.supervisor, path, { off: true, reason: '業主要求完成後才通知' })).status).toBe(
      200,
    );
    expect((await api.post(R.supervisor, path, { off: true, reason: '再次' })).status).toBe(409);
    // At the planned notice the work wakes, finds them off, and waits again: no update task.
    const waits = t.nextTask(arn);
    expect((await waits).stateName).toBe('Work in progress');
    expect((await progressMails(ref)).length).toBe(2);
    const off = await view(ref);
    expect(off.progressOff?.reason).toBe('業主要求完成後才通知');
    expect(off.tasks.find((task) => task.step === 'workInProgress')?.dueAt).toBe(plannedCompletion);

    // On again: the waiting work opens anew, to wake 5 working days from now.
    const rescheduled = t.nextTask(arn);
    const on = await api.post<{ nextAt?: string }>(R.supervisor, path, { off: false });
    expect(on.status).toBe(200);
    expect((await rescheduled).stateName).toBe('Work in progress');
    const again = await view(ref);
    expect(again.progressOff).toBeUndefined();
    expect(again.progress?.nextAt).toBe(on.body.nextAt);
    expect(again.tasks.find((task) => task.step === 'workInProgress')?.dueAt).toBe(plannedCompletion);
  }, 120_000);
});
