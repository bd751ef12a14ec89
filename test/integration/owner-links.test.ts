import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { outbox, staffClient } from '../harness/staff-client.ts';

/**
 * The owner's single-use links (`/api/owner/{linkId}`, no sign-in): GET shows what is asked
 * and never acts; POST answers once; a used, expired or closed link answers politely in the
 * owner's language.
 */
let t: TestStack;
let api: ReturnType<typeof staffClient>;
let base: string;

beforeAll(async () => {
  t = await startTestStack();
  api = staffClient(t);
  base = t.stack.urls.web;
});
afterAll(async () => {
  await t?.stop();
});

const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

async function act(username: string, ref: string, decision: unknown) {
  const { body } = await api.get<{ items: { id: string; ref: string }[] }>(username, '/api/tasks');
  const task = body.items.find((item) => item.ref === ref);
  if (!task) throw new Error(`${username} has no task for ${ref}`);
  const next = t.nextTask(executionArn(ref));
  const answer = await api.post(username, `/api/tasks/${encodeURIComponent(task.id)}/complete`, decision);
  expect(answer.status).toBe(200);
  return next;
}

/** A complaint whose workflow waits on the owner's answer to the plan; its emailed link. */
async function complaintAtPlan(language = 'zh-Hant') {
  const first = t.nextTask();
  const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
    channel: 'phone',
    area: 'kowloon-east',
    owner: { name: '陳大文', email: `owner-${language}@example.com`, language },
    content: '大堂升降機經常故障。',
  });
  expect(created.status).toBe(201);
  const ref = created.body.ref;
  await first;
  await act('supervisor.kowloon-east', ref, {
    action: 'sign',
    opinion: '安排工程部檢查升降機',
    category: 'repairs',
    department: 'engineering',
  });
  const waiting = await act('engineering.kowloon-east', ref, {
    plannedStart: new Date(Date.now() + 86_400_000).toISOString(),
    plannedCompletion: new Date(Date.now() + 3 * 86_400_000).toISOString(),
  });
  expect(waiting.stateName).toBe('Owner response to plan');
  const plan = (await outbox(t)).filter(
    (m) =>
      m.subject.includes(`[${ref}]`) && m.destination.to[0] === `owner-${language.toLowerCase()}@example.com`,
  );
  const path = /\/owner\/([A-Za-z0-9_-]+)/.exec(plan.at(-1)?.body.text ?? '');
  if (!path?.[1]) throw new Error(`No owner link for ${ref}`);
  return { ref, linkId: path[1] };
}

const ownerCall = async (method: 'GET' | 'POST', linkId: string, body?: unknown) => {
  const response = await fetch(`${base}/api/owner/${linkId}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
};

describe('the owner’s plan link', () => {
  it('shows the plan on GET as often as it is opened, acts only on POST, and only once', async () => {
    const { ref, linkId } = await complaintAtPlan();

    for (let i = 0; i < 2; i++) {
      const shown = await ownerCall('GET', linkId);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({
        status: 'open',
        ref,
        step: 'ownerPlanResponse',
        language: 'zh-Hant',
        complaint: { opinion: '安排工程部檢查升降機', department: 'engineering' },
      });
      // Owners see the plan, never contact details or staff names.
      expect(JSON.stringify(shown.body)).not.toMatch(/@example\.com|reception|supervisor/);
      expect(shown.headers.get('cache-control')).toBe('no-store');
    }
    // Still the follow-up staff's open task: looking changed nothing.
    const tasks = await api.get<{ items: { ref: string }[] }>('followup.kowloon-east', '/api/tasks');
    expect(tasks.body.items.some((task) => task.ref === ref)).toBe(true);

    const invalid = await ownerCall('POST', linkId, { action: 'maybe' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([{ field: 'action', message: expect.any(String) }]);
    expect((await ownerCall('GET', linkId)).status).toBe(200);

    const working = t.nextTask(executionArn(ref));
    const answered = await ownerCall('POST', linkId, { action: 'accept', comments: '同意，謝謝' });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ status: 'answered', ref, language: 'zh-Hant' });
    expect((await working).stateName).toBe('Work in progress');

    const complaint = await api.get<{ timeline: { actor: string; role: string; action: string }[] }>(
      'supervisor.kowloon-east',
      `/api/complaints/${ref}`,
    );
    expect(complaint.body.timeline).toContainEqual(
      expect.objectContaining({ actor: 'owner', role: 'owner', action: 'owner-accepted-plan' }),
    );

    for (const method of ['GET', 'POST'] as const) {
      const again = await ownerCall(method, linkId, method === 'POST' ? { action: 'object' } : undefined);
      expect(again.status).toBe(410);
      expect(again.body).toEqual({
        status: 'used',
        language: 'zh-Hant',
        message: '您已經透過此連結回覆，多謝您。如需補充，請直接回覆我們的電郵。',
      });
    }
  });

  it('says a question already answered by phone is closed, without acting', async () => {
    const { ref, linkId } = await complaintAtPlan('en');
    await act('followup.kowloon-east', ref, { action: 'accept', comments: 'Agreed on the phone' });
    const late = await ownerCall('POST', linkId, { action: 'object' });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ status: 'closed', language: 'en' });
    expect(String(late.body.message)).toMatch(/already been answered/);
  });

  it('answers an expired link politely, in the owner’s language', async () => {
    await t.db.send(
      new PutCommand({
        TableName: t.stack.tableName,
        Item: {
          PK: 'LINK#expired-link-for-test',
          SK: 'LINK',
          type: 'owner-link',
          id: 'expired-link-for-test',
          ref: 'KE-2601-0001',
          step: 'satisfactionCallback',
          expiresAt: new Date(Date.now() - 1000).toISOString(),
          language: 'zh-Hans',
          createdAt: new Date(Date.now() - 15 * 86_400_000).toISOString(),
        },
      }),
    );
    for (const method of ['GET', 'POST'] as const) {
      const answer = await ownerCall(
        method,
        'expired-link-for-test',
        method === 'POST' ? { rating: 'satisfied' } : undefined,
      );
      expect(answer.status).toBe(410);
      expect(answer.body).toMatchObject({ status: 'expired', language: 'zh-Hans' });
      expect(String(answer.body.message)).toContain('此链接已过期');
    }
  });

  it('does not know a made-up link', async () => {
    const answer = await ownerCall('GET', 'not-a-real-link');
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ status: 'unknown', language: 'zh-Hant' });
  });
});
