import type { Language } from '#domain/complaint.ts';
import { CSV_BOM, CSV_RECORD_END, csvCell as cell, csvRecord } from '#domain/csv.ts';
import type { ReportRow, RowMeasures } from './aggregate.ts';
import { areaName, categoryName, departmentName, REPORT_LANGUAGES, REPORT_MESSAGES } from './i18n.ts';
import { localDateTime } from './period.ts';

/**
 * The CSV of the underlying rows: one line per complaint of the period with the measures the
 * report counted, in a language (headers and names), written as every CSV of the product is
 * (#domain/csv.ts: byte-order mark, CRLF, formulas defused). No owner names or contacts: the
 * report's audience does not need them per row.
 */
const HEADERS: Record<Language, readonly string[]> = {
  'zh-Hant': [
    '編號',
    '收到時間',
    '區域',
    '大廈',
    '單位',
    '渠道',
    '類別',
    '負責部門',
    '狀態',
    '結果',
    '確認時間（工作小時）',
    '主任簽署時間（工作小時）',
    '承諾完成',
    '實際完成',
    '完成情況',
    '延遲（工作小時）',
    '按期步驟',
    '逾期步驟',
    '最高升級層級',
    '重開次數',
    '滿意度',
    '結案時間',
  ],
  'zh-Hans': [
    '编号',
    '收到时间',
    '区域',
    '大厦',
    '单位',
    '渠道',
    '类别',
    '负责部门',
    '状态',
    '结果',
    '确认时间（工作小时）',
    '主任签署时间（工作小时）',
    '承诺完成',
    '实际完成',
    '完成情况',
    '延迟（工作小时）',
    '按期步骤',
    '逾期步骤',
    '最高升级层级',
    '重开次数',
    '满意度',
    '结案时间',
  ],
  en: [
    'Ref',
    'Received',
    'Area',
    'Building',
    'Unit',
    'Channel',
    'Category',
    'Department',
    'Status',
    'Outcome',
    'Acknowledged (business hours)',
    'Supervisor signed (business hours)',
    'Committed completion',
    'Actual completion',
    'Completion',
    'Late (business hours)',
    'Deadlines met',
    'Deadlines missed',
    'Highest escalation',
    'Reopened',
    'Satisfaction',
    'Closed',
  ],
};

const STATUS: Record<Language, Record<string, string>> = {
  'zh-Hant': { open: '處理中', closed: '已結案' },
  'zh-Hans': { open: '处理中', closed: '已结案' },
  en: { open: 'Open', closed: 'Closed' },
};

export function csvHeader(language: Language): string {
  return `${CSV_BOM}${csvRecord(HEADERS[language])}`;
}

/**
 * The CSV lines of one complaint, one per language of REPORT_LANGUAGES (in its order): what
 * does not depend on the language is worked out once.
 */
export function csvLines(row: ReportRow, measures: RowMeasures): string[] {
  const received = localDateTime(row.receivedAt);
  const committed = measures.committedCompletion ? localDateTime(measures.committedCompletion) : '';
  const actual = row.actualCompletion ? localDateTime(row.actualCompletion) : '';
  const closed = row.closedAt ? localDateTime(row.closedAt) : '';
  const head = `${cell(row.ref)},${received},`;
  const place = `${cell(row.building ?? '')},${cell(row.unit ?? '')},`;
  const times = `${hours(measures.acknowledgementMinutes)},${hours(measures.signatureMinutes)},${committed},${actual},`;
  const counts = `${hours(measures.lateMinutes)},${measures.deadlinesMet},${measures.deadlinesMissed},`;
  const rating = row.satisfaction?.rating;
  return REPORT_LANGUAGES.map((language) => {
    const m = REPORT_MESSAGES[language];
    const completion = measures.completion
      ? {
          'on-time': m.timeliness.onTime,
          late: m.timeliness.late,
          overdue: m.timeliness.overdue,
          'not-due': m.timeliness.notDue,
        }[measures.completion]
      : '';
    return `${head}${cell(areaName(row.area, language))},${place}${cell(m.channels[row.channel] ?? row.channel)},${cell(
      row.category ? categoryName(row.category, language) : '',
    )},${cell(row.department ? departmentName(row.department, language) : '')},${cell(
      STATUS[language][row.status] ?? row.status,
    )},${cell(row.outcome ? (m.outcomes[row.outcome] ?? row.outcome) : '')},${times}${cell(completion)},${counts}${cell(
      measures.highestLevel ? m.levels[measures.highestLevel] : '',
    )},${row.reopenCount ?? 0},${cell(rating ? (m.ratings[rating as keyof typeof m.ratings] ?? rating) : '')},${closed}${CSV_RECORD_END}`;
  });
}

function hours(minutes: number | undefined): string {
  return minutes === undefined ? '' : (minutes / 60).toFixed(2);
}
