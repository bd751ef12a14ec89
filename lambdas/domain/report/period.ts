/**
 * Report periods: a calendar month (`2026-11`) or an ISO week (`2026-W48`), in the company's
 * local time. Every area is in UTC+8 (Hong Kong, Taiwan, mainland China; no daylight saving),
 * so a period is one fixed interval of instants, [start, end).
 *
 * The area/month index (GSI2) is keyed by the UTC month of `receivedAt`, so a local month
 * spans two index months (its first eight hours fall in the previous UTC month): `indexMonths`
 * lists them, and the Query narrows each with a sort-key range.
 */
export const LOCAL_OFFSET_MINUTES = 480;
const OFFSET_MS = LOCAL_OFFSET_MINUTES * 60_000;
const DAY_MS = 86_400_000;

export type PeriodKind = 'month' | 'week';

export interface Period {
  readonly kind: PeriodKind;
  /** `2026-11` or `2026-W48`. */
  readonly key: string;
  /** First instant, ISO (UTC). */
  readonly start: string;
  /** First instant after the period, ISO (UTC). */
  readonly end: string;
  /** Local dates of the first and last day, `YYYY-MM-DD`. */
  readonly firstDay: string;
  readonly lastDay: string;
  /** Calendar days in the period. */
  readonly days: number;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const WEEK = /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/;

export class PeriodError extends Error {
  override name = 'PeriodError';
}

/**
 * The first year a period may be in. Before it there are no complaints, and JavaScript dates
 * read years 0–99 as 1900–1999, so `0000-01` would be a period whose key is not its own.
 */
export const FIRST_REPORT_YEAR = 2000;

/** `2026-11` → that month; `2026-W48` → that ISO week. Throws PeriodError otherwise. */
export function parsePeriod(key: string): Period {
  const year = Number(key.slice(0, 4));
  if ((MONTH.test(key) || WEEK.test(key)) && year < FIRST_REPORT_YEAR) {
    throw new PeriodError(
      `Reports start in ${FIRST_REPORT_YEAR}: give a period from ${FIRST_REPORT_YEAR} on`,
    );
  }
  const month = MONTH.exec(key);
  if (month) return monthPeriod(Number(month[1]), Number(month[2]));
  const week = WEEK.exec(key);
  if (week) {
    const number = Number(week[2]);
    if (number > isoWeeksIn(year)) throw new PeriodError(`${year} has no week ${number}`);
    return weekPeriod(year, number);
  }
  throw new PeriodError(`'${key}' is not a month (2026-11) or an ISO week (2026-W48)`);
}

export function monthPeriod(year: number, month: number): Period {
  const first = Date.UTC(year, month - 1, 1);
  const next = Date.UTC(year, month, 1);
  return build('month', `${year}-${pad(month)}`, first, next);
}

export function weekPeriod(isoYear: number, week: number): Period {
  const monday = isoWeekMonday(isoYear) + (week - 1) * 7 * DAY_MS;
  return build('week', `${isoYear}-W${pad(week)}`, monday, monday + 7 * DAY_MS);
}

/** The period just before this one, of the same kind. */
export function previousPeriod(period: Period): Period {
  const firstLocal = Date.parse(`${period.firstDay}T00:00:00Z`);
  return periodContaining(period.kind, new Date(firstLocal - DAY_MS - OFFSET_MS));
}

/** The period of a kind that contains an instant (in local time). */
export function periodContaining(kind: PeriodKind, instant: Date): Period {
  const local = new Date(instant.getTime() + OFFSET_MS);
  if (kind === 'month') return monthPeriod(local.getUTCFullYear(), local.getUTCMonth() + 1);
  const { year, week } = isoWeekOf(local);
  return weekPeriod(year, week);
}

/**
 * The last complete period before an instant: what a schedule firing then reports on (the
 * monthly run on 1 December reports November; the weekly run on a Monday, the week before).
 */
export function lastCompletePeriod(kind: PeriodKind, instant: Date): Period {
  return previousPeriod(periodContaining(kind, instant));
}

/** The UTC months (`YYYY-MM`) the period's instants fall in: the GSI2 partitions to read. */
export function indexMonths(period: Period): string[] {
  const months: string[] = [];
  const start = new Date(period.start);
  const last = new Date(Date.parse(period.end) - 1);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth();
  while (year < last.getUTCFullYear() || (year === last.getUTCFullYear() && month <= last.getUTCMonth())) {
    months.push(`${year}-${pad(month + 1)}`);
    month += 1;
    if (month === 12) {
      month = 0;
      year += 1;
    }
  }
  return months;
}

/** The last instant inside the period, ISO: the inclusive upper bound of a sort-key BETWEEN. */
export function lastInstant(period: Period): string {
  return new Date(Date.parse(period.end) - 1).toISOString();
}

/**
 * Local date and time, `YYYY-MM-DD HH:MM`, of an ISO instant. Called for every date of every
 * row of the CSV, so it does its own calendar arithmetic (days to civil date, after Howard
 * Hinnant) instead of building a Date and an ISO string each time.
 */
export function localDateTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const local = ms + OFFSET_MS;
  const days = Math.floor(local / DAY_MS);
  const minuteOfDay = Math.floor((local - days * DAY_MS) / 60_000);
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${pad(month)}-${pad(day)} ${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}

/**
 * The period cut into sort-key ranges of each GSI2 partition (area and UTC month), about
 * `days` days each: disjoint ranges a report can read with concurrent Queries, since one
 * Query of a partition is read page after page.
 */
export function indexSlices(
  period: Period,
  areas: readonly string[],
  days = 4,
): { partition: string; from: string; to: string }[] {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  const slices: { partition: string; from: string; to: string }[] = [];
  for (const month of indexMonths(period)) {
    const [y, m] = month.split('-').map(Number) as [number, number];
    const from = Math.max(start, Date.UTC(y, m - 1, 1));
    const to = Math.min(end, Date.UTC(y, m, 1));
    const count = Math.max(1, Math.round((to - from) / (days * DAY_MS)));
    const step = (to - from) / count;
    for (let i = 0; i < count; i++) {
      const sliceFrom = Math.round(from + i * step);
      const sliceTo = i === count - 1 ? to : Math.round(from + (i + 1) * step);
      for (const area of areas) {
        slices.push({
          partition: `AREA#${area}#${month}`,
          from: new Date(sliceFrom).toISOString(),
          to: new Date(sliceTo - 1).toISOString(),
        });
      }
    }
  }
  return slices;
}

/** Local date, `YYYY-MM-DD`, of an instant. */
export function localDate(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** Adds calendar days to a local date `YYYY-MM-DD`. */
export function addDays(localDay: string, days: number): string {
  return new Date(Date.parse(`${localDay}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function build(kind: PeriodKind, key: string, firstLocalMidnight: number, nextLocalMidnight: number): Period {
  return {
    kind,
    key,
    start: new Date(firstLocalMidnight - OFFSET_MS).toISOString(),
    end: new Date(nextLocalMidnight - OFFSET_MS).toISOString(),
    firstDay: new Date(firstLocalMidnight).toISOString().slice(0, 10),
    lastDay: new Date(nextLocalMidnight - DAY_MS).toISOString().slice(0, 10),
    days: Math.round((nextLocalMidnight - firstLocalMidnight) / DAY_MS),
  };
}

/** Monday (UTC midnight of the local date) of ISO week 1: the week with the year's first Thursday. */
function isoWeekMonday(isoYear: number): number {
  const jan4 = Date.UTC(isoYear, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday = 0
  return jan4 - weekday * DAY_MS;
}

function isoWeeksIn(isoYear: number): number {
  return Math.round((isoWeekMonday(isoYear + 1) - isoWeekMonday(isoYear)) / (7 * DAY_MS));
}

/** The ISO year and week of a date given as a UTC-midnight-based local date. */
function isoWeekOf(localDate: Date): { year: number; week: number } {
  const day = Date.UTC(localDate.getUTCFullYear(), localDate.getUTCMonth(), localDate.getUTCDate());
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  const thursday = day + (3 - weekday) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  return { year, week: Math.floor((thursday - isoWeekMonday(year)) / (7 * DAY_MS)) + 1 };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
