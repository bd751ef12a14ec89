import { readSheet } from 'read-excel-file/node';
import writeXlsxFile from 'write-excel-file/node';
import type * as z from 'zod';
import type { Language } from '../complaint.ts';
import { csvDocument, looksLikeFormula, readCsv, undefusedCell } from '../csv.ts';
import { DIRECTORY_LIMITS as LIMITS } from '../fields.ts';
import { IMPORT_COLUMNS, IMPORT_LIMITS, type ImportColumn } from './import-format.ts';
import { type RowProblem, rowProblemText } from './import-problems.ts';
import {
  type AddressStyle,
  contactValue,
  type Estate,
  NewUnitInput,
  newLocalId,
  type Resident,
  type ResidentRole,
  type Stamp,
  type Unit,
  unitIdOf,
} from './register.ts';

/**
 * Bulk import and export of the estate register (issue 16 point 2): the file an office has, a
 * CSV or an Excel workbook (`.xlsx`, its first sheet), one row per resident of a unit. Pure:
 * reading the rows, checking every one of them, and what an import would change; the service
 * (lambdas/services/directory-import.ts) reads the file and the register and writes the plan.
 *
 * The first row names the columns (in any order; the English names below, or their Chinese):
 *
 * | column         | what                                             | e.g.                     |
 * |----------------|--------------------------------------------------|--------------------------|
 * | estate id      | the estate's id in the register (required)       | laguna-city              |
 * | building code  | the building's code in its estate (required)     | 5                        |
 * | floor          | as written (required)                            | 18, 18/F, 十八樓, G/F    |
 * | flat           | letters and digits, or empty for a whole floor   | A, 03                    |
 * | resident name  | empty on a row that lists a unit with no one     | 陳大文                   |
 * | role           | owner or tenant (業主 / 租客)                     | owner                    |
 * | phones         | separated by `;` `,` `/` or line breaks          | 9123 4567; +852 2345 6789 |
 * | emails         | the same                                         | chan@example.com         |
 * | language       | zh-Hant, zh-Hans or en (繁體 / 简体 / English)     | zh-Hant                  |
 *
 * Natural keys: a unit is its address (estate + building + floor + flat, the unit's id); a
 * resident is their unit + name + role. The rows of a unit are its residents as they now are:
 * a resident of the register left out of the file has moved out, one with the same name and
 * role keeps their id (and their faxes, which the file does not carry). Units the file does not
 * mention are left as they are. A unit whose residents, compared by their contacts' canonical
 * values, are what the register has is unchanged: nothing is written for it and no audit line.
 *
 * Every row is checked before anything is written; a problem is reported as the row a
 * spreadsheet shows (the header is row 1), the column's name as the file has it, and what to fix.
 */

// The columns, limits and types, in a file of their own that the web app's import page reads too.
export {
  IMPORT_COLUMNS,
  IMPORT_CONTENT_TYPES,
  IMPORT_FORMATS,
  IMPORT_LIMITS,
  type ImportColumn,
  type ImportFormat,
  isWorkbook,
} from './import-format.ts';

const REQUIRED_COLUMNS: readonly ImportColumn[] = ['estate', 'building', 'floor'];

export interface RowError {
  /** The row as the spreadsheet shows it: the header is row 1. */
  readonly row: number;
  /** The column's name as the file's header has it. */
  readonly column: string;
  /** What to fix, in English (the web app shows `problem` in the reader's language). */
  readonly message: string;
  readonly problem: RowProblem;
}

/** A problem at a row and column, with its English text. */
const rowError = (row: number, column: string, problem: RowProblem): RowError => ({
  row,
  column,
  message: rowProblemText('en', problem),
  problem,
});

/** One unit as the file has it, its residents in file order, with the rows it came from. */
export interface ImportedUnit {
  readonly id: string;
  readonly estateId: string;
  readonly building: string;
  readonly floor: string;
  readonly flat?: string;
  readonly residents: readonly ImportedResident[];
  readonly rows: readonly number[];
}

export interface ImportedResident {
  readonly name: string;
  readonly role: ResidentRole;
  readonly phones: readonly string[];
  readonly emails: readonly string[];
  readonly language: Language;
}

export type Cell = string | number | boolean | Date | null | undefined;

/** A cell as text: numbers as their digits (a phone in a numeric cell), dates as ISO days. */
function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return undefusedCell(String(cell).normalize('NFC').trim());
}

const LIST_SEPARATORS = /[;,/\n\r、，；]+/;
const splitList = (text: string) =>
  text
    .split(LIST_SEPARATORS)
    .map((part) => part.trim())
    .filter(Boolean);

const ROLE_WORDS: Record<string, ResidentRole> = {
  owner: 'owner',
  業主: 'owner',
  业主: 'owner',
  tenant: 'tenant',
  租客: 'tenant',
  租戶: 'tenant',
  租户: 'tenant',
};

const LANGUAGE_WORDS: Record<string, Language> = {
  'zh-hant': 'zh-Hant',
  'zh-hk': 'zh-Hant',
  'zh-tw': 'zh-Hant',
  繁體: 'zh-Hant',
  繁体: 'zh-Hant',
  繁: 'zh-Hant',
  'zh-hans': 'zh-Hans',
  'zh-cn': 'zh-Hans',
  简体: 'zh-Hans',
  簡體: 'zh-Hans',
  简: 'zh-Hans',
  en: 'en',
  english: 'en',
  英文: 'en',
};

const headerWord = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');

/** Where each column is in the file, by its header row; the problems of the header. */
function columnsOf(header: readonly string[]): {
  at: Partial<Record<ImportColumn, number>>;
  errors: RowError[];
} {
  const at: Partial<Record<ImportColumn, number>> = {};
  const errors: RowError[] = [];
  header.forEach((text, index) => {
    const word = headerWord(text);
    if (!word) return;
    const column = IMPORT_COLUMNS.find(
      (c) => c.header === word || c.key === word || (c.aliases as readonly string[]).includes(word),
    );
    if (!column) return;
    if (at[column.key] !== undefined) {
      errors.push(rowError(1, text, { code: 'columnTwice', values: { column: column.header } }));
    } else {
      at[column.key] = index;
    }
  });
  for (const key of REQUIRED_COLUMNS) {
    if (at[key] === undefined) {
      const header = IMPORT_COLUMNS.find((c) => c.key === key)?.header ?? key;
      errors.push(rowError(1, header, { code: 'columnMissing', values: { column: header } }));
    }
  }
  if (
    at.name === undefined &&
    (at.role !== undefined || at.phones !== undefined || at.emails !== undefined)
  ) {
    errors.push(rowError(1, 'resident name', { code: 'nameColumnMissing' }));
  }
  return { at, errors };
}

/** The column a zod issue of NewUnitInput is about. */
function columnOfIssue(path: readonly PropertyKey[]): ImportColumn {
  const [first, , field] = path;
  if (first === 'residents') {
    if (field === 'role') return 'role';
    if (field === 'phones') return 'phones';
    if (field === 'emails') return 'emails';
    if (field === 'language') return 'language';
    return 'name';
  }
  if (first === 'estate' || first === 'building' || first === 'floor' || first === 'flat') return first;
  return 'estate';
}

export interface ParsedFile {
  readonly units: ImportedUnit[];
  readonly errors: RowError[];
  /** Data rows read (blank rows not counted). */
  readonly rows: number;
}

/**
 * Reads and checks every row of a sheet (its first row the header): the units it states, or
 * every problem found. Checks here need nothing but the file; checkAgainstRegister() adds those
 * that need the estates.
 */
export function parseRegisterSheet(sheet: readonly (readonly Cell[])[]): ParsedFile {
  const [headerRow, ...dataRows] = sheet;
  if (!headerRow) {
    return { units: [], rows: 0, errors: [rowError(1, 'estate id', { code: 'empty' })] };
  }
  const header = headerRow.map(cellText);
  const { at, errors } = columnsOf(header);
  if (errors.length) return { units: [], rows: 0, errors };
  if (dataRows.length > IMPORT_LIMITS.rows) {
    return {
      units: [],
      rows: dataRows.length,
      errors: [
        rowError(IMPORT_LIMITS.rows + 2, header[at.estate as number] ?? 'estate id', {
          code: 'tooManyRows',
          values: { rows: IMPORT_LIMITS.rows },
        }),
      ],
    };
  }
  const columnName = (key: ImportColumn) =>
    (at[key] !== undefined ? header[at[key] as number] : undefined) ||
    (IMPORT_COLUMNS.find((c) => c.key === key)?.header as string);
  const units = new Map<
    string,
    { unit: Omit<ImportedUnit, 'residents' | 'rows'>; residents: ImportedResident[]; rows: number[] }
  >();
  const residentRows = new Map<string, number>();
  let rows = 0;
  dataRows.forEach((cells, index) => {
    const row = index + 2;
    const value = (key: ImportColumn) => (at[key] === undefined ? '' : cellText(cells[at[key] as number]));
    const values = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.key, value(c.key)])) as Record<
      ImportColumn,
      string
    >;
    if (Object.values(values).every((v) => v === '')) return;
    rows++;
    const problem = (key: ImportColumn, found: RowProblem) =>
      errors.push(rowError(row, columnName(key), found));
    const before = errors.length;
    const hasResident =
      values.name !== '' || values.role !== '' || values.phones !== '' || values.emails !== '';
    let role: string | undefined;
    let language: string | undefined;
    if (hasResident) {
      role = ROLE_WORDS[values.role.toLowerCase()];
      if (!role) problem('role', { code: 'role', values: { value: values.role } });
      language = values.language ? LANGUAGE_WORDS[values.language.toLowerCase()] : 'zh-Hant';
      if (!language) problem('language', { code: 'language', values: { value: values.language } });
    }
    for (const key of ['estate', 'building', 'floor'] as const) {
      if (values[key] === '') problem(key, { code: 'required', values: { column: columnName(key) } });
    }
    if (errors.length > before) return;
    const parsed = NewUnitInput.safeParse({
      estate: values.estate,
      building: values.building,
      floor: values.floor,
      ...(values.flat ? { flat: values.flat } : {}),
      residents: hasResident
        ? [
            {
              name: values.name,
              role,
              phones: splitList(values.phones),
              emails: splitList(values.emails),
              language,
            },
          ]
        : [],
    });
    if (!parsed.success) {
      const seen = new Set<ImportColumn>();
      for (const issue of (parsed.error as z.ZodError).issues) {
        const column = columnOfIssue(issue.path);
        if (seen.has(column)) continue;
        seen.add(column);
        problem(column, { code: 'invalid', values: { field: column } });
      }
      return;
    }
    const input = parsed.data;
    const id = unitIdOf(input.estate, input.building, input.floor, input.flat);
    let entry = units.get(id);
    if (!entry) {
      entry = {
        unit: {
          id,
          estateId: input.estate,
          building: input.building,
          floor: input.floor,
          ...(input.flat ? { flat: input.flat } : {}),
        },
        residents: [],
        rows: [],
      };
      units.set(id, entry);
    }
    entry.rows.push(row);
    const resident = input.residents[0];
    if (!resident) return;
    const key = `${id}|${residentKey(resident)}`;
    const first = residentRows.get(key);
    if (first !== undefined) {
      problem('name', {
        code: 'residentTwice',
        values: { name: `${resident.name} (${resident.role})`, row: first },
      });
      return;
    }
    residentRows.set(key, row);
    if (entry.residents.length >= LIMITS.residentsPerUnit) {
      problem('name', { code: 'tooManyResidents', values: { n: LIMITS.residentsPerUnit } });
      return;
    }
    entry.residents.push({
      name: resident.name,
      role: resident.role,
      phones: [...new Set(resident.phones)],
      emails: [...new Set(resident.emails.map((e) => e.toLowerCase()))],
      language: resident.language,
    });
  });
  return {
    units: [...units.values()].map((e) => ({ ...e.unit, residents: e.residents, rows: e.rows })),
    errors,
    rows,
  };
}

/** A CSV file's rows, as parseRegisterSheet() reads them. */
export function parseRegisterCsv(text: string): ParsedFile {
  return parseRegisterSheet(readCsv(text));
}

/**
 * What the file states that the register refutes: an estate it does not have, a building its
 * estate does not have, an estate the caller may not edit (`refusal` says why, or undefined).
 * One problem per row, on the first row of each unit.
 */
export function checkAgainstRegister(
  parsed: ParsedFile,
  estates: ReadonlyMap<string, Estate>,
  refusal: (estate: Estate) => string | undefined,
  columnName: (key: ImportColumn) => string = (key) =>
    IMPORT_COLUMNS.find((c) => c.key === key)?.header as string,
): RowError[] {
  const errors: RowError[] = [];
  for (const unit of parsed.units) {
    const estate = estates.get(unit.estateId);
    for (const row of unit.rows) {
      if (!estate) {
        errors.push(
          rowError(row, columnName('estate'), { code: 'unknownEstate', values: { estate: unit.estateId } }),
        );
        continue;
      }
      if (refusal(estate)) {
        errors.push(
          rowError(row, columnName('estate'), { code: 'notYourEstate', values: { estate: estate.id } }),
        );
      } else if (!estate.buildings[unit.building]) {
        errors.push(
          rowError(row, columnName('building'), {
            code: 'unknownBuilding',
            values: {
              estate: estate.id,
              building: unit.building,
              codes: Object.keys(estate.buildings).join(', ') || '—',
            },
          }),
        );
      }
    }
  }
  return errors;
}

/** All the problems by row (in the order found within a row), at most IMPORT_LIMITS.errorsListed of them. */
export function sortedErrors(errors: readonly RowError[]): { errors: RowError[]; total: number } {
  const sorted = [...errors].sort((a, b) => a.row - b.row);
  return { errors: sorted.slice(0, IMPORT_LIMITS.errorsListed), total: errors.length };
}

// ---- The plan: what an import changes ------------------------------------------------------

const residentKey = (r: { name: string; role: string }) =>
  `${r.name.normalize('NFC').toLowerCase()}|${r.role}`;

/** A resident as compared: contacts by their canonical values, in no order. */
function comparable(r: ImportedResident | Resident, country: AddressStyle): string {
  const phones = [...new Set(r.phones.map((p) => contactValue('phone', p, country)))].sort();
  const emails = [...new Set(r.emails.map((e) => e.toLowerCase()))].sort();
  return JSON.stringify([residentKey(r), r.name, r.language, phones, emails]);
}

export interface ImportPlan {
  readonly created: Unit[];
  readonly updated: { readonly before: Unit; readonly after: Unit }[];
  readonly unchanged: number;
}

/**
 * What the import writes: each unit of the file that the register does not have, and each one
 * whose residents differ from the register's (a new version, stamped); the number left as they
 * are. `current` holds the register's units of the file's estates, by id.
 */
export function planImport(
  units: readonly ImportedUnit[],
  current: ReadonlyMap<string, Unit>,
  estates: ReadonlyMap<string, Estate>,
  stamp: Stamp,
  random?: () => number,
): ImportPlan {
  const created: Unit[] = [];
  const updated: { before: Unit; after: Unit }[] = [];
  let unchanged = 0;
  for (const imported of units) {
    const estate = estates.get(imported.estateId);
    if (!estate) throw new Error(`planImport: estate ${imported.estateId} was not checked`);
    const before = current.get(imported.id);
    if (!before) {
      const taken = new Set<string>();
      created.push({
        id: imported.id,
        estateId: estate.id,
        area: estate.area,
        building: imported.building,
        floor: imported.floor,
        ...(imported.flat ? { flat: imported.flat } : {}),
        residents: imported.residents.map((r) => residentOf(r, newLocalId('r', taken, random), [], taken)),
        version: 1,
        created: stamp,
        updated: stamp,
      });
      continue;
    }
    const had = new Map(before.residents.map((r) => [residentKey(r), r]));
    const same =
      before.residents.length === imported.residents.length &&
      imported.residents.every((r) => {
        const old = had.get(residentKey(r));
        return old !== undefined && comparable(old, estate.style) === comparable(r, estate.style);
      });
    if (same) {
      unchanged++;
      continue;
    }
    const taken = new Set(before.residents.map((r) => r.id));
    const residents = imported.residents.map((r) => {
      const old = had.get(residentKey(r));
      return old
        ? residentOf(r, old.id, old.faxes, taken)
        : residentOf(r, newLocalId('r', taken, random), [], taken);
    });
    updated.push({
      before,
      after: { ...before, residents, version: before.version + 1, updated: stamp },
    });
  }
  return { created, updated, unchanged };
}

function residentOf(r: ImportedResident, id: string, faxes: readonly string[], taken: Set<string>): Resident {
  taken.add(id);
  return {
    id,
    name: r.name,
    role: r.role,
    phones: [...r.phones],
    emails: [...r.emails],
    faxes: [...faxes],
    language: r.language,
  };
}

// ---- Export --------------------------------------------------------------------------------

/** The floors whose id is a word, as a file writes them (the import reads `G` as nothing, `G/F` as G). */
const WRITTEN_FLOORS: Record<string, string> = { G: 'G/F', LG: 'LG/F', UG: 'UG/F', M: 'M/F', RF: 'R/F' };
const writtenFloor = (floor: string) => WRITTEN_FLOORS[floor] ?? floor;

/** The header of an exported file: the import's column names, in the import's order. */
export const EXPORT_HEADER: readonly string[] = IMPORT_COLUMNS.map((c) => c.header);

/**
 * An estate's units as rows of the import's columns, one per resident (a unit with none as one
 * row of its address): what import reads back to the same register. Text that a spreadsheet
 * would run as a formula is defused as csv.ts does, in the workbook as in the CSV.
 */
export function exportRows(units: Iterable<Unit>): string[][] {
  const rows: string[][] = [];
  const defuse = (text: string) => (looksLikeFormula(text) ? `'${text}` : text);
  for (const unit of units) {
    const address = [unit.estateId, unit.building, writtenFloor(unit.floor), unit.flat ?? ''];
    if (unit.residents.length === 0) rows.push([...address, '', '', '', '', '']);
    for (const r of unit.residents) {
      rows.push(
        [...address, r.name, r.role, r.phones.join('; '), r.emails.join('; '), r.language].map(defuse),
      );
    }
  }
  return rows;
}

/** The rows as a CSV document (csv.ts's quoting and byte-order mark). */
export function exportCsv(units: Iterable<Unit>): string {
  // A defused cell starts with `'`, which is no formula: csvCell leaves it as it is.
  return csvDocument(EXPORT_HEADER, exportRows(units));
}

// ---- Workbooks -----------------------------------------------------------------------------

/**
 * A workbook's first sheet as parseRegisterSheet() reads it. Numbers are kept as the digits
 * stored (a phone typed into a numeric cell stays 91234567, never 9.1234567E7); a file that is
 * no workbook is one problem on row 1.
 */
export async function parseRegisterXlsx(file: Buffer): Promise<ParsedFile> {
  let sheet: Cell[][];
  try {
    sheet = (await readSheet(file, { parseNumber: (digits) => digits })) as Cell[][];
  } catch {
    return {
      units: [],
      rows: 0,
      errors: [rowError(1, 'estate id', { code: 'notWorkbook' })],
    };
  }
  return parseRegisterSheet(sheet);
}

/** An estate's units as a workbook of the import's columns (exportRows), every cell text. */
export async function exportXlsx(units: Iterable<Unit>): Promise<Buffer> {
  const header = EXPORT_HEADER.map((value) => ({ value, fontWeight: 'bold' as const }));
  return writeXlsxFile([header, ...exportRows(units)], { stickyRowsCount: 1 }).toBuffer();
}
