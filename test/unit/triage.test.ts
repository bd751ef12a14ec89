import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itemBytes, MAX_ITEM_BYTES } from '#domain/item-size.ts';
import {
  isTriageModel,
  keywordModel,
  suggest,
  type TriageExample,
  trainModel,
} from '#domain/triage/model.ts';
import { charNgrams, normalise } from '#domain/triage/tokens.ts';

const labelled = readFileSync(
  join(import.meta.dirname, '..', 'fixtures', 'triage', 'complaints.jsonl'),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as TriageExample & { language: string });

describe('triage tokens', () => {
  it('cuts Chinese into characters and pairs, in simplified form, and English into stemmed words', () => {
    expect(charNgrams('浴室滲水')).toEqual(['浴', '浴室', '室', '室渗', '渗', '渗水', '水']);
    expect(charNgrams('浴室渗水')).toEqual(charNgrams('浴室滲水'));
    expect(charNgrams('The pipes are LEAKING!')).toEqual(['pipe', 'leak']);
    expect(normalise('ＡＢＣ１２')).toBe('abc12');
  });
});

describe('triage model', () => {
  const model = trainModel(labelled);

  it.each([
    ['浴室天花板不停滴水，樓上單位好似爆咗喉。', 'zh-Hant'],
    ['厨房天花板在渗水，墙上都是水渍。', 'zh-Hans'],
    ['Water keeps leaking from the ceiling above my kitchen.', 'en'],
  ])('suggests water leakage, to engineering, for a clear leak (%s)', (text) => {
    const suggestion = suggest(model, text);
    expect(suggestion).toMatchObject({ category: 'water-leak', department: 'engineering' });
    expect(suggestion?.confidence).toBeGreaterThan(0.5);
  });

  it('starts from the catalogue keywords before any history', () => {
    const start = keywordModel();
    expect(start.examples).toBe(0);
    expect(suggest(start, '家裏好多老鼠同曱甴')?.category).toBe('pests');
    expect(suggest(start, '管理费多收了，要求退款')).toMatchObject({
      category: 'fees',
      department: 'finance',
    });
    expect(suggest(start, 'My management fee receipt is wrong')?.category).toBe('fees');
  });

  it('learns the department a company signs, not only the keyword default', () => {
    // This company sends every noise complaint to security: after enough signed ones, so does the model.
    const signed: TriageExample[] = [
      '樓上好嘈，半夜仲有人叫',
      '隔离成晚好大声',
      '楼上装修噪音很大',
      '深夜邻居很吵',
      'Loud music at night',
    ].flatMap((text) => [{ text, category: 'noise' as const, department: 'security' as const }]);
    const before = suggest(keywordModel(), '晚上噪音好大，吵到睡唔著');
    const after = suggest(
      trainModel([...signed, ...signed, ...signed, ...signed]),
      '晚上噪音好大，吵到睡唔著',
    );
    expect(before).toMatchObject({ category: 'noise', department: 'management-office' });
    expect(after).toMatchObject({ category: 'noise', department: 'security' });
  });

  it('says nothing for a text without a single known feature', () => {
    expect(suggest(model, '12345 !!!')).toBeUndefined();
  });

  it('serialises to a small JSON that fits one DynamoDB item and reads back the same', () => {
    const json = JSON.stringify(model);
    const read = JSON.parse(json) as unknown;
    expect(isTriageModel(read)).toBe(true);
    expect(itemBytes({ PK: 'TRIAGE', SK: 'MODEL', model: read })).toBeLessThan(MAX_ITEM_BYTES / 2);
    const text = '走廊燈壞咗兩個禮拜';
    expect(suggest(read as typeof model, text)).toEqual(suggest(model, text));
    expect(isTriageModel({ version: 2 })).toBe(false);
  });
});

describe('triage training schedule', () => {
  it('reads the months back from the run’s own month, and the local time of day', async () => {
    const { monthsBack } = await import('#services/triage.ts');
    const { triageTimeFrom } = await import('../../local/runtime/scheduler.ts');
    expect(monthsBack(new Date('2026-02-10T00:00:00Z'), 3)).toEqual(['2025-12', '2026-01', '2026-02']);
    expect(triageTimeFrom(undefined, '03:45')).toBe('03:45');
    expect(triageTimeFrom('off', '03:45')).toBeUndefined();
    expect(() => triageTimeFrom('25:00', '03:45')).toThrow(/TRIAGE_TIME=25:00/);
  });
});
