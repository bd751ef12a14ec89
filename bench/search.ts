import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { flagsFor, type NewComplaintInput, newComplaintRecord } from '#domain/complaint.ts';
import { areaMonthPk, complaintPk, ownerContactKey, RECORD_SK } from '#domain/keys.ts';
import { searchItemKeys } from '#domain/search.ts';
import { startDynamo } from '../local/emulators/dynamodb.ts';
import { LOCAL_RESOURCES, startLocalStack } from '../local/stack.ts';
import type { Figure } from './figures.ts';

/**
 * `api.search_p99_ms`: `GET /api/complaints?q=` over 100,000 complaints in the local stack.
 *
 * The complaints (records and their search items, the same items `openComplaint` writes:
 * domain/search.ts) are loaded once into a DynamoDB directory kept under `.local/bench/`
 * (about 4 million items: written through dynalite's own put, in this process, which takes a few
 * minutes; HTTP and the SDK would take most of an hour), then the stack starts on a copy of it
 * and a supervisor searches, one request at a time, with the mix an office types: common words
 * (漏水), rarer ones, words with a date range, names, phones typed with spaces and +852,
 * emails and references. p50/p99 over every answer after a warm-up.
 */
const COMPLAINTS = Number(process.env.BENCH_SEARCH_COMPLAINTS ?? 100_000);
const MONTHS = 24;
const QUERIES = 400;
const WARM_UP = 20;
const DATA_VERSION = 'v1';
const AREA = 'kowloon-east';
const OTHER_AREA = 'hk-island';

const ESTATES = ['海濱花園', '德福花園', '麗港城', '淘大花園', '杏花邨', '太古城', '黃埔花園', '美孚新邨'];
const CONTENTS = [
  '浴室天花板漏水已經一星期，樓上單位無人回應。',
  '廚房去水位淤塞，污水倒流。',
  '升降機每晚停在兩層之間，住戶被困。',
  '走廊燈壞了兩星期，晚上很暗。',
  '停車場閘口經常失靈，車輛無法出入。',
  '樓上單位深夜裝修，噪音滋擾。',
  '大堂清潔不足，地面有垃圾。',
  '保安員態度惡劣，不讓訪客登記。',
  '平台花園樹木太高，遮擋窗戶。',
  '垃圾房有老鼠出沒，請盡快滅鼠。',
  '管理費單據金額錯誤，要求更正。',
  '外牆石屎剝落，有危險。',
  'Water dripping from the ceiling of the lift lobby.',
  'The intercom of our flat has not worked for a week.',
  '窗戶密封膠老化，下雨時滲水入屋。',
  '水錶讀數異常，水費突然增加。',
];
const SURNAMES = ['陳', '李', '張', '黃', '何', '林', '吳', '劉', '梁', '鄭'];
const GIVEN = ['大文', '小明', '美玲', '志強', '家豪', '淑儀', '偉明', '嘉欣', '子軒', '詠詩'];

/** DynamoDB's JSON of a plain value (what the SDK's marshall makes of the record). */
function marshall(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map((v) => marshall(v) ?? { NULL: true }) };
  const entries = Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => [k, marshall(v)] as const)
    .filter(([, v]) => v !== undefined);
  return { M: Object.fromEntries(entries) };
}
const item = (value: Record<string, unknown>) => (marshall(value) as { M: Record<string, unknown> }).M;

/** The i-th complaint: spread over MONTHS months back from `now`, most in one area. */
function complaintAt(i: number, now: number) {
  const receivedAt = new Date(now - Math.floor(((i + 0.5) / COMPLAINTS) * MONTHS * 30 * 86_400_000));
  const area = i % 5 === 4 ? OTHER_AREA : AREA;
  const input = {
    channel: 'phone',
    area,
    building: `${ESTATES[i % ESTATES.length]}第${(i % 7) + 1}座`,
    unit: `${(i % 40) + 1}樓${'ABCDEFGH'[i % 8]}室`,
    owner: {
      name: `${SURNAMES[i % 10]}${GIVEN[Math.floor(i / 10) % 10]}`,
      phone: `+852 ${String(90_000_000 + i).slice(0, 4)} ${String(90_000_000 + i).slice(4)}`,
      email: `owner${i}@example.com`,
      language: 'zh-Hant',
    },
    content: `${CONTENTS[i % CONTENTS.length]}（第${i}號個案）`,
    category: 'water-leak',
    checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
  } as unknown as NewComplaintInput;
  const ref = `${area === AREA ? 'KE' : 'HK'}-${receivedAt.toISOString().slice(2, 4)}${receivedAt.toISOString().slice(5, 7)}-${String(i).padStart(6, '0')}`;
  const record = newComplaintRecord(
    ref,
    input,
    { by: 'reception.kowloon-east', role: 'reception', at: receivedAt.toISOString() },
    flagsFor(input),
  );
  return record;
}

type PutItem = (store: unknown, data: unknown, cb: (err?: Error) => void) => void;

/** Loads the complaints into `dir` (a DynamoDB directory), unless an earlier run did. */
async function loadOnce(dir: string, now: number, log: (line: string) => void): Promise<void> {
  const done = join(dir, 'LOADED');
  if (existsSync(done)) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The table, as the local stack creates it; then the items straight into dynalite's store.
  const dynamo = await startDynamo({ port: 0, path: dir, tableName: LOCAL_RESOURCES.tableName });
  await dynamo.stop();
  const require = createRequire(import.meta.url);
  const dynaliteDb = require('dynalite/db/index.js') as {
    create(options: unknown): { db: { close(): Promise<void> } };
  };
  const putItem = require('dynalite/actions/putItem.js') as PutItem;
  const store = dynaliteDb.create({ path: dir });
  const put = (value: Record<string, unknown>) =>
    new Promise<void>((resolve, reject) =>
      putItem(store, { TableName: LOCAL_RESOURCES.tableName, Item: item(value) }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  const started = performance.now();
  let items = 0;
  const CONCURRENT = 64;
  for (let i = 0; i < COMPLAINTS; i += CONCURRENT) {
    const writes: Promise<void>[] = [];
    for (let j = i; j < Math.min(COMPLAINTS, i + CONCURRENT); j++) {
      const record = complaintAt(j, now);
      const contact = ownerContactKey(record.owner);
      writes.push(
        put({
          PK: complaintPk(record.ref),
          SK: RECORD_SK,
          type: 'complaint',
          ...record,
          GSI2PK: areaMonthPk(record.area, record.receivedAt),
          GSI2SK: record.receivedAt,
          ...(contact ? { GSI3PK: contact, GSI3SK: record.receivedAt } : {}),
        }),
      );
      for (const key of searchItemKeys(record))
        writes.push(put({ ...key, type: 'search-term', ref: record.ref }));
      items += 1;
    }
    await Promise.all(writes);
    if (i % 10_000 === 0 && i > 0) {
      log(`search: ${i} complaints loaded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  await store.db.close();
  writeFileSync(done, JSON.stringify({ complaints: items, now }));
  log(`search: ${COMPLAINTS} complaints loaded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

export async function benchSearch(log: (line: string) => void): Promise<Figure[]> {
  const cache = join(import.meta.dirname, '..', '.local', 'bench', `search-${COMPLAINTS}-${DATA_VERSION}`);
  // The complaints' times are relative to when they were loaded: the list reaches 24 months back.
  const marker = join(cache, 'dynamodb', 'LOADED');
  const now = existsSync(marker)
    ? (JSON.parse((await import('node:fs')).readFileSync(marker, 'utf8')) as { now: number }).now
    : Date.now();
  await loadOnce(join(cache, 'dynamodb'), now, log);
  const stack = await startLocalStack({
    dataDir: cache,
    ports: { web: 0, smtp: 0, ses: 0, dynamodb: 0, s3: 0, sfn: 0 },
  });
  try {
    const tokenResponse = await fetch(`${stack.urls.web}/api/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'supervisor.kowloon-east' }),
    });
    const { token } = (await tokenResponse.json()) as { token: string };
    const day = (daysBack: number) =>
      new Date(now + 8 * 3_600_000 - daysBack * 86_400_000).toISOString().slice(0, 10);
    const queries: Record<string, string>[] = [];
    for (let n = 0; n < QUERIES + WARM_UP; n++) {
      const i = (n * 7919) % COMPLAINTS;
      const kinds: Record<string, string>[] = [
        { q: '漏水' },
        { q: '天花板漏水' },
        { q: '升降機 被困' },
        { q: 'intercom' },
        { q: '滅鼠', from: day(400), to: day(200) },
        { q: `${SURNAMES[i % 10]}${GIVEN[Math.floor(i / 10) % 10]}` },
        { q: `${String(90_000_000 + i).slice(0, 4)} ${String(90_000_000 + i).slice(4)}` },
        { q: `+852${90_000_000 + i}` },
        { q: `owner${i}@example.com` },
        { q: `${ESTATES[i % ESTATES.length]} ${(i % 40) + 1}樓` },
        { q: `第${i}號個案` },
      ];
      queries.push(kinds[n % kinds.length] as Record<string, string>);
    }
    const latencies: number[] = [];
    let empty = 0;
    for (const [n, query] of queries.entries()) {
      const started = performance.now();
      const response = await fetch(
        `${stack.urls.web}/api/complaints?${new URLSearchParams({ ...query, limit: '25' })}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      const body = (await response.json()) as { items?: unknown[] };
      const ms = performance.now() - started;
      if (response.status !== 200)
        throw new Error(`search ${JSON.stringify(query)}: ${response.status} ${JSON.stringify(body)}`);
      if (n >= WARM_UP) {
        latencies.push(ms);
        if (!body.items?.length) empty++;
      }
    }
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    log(
      `search: ${latencies.length} searches over ${COMPLAINTS} complaints, one at a time: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${(latencies.at(-1) ?? 0).toFixed(0)} ms (${empty} found nothing in the caller's area)`,
    );
    return [
      {
        name: 'api.search_p99_ms',
        value: Math.round(p99),
        unit: `ms (${COMPLAINTS} complaints)`,
        goal: '≤ 150',
      },
      { name: 'api.search_p50_ms', value: Math.round(p50), unit: 'ms', goal: null },
    ];
  } finally {
    await stack.stop();
  }
}
