import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_WORKFLOW_SETTINGS } from '#config/workflow.ts';
import { ReportAggregator, type ReportRow } from '#domain/report/aggregate.ts';
import { parsePeriod, previousPeriod } from '#domain/report/period.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * The report measures timeliness and escalations from facts the handlers keep on the record
 * as they act (lambdas/domain/record-facts.ts). Here the real workflow writes them: a complaint
 * acknowledged by email, signed, its commitment late so the supervisor takes it, then
 * committed — and the month's report counts exactly that. Fake clock, from Tuesday 09:00 HKT.
 */
const START = new Date('2026-12-01T01:00:00Z');
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
afterAll(async () => {
  await t?.stopRunningExecutions();
  await t?.stop();
  vi.useRealTimers();
});

const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

async function act(username: string, ref: string, decision: unknown) {
  const { body } = await api.get<{ items: { id: string; ref: string; dueAt: string }[] }>(
    username,
    '/api/tasks',
  );
  const task = body.items.find((item) => item.ref === ref);
  if (!task) throw new Error(`${username} has no task for ${ref}`);
  const next = t.nextTask(executionArn(ref));
  const answer = await api.post(username, `/api/tasks/${encodeURIComponent(task.id)}/complete`, decision);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return next;
}

describe('facts the workflow keeps for the report', () => {
  it('record acknowledgement, deadlines met and missed, and the escalation with who resolved it', async () => {
    const firstTask = t.recordTasks();
    const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      building: '海濱花園第三座',
      unit: '12樓B室',
      owner: { name: '陳大文', phone: '+852 9123 4567', email: 'chan.taiman@example.com' },
      content: '浴室天花板滲水。',
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: false },
    });
    expect(created.status).toBe(201);
    const { ref } = created.body;
    await firstTask(ref);
    const review = await act('supervisor.kowloon-east', ref, {
      action: 'sign',
      opinion: '安排工程部檢查喉管',
      category: 'water-leak',
      department: 'engineering',
    });
    expect(review.stateName).toBe('Department commitment');

    // The department lets its deadline pass: the supervisor takes it, and resolves it.
    const { body } = await api.get<{ items: { ref: string; dueAt: string }[] }>(
      'engineering.kowloon-east',
      '/api/tasks',
    );
    const dueAt = body.items.find((item) => item.ref === ref)?.dueAt ?? '';
    const ladder = t.nextTask(executionArn(ref));
    await vi.advanceTimersByTimeAsync(Date.parse(dueAt) - Date.now() + 1000);
    expect((await ladder).stateName).toBe('Escalate to supervisor');
    await act('supervisor.kowloon-east', ref, { action: 'resolve', note: '已催促工程部' });
    const plannedCompletion = new Date(Date.now() + 72 * HOUR).toISOString();
    const plan = await act('engineering.kowloon-east', ref, {
      plannedStart: new Date(Date.now() + 24 * HOUR).toISOString(),
      plannedCompletion,
    });
    expect(plan.stateName).toBe('Owner response to plan');

    const record = (await t.complaintItems(ref)).find((item) => item.SK === 'RECORD') as Record<
      string,
      unknown
    >;
    expect(record.acknowledgedAt).toEqual(expect.any(String));
    expect(Date.parse(String(record.acknowledgedAt)) - START.getTime()).toBeLessThan(60_000);
    expect(record.committedCompletion).toBe(plannedCompletion);
    expect(record.deadlines).toEqual([
      'supervisorReview:met',
      'departmentCommitment:missed',
      'escalationSupervisor:met',
      'departmentCommitment:met',
    ]);
    expect(record.escalations).toEqual(['supervisor:raised', 'supervisor:resolved:supervisor.kowloon-east']);

    // The month's report reads exactly these facts. (Aggregated here rather than through
    // POST /api/reports: S3 refuses requests signed at the fake clock's time.)
    const period = parsePeriod('2026-12');
    const aggregator = new ReportAggregator({
      period,
      previous: previousPeriod(period),
      now: new Date(),
      settings: DEFAULT_WORKFLOW_SETTINGS,
    });
    aggregator.add(record as unknown as ReportRow);
    const company = aggregator.scopeData().company;
    expect(company?.received.current).toBe(1);
    expect(company?.acknowledgement).toMatchObject({ measured: 1, withinTarget: 1 });
    expect(company?.deadlinesByStep).toEqual({
      supervisorReview: { met: 1, missed: 0 },
      departmentCommitment: { met: 1, missed: 1 },
      escalationSupervisor: { met: 1, missed: 0 },
    });
    expect(company?.deadlinesByDepartment).toEqual({ engineering: { met: 1, missed: 1 } });
    expect(company?.escalations.supervisor).toMatchObject({
      raised: 1,
      resolved: 1,
      resolvers: { 'supervisor.kowloon-east': 1 },
    });
    expect(company?.completion).toMatchObject({ committed: 1, notDue: 1 });
  });
});
