import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * Staff acting at once on the same complaint (issue 17): each change is one conditional write,
 * so of eight people pressing the same button together exactly one wins and the others are told
 * plainly (409), never a second ending, a second pause, or a second switch on the record.
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
  manager: 'manager.kowloon-east',
};
const PARALLEL = 8;
const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;
interface Task {
  id: string;
  ref: string;
  step: string;
}
interface View {
  ending?: unknown;
  pause?: unknown;
  progressOff?: unknown;
  tasks: Task[];
  timeline: { action: string }[];
}
const taskOf = async (username: string, ref: string) =>
  (await api.get<{ items: Task[] }>(username, '/api/tasks')).body.items.find((item) => item.ref === ref);
const view = async (ref: string) => (await api.get<View>(R.supervisor, `/api/complaints/${ref}`)).body;
const statuses = (answers: { status: number }[]) => answers.map((a) => a.status).sort();

async function logged(): Promise<string> {
  const first = t.recordTasks();
  const created = await api.post<{ ref: string }>(R.reception, '/api/complaints', {
    channel: 'phone',
    area: 'kowloon-east',
    owner: { name: '何小姐', phone: '+852 9000 1111', email: 'ho.parallel@example.com' },
    content: '走廊燈長期不亮。',
    category: 'water-leak',
    checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
  });
  expect(created.status).toBe(201);
  await first(created.body.ref);
  return created.body.ref;
}

describe('staff acting at once', () => {
  it('ends a complaint once, however many withdraw and refer it together', async () => {
    const ref = await logged();
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        api.post(
          i % 2 ? R.supervisor : R.manager,
          `/api/complaints/${ref}/ending`,
          i % 2
            ? { kind: 'referred', to: '食物環境衞生署', reason: `轉介 ${i}` }
            : { kind: 'withdrawn', how: 'phone', reason: `業主來電撤回 ${i}` },
        ),
      ),
    );
    expect(statuses(answers)).toEqual([200, ...Array(PARALLEL - 1).fill(409)]);
    const after = await view(ref);
    expect(
      after.timeline.filter((e) => e.action === 'withdrawal-recorded' || e.action === 'referral-recorded'),
    ).toHaveLength(1);
  });

  it('pauses a step once, however many pause it together', async () => {
    const ref = await logged();
    const commitment = t.nextTask(executionArn(ref));
    const review = await taskOf(R.supervisor, ref);
    expect(
      (
        await api.post(R.supervisor, `/api/tasks/${encodeURIComponent(review?.id ?? '')}/complete`, {
          action: 'sign',
          opinion: '工程部更換燈管',
          category: 'water-leak',
          department: 'engineering',
        })
      ).status,
    ).toBe(200);
    expect((await commitment).stateName).toBe('Department commitment');
    const task = await taskOf(R.department, ref);
    const paused = t.nextTask(executionArn(ref));
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        api.post(
          i % 2 ? R.department : R.supervisor,
          `/api/tasks/${encodeURIComponent(task?.id ?? '')}/pause`,
          {
            reason: 'parts',
            note: `等候燈管到貨 ${i}`,
            until: new Date(Date.now() + 3 * 86_400_000).toISOString(),
          },
        ),
      ),
    );
    expect(statuses(answers)).toEqual([200, ...Array(PARALLEL - 1).fill(409)]);
    expect((await paused).stateName).toBe('Paused');
    const after = await view(ref);
    expect(after.timeline.filter((e) => e.action === 'step-paused')).toHaveLength(1);
    expect(after.tasks.filter((t) => t.step === 'departmentCommitment')).toHaveLength(1);
  });

  it('switches progress notices off once, however many turn them off together', async () => {
    const ref = await logged();
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        api.post(i % 2 ? R.supervisor : R.manager, `/api/complaints/${ref}/progress-notices`, {
          off: true,
          reason: `業主要求不用通知 ${i}`,
        }),
      ),
    );
    expect(statuses(answers)).toEqual([200, ...Array(PARALLEL - 1).fill(409)]);
    expect((await view(ref)).timeline.filter((e) => e.action === 'progress-notices-off')).toHaveLength(1);
  });
});
