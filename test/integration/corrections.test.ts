import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREAS } from '#config/areas.ts';
import { DEPARTMENTS } from '#config/catalogue.ts';
import { COMPANY_WIDE_ROLES, STAFF_ROLES } from '#config/roles.ts';
import type { TABLE } from '#config/table.ts';
import { DEMO_USERS } from '../../local/gateway/auth.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { outbox, staffClient } from '../harness/staff-client.ts';

/**
 * Corrections of a complaint's record and internal notes through the local API
 * (`POST /api/complaints/{ref}/corrections`, `POST /api/complaints/{ref}/notes`): who may, what
 * each change leaves on the timeline, and that concurrent corrections never silently lose one.
 */
let t: TestStack;
let api: ReturnType<typeof staffClient>;

beforeAll(async () => {
  t = await startTestStack();
  api = staffClient(t);
});
afterAll(async () => {
  await t?.stopRunningExecutions();
  await t?.stop();
});

const AREA = 'kowloon-east';
type DemoUser = (typeof DEMO_USERS)[number];

interface TimelineLine {
  at: string;
  actor: string;
  role: string;
  action: string;
  details?: Record<string, unknown>;
}
interface ComplaintView {
  ref: string;
  version: number;
  owner: { name: string; phone?: string; email?: string; secondContact?: Record<string, string> };
  building?: string;
  unit?: string;
  category?: string;
  content: string;
  timeline: TimelineLine[];
  correctionIds?: unknown;
}
interface Answer {
  errors?: { field: string; message: string }[];
  message?: string;
  version?: number;
  changes?: { field: string; from: string | null; to: string | null }[];
}

const correct = (username: string, ref: string, body: unknown) =>
  api.post<Answer>(username, `/api/complaints/${encodeURIComponent(ref)}/corrections`, body);
const note = (username: string, ref: string, body: unknown) =>
  api.post<Answer & TimelineLine>(username, `/api/complaints/${encodeURIComponent(ref)}/notes`, body);
const view = async (ref: string, username = 'supervisor.kowloon-east') => {
  const answer = await api.get<ComplaintView>(username, `/api/complaints/${encodeURIComponent(ref)}`);
  expect(answer.status).toBe(200);
  return answer.body;
};
const corrections = (complaint: ComplaintView) =>
  complaint.timeline.filter((line) => line.action === 'record-corrected');

async function setRecord(ref: string, fields: Record<string, unknown>) {
  const names = Object.fromEntries(Object.keys(fields).map((k, i) => [`#f${i}`, k]));
  const values = Object.fromEntries(Object.values(fields).map((v, i) => [`:v${i}`, v]));
  await t.db.send(
    new UpdateCommand({
      TableName: t.stack.tableName,
      Key: { PK: `C#${ref}`, SK: 'RECORD' },
      UpdateExpression: `SET ${Object.keys(fields)
        .map((_k, i) => `#f${i} = :v${i}`)
        .join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

async function byOwnerContact(key: string): Promise<string[]> {
  const result = await t.db.send(
    new QueryCommand({
      TableName: t.stack.tableName,
      IndexName: 'ComplaintsByOwnerContact' satisfies (typeof TABLE.indexes)[number]['name'],
      KeyConditionExpression: 'GSI3PK = :key',
      ExpressionAttributeValues: { ':key': key },
    }),
  );
  return (result.Items ?? []).map((item) => String(item.ref));
}

describe('correcting a complaint’s record', () => {
  let ref: string;

  it('reception corrects the phone, adds the email and a second contact, and the unit: each an audit line with old and new value', async () => {
    const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'phone',
      area: AREA,
      building: '海濱花園第三座',
      owner: { name: '陳大文', phone: '+852 9123 4567' },
      content: '浴室天花板漏水',
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    });
    expect(created.status).toBe(201);
    ref = created.body.ref;
    expect(await byOwnerContact('OWNER#phone:85291234567')).toContain(ref);
    expect((await view(ref)).version).toBe(0);

    const answer = await correct('reception.kowloon-east', ref, {
      version: 0,
      reason: '業主來電：電話號碼記錯，並提供電郵及其太太的電話',
      changes: {
        ownerPhone: '+852 6123 4567',
        ownerEmail: 'Chan.TaiMan@Example.com',
        secondContactName: '陳太',
        secondContactPhone: '+852 6987 6543',
        unit: '12樓B室',
        building: '海濱花園第三座',
      },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toEqual({
      ref,
      version: 1,
      changes: [
        { field: 'ownerPhone', from: '+852 9123 4567', to: '+852 6123 4567' },
        { field: 'ownerEmail', from: null, to: 'chan.taiman@example.com' },
        { field: 'secondContactName', from: null, to: '陳太' },
        { field: 'secondContactPhone', from: null, to: '+852 6987 6543' },
        { field: 'unit', from: null, to: '12樓B室' },
      ],
    });

    const complaint = await view(ref);
    expect(complaint.version).toBe(1);
    expect(complaint.owner).toEqual({
      name: '陳大文',
      phone: '+852 6123 4567',
      email: 'chan.taiman@example.com',
      language: 'zh-Hant',
      secondContact: { name: '陳太', phone: '+852 6987 6543' },
    });
    expect(complaint.unit).toBe('12樓B室');
    expect(complaint.correctionIds).toBeUndefined();
    const lines = corrections(complaint);
    expect(lines.map((line) => [line.details?.field, line.details?.from, line.details?.to])).toEqual([
      ['ownerPhone', '+852 9123 4567', '+852 6123 4567'],
      ['ownerEmail', null, 'chan.taiman@example.com'],
      ['secondContactName', null, '陳太'],
      ['secondContactPhone', null, '+852 6987 6543'],
      ['unit', null, '12樓B室'],
    ]);
    for (const line of lines) {
      expect(line).toMatchObject({
        actor: 'reception.kowloon-east',
        role: 'reception',
        details: { reason: '業主來電：電話號碼記錯，並提供電郵及其太太的電話', version: 1 },
      });
    }
    // The owner-contact index follows the owner's contact: now the email, no longer the old phone.
    expect(await byOwnerContact('OWNER#email:chan.taiman@example.com')).toEqual([ref]);
    expect(await byOwnerContact('OWNER#phone:85291234567')).not.toContain(ref);
  });

  it('refuses a stale version, bad values and an empty correction, naming the field, and changes nothing', async () => {
    const stale = await correct('supervisor.kowloon-east', ref, {
      version: 0,
      reason: '更正',
      changes: { unit: '12樓C室' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/changed by someone else since you opened it: reload it/);

    const cases: [unknown, { field: string; message: string | RegExp }][] = [
      [
        { changes: { category: 'plumbing' } },
        { field: 'changes.category', message: /^Choose one of the categories: repairs, water-leak/ },
      ],
      [
        { changes: { ownerPhone: '12345' } },
        { field: 'changes.ownerPhone', message: 'Enter a phone number of 7–20 digits, e.g. +852 2345 6789' },
      ],
      [
        { changes: { unit: '室'.repeat(51) } },
        { field: 'changes.unit', message: 'Keep the unit under 50 characters' },
      ],
      [
        { changes: { content: '水'.repeat(20_001) } },
        { field: 'changes.content', message: 'Keep the content under 20,000 characters' },
      ],
      [{ changes: { area: 'hk-island' } }, { field: 'changes', message: /^Correct only these fields/ }],
      [{ changes: { unit: '12樓B室' } }, { field: 'changes', message: /^Nothing to correct/ }],
      [
        { changes: { ownerPhone: null, ownerEmail: '' } },
        {
          field: 'changes.ownerEmail',
          message: 'Give a phone number or an email address so the owner can be contacted',
        },
      ],
      [
        { reason: '', changes: { unit: '3A' } },
        { field: 'reason', message: 'Write why the record is corrected' },
      ],
    ];
    for (const [body, expected] of cases) {
      const answer = await correct('supervisor.kowloon-east', ref, {
        version: 1,
        reason: '更正',
        ...(body as object),
      });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.errors, JSON.stringify(body)).toEqual([
        {
          field: expected.field,
          message:
            typeof expected.message === 'string' ? expected.message : expect.stringMatching(expected.message),
        },
      ]);
    }
    const notJson = await api.call<Answer>(
      'supervisor.kowloon-east',
      'POST',
      `/api/complaints/${ref}/corrections`,
      '{not json',
    );
    expect(notJson.status).toBe(400);
    expect((await view(ref)).version).toBe(1);
    expect(corrections(await view(ref))).toHaveLength(5);
  });

  it('lets only one of many concurrent corrections of one version through; the others are told to reload (409)', async () => {
    const phones = Array.from({ length: 8 }, (_u, i) => `+852 6000 00${String(i).padStart(2, '0')}`);
    const answers = await Promise.all(
      phones.map((phone, i) =>
        correct(i % 2 ? 'reception.kowloon-east' : 'supervisor.kowloon-east', ref, {
          version: 1,
          reason: `同時更正 ${i}`,
          changes: { ownerPhone: phone },
        }),
      ),
    );
    const won = answers.filter((a) => a.status === 200);
    const lost = answers.filter((a) => a.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(phones.length - 1);
    for (const answer of lost) expect(answer.body.message).toMatch(/changed by someone else/);
    const winner = won[0]?.body.changes?.[0]?.to;

    const complaint = await view(ref);
    expect(complaint.version).toBe(2);
    expect(complaint.owner.phone).toBe(winner);
    // One line for the one correction that applied, from the phone it replaced: the losers'
    // lines (written before their write was refused) are not on the timeline.
    const latest = corrections(complaint).filter((line) => line.details?.version === 2);
    expect(latest).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({ field: 'ownerPhone', from: '+852 6123 4567', to: winner }),
      }),
    ]);
  });

  it('does not merge two concurrent corrections of different fields: one applies, the other is refused', async () => {
    const [unit, building] = await Promise.all([
      correct('reception.kowloon-east', ref, { version: 2, reason: '單位', changes: { unit: '12樓A室' } }),
      correct('followup.kowloon-east', ref, {
        version: 2,
        reason: '大廈',
        changes: { building: '海濱花園第二座' },
      }),
    ]);
    expect([unit.status, building.status].sort()).toEqual([200, 409]);
    const complaint = await view(ref);
    expect(complaint.version).toBe(3);
    expect(unit.status === 200 ? complaint.unit : complaint.building).toBe(
      unit.status === 200 ? '12樓A室' : '海濱花園第二座',
    );
    expect(unit.status === 200 ? complaint.building : complaint.unit).toBe(
      unit.status === 200 ? '海濱花園第三座' : '12樓B室',
    );
  });

  it('refuses follow-up staff the content, and reception the category the supervisor signed (403)', async () => {
    const content = await correct('followup.kowloon-east', ref, {
      version: 3,
      reason: '補充',
      changes: { content: '浴室天花板漏水，已兩星期' },
    });
    expect(content.status).toBe(403);
    expect(content.body.message).toMatch(/followup may not correct content/);
    await setRecord(ref, {
      supervisorReview: {
        by: 'supervisor.kowloon-east',
        role: 'supervisor',
        at: new Date().toISOString(),
        opinion: '安排維修',
      },
      category: 'water-leak',
    });
    const category = await correct('reception.kowloon-east', ref, {
      version: 3,
      reason: '類別',
      changes: { category: 'repairs' },
    });
    expect(category.status).toBe(403);
    expect(category.body.message).toMatch(/supervisor has signed the category/);
    const bySupervisor = await correct('supervisor.kowloon-east', ref, {
      version: 3,
      reason: '實為維修問題',
      changes: { category: 'repairs' },
    });
    expect(bySupervisor.status).toBe(200);
    expect((await view(ref)).category).toBe('repairs');
  });
});

describe('who may correct a record', () => {
  it('reception, follow-up and the supervisor of its area, and customer service; nobody else, and a refusal changes nothing', async () => {
    const ref = 'KE-AZ-CORR';
    await t.putComplaint(ref, AREA);
    const mayCorrect = (user: DemoUser) =>
      user.role === 'customer-service' ||
      (['reception', 'followup', 'supervisor'].includes(user.role) && user.area === AREA);
    for (const user of DEMO_USERS) {
      // A phone that is no phone: past authorisation the answer is a 400, so nothing changes.
      const answer = await correct(user.username, ref, {
        version: 0,
        reason: '測試',
        changes: { ownerPhone: 'x' },
      });
      expect(answer.status, user.username).toBe(mayCorrect(user) ? 400 : 403);
    }
    expect(DEMO_USERS.filter(mayCorrect)).toHaveLength(3 + AREAS.length);
    // One person per role in each area, and one per department for the department role.
    expect((STAFF_ROLES.length - 1 + DEPARTMENTS.length) * AREAS.length).toBe(DEMO_USERS.length);
    expect(COMPANY_WIDE_ROLES).toContain('customer-service');
    expect((await correct('supervisor.kowloon-east', 'KE-0000-0000', { version: 0 })).status).toBe(404);
    const items = await t.complaintItems(ref);
    expect(items.filter((item) => item.type === 'event')).toEqual([]);
    expect(items.find((item) => item.SK === 'RECORD')?.version).toBeUndefined();
  });

  it('refuses to correct a filed complaint, saying why (409), and one whose fax is being transcribed', async () => {
    const filed = 'KE-FILED-CORR';
    await t.putComplaint(filed, AREA);
    await setRecord(filed, { status: 'closed', currentStep: 'filed' });
    const answer = await correct('supervisor.kowloon-east', filed, {
      version: 0,
      reason: '更正',
      changes: { unit: '3A' },
    });
    expect(answer.status).toBe(409);
    expect(answer.body.message).toBe(
      `Complaint ${filed} is filed: its record stays as it was filed and is not corrected; add an internal note instead`,
    );
    const fax = 'KE-FAX-CORR';
    await t.putComplaint(fax, AREA);
    await setRecord(fax, { currentStep: 'transcribeFax' });
    const transcribing = await correct('reception.kowloon-east', fax, {
      version: 0,
      reason: '更正',
      changes: { unit: '3A' },
    });
    expect(transcribing.status).toBe(409);
    expect(transcribing.body.message).toMatch(/waiting to be transcribed/);
    for (const ref of [filed, fax]) {
      const items = await t.complaintItems(ref);
      expect(items.filter((item) => item.type === 'event')).toEqual([]);
      expect(items.find((item) => item.SK === 'RECORD')?.unit).toBeUndefined();
    }
  });
});

describe('internal notes', () => {
  it('puts a signed note on the timeline, never in an email to the owner', async () => {
    const ref = 'KE-NOTE-1';
    await t.putComplaint(ref, AREA);
    const text = '已致電業主，約定星期二上午十時上門檢查。業主要求先致電陳太。';
    const added = await note('followup.kowloon-east', ref, { text });
    expect(added.status).toBe(201);
    const author = DEMO_USERS.find((user) => user.username === 'followup.kowloon-east')?.name;
    expect(added.body).toMatchObject({
      actor: 'followup.kowloon-east',
      // Signed with the author's display name as it was then.
      actorName: author,
      role: 'followup',
      action: 'note-added',
      details: { note: text, number: 1 },
    });
    const complaint = await view(ref, 'reception.kowloon-east');
    expect(complaint.timeline.filter((line) => line.action === 'note-added')).toEqual([
      {
        at: added.body.at,
        actor: 'followup.kowloon-east',
        actorName: author,
        role: 'followup',
        action: 'note-added',
        details: { note: text, number: 1 },
      },
    ]);
    expect((await outbox(t)).some((mail) => JSON.stringify(mail).includes('約定星期二上午十時'))).toBe(false);
  });

  it('refuses an empty or long note (400), another area (403), and a complaint with 100 notes (409)', async () => {
    const ref = 'KE-NOTE-2';
    await t.putComplaint(ref, AREA);
    const empty = await note('reception.kowloon-east', ref, { text: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([{ field: 'text', message: 'Write the note' }]);
    const long = await note('reception.kowloon-east', ref, { text: '字'.repeat(2001) });
    expect(long.body.errors).toEqual([{ field: 'text', message: 'Keep the note under 2,000 characters' }]);
    expect((await note('reception.hk-island', ref, { text: '備註' })).status).toBe(403);
    expect((await note('manager.hk-island', ref, { text: '經理備註' })).status).toBe(201);
    expect((await note('reception.kowloon-east', 'KE-0000-0000', { text: '備註' })).status).toBe(404);
    await setRecord(ref, { noteCount: 100 });
    const full = await note('reception.kowloon-east', ref, { text: '再一則' });
    expect(full.status).toBe(409);
    expect(full.body.message).toBe(`Complaint ${ref} has 100 internal notes, the most it takes`);
    const notes = (await t.complaintItems(ref)).filter((item) => item.action === 'note-added');
    expect(notes.map((item) => item.actor)).toEqual(['manager.hk-island']);
  });

  it('takes notes on a filed complaint: they add to it, and change nothing it filed', async () => {
    const ref = 'KE-NOTE-FILED';
    await t.putComplaint(ref, AREA);
    await setRecord(ref, { status: 'closed', currentStep: 'filed' });
    expect((await note('clerk.kowloon-east', ref, { text: '業主致電道謝。' })).status).toBe(201);
    const record = (await t.complaintItems(ref)).find((item) => item.SK === 'RECORD');
    expect(record).toMatchObject({ status: 'closed', currentStep: 'filed', noteCount: 1 });
  });

  it('numbers concurrent notes one by one: none is lost', async () => {
    const ref = 'KE-NOTE-3';
    await t.putComplaint(ref, AREA);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_u, i) => note('reception.kowloon-east', ref, { text: `備註 ${i}` })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    const numbers = answers.map((a) => a.body.details?.number).sort((a, b) => Number(a) - Number(b));
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const timeline = (await view(ref)).timeline.filter((line) => line.action === 'note-added');
    expect(timeline).toHaveLength(10);
  });
});
