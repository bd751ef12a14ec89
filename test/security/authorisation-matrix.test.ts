import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREAS } from '#config/areas.ts';
import { COMPANY_WIDE_ROLES } from '#config/roles.ts';
import { ROUTES } from '#config/routes.ts';
import { STEP_IDS, STEPS } from '#config/workflow.ts';
import { MAIL_REVIEW_ROLES } from '#domain/access.ts';
import { DEMO_USERS } from '../../local/gateway/auth.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * Every staff role × every step of the procedure × own and other area: only the step's role
 * may answer its task, in its own area (head-office roles in every area). A refused answer
 * changes nothing.
 */
let t: TestStack;
let api: ReturnType<typeof staffClient>;

beforeAll(async () => {
  t = await startTestStack();
  api = staffClient(t);
});
afterAll(async () => {
  await t?.stop();
});

const AREA = 'kowloon-east';

async function putTask(step: (typeof STEP_IDS)[number]) {
  const ref = `AZ-${step}`;
  await t.putComplaint(ref, AREA);
  const id = `${ref}.task`;
  await t.db.send(
    new PutCommand({
      TableName: t.stack.tableName,
      Item: {
        PK: `C#${ref}`,
        SK: `TASK#${id}`,
        type: 'task',
        id,
        ref,
        area: AREA,
        step,
        role: STEPS[step].role,
        // A department step is one department's work: the supervisor named engineering.
        ...(STEPS[step].role === 'department' ? { department: 'engineering' } : {}),
        createdAt: new Date().toISOString(),
        dueAt: new Date(Date.now() + 3600_000).toISOString(),
        status: 'open',
        // A token the workflow never issued: an allowed answer gets as far as the workflow.
        taskToken: 'not-a-live-token',
      },
    }),
  );
  return { ref, id };
}

describe('who may answer which step', () => {
  it('refuses every other role, the right role from another area, and another department, with 403 and no change', async () => {
    let checked = 0;
    for (const step of STEP_IDS) {
      const { ref, id } = await putTask(step);
      const stepRole = STEPS[step].role;
      const mayAnswer = (user: (typeof DEMO_USERS)[number]) =>
        user.role === stepRole &&
        (user.area === AREA || COMPANY_WIDE_ROLES.includes(user.role)) &&
        (stepRole !== 'department' || user.department === 'engineering');
      for (const user of DEMO_USERS.filter((u) => !mayAnswer(u))) {
        const answer = await api.post(user.username, `/api/tasks/${encodeURIComponent(id)}/complete`, {});
        checked += 1;
        expect(answer.status, `${user.username} on ${step}`).toBe(403);
      }
      const items = await t.complaintItems(ref);
      expect(items.find((i) => i.SK === `TASK#${id}`)?.status, step).toBe('open');
      expect(
        items.filter((i) => i.type === 'event'),
        step,
      ).toEqual([]);
      for (const user of DEMO_USERS.filter(mayAnswer)) {
        const answer = await api.post(user.username, `/api/tasks/${encodeURIComponent(id)}/complete`, {});
        checked += 1;
        // Past authorisation: an empty decision is refused for its fields (400), or reaches the
        // workflow, which no longer waits on this made-up task (409).
        expect([400, 409], `${user.username} on ${step}`).toContain(answer.status);
      }
    }
    expect(checked).toBe(STEP_IDS.length * DEMO_USERS.length);
  });
});

type DemoUser = (typeof DEMO_USERS)[number];
/** Who may see a complaint of AREA (lambdas/domain/access.ts maySeeArea). */
const maySeeArea = (user: DemoUser) => user.area === AREA || COMPANY_WIDE_ROLES.includes(user.role);
/**
 * Who may see a complaint of AREA given to the engineering department (maySeeComplaint): its
 * area's staff and head office, and of the department role engineering's people only.
 */
const maySeeEngineeringComplaint = (user: DemoUser) =>
  maySeeArea(user) && (user.role !== 'department' || user.department === 'engineering');

describe('who may download a complaint’s files', () => {
  it('gives a short-lived link to an uploaded scan or a received fax page to the area’s staff and head office only, and never for an executable', async () => {
    const ref = 'AZ-files';
    const sesMessageId = 'azfiles0000000000000000000000000000000001';
    const at = new Date().toISOString();
    await t.putComplaint(ref, AREA, {
      department: 'engineering',
      channel: 'letter',
      attachments: [
        {
          key: `uploads/${AREA}/0b9f6f0e-6a55-4b8e-9d3b-2f7c1c2e8a11`,
          name: '業主來信.pdf',
          contentType: 'application/pdf',
          size: 1200,
        },
      ],
    });
    // A fax received on the complaint, as intake files it on the correspondence.
    await t.db.send(
      new PutCommand({
        TableName: t.stack.tableName,
        Item: {
          PK: `C#${ref}`,
          SK: `MAIL#${at}#in.${sesMessageId}`,
          type: 'mail',
          ref,
          id: `in.${sesMessageId}`,
          at,
          direction: 'in',
          kind: 'reply',
          sesMessageId,
          subject: '傳真',
          attachments: [
            {
              filename: '傳真第1頁.pdf',
              contentType: 'application/pdf',
              size: 2048,
              inline: false,
              executable: false,
              bucket: 'attachments',
              key: `mail/${sesMessageId}/01-傳真第1頁.pdf`,
            },
            {
              filename: 'invoice.pdf.exe',
              contentType: 'application/x-msdownload',
              size: 4,
              inline: false,
              executable: true,
              bucket: 'attachments',
              key: `mail/${sesMessageId}/02-invoice.pdf.exe`,
            },
          ],
        },
      }),
    );
    const mailId = `${at.slice(0, 10)}.${sesMessageId}`;
    const files = [
      `/api/complaints/${ref}/attachments/0`,
      `/api/complaints/${ref}/mail/${mailId}/attachments/0`,
    ];
    let checked = 0;
    for (const user of DEMO_USERS) {
      for (const path of files) {
        const answer = await api.get<{ url?: string }>(user.username, path);
        checked += 1;
        if (maySeeEngineeringComplaint(user)) {
          expect(answer.status, `${user.username} ${path}`).toBe(200);
          expect(answer.body.url, `${user.username} ${path}`).toMatch(
            /^http:\/\/127\.0\.0\.1:\d+\/.+X-Amz-Signature=/,
          );
        } else {
          expect(answer.status, `${user.username} ${path}`).toBe(403);
          expect(answer.body.url, `${user.username} ${path}`).toBeUndefined();
        }
      }
      const executable = await api.get<{ url?: string }>(
        user.username,
        `/api/complaints/${ref}/mail/${mailId}/attachments/1`,
      );
      checked += 1;
      expect(executable.status, `${user.username} executable`).toBe(403);
      expect(executable.body.url).toBeUndefined();
    }
    expect(checked).toBe(DEMO_USERS.length * 3);
  });
});

describe('who may read a complaint’s correspondence', () => {
  it('lets the area’s staff and head office list its lines and open a body; nobody else', async () => {
    const ref = 'AZ-mail';
    const sesMessageId = 'azmail00000000000000000000000000000000001';
    const at = new Date().toISOString();
    await t.putComplaint(ref, AREA, { department: 'engineering' });
    await t.db.send(
      new PutCommand({
        TableName: t.stack.tableName,
        Item: {
          PK: `C#${ref}`,
          SK: `MAIL#${at}#in.${sesMessageId}`,
          type: 'mail',
          ref,
          id: `in.${sesMessageId}`,
          at,
          direction: 'in',
          kind: 'reply',
          sesMessageId,
          subject: '補充',
          text: '升降機內的緊急鐘亦失靈。',
        },
      }),
    );
    const record = await api.get<{ correspondence: { key: string; text?: string }[] }>(
      'reception.kowloon-east',
      `/api/complaints/${ref}`,
    );
    const key = record.body.correspondence[0]?.key;
    expect(key).toBeTruthy();
    expect(record.body.correspondence[0]?.text).toBeUndefined();
    let checked = 0;
    for (const user of DEMO_USERS) {
      const list = await api.get<{ items?: unknown[] }>(
        user.username,
        `/api/complaints/${ref}/correspondence`,
      );
      const body = await api.get<{ text?: string }>(
        user.username,
        `/api/complaints/${ref}/correspondence/${String(key)}`,
      );
      checked += 1;
      if (maySeeEngineeringComplaint(user)) {
        expect(list.status, user.username).toBe(200);
        expect(list.body.items, user.username).toHaveLength(1);
        expect(body.status, user.username).toBe(200);
        expect(body.body.text, user.username).toBe('升降機內的緊急鐘亦失靈。');
      } else {
        expect(list.status, user.username).toBe(403);
        expect(list.body.items, user.username).toBeUndefined();
        expect(body.status, user.username).toBe(403);
        expect(body.body.text, user.username).toBeUndefined();
      }
    }
    expect(checked).toBe(DEMO_USERS.length);
  });
});

describe('who may review received mail', () => {
  it('lets reception and supervisors of the intake address’s area, and customer service, list, read and release it; nobody else', async () => {
    const sesMessageId = 'azmail00000000000000000000000000000000001';
    const receivedAt = new Date().toISOString();
    const day = receivedAt.slice(0, 10);
    // A message that already opened a complaint: past authorisation, releasing it is a 409.
    await t.db.send(
      new PutCommand({
        TableName: t.stack.tableName,
        Item: {
          PK: `MAILLOG#${day}`,
          SK: `MSG#${sesMessageId}`,
          type: 'mail-log',
          id: `${day}.${sesMessageId}`,
          sesMessageId,
          receivedAt,
          area: AREA,
          outcome: 'complaint-opened',
          ref: 'AZ-files',
          recipients: ['complaints@estate.example'],
          rawMessage: { bucket: 'raw-mail', key: `incoming/${sesMessageId}`, bytes: 100 },
          verdicts: { spam: 'PASS', virus: 'PASS' },
          subject: '升降機故障',
        },
      }),
    );
    const id = `${day}.${sesMessageId}`;
    for (const user of DEMO_USERS) {
      const reviewer = MAIL_REVIEW_ROLES.includes(user.role);
      const ofArea = reviewer && maySeeArea(user);
      const list = await api.get(user.username, '/api/mail?status=held');
      expect(list.status, `${user.username} list`).toBe(reviewer ? 200 : 403);
      const read = await api.get<{ subject?: string }>(user.username, `/api/mail/${id}`);
      expect(read.status, `${user.username} read`).toBe(ofArea ? 200 : 403);
      expect(read.body.subject, `${user.username} read`).toBe(ofArea ? '升降機故障' : undefined);
      const release = await api.post(user.username, `/api/mail/${id}/release`, {});
      expect(release.status, `${user.username} release`).toBe(ofArea ? 409 : 403);
    }
  });
});

describe('who may move a complaint to another area', () => {
  it('lets reception and the supervisor of its area, customer service and the manager; nobody else, and a refusal changes nothing', async () => {
    const ref = 'AZ-area';
    await t.putComplaint(ref, AREA);
    const mayMove = (user: DemoUser) =>
      COMPANY_WIDE_ROLES.includes(user.role) ||
      ((user.role === 'reception' || user.role === 'supervisor') && user.area === AREA);
    let checked = 0;
    for (const user of DEMO_USERS) {
      // An area that does not exist: past authorisation the answer is a 400, so nothing moves.
      const answer = await api.post<{ errors?: { field: string }[] }>(
        user.username,
        `/api/complaints/${ref}/area`,
        {
          area: 'no-such-area',
          reason: '測試',
        },
      );
      checked += 1;
      if (mayMove(user)) {
        expect(answer.status, user.username).toBe(400);
        expect(
          answer.body.errors?.map((e) => e.field),
          user.username,
        ).toEqual(['area']);
      } else {
        expect(answer.status, user.username).toBe(403);
      }
    }
    expect(checked).toBe(DEMO_USERS.length);
    expect(
      DEMO_USERS.filter(mayMove)
        .map((u) => u.username)
        .sort(),
    ).toEqual(
      [
        'reception.kowloon-east',
        'supervisor.kowloon-east',
        ...AREAS.flatMap((area) => COMPANY_WIDE_ROLES.map((role) => `${role}.${area.id}`)),
      ].sort(),
    );
    const items = await t.complaintItems(ref);
    expect(items.find((i) => i.SK === 'RECORD')?.area).toBe(AREA);
    expect(items.filter((i) => i.type === 'event')).toEqual([]);
  });
});

describe('who may write to the owner', () => {
  it('lets reception, follow-up staff and the supervisor of its area, customer service and the manager; nobody else, and a refusal sends and files nothing', async () => {
    const ref = 'AZ-owner-message';
    await t.putComplaint(ref, AREA);
    // Written out, not read from domain/access.ts: the rule is what this test checks.
    const mayWrite = (user: DemoUser) =>
      COMPANY_WIDE_ROLES.includes(user.role) ||
      (['reception', 'followup', 'supervisor'].includes(user.role) && user.area === AREA);
    for (const user of DEMO_USERS) {
      // No words: past authorisation the answer is a 400 for the field, so nothing is sent.
      const answer = await api.post<{ errors?: { field: string }[] }>(
        user.username,
        `/api/complaints/${ref}/messages`,
        { text: ' ', submissionId: `matrix-${user.username.replace(/\./g, '-')}` },
      );
      if (mayWrite(user)) {
        expect(answer.status, user.username).toBe(400);
        expect(
          answer.body.errors?.map((e) => e.field),
          user.username,
        ).toEqual(['text']);
      } else {
        expect(answer.status, user.username).toBe(403);
      }
    }
    expect(DEMO_USERS.filter(mayWrite)).toHaveLength(3 + COMPANY_WIDE_ROLES.length * AREAS.length);
    const items = await t.complaintItems(ref);
    expect(items.filter((i) => i.type !== 'complaint')).toEqual([]);
  });
});

describe('every signed-in route', () => {
  it('refuses a request without a valid token before any handler runs', async () => {
    const signedIn = ROUTES.filter((route) => route.auth ?? true);
    expect(signedIn.length).toBeGreaterThan(15);
    for (const route of signedIn) {
      const path = route.path.replace(/\{[^}]+\}/g, 'x');
      for (const authorization of [undefined, 'Bearer not-a-token']) {
        const response = await fetch(`${t.stack.urls.web}${path}`, {
          method: route.method,
          headers: {
            ...(authorization ? { authorization } : {}),
            ...(route.method === 'GET' ? {} : { 'content-type': 'application/json' }),
          },
          ...(route.method === 'GET' ? {} : { body: '{}' }),
        });
        await response.text();
        expect(response.status, `${route.method} ${route.path} ${authorization ?? 'no token'}`).toBe(401);
      }
    }
  });
});
