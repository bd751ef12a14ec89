import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * The complaint search through the local API (`GET /api/complaints?q=&from=&to=`): words of
 * Chinese content without spaces, phone numbers however typed, emails, references, the date
 * range in company (Hong Kong) days, the list's other filters, paging, corrections, and areas.
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

interface Listed {
  items: { ref: string; overdue: boolean; ownerName: string; category?: string }[];
  nextToken?: string;
  errors?: { field: string; message: string }[];
}

const CHECKLIST = { keyPointsNoted: true, requestClarified: true, apologyGiven: true };
async function open(username: string, body: Record<string, unknown>): Promise<string> {
  const created = await api.post<{ ref: string }>(username, '/api/complaints', {
    channel: 'phone',
    checklist: CHECKLIST,
    ...body,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.ref;
}
const search = (query: Record<string, string>, username = 'supervisor.kowloon-east') =>
  api.get<Listed>(username, `/api/complaints?${new URLSearchParams(query)}`);
const refsOf = async (query: Record<string, string>, username?: string) => {
  const answer = await search(query, username);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.items.map((i) => i.ref);
};
/** A company (Hong Kong) date, days from today. */
const hkDay = (days = 0) =>
  new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

describe('searching complaints', () => {
  let leak: string;
  let lift: string;
  let other: string;
  beforeAll(async () => {
    leak = await open('reception.kowloon-east', {
      area: 'kowloon-east',
      building: '海濱花園第三座',
      unit: '12樓B室',
      owner: { name: '陳大文', phone: '+852 9123 4567', email: 'Chan.TaiMan@example.com' },
      content: '浴室天花板漏水已經一星期，樓上單位無人回應。',
      category: 'water-leak',
    });
    lift = await open('reception.kowloon-east', {
      area: 'kowloon-east',
      building: '海濱花園第一座',
      owner: { name: '李小姐', phone: '6123 4567' },
      content: 'Lift B stops between floors every evening',
      category: 'facilities',
    });
    // Another area's complaint with the same words: never shown to kowloon-east staff.
    other = await open('reception.hk-island', {
      area: 'hk-island',
      owner: { name: '張先生', phone: '+852 9123 4567' },
      content: '廚房漏水',
    });
  });

  it('finds 漏水 inside Chinese text with no spaces, and a word of English content, in the caller’s area only', async () => {
    expect(await refsOf({ q: '漏水' })).toEqual([leak]);
    expect(await refsOf({ q: '天花板' })).toEqual([leak]);
    expect(await refsOf({ q: 'lift' })).toEqual([lift]);
    expect(await refsOf({ q: 'LIFT   stops' })).toEqual([lift]);
    // Every word must be in it: 漏水 and 電梯 are in no complaint together.
    expect(await refsOf({ q: '漏水 電梯' })).toEqual([]);
    // Words as typed: 天花 is in it, 天花水 is not.
    expect(await refsOf({ q: '天花水' })).toEqual([]);
    expect(await refsOf({ q: '漏水' }, 'supervisor.hk-island')).toEqual([other]);
  });

  it('finds the owner by phone typed with or without spaces or +852, by email in any case, by name and by reference', async () => {
    for (const q of ['9123 4567', '91234567', '+85291234567', '+852 9123-4567', '(852) 9123 4567']) {
      expect(await refsOf({ q }), q).toEqual([leak]);
    }
    expect(await refsOf({ q: '6123 4567' })).toEqual([lift]);
    expect(await refsOf({ q: 'chan.taiman@EXAMPLE.com' })).toEqual([leak]);
    expect(await refsOf({ q: '陳大文' })).toEqual([leak]);
    expect(await refsOf({ q: '12樓B室' })).toEqual([leak]);
    expect(await refsOf({ q: leak.toLowerCase() })).toEqual([leak]);
  });

  it('combines the search with the list’s filters and a date range in Hong Kong days, each item with its overdue flag', async () => {
    expect(await refsOf({ q: '海濱花園', category: 'facilities' })).toEqual([lift]);
    expect((await refsOf({ q: '海濱花園' })).sort()).toEqual([leak, lift].sort());
    expect((await refsOf({ q: '海濱花園', from: hkDay(), to: hkDay() })).sort()).toEqual([leak, lift].sort());
    expect(await refsOf({ q: '海濱花園', to: hkDay(-1) })).toEqual([]);
    expect(await refsOf({ q: '海濱花園', from: hkDay(1) })).toEqual([]);
    // The range alone, without q, is the list's too.
    expect(await refsOf({ from: hkDay(-1), to: hkDay(-1) })).toEqual([]);
    expect(await refsOf({ from: hkDay(), to: hkDay() })).toEqual(expect.arrayContaining([leak, lift]));
    const answer = await search({ q: '漏水' });
    expect(answer.body.items[0]?.overdue).toBe(false);
  });

  it('pages the results newest first', async () => {
    const refs: string[] = [];
    for (let i = 0; i < 5; i++) {
      refs.push(
        await open('reception.kowloon-east', {
          area: 'kowloon-east',
          owner: { name: `業主${i}`, phone: `2345 678${i}` },
          content: `停車場閘口失靈 第${i}次`,
        }),
      );
    }
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const answer = await search({ q: '閘口', limit: '2', ...(nextToken ? { nextToken } : {}) });
      expect(answer.status).toBe(200);
      expect(answer.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...answer.body.items.map((i) => i.ref));
      nextToken = answer.body.nextToken;
    } while (nextToken);
    expect(seen).toEqual([...refs].reverse());
  });

  it('stops finding a corrected field’s old value and finds the new one', async () => {
    const ref = await open('reception.kowloon-east', {
      area: 'kowloon-east',
      owner: { name: '黃先生', phone: '5555 1234' },
      content: '走廊燈壞了',
    });
    expect(await refsOf({ q: '5555 1234' })).toEqual([ref]);
    const corrected = await api.post(
      'reception.kowloon-east',
      `/api/complaints/${encodeURIComponent(ref)}/corrections`,
      {
        version: 0,
        reason: '電話記錯',
        changes: { ownerPhone: '5555 9876', content: '走廊燈壞了，樓梯很暗' },
      },
    );
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    expect(await refsOf({ q: '5555 1234' })).toEqual([]);
    expect(await refsOf({ q: '55559876' })).toEqual([ref]);
    expect(await refsOf({ q: '樓梯' })).toEqual([ref]);
  });

  it('answers 400 per field for a query with nothing to look up, a long one, and bad or reversed dates', async () => {
    const fieldOf = async (query: Record<string, string>) => {
      const answer = await search(query);
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      return answer.body.errors?.map((e) => e.field);
    };
    expect(await fieldOf({ q: '水' })).toEqual(['q']);
    expect(await fieldOf({ q: 'x'.repeat(101) })).toEqual(['q']);
    expect(await fieldOf({ q: '漏水', from: '07/12/2026' })).toEqual(['from']);
    expect(await fieldOf({ from: hkDay(), to: hkDay(-3) })).toEqual(['to']);
  });
});
