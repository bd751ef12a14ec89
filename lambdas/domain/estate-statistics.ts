import { CATEGORY_IDS } from '#config/catalogue.ts';
import { RATING_NAMES, SATISFACTION_RATINGS, type SatisfactionRating } from '#config/procedure-names.ts';
import type { Language } from './complaint.ts';
import { csvDocument } from './csv.ts';
import { type Estate, nameIn } from './directory/register.ts';
import { escapeHtml } from './mime.ts';
import { categoryName } from './report/i18n.ts';

/**
 * An estate's yearly complaint statistics for its owners' organisation (issue 16 §5; the PMSA
 * code of practice expects an office to give them on request): complaints by category, by
 * building and by month, the time they took to close, and the owners' satisfaction — counts
 * only. What goes in is the complaints' reference, dates, category, status, building and
 * rating (services/estate-statistics.ts reads no more), so no owner's name, contact, unit or
 * words can come out.
 */

/** Years the statistics are asked for: the register's lifetime, not any number. */
export const STATISTICS_YEARS = { min: 2000, max: 2100 } as const;

/** What one complaint contributes. */
export interface StatisticsRow {
  readonly ref: string;
  readonly receivedAt: string;
  readonly category?: string;
  readonly status: 'open' | 'closed';
  readonly closedAt?: string;
  readonly rating?: SatisfactionRating;
  readonly buildingCode: string;
}

export interface EstateStatistics {
  readonly estateId: string;
  readonly estateName: string;
  readonly organisation?: string;
  readonly year: number;
  readonly language: Language;
  readonly generatedAt: string;
  readonly total: number;
  readonly open: number;
  readonly closed: number;
  readonly byCategory: readonly { id: string; name: string; count: number; open: number }[];
  readonly byBuilding: readonly { code: string; name: string; count: number; open: number }[];
  /** January to December (Hong Kong time). */
  readonly byMonth: readonly number[];
  readonly timeToClose: {
    readonly closed: number;
    readonly averageDays: number | null;
    readonly medianDays: number | null;
    /** Closed within 7, 30, 90 days and after. */
    readonly buckets: {
      readonly within7: number;
      readonly within30: number;
      readonly within90: number;
      readonly longer: number;
    };
  };
  readonly satisfaction: {
    readonly rated: number;
    readonly counts: Readonly<Record<SatisfactionRating, number>>;
    /** Satisfied or basically satisfied, of those who answered (no-answer left out). */
    readonly satisfiedShare: number | null;
  };
}

const HK_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** The instants a Hong Kong calendar year runs between: [from, to). */
export function yearRange(year: number): { from: string; to: string } {
  return {
    from: new Date(Date.UTC(year, 0, 1) - HK_OFFSET_MS).toISOString(),
    to: new Date(Date.UTC(year + 1, 0, 1) - HK_OFFSET_MS).toISOString(),
  };
}

/** The language the statistics are written in: the one asked, else the organisation's, else 繁體. */
export function statisticsLanguage(estate: Pick<Estate, 'organisations'>, asked?: Language): Language {
  return asked ?? estate.organisations[0]?.language ?? 'zh-Hant';
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function estateStatistics(
  estate: Pick<Estate, 'id' | 'name' | 'buildings' | 'organisations'>,
  year: number,
  rows: readonly StatisticsRow[],
  options: { language: Language; now: Date },
): EstateStatistics {
  const { language } = options;
  const range = yearRange(year);
  const seen = new Set<string>();
  const inYear = rows.filter((row) => {
    if (row.receivedAt < range.from || row.receivedAt >= range.to || seen.has(row.ref)) return false;
    seen.add(row.ref);
    return true;
  });
  const byCategory = new Map<string, { count: number; open: number }>();
  const byBuilding = new Map<string, { count: number; open: number }>();
  const byMonth = Array.from({ length: 12 }, () => 0);
  const days: number[] = [];
  const ratings = Object.fromEntries(SATISFACTION_RATINGS.map((r) => [r, 0])) as Record<
    SatisfactionRating,
    number
  >;
  for (const row of inYear) {
    const open = row.status === 'open' ? 1 : 0;
    const category = row.category ?? 'uncategorised';
    const c = byCategory.get(category) ?? { count: 0, open: 0 };
    byCategory.set(category, { count: c.count + 1, open: c.open + open });
    const b = byBuilding.get(row.buildingCode) ?? { count: 0, open: 0 };
    byBuilding.set(row.buildingCode, { count: b.count + 1, open: b.open + open });
    const month = new Date(Date.parse(row.receivedAt) + HK_OFFSET_MS).getUTCMonth();
    byMonth[month] = (byMonth[month] ?? 0) + 1;
    if (row.status === 'closed' && row.closedAt) {
      days.push(Math.max(0, (Date.parse(row.closedAt) - Date.parse(row.receivedAt)) / DAY_MS));
    }
    if (row.rating && row.rating in ratings) ratings[row.rating] += 1;
  }
  const sorted = [...days].sort((a, b) => a - b);
  const median =
    sorted.length === 0
      ? null
      : sorted.length % 2
        ? (sorted[(sorted.length - 1) / 2] ?? 0)
        : ((sorted[sorted.length / 2 - 1] ?? 0) + (sorted[sorted.length / 2] ?? 0)) / 2;
  const answered = ratings.satisfied + ratings['basically-satisfied'] + ratings.dissatisfied;
  const categoryOrder = [...CATEGORY_IDS, 'uncategorised'] as readonly string[];
  const buildingName = (code: string) => {
    const building = estate.buildings[code];
    return building ? nameIn(building.name, language) : code;
  };
  const organisation = estate.organisations[0];
  return {
    estateId: estate.id,
    estateName: nameIn(estate.name, language),
    ...(organisation ? { organisation: nameIn(organisation.name, language) } : {}),
    year,
    language,
    generatedAt: options.now.toISOString(),
    total: inYear.length,
    open: inYear.filter((r) => r.status === 'open').length,
    closed: inYear.filter((r) => r.status === 'closed').length,
    byCategory: [...byCategory.entries()]
      .sort((a, b) => b[1].count - a[1].count || categoryOrder.indexOf(a[0]) - categoryOrder.indexOf(b[0]))
      .map(([id, n]) => ({ id, name: categoryName(id, language), ...n })),
    byBuilding: [...byBuilding.entries()]
      .sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }))
      .map(([code, n]) => ({ code, name: buildingName(code), ...n })),
    byMonth,
    timeToClose: {
      closed: days.length,
      averageDays: days.length ? round1(days.reduce((s, d) => s + d, 0) / days.length) : null,
      medianDays: median === null ? null : round1(median),
      buckets: {
        within7: days.filter((d) => d <= 7).length,
        within30: days.filter((d) => d > 7 && d <= 30).length,
        within90: days.filter((d) => d > 30 && d <= 90).length,
        longer: days.filter((d) => d > 90).length,
      },
    },
    satisfaction: {
      rated: answered + ratings['no-answer'],
      counts: ratings,
      satisfiedShare: answered
        ? round1(((ratings.satisfied + ratings['basically-satisfied']) / answered) * 100) / 100
        : null,
    },
  };
}

// ---- Words ------------------------------------------------------------------------------------

interface Words {
  readonly title: (estate: string, year: number) => string;
  readonly for: (organisation: string) => string;
  readonly generated: string;
  readonly summary: string;
  readonly total: string;
  readonly open: string;
  readonly closed: string;
  readonly byCategory: string;
  readonly byBuilding: string;
  readonly byMonth: string;
  readonly timeToClose: string;
  readonly satisfaction: string;
  readonly category: string;
  readonly building: string;
  readonly month: string;
  readonly complaints: string;
  readonly stillOpen: string;
  readonly average: string;
  readonly median: string;
  readonly days: (n: number | null) => string;
  readonly within7: string;
  readonly within30: string;
  readonly within90: string;
  readonly longer: string;
  readonly satisfiedShare: string;
  readonly rating: string;
  readonly none: string;
  readonly note: string;
  readonly months: readonly string[];
  readonly section: string;
  readonly item: string;
  readonly value: string;
}

const ZH_MONTHS = Array.from({ length: 12 }, (_, i) => `${i + 1}月`);

export const STATISTICS_WORDS: Readonly<Record<Language, Words>> = {
  'zh-Hant': {
    title: (estate, year) => `${estate} ${year} 年度投訴統計`,
    for: (organisation) => `致：${organisation}`,
    generated: '製作時間',
    summary: '概要',
    total: '投訴總數',
    open: '處理中',
    closed: '已結案',
    byCategory: '按類別',
    byBuilding: '按座數',
    byMonth: '按月份',
    timeToClose: '結案所需時間',
    satisfaction: '業主滿意度',
    category: '類別',
    building: '座數',
    month: '月份',
    complaints: '投訴',
    stillOpen: '處理中',
    average: '平均',
    median: '中位數',
    days: (n) => (n === null ? '—' : `${n} 日`),
    within7: '7 日內',
    within30: '8 至 30 日',
    within90: '31 至 90 日',
    longer: '超過 90 日',
    satisfiedShare: '滿意及基本滿意（不計未能聯絡）',
    rating: '評價',
    none: '—',
    note: '本統計只載投訴數目，不載任何業主或住戶的個人資料。',
    months: ZH_MONTHS,
    section: '項目',
    item: '分項',
    value: '數值',
  },
  'zh-Hans': {
    title: (estate, year) => `${estate} ${year} 年度投诉统计`,
    for: (organisation) => `致：${organisation}`,
    generated: '制作时间',
    summary: '概要',
    total: '投诉总数',
    open: '处理中',
    closed: '已结案',
    byCategory: '按类别',
    byBuilding: '按楼栋',
    byMonth: '按月份',
    timeToClose: '结案所需时间',
    satisfaction: '业主满意度',
    category: '类别',
    building: '楼栋',
    month: '月份',
    complaints: '投诉',
    stillOpen: '处理中',
    average: '平均',
    median: '中位数',
    days: (n) => (n === null ? '—' : `${n} 日`),
    within7: '7 日内',
    within30: '8 至 30 日',
    within90: '31 至 90 日',
    longer: '超过 90 日',
    satisfiedShare: '满意及基本满意（不计未能联络）',
    rating: '评价',
    none: '—',
    note: '本统计只载投诉数目，不载任何业主或住户的个人资料。',
    months: ZH_MONTHS,
    section: '项目',
    item: '分项',
    value: '数值',
  },
  en: {
    title: (estate, year) => `${estate}: complaint statistics ${year}`,
    for: (organisation) => `For: ${organisation}`,
    generated: 'Generated',
    summary: 'Summary',
    total: 'Complaints',
    open: 'Open',
    closed: 'Closed',
    byCategory: 'By category',
    byBuilding: 'By building',
    byMonth: 'By month',
    timeToClose: 'Time to close',
    satisfaction: 'Owner satisfaction',
    category: 'Category',
    building: 'Building',
    month: 'Month',
    complaints: 'Complaints',
    stillOpen: 'Open',
    average: 'Average',
    median: 'Median',
    days: (n) => (n === null ? '—' : `${n} days`),
    within7: 'Within 7 days',
    within30: '8 to 30 days',
    within90: '31 to 90 days',
    longer: 'Over 90 days',
    satisfiedShare: 'Satisfied or basically satisfied (not reached left out)',
    rating: 'Rating',
    none: '—',
    note: 'These statistics are counts only: no owner’s or resident’s personal data is in them.',
    months: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
    section: 'Section',
    item: 'Item',
    value: 'Value',
  },
};

const ratingName = (rating: SatisfactionRating, language: Language) => {
  const names = RATING_NAMES[rating];
  return language === 'en' ? names.en : language === 'zh-Hans' ? names.zhHans : names.zhHant;
};

const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);

/** A self-contained page, printable to PDF from the browser (A4, tables kept whole). */
export function estateStatisticsHtml(stats: EstateStatistics): string {
  const w = STATISTICS_WORDS[stats.language];
  const e = escapeHtml;
  const table = (head: readonly string[], rows: readonly (readonly (string | number)[])[]) =>
    `<table><thead><tr>${head.map((h, i) => `<th${i ? ' class="n"' : ''}>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((r) => `<tr>${r.map((c, i) => `<td${i ? ' class="n"' : ''}>${e(String(c))}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const t = stats.timeToClose;
  const title = w.title(stats.estateName, stats.year);
  return `<!doctype html>
<html lang="${stats.language}"><head><meta charset="utf-8"><title>${e(title)}</title>
<style>
body{font-family:"Noto Sans TC","Noto Sans SC","PingFang TC","Microsoft JhengHei",Arial,sans-serif;margin:2rem;color:#111}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:1.5rem;border-bottom:1px solid #999}
table{border-collapse:collapse;margin:.5rem 0;min-width:50%}th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}
.n{text-align:right}.muted{color:#555;font-size:.9rem}
@media print{@page{size:A4;margin:15mm}body{margin:0}section,table{break-inside:avoid}a{color:inherit;text-decoration:none}}
</style></head><body>
<h1>${e(title)}</h1>
${stats.organisation ? `<p>${e(w.for(stats.organisation))}</p>` : ''}
<p class="muted">${e(w.generated)}: ${e(stats.generatedAt.slice(0, 10))}</p>
<section data-section="summary"><h2>${e(w.summary)}</h2>${table(
    [w.summary, w.value],
    [
      [w.total, stats.total],
      [w.closed, stats.closed],
      [w.open, stats.open],
    ],
  )}</section>
<section data-section="category"><h2>${e(w.byCategory)}</h2>${table(
    [w.category, w.complaints, w.stillOpen],
    stats.byCategory.map((c) => [c.name, c.count, c.open]),
  )}</section>
<section data-section="building"><h2>${e(w.byBuilding)}</h2>${table(
    [w.building, w.complaints, w.stillOpen],
    stats.byBuilding.map((b) => [b.name, b.count, b.open]),
  )}</section>
<section data-section="month"><h2>${e(w.byMonth)}</h2>${table(
    [w.month, w.complaints],
    stats.byMonth.map((n, i) => [w.months[i] ?? String(i + 1), n]),
  )}</section>
<section data-section="time-to-close"><h2>${e(w.timeToClose)}</h2>${table(
    [w.timeToClose, w.value],
    [
      [w.closed, t.closed],
      [w.average, w.days(t.averageDays)],
      [w.median, w.days(t.medianDays)],
      [w.within7, t.buckets.within7],
      [w.within30, t.buckets.within30],
      [w.within90, t.buckets.within90],
      [w.longer, t.buckets.longer],
    ],
  )}</section>
<section data-section="satisfaction"><h2>${e(w.satisfaction)}</h2>${table(
    [w.rating, w.complaints],
    [
      ...SATISFACTION_RATINGS.map(
        (r) => [ratingName(r, stats.language), stats.satisfaction.counts[r]] as const,
      ),
      [w.satisfiedShare, percent(stats.satisfaction.satisfiedShare)],
    ],
  )}</section>
<p class="muted">${e(w.note)}</p>
</body></html>
`;
}

/** The same figures as one CSV (section, item, complaints, open / value), for a spreadsheet. */
export function estateStatisticsCsv(stats: EstateStatistics): string {
  const w = STATISTICS_WORDS[stats.language];
  const t = stats.timeToClose;
  const rows: (string | number | null)[][] = [
    [w.summary, w.total, stats.total, stats.open],
    [w.summary, w.closed, stats.closed, null],
    ...stats.byCategory.map((c) => [w.byCategory, c.name, c.count, c.open]),
    ...stats.byBuilding.map((b) => [w.byBuilding, b.name, b.count, b.open]),
    ...stats.byMonth.map((n, i) => [w.byMonth, `${stats.year}-${String(i + 1).padStart(2, '0')}`, n, null]),
    [w.timeToClose, w.closed, t.closed, null],
    [w.timeToClose, w.average, t.averageDays, null],
    [w.timeToClose, w.median, t.medianDays, null],
    [w.timeToClose, w.within7, t.buckets.within7, null],
    [w.timeToClose, w.within30, t.buckets.within30, null],
    [w.timeToClose, w.within90, t.buckets.within90, null],
    [w.timeToClose, w.longer, t.buckets.longer, null],
    ...SATISFACTION_RATINGS.map((r) => [
      w.satisfaction,
      ratingName(r, stats.language),
      stats.satisfaction.counts[r],
      null,
    ]),
    [w.satisfaction, w.satisfiedShare, percent(stats.satisfaction.satisfiedShare), null],
  ];
  return csvDocument([w.section, w.item, w.value, w.stillOpen], rows);
}
