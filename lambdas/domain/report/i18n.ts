import { AREAS } from '#config/areas.ts';
import { CATEGORIES, CHANNEL_NAMES, DEPARTMENTS, type Names, namesIn } from '#config/catalogue.ts';
import {
  OUTCOME_NAMES,
  PAUSE_REASON_NAMES,
  type PauseReason,
  RATING_NAMES,
  STEP_NAMES,
} from '#config/procedure-names.ts';
import { ROLE_NAMES } from '#config/roles.ts';
import type { LadderLevel, StepId } from '#config/workflow.ts';
import type { Language } from '#domain/complaint.ts';
import type { Period } from './period.ts';
import type { RectificationStatus } from './rectification.ts';

/**
 * Every word of the periodic report, in the app's three languages. Names of areas, categories,
 * departments, channels, roles, steps and outcomes come from config/, as the web app's do; the
 * rest is here.
 */
export const REPORT_LANGUAGES: readonly Language[] = ['zh-Hant', 'zh-Hans', 'en'];

export interface ReportMessages {
  readonly title: string;
  readonly period: string;
  readonly previousPeriod: string;
  readonly generatedAt: string;
  readonly dataAsOf: string;
  readonly company: string;
  readonly sections: {
    readonly summary: string;
    readonly areas: string;
    readonly volume: string;
    readonly timeliness: string;
    readonly escalations: string;
    readonly reopenedAndLate: string;
    readonly paused: string;
    readonly satisfaction: string;
    readonly recurrence: string;
    readonly rectification: string;
    readonly notes: string;
  };
  readonly kpi: {
    readonly received: string;
    readonly closed: string;
    readonly open: string;
    readonly acknowledgedInTime: string;
    readonly averageAcknowledgement: string;
    readonly averageSignature: string;
    readonly completedOnTime: string;
    readonly deadlinesMet: string;
    readonly satisfied: string;
    readonly escalated: string;
    readonly reopened: string;
    readonly openPastDeadline: string;
    readonly repeatComplainants: string;
    readonly rectificationDrafted: string;
  };
  readonly by: {
    readonly area: string;
    readonly channel: string;
    readonly category: string;
    readonly department: string;
  };
  readonly columns: {
    readonly thisPeriod: string;
    readonly previous: string;
    readonly change: string;
    readonly share: string;
    readonly count: string;
    readonly met: string;
    readonly missed: string;
    readonly metShare: string;
    readonly step: string;
    readonly level: string;
    readonly raised: string;
    readonly resolved: string;
    readonly passedUp: string;
    readonly closedByManager: string;
    readonly timedOut: string;
    readonly resolvedBy: string;
    readonly ref: string;
    readonly area: string;
    readonly location: string;
    readonly category: string;
    readonly reopens: string;
    readonly waitingOn: string;
    readonly lateStep: string;
    readonly due: string;
    readonly overdue: string;
    readonly owner: string;
    readonly complaints: string;
    readonly last12Months: string;
    readonly references: string;
    readonly subject: string;
    readonly problem: string;
    readonly measures: string;
    readonly department: string;
    readonly dueDate: string;
    readonly status: string;
    readonly evidence: string;
    readonly thisPeriodCount: string;
    readonly measured: string;
    readonly average: string;
    readonly withinTarget: string;
    readonly longest: string;
    readonly pending: string;
  };
  readonly timeliness: {
    readonly acknowledgement: string;
    readonly signature: string;
    readonly completion: string;
    readonly deadlinesByStep: string;
    readonly deadlinesByDepartment: string;
    readonly onTime: string;
    readonly late: string;
    readonly overdue: string;
    readonly notDue: string;
    readonly extended: string;
    readonly averageLate: string;
    readonly buckets: readonly string[];
    readonly target: (hours: string) => string;
  };
  readonly ratings: Record<
    'satisfied' | 'basically-satisfied' | 'dissatisfied' | 'no-answer' | 'pending',
    string
  >;
  readonly levels: Record<LadderLevel, string>;
  readonly steps: Record<StepId, string>;
  readonly roles: Record<string, string>;
  readonly channels: Record<string, string>;
  readonly statuses: Record<RectificationStatus, string>;
  readonly outcomes: Record<string, string>;
  readonly uncategorised: string;
  readonly unassigned: string;
  readonly none: string;
  readonly hours: (value: string) => string;
  readonly escalatedComplaints: string;
  readonly reopenedComplaints: (complaints: number, reopens: number) => string;
  /** Time paused (issue 17 §2) and progress notices (§3). */
  readonly paused: {
    readonly intro: string;
    readonly byCategory: string;
    readonly byReason: string;
    readonly reason: string;
    readonly complaints: string;
    readonly pauses: string;
    readonly hours: string;
    readonly none: string;
    readonly progressNotices: (notices: number) => string;
  };
  readonly pastDeadlineNote: string;
  readonly repeatNote: (owners: number, complaints: number) => string;
  readonly recurringLocations: string;
  readonly recurringUnits: string;
  readonly newItems: string;
  readonly moreOverThreshold: (over: number, drafted: number) => string;
  readonly trackedItems: string;
  readonly noItems: string;
  readonly evidenceText: (count: number, period: string, previous: number) => string;
  readonly overdueItem: string;
  readonly legendCurrent: string;
  readonly legendPrevious: string;
  readonly notes: (p: {
    thresholds: { category: number; categoryShare: number; location: number; unit: number };
    previousFrom?: string;
    generatedAt: string;
  }) => readonly string[];
  readonly periodLabel: (period: Period) => string;
  readonly emailSubject: (period: Period) => string;
  readonly emailIntro: string;
  readonly emailOpenLink: string;
  readonly emailCsvAttached: string;
  readonly emailCsvTooLarge: string;
}

/** The names config/ gives, in one language; an escalation level by the role that handles it. */
function configNames(language: keyof Names) {
  const roles = namesIn(ROLE_NAMES, language);
  return {
    levels: {
      supervisor: roles.supervisor,
      'customer-service': roles['customer-service'],
      manager: roles.manager,
    },
    steps: namesIn(STEP_NAMES, language),
    roles,
    channels: namesIn(CHANNEL_NAMES, language),
    outcomes: namesIn(OUTCOME_NAMES, language),
  };
}

const ZH_HANT: ReportMessages = {
  title: '投訴分析報告',
  period: '報告期',
  previousPeriod: '上期',
  generatedAt: '製表時間',
  dataAsOf: '資料截至',
  company: '全公司',
  sections: {
    summary: '摘要',
    areas: '各區概覽',
    volume: '投訴數量及趨勢',
    timeliness: '處理時效',
    escalations: '升級處理',
    reopenedAndLate: '重開及逾期未結投訴',
    paused: '暫停計時',
    satisfaction: '業主滿意度',
    recurrence: '重複投訴業主及重複發生地點',
    rectification: '整改計劃',
    notes: '附註',
  },
  kpi: {
    received: '收到投訴',
    closed: '已結案',
    open: '處理中',
    acknowledgedInTime: '按時確認收到',
    averageAcknowledgement: '平均確認時間',
    averageSignature: '平均主任簽署時間',
    completedOnTime: '按承諾時間完成',
    deadlinesMet: '各步驟按期完成',
    satisfied: '滿意及基本滿意',
    escalated: '曾升級投訴',
    reopened: '重開投訴',
    openPastDeadline: '逾期未結',
    repeatComplainants: '重複投訴業主',
    rectificationDrafted: '新擬整改項目',
  },
  by: { area: '按區域', channel: '按投訴渠道', category: '按投訴類別', department: '按負責部門' },
  columns: {
    thisPeriod: '本期',
    previous: '上期',
    change: '變化',
    share: '佔比',
    count: '宗數',
    met: '按期',
    missed: '逾期',
    metShare: '按期率',
    step: '步驟',
    level: '層級',
    raised: '升至此層',
    resolved: '解決',
    passedUp: '再上報',
    closedByManager: '經理結案',
    timedOut: '逾期自動上報',
    resolvedBy: '解決人',
    ref: '編號',
    area: '區域',
    location: '地點',
    category: '類別',
    reopens: '重開次數',
    waitingOn: '現時步驟',
    lateStep: '逾期步驟',
    due: '期限',
    overdue: '逾期',
    owner: '業主',
    complaints: '投訴',
    last12Months: '近十二個月',
    references: '投訴編號',
    subject: '項目',
    problem: '問題',
    measures: '整改措施',
    department: '負責部門',
    dueDate: '完成期限',
    status: '狀態',
    evidence: '依據',
    thisPeriodCount: '本期投訴',
    measured: '已計',
    average: '平均',
    withinTarget: '達標',
    longest: '最長',
    pending: '未完成',
  },
  timeliness: {
    acknowledgement: '確認收到投訴的時間（工作時間）',
    signature: '主任簽署處理意見的時間（工作時間，自收到投訴起計）',
    completion: '承諾完成時間與實際完成時間',
    deadlinesByStep: '各步驟期限達成率',
    deadlinesByDepartment: '各部門期限達成率（承諾時間及按承諾完成工作）',
    onTime: '按時完成',
    late: '延遲完成',
    overdue: '逾期未完成',
    notDue: '未到期',
    extended: '曾延後承諾',
    averageLate: '平均延遲',
    buckets: ['1小時內', '1–4小時', '4小時–1日', '1–2日', '2–5日', '5日以上'],
    target: (hours) => `目標：${hours}內`,
  },
  ratings: { ...namesIn(RATING_NAMES, 'zhHant'), pending: '未回訪' },
  ...configNames('zhHant'),
  statuses: { draft: '草擬', approved: '已批准', 'in-progress': '進行中', done: '已完成', dropped: '已取消' },
  uncategorised: '未分類',
  unassigned: '未分派',
  none: '無',
  hours: (value) => `${value} 小時`,
  escalatedComplaints: '曾升級的投訴',
  reopenedComplaints: (complaints, reopens) => `${complaints} 宗投訴因業主不滿意而重開，共 ${reopens} 次。`,
  paused: {
    intro: '工作須等候業主、供應商或政府部門時暫停的計時（以工作時間計）；暫停期間不計期限、不會上報。',
    byCategory: '按類別',
    byReason: '按原因',
    reason: '原因',
    complaints: '投訴',
    pauses: '暫停次數',
    hours: '暫停時間',
    none: '本期沒有暫停計時。',
    progressNotices: (notices) => `工作進行期間共向業主發出 ${notices} 次進度通知。`,
  },
  pastDeadlineNote: '處理中而已過期限的投訴（包括前期收到者），或因步驟逾期而在升級處理中的投訴。',
  repeatNote: (owners, complaints) => `本期有 ${owners} 位業主投訴兩次或以上，共 ${complaints} 宗。`,
  recurringLocations: '同一大廈同類投訴',
  recurringUnits: '同一單位重複投訴',
  newItems: '本期新擬整改項目（待客戶服務部審批）',
  moreOverThreshold: (over, drafted) => `共 ${over} 個項目超出門檻，已擬備重複程度最高的 ${drafted} 項。`,
  trackedItems: '整改項目進度',
  noItems: '沒有。',
  evidenceText: (count, period, previous) => `${period}：${count} 宗（上期 ${previous} 宗）`,
  overdueItem: '已過期限',
  legendCurrent: '本期',
  legendPrevious: '上期',
  notes: ({ thresholds: t, generatedAt, previousFrom }) => [
    '時間以工作時間計算（辦公時間，扣除週末、公眾假期；內地調休照計），各區按其所在地假期。',
    '「按期」指步驟在其期限內完成；逾期後由升級程序處理。',
    `擬備整改項目的門檻：同一區域同類投訴至少 ${t.category} 宗且佔該區投訴 ${Math.round(t.categoryShare * 100)}% 或以上；同一大廈同類投訴 ${t.location} 宗；同一單位投訴 ${t.unit} 宗。`,
    `逾期未結投訴及未到期承諾以製表時間（${generatedAt}）為準。`,
    '本報告不載業主電話及電郵；明細見附件 CSV。',
    ...(previousFrom ? [`上期數字取自上期報告（${previousFrom}）。`] : []),
  ],
  periodLabel: (period) => zhPeriodLabel(period, '週'),
  emailSubject: (period) => `投訴分析報告及整改計劃：${ZH_HANT.periodLabel(period)}`,
  emailIntro: '附上本期投訴分析報告及整改計劃，請審閱。',
  emailOpenLink: '在系統中查看報告及整改項目',
  emailCsvAttached: '投訴明細（CSV）見附件。',
  emailCsvTooLarge: '投訴明細（CSV）較大，請在系統中下載。',
};

const ZH_HANS: ReportMessages = {
  ...ZH_HANT,
  title: '投诉分析报告',
  period: '报告期',
  previousPeriod: '上期',
  generatedAt: '制表时间',
  dataAsOf: '资料截至',
  company: '全公司',
  sections: {
    summary: '摘要',
    areas: '各区概览',
    volume: '投诉数量及趋势',
    timeliness: '处理时效',
    escalations: '升级处理',
    reopenedAndLate: '重开及逾期未结投诉',
    paused: '暂停计时',
    satisfaction: '业主满意度',
    recurrence: '重复投诉业主及重复发生地点',
    rectification: '整改计划',
    notes: '附注',
  },
  kpi: {
    received: '收到投诉',
    closed: '已结案',
    open: '处理中',
    acknowledgedInTime: '按时确认收到',
    averageAcknowledgement: '平均确认时间',
    averageSignature: '平均主任签署时间',
    completedOnTime: '按承诺时间完成',
    deadlinesMet: '各步骤按期完成',
    satisfied: '满意及基本满意',
    escalated: '曾升级投诉',
    reopened: '重开投诉',
    openPastDeadline: '逾期未结',
    repeatComplainants: '重复投诉业主',
    rectificationDrafted: '新拟整改项目',
  },
  by: { area: '按区域', channel: '按投诉渠道', category: '按投诉类别', department: '按负责部门' },
  columns: {
    ...ZH_HANT.columns,
    change: '变化',
    share: '占比',
    count: '宗数',
    metShare: '按期率',
    step: '步骤',
    level: '层级',
    raised: '升至此层',
    resolved: '解决',
    passedUp: '再上报',
    closedByManager: '经理结案',
    timedOut: '逾期自动上报',
    resolvedBy: '解决人',
    ref: '编号',
    area: '区域',
    location: '地点',
    category: '类别',
    reopens: '重开次数',
    waitingOn: '现时步骤',
    lateStep: '逾期步骤',
    due: '期限',
    overdue: '逾期',
    owner: '业主',
    complaints: '投诉',
    last12Months: '近十二个月',
    references: '投诉编号',
    subject: '项目',
    problem: '问题',
    measures: '整改措施',
    department: '负责部门',
    dueDate: '完成期限',
    status: '状态',
    evidence: '依据',
    thisPeriodCount: '本期投诉',
    measured: '已计',
    average: '平均',
    withinTarget: '达标',
    longest: '最长',
    pending: '未完成',
  },
  timeliness: {
    ...ZH_HANT.timeliness,
    acknowledgement: '确认收到投诉的时间（工作时间）',
    signature: '主任签署处理意见的时间（工作时间，自收到投诉起计）',
    completion: '承诺完成时间与实际完成时间',
    deadlinesByStep: '各步骤期限达成率',
    deadlinesByDepartment: '各部门期限达成率（承诺时间及按承诺完成工作）',
    onTime: '按时完成',
    late: '延迟完成',
    overdue: '逾期未完成',
    notDue: '未到期',
    extended: '曾延后承诺',
    averageLate: '平均延迟',
    buckets: ['1小时内', '1–4小时', '4小时–1日', '1–2日', '2–5日', '5日以上'],
    target: (hours) => `目标：${hours}内`,
  },
  ratings: { ...namesIn(RATING_NAMES, 'zhHans'), pending: '未回访' },
  ...configNames('zhHans'),
  statuses: { draft: '草拟', approved: '已批准', 'in-progress': '进行中', done: '已完成', dropped: '已取消' },
  uncategorised: '未分类',
  unassigned: '未分派',
  none: '无',
  hours: (value) => `${value} 小时`,
  escalatedComplaints: '曾升级的投诉',
  reopenedComplaints: (complaints, reopens) => `${complaints} 宗投诉因业主不满意而重开，共 ${reopens} 次。`,
  paused: {
    intro: '工作须等候业主、供应商或政府部门时暂停的计时（以工作时间计）；暂停期间不计期限、不会上报。',
    byCategory: '按类别',
    byReason: '按原因',
    reason: '原因',
    complaints: '投诉',
    pauses: '暂停次数',
    hours: '暂停时间',
    none: '本期没有暂停计时。',
    progressNotices: (notices) => `工作进行期间共向业主发出 ${notices} 次进度通知。`,
  },
  pastDeadlineNote: '处理中而已过期限的投诉（包括前期收到者），或因步骤逾期而在升级处理中的投诉。',
  repeatNote: (owners, complaints) => `本期有 ${owners} 位业主投诉两次或以上，共 ${complaints} 宗。`,
  recurringLocations: '同一大厦同类投诉',
  recurringUnits: '同一单位重复投诉',
  newItems: '本期新拟整改项目（待客户服务部审批）',
  moreOverThreshold: (over, drafted) => `共 ${over} 个项目超出门槛，已拟备重复程度最高的 ${drafted} 项。`,
  trackedItems: '整改项目进度',
  noItems: '没有。',
  evidenceText: (count, period, previous) => `${period}：${count} 宗（上期 ${previous} 宗）`,
  overdueItem: '已过期限',
  legendCurrent: '本期',
  legendPrevious: '上期',
  notes: ({ thresholds: t, generatedAt, previousFrom }) => [
    '时间以工作时间计算（办公时间，扣除周末、公众假期；内地调休照计），各区按其所在地假期。',
    '「按期」指步骤在其期限内完成；逾期后由升级程序处理。',
    `拟备整改项目的门槛：同一区域同类投诉至少 ${t.category} 宗且占该区投诉 ${Math.round(t.categoryShare * 100)}% 或以上；同一大厦同类投诉 ${t.location} 宗；同一单位投诉 ${t.unit} 宗。`,
    `逾期未结投诉及未到期承诺以制表时间（${generatedAt}）为准。`,
    '本报告不载业主电话及电邮；明细见附件 CSV。',
    ...(previousFrom ? [`上期数字取自上期报告（${previousFrom}）。`] : []),
  ],
  periodLabel: (period) => zhPeriodLabel(period, '周'),
  emailSubject: (period) => `投诉分析报告及整改计划：${ZH_HANS.periodLabel(period)}`,
  emailIntro: '附上本期投诉分析报告及整改计划，请审阅。',
  emailOpenLink: '在系统中查看报告及整改项目',
  emailCsvAttached: '投诉明细（CSV）见附件。',
  emailCsvTooLarge: '投诉明细（CSV）较大，请在系统中下载。',
};

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const EN: ReportMessages = {
  title: 'Complaint analysis report',
  period: 'Period',
  previousPeriod: 'Previous period',
  generatedAt: 'Generated',
  dataAsOf: 'Data as of',
  company: 'Whole company',
  sections: {
    summary: 'Summary',
    areas: 'Areas at a glance',
    volume: 'Complaints and trend',
    timeliness: 'Timeliness',
    escalations: 'Escalations',
    reopenedAndLate: 'Reopened complaints and open complaints past their deadline',
    paused: 'Time paused',
    satisfaction: 'Owner satisfaction',
    recurrence: 'Repeat complainants and recurring locations',
    rectification: 'Rectification plan',
    notes: 'Notes',
  },
  kpi: {
    received: 'Complaints received',
    closed: 'Closed',
    open: 'Open',
    acknowledgedInTime: 'Acknowledged in time',
    averageAcknowledgement: 'Average time to acknowledge',
    averageSignature: "Average time to supervisor's signature",
    completedOnTime: 'Completed by the committed date',
    deadlinesMet: 'Step deadlines met',
    satisfied: 'Satisfied or basically satisfied',
    escalated: 'Escalated',
    reopened: 'Reopened',
    openPastDeadline: 'Open past deadline',
    repeatComplainants: 'Repeat complainants',
    rectificationDrafted: 'Rectification items drafted',
  },
  by: { area: 'By area', channel: 'By channel', category: 'By category', department: 'By department' },
  columns: {
    thisPeriod: 'This period',
    previous: 'Previous',
    change: 'Change',
    share: 'Share',
    count: 'Count',
    met: 'Met',
    missed: 'Missed',
    metShare: 'Met %',
    step: 'Step',
    level: 'Level',
    raised: 'Raised to',
    resolved: 'Resolved',
    passedUp: 'Passed up',
    closedByManager: 'Closed by manager',
    timedOut: 'Timed out',
    resolvedBy: 'Resolved by',
    ref: 'Ref.',
    area: 'Area',
    location: 'Location',
    category: 'Category',
    reopens: 'Reopens',
    waitingOn: 'Waiting on',
    lateStep: 'Late step',
    due: 'Due',
    overdue: 'Overdue',
    owner: 'Owner',
    complaints: 'Complaints',
    last12Months: 'Last 12 months',
    references: 'References',
    subject: 'Subject',
    problem: 'Problem',
    measures: 'Measures',
    department: 'Department',
    dueDate: 'Due date',
    status: 'Status',
    evidence: 'Evidence',
    thisPeriodCount: 'Complaints this period',
    measured: 'Measured',
    average: 'Average',
    withinTarget: 'Within target',
    longest: 'Longest',
    pending: 'Not yet',
  },
  timeliness: {
    acknowledgement: 'Time to acknowledge the complaint (business hours)',
    signature: "Time to the supervisor's signed handling opinion (business hours from receipt)",
    completion: 'Committed against actual completion',
    deadlinesByStep: 'Deadlines met per step',
    deadlinesByDepartment: 'Deadlines met per department (committing dates, finishing by the committed date)',
    onTime: 'On time',
    late: 'Late',
    overdue: 'Overdue, not done',
    notDue: 'Not yet due',
    extended: 'Commitment extended',
    averageLate: 'Average delay',
    buckets: ['Within 1 h', '1–4 h', '4 h–1 day', '1–2 days', '2–5 days', 'Over 5 days'],
    target: (hours) => `Target: within ${hours}`,
  },
  ratings: { ...namesIn(RATING_NAMES, 'en'), pending: 'Not yet asked' },
  ...configNames('en'),
  statuses: {
    draft: 'Draft',
    approved: 'Approved',
    'in-progress': 'In progress',
    done: 'Done',
    dropped: 'Dropped',
  },
  uncategorised: 'Not categorised',
  unassigned: 'Not assigned',
  none: 'None',
  hours: (value) => `${value} h`,
  escalatedComplaints: 'Complaints escalated',
  reopenedComplaints: (complaints, reopens) =>
    `${complaints} complaint${complaints === 1 ? ' was' : 's were'} reopened after a dissatisfied owner, ${reopens} time${reopens === 1 ? '' : 's'} in all.`,
  paused: {
    intro:
      'Working time a step’s clock stood still while the work waited on the owner, a supplier or a government department: not counted against deadlines, never escalated.',
    byCategory: 'By category',
    byReason: 'By reason',
    reason: 'Reason',
    complaints: 'Complaints',
    pauses: 'Pauses',
    hours: 'Time paused',
    none: 'No step was paused in this period.',
    progressNotices: (notices) => `Progress notices sent to owners while work was in progress: ${notices}.`,
  },
  pastDeadlineNote:
    'Open complaints (received in any period) whose current step is past its due time, or that are on the escalation ladder because a step was late.',
  repeatNote: (owners, complaints) =>
    `${owners} owner${owners === 1 ? '' : 's'} complained twice or more this period (${complaints} complaints).`,
  recurringLocations: 'Same category at the same building',
  recurringUnits: 'Units complaining repeatedly',
  newItems: 'Items drafted this period (for customer service to review)',
  moreOverThreshold: (over, drafted) =>
    `${over} subjects are over their thresholds; the ${drafted} most recurrent were drafted.`,
  trackedItems: 'Progress of rectification items',
  noItems: 'None.',
  evidenceText: (count, period, previous) => `${period}: ${count} (previous period ${previous})`,
  overdueItem: 'past due',
  legendCurrent: 'This period',
  legendPrevious: 'Previous period',
  notes: ({ thresholds: t, generatedAt, previousFrom }) => [
    "Times are business time: office hours less weekends and public holidays (mainland make-up workdays counted), by each area's calendar.",
    'A deadline is met when the step is done by its due time; a late step goes up the escalation ladder.',
    `An item is drafted for a category with at least ${t.category} complaints in an area and ${Math.round(t.categoryShare * 100)}% or more of the area's complaints; ${t.location} of one category at a building; ${t.unit} from one unit.`,
    `Open complaints past their deadline and commitments not yet due are as of ${generatedAt}.`,
    "Owners' phone numbers and email addresses are left out; the attached CSV lists every complaint.",
    ...(previousFrom ? [`The previous period's figures are those of its report ${previousFrom}.`] : []),
  ],
  periodLabel: (period) => {
    if (period.kind === 'month')
      return `${MONTHS[Number(period.key.slice(5)) - 1]} ${period.key.slice(0, 4)}`;
    return `Week ${Number(period.key.slice(6))}, ${period.key.slice(0, 4)} (${enDay(period.firstDay)} – ${enDay(period.lastDay)})`;
  },
  emailSubject: (period) => `Complaint analysis report and rectification plan: ${EN.periodLabel(period)}`,
  emailIntro: "This period's complaint analysis report and rectification plan, for your review.",
  emailOpenLink: 'Open the report and rectification items in the app',
  emailCsvAttached: 'Every complaint of the period is in the attached CSV.',
  emailCsvTooLarge: 'The CSV of every complaint is large: download it from the app.',
};

export const REPORT_MESSAGES: Readonly<Record<Language, ReportMessages>> = {
  'zh-Hant': ZH_HANT,
  'zh-Hans': ZH_HANS,
  en: EN,
};

/** Names from config/, in a language; the id itself when unknown. */
/** A pause's reason (config/procedure-names.ts PAUSE_REASON_NAMES) in the report's language. */
export function pauseReasonName(id: string, language: Language): string {
  return named(PAUSE_REASON_NAMES[id as PauseReason], language) ?? id;
}

export function categoryName(id: string, language: Language): string {
  const m = REPORT_MESSAGES[language];
  if (id === 'uncategorised') return m.uncategorised;
  return (
    named(
      CATEGORIES.find((c) => c.id === id),
      language,
    ) ?? id
  );
}

export function departmentName(id: string, language: Language): string {
  const m = REPORT_MESSAGES[language];
  if (id === 'unassigned') return m.unassigned;
  return (
    named(
      DEPARTMENTS.find((d) => d.id === id),
      language,
    ) ?? id
  );
}

export function areaName(id: string, language: Language): string {
  if (id === 'company') return REPORT_MESSAGES[language].company;
  const area = AREAS.find((a) => a.id === id);
  return named(area ? { ...area.name } : undefined, language) ?? id;
}

function named(
  entry: { en: string; zhHant: string; zhHans: string } | undefined,
  language: Language,
): string | undefined {
  if (!entry) return undefined;
  return language === 'en' ? entry.en : language === 'zh-Hans' ? entry.zhHans : entry.zhHant;
}

/** A period in Chinese: 2026年12月, or 2026年第49週（…至…） with the script's character for week. */
function zhPeriodLabel(period: Parameters<ReportMessages['periodLabel']>[0], week: '週' | '周'): string {
  return period.kind === 'month'
    ? `${period.key.slice(0, 4)}年${Number(period.key.slice(5))}月`
    : `${period.key.slice(0, 4)}年第${Number(period.key.slice(6))}${week}（${zhDay(period.firstDay)}至${zhDay(period.lastDay)}）`;
}

function zhDay(localDate: string): string {
  return `${Number(localDate.slice(5, 7))}月${Number(localDate.slice(8, 10))}日`;
}

function enDay(localDate: string): string {
  return `${Number(localDate.slice(8, 10))} ${MONTHS[Number(localDate.slice(5, 7)) - 1]}`;
}
