import { CN_ARRANGEMENTS } from './calendars/cn-arrangements.ts';
import { PUBLIC_HOLIDAY_YEARS, PUBLIC_HOLIDAYS } from './calendars/public-holidays.ts';
import { TW_ARRANGEMENTS } from './calendars/tw-arrangements.ts';

/**
 * The business calendar of an area: its working days (weekdays minus public holidays, plus the mainland's
 * make-up workdays) and its opening hours. Every deadline of the complaint procedure is computed with it.
 *
 * All arithmetic is done in the calendar's fixed UTC offset (HK, TW and CN are UTC+8 all year round, with no
 * daylight saving time); the time zone of the machine running the code never matters.
 */

export type CalendarCountry = 'HK' | 'TW' | 'CN';

export interface BusinessHours {
  /** Opening time, 'HH:MM' local time. */
  readonly start: string;
  /** Closing time, 'HH:MM' local time ('24:00' allowed), after `start`. */
  readonly end: string;
  /** ISO weekdays worked in a normal week: 1 = Monday … 7 = Sunday. */
  readonly workdays: readonly number[];
}

export const DEFAULT_BUSINESS_HOURS: BusinessHours = Object.freeze({
  start: '09:00',
  end: '18:00',
  workdays: Object.freeze([1, 2, 3, 4, 5]),
});

export interface BusinessCalendarOptions {
  readonly country: CalendarCountry;
  readonly hours?: BusinessHours;
  /** Offset of local time from UTC, in minutes. Default 480 (UTC+8, HK/TW/CN, no DST). */
  readonly utcOffsetMinutes?: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** More consecutive non-working days than this means a misconfigured calendar, not a long holiday. */
const MAX_CONSECUTIVE_DAYS_OFF = 400;

interface YearData {
  /** Day number (days since 1970-01-01) of 1 January. */
  readonly first: number;
  /** One flag per day of the year: 1 = working day. */
  readonly flags: Uint8Array;
  /** Holiday names by day number (only days off). */
  readonly names: ReadonlyMap<number, string>;
}

const NO_YEAR: YearData = { first: 0, flags: new Uint8Array(0), names: new Map() };

export class BusinessCalendar {
  readonly country: CalendarCountry;
  readonly hours: BusinessHours;
  readonly utcOffsetMinutes: number;

  readonly #offsetMs: number;
  /** Opening and closing times, in milliseconds after local midnight. */
  readonly #openMs: number;
  readonly #closeMs: number;
  readonly #workdays: ReadonlySet<number>;
  readonly #years = new Map<number, YearData>();
  /** The year last looked up: the hot loops stay within it most of the time. */
  #current: YearData = NO_YEAR;

  constructor(options: BusinessCalendarOptions) {
    const { country, hours = DEFAULT_BUSINESS_HOURS, utcOffsetMinutes = 480 } = options;
    if (!Object.hasOwn(PUBLIC_HOLIDAYS, country))
      throw new RangeError(`unsupported calendar country: ${String(country)}`);
    if (!Number.isInteger(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) > 14 * 60) {
      throw new RangeError(`utcOffsetMinutes must be an integer within ±840, got ${utcOffsetMinutes}`);
    }
    const openMin = parseClock(hours.start, 'start');
    const closeMin = parseClock(hours.end, 'end');
    if (closeMin <= openMin)
      throw new RangeError(`business hours end ${hours.end} is not after ${hours.start}`);
    if (hours.workdays.length === 0 || hours.workdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
      throw new RangeError(`workdays must be ISO weekdays 1..7, got [${hours.workdays.join(', ')}]`);
    }
    this.country = country;
    this.hours = hours;
    this.utcOffsetMinutes = utcOffsetMinutes;
    this.#offsetMs = utcOffsetMinutes * MINUTE_MS;
    this.#openMs = openMin * MINUTE_MS;
    this.#closeMs = closeMin * MINUTE_MS;
    this.#workdays = new Set(hours.workdays);
  }

  /** Whether the local date (YYYY-MM-DD) is a working day: a workday or make-up workday that is no holiday. */
  isWorkingDay(localDate: string): boolean {
    return this.#isWorkingDay(parseLocalDate(localDate));
  }

  /** The name of the public holiday (day off) on the local date (YYYY-MM-DD), if any. */
  holidayName(localDate: string): string | undefined {
    const day = parseLocalDate(localDate);
    return this.#year(yearOfDay(day)).names.get(day);
  }

  /** The local date (YYYY-MM-DD) of an instant in this calendar. */
  localDateOf(instant: Date): string {
    return dateOfDay(Math.floor((instantMs(instant, 'instant') + this.#offsetMs) / DAY_MS));
  }

  /**
   * The instant `minutes` of working time after `from`. Counting starts at `from` if it is within business
   * hours, else at the next opening; a deadline that falls exactly at closing time stays at closing time.
   * With `minutes` = 0 the result is `from` itself if within business hours, else the next opening.
   * Minutes may be fractional; they are rounded to the millisecond.
   */
  addBusinessMinutes(from: Date, minutes: number): Date {
    if (!Number.isFinite(minutes) || minutes < 0) {
      throw new RangeError(`minutes must be a finite number >= 0, got ${minutes}`);
    }
    let remaining = Math.round(minutes * MINUTE_MS);
    const local = instantMs(from, 'from') + this.#offsetMs;
    let day = Math.floor(local / DAY_MS);
    let timeOfDay = local - day * DAY_MS;
    let daysOff = 0;
    for (;;) {
      if (this.#isWorkingDay(day)) {
        daysOff = 0;
        const begin = Math.max(timeOfDay, this.#openMs);
        if (begin < this.#closeMs) {
          const available = this.#closeMs - begin;
          if (remaining <= available) return new Date(day * DAY_MS + begin + remaining - this.#offsetMs);
          remaining -= available;
        }
      } else if (++daysOff > MAX_CONSECUTIVE_DAYS_OFF) {
        throw new Error(`no working day in the ${MAX_CONSECUTIVE_DAYS_OFF} days before ${dateOfDay(day)}`);
      }
      day += 1;
      timeOfDay = 0;
    }
  }

  /**
   * The working minutes in [from, to): 0 if `to` is not after `from`. The inverse of addBusinessMinutes:
   * `businessMinutesBetween(t, addBusinessMinutes(t, m)) === m`. Fractional when an end is not on a whole
   * minute.
   */
  businessMinutesBetween(from: Date, to: Date): number {
    const start = instantMs(from, 'from');
    const end = instantMs(to, 'to');
    if (end <= start) return 0;
    const lastDay = Math.floor((end + this.#offsetMs) / DAY_MS);
    let total = 0;
    for (let day = Math.floor((start + this.#offsetMs) / DAY_MS); day <= lastDay; day++) {
      if (!this.#isWorkingDay(day)) continue;
      const midnight = day * DAY_MS - this.#offsetMs;
      const lo = Math.max(midnight + this.#openMs, start);
      const hi = Math.min(midnight + this.#closeMs, end);
      if (hi > lo) total += hi - lo;
    }
    return total / MINUTE_MS;
  }

  /**
   * Whole seconds from `from` until `due`, rounded up and at least 1: a Step Functions timeout
   * (TimeoutSeconds / Wait Seconds) must be an integer >= 1, and must not fire before the deadline.
   */
  secondsUntil(from: Date, due: Date): number {
    const ms = instantMs(due, 'due') - instantMs(from, 'from');
    return Math.max(1, Math.ceil(ms / 1000));
  }

  #isWorkingDay(day: number): boolean {
    let year = this.#current;
    const index = day - year.first;
    if (index >= 0 && index < year.flags.length) return year.flags[index] === 1;
    year = this.#year(yearOfDay(day));
    this.#current = year;
    return year.flags[day - year.first] === 1;
  }

  #year(year: number): YearData {
    let data = this.#years.get(year);
    if (data === undefined) {
      data = this.#buildYear(year);
      this.#years.set(year, data);
    }
    return data;
  }

  #buildYear(year: number): YearData {
    const first = dayNumber(year, 1, 1);
    const flags = new Uint8Array(dayNumber(year + 1, 1, 1) - first);
    for (let i = 0; i < flags.length; i++) flags[i] = this.#workdays.has(isoWeekday(first + i)) ? 1 : 0;
    const { daysOff, makeUpWorkdays } = this.#daysOff(year);
    for (const day of daysOff.keys()) {
      if (day >= first && day - first < flags.length) flags[day - first] = 0;
    }
    for (const day of makeUpWorkdays) {
      if (day >= first && day - first < flags.length) flags[day - first] = 1;
    }
    return { first, flags, names: daysOff };
  }

  /** The days off of a year (with their names) and its make-up workdays. */
  #daysOff(year: number): { daysOff: Map<number, string>; makeUpWorkdays: number[] } {
    const daysOff = new Map<number, string>();
    const addName = (day: number, name: string) => {
      const known = daysOff.get(day);
      if (known === undefined) daysOff.set(day, name);
      else if (!known.split(' / ').includes(name)) daysOff.set(day, `${known} / ${name}`);
    };

    const arrangement =
      this.country === 'CN'
        ? CN_ARRANGEMENTS[year]
        : this.country === 'TW'
          ? TW_ARRANGEMENTS[year]
          : undefined;
    if (arrangement !== undefined) {
      for (const range of arrangement.daysOff) {
        const last = parseLocalDate(range.to);
        for (let day = parseLocalDate(range.from); day <= last; day++) addName(day, range.name);
      }
      return { daysOff, makeUpWorkdays: arrangement.makeUpWorkdays.map((m) => parseLocalDate(m.date)) };
    }

    // date-holidays' closing days, computed at build time (calendars/generate-public-holidays.ts):
    // the library's lunar calendar would be most of every handler's bundle and cold start.
    const table = PUBLIC_HOLIDAYS[this.country];
    const days = table.years[year];
    if (days === undefined) {
      const { first, last } = PUBLIC_HOLIDAY_YEARS;
      throw new RangeError(
        `no public holidays of ${this.country} for ${year}: the table covers ${first}–${last} (widen it in lambdas/domain/calendars/generate-public-holidays.ts, then npm run generate:holidays)`,
      );
    }
    for (const entry of days.split(' ')) {
      if (entry === '') continue;
      const name = table.names[Number(entry.slice(5))] ?? '';
      daysOff.set(parseLocalDate(`${year}-${entry.slice(0, 2)}-${entry.slice(2, 4)}`), name);
    }
    return { daysOff, makeUpWorkdays: [] };
  }
}

function parseClock(value: string, what: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(value);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (match === null || minutes > 59 || hours * 60 + minutes > 24 * 60) {
    throw new RangeError(`business hours ${what} must be 'HH:MM' between 00:00 and 24:00, got '${value}'`);
  }
  return hours * 60 + minutes;
}

function instantMs(instant: Date, what: string): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${what} must be a valid Date`);
  return ms;
}

/** Days since 1970-01-01 of a calendar date (proleptic Gregorian; valid for every year, even < 100). */
function dayNumber(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.floor(date.getTime() / DAY_MS);
}

function parseLocalDate(localDate: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(localDate);
  if (match !== null) {
    const day = dayNumber(Number(match[1]), Number(match[2]), Number(match[3]));
    if (dateOfDay(day) === localDate) return day;
  }
  throw new RangeError(`not a local date YYYY-MM-DD: '${localDate}'`);
}

function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day number; 1970-01-01 was a Thursday. */
function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}
