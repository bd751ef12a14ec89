import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * The estate register's API on the local stack: supervisors set up estates and buildings,
 * reception registers units with their owners and tenants, and everyone finds units by estate,
 * building, unit, resident's name, phone or email — paged, within their own area, each change on
 * the audit trail, bad input answered with the field to fix.
 */
let t: TestStack;
let api: ReturnType<typeof staffClient>;

interface FieldErrors {
  errors?: { field: string; message: string }[];
  message?: string;
}
interface UnitAnswer extends FieldErrors {
  id: string;
  estate: string;
  building: string;
  unit: string;
  area: string;
  version: number;
  residents: {
    id: string;
    name: string;
    role: string;
    phones: string[];
    emails: string[];
    language: string;
  }[];
  history?: { action: string; actor: string; role: string; details?: Record<string, unknown> }[];
}
interface Page extends FieldErrors {
  items: UnitAnswer[];
  nextToken?: string;
}

const SUPERVISOR = 'supervisor.kowloon-east';
const RECEPTION = 'reception.kowloon-east';
const GIVEN = [
  '家明',
  '美玲',
  '志強',
  '嘉欣',
  '淑儀',
  '國輝',
  '慧敏',
  '偉傑',
  '詠詩',
  '子軒',
  '浩然',
  '凱琳',
];

const patch = <T = UnitAnswer>(user: string, path: string, body: unknown) =>
  api.call<T>(user, 'PATCH', path, body);
const search = (user: string, query: string) => api.get<Page>(user, `/api/directory/units?${query}`);
const ids = (units: UnitAnswer[]) => units.map((u) => u.id);
const q = (text: string) => `q=${encodeURIComponent(text)}`;

/** Every page of a search, following nextToken. */
async function allPages(user: string, query: string, limit: number): Promise<UnitAnswer[]> {
  const units: UnitAnswer[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const answer = await search(
      user,
      `${query}&limit=${limit}${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`,
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.items.length).toBeLessThanOrEqual(limit);
    units.push(...answer.body.items);
    token = answer.body.nextToken;
    if (!token) return units;
  }
  throw new Error('more than 50 pages');
}

beforeAll(async () => {
  t = await startTestStack();
  api = staffClient(t);
  const estate = await api.post(SUPERVISOR, '/api/directory/estates', {
    id: 'laguna-city',
    area: 'kowloon-east',
    name: { zhHant: '麗港城', en: 'Laguna City' },
    organisations: [
      { kind: 'owners-corporation', name: { zhHant: '麗港城業主立案法團' }, language: 'zh-Hant' },
    ],
  });
  expect(estate.status, JSON.stringify(estate.body)).toBe(201);
  for (const name of [
    { zhHant: '第五座', en: 'Block 5' },
    { zhHant: '第三座', en: 'Block 3' },
  ]) {
    expect(
      (await api.post(SUPERVISOR, '/api/directory/estates/laguna-city/buildings', { name })).status,
    ).toBe(201);
  }
  const other = await api.post('supervisor.hk-island', '/api/directory/estates', {
    id: 'south-horizons',
    area: 'hk-island',
    name: { zhHant: '海怡半島', en: 'South Horizons' },
  });
  expect(other.status).toBe(201);
  expect(
    (
      await api.post('supervisor.hk-island', '/api/directory/estates/south-horizons/buildings', {
        name: { zhHant: '第一座' },
      })
    ).status,
  ).toBe(201);
  const first = await api.post<UnitAnswer>(RECEPTION, '/api/directory/units', {
    estate: 'laguna-city',
    building: '5',
    floor: '十八樓',
    flat: 'A',
    residents: [
      {
        name: '陳大文',
        role: 'owner',
        phones: ['9123 4567'],
        emails: ['Chan.TM@example.com'],
        language: 'zh-Hant',
      },
      { name: 'Wong Siu Ming', role: 'tenant', phones: ['+852 2345 6789'], language: 'en' },
    ],
  });
  expect(first.status, JSON.stringify(first.body)).toBe(201);
  // Block 3: 24 units, floors 1–12, flats A and B, each owned by a 陳家….
  for (let floor = 1; floor <= 12; floor++) {
    for (const flat of ['A', 'B']) {
      const i = (floor - 1) * 2 + (flat === 'A' ? 0 : 1);
      const answer = await api.post(RECEPTION, '/api/directory/units', {
        estate: 'laguna-city',
        building: '3',
        floor: String(floor),
        flat,
        residents: [
          { name: `陳${GIVEN[i % GIVEN.length]}${i}`, role: 'owner', phones: [`6${String(1000000 + i)}`] },
        ],
      });
      expect(answer.status).toBe(201);
    }
  }
  expect(
    (
      await api.post('reception.hk-island', '/api/directory/units', {
        estate: 'south-horizons',
        building: '1',
        floor: '18',
        flat: 'A',
        residents: [{ name: '陳大文', role: 'owner', emails: ['another.chan@example.com'] }],
      })
    ).status,
  ).toBe(201);
});
afterAll(async () => {
  await t?.stop();
});

describe('setting up the register', () => {
  it('takes a building’s code from its name, and asks a named block for one', async () => {
    const named = await api.post<FieldErrors>(SUPERVISOR, '/api/directory/estates/laguna-city/buildings', {
      name: { zhHant: '金星閣' },
    });
    expect(named.status).toBe(400);
    expect(named.body.errors?.[0]).toMatchObject({
      field: 'code',
      message: expect.stringMatching(/Give 金星閣 a code/),
    });
    const coded = await api.post<{ buildings: { code: string; name: string }[] }>(
      SUPERVISOR,
      '/api/directory/estates/laguna-city/buildings',
      { code: 'ks', name: { zhHant: '金星閣' } },
    );
    expect(coded.status).toBe(201);
    expect(coded.body.buildings.map((b) => b.code)).toEqual(['3', '5', 'KS']);
    const again = await api.post(SUPERVISOR, '/api/directory/estates/laguna-city/buildings', {
      name: { zhHant: '第五座（重複）' },
      code: '5',
    });
    expect(again.status).toBe(409);
  });

  it('lets supervisors and customer service change estates; reception and other areas get 403', async () => {
    const reception = await api.post<FieldErrors>(RECEPTION, '/api/directory/estates', {
      id: 'amoy-gardens',
      area: 'kowloon-east',
      name: { zhHant: '淘大花園' },
    });
    expect(reception.status).toBe(403);
    expect(reception.body.message).toMatch(/you are reception/);
    const otherArea = await api.post('supervisor.hk-island', '/api/directory/estates/laguna-city/buildings', {
      name: { zhHant: '第八座' },
    });
    expect(otherArea.status).toBe(403);
    const duplicate = await api.post(SUPERVISOR, '/api/directory/estates', {
      id: 'laguna-city',
      area: 'kowloon-east',
      name: { zhHant: '麗港城' },
    });
    expect(duplicate.status).toBe(409);
    const bad = await api.post<FieldErrors>(SUPERVISOR, '/api/directory/estates', {
      id: 'Amoy Gardens',
      area: 'mars',
      name: {},
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field).sort()).toEqual(['area', 'id', 'name.zhHant']);
  });

  it('edits an estate at the version read, and audits it by role', async () => {
    const before = await api.get<{ version: number }>(SUPERVISOR, '/api/directory/estates/laguna-city');
    const edited = await patch<{ version: number; address: string }>(
      SUPERVISOR,
      '/api/directory/estates/laguna-city',
      {
        version: before.body.version,
        address: { zhHant: '觀塘茶果嶺道88號', en: '88 Cha Kwo Ling Road' },
      },
    );
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.version).toBe(before.body.version + 1);
    const stale = await patch(SUPERVISOR, '/api/directory/estates/laguna-city', {
      version: before.body.version,
      name: { zhHant: '麗港城（舊）' },
    });
    expect(stale.status).toBe(409);
    const moved = await patch<FieldErrors>(SUPERVISOR, '/api/directory/estates/laguna-city', {
      version: edited.body.version,
      area: 'hk-island',
    });
    expect(moved.status).toBe(400);
    expect(moved.body.errors?.[0]?.field).toBe('area');
    const history = await api.get<{ history: { action: string; role: string; actor: string }[] }>(
      'manager.kowloon-east',
      '/api/directory/estates/laguna-city',
    );
    expect(history.body.history.map((line) => [line.action, line.role])).toEqual([
      ['estate-updated', 'supervisor'],
      ['estate-created', 'supervisor'],
    ]);
  });
});

describe('registering units', () => {
  it('answers a unit with its address as id, its label, area and residents', async () => {
    const unit = await api.get<UnitAnswer>('clerk.kowloon-east', '/api/directory/units/laguna-city.5.18-A');
    expect(unit.status).toBe(200);
    expect(unit.body).toMatchObject({
      id: 'laguna-city.5.18-A',
      estate: '麗港城',
      building: '第五座',
      unit: '18樓A室',
      area: 'kowloon-east',
      residents: [
        {
          name: '陳大文',
          role: 'owner',
          phones: ['9123 4567'],
          emails: ['chan.tm@example.com'],
          language: 'zh-Hant',
        },
        { name: 'Wong Siu Ming', role: 'tenant', phones: ['+852 2345 6789'], emails: [], language: 'en' },
      ],
    });
    const english = await api.get<UnitAnswer>(RECEPTION, '/api/directory/units/laguna-city.5.18-A?lang=en');
    expect([english.body.estate, english.body.building, english.body.unit]).toEqual([
      'Laguna City',
      'Block 5',
      'Flat A, 18/F',
    ]);
  });

  it('refuses a unit twice, a building the estate lacks, a floor that is none, and roles and areas that do not edit', async () => {
    const body = { estate: 'laguna-city', building: '5', floor: '18/F', flat: 'a' };
    expect((await api.post(RECEPTION, '/api/directory/units', body)).status).toBe(409);
    const noBuilding = await api.post<FieldErrors>(RECEPTION, '/api/directory/units', {
      ...body,
      building: '9',
    });
    expect(noBuilding.status).toBe(400);
    expect(noBuilding.body.errors?.[0]).toMatchObject({
      field: 'building',
      message: expect.stringMatching(/no building 9/),
    });
    const badFloor = await api.post<FieldErrors>(RECEPTION, '/api/directory/units', {
      ...body,
      floor: 'lobby',
      residents: [{ name: '', role: 'landlord', phones: ['12'] }],
    });
    expect(badFloor.status).toBe(400);
    expect(badFloor.body.errors?.map((e) => e.field).sort()).toEqual([
      'floor',
      'residents.0.name',
      'residents.0.phones.0',
      'residents.0.role',
    ]);
    expect((await api.post(RECEPTION, '/api/directory/units', { ...body, estate: 'nowhere' })).status).toBe(
      400,
    );
    expect(
      (await api.post('clerk.kowloon-east', '/api/directory/units', { ...body, flat: 'C' })).status,
    ).toBe(403);
    expect(
      (await api.post('reception.hk-island', '/api/directory/units', { ...body, flat: 'C' })).status,
    ).toBe(403);
    expect((await api.get('reception.hk-island', '/api/directory/units/laguna-city.5.18-A')).status).toBe(
      403,
    );
    expect((await api.get(RECEPTION, '/api/directory/units/laguna-city.5.99-Z')).status).toBe(404);
    expect((await api.get(RECEPTION, '/api/directory/units/not-a-unit')).status).toBe(404);
  });
});

describe('searching the register', () => {
  it('finds a unit by how it is written, in Chinese or English, with or without its estate', async () => {
    for (const text of [
      '麗港城第五座18樓A室',
      '第5座十八樓A室',
      'Laguna City Block 5, 18/F, Flat A',
      'Flat A, 18/F, Block 5',
    ]) {
      const answer = await search(RECEPTION, q(text));
      expect(answer.status, text).toBe(200);
      expect(ids(answer.body.items), text).toEqual(['laguna-city.5.18-A']);
    }
    expect(ids((await search(RECEPTION, q('18A'))).body.items)).toEqual(['laguna-city.5.18-A']);
  });

  it('finds residents by the start of their name, and by phone (as dialled or with its code) or email', async () => {
    for (const text of [
      '陳大文',
      '陈大文',
      '陳大',
      'siu ming',
      '9123 4567',
      '+852 9123-4567',
      '23456789',
      'CHAN.TM@EXAMPLE.COM',
      'chan.tm+complaints@example.com',
    ]) {
      const answer = await search(RECEPTION, q(text));
      expect(answer.status, text).toBe(200);
      expect(ids(answer.body.items), text).toEqual(['laguna-city.5.18-A']);
    }
    const narrowed = await search(RECEPTION, q('陳大文 18樓A室'));
    expect(ids(narrowed.body.items)).toEqual(['laguna-city.5.18-A']);
    expect((await search(RECEPTION, q('陳大文 12樓B室'))).body.items).toEqual([]);
  });

  it('pages through an estate’s or a building’s units in floor order, and through a name’s, each unit once', async () => {
    const building = await allPages(RECEPTION, 'estate=laguna-city&building=3', 5);
    expect(building).toHaveLength(24);
    expect(ids(building).slice(0, 4)).toEqual([
      'laguna-city.3.1-A',
      'laguna-city.3.1-B',
      'laguna-city.3.2-A',
      'laguna-city.3.2-B',
    ]);
    expect(ids(building).at(-1)).toBe('laguna-city.3.12-B');
    const estate = await allPages(RECEPTION, q('麗港城'), 7);
    expect(new Set(ids(estate)).size).toBe(25);
    expect(estate).toHaveLength(25);
    const named = await allPages(RECEPTION, q('陳家'), 4);
    expect(new Set(ids(named)).size).toBe(named.length);
    expect(named.length).toBeGreaterThanOrEqual(2);
    expect(named.every((u) => u.residents.some((r) => r.name.startsWith('陳家')))).toBe(true);
  });

  it('keeps each area to its own register; head office searches every area', async () => {
    expect(ids((await search(RECEPTION, q('陳大文'))).body.items)).toEqual(['laguna-city.5.18-A']);
    expect(ids((await search('reception.hk-island', q('陳大文'))).body.items)).toEqual([
      'south-horizons.1.18-A',
    ]);
    expect(ids((await search('customer-service.hk-island', q('陳大文'))).body.items).sort()).toEqual([
      'laguna-city.5.18-A',
      'south-horizons.1.18-A',
    ]);
    expect(
      (await search('reception.hk-island', 'area=kowloon-east&q=%E9%99%B3%E5%A4%A7%E6%96%87')).status,
    ).toBe(403);
    expect((await search('reception.hk-island', 'estate=laguna-city')).status).toBe(403);
    expect((await search('reception.hk-island', q('麗港城'))).body.items).toEqual([]);
  });

  it('answers 400 naming the field for a search that says nothing, and for another search’s token', async () => {
    const cases: [string, string][] = [
      ['', 'q'],
      [q('陳'), 'q'],
      ['building=5', 'building'],
      ['estate=Laguna City', 'estate'],
      ['area=mars&q=abc', 'area'],
      [`${q('麗港城')}&limit=0`, 'limit'],
      [`${q('麗港城')}&nextToken=made-up`, 'nextToken'],
      ['lang=fr&q=abc', 'lang'],
    ];
    for (const [query, field] of cases) {
      const answer = await search(RECEPTION, query);
      expect(answer.status, query).toBe(400);
      expect(answer.body.errors?.[0]?.field, query).toBe(field);
    }
    const first = await search(RECEPTION, `${q('麗港城')}&limit=2`);
    const token = first.body.nextToken ?? '';
    const other = await search(RECEPTION, `${q('陳家')}&limit=2&nextToken=${encodeURIComponent(token)}`);
    expect(other.status).toBe(400);
    expect(other.body.errors?.[0]?.message).toMatch(/another search/);
    expect((await search(RECEPTION, 'estate=nowhere')).status).toBe(404);
  });
});

describe('keeping residents up to date', () => {
  it('finds the unit by the new phone and not the old, forgets a tenant who left, and audits by role without personal data', async () => {
    const before = await api.get<UnitAnswer>(RECEPTION, '/api/directory/units/laguna-city.5.18-A');
    const owner = before.body.residents[0];
    if (!owner) throw new Error('no owner');
    const edited = await patch(RECEPTION, '/api/directory/units/laguna-city.5.18-A', {
      version: before.body.version,
      residents: [{ ...owner, phones: ['6888 1234'] }],
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.version).toBe(before.body.version + 1);
    expect(ids((await search(RECEPTION, q('6888 1234'))).body.items)).toEqual(['laguna-city.5.18-A']);
    expect((await search(RECEPTION, q('9123 4567'))).body.items).toEqual([]);
    expect((await search(RECEPTION, q('siu ming'))).body.items).toEqual([]);
    // The pointers of what the unit no longer has are gone from the table, not only unanswered.
    const contacts = await t.db.send(
      new QueryCommand({
        TableName: t.stack.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': 'DIRCONTACT#phone:85291234567' },
      }),
    );
    expect(contacts.Items).toEqual([]);
    const current = await t.db.send(
      new QueryCommand({
        TableName: t.stack.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': 'DIRCONTACT#email:chan.tm@example.com' },
      }),
    );
    expect(current.Items?.map((item) => [item.unitId, item.language, item.area])).toEqual([
      ['laguna-city.5.18-A', 'zh-Hant', 'kowloon-east'],
    ]);
    const stale = await patch(RECEPTION, '/api/directory/units/laguna-city.5.18-A', {
      version: before.body.version,
      residents: [],
    });
    expect(stale.status).toBe(409);
    const fixed = await patch<FieldErrors>(RECEPTION, '/api/directory/units/laguna-city.5.18-A', {
      version: edited.body.version,
      floor: '19',
    });
    expect(fixed.status).toBe(400);
    expect(fixed.body.errors?.[0]?.field).toBe('floor');
    expect(
      (
        await patch('followup.kowloon-east', '/api/directory/units/laguna-city.5.18-A', {
          version: edited.body.version,
        })
      ).status,
    ).toBe(403);
    const unit = await api.get<UnitAnswer>(SUPERVISOR, '/api/directory/units/laguna-city.5.18-A');
    expect(unit.body.history?.map((line) => [line.action, line.actor, line.role])).toEqual([
      ['unit-updated', RECEPTION, 'reception'],
      ['unit-created', RECEPTION, 'reception'],
    ]);
    expect(unit.body.history?.[0]?.details).toEqual({
      residents: {
        added: [],
        removed: [before.body.residents[1]?.id],
        changed: [{ id: owner.id, fields: ['phones'] }],
      },
    });
    expect(JSON.stringify(unit.body.history)).not.toMatch(/陳|Wong|9123|6888|example\.com/);
  });
});
