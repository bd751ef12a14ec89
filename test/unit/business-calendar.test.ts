import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, type CalendarCountry, DEFAULT_BUSINESS_HOURS } from '#domain/business-calendar.ts';
import { CN_ARRANGEMENT_YEARS, CN_ARRANGEMENTS } from '#domain/calendars/cn-arrangements.ts';

/** A local time in HK/TW/CN (UTC+8), e.g. at('2026-03-13T16:00'). */
const at = (local: string) => new Date(`${local}:00+08:00`);
const iso = (local: string) => at(local).toISOString();

const hk = new BusinessCalendar({ country: 'HK' });
const tw = new BusinessCalendar({ country: 'TW' });
const cn = new BusinessCalendar({ country: 'CN' });
const COUNTRIES: readonly CalendarCountry[] = ['HK', 'TW', 'CN'];
const CALENDARS: Readonly<Record<CalendarCountry, BusinessCalendar>> = { HK: hk, TW: tw, CN: cn };

describe('BusinessCalendar: counting business time', () => {
  it('8 business hours from Friday 16:00 lands on Monday 15:00', () => {
    expect(hk.addBusinessMinutes(at('2026-03-13T16:00'), 8 * 60).toISOString()).toBe(iso('2026-03-16T15:00'));
  });

  it('a deadline that ends exactly at closing time stays at 18:00 rather than rolling to the next morning', () => {
    expect(hk.addBusinessMinutes(at('2026-03-16T09:00'), 9 * 60).toISOString()).toBe(iso('2026-03-16T18:00'));
    expect(hk.addBusinessMinutes(at('2026-03-16T17:00'), 60).toISOString()).toBe(iso('2026-03-16T18:00'));
    expect(hk.addBusinessMinutes(at('2026-03-13T16:00'), 2 * 60).toISOString()).toBe(iso('2026-03-13T18:00'));
  });

  it('starting on a Sunday counts from Monday 09:00', () => {
    expect(hk.addBusinessMinutes(at('2026-03-15T14:00'), 60).toISOString()).toBe(iso('2026-03-16T10:00'));
  });

  it('starting before opening counts from 09:00, starting after closing counts from the next opening', () => {
    expect(hk.addBusinessMinutes(at('2026-03-16T07:30'), 30).toISOString()).toBe(iso('2026-03-16T09:30'));
    expect(hk.addBusinessMinutes(at('2026-03-16T21:45'), 30).toISOString()).toBe(iso('2026-03-17T09:30'));
  });

  it('zero minutes gives the instant itself within hours, else the next opening', () => {
    expect(hk.addBusinessMinutes(at('2026-03-16T11:23'), 0).toISOString()).toBe(iso('2026-03-16T11:23'));
    expect(hk.addBusinessMinutes(at('2026-03-16T18:00'), 0).toISOString()).toBe(iso('2026-03-17T09:00'));
    expect(hk.addBusinessMinutes(at('2026-03-14T10:00'), 0).toISOString()).toBe(iso('2026-03-16T09:00'));
  });

  it('keeps seconds and milliseconds of the starting instant', () => {
    const from = new Date('2026-03-16T10:00:12.345+08:00');
    expect(hk.addBusinessMinutes(from, 90).toISOString()).toBe('2026-03-16T03:30:12.345Z');
  });

  it('counts the working minutes between two instants, skipping nights, weekends and holidays', () => {
    expect(hk.businessMinutesBetween(at('2026-03-13T16:00'), at('2026-03-16T15:00'))).toBe(480);
    expect(hk.businessMinutesBetween(at('2026-03-14T00:00'), at('2026-03-15T23:59'))).toBe(0);
    expect(hk.businessMinutesBetween(at('2026-03-16T15:00'), at('2026-03-13T16:00'))).toBe(0);
    expect(hk.businessMinutesBetween(at('2026-02-16T17:00'), at('2026-02-20T10:00'))).toBe(120);
  });

  it('100,000 deadlines take well under a second once the holidays are cached', () => {
    const from = at('2026-01-05T09:00');
    cn.addBusinessMinutes(from, 300 * 9 * 60); // computes the holidays of 2026 and 2027 once
    const started = performance.now();
    let sink = 0;
    for (let i = 0; i < 100_000; i++) {
      const start = new Date(from.getTime() + (i % 9000) * 3_600_000);
      sink += cn.addBusinessMinutes(start, ((i % 10) + 1) * 9 * 60).getTime();
    }
    expect(sink).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('BusinessCalendar: Hong Kong', () => {
  it('skips the Lunar New Year holidays of 2026 (17–19 February)', () => {
    for (const date of ['2026-02-17', '2026-02-18', '2026-02-19']) {
      expect(hk.isWorkingDay(date)).toBe(false);
      expect(hk.holidayName(date)).toMatch(/^農曆年初[一二三]$/);
    }
    expect(hk.isWorkingDay('2026-02-16')).toBe(true);
    expect(hk.isWorkingDay('2026-02-20')).toBe(true);
    expect(hk.addBusinessMinutes(at('2026-02-16T17:00'), 120).toISOString()).toBe(iso('2026-02-20T10:00'));
  });

  it('treats 25 and 26 December 2026 as holidays', () => {
    expect(hk.isWorkingDay('2026-12-25')).toBe(false);
    expect(hk.isWorkingDay('2026-12-26')).toBe(false);
    expect(hk.holidayName('2026-12-25')).toBe('聖誕節');
    expect(hk.holidayName('2026-12-26')).toBeDefined();
    expect(hk.addBusinessMinutes(at('2026-12-24T17:00'), 120).toISOString()).toBe(iso('2026-12-28T10:00'));
  });

  it('skips the substitute days of Easter and Ching Ming 2026 (6 and 7 April)', () => {
    expect(hk.addBusinessMinutes(at('2026-04-02T17:00'), 120).toISOString()).toBe(iso('2026-04-08T10:00'));
  });

  it('has no holiday name on an ordinary working day', () => {
    expect(hk.isWorkingDay('2026-03-16')).toBe(true);
    expect(hk.holidayName('2026-03-16')).toBeUndefined();
  });
});

describe('BusinessCalendar: mainland China', () => {
  it('works on the make-up Saturday 2026-02-14 and rests on Monday 2026-02-16', () => {
    expect(cn.isWorkingDay('2026-02-14')).toBe(true);
    expect(cn.holidayName('2026-02-14')).toBeUndefined();
    expect(cn.isWorkingDay('2026-02-16')).toBe(false);
    expect(cn.holidayName('2026-02-16')).toBe('春节');
    expect(cn.addBusinessMinutes(at('2026-02-13T16:00'), 8 * 60).toISOString()).toBe(iso('2026-02-14T15:00'));
    expect(cn.addBusinessMinutes(at('2026-02-14T17:00'), 120).toISOString()).toBe(iso('2026-02-24T10:00'));
  });

  it('follows the State Council arrangement of 2025', () => {
    expect(cn.isWorkingDay('2025-01-26')).toBe(true); // Sunday, make-up workday
    expect(cn.isWorkingDay('2025-02-04')).toBe(false); // Tuesday, last day of 春节
    expect(cn.isWorkingDay('2025-05-05')).toBe(false);
    expect(cn.isWorkingDay('2025-10-08')).toBe(false);
    expect(cn.isWorkingDay('2025-10-11')).toBe(true); // Saturday, make-up workday
    expect(cn.holidayName('2025-10-08')).toBe('国庆节、中秋节');
  });

  it('does not treat the group-only days (3-8, 5-4, 6-1, 8-1) as days off', () => {
    expect(cn.isWorkingDay('2026-03-08')).toBe(false); // a Sunday, so off anyway
    expect(cn.holidayName('2026-03-08')).toBeUndefined();
    expect(cn.isWorkingDay('2026-06-01')).toBe(true); // Monday
    expect(cn.isWorkingDay('2025-08-01')).toBe(true); // Friday
    // 2027 is not in the arrangement table: date-holidays minus the group-only days.
    expect(CN_ARRANGEMENT_YEARS).not.toContain(2027);
    expect(cn.isWorkingDay('2027-03-08')).toBe(true); // Monday
    expect(cn.holidayName('2027-03-08')).toBeUndefined();
    expect(cn.isWorkingDay('2027-06-01')).toBe(true); // Tuesday
  });

  it('falls back to the statutory holidays of date-holidays for a year without arrangement', () => {
    expect(cn.isWorkingDay('2027-02-05')).toBe(false); // 除夕, Friday
    expect(cn.holidayName('2027-02-05')).toBe('春节');
    expect(cn.isWorkingDay('2027-10-01')).toBe(false);
  });

  it('has a consistent arrangement table', () => {
    expect(CN_ARRANGEMENT_YEARS).toEqual([2025, 2026]);
    for (const year of CN_ARRANGEMENT_YEARS) {
      const arrangement = CN_ARRANGEMENTS[year];
      expect(arrangement).toBeDefined();
      if (arrangement === undefined) continue;
      const daysOff = new Set<string>();
      for (const { from, to } of arrangement.daysOff) {
        expect(from <= to).toBe(true);
        expect([from.slice(0, 4), to.slice(0, 4)]).toEqual([String(year), String(year)]);
        for (
          let d = new Date(`${from}T00:00Z`);
          d <= new Date(`${to}T00:00Z`);
          d.setUTCDate(d.getUTCDate() + 1)
        ) {
          daysOff.add(d.toISOString().slice(0, 10));
        }
      }
      for (const { date } of arrangement.makeUpWorkdays) {
        expect(date.slice(0, 4)).toBe(String(year));
        expect([0, 6]).toContain(new Date(`${date}T00:00Z`).getUTCDay()); // always a weekend
        expect(daysOff.has(date)).toBe(false);
        expect(cn.isWorkingDay(date)).toBe(true);
      }
      for (const date of daysOff) expect(cn.isWorkingDay(date)).toBe(false);
    }
  });
});

describe('BusinessCalendar: Taiwan', () => {
  it('rests on Lunar New Year’s Eve 2026-02-16 (除夕) and the following days', () => {
    expect(tw.isWorkingDay('2026-02-16')).toBe(false);
    expect(tw.holidayName('2026-02-16')).toBe('農曆除夕及春節');
    expect(tw.addBusinessMinutes(at('2026-02-13T16:00'), 8 * 60).toISOString()).toBe(iso('2026-02-23T15:00'));
  });

  it('does not close on observances such as 母親節 or 七夕', () => {
    expect(tw.isWorkingDay('2026-08-19')).toBe(true); // 七夕, Wednesday
    expect(tw.holidayName('2026-08-19')).toBeUndefined();
  });

  it('follows the official 2026 office calendar: 補假 on the Friday before a Saturday holiday and the Monday after a Sunday one', () => {
    for (const date of [
      '2026-02-20',
      '2026-02-27',
      '2026-04-03',
      '2026-04-06',
      '2026-05-01',
      '2026-09-28',
      '2026-10-09',
      '2026-10-26',
      '2026-12-25',
    ]) {
      expect(tw.isWorkingDay(date), date).toBe(false);
    }
    expect(tw.holidayName('2026-10-26')).toBe('臺灣光復暨金門古寧頭大捷紀念日');
    // A deadline over the 228 weekend: Thursday 16:00 + 4 working hours = Monday 11:00.
    expect(tw.addBusinessMinutes(at('2026-02-26T16:00'), 4 * 60).toISOString()).toBe(iso('2026-03-02T11:00'));
  });

  it('works the 2025 make-up Saturday (2025-02-08) and rests on the days the 2025 amendment added', () => {
    expect(tw.isWorkingDay('2025-02-08')).toBe(true);
    expect(tw.isWorkingDay('2025-01-27')).toBe(false);
    for (const date of ['2025-09-29', '2025-10-24', '2025-12-25'])
      expect(tw.isWorkingDay(date), date).toBe(false);
  });
});

describe('BusinessCalendar: configuration', () => {
  it('uses 09:00–18:00 Monday to Friday by default', () => {
    expect(DEFAULT_BUSINESS_HOURS).toEqual({ start: '09:00', end: '18:00', workdays: [1, 2, 3, 4, 5] });
    expect(hk.hours).toBe(DEFAULT_BUSINESS_HOURS);
    expect(hk.utcOffsetMinutes).toBe(480);
  });

  it('honours custom hours and Saturday work', () => {
    const calendar = new BusinessCalendar({
      country: 'HK',
      hours: { start: '08:30', end: '12:30', workdays: [1, 2, 3, 4, 5, 6] },
    });
    expect(calendar.isWorkingDay('2026-03-14')).toBe(true);
    expect(calendar.isWorkingDay('2026-12-26')).toBe(false); // Saturday holiday
    expect(calendar.addBusinessMinutes(at('2026-03-13T12:00'), 60).toISOString()).toBe(
      iso('2026-03-14T09:00'),
    );
  });

  it('honours another UTC offset', () => {
    const utc = new BusinessCalendar({ country: 'HK', utcOffsetMinutes: 0 });
    expect(utc.addBusinessMinutes(new Date('2026-03-13T17:00Z'), 120).toISOString()).toBe(
      '2026-03-16T10:00:00.000Z',
    );
    expect(utc.localDateOf(new Date('2026-03-13T23:30Z'))).toBe('2026-03-13');
    expect(hk.localDateOf(new Date('2026-03-13T23:30Z'))).toBe('2026-03-14');
  });

  it('rejects invalid configuration and arguments', () => {
    expect(
      () => new BusinessCalendar({ country: 'HK', hours: { start: '18:00', end: '09:00', workdays: [1] } }),
    ).toThrow(RangeError);
    expect(
      () => new BusinessCalendar({ country: 'HK', hours: { start: '9:00', end: '18:00', workdays: [1] } }),
    ).toThrow(RangeError);
    expect(
      () => new BusinessCalendar({ country: 'HK', hours: { ...DEFAULT_BUSINESS_HOURS, workdays: [] } }),
    ).toThrow(RangeError);
    expect(
      () => new BusinessCalendar({ country: 'HK', hours: { ...DEFAULT_BUSINESS_HOURS, workdays: [0] } }),
    ).toThrow(RangeError);
    expect(() => new BusinessCalendar({ country: 'HK', utcOffsetMinutes: 480.5 })).toThrow(RangeError);
    expect(() => hk.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => hk.holidayName('2026/02/17')).toThrow(RangeError);
    expect(() => hk.addBusinessMinutes(at('2026-03-16T09:00'), -1)).toThrow(RangeError);
    expect(() => hk.addBusinessMinutes(at('2026-03-16T09:00'), Number.NaN)).toThrow(RangeError);
    expect(() => hk.addBusinessMinutes(new Date('nope'), 1)).toThrow(RangeError);
  });
});

describe('BusinessCalendar: secondsUntil', () => {
  it('gives whole seconds, rounded up, at least 1', () => {
    const from = at('2026-03-16T09:00');
    expect(hk.secondsUntil(from, new Date(from.getTime() + 60_000))).toBe(60);
    expect(hk.secondsUntil(from, new Date(from.getTime() + 1_500))).toBe(2);
    expect(hk.secondsUntil(from, from)).toBe(1);
    expect(hk.secondsUntil(from, new Date(from.getTime() - 86_400_000))).toBe(1);
    expect(hk.secondsUntil(from, hk.addBusinessMinutes(from, 8 * 60))).toBe(8 * 3600);
  });
});

describe('BusinessCalendar: properties', () => {
  // Instants from December 2024 to the end of 2027: both arrangement years and fallback years.
  const instant = fc
    .integer({ min: Date.parse('2024-12-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') })
    .map((ms) => new Date(ms));
  const minutes = fc.integer({ min: 0, max: 60 * 9 * 300 });

  for (const country of COUNTRIES) {
    it(`${country}: businessMinutesBetween inverts addBusinessMinutes and the deadline lies in business hours`, () => {
      const calendar = CALENDARS[country];
      fc.assert(
        fc.property(instant, minutes, (from, m) => {
          const due = calendar.addBusinessMinutes(from, m);
          expect(calendar.businessMinutesBetween(from, due)).toBe(m);
          expect(due.getTime()).toBeGreaterThanOrEqual(from.getTime());
          expect(calendar.isWorkingDay(calendar.localDateOf(due))).toBe(true);
          const local = new Date(due.getTime() + 8 * 3_600_000).toISOString().slice(11, 16);
          expect(local >= '09:00' && local <= '18:00').toBe(true);
          // No working time is skipped: one minute less never ends later.
          if (m > 0) expect(calendar.addBusinessMinutes(from, m - 1).getTime()).toBeLessThan(due.getTime());
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('BusinessCalendar: independence from the machine time zone', () => {
  it('gives identical results whatever process.env.TZ is', () => {
    const compute = () =>
      COUNTRIES.map((country) => {
        const calendar = new BusinessCalendar({ country });
        const from = new Date('2026-02-13T16:00:00+08:00');
        return {
          country,
          due: [60, 480, 540, 5000, 60_000].map((m) => calendar.addBusinessMinutes(from, m).toISOString()),
          between: calendar.businessMinutesBetween(from, new Date('2027-01-04T12:00:00+08:00')),
          days: ['2026-02-14', '2026-02-16', '2026-04-06', '2026-12-25', '2027-02-05', '2027-03-08'].map(
            (d) => `${calendar.isWorkingDay(d)}:${calendar.holidayName(d) ?? ''}`,
          ),
          localDate: calendar.localDateOf(new Date('2026-03-13T17:30:00Z')),
        };
      });
    const saved = process.env.TZ;
    try {
      // The two extremes: UTC-5/-4 with daylight saving time, and UTC+14.
      const results = ['America/New_York', 'Pacific/Kiritimati'].map((tz) => {
        process.env.TZ = tz;
        // The change of zone really applies to the Date methods that depend on it.
        expect(new Date('2026-03-13T12:00:00Z').getHours()).toBe(
          { 'America/New_York': 8, 'Pacific/Kiritimati': 2 }[tz],
        );
        return compute();
      });
      for (const result of results.slice(1)) expect(result).toEqual(results[0]);
      expect(results[0]?.[0]?.due[1]).toBe('2026-02-16T07:00:00.000Z');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
