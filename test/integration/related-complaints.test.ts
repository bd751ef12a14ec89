import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisterUnitRef } from '#domain/complaint.ts';
import { openComplaint } from '#services/open-complaint.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * Repeat and related complaints (issue 16 §4) on the local stack: complaints about register
 * units opened as intake and reception open them (the open-complaint service, with the unit
 * intake's routing fills in), then read as the supervisor's review reads them
 * (`GET /api/complaints/{ref}`), and the rectification plan a cluster drafts.
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
const unitRef = (estateId: string, building: string, flat: string): RegisterUnitRef => ({
  id: `${estateId}.${building}.18-${flat}`,
  estateId,
  estate: '海濱花園',
  buildingCode: building,
  building: `第${building}座`,
  unit: `18樓${flat}室`,
});

let sequence = 0;
async function open(unit: RegisterUnitRef, category: string | undefined, receivedAt = new Date()) {
  sequence += 1;
  const record = await openComplaint(
    { table: t.stack.tableName, stateMachineArn: t.stack.stateMachineArn },
    {
      channel: 'phone',
      area: AREA,
      owner: { name: `陳大文${sequence}`, phone: `+852 9${String(1000000 + sequence).slice(-7)}` },
      content: '天花滲水，請派人查看。',
      ...(category ? { category: category as 'water-leak' } : {}),
      building: unit.building,
      unit: unit.unit,
      // Apologised on the phone and clarified: the workflow goes straight to the supervisor's review.
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    },
    { by: 'reception.kowloon-east', role: 'reception', at: receivedAt.toISOString() },
    { extra: { registerUnit: unit } },
  );
  return record.ref;
}

interface RelatedLine {
  ref: string;
  status: string;
  category?: string;
  unit: string;
}
interface ComplaintView {
  ref: string;
  receivedAt: string;
  relatedFlags?: { repeatOf?: string[]; cluster?: { units: number; refs: string[] } };
  related?: {
    unitHistory: RelatedLine[];
    openInBuilding: RelatedLine[];
    openInEstate: RelatedLine[];
    flags?: { repeatOf?: string[]; cluster?: { units: number } };
  };
  timeline: { action: string; details?: Record<string, unknown> }[];
}
const view = async (ref: string, username = 'supervisor.kowloon-east') => {
  const answer = await api.get<ComplaintView>(username, `/api/complaints/${encodeURIComponent(ref)}`);
  expect(answer.status).toBe(200);
  return answer.body;
};

describe('a repeat', () => {
  it('flags the second complaint of a unit in the same category, and lists the first on the review', async () => {
    const unit = unitRef('repeat-court', '1', 'A');
    const first = await open(unit, 'water-leak', new Date(Date.now() - 10 * 86_400_000));
    const other = await open(unit, 'noise', new Date(Date.now() - 5 * 86_400_000));
    const second = await open(unit, 'water-leak');

    const firstView = await view(first);
    expect(firstView.relatedFlags?.repeatOf).toBeUndefined();

    const review = await view(second);
    expect(review.relatedFlags?.repeatOf).toEqual([first]);
    expect(review.related?.flags?.repeatOf).toEqual([first]);
    // Earlier complaints of the unit, any category, newest first; not the owner or the text.
    expect(review.related?.unitHistory.map((l) => l.ref)).toEqual([other, first]);
    expect(JSON.stringify(review.related)).not.toMatch(/陳大文|\+852|天花/);
    expect(review.timeline.some((l) => l.action === 'repeat-flagged')).toBe(true);
    // A complaint of another category is no repeat.
    expect((await view(other)).relatedFlags?.repeatOf).toBeUndefined();
    // Opened again under its reference (a retried intake): one line, the same flags.
    const again = await openComplaint(
      { table: t.stack.tableName, stateMachineArn: t.stack.stateMachineArn },
      {
        channel: 'phone',
        area: AREA,
        owner: { name: '陳大文', phone: '+852 91234567' },
        content: '天花滲水，請派人查看。',
        category: 'water-leak',
        checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
      },
      { by: 'reception.kowloon-east', role: 'reception', at: review.receivedAt },
      { ref: second, extra: { registerUnit: unit } },
    );
    expect(again.ref).toBe(second);
    const retried = await view(second);
    expect(retried.relatedFlags?.repeatOf).toEqual([first]);
    expect(retried.timeline.filter((l) => l.action === 'repeat-flagged')).toHaveLength(1);
  });

  it('is for the staff of the area only', async () => {
    const ref = await open(unitRef('repeat-court', '2', 'B'), 'pests');
    const answer = await api.get('supervisor.hk-island', `/api/complaints/${ref}`);
    expect(answer.status).toBe(403);
  });
});

describe('a category set after intake', () => {
  it('the supervisor’s review giving the category flags the repeat; so does a correction of it', async () => {
    const unit = unitRef('review-court', '1', 'C');
    const first = await open(unit, 'pests', new Date(Date.now() - 3 * 86_400_000));
    const waiting = t.recordTasks();
    const uncategorised = await open(unit, undefined);
    expect((await waiting(uncategorised)).stateName).toBe('Supervisor review');
    const before = await view(uncategorised);
    // Not categorised yet: its unit's history is listed, nothing repeats.
    expect(before.relatedFlags?.repeatOf).toBeUndefined();
    expect(before.related?.unitHistory.map((l) => l.ref)).toEqual([first]);

    const task = (
      await api.get<{ tasks: { id: string }[] }>(
        'supervisor.kowloon-east',
        `/api/complaints/${uncategorised}`,
      )
    ).body.tasks[0];
    const signed = await api.post(
      'supervisor.kowloon-east',
      `/api/tasks/${encodeURIComponent(String(task?.id))}/complete`,
      {
        action: 'sign',
        opinion: '安排清潔部滅蟲',
        category: 'pests',
        department: 'cleaning',
      },
    );
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect((await view(uncategorised)).relatedFlags?.repeatOf).toEqual([first]);

    // A complaint of another category, corrected to the same one: flagged then.
    const other = await open(unit, 'noise');
    expect((await view(other)).relatedFlags?.repeatOf).toBeUndefined();
    const corrected = await api.post('supervisor.kowloon-east', `/api/complaints/${other}/corrections`, {
      version: 0,
      reason: '業主所指是老鼠出沒，不是噪音',
      changes: { category: 'pests' },
    });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    const after = await view(other);
    expect(after.relatedFlags?.repeatOf).toEqual(expect.arrayContaining([first, uncategorised]));
    expect(after.timeline.some((l) => l.action === 'repeat-flagged')).toBe(true);
  });
});

describe('a cluster', () => {
  it('K units of one building in one category: flagged, open ones listed, one rectification item drafted', async () => {
    const estate = 'cluster-garden';
    const a = await open(unitRef(estate, '3', 'A'), 'facilities');
    const b = await open(unitRef(estate, '3', 'B'), 'facilities');
    const elsewhere = await open(unitRef(estate, '4', 'A'), 'facilities');
    expect((await view(b)).relatedFlags?.cluster).toBeUndefined();
    // The third and fourth units at once: both complete the cluster, one item is drafted.
    const [c, d] = await Promise.all([
      open(unitRef(estate, '3', 'C'), 'facilities'),
      open(unitRef(estate, '3', 'D'), 'facilities'),
    ]);
    const review = await view(d);
    expect(review.relatedFlags?.cluster?.units).toBeGreaterThanOrEqual(3);
    expect(review.related?.openInBuilding.map((l) => l.ref).sort()).toEqual([a, b, c].sort());
    expect(review.related?.openInEstate.map((l) => l.ref)).toEqual([elsewhere]);

    const plan = await api.get<{
      items: {
        subject: { building?: string; category?: string };
        status: string;
        evidence: { refs: string[] };
      }[];
    }>('customer-service.kowloon-east', '/api/rectifications');
    expect(plan.status).toBe(200);
    const drafted = plan.body.items.filter(
      (i) => i.subject.building === '海濱花園 第3座' && i.subject.category === 'facilities',
    );
    expect(drafted).toHaveLength(1);
    expect(drafted[0]?.status).toBe('draft');
    expect(drafted[0]?.evidence.refs).toEqual(expect.arrayContaining([a, b]));
  });

  it('no longer lists a complaint moved to another area: its unit went with the move (the owner lives there)', async () => {
    const estate = 'moved-garden';
    const here = await open(unitRef(estate, '1', 'A'), 'security');
    const moved = await open(unitRef(estate, '1', 'B'), 'security');
    const answer = await api.post('supervisor.kowloon-east', `/api/complaints/${moved}/area`, {
      area: 'hk-island',
      reason: '業主住港島',
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const waiting = await open(unitRef(estate, '1', 'C'), 'security');
    expect((await view(waiting)).related?.openInBuilding.map((l) => l.ref)).toEqual([here]);
    // Not even to head office, who sees both areas: the moved one is about no unit of this building now.
    expect(
      (await view(waiting, 'customer-service.kowloon-east')).related?.openInBuilding.map((l) => l.ref),
    ).toEqual([here]);
  });

  it('the periodic report shows the period’s repeats and clusters', async () => {
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const made = await api.post<{ id: string }>('customer-service.kowloon-east', '/api/reports', { month });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const report = await api.get<{
      html: string;
      data: {
        related?: { repeats: number; clusters: { building: string; category: string; units: number }[] };
      };
    }>('customer-service.kowloon-east', `/api/reports/${encodeURIComponent(made.body.id)}?lang=en`);
    expect(report.status).toBe(200);
    expect(report.body.data.related?.repeats).toBeGreaterThanOrEqual(1);
    expect(report.body.data.related?.clusters).toEqual(
      expect.arrayContaining([expect.objectContaining({ building: '第3座', category: 'facilities' })]),
    );
    expect(report.body.html).toContain('Repeat and cluster complaints');
    expect(report.body.html).toContain('海濱花園 第3座');
  });
});

describe('an estate’s yearly statistics for its owners’ organisation', () => {
  const ESTATE = 'stats-gardens';
  interface Statistics {
    statistics: {
      year: number;
      language: string;
      total: number;
      open: number;
      closed: number;
      byCategory: { id: string; count: number; open: number }[];
      byBuilding: { code: string; name: string; count: number }[];
      byMonth: number[];
      timeToClose: { closed: number; averageDays: number | null; medianDays: number | null };
      satisfaction: { counts: Record<string, number>; satisfiedShare: number | null };
    };
    html: string;
    csv: string;
  }
  const CUSTOMER_SERVICE = 'customer-service.kowloon-east';
  const owners: string[] = [];

  beforeAll(async () => {
    const estate = await api.post('supervisor.kowloon-east', '/api/directory/estates', {
      id: ESTATE,
      area: AREA,
      name: { zhHant: '統計花園', en: 'Stats Gardens' },
      organisations: [
        {
          kind: 'owners-corporation',
          name: { zhHant: '統計花園業主立案法團', en: 'Stats Gardens IO' },
          language: 'en',
        },
      ],
    });
    expect(estate.status, JSON.stringify(estate.body)).toBe(201);
    for (const name of [
      { zhHant: '第一座', en: 'Block 1' },
      { zhHant: '第二座', en: 'Block 2' },
    ]) {
      expect(
        (await api.post('supervisor.kowloon-east', `/api/directory/estates/${ESTATE}/buildings`, { name }))
          .status,
      ).toBe(201);
    }
    const unit = (building: string, flat: string) => ({
      ...unitRef(ESTATE, building, flat),
      estate: '統計花園',
    });
    // 2026: 3 in Block 1 (2 water leaks in March, 1 noise in July), 1 in Block 2 (water leak, May);
    // one of 2025 and one of 2027 that the year leaves out.
    const made = [
      [unit('1', 'A'), 'water-leak', '2026-03-02T02:00:00.000Z'],
      [unit('1', 'B'), 'water-leak', '2026-03-20T02:00:00.000Z'],
      [unit('1', 'A'), 'noise', '2026-07-01T02:00:00.000Z'],
      [unit('2', 'A'), 'water-leak', '2026-05-05T02:00:00.000Z'],
      // 1 January 2026 07:59 Hong Kong time is still 2025 in UTC: the year is Hong Kong's.
      [unit('2', 'B'), 'cleanliness', '2025-12-31T23:59:00.000Z'],
      [unit('2', 'B'), 'cleanliness', '2025-12-31T15:59:00.000Z'],
    ] as const;
    const refs: string[] = [];
    for (const [u, category, at] of made) {
      const before = sequence;
      refs.push(await open(u, category, new Date(at)));
      owners.push(`陳大文${before + 1}`);
    }
    // Two closed, one rated satisfied and one dissatisfied, 4 and 10 days after receipt.
    const close = async (ref: string, receivedAt: string, days: number, rating: string) => {
      const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
      await t.db.send(
        new UpdateCommand({
          TableName: t.stack.tableName,
          Key: { PK: `C#${ref}`, SK: 'RECORD' },
          UpdateExpression: 'SET #s = :closed, closedAt = :at, satisfaction = :rating',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':closed': 'closed',
            ':at': new Date(Date.parse(receivedAt) + days * 86_400_000).toISOString(),
            ':rating': {
              rating,
              comments: '管理處職員陳先生態度差',
              by: 'followup.kowloon-east',
              role: 'followup',
              at: receivedAt,
            },
          },
        }),
      );
    };
    await close(refs[0] ?? '', made[0][2], 4, 'satisfied');
    await close(refs[3] ?? '', made[3][2], 10, 'dissatisfied');
  });

  it('counts the year’s complaints by category, building, month, time to close and satisfaction', async () => {
    const answer = await api.get<Statistics>(
      CUSTOMER_SERVICE,
      `/api/directory/estates/${ESTATE}/statistics?year=2026`,
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const s = answer.body.statistics;
    expect(s).toMatchObject({ year: 2026, language: 'en', total: 5, open: 3, closed: 2 });
    expect(Object.fromEntries(s.byCategory.map((c) => [c.id, c.count]))).toEqual({
      'water-leak': 3,
      noise: 1,
      cleanliness: 1,
    });
    expect(s.byBuilding).toEqual([
      { code: '1', name: 'Block 1', count: 3, open: 2 },
      { code: '2', name: 'Block 2', count: 2, open: 1 },
    ]);
    expect(s.byMonth).toEqual([1, 0, 2, 0, 1, 0, 1, 0, 0, 0, 0, 0]);
    expect(s.timeToClose).toMatchObject({ closed: 2, averageDays: 7, medianDays: 7 });
    expect(s.satisfaction.counts).toMatchObject({ satisfied: 1, dissatisfied: 1 });
    expect(s.satisfaction.satisfiedShare).toBe(0.5);
    // In the organisation's language, printable; no owner's name, phone, email, unit or words.
    expect(answer.body.html).toContain('Stats Gardens: complaint statistics 2026');
    expect(answer.body.html).toContain('@media print');
    for (const text of [answer.body.html, answer.body.csv, JSON.stringify(s)]) {
      for (const name of owners) expect(text).not.toContain(name);
      expect(text).not.toMatch(/\+852|\w@\w|18樓|陳先生|天花/);
    }
    expect(answer.body.csv).toContain('By building,Block 1,3,2');
  });

  it('answers in another language when asked, and 2025 has its own complaint', async () => {
    const zh = await api.get<Statistics>(
      CUSTOMER_SERVICE,
      `/api/directory/estates/${ESTATE}/statistics?year=2025&lang=zh-Hant`,
    );
    expect(zh.status).toBe(200);
    expect(zh.body.statistics.total).toBe(1);
    expect(zh.body.html).toContain('統計花園 2025 年度投訴統計');
  });

  it('npm run report -- --estate <id> --year 2026 writes the HTML and CSV', async () => {
    const { execFile } = await import('node:child_process');
    const { mkdtemp, readFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const out = await mkdtemp(join(tmpdir(), 'estate-statistics-'));
    // Asynchronously: the stack answering the command runs in this process.
    const printed = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['local/cli/report.ts', '--estate', ESTATE, '--year', '2026', '--out', out],
        { env: { ...process.env, PORT: new URL(t.stack.urls.web).port } },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    expect(printed).toContain('Stats Gardens 2026: 5 complaints (closed 2, open 3), in en');
    const html = await readFile(join(out, `${ESTATE}-2026.en.html`), 'utf8');
    const csv = await readFile(join(out, `${ESTATE}-2026.en.csv`), 'utf8');
    expect(html).toContain('By building');
    expect(csv).toContain('Summary,Complaints,5,3');
  });

  it('is for customer service and the manager; a wrong year is a 400 naming it', async () => {
    expect(
      (await api.get('supervisor.kowloon-east', `/api/directory/estates/${ESTATE}/statistics?year=2026`))
        .status,
    ).toBe(403);
    const bad = await api.get<{ errors: { field: string }[] }>(
      CUSTOMER_SERVICE,
      `/api/directory/estates/${ESTATE}/statistics?year=26`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]?.field).toBe('year');
    expect(
      (await api.get(CUSTOMER_SERVICE, '/api/directory/estates/no-such-estate/statistics?year=2026')).status,
    ).toBe(404);
  });
});
