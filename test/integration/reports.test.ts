import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportData, ReportSummary } from '#domain/report/data.ts';
import type { RectificationItem } from '#domain/report/rectification.ts';
import { invokeLocal, type LocalHandler } from '../../local/runtime/lambda-runtime.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { type OutboxEmail, outbox, staffClient } from '../harness/staff-client.ts';
import { FIXTURE_THRESHOLDS, handMadeItems, REPORT_MONTH, trackedItem } from '../report/fixture.ts';

/**
 * The periodic report through the staff API of the local stack, over the hand-made month of
 * test/report/fixture.ts: made on request, stored, emailed, its figures exact; the
 * rectification items it drafts, edited and approved by customer service; the schedule's
 * repeated delivery harmless.
 */
interface ReportAnswer {
  id: string;
  period: string;
  status: string;
  rows: number;
  summary: ReportSummary;
  files: Record<string, { html: string; csv: string; csvBytes: number }>;
  links: Record<string, { html: string; csv: string; csvBytes: number }>;
  emailed: { recipients: number; messages: number };
  data?: ReportData;
  html?: string;
}

let t: TestStack;
let api: ReturnType<typeof staffClient>;
let report: ReportAnswer;
let emailsBefore: OutboxEmail[];
const CS = 'customer-service.kowloon-east';

beforeAll(async () => {
  process.env.REPORT_RECIPIENTS = 'customer-service@estate.example, en:manager@estate.example';
  process.env.REPORT_THRESHOLDS = JSON.stringify(FIXTURE_THRESHOLDS);
  t = await startTestStack();
  api = staffClient(t);
  const items = [...handMadeItems(), trackedItem()];
  for (let i = 0; i < items.length; i += 25) {
    await t.db.send(
      new BatchWriteCommand({
        RequestItems: {
          [t.stack.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );
  }
  emailsBefore = await outbox(t);
  const made = await api.post<ReportAnswer>(CS, '/api/reports', { month: REPORT_MONTH });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  report = made.body;
});
afterAll(async () => {
  delete process.env.REPORT_RECIPIENTS;
  delete process.env.REPORT_THRESHOLDS;
  await t?.stop();
});

describe('a report customer service makes now', () => {
  it('answers with the headline figures of the month, exactly', () => {
    expect(report).toMatchObject({ period: '2026-11', status: 'done', rows: 8 });
    expect(report.summary).toEqual({
      received: 8,
      previousReceived: 3,
      closed: 5,
      open: 3,
      acknowledgedInTime: 1,
      deadlinesMet: 17 / 21,
      completedOnTime: 3 / 4,
      satisfied: 2 / 3,
      escalated: 4,
      reopened: 1,
      openPastDeadline: 4,
      repeatComplainants: 2,
      rectificationDrafted: 4,
    });
  });

  it('is listed among past reports, newest first', async () => {
    const listed = await api.get<{ reports: { id: string; status: string }[] }>(
      'manager.hk-island',
      '/api/reports',
    );
    expect(listed.status).toBe(200);
    expect(listed.body.reports[0]).toMatchObject({ id: report.id, status: 'done' });
  });

  it('gives its figures, and the HTML in the language asked for', async () => {
    const { status, body } = await api.get<ReportAnswer>(CS, `/api/reports/${report.id}?lang=en`);
    expect(status).toBe(200);
    const data = body.data as ReportData;
    expect(data.scopes.company?.deadlinesByStep.workInProgress).toEqual({ met: 3, missed: 2 });
    expect(data.scopes['hk-island']?.escalations['customer-service']?.resolvers).toEqual({
      'customer-service.hk-island': 1,
    });
    // Repeat complainants, named with their last twelve months from the owner-contact index.
    expect(data.repeatComplainants).toMatchObject({ owners: 2, complaints: 4 });
    expect(data.repeatComplainants.top.map((o) => [o.name, o.periodCount, o.yearCount]).sort()).toEqual([
      ['李美玲', 2, 3],
      ['陳大文', 2, 3],
    ]);
    expect(JSON.stringify(data)).not.toMatch(/a@example\.com|9123 4567|85291234567/);
    expect(body.html).toContain('<html lang="en">');
    expect(body.html).toContain('November 2026');
    expect(body.html).toContain('<svg class="chart"');
  });

  it('stores the HTML of each language and a CSV of every complaint, behind short-lived links', async () => {
    for (const [language, title] of [
      ['zh-Hant', '投訴分析報告'],
      ['zh-Hans', '投诉分析报告'],
      ['en', 'Complaint analysis report'],
    ] as const) {
      const html = await fetch(report.links[language]?.html ?? '');
      expect(html.status).toBe(200);
      expect(html.headers.get('content-type')).toContain('text/html');
      expect(await html.text()).toContain(title);
    }
    const csv = await fetch(report.links.en?.csv ?? '');
    expect(csv.headers.get('content-disposition')).toContain('complaints-2026-11.en.csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    // A byte-order mark first, so Excel reads the file as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatch(/^Ref,Received,Area,Building,Unit,Channel/);
    expect(lines.find((l) => l.startsWith('KE-2611-0002'))).toContain(',Late,1.00,');
    expect(lines.some((l) => l.startsWith('KE-2612-0001'))).toBe(false);
  });

  it('is emailed to each recipient in their language, with the CSV attached', async () => {
    const sent = (await outbox(t)).slice(emailsBefore.length);
    expect(sent.map((e) => [e.destination.to, e.subject]).sort()).toEqual([
      [['customer-service@estate.example'], '投訴分析報告及整改計劃：2026年11月'],
      [['manager@estate.example'], 'Complaint analysis report and rectification plan: November 2026'],
    ]);
    const english = sent.find((e) => e.subject.startsWith('Complaint')) as OutboxEmail & {
      attachments?: { filename?: string }[];
    };
    expect(english.body.text).toContain('Complaints received: 8 (Previous 3)');
    expect(english.body.html).toContain('bgcolor=');
    expect(JSON.stringify(english)).toContain('complaints-2026-11.en.csv');
    expect(report.emailed).toEqual({ recipients: 2, messages: 2 });
  });
});

describe('who may make and read reports', () => {
  it('lets only customer service and the manager make or read them', async () => {
    expect((await api.post('supervisor.kowloon-east', '/api/reports', { month: REPORT_MONTH })).status).toBe(
      403,
    );
    expect((await api.get('reception.hk-island', '/api/reports')).status).toBe(403);
    expect((await api.get('clerk.kowloon-east', `/api/reports/${report.id}`)).status).toBe(403);
    expect((await api.get(CS, '/api/reports/20261201T000000000Z-2026-11')).status).toBe(404);
  });

  it('says what is wrong with the period asked for', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ month: '2026-13' }, 'month', /YYYY-MM/],
      [{ month: '2026-11', week: '2026-W48' }, 'month', /either a month/],
      [{ week: '2099-W01' }, 'week', /has not started/],
      [{ year: 2026 }, 'body', /.+/],
    ];
    for (const [body, field, message] of cases) {
      const answer = await api.post<{ errors: { field: string; message: string }[] }>(
        CS,
        '/api/reports',
        body,
      );
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(
        answer.body.errors.some((e) => (e.field === field || field === 'body') && message.test(e.message)),
      ).toBe(true);
    }
  });
});

describe('the rectification plan', () => {
  let items: RectificationItem[];
  beforeAll(async () => {
    items = (await api.get<{ items: RectificationItem[] }>(CS, '/api/rectifications')).body.items;
  });

  it('has an item drafted for each category or location over its threshold, with its evidence', () => {
    const drafts = items.filter((i) => i.status === 'draft');
    expect(drafts.map((i) => i.subjectKey).sort()).toEqual([
      'category|kowloon-east|water-leak',
      'location|kowloon-east|海濱花園第三座|water-leak',
      'unit|kowloon-east|德福花園c座|3樓a室',
      'unit|kowloon-east|海濱花園第三座|12樓b室',
    ]);
    const building = drafts.find((i) => i.subject.kind === 'location');
    expect(building?.evidence).toMatchObject({ period: '2026-11', count: 3, previousCount: 1, threshold: 3 });
    expect([...(building?.evidence.refs ?? [])].sort()).toEqual([
      'KE-2611-0001',
      'KE-2611-0002',
      'KE-2611-0005',
    ]);
    expect(building?.department).toBe('engineering');
  });

  it("shows the progress of earlier items in the report: this month's complaints about the subject", async () => {
    const { body } = await api.get<ReportAnswer>(CS, `/api/reports/${report.id}`);
    expect(body.data?.rectification.tracked).toEqual([
      expect.objectContaining({
        id: 'Rfixture-hki-repairs',
        status: 'approved',
        thisPeriod: 2,
        overdue: true,
      }),
    ]);
    const tracked = items.find((i) => i.id === 'Rfixture-hki-repairs');
    expect(tracked?.progress['2026-11']).toMatchObject({ reportId: report.id, count: 2 });
  });

  it('shows an area supervisor their own area only, and nobody else below', async () => {
    const own = await api.get<{ items: RectificationItem[] }>('supervisor.hk-island', '/api/rectifications');
    expect(own.body.items.map((i) => i.id)).toEqual(['Rfixture-hki-repairs']);
    expect((await api.get('engineering.kowloon-east', '/api/rectifications')).status).toBe(403);
  });

  it('is edited and approved by customer service only, each change noted, a stale edit refused', async () => {
    const draft = items.find((i) => i.subject.kind === 'location') as RectificationItem;
    const path = `/api/rectifications/${draft.id}`;
    expect((await api.call('supervisor.kowloon-east', 'PATCH', path, { version: 1, note: 'x' })).status).toBe(
      403,
    );
    const noMeasures = await api.call<{ errors: { field: string }[] }>(CS, 'PATCH', path, {
      version: 1,
      status: 'approved',
    });
    expect(noMeasures.status).toBe(400);
    expect(noMeasures.body.errors.map((e) => e.field)).toEqual(['measures']);
    const approved = await api.call<RectificationItem>(CS, 'PATCH', path, {
      version: 1,
      status: 'approved',
      measures: '更換第三座B室喉管，並每月檢查',
      dueDate: '2027-01-15',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      version: 2,
      approvedBy: CS,
      dueDate: '2027-01-15',
    });
    const stale = await api.call(CS, 'PATCH', path, { version: 1, status: 'done' });
    expect(stale.status).toBe(409);
    const started = await api.call<RectificationItem>('manager.kowloon-east', 'PATCH', path, {
      version: 2,
      status: 'in-progress',
      note: '工程部已訂購物料',
    });
    expect(started.body.notes.map((n) => [n.by, n.text])).toEqual([
      [CS, 'draft → approved'],
      ['manager.kowloon-east', '工程部已訂購物料'],
    ]);
  });
});

describe('the trend', () => {
  it("compares with the previous month's own report once there is one, to the same figures as its rows", async () => {
    const first = (await api.get<ReportAnswer>(CS, `/api/reports/${report.id}`)).body.data as ReportData;
    expect(first.previousFrom).toBeUndefined();
    const october = await api.post<ReportAnswer>(CS, '/api/reports', { month: '2026-10' });
    expect(october.status).toBe(201);
    const again = await api.post<ReportAnswer>(CS, '/api/reports', { month: REPORT_MONTH });
    const second = (await api.get<ReportAnswer>(CS, `/api/reports/${again.body.id}`)).body.data as ReportData;
    expect(second.previousFrom).toBe(october.body.id);
    expect(second.previousRows).toBe(3);
    for (const scope of ['company', 'kowloon-east', 'hk-island']) {
      const before = first.scopes[scope];
      const after = second.scopes[scope];
      expect(after?.received).toEqual(before?.received);
      expect(after?.channels).toEqual(before?.channels);
      expect(after?.categories).toEqual(before?.categories);
      expect(after?.departments).toEqual(before?.departments);
      expect(after?.satisfactionPrevious).toEqual(before?.satisfactionPrevious);
    }
    expect(second.recurring).toEqual(first.recurring);
  });
});

describe('the scheduled report', () => {
  it('is made once per scheduled time, however often the schedule delivers it', async () => {
    const { handler } = (await import('../../lambdas/run-scheduled-report.ts')) as { handler: LocalHandler };
    const before = (await outbox(t)).length;
    const event = { kind: 'month', scheduledTime: '2026-12-01T00:00:00Z' };
    const first = (await invokeLocal(handler, 'run-scheduled-report', event)) as {
      id: string;
      period: string;
      created: boolean;
    };
    const again = (await invokeLocal(handler, 'run-scheduled-report', event)) as {
      id: string;
      created: boolean;
    };
    expect(first).toMatchObject({ period: '2026-11', created: true });
    expect(again).toEqual({ id: first.id, period: '2026-11', status: 'done', created: false });
    expect((await outbox(t)).length - before).toBe(2);
  });

  it('re-runs a scheduled report that failed', async () => {
    const { handler } = (await import('../../lambdas/run-scheduled-report.ts')) as { handler: LocalHandler };
    const id = '20261207T000000000Z-2026-W47';
    await t.db.send(
      new PutCommand({
        TableName: t.stack.tableName,
        Item: {
          PK: 'REPORTS',
          SK: `REPORT#${id}`,
          type: 'report',
          id,
          status: 'failed',
          startedAt: '2026-12-07T00:00:00.000Z',
        },
      }),
    );
    const rerun = (await invokeLocal(handler, 'run-scheduled-report', {
      kind: 'week',
      scheduledTime: '2026-12-07T00:00:00Z',
      period: '2026-W47',
    })) as { id: string; created: boolean; status: string };
    expect(rerun).toMatchObject({ created: true, status: 'done' });
  });
});
