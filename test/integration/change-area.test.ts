import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORY_IDS, DEPARTMENT_IDS } from '#config/catalogue.ts';
import { DEMO_USERS } from '../../local/gateway/demo-users.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { outbox, staffClient } from '../harness/staff-client.ts';
import { big5OutlookComplaint } from '../intake/messages.ts';

/**
 * Moving a complaint to another area (POST /api/complaints/{ref}/area): an emailed complaint
 * lands in the intake address's default area (kowloon-east); the supervisor there moves it to
 * hk-island, where its open task, its later tasks and its listing follow it.
 */
let t: TestStack;
let api: ReturnType<typeof staffClient>;
interface WaitingTask {
  executionArn: string;
  stateName: string;
  token: string;
}
const waiting: WaitingTask[] = [];
const waiters: { arn: string; state: string; resolve: (task: WaitingTask) => void }[] = [];

beforeAll(async () => {
  t = await startTestStack();
  api = staffClient(t);
  t.stack.stepFunctions.events.on('task-waiting', (task: WaitingTask) => {
    waiting.push(task);
    for (const waiter of [...waiters]) {
      if (waiter.arn === task.executionArn && waiter.state === task.stateName) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(task);
      }
    }
  });
});
afterAll(async () => {
  await t?.stopRunningExecutions();
  await t?.stop();
});

const arnOf = (ref: string) => `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

/** Resolves once the complaint's workflow waits on the named step (create-task has run). */
function stepOpened(ref: string, state: string): Promise<WaitingTask> {
  const seen = waiting.find((w) => w.executionArn === arnOf(ref) && w.stateName === state);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => waiters.push({ arn: arnOf(ref), state, resolve }));
}

interface TaskList {
  items: { id: string; ref: string; step: string; area: string }[];
}
interface ComplaintView {
  ref: string;
  area: string;
  tasks: { id: string; step: string; area: string }[];
  timeline: { action: string; actor: string; role: string; details?: Record<string, unknown> }[];
}

async function tasksOf(username: string, ref: string) {
  const answer = await api.get<TaskList>(username, '/api/tasks');
  expect(answer.status, username).toBe(200);
  return answer.body.items.filter((task) => task.ref === ref);
}

const move = (username: string, ref: string, body: unknown) =>
  api.post<{ errors?: { field: string; message: string }[]; area?: string; tasksMoved?: string[] }>(
    username,
    `/api/complaints/${encodeURIComponent(ref)}/area`,
    body,
  );

/** Emails a complaint to the intake address; resolves with its reference once it is opened. */
async function emailComplaint(): Promise<string> {
  const before = await api.get<{ items: { ref: string }[] }>('reception.kowloon-east', '/api/complaints');
  const known = new Set(before.body.items.map((item) => item.ref));
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.stack.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  await transport.sendMail({
    envelope: { from: 'lee.siuming@example.com.hk', to: ['complaints@estate.example'] },
    raw: big5OutlookComplaint({
      from: 'lee.siuming@example.com.hk',
      name: '李小明',
      subject: '太古城停車場漏水',
      body: '停車場天花漏水，已經一個星期，請盡快處理。',
    }),
  });
  await t.stack.mailIdle();
  const after = await api.get<{ items: { ref: string }[] }>('reception.kowloon-east', '/api/complaints');
  const ref = after.body.items.map((item) => item.ref).find((r) => !known.has(r));
  if (!ref) throw new Error('The emailed complaint was not opened in kowloon-east');
  return ref;
}

describe('moving a complaint to another area', () => {
  let ref: string;

  it('an emailed complaint lands in the intake address’s area: hk-island staff cannot see it', async () => {
    ref = await emailComplaint();
    await stepOpened(ref, 'Supervisor review');
    expect(await tasksOf('supervisor.kowloon-east', ref)).toHaveLength(1);
    expect(await tasksOf('supervisor.hk-island', ref)).toEqual([]);
    expect((await api.get(`supervisor.hk-island`, `/api/complaints/${ref}`)).status).toBe(403);
  });

  it('refuses a department, another area’s supervisor, an unknown complaint and bad input', async () => {
    const body = { area: 'hk-island', reason: '業主住港島' };
    expect((await move('engineering.kowloon-east', ref, body)).status).toBe(403);
    expect((await move('followup.kowloon-east', ref, body)).status).toBe(403);
    expect((await move('supervisor.hk-island', ref, body)).status).toBe(403);
    expect((await move('supervisor.kowloon-east', 'KE-000000-0000', body)).status).toBe(404);

    const unknown = await move('supervisor.kowloon-east', ref, { area: 'new-territories', reason: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.map((e) => e.field)).toEqual(['area']);
    const same = await move('supervisor.kowloon-east', ref, { area: 'kowloon-east', reason: 'x' });
    expect(same.status).toBe(400);
    expect(same.body.errors).toEqual([
      { field: 'area', message: 'The complaint is already in kowloon-east' },
    ]);
    const noReason = await move('supervisor.kowloon-east', ref, { area: 'hk-island', reason: '   ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors?.map((e) => e.field)).toEqual(['reason']);

    // Nothing moved.
    expect(await tasksOf('supervisor.kowloon-east', ref)).toHaveLength(1);
    const view = await api.get<ComplaintView>('supervisor.kowloon-east', `/api/complaints/${ref}`);
    expect(view.body.area).toBe('kowloon-east');
    expect(view.body.timeline.some((e) => e.action === 'area-changed')).toBe(false);
  });

  it('the supervisor moves it, with its open task, to hk-island, whose supervisor completes it', async () => {
    const [task] = await tasksOf('supervisor.kowloon-east', ref);
    const moved = await move('supervisor.kowloon-east', ref, {
      area: 'hk-island',
      reason: '業主住在港島太古城，屬港島區',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ area: 'hk-island', tasksMoved: [task?.id] });

    expect(await tasksOf('supervisor.kowloon-east', ref)).toEqual([]);
    expect((await api.get('supervisor.kowloon-east', `/api/complaints/${ref}`)).status).toBe(403);
    expect(await tasksOf('supervisor.hk-island', ref)).toMatchObject([
      { id: task?.id, step: 'supervisorReview', area: 'hk-island' },
    ]);
    // The new area's supervisors are told by email, as when a task opens there, with its link.
    const notices = (await outbox(t)).filter(
      (e) =>
        e.destination.to.includes('supervisor.hk-island@staff.estate.example') && e.subject.includes(ref),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.body.text).toContain(`/tasks/${encodeURIComponent(String(task?.id))}`);
    // Listed under its new area (the area/month index), no longer under the old one.
    const listed = async (username: string) =>
      (await api.get<{ items: { ref: string }[] }>(username, '/api/complaints')).body.items.some(
        (item) => item.ref === ref,
      );
    expect(await listed('reception.hk-island')).toBe(true);
    expect(await listed('reception.kowloon-east')).toBe(false);

    const view = await api.get<ComplaintView>('supervisor.hk-island', `/api/complaints/${ref}`);
    expect(view.status).toBe(200);
    expect(view.body.ref).toBe(ref);
    expect(view.body.area).toBe('hk-island');
    expect(view.body.timeline.filter((e) => e.action === 'area-changed')).toEqual([
      {
        action: 'area-changed',
        actor: 'supervisor.kowloon-east',
        actorName: DEMO_USERS.find((user) => user.username === 'supervisor.kowloon-east')?.name,
        role: 'supervisor',
        at: expect.any(String),
        details: { from: 'kowloon-east', to: 'hk-island', reason: '業主住在港島太古城，屬港島區' },
      },
    ]);

    const next = stepOpened(ref, 'Department commitment');
    const signed = await api.post(
      'supervisor.hk-island',
      `/api/tasks/${encodeURIComponent(String(task?.id))}/complete`,
      {
        action: 'sign',
        opinion: '安排維修部檢查停車場天花',
        category: CATEGORY_IDS[0],
        department: DEPARTMENT_IDS[0],
      },
    );
    expect(signed.status).toBe(200);
    await next;
    // The workflow started with kowloon-east in its state; its next task opens in hk-island.
    expect(await tasksOf('engineering.hk-island', ref)).toMatchObject([
      { step: 'departmentCommitment', area: 'hk-island' },
    ]);
    expect(await tasksOf('engineering.kowloon-east', ref)).toEqual([]);
  });

  it('head office may move it back; a closed complaint stays where it was filed (409)', async () => {
    const back = await move('customer-service.hk-island', ref, {
      area: 'kowloon-east',
      reason: '業主更正地址',
    });
    expect(back.status).toBe(200);
    expect(await tasksOf('engineering.kowloon-east', ref)).toMatchObject([
      { step: 'departmentCommitment', area: 'kowloon-east' },
    ]);

    const closed = 'KE-CLOSED-1';
    await t.putComplaint(closed, 'kowloon-east');
    await t.db.send(
      new UpdateCommand({
        TableName: t.stack.tableName,
        Key: { PK: `C#${closed}`, SK: 'RECORD' },
        UpdateExpression: 'SET #status = :closed, currentStep = :filed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':closed': 'closed', ':filed': 'filed' },
      }),
    );
    const refused = await move('supervisor.kowloon-east', closed, { area: 'hk-island', reason: '地址錯誤' });
    expect(refused.status).toBe(409);
    const items = await t.complaintItems(closed);
    expect(items.find((i) => i.SK === 'RECORD')?.area).toBe('kowloon-east');
    expect(items.filter((i) => i.type === 'event')).toEqual([]);
  });
});
