import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '#domain/business-calendar.ts';
import { PUBLIC_HOLIDAYS_PATH, renderPublicHolidays } from '#domain/calendars/generate-public-holidays.ts';
import { PUBLIC_HOLIDAY_YEARS } from '#domain/calendars/public-holidays.ts';

describe('the public holiday table', () => {
  it('is what date-holidays gives today (run `npm run generate:holidays` after upgrading it)', () => {
    expect(readFileSync(PUBLIC_HOLIDAYS_PATH, 'utf8')).toBe(renderPublicHolidays());
  }, 60_000);

  it('covers the years around now, and a year outside it stops with an error saying how to widen it', () => {
    const now = new Date().getUTCFullYear();
    expect(PUBLIC_HOLIDAY_YEARS.first).toBeLessThanOrEqual(now - 5);
    expect(PUBLIC_HOLIDAY_YEARS.last).toBeGreaterThanOrEqual(now + 20);
    const hk = new BusinessCalendar({ country: 'HK' });
    const after = `${PUBLIC_HOLIDAY_YEARS.last + 1}-03-01`;
    expect(() => hk.isWorkingDay(after)).toThrow(/npm run generate:holidays/);
    expect(hk.isWorkingDay(`${PUBLIC_HOLIDAY_YEARS.last}-01-01`)).toBe(false);
  });
});
