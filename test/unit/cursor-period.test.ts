import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { decodeCursor, encodeCursor } from '#domain/cursor.ts';
import { ValidationError } from '#domain/errors.ts';
import { FIRST_REPORT_YEAR, PeriodError, parsePeriod, previousPeriod } from '#domain/report/period.ts';

/**
 * Paging cursors come back as they went out or are refused with a 400 naming the field; a
 * report period is one the report can be made for, or a PeriodError the API answers with 400.
 */

const Position = z.object({ at: z.iso.datetime(), ref: z.string() }).strict();
const position = { at: '2026-11-02T01:00:00.000Z', ref: 'KE-2611-0001' };

function refusal(run: () => unknown): ValidationError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  return undefined;
}

describe('paging cursors', () => {
  it('give back the position they were made from', () => {
    expect(decodeCursor('complaints', encodeCursor('complaints', position), Position)).toEqual(position);
  });

  it('refuse an edited, truncated, foreign or made-up token with a field message, never another error', () => {
    const token = encodeCursor('complaints', position);
    const madeUp = [
      '',
      'x',
      Buffer.from('+275760-09-13T00:00:00.001Z').toString('base64url'),
      Buffer.from(position.at).toString('base64url'),
      token.slice(0, -1),
      token.slice(1),
      `${token}=`,
      token.replace('.', '..'),
      encodeCursor('mail-day', position),
      encodeCursor('complaints', { ...position, extra: 1 }),
      encodeCursor('complaints', { at: '0000-01-01T00:00:00Z', ref: 1 }),
    ];
    for (const text of madeUp) {
      const error = refusal(() => decodeCursor('complaints', text, Position));
      expect(error?.errors, text).toEqual([
        { field: 'nextToken', message: expect.stringMatching(/previous page/) },
      ]);
    }
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.string({ minLength: 1, maxLength: 1 }), (at, char) => {
        const edited = `${token.slice(0, at)}${char}${token.slice(at + 1)}`;
        fc.pre(edited !== token);
        expect(refusal(() => decodeCursor('complaints', edited, Position))).toBeInstanceOf(ValidationError);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(refusal(() => decodeCursor('complaints', text, Position))).toBeInstanceOf(ValidationError);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('report periods', () => {
  it('refuse years before the product with a PeriodError (0000-01 was a period keyed 0-01)', () => {
    for (const key of ['0000-01', '0099-12', '0100-W01', '1999-12', '1970-W01']) {
      expect(() => parsePeriod(key), key).toThrow(PeriodError);
    }
  });

  it('are keyed as they were asked for, and so is the period before, from the first year on', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: FIRST_REPORT_YEAR, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 52 }),
        (year, month, week) => {
          for (const key of [
            `${year}-${String(month).padStart(2, '0')}`,
            `${year}-W${String(week).padStart(2, '0')}`,
          ]) {
            const period = parsePeriod(key);
            expect(period.key).toBe(key);
            expect(previousPeriod(period).key).toMatch(/^\d{4}-(W\d{2}|\d{2})$/);
            expect(Date.parse(period.start)).toBeLessThan(Date.parse(period.end));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
