import { describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { readCsv } from '#domain/csv.ts';
import {
  checkAgainstRegister,
  EXPORT_HEADER,
  exportCsv,
  exportRows,
  exportXlsx,
  type ParsedFile,
  parseRegisterCsv,
  parseRegisterSheet,
  parseRegisterXlsx,
  planImport,
} from '#domain/directory/import.ts';
import { type RowProblem, rowProblemText } from '#domain/directory/import-problems.ts';
import { type Estate, newEstate, type Unit } from '#domain/directory/register.ts';
import { REGISTER_HEADER } from '../fixtures/register-file.ts';

/**
 * The register's bulk import, from the file to the plan: every row checked before anything is
 * written, problems named by the row a spreadsheet shows and the column's name, the same file
 * read from CSV or Excel, and a plan that writes only units that changed.
 */
const stamp = { by: 'reception.kowloon-east', role: 'reception', at: '2026-12-07T02:00:00.000Z' };
const later = { ...stamp, at: '2026-12-08T02:00:00.000Z' };

const laguna: Estate = {
  ...newEstate({ id: 'laguna-city', area: 'kowloon-east', name: { zhHant: '麗港城' } }, stamp),
  buildings: {
    '5': { code: '5', name: { zhHant: '第五座' } },
    '3': { code: '3', name: { zhHant: '第三座' } },
  },
};
const estates = new Map([[laguna.id, laguna]]);

const HEADER = REGISTER_HEADER;
const GOOD: string[][] = [
  HEADER,
  ['laguna-city', '5', '18', 'A', '陳大文', 'owner', '9123 4567', 'chan@example.com', 'zh-Hant'],
  ['laguna-city', '5', '18', 'A', 'Wong Siu Ming', 'tenant', '+852 2345 6789', '', 'en'],
  ['laguna-city', '5', '十八樓', 'B', '李美玲', '業主', '6123 4567; 2876 5432', 'lee@example.com', '繁體'],
  ['laguna-city', '3', 'G/F', '', '', '', '', '', ''],
];
/** GOOD with three bad rows: 3 (a role), 5 (a floor), 6 (an email). */
const BROKEN: string[][] = [
  ...GOOD.slice(0, 2),
  ['laguna-city', '5', '18', 'A', 'Wong Siu Ming', 'landlord', '+852 2345 6789', '', 'en'],
  GOOD[3] as string[],
  ['laguna-city', '5', 'eighteenth', 'C', '張志強', 'owner', '', '', ''],
  ['laguna-city', '3', '2', 'A', '何嘉欣', 'tenant', '', 'not-an-address', 'zh-Hans'],
  GOOD[4] as string[],
];

const toCsv = (rows: string[][]) =>
  rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');
const toXlsx = (rows: (string | number)[][]) => writeXlsxFile(rows).toBuffer();
const errorsOf = (parsed: ParsedFile) => parsed.errors.map(({ row, column }) => ({ row, column }));

describe('reading a register file', () => {
  it('reads units and their residents from CSV and Excel alike', async () => {
    const fromCsv = parseRegisterCsv(toCsv(GOOD));
    const fromXlsx = await parseRegisterXlsx(await toXlsx(GOOD));
    expect(fromCsv.errors).toEqual([]);
    expect(fromXlsx).toEqual(fromCsv);
    expect(fromCsv.units.map((u) => [u.id, u.residents.length, u.rows])).toEqual([
      ['laguna-city.5.18-A', 2, [2, 3]],
      ['laguna-city.5.18-B', 1, [4]],
      ['laguna-city.3.G', 0, [5]],
    ]);
    expect(fromCsv.units[1]?.residents[0]).toEqual({
      name: '李美玲',
      role: 'owner',
      phones: ['6123 4567', '2876 5432'],
      emails: ['lee@example.com'],
      language: 'zh-Hant',
    });
  });

  it('names exactly the three bad rows and their columns, in CSV and in Excel', async () => {
    const expected = [
      { row: 3, column: 'role' },
      { row: 5, column: 'floor' },
      { row: 6, column: 'emails' },
    ];
    const fromCsv = parseRegisterCsv(toCsv(BROKEN));
    expect(errorsOf(fromCsv)).toEqual(expected);
    expect(errorsOf(await parseRegisterXlsx(await toXlsx(BROKEN)))).toEqual(expected);
    expect(fromCsv.errors[0]?.message).toMatch(/owner or tenant/);
    expect(fromCsv.errors[1]?.message).toMatch(/floor/i);
    expect(fromCsv.errors[2]?.message).toMatch(/email/i);
    // The same problems, for the import page to show in the reader's language.
    const problems = fromCsv.errors.map((e) => e.problem);
    expect(problems).toEqual([
      { code: 'role', values: { value: 'landlord' } },
      { code: 'invalid', values: { field: 'floor' } },
      { code: 'invalid', values: { field: 'emails' } },
    ]);
    expect(problems.map((p) => rowProblemText('zh-Hant', p))).toEqual([
      '請寫 owner 或 tenant（業主／租客），而不是「landlord」',
      '樓層請寫作 18、18/F、十八樓、G/F、地下、閣樓、B1 或 RF',
      '電郵地址有誤：例如 chan@example.com，多個地址以「;」分隔，最多 5 個',
    ]);
    expect(rowProblemText('zh-Hans', problems[0] as RowProblem)).toBe(
      '请写 owner 或 tenant（业主／租户），而不是“landlord”',
    );
    expect(fromCsv.errors.map((e) => e.message)).toEqual(problems.map((p) => rowProblemText('en', p)));
  });

  it('counts rows as a spreadsheet shows them: quoted line breaks stay in one row, blank rows count', () => {
    const text = `${HEADER.join(',')}\r\nlaguna-city,5,18,A,"陳\n大文",owner,,,\r\n,,,,,,,,\r\nlaguna-city,5,18,A,陳大文,boss,,,\r\n`;
    expect(errorsOf(parseRegisterCsv(text))).toEqual([{ row: 4, column: 'role' }]);
  });

  it('keeps a phone stored as a number as its digits, and names columns by the file’s own headers', async () => {
    const parsed = await parseRegisterXlsx(
      await toXlsx([
        ['屋苑', '座', '樓層', '單位', '姓名', '身份', '電話'],
        ['laguna-city', 5, 18, 'A', '陳大文', '業主', 91234567],
        ['laguna-city', 5, 18, 'B', '陳小文', '主人', 91234568],
      ]),
    );
    expect(parsed.units[0]?.residents[0]?.phones).toEqual(['91234567']);
    expect(errorsOf(parsed)).toEqual([{ row: 3, column: '身份' }]);
  });

  it('refuses a file without its address columns, a resident twice, and what the register does not have', () => {
    expect(errorsOf(parseRegisterCsv('resident name,role\r\n陳大文,owner'))).toEqual([
      { row: 1, column: 'estate id' },
      { row: 1, column: 'building code' },
      { row: 1, column: 'floor' },
    ]);
    const twice = parseRegisterCsv(toCsv([...GOOD, GOOD[1] as string[]]));
    expect(twice.errors).toEqual([
      {
        row: 6,
        column: 'resident name',
        message: expect.stringMatching(/row 2 already/),
        problem: { code: 'residentTwice', values: { name: expect.any(String), row: 2 } },
      },
    ]);
    const unknown = parseRegisterCsv(
      toCsv([
        HEADER,
        ['laguna-city', '9', '1', 'A', '', '', '', '', ''],
        ['nowhere', '1', '1', 'A', '', '', '', '', ''],
      ]),
    );
    expect(unknown.errors).toEqual([]);
    const refused = checkAgainstRegister(unknown, estates, () => undefined);
    expect(refused.map(({ row, column }) => ({ row, column }))).toEqual([
      { row: 2, column: 'building code' },
      { row: 3, column: 'estate id' },
    ]);
    const notYours = checkAgainstRegister(parseRegisterCsv(toCsv(GOOD)), estates, () => 'not your area');
    expect(notYours.map((e) => e.row)).toEqual([2, 3, 4, 5]);
  });
});

describe('planning an import', () => {
  const parsed = parseRegisterCsv(toCsv(GOOD));
  const first = planImport(parsed.units, new Map(), estates, stamp);
  const register = new Map<string, Unit>(first.created.map((u) => [u.id, u]));

  it('creates every unit of a first import, with its residents', () => {
    expect(first.created.map((u) => u.id)).toEqual([
      'laguna-city.5.18-A',
      'laguna-city.5.18-B',
      'laguna-city.3.G',
    ]);
    expect(first.updated).toEqual([]);
    expect(first.created[0]?.residents.map((r) => r.name)).toEqual(['陳大文', 'Wong Siu Ming']);
  });

  it('changes nothing when the same file comes again, or the phones are written another way', () => {
    expect(planImport(parsed.units, register, estates, later)).toEqual({
      created: [],
      updated: [],
      unchanged: 3,
    });
    const reformatted = GOOD.map((row) => row.map((cell) => (cell === '9123 4567' ? '+852 91234567' : cell)));
    expect(planImport(parseRegisterCsv(toCsv(reformatted)).units, register, estates, later).unchanged).toBe(
      3,
    );
  });

  it('updates only the unit whose row changed, keeping its residents’ ids', () => {
    const changed = GOOD.map((row) =>
      row[4] === 'Wong Siu Ming' ? row.map((c) => (c === '+852 2345 6789' ? '+852 2345 0000' : c)) : row,
    );
    const plan = planImport(parseRegisterCsv(toCsv(changed)).units, register, estates, later);
    expect(plan.created).toEqual([]);
    expect(plan.unchanged).toBe(2);
    expect(plan.updated.map((u) => u.after.id)).toEqual(['laguna-city.5.18-A']);
    const [{ before, after }] = plan.updated as [{ before: Unit; after: Unit }];
    expect(after.version).toBe(before.version + 1);
    expect(after.residents.map((r) => r.id)).toEqual(before.residents.map((r) => r.id));
    expect(after.residents[1]?.phones).toEqual(['+852 2345 0000']);
    expect(after.updated).toEqual(later);
  });
});

describe('exporting the register', () => {
  const units = planImport(parseRegisterCsv(toCsv(GOOD)).units, new Map(), estates, stamp).created;

  it('exports rows the import reads back to the same register, from CSV and from Excel', async () => {
    const register = new Map(units.map((u) => [u.id, u]));
    const csv = exportCsv(units);
    expect(csv.startsWith('\uFEFFestate id,building code,floor')).toBe(true);
    expect(planImport(parseRegisterCsv(csv).units, register, estates, later).unchanged).toBe(3);
    const xlsx = await parseRegisterXlsx(await exportXlsx(units));
    expect(xlsx.errors).toEqual([]);
    expect(planImport(xlsx.units, register, estates, later).unchanged).toBe(3);
  });

  it('defuses a cell a spreadsheet would run as a formula, and reads it back as it was', () => {
    const [first] = units as [Unit];
    const unit = {
      ...first,
      residents: [{ ...(first.residents[0] as Unit['residents'][0]), name: '=HYPERLINK("x")' }],
    };
    const rows = exportRows([unit]);
    expect(rows[0]?.[4]).toBe('\'=HYPERLINK("x")');
    const records = readCsv(exportCsv([unit]));
    expect(records[0]).toEqual([...EXPORT_HEADER]);
    expect(records[1]?.[4]).toBe('\'=HYPERLINK("x")');
    expect(parseRegisterSheet(records).units[0]?.residents[0]?.name).toBe('=HYPERLINK("x")');
  });
});
