/**
 * The one way the product writes CSV (the staff list export in the web app, the periodic
 * report's files): RFC 4180 quoting, CRLF between records, a UTF-8 byte-order mark so Excel
 * reads the Chinese, and no cell a spreadsheet would run as a formula.
 *
 * A cell is a formula to Excel, LibreOffice and Google Sheets when it starts with `=`, `+`,
 * `-` or `@` (or a tab or CR, which they drop before looking); Apple Numbers also folds the
 * full-width ＝＋－＠ (which Chinese input methods type) to those, and some spreadsheets skip
 * leading blanks first. Such a cell gets a leading `'`, which spreadsheets read as "this is
 * text" — a visible apostrophe in a plain-text reader is the lesser harm. Numbers are written
 * as they are: a number is never a formula.
 */

export const CSV_BOM = '\uFEFF';
export const CSV_RECORD_END = '\r\n';

/** Blanks a spreadsheet may skip before it reads the first character (ASCII, no-break, ideographic). */
const LEADING_BLANKS = /^[ \t\r\n\u00a0\u3000]*/;
const FORMULA_STARTS = new Set(['=', '+', '-', '@', '\uff1d', '\uff0b', '\uff0d', '\uff20']);
const NEEDS_QUOTES = /[",;\r\n]/;

/** Whether a spreadsheet could read this text as a formula (see the module's comment). */
export function looksLikeFormula(text: string): boolean {
  if (text.startsWith('\t') || text.startsWith('\r')) return true;
  const first = text.slice(text.match(LEADING_BLANKS)?.[0].length ?? 0).charAt(0);
  return FORMULA_STARTS.has(first);
}

/**
 * One cell: text defused when it could be a formula, then quoted when it holds a quote, a
 * comma, a semicolon (the separator of European Excel) or a line break. Numbers as they are;
 * nothing (undefined, null) as an empty cell.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string') return String(value);
  const text = looksLikeFormula(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record: its cells and the record end. */
export function csvRecord(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}${CSV_RECORD_END}`;
}

/** A whole file: the byte-order mark, the header, the rows. */
export function csvDocument(
  header: readonly string[],
  rows: Iterable<readonly (string | number | boolean | null | undefined)[]>,
): string {
  let text = `${CSV_BOM}${csvRecord(header)}`;
  for (const row of rows) text += csvRecord(row);
  return text;
}

/**
 * Reads a CSV file (RFC 4180: quoted cells may hold commas, quotes as `""` and line breaks;
 * records end in CRLF or a bare LF, as files saved on any system do) into its records, the
 * byte-order mark dropped. A record is one spreadsheet row, so record `i` is the row a
 * spreadsheet shows as `i + 1` even when a quoted cell spans lines. A quote left open runs to
 * the end of the file, as spreadsheets read it.
 */
export function readCsv(text: string): string[][] {
  const source = text.startsWith(CSV_BOM) ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  while (i < source.length) {
    const char = source[i] as string;
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (char === '"') quoted = false;
      else cell += char;
      i++;
      continue;
    }
    if (char === '"' && cell === '') {
      quoted = true;
    } else if (char === ',') {
      record.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      if (char === '\r' && source[i + 1] === '\n') i++;
    } else {
      cell += char;
    }
    i++;
  }
  if (cell !== '' || record.length) {
    record.push(cell);
    records.push(record);
  }
  return records;
}

/**
 * A cell as it was before csvCell() defused it: the leading `'` taken off text that would
 * otherwise read as a formula, so an exported file imports as it was exported.
 */
export function undefusedCell(text: string): string {
  return text.startsWith("'") && looksLikeFormula(text.slice(1)) ? text.slice(1) : text;
}
