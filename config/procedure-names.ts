import type { Names } from './catalogue.ts';

/** The procedure's steps, in order (config/workflow.ts STEPS has each one's role and deadline). */
export const STEP_IDS = [
  'transcribeFax',
  'clarify',
  'acknowledgeCall',
  'supervisorReview',
  'departmentCommitment',
  'ownerPlanResponse',
  'workInProgress',
  'progressUpdate',
  'obstacleCoordination',
  'satisfactionCallback',
  'dissatisfactionReview',
  'supervisorSignOff',
  'filing',
  'escalationSupervisor',
  'escalationCustomerService',
  'escalationManager',
  'resolveWorkflowError',
] as const;
export type StepId = (typeof STEP_IDS)[number];

/** How a complaint ends: the record's `outcome` once it is closed. */
export const OUTCOMES = [
  'resolved',
  'rejected',
  'closed-by-manager',
  'closed-by-error',
  'withdrawn',
  'referred',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/*
 * The names of the procedure's steps and outcomes (config/workflow.ts), apart from the step
 * table so the web app reads them without it (durations, state names, the settings parser).
 */

/**
 * What staff see each step of the procedure called: in the app, the report and task emails.
 */
export const STEP_NAMES: Record<StepId, Names> = {
  transcribeFax: {
    en: 'Transcribe the faxed complaint',
    zhHant: '謄寫傳真投訴內容',
    zhHans: '誊写传真投诉内容',
  },
  clarify: {
    en: 'Clarify the complaint with the owner',
    zhHant: '致電業主澄清投訴',
    zhHans: '致电业主澄清投诉',
  },
  acknowledgeCall: {
    en: 'Phone the owner to acknowledge',
    zhHant: '致電業主表明已收到',
    zhHans: '致电业主表明已收到',
  },
  supervisorReview: {
    en: 'Sign the record with a handling opinion',
    zhHant: '主任簽署處理意見',
    zhHans: '主任签署处理意见',
  },
  departmentCommitment: {
    en: 'Commit a start and completion time',
    zhHant: '部門承諾處理開始及完成時間',
    zhHans: '部门承诺处理开始及完成时间',
  },
  ownerPlanResponse: {
    en: "Record the owner's opinion of the plan",
    zhHant: '征詢業主對處理方案之意見',
    zhHans: '征询业主对处理方案之意见',
  },
  workInProgress: {
    en: 'Do the work; report done or an obstacle',
    zhHant: '跟進處理；報告完成或障礙',
    zhHans: '跟进处理；报告完成或障碍',
  },
  progressUpdate: {
    en: 'Write a progress update for the owner',
    zhHant: '提供進度更新予業主',
    zhHans: '提供进度更新予业主',
  },
  obstacleCoordination: {
    en: 'Coordinate the departments to clear an obstacle',
    zhHant: '主任親自協調障礙',
    zhHans: '主任亲自协调障碍',
  },
  satisfactionCallback: {
    en: "Record the owner's satisfaction",
    zhHant: '回訪業主滿意度',
    zhHans: '回访业主满意度',
  },
  dissatisfactionReview: {
    en: 'Reopen or close a dissatisfied complaint',
    zhHant: '處理業主不滿意',
    zhHans: '处理业主不满意',
  },
  supervisorSignOff: { en: 'Countersign the closed record', zhHant: '主任簽署結案', zhHans: '主任签署结案' },
  filing: { en: 'File the record', zhHant: '文員存檔', zhHans: '文员存档' },
  escalationSupervisor: {
    en: 'Resolve a late step, or escalate',
    zhHant: '主任處理逾期事項或上報',
    zhHans: '主任处理逾期事项或上报',
  },
  escalationCustomerService: {
    en: 'Resolve an escalated complaint, or escalate',
    zhHant: '客戶服務部處理或上報',
    zhHans: '客户服务部处理或上报',
  },
  escalationManager: {
    en: 'Decide an escalated complaint',
    zhHant: '經理處理上報投訴',
    zhHans: '经理处理上报投诉',
  },
  resolveWorkflowError: {
    en: 'Resolve a workflow error: retry, skip or close',
    zhHant: '處理系統流程錯誤：重試、略過或結案',
    zhHans: '处理系统流程错误：重试、略过或结案',
  },
};

/** How a complaint ended, as staff and the report say it. */
export const OUTCOME_NAMES: Record<Outcome, Names> = {
  resolved: { en: 'Resolved', zhHant: '已解決', zhHans: '已解决' },
  rejected: { en: 'Not a complaint', zhHant: '不屬投訴', zhHans: '不属投诉' },
  'closed-by-manager': { en: 'Closed by the manager', zhHant: '經理結案', zhHans: '经理结案' },
  'closed-by-error': { en: 'Closed by error', zhHant: '因系統錯誤結案', zhHans: '因系统错误结案' },
  withdrawn: { en: 'Withdrawn by the owner', zhHant: '業主撤回', zhHans: '业主撤回' },
  referred: { en: 'Referred elsewhere', zhHant: '轉介他方', zhHans: '转介他方' },
};

/**
 * A complaint that ends before its procedure does, filed all the same (domain/ending.ts): the
 * owner withdraws it, or the supervisor refers a matter that is not the company's.
 */
export const ENDING_KINDS = ['withdrawn', 'referred'] as const;
export type EndingKind = (typeof ENDING_KINDS)[number];

/** How the owner told us they withdraw. */
export const WITHDRAWAL_CHANNELS = ['phone', 'in-person', 'letter', 'email'] as const;
export type WithdrawalChannel = (typeof WITHDRAWAL_CHANNELS)[number];
export const WITHDRAWAL_CHANNEL_NAMES: Record<WithdrawalChannel, Names> = {
  phone: { en: 'On the phone', zhHant: '電話', zhHans: '电话' },
  'in-person': { en: 'In person', zhHant: '親身', zhHans: '亲身' },
  letter: { en: 'By letter', zhHant: '信函', zhHans: '信函' },
  email: { en: 'By email', zhHant: '電郵', zhHans: '电邮' },
};

/** The owner's answer to the satisfaction call-back (procedure step 8), or none. */
export const SATISFACTION_RATINGS = [
  'satisfied',
  'basically-satisfied',
  'dissatisfied',
  'no-answer',
] as const;
export type SatisfactionRating = (typeof SATISFACTION_RATINGS)[number];

/** What the ratings are called: on the forms, Form 17, the report and its CSV. */
export const RATING_NAMES: Record<SatisfactionRating, Names> = {
  satisfied: { en: 'Satisfied', zhHant: '滿意', zhHans: '满意' },
  'basically-satisfied': { en: 'Basically satisfied', zhHant: '基本滿意', zhHans: '基本满意' },
  dissatisfied: { en: 'Dissatisfied', zhHant: '不滿意', zhHans: '不满意' },
  'no-answer': { en: 'No answer', zhHant: '未能聯絡', zhHans: '未能联络' },
};

/*
 * The call log (procedure steps 1, 2, 5 and 8: 致電業主). Each attempt on a step that asks for a
 * phone call is recorded with its result; the step's decision comes from the call that reached
 * the owner, and a step whose calls went unanswered often enough (config/workflow.ts
 * `callAttempts`) may record the owner as unreached: that step's "no answer".
 */

/** What a call to the owner came to. */
export const CALL_RESULTS = ['reached', 'no-answer', 'wrong-number'] as const;
export type CallResult = (typeof CALL_RESULTS)[number];

/** What the results are called: on the call panel, the timeline and Form 17's contact record. */
export const CALL_RESULT_NAMES: Record<CallResult, Names> = {
  reached: { en: 'Reached the owner', zhHant: '已接通', zhHans: '已接通' },
  'no-answer': { en: 'No answer', zhHant: '無人接聽', zhHans: '无人接听' },
  'wrong-number': { en: 'Wrong number', zhHant: '號碼錯誤', zhHans: '号码错误' },
};

/**
 * The steps whose work is a phone call to the owner, and when: `always`, or `without-email` for
 * telling the plan (procedure step 5), which is emailed to an owner who gave an address and
 * phoned to one who did not.
 */
export const CALL_STEPS = {
  clarify: 'always',
  acknowledgeCall: 'always',
  ownerPlanResponse: 'without-email',
  satisfactionCallback: 'always',
} as const satisfies Partial<Record<StepId, 'always' | 'without-email'>>;
export type CallStep = keyof typeof CALL_STEPS;

/** When a step asks for a phone call (CALL_STEPS), or undefined: it asks for none. */
export function callStepRule(step: string): 'always' | 'without-email' | undefined {
  return (CALL_STEPS as Partial<Record<string, 'always' | 'without-email'>>)[step];
}

/** Why a step's clock is paused (issue 17 §2): waiting on someone the company cannot hurry. */
export const PAUSE_REASONS = ['owner-access', 'owner-away', 'parts', 'utility-government', 'other'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];
export const PAUSE_REASON_NAMES: Record<PauseReason, Names> = {
  'owner-access': {
    en: 'Waiting for access to the flat',
    zhHant: '等候業主安排入屋',
    zhHans: '等候业主安排入户',
  },
  'owner-away': { en: 'The owner is away', zhHant: '業主不在香港／外出', zhHans: '业主外出' },
  parts: { en: 'Waiting for parts from a supplier', zhHant: '等候供應商零件', zhHans: '等候供应商零件' },
  'utility-government': {
    en: 'Waiting for a utility or government department',
    zhHant: '等候公用事業或政府部門',
    zhHans: '等候公用事业或政府部门',
  },
  other: { en: 'Other (say what)', zhHant: '其他（請說明）', zhHans: '其他（请说明）' },
};
