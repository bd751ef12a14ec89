/**
 * The register file's columns and limits (lambdas/domain/directory/import.ts reads and writes
 * the files): apart from the reader, which needs Node's spreadsheet libraries, so the web app's
 * import page shows the same columns and checks the same limits the API does.
 */

export const IMPORT_COLUMNS = [
  { key: 'estate', header: 'estate id', aliases: ['estate', '屋苑', '屋苑編號', '小區', '小区'] },
  { key: 'building', header: 'building code', aliases: ['building', '座', '座數', '大廈', '棟', '栋'] },
  { key: 'floor', header: 'floor', aliases: ['樓層', '楼层', '樓', '楼'] },
  { key: 'flat', header: 'flat', aliases: ['unit', '單位', '单位', '室'] },
  { key: 'name', header: 'resident name', aliases: ['name', '姓名', '住戶', '住户'] },
  { key: 'role', header: 'role', aliases: ['身份', '身分'] },
  { key: 'phones', header: 'phones', aliases: ['phone', '電話', '电话'] },
  { key: 'emails', header: 'emails', aliases: ['email', '電郵', '电邮', '電子郵件', '电子邮件'] },
  { key: 'language', header: 'language', aliases: ['語言', '语言'] },
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number]['key'];

/** The most rows a file may have, and the most problems one answer lists. */
/** A sample value of each column, as the import page shows the format (what the import accepts). */
export const IMPORT_EXAMPLES: Record<ImportColumn, string> = {
  estate: 'laguna-city',
  building: '5',
  floor: '18, 18/F, 十八樓, G/F',
  flat: 'A, 03',
  name: '陳大文',
  role: 'owner',
  phones: '9123 4567; +852 2345 6789',
  emails: 'chan@example.com',
  language: 'zh-Hant',
};

export const IMPORT_LIMITS = {
  rows: 100_000,
  /** A workbook or CSV of 100,000 rows is well under this. */
  bytes: 20 * 1024 * 1024,
  errorsListed: 500,
} as const;

export const IMPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export const IMPORT_CONTENT_TYPES: Record<ImportFormat, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** A workbook is a zip archive: it starts with `PK\x03\x04`. Anything else is read as CSV. */
export const isWorkbook = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
