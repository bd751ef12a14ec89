import { areaMonthPk, complaintPk, openTasksPk, openTasksSk, RECORD_SK, taskSk } from '#domain/keys.ts';

/**
 * A small hand-made data set for the periodic report, whose every figure is worked out by hand
 * in the tests (Hong Kong business hours: 09:00-18:00, Monday to Friday; November 2026 has no
 * public holiday; 2 November 2026 is a Monday). Report period: November 2026.
 *
 * | ref            | received (HK)     | channel | area | place                  | category   | dept        | notes |
 * | KE-2611-0001   | Mon 2 Nov 09:00   | phone   | KE   | 海濱花園第三座 12樓B室  | water-leak | engineering | on time, satisfied |
 * | KE-2611-0002   | Mon 2 Nov 17:00   | email   | KE   | 海濱花園第三座 12樓B室  | water-leak | engineering | same owner; 1 h late, extended, dissatisfied, reopened |
 * | KE-2611-0003   | Wed 4 Nov 10:00   | walk-in | KE   | 德福花園C座 3樓A室      | noise      | security    | apologised in person; up to the manager; open |
 * | KE-2611-0004   | Thu 5 Nov 14:00   | letter  | KE   | 德福花園C座 3樓A室      | noise      | security    | same owner (phone); acknowledged by call; open, commitment overdue |
 * | HKI-2611-0001  | Fri 6 Nov 09:30   | email   | HKI  | 杏花邨第8座 20樓C室     | repairs    | engineering | signed exactly at target; commitment late |
 * | HKI-2611-0002  | Mon 9 Nov 11:00   | phone   | HKI  | 杏花邨第8座 5樓A室      | repairs    | engineering | clarified first; signature late; no answer |
 * | HKI-2611-0003  | Tue 10 Nov 15:00  | fax     | HKI  | 康怡花園B座 8樓D室      | —          | —           | rejected |
 * | KE-2611-0005   | Sun 1 Nov 01:00   | email   | KE   | 海濱花園第三座 13樓B室  | water-leak | engineering | in October's UTC index month; open, overdue |
 *
 * Previous period (October): three complaints. Outside: one received at 00:30 on 1 December
 * (in November's UTC index month), one in September still on the escalation ladder.
 */
const hk = (local: string) => new Date(`${local}+08:00`).toISOString();

type Item = Record<string, unknown>;

function record(fields: Item & { ref: string; receivedAt: string; area: string; contact?: string }): Item {
  const { contact, ...rest } = fields;
  return {
    PK: complaintPk(fields.ref),
    SK: RECORD_SK,
    type: 'complaint',
    objectionCount: 0,
    reopenCount: 0,
    escalationCount: 0,
    content: '測試投訴',
    checklist: {},
    receivedBy: { by: 'reception.kowloon-east', role: 'reception', at: fields.receivedAt },
    ...rest,
    GSI2PK: areaMonthPk(fields.area, fields.receivedAt),
    GSI2SK: fields.receivedAt,
    ...(contact ? { GSI3PK: contact, GSI3SK: fields.receivedAt } : {}),
  };
}

function task(fields: {
  ref: string;
  area: string;
  step: string;
  role: string;
  createdAt: string;
  dueAt: string;
  late?: Item;
  /** A ladder level for a missed deadline: when the step went overdue (domain/tasks.ts). */
  overdueSince?: string;
}): Item {
  const id = `${fields.ref}.fixture`;
  return {
    PK: complaintPk(fields.ref),
    SK: taskSk(id),
    type: 'task',
    id,
    status: 'open',
    taskToken: 'fixture-token',
    ...fields,
    GSI1PK: openTasksPk(fields.role, fields.area),
    GSI1SK: openTasksSk(fields.overdueSince ?? fields.dueAt, id),
  };
}

const OWNER_A = 'OWNER#email:a@example.com';
const OWNER_PHONE = 'OWNER#phone:85291234567';
// Facts as the handlers keep them (lambdas/domain/record-facts.ts); the time is only for the reader.
const met = (step: string, _at: string) => `${step}:met`;
const missed = (step: string, _at: string) => `${step}:missed`;
const signed = (by: string, at: string) => ({ by, role: 'supervisor', at, opinion: '跟進' });

export const REPORT_MONTH = '2026-11';

export function handMadeItems(): Item[] {
  return [
    record({
      ref: 'KE-2611-0001',
      receivedAt: hk('2026-11-02T09:00:00'),
      channel: 'phone',
      area: 'kowloon-east',
      building: '海濱花園第三座',
      unit: '12樓B室',
      owner: { name: '陳大文', email: 'a@example.com', language: 'zh-Hant' },
      contact: OWNER_A,
      flags: { needsClarification: false, acknowledge: 'email' },
      acknowledgedAt: hk('2026-11-02T09:01:00'),
      category: 'water-leak',
      department: 'engineering',
      supervisorReview: signed('supervisor.kowloon-east', hk('2026-11-02T11:00:00')),
      commitment: {
        by: 'engineering.kowloon-east',
        role: 'department',
        at: hk('2026-11-02T15:00:00'),
        plannedStart: hk('2026-11-03T09:00:00'),
        plannedCompletion: hk('2026-11-05T10:00:00'),
      },
      committedCompletion: hk('2026-11-05T10:00:00'),
      actualCompletion: hk('2026-11-04T17:00:00'),
      satisfaction: {
        rating: 'satisfied',
        by: 'followup.kowloon-east',
        role: 'followup',
        at: hk('2026-11-05T10:00:00'),
      },
      status: 'closed',
      outcome: 'resolved',
      currentStep: 'filed',
      closedAt: hk('2026-11-06T12:00:00'),
      deadlines: [
        met('supervisorReview', hk('2026-11-02T11:00:00')),
        met('departmentCommitment', hk('2026-11-02T15:00:00')),
        met('workInProgress', hk('2026-11-04T17:00:00')),
      ],
    }),
    record({
      ref: 'KE-2611-0002',
      receivedAt: hk('2026-11-02T17:00:00'),
      channel: 'email',
      area: 'kowloon-east',
      building: '海濱花園第三座',
      unit: '12樓B室',
      owner: { name: '陳大文', email: 'a@example.com', language: 'zh-Hant' },
      contact: OWNER_A,
      flags: { needsClarification: false, acknowledge: 'email' },
      acknowledgedAt: hk('2026-11-02T17:01:00'),
      category: 'water-leak',
      department: 'engineering',
      supervisorReview: signed('supervisor.kowloon-east', hk('2026-11-03T12:00:00')),
      commitment: {
        by: 'engineering.kowloon-east',
        role: 'department',
        at: hk('2026-11-03T15:00:00'),
        plannedStart: hk('2026-11-04T09:00:00'),
        plannedCompletion: hk('2026-11-10T18:00:00'),
      },
      committedCompletion: hk('2026-11-06T18:00:00'),
      actualCompletion: hk('2026-11-09T10:00:00'),
      satisfaction: {
        rating: 'dissatisfied',
        by: 'followup.kowloon-east',
        role: 'followup',
        at: hk('2026-11-10T10:00:00'),
      },
      reopenCount: 1,
      escalationCount: 1,
      status: 'closed',
      outcome: 'resolved',
      currentStep: 'filed',
      closedAt: hk('2026-11-13T12:00:00'),
      deadlines: [
        met('supervisorReview', hk('2026-11-03T12:00:00')),
        met('departmentCommitment', hk('2026-11-03T15:00:00')),
        missed('workInProgress', hk('2026-11-06T18:00:00')),
      ],
      escalations: ['supervisor:raised', 'supervisor:resolved:supervisor.kowloon-east'],
    }),
    record({
      ref: 'KE-2611-0003',
      receivedAt: hk('2026-11-04T10:00:00'),
      channel: 'walk-in',
      area: 'kowloon-east',
      building: '德福花園C座',
      unit: '3樓A室',
      owner: { name: '李美玲', phone: '+852 9123 4567', language: 'zh-Hant' },
      contact: OWNER_PHONE,
      flags: { needsClarification: false, acknowledge: 'none' },
      category: 'noise',
      department: 'security',
      supervisorReview: signed('supervisor.kowloon-east', hk('2026-11-04T10:30:00')),
      commitment: {
        by: 'engineering.kowloon-east',
        role: 'department',
        at: hk('2026-11-04T15:00:00'),
        plannedStart: hk('2026-11-05T09:00:00'),
        plannedCompletion: hk('2026-11-10T18:00:00'),
      },
      committedCompletion: hk('2026-11-10T18:00:00'),
      escalationCount: 3,
      status: 'open',
      currentStep: 'escalationManager',
      deadlines: [
        met('supervisorReview', hk('2026-11-04T10:30:00')),
        met('departmentCommitment', hk('2026-11-04T15:00:00')),
        missed('workInProgress', hk('2026-11-10T18:00:00')),
      ],
      escalations: [
        'supervisor:raised',
        'supervisor:escalated:supervisor.kowloon-east',
        'customer-service:raised',
        'customer-service:timed-out',
        'manager:raised',
      ],
    }),
    task({
      ref: 'KE-2611-0003',
      area: 'kowloon-east',
      step: 'escalationManager',
      role: 'manager',
      createdAt: hk('2026-11-12T10:00:00'),
      dueAt: hk('2026-11-13T10:00:00'),
      late: { step: 'workInProgress', level: 'manager', overdue: 'escalationCustomerService' },
      // The work was due two levels earlier: the ladder keeps the time it went overdue.
      overdueSince: hk('2026-11-10T10:00:00'),
    }),
    record({
      ref: 'KE-2611-0004',
      receivedAt: hk('2026-11-05T14:00:00'),
      channel: 'letter',
      area: 'kowloon-east',
      building: '德福花園C座',
      unit: '3樓A室',
      owner: { name: '李美玲', phone: '+852 9123 4567', language: 'zh-Hant' },
      contact: OWNER_PHONE,
      flags: { needsClarification: false, acknowledge: 'call' },
      acknowledgedAt: hk('2026-11-05T16:00:00'),
      category: 'noise',
      department: 'security',
      supervisorReview: signed('supervisor.kowloon-east', hk('2026-11-06T10:00:00')),
      status: 'open',
      currentStep: 'departmentCommitment',
      deadlines: [
        met('acknowledgeCall', hk('2026-11-05T16:00:00')),
        met('supervisorReview', hk('2026-11-06T10:00:00')),
      ],
    }),
    task({
      ref: 'KE-2611-0004',
      area: 'kowloon-east',
      step: 'departmentCommitment',
      role: 'department',
      createdAt: hk('2026-11-06T10:00:00'),
      dueAt: hk('2026-11-09T10:00:00'),
    }),
    record({
      ref: 'HKI-2611-0001',
      receivedAt: hk('2026-11-06T09:30:00'),
      channel: 'email',
      area: 'hk-island',
      building: '杏花邨第8座',
      unit: '20樓C室',
      owner: { name: '黃志強', email: 'b@example.com', language: 'en' },
      contact: 'OWNER#email:b@example.com',
      flags: { needsClarification: false, acknowledge: 'email' },
      acknowledgedAt: hk('2026-11-06T09:31:00'),
      category: 'repairs',
      department: 'engineering',
      supervisorReview: signed('supervisor.hk-island', hk('2026-11-09T09:30:00')),
      commitment: {
        by: 'engineering.hk-island',
        role: 'department',
        at: hk('2026-11-10T12:00:00'),
        plannedStart: hk('2026-11-11T09:00:00'),
        plannedCompletion: hk('2026-11-12T18:00:00'),
      },
      committedCompletion: hk('2026-11-12T18:00:00'),
      actualCompletion: hk('2026-11-12T12:00:00'),
      satisfaction: {
        rating: 'basically-satisfied',
        by: 'followup.hk-island',
        role: 'followup',
        at: hk('2026-11-13T10:00:00'),
      },
      escalationCount: 1,
      status: 'closed',
      outcome: 'resolved',
      currentStep: 'filed',
      closedAt: hk('2026-11-16T10:00:00'),
      deadlines: [
        met('supervisorReview', hk('2026-11-09T09:30:00')),
        missed('departmentCommitment', hk('2026-11-10T09:30:00')),
        met('workInProgress', hk('2026-11-12T12:00:00')),
      ],
      escalations: ['supervisor:raised', 'supervisor:resolved:supervisor.hk-island'],
    }),
    record({
      ref: 'HKI-2611-0002',
      receivedAt: hk('2026-11-09T11:00:00'),
      channel: 'phone',
      area: 'hk-island',
      building: '杏花邨第8座',
      unit: '5樓A室',
      owner: { name: '何家明', email: 'c@example.com', language: 'zh-Hant' },
      contact: 'OWNER#email:c@example.com',
      flags: { needsClarification: true, acknowledge: 'email' },
      acknowledgedAt: hk('2026-11-09T11:01:00'),
      category: 'repairs',
      department: 'engineering',
      supervisorReview: signed('supervisor.hk-island', hk('2026-11-11T11:00:00')),
      commitment: {
        by: 'engineering.hk-island',
        role: 'department',
        at: hk('2026-11-11T15:00:00'),
        plannedStart: hk('2026-11-12T09:00:00'),
        plannedCompletion: hk('2026-11-16T18:00:00'),
      },
      committedCompletion: hk('2026-11-16T18:00:00'),
      actualCompletion: hk('2026-11-16T18:00:00'),
      satisfaction: { rating: 'no-answer', by: 'system', role: 'system', at: hk('2026-11-20T10:00:00') },
      escalationCount: 1,
      status: 'closed',
      outcome: 'resolved',
      currentStep: 'filed',
      closedAt: hk('2026-11-23T10:00:00'),
      deadlines: [
        met('clarify', hk('2026-11-09T12:00:00')),
        missed('supervisorReview', hk('2026-11-10T12:00:00')),
        met('departmentCommitment', hk('2026-11-11T15:00:00')),
        met('workInProgress', hk('2026-11-16T18:00:00')),
      ],
      escalations: ['customer-service:raised', 'customer-service:resolved:customer-service.hk-island'],
    }),
    record({
      ref: 'HKI-2611-0003',
      receivedAt: hk('2026-11-10T15:00:00'),
      channel: 'fax',
      area: 'hk-island',
      building: '康怡花園B座',
      unit: '8樓D室',
      owner: { name: '林淑儀', email: 'd@example.com', language: 'zh-Hant' },
      contact: 'OWNER#email:d@example.com',
      flags: { needsClarification: false, acknowledge: 'email' },
      acknowledgedAt: hk('2026-11-10T15:00:10'),
      rejection: {
        by: 'supervisor.hk-island',
        role: 'supervisor',
        at: hk('2026-11-11T10:00:00'),
        reason: '非投訴',
      },
      status: 'closed',
      outcome: 'rejected',
      currentStep: 'filed',
      closedAt: hk('2026-11-12T10:00:00'),
      deadlines: [met('supervisorReview', hk('2026-11-11T10:00:00'))],
    }),
    record({
      ref: 'KE-2611-0005',
      receivedAt: hk('2026-11-01T01:00:00'),
      channel: 'email',
      area: 'kowloon-east',
      building: '海濱花園第三座',
      unit: '13樓B室',
      owner: { name: '張國輝', email: 'e@example.com', language: 'zh-Hant' },
      contact: 'OWNER#email:e@example.com',
      flags: { needsClarification: false, acknowledge: 'email' },
      acknowledgedAt: hk('2026-11-01T01:01:00'),
      category: 'water-leak',
      department: 'engineering',
      supervisorReview: signed('supervisor.kowloon-east', hk('2026-11-02T09:30:00')),
      commitment: {
        by: 'engineering.kowloon-east',
        role: 'department',
        at: hk('2026-11-02T14:00:00'),
        plannedStart: hk('2026-11-03T09:00:00'),
        plannedCompletion: hk('2026-11-20T18:00:00'),
      },
      committedCompletion: hk('2026-11-20T18:00:00'),
      status: 'open',
      currentStep: 'workInProgress',
      deadlines: [
        met('supervisorReview', hk('2026-11-02T09:30:00')),
        met('departmentCommitment', hk('2026-11-02T14:00:00')),
      ],
    }),
    task({
      ref: 'KE-2611-0005',
      area: 'kowloon-east',
      step: 'workInProgress',
      role: 'department',
      createdAt: hk('2026-11-02T14:00:00'),
      dueAt: hk('2026-11-20T18:00:00'),
    }),
    // ---- the previous period (October) ----
    record({
      ref: 'KE-2610-0001',
      receivedAt: hk('2026-10-15T10:00:00'),
      channel: 'email',
      area: 'kowloon-east',
      building: '海濱花園第三座',
      unit: '12樓B室',
      owner: { name: '陳大文', email: 'a@example.com', language: 'zh-Hant' },
      contact: OWNER_A,
      category: 'water-leak',
      department: 'engineering',
      satisfaction: {
        rating: 'satisfied',
        by: 'followup.kowloon-east',
        role: 'followup',
        at: hk('2026-10-20T10:00:00'),
      },
      status: 'closed',
      outcome: 'resolved',
    }),
    record({
      ref: 'KE-2610-0002',
      receivedAt: hk('2026-10-20T10:00:00'),
      channel: 'phone',
      area: 'kowloon-east',
      building: '德福花園C座',
      unit: '3樓A室',
      owner: { name: '李美玲', phone: '+852 9123 4567', language: 'zh-Hant' },
      contact: OWNER_PHONE,
      category: 'noise',
      department: 'security',
      status: 'closed',
      outcome: 'resolved',
    }),
    record({
      ref: 'HKI-2610-0001',
      receivedAt: hk('2026-10-22T10:00:00'),
      channel: 'email',
      area: 'hk-island',
      building: '杏花邨第8座',
      unit: '30樓A室',
      owner: { name: '鄭偉傑', email: 'f@example.com', language: 'zh-Hant' },
      contact: 'OWNER#email:f@example.com',
      category: 'repairs',
      department: 'engineering',
      satisfaction: {
        rating: 'dissatisfied',
        by: 'followup.hk-island',
        role: 'followup',
        at: hk('2026-10-28T10:00:00'),
      },
      status: 'closed',
      outcome: 'resolved',
    }),
    // ---- outside the period ----
    record({
      ref: 'KE-2612-0001',
      receivedAt: hk('2026-12-01T00:30:00'),
      channel: 'email',
      area: 'kowloon-east',
      building: '海濱花園第三座',
      unit: '12樓B室',
      owner: { name: '陳大文', email: 'a@example.com', language: 'zh-Hant' },
      contact: OWNER_A,
      category: 'water-leak',
      status: 'open',
    }),
    record({
      ref: 'KE-2609-0007',
      receivedAt: hk('2026-09-10T10:00:00'),
      channel: 'phone',
      area: 'kowloon-east',
      building: '淘大花園D座',
      unit: '2樓C室',
      owner: { name: '謝秀英', email: 'g@example.com', language: 'zh-Hant' },
      contact: 'OWNER#email:g@example.com',
      category: 'facilities',
      department: 'engineering',
      status: 'open',
      currentStep: 'escalationCustomerService',
    }),
    // On the ladder, not yet due at its level: past its deadline all the same (a step was late).
    task({
      ref: 'KE-2609-0007',
      area: 'kowloon-east',
      step: 'escalationCustomerService',
      role: 'customer-service',
      createdAt: hk('2026-11-20T10:00:00'),
      dueAt: hk('2099-01-01T10:00:00'),
      late: { step: 'workInProgress', level: 'customer-service', overdue: 'escalationSupervisor' },
      overdueSince: hk('2026-11-19T10:00:00'),
    }),
  ];
}

/** An approved item from October's report, for the progress the next report shows. */
export function trackedItem(): Item {
  return {
    PK: 'RECTIFICATION',
    SK: 'ITEM#Rfixture-hki-repairs',
    type: 'rectification',
    id: 'Rfixture-hki-repairs',
    subjectKey: 'category|hk-island|repairs',
    subject: { kind: 'category', area: 'hk-island', category: 'repairs' },
    status: 'approved',
    problemDraft: {
      'zh-Hant': '港島「維修保養」',
      'zh-Hans': '港岛「维修保养」',
      en: 'Repairs, Hong Kong Island',
    },
    measures: '每週巡查升降機及公共設施',
    department: 'engineering',
    dueDate: '2026-11-15',
    evidence: {
      reportId: 'r-oct',
      period: '2026-10',
      count: 5,
      previousCount: 2,
      threshold: 3,
      refs: ['HKI-2610-0001'],
    },
    progress: {},
    notes: [],
    createdAt: hk('2026-11-01T08:00:00'),
    createdBy: 'system',
    updatedAt: hk('2026-11-02T10:00:00'),
    updatedBy: 'customer-service.kowloon-east',
    approvedAt: hk('2026-11-02T10:00:00'),
    approvedBy: 'customer-service.kowloon-east',
    version: 2,
  };
}

/** Thresholds that make the hand-made set draft items: a category in an area, a building, two units. */
export const FIXTURE_THRESHOLDS = { category: 3, categoryShare: 0.3, location: 3, unit: 2 };
