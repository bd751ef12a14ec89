import { DIRECTORY_LIMITS } from '../fields.ts';
import { IMPORT_LIMITS, type ImportColumn } from './import-format.ts';

/**
 * What can be wrong with a row of a register file, in the three languages: the API answers each
 * problem with its code and values and the English text (`message`), and the web app's import
 * page shows the text in the reader's language from this same table, so a clerk who reads
 * Chinese is not given a list of English corrections.
 */
export type RowProblem =
  | { code: 'columnTwice'; values: { column: string } }
  | { code: 'columnMissing'; values: { column: string } }
  | { code: 'nameColumnMissing' }
  | { code: 'empty' }
  | { code: 'tooManyRows'; values: { rows: number } }
  | { code: 'role'; values: { value: string } }
  | { code: 'language'; values: { value: string } }
  | { code: 'required'; values: { column: string } }
  /** A cell the register's own rules refuse (domain/directory/register.ts), by its column. */
  | { code: 'invalid'; values: { field: ImportColumn } }
  | { code: 'residentTwice'; values: { name: string; row: number } }
  | { code: 'tooManyResidents'; values: { n: number } }
  | { code: 'unknownEstate'; values: { estate: string } }
  | { code: 'notYourEstate'; values: { estate: string } }
  | { code: 'unknownBuilding'; values: { estate: string; building: string; codes: string } }
  | { code: 'notWorkbook' };
export type RowProblemCode = RowProblem['code'];

type ProblemLang = 'zh-Hant' | 'zh-Hans' | 'en';
type Texts = Record<Exclude<RowProblemCode, 'invalid'>, string> & {
  invalid: Record<ImportColumn, string>;
};

const TEXTS: Record<ProblemLang, Texts> = {
  'zh-Hant': {
    columnTwice: '「{column}」欄出現了兩次：只保留一欄',
    columnMissing: '請在第一行加上「{column}」欄',
    nameColumnMissing: '請加上「resident name」（住戶姓名）欄：身份及聯絡資料屬於住戶',
    empty: '檔案是空的',
    tooManyRows: '每個檔案最多 {rows} 行：請按屋苑分拆',
    role: '請寫 owner 或 tenant（業主／租客），而不是「{value}」',
    language: '請寫 zh-Hant、zh-Hans 或 en（繁體／简体／English），而不是「{value}」',
    required: '請填寫「{column}」',
    invalid: {
      estate: '請寫名冊內的屋苑編號',
      building: '請寫座數編號（例如 5、B、KS）',
      floor: '樓層請寫作 18、18/F、十八樓、G/F、地下、閣樓、B1 或 RF',
      flat: '單位請寫英文字母或數字（A、3、03、A1），整層則留空',
      name: '請填寫住戶姓名，最多 {chars} 個字',
      role: '請寫 owner 或 tenant（業主／租客）',
      phones: '電話號碼有誤：每個號碼 7 至 20 位，多個號碼以「;」分隔，最多 {phones} 個',
      emails: '電郵地址有誤：例如 chan@example.com，多個地址以「;」分隔，最多 {emails} 個',
      language: '請寫 zh-Hant、zh-Hans 或 en',
    },
    residentTwice: '此單位的{name}已在第 {row} 行：只保留一行',
    tooManyResidents: '每個單位最多 {n} 位住戶',
    unknownEstate: '名冊內沒有屋苑「{estate}」：請先新增屋苑，或更正編號',
    notYourEstate: '「{estate}」不屬於您所屬的地區：只可更新您地區的屋苑',
    unknownBuilding: '{estate} 沒有座數「{building}」：請先新增座數（現有：{codes}）',
    notWorkbook: '這不是 Excel 活頁簿（.xlsx）：請另存為 .xlsx 或 CSV',
  },
  'zh-Hans': {
    columnTwice: '“{column}”列出现了两次：只保留一列',
    columnMissing: '请在第一行加上“{column}”列',
    nameColumnMissing: '请加上“resident name”（住户姓名）列：身份及联系方式属于住户',
    empty: '文件是空的',
    tooManyRows: '每个文件最多 {rows} 行：请按小区拆分',
    role: '请写 owner 或 tenant（业主／租户），而不是“{value}”',
    language: '请写 zh-Hant、zh-Hans 或 en（繁體／简体／English），而不是“{value}”',
    required: '请填写“{column}”',
    invalid: {
      estate: '请写名册内的小区编号',
      building: '请写楼栋编号（例如 5、B、KS）',
      floor: '楼层请写作 18、18/F、十八楼、G/F、地下、阁楼、B1 或 RF',
      flat: '房号请写英文字母或数字（A、3、03、A1），整层则留空',
      name: '请填写住户姓名，最多 {chars} 个字',
      role: '请写 owner 或 tenant（业主／租户）',
      phones: '电话号码有误：每个号码 7 至 20 位，多个号码以“;”分隔，最多 {phones} 个',
      emails: '电子邮件地址有误：例如 chan@example.com，多个地址以“;”分隔，最多 {emails} 个',
      language: '请写 zh-Hant、zh-Hans 或 en',
    },
    residentTwice: '此单位的{name}已在第 {row} 行：只保留一行',
    tooManyResidents: '每个单位最多 {n} 位住户',
    unknownEstate: '名册内没有小区“{estate}”：请先新增小区，或更正编号',
    notYourEstate: '“{estate}”不属于您所属的地区：只可更新您地区的小区',
    unknownBuilding: '{estate} 没有楼栋“{building}”：请先新增楼栋（现有：{codes}）',
    notWorkbook: '这不是 Excel 工作簿（.xlsx）：请另存为 .xlsx 或 CSV',
  },
  en: {
    columnTwice: 'The column {column} appears twice: keep one',
    columnMissing: 'Add a column named “{column}” to the first row',
    nameColumnMissing: 'Add a column named “resident name”: roles and contacts belong to a resident',
    empty: 'The file is empty',
    tooManyRows: 'A file has at most {rows} rows: split it by estate',
    role: 'Write owner or tenant (業主 / 租客), not “{value}”',
    language: 'Write one of zh-Hant, zh-Hans, en, not “{value}”',
    required: 'Fill in the {column}',
    invalid: {
      estate: 'Choose the estate by its id',
      building: 'Choose the building by its code (e.g. 5, B, KS)',
      floor: 'Write the floor as 18, 18/F, 十八樓, G/F, 地下, 閣樓, B1 or RF',
      flat: 'Write the flat as letters and digits (A, 3, 03, A1), or leave it out',
      name: 'Write the resident’s name, in at most {chars} characters',
      role: 'Write owner or tenant (業主 / 租客)',
      phones: 'Check the phone numbers: 7 to 20 digits each, separated by “;”, at most {phones}',
      emails: 'Check the email addresses (like chan@example.com), separated by “;”, at most {emails}',
      language: 'Write one of zh-Hant, zh-Hans, en',
    },
    residentTwice: '{name} of this unit is on row {row} already: keep one row',
    tooManyResidents: 'A unit has at most {n} residents',
    unknownEstate: 'No estate {estate} in the register: add the estate first, or correct its id',
    notYourEstate: '{estate} is not in your area: you may update only your area’s estates',
    unknownBuilding: '{estate} has no building {building}: add the building first (codes: {codes})',
    notWorkbook: 'This is not an Excel workbook (.xlsx): save it as one, or as CSV',
  },
};

/** Counts the `invalid` hints name: the register's own limits. */
const HINT_VALUES = {
  phones: DIRECTORY_LIMITS.phonesPerResident,
  emails: DIRECTORY_LIMITS.emailsPerResident,
  chars: DIRECTORY_LIMITS.residentName,
} as const;

/** A problem in one of the three languages, its `{name}` values filled in. */
export function rowProblemText(lang: ProblemLang, problem: RowProblem): string {
  const texts = TEXTS[lang];
  const template = problem.code === 'invalid' ? texts.invalid[problem.values.field] : texts[problem.code];
  const values: Record<string, string | number> = {
    ...HINT_VALUES,
    ...('values' in problem ? problem.values : {}),
  };
  if (problem.code === 'tooManyRows') values.rows = IMPORT_LIMITS.rows.toLocaleString('en-US');
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    values[name] === undefined ? match : String(values[name]),
  );
}
