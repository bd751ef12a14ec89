import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertItemFits, ItemTooLargeError, itemBytes, MAX_ITEM_BYTES } from '#domain/item-size.ts';
import { type LocalDynamo, startDynamo } from '../../local/emulators/dynamodb.ts';

/**
 * The item size check every put goes through (lambdas/domain/item-size.ts): exact at the limit,
 * and in agreement with the local DynamoDB (dynalite, patched to count as DynamoDB does), which
 * refuses what DynamoDB refuses.
 */
describe('itemBytes', () => {
  it('counts names and string values in UTF-8 bytes: 409,600 bytes fit, one more does not', () => {
    // 'PK' + 'P' + 'SK' + 'S' + 't' = 7 bytes; each 滲 is 3.
    const atLimit = { PK: 'P', SK: 'S', t: `${'滲'.repeat(136_531)}` };
    expect(itemBytes(atLimit)).toBe(409_593 + 7);
    expect(itemBytes(atLimit)).toBe(MAX_ITEM_BYTES);
    expect(() => assertItemFits(atLimit)).not.toThrow();
    const over = { ...atLimit, t: `${atLimit.t}a` };
    expect(itemBytes(over)).toBe(MAX_ITEM_BYTES + 1);
    expect(() => assertItemFits(over, 'The line')).toThrow(ItemTooLargeError);
    expect(() => assertItemFits(over, 'The line')).toThrow(/The line is 409601 bytes/);
  });

  it('counts numbers, booleans, null, lists, maps, sets and binary by DynamoDB’s rules', () => {
    expect(itemBytes({ n: 0 })).toBe(1 + 1);
    expect(itemBytes({ n: 7 })).toBe(1 + 2);
    expect(itemBytes({ n: 12 })).toBe(1 + 2);
    expect(itemBytes({ n: 1.2 })).toBe(1 + 3); // an even count of digits at an even exponent: one pair more
    expect(itemBytes({ n: 123 })).toBe(1 + 3);
    expect(itemBytes({ n: -123 })).toBe(1 + 4);
    expect(itemBytes({ b: true, z: null })).toBe(2 + 2);
    expect(itemBytes({ l: ['ab', 1] })).toBe(1 + 3 + (1 + 2) + (1 + 2));
    expect(itemBytes({ m: { 名: 'x' } })).toBe(1 + 3 + (1 + 3 + 1));
    expect(itemBytes({ s: new Set(['a', 'bc']) })).toBe(1 + 3);
    expect(itemBytes({ bin: new Uint8Array(10) })).toBe(3 + 10);
    expect(itemBytes({ gone: undefined, kept: '' })).toBe(4);
  });
});

// ----- Against the local DynamoDB -------------------------------------------------------

const TABLE = 'item-size';
let dynamo: LocalDynamo;
let client: DynamoDBDocumentClient;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'item-size-'));
  dynamo = await startDynamo({ port: 0, path: dir, tableName: TABLE });
  client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
});

afterAll(async () => {
  client.destroy();
  await dynamo.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Shapes of item the handlers write: Chinese text and names, numbers of every form, nesting. */
const SHAPES: Record<string, Record<string, unknown>> = {
  'Chinese text': { 內容: '浴室天花板滲水，已經三日。', subject: '回覆: [KE-2611-0001] 升降機' },
  'Chinese attribute names': { 業主: { 姓名: '陳大文', 電話: '+852 9123 4567' }, 樓層: 12 },
  numbers: {
    zero: 0,
    small: 7,
    twelve: 12,
    odd: 123,
    negative: -45.5,
    fraction: 0.015,
    large: 123_456_789_012_345,
    huge: Number.MAX_SAFE_INTEGER,
    even: 1.2,
    tiny: 1.5e-7,
    round: 100_000,
    list: [1, 22, 333, -4444, 0.5],
  },
  'nested maps and lists': {
    attachments: [
      { filename: '傳真第1頁.pdf', contentType: 'application/pdf', size: 120_033, executable: false },
      { filename: 'photo.jpg', size: 9, inline: true, notStored: null, nested: [[], {}, [{ a: [1] }]] },
    ],
    verdicts: { spam: 'PASS', virus: 'PASS', dkim: 'GRAY' },
    empty: { list: [], map: {}, text: '' },
  },
  'sets and binary': {
    tags: new Set(['a', '乙', 'ccc']),
    counts: new Set([1, 20, 300]),
    raw: new Uint8Array(33),
  },
};

/** The item grown with an ASCII filler to exactly `bytes` by itemBytes' count. */
function sizedTo(shape: Record<string, unknown>, sk: string, bytes: number): Record<string, unknown> {
  const base = { PK: 'SIZE', SK: sk, ...shape, filler: '' };
  return { ...base, filler: 'x'.repeat(bytes - itemBytes(base)) };
}

async function accepted(item: Record<string, unknown>): Promise<boolean> {
  try {
    await client.send(new PutCommand({ TableName: TABLE, Item: item }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ValidationException') return false;
    throw error;
  }
}

describe('itemBytes and the local DynamoDB', () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    it(`agree at the limit on ${name}`, async () => {
      for (const bytes of [MAX_ITEM_BYTES - 1, MAX_ITEM_BYTES, MAX_ITEM_BYTES + 1, MAX_ITEM_BYTES + 2]) {
        const item = sizedTo(shape, `${name}#${bytes}`, bytes);
        expect(itemBytes(item)).toBe(bytes);
        expect(await accepted(item), `${name} at ${bytes} bytes`).toBe(bytes <= MAX_ITEM_BYTES);
      }
    });
  }

  it('agree on an item whose bulk is Chinese, one character (3 bytes) either side of the limit', async () => {
    const base = { PK: 'SIZE', SK: 'chinese', 內容: '' };
    const room = MAX_ITEM_BYTES - itemBytes(base);
    const fits = { ...base, 內容: '滲'.repeat(Math.floor(room / 3)) };
    const over = { ...base, 內容: '滲'.repeat(Math.floor(room / 3) + 1) };
    expect(itemBytes(fits)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
    expect(itemBytes(over)).toBeGreaterThan(MAX_ITEM_BYTES);
    expect(await accepted(fits)).toBe(true);
    expect(await accepted(over)).toBe(false);
  });
});
