import { describe, expect, it } from 'vitest';
import {
  estateStatistics,
  estateStatisticsCsv,
  estateStatisticsHtml,
  type StatisticsRow,
  statisticsLanguage,
  yearRange,
} from '#domain/estate-statistics.ts';

/** An estate's yearly statistics (issue 16 §5): the counting at its edges, and its words. */
const ESTATE = {
  id: 'laguna-city',
  name: { zhHant: '麗港城', zhHans: '丽港城', en: 'Laguna City' },
  buildings: {
    '5': { code: '5', name: { zhHant: '第五座', en: 'Block 5' } },
    '10': { code: '10', name: { zhHant: '第十座', en: 'Block 10' } },
  },
  organisations: [
    {
      id: 'o000001',
      kind: 'owners-corporation' as const,
      name: { zhHant: '麗港城業主立案法團' },
      language: 'zh-Hans' as const,
    },
  ],
};
const NOW = new Date('2026-12-07T00:00:00Z');
const row = (ref: string, receivedAt: string, extra: Partial<StatisticsRow> = {}): StatisticsRow => ({
  ref,
  receivedAt,
  status: 'open',
  buildingCode: '5',
  category: 'water-leak',
  ...extra,
});

describe('the year', () => {
  it('is Hong Kong’s: 1 January 00:00 HKT is 31 December 16:00 UTC', () => {
    expect(yearRange(2026)).toEqual({ from: '2025-12-31T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' });
    const stats = estateStatistics(
      ESTATE,
      2026,
      [
        row('A', '2025-12-31T15:59:59.999Z'),
        row('B', '2025-12-31T16:00:00.000Z'),
        row('C', '2026-12-31T15:59:59.999Z'),
        row('D', '2026-12-31T16:00:00.000Z'),
      ],
      { language: 'en', now: NOW },
    );
    expect(stats.total).toBe(2);
    expect(stats.byMonth[0]).toBe(1);
    expect(stats.byMonth[11]).toBe(1);
  });
  it('counts a complaint once, whatever reads it twice', () => {
    const stats = estateStatistics(
      ESTATE,
      2026,
      [row('A', '2026-02-01T00:00:00Z'), row('A', '2026-02-01T00:00:00Z')],
      {
        language: 'en',
        now: NOW,
      },
    );
    expect(stats.total).toBe(1);
  });
});

describe('the figures', () => {
  const rows = [
    row('A', '2026-01-01T00:00:00Z', {
      status: 'closed',
      closedAt: '2026-01-03T00:00:00Z',
      rating: 'satisfied',
    }),
    row('B', '2026-01-01T00:00:00Z', {
      status: 'closed',
      closedAt: '2026-01-09T00:00:00Z',
      rating: 'basically-satisfied',
    }),
    row('C', '2026-03-01T00:00:00Z', {
      status: 'closed',
      closedAt: '2026-04-30T00:00:00Z',
      rating: 'dissatisfied',
      buildingCode: '10',
    }),
    row('D', '2026-03-01T00:00:00Z', {
      status: 'closed',
      closedAt: '2026-07-01T00:00:00Z',
      rating: 'no-answer',
      category: 'noise',
    }),
    row('E', '2026-05-01T00:00:00Z', { category: undefined }),
  ];
  const stats = estateStatistics(ESTATE, 2026, rows, { language: 'en', now: NOW });
  it('by category, building (in number order) and month', () => {
    expect(stats.byCategory.map((c) => [c.id, c.count, c.open])).toEqual([
      ['water-leak', 3, 0],
      ['noise', 1, 0],
      ['uncategorised', 1, 1],
    ]);
    expect(stats.byBuilding).toEqual([
      { code: '5', name: 'Block 5', count: 4, open: 1 },
      { code: '10', name: 'Block 10', count: 1, open: 0 },
    ]);
    expect(stats.byMonth).toEqual([2, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });
  it('time to close: average, median of an even count, the buckets at their edges', () => {
    // 2, 8, 60 and 122 days.
    expect(stats.timeToClose).toEqual({
      closed: 4,
      averageDays: 48,
      medianDays: 34,
      buckets: { within7: 1, within30: 1, within90: 1, longer: 1 },
    });
  });
  it('satisfaction of those who answered, no-answer left out', () => {
    expect(stats.satisfaction.counts).toEqual({
      satisfied: 1,
      'basically-satisfied': 1,
      dissatisfied: 1,
      'no-answer': 1,
    });
    expect(stats.satisfaction.satisfiedShare).toBe(0.667);
  });
  it('nothing closed or rated: no average, no share', () => {
    const empty = estateStatistics(ESTATE, 2026, [], { language: 'en', now: NOW });
    expect(empty.timeToClose.averageDays).toBeNull();
    expect(empty.satisfaction.satisfiedShare).toBeNull();
    expect(estateStatisticsHtml(empty)).toContain('—');
  });
});

describe('its language and words', () => {
  it('is the organisation’s unless another is asked', () => {
    expect(statisticsLanguage(ESTATE)).toBe('zh-Hans');
    expect(statisticsLanguage(ESTATE, 'en')).toBe('en');
    expect(statisticsLanguage({ organisations: [] })).toBe('zh-Hant');
  });
  it('writes the page and CSV in it, escaped, printable', () => {
    const stats = estateStatistics(ESTATE, 2026, [row('A', '2026-02-01T00:00:00Z')], {
      language: 'zh-Hans',
      now: NOW,
    });
    const html = estateStatisticsHtml(stats);
    expect(html).toContain('<title>丽港城 2026 年度投诉统计</title>');
    expect(html).toContain('致：丽港城业主立案法团');
    expect(html).toContain('@page{size:A4');
    const csv = estateStatisticsCsv(stats);
    expect(csv.startsWith('\uFEFF项目,分项,数值,处理中\r\n')).toBe(true);
    expect(csv).toContain('按楼栋,第五座,1,1');
    const hostile = estateStatistics({ ...ESTATE, name: { zhHant: '<script>x</script>' } }, 2026, [], {
      language: 'zh-Hant',
      now: NOW,
    });
    expect(estateStatisticsHtml(hostile)).not.toContain('<script>');
  });
});
