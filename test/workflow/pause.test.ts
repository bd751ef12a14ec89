import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { calendarFor } from '#domain/deadlines.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { outbox, staffClient } from '../harness/staff-client.ts';

/**
 * Pausing a step's clock (issue 17 §2), the real ASL in the local engine and the real handlers,
 * driven through the staff API: the department pauses its commitment for the owner's access
 * until a date; the step waits in a paused task (no deadline, no escalation), the owner is
 * told why and until when, and at the date the step opens again due in exactly the business
 * time it had left. Paused until an event, *Resume now* does the same; work in progress moves
 * its committed completion by the pause.
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
  cleaning: 'cleaning.kowloon-east',
};
const OWNER = 'lee.mei@example.com';
const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

interface Task {
  id: string;
  ref: string;
  step: string;
  dueAt: string;
  paused?: { reason: string; until?: string; note?: string };
}
const taskOf = async (username: string, ref: string) =>
  (await api.get<{ items: Task[] }>(username, '/api/tasks')).body.items.find((item) => item.ref === ref);

interface Record {
  pause?: { remainingMinutes: number; until?: string };
  pauses?: { remainingMinutes: number; resumedAt: string; pausedMinutes: number; reason: string }[];
  escalationCount: number;
  commitment?: { plannedCompletion: string };
  tasks: Task[];
  timeline: { action: string; details?: { [key: string]: unknown } }[];
}
const record = async (ref: string) => (await api.get<Record>(R.supervisor, `/api/complaints/${ref}`)).body;

/** A complaint signed by the supervisor to engineering; resolves when the commitment waits. */
async function atCommitment(): Promise<string> {
  const first = t.recordTasks();
  const created = await api.post<{ ref: string }>(R.reception, '/api/complaints', {
    channel: 'phone',
    area: 'kowloon-east',
    owner: { name: '李美', phone: '+852 9123 0000', email: OWNER },
    content: '廚房天花滲水，需要入屋檢查。',
    category: 'water-leak',
    checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
  });
  expect(created.status).toBe(201);
  const ref = created.body.ref;
  await first(ref);
  const review = await taskOf(R.supervisor, ref);
  const commitment = t.nextTask(executionArn(ref));
  const signed = await api.post(R.supervisor, `/api/tasks/${encodeURIComponent(review?.id ?? '')}/complete`, {
    action: 'sign',
    opinion: '工程部入屋檢查',
    category: 'water-leak',
    department: 'engineering',
  });
  expect(signed.status, JSON.stringify(signed.body)).toBe(200);
  expect((await commitment).stateName).toBe('Department commitment');
  return ref;
}

const pause = (username: string, task: Task | undefined, body: unknown) =>
  api.post<{ errors?: { field: string }[]; remainingMinutes?: number; message?: string }>(
    username,
    `/api/tasks/${encodeURIComponent(task?.id ?? '')}/pause`,
    body,
  );

describe('pausing a step’s clock', () => {
  it('stops the commitment until the date, tells the owner, and reopens it with exactly the business time it had left', async () => {
    const ref = await atCommitment();
    const before = await taskOf(R.department, ref);
    const paused = t.nextTask(executionArn(ref));
    const until = new Date(Date.now() + 4000).toISOString();
    const answer = await pause(R.department, before, {
      reason: 'owner-access',
      until,
      note: '業主下星期才回港',
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    // The step waits in a paused task of its own: not overdue, no decision to record.
    expect((await paused).stateName).toBe('Paused');
    const waiting = await taskOf(R.department, ref);
    expect(waiting).toMatchObject({ step: 'departmentCommitment', paused: { reason: 'owner-access' } });
    expect(waiting?.id).not.toBe(before?.id);
    const refused = await api.post(
      R.department,
      `/api/tasks/${encodeURIComponent(waiting?.id ?? '')}/complete`,
      {
        plannedStart: new Date(Date.now() + 86_400_000).toISOString(),
        plannedCompletion: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      },
    );
    expect(refused.status).toBe(409);
    const remaining = (await record(ref)).pause?.remainingMinutes ?? 0;
    expect(remaining).toBeGreaterThan(0);
    // The owner is told why and until when.
    const notice = (await outbox(t)).find(
      (m) =>
        m.subject.includes(`[${ref}]`) && m.subject.includes('on hold') && m.destination.to.includes(OWNER),
    );
    expect(notice?.body.text).toContain('等候業主安排入屋');
    expect(notice?.body.text).toContain('業主下星期才回港');

    // At the date it resumes by itself: the commitment is due again in the minutes it had left.
    const reopened = t.nextTask(executionArn(ref));
    expect((await reopened).stateName).toBe('Department commitment');
    const after = await record(ref);
    const [ended] = after.pauses ?? [];
    expect(ended).toMatchObject({ reason: 'owner-access', remainingMinutes: remaining });
    const again = await taskOf(R.department, ref);
    expect(again?.paused).toBeUndefined();
    const calendar = calendarFor('kowloon-east');
    expect(again?.dueAt).toBe(
      calendar.addBusinessMinutes(new Date(ended?.resumedAt ?? ''), remaining).toISOString(),
    );
    // Nothing went up the ladder while it waited.
    expect(after.escalationCount).toBe(0);
    expect(after.timeline.map((e) => e.action)).toEqual(
      expect.arrayContaining(['step-paused', 'step-resumed']),
    );
  });

  it('pauses until an event and resumes it by hand; refuses the wrong people and bad input', async () => {
    const ref = await atCommitment();
    const task = await taskOf(R.department, ref);
    for (const [body, field] of [
      [{ reason: 'soon' }, 'reason'],
      [{ reason: 'other', until: new Date(Date.now() + 86_400_000).toISOString() }, 'note'],
      [{ reason: 'parts' }, 'note'],
      [{ reason: 'parts', until: new Date(Date.now() - 60_000).toISOString() }, 'until'],
      [{ reason: 'parts', until: new Date(Date.now() + 61 * 86_400_000).toISOString() }, 'until'],
      [{ reason: 'parts', note: 'x'.repeat(501) }, 'note'],
    ] as const) {
      const answer = await pause(R.department, task, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.errors?.map((e) => e.field)).toEqual([field]);
    }
    // Another department, reception: not theirs to pause.
    expect((await pause(R.cleaning, task, { reason: 'parts', note: '等候零件' })).status).toBe(403);
    expect((await pause(R.reception, task, { reason: 'parts', note: '等候零件' })).status).toBe(403);

    // The supervisor pauses it for the department, until the supplier delivers.
    const paused = t.nextTask(executionArn(ref));
    expect(
      (await pause(R.supervisor, task, { reason: 'parts', note: '等候供應商送來水喉零件' })).status,
    ).toBe(200);
    expect((await paused).stateName).toBe('Paused');
    const waiting = await taskOf(R.department, ref);
    expect(waiting?.paused).toEqual({ reason: 'parts', note: '等候供應商送來水喉零件' });
    // Paused once is enough.
    expect((await pause(R.department, waiting, { reason: 'parts', note: 'again' })).status).toBe(409);

    const reopened = t.nextTask(executionArn(ref));
    const resumed = await api.post(
      R.department,
      `/api/tasks/${encodeURIComponent(waiting?.id ?? '')}/resume`,
      {},
    );
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect((await reopened).stateName).toBe('Department commitment');
    const after = await record(ref);
    expect(after.pause).toBeUndefined();
    expect(after.pauses?.[0]).toMatchObject({ reason: 'parts' });
  });
});
