import type { Names } from './catalogue.ts';
import { STEP_IDS, STEP_NAMES, type StepId } from './procedure-names.ts';
import type { StaffRole } from './roles.ts';

/**
 * The human steps of the procedure (PROCEDURE.md): who does each, how long it may take in
 * business time, and where it goes when it is late. The state machine generator
 * (statemachine/generate.ts), the task API and the deadline computation all read this table.
 */
export type LadderLevel = 'supervisor' | 'customer-service' | 'manager';

export interface StepSpec {
  /** camelCase: used in JSONPath (`$.step.due.<id>`) and stored on tasks. */
  readonly id: StepId;
  /** The ASL state name (sentence case). */
  readonly state: string;
  readonly role: StaffRole;
  readonly procedureStep: number;
  /** What staff see the step called (the app, the report, task emails). */
  readonly name: Names;
  /** Working minutes allowed; `work-in-progress` runs to the committed completion instead. */
  readonly businessMinutes: number;
  /** Where a missed deadline goes; `undefined`: running out is an answer, not a lateness. */
  readonly lateGoesTo?: LadderLevel;
  /**
   * Email the role's mailbox when the task opens. Off for routine steps whose people already
   * have the news (the department got the work order; sign-off and filing wait in the inbox);
   * escalations and reminders are always emailed.
   */
  readonly emailOnOpen: boolean;
}

export { STEP_IDS, type StepId } from './procedure-names.ts';

/** One working day of 09:00-18:00, in minutes. */
export const WORKING_DAY_MINUTES = 9 * 60;
const DAY = WORKING_DAY_MINUTES;

export const STEPS: Record<StepId, StepSpec> = {
  transcribeFax: {
    id: 'transcribeFax',
    emailOnOpen: true,
    state: 'Transcribe fax',
    role: 'reception',
    procedureStep: 1,
    name: STEP_NAMES.transcribeFax,
    businessMinutes: 4 * 60,
    lateGoesTo: 'supervisor',
  },
  clarify: {
    id: 'clarify',
    emailOnOpen: true,
    state: 'Clarify complaint',
    role: 'reception',
    procedureStep: 1,
    name: STEP_NAMES.clarify,
    businessMinutes: 4 * 60,
    lateGoesTo: 'supervisor',
  },
  acknowledgeCall: {
    id: 'acknowledgeCall',
    emailOnOpen: true,
    state: 'Acknowledge owner by phone',
    role: 'reception',
    procedureStep: 2,
    name: STEP_NAMES.acknowledgeCall,
    businessMinutes: 4 * 60,
    lateGoesTo: 'supervisor',
  },
  supervisorReview: {
    id: 'supervisorReview',
    emailOnOpen: true,
    state: 'Supervisor review',
    role: 'supervisor',
    procedureStep: 3,
    name: STEP_NAMES.supervisorReview,
    businessMinutes: DAY,
    lateGoesTo: 'customer-service',
  },
  departmentCommitment: {
    id: 'departmentCommitment',
    emailOnOpen: false,
    state: 'Department commitment',
    role: 'department',
    procedureStep: 4,
    name: STEP_NAMES.departmentCommitment,
    businessMinutes: DAY,
    lateGoesTo: 'supervisor',
  },
  ownerPlanResponse: {
    id: 'ownerPlanResponse',
    emailOnOpen: false,
    state: 'Owner response to plan',
    role: 'followup',
    procedureStep: 5,
    name: STEP_NAMES.ownerPlanResponse,
    businessMinutes: 2 * DAY,
  },
  workInProgress: {
    id: 'workInProgress',
    emailOnOpen: false,
    state: 'Work in progress',
    role: 'department',
    procedureStep: 6,
    name: STEP_NAMES.workInProgress,
    businessMinutes: 3 * DAY,
    lateGoesTo: 'supervisor',
  },
  // Work in progress ran the configured interval (progressNotices): the department writes one
  // line for the owner's progress notice. Running out is not late: the notice goes with what
  // it last reported, and the supervisor is told (services/owner-notices.ts).
  progressUpdate: {
    id: 'progressUpdate',
    emailOnOpen: true,
    state: 'Progress update',
    role: 'department',
    procedureStep: 6,
    name: STEP_NAMES.progressUpdate,
    businessMinutes: DAY,
  },
  obstacleCoordination: {
    id: 'obstacleCoordination',
    emailOnOpen: true,
    state: 'Coordinate obstacle',
    role: 'supervisor',
    procedureStep: 6,
    name: STEP_NAMES.obstacleCoordination,
    businessMinutes: DAY,
    lateGoesTo: 'customer-service',
  },
  satisfactionCallback: {
    id: 'satisfactionCallback',
    emailOnOpen: true,
    state: 'Satisfaction call-back',
    role: 'followup',
    procedureStep: 8,
    name: STEP_NAMES.satisfactionCallback,
    businessMinutes: 3 * DAY,
  },
  dissatisfactionReview: {
    id: 'dissatisfactionReview',
    emailOnOpen: true,
    state: 'Review dissatisfaction',
    role: 'supervisor',
    procedureStep: 8,
    name: STEP_NAMES.dissatisfactionReview,
    businessMinutes: DAY,
    lateGoesTo: 'customer-service',
  },
  supervisorSignOff: {
    id: 'supervisorSignOff',
    emailOnOpen: false,
    state: 'Supervisor sign-off',
    role: 'supervisor',
    procedureStep: 9,
    name: STEP_NAMES.supervisorSignOff,
    businessMinutes: DAY,
    lateGoesTo: 'customer-service',
  },
  filing: {
    id: 'filing',
    emailOnOpen: false,
    state: 'File record',
    role: 'clerk',
    procedureStep: 9,
    name: STEP_NAMES.filing,
    businessMinutes: 2 * DAY,
    lateGoesTo: 'supervisor',
  },
  escalationSupervisor: {
    id: 'escalationSupervisor',
    emailOnOpen: true,
    state: 'Escalate to supervisor',
    role: 'supervisor',
    procedureStep: 7,
    name: STEP_NAMES.escalationSupervisor,
    businessMinutes: DAY,
    lateGoesTo: 'customer-service',
  },
  escalationCustomerService: {
    id: 'escalationCustomerService',
    emailOnOpen: true,
    state: 'Escalate to customer service',
    role: 'customer-service',
    procedureStep: 7,
    name: STEP_NAMES.escalationCustomerService,
    businessMinutes: DAY,
    lateGoesTo: 'manager',
  },
  escalationManager: {
    id: 'escalationManager',
    emailOnOpen: true,
    state: 'Escalate to manager',
    role: 'manager',
    procedureStep: 7,
    name: STEP_NAMES.escalationManager,
    businessMinutes: DAY,
    lateGoesTo: 'manager',
  },
  // A step of the workflow failed after its retries (statemachine/generate.ts): customer
  // service of the complaint's area decides to retry it, skip it or close the complaint by
  // error. Left alone, the manager is told (the ladder) and it comes back here.
  resolveWorkflowError: {
    id: 'resolveWorkflowError',
    emailOnOpen: true,
    state: 'Resolve workflow error',
    role: 'customer-service',
    procedureStep: 7,
    name: STEP_NAMES.resolveWorkflowError,
    businessMinutes: 4 * 60,
    lateGoesTo: 'manager',
  },
};

export { OUTCOMES, type Outcome } from './procedure-names.ts';

/**
 * The metric create-task emits when a *Resolve workflow error* task opens: the alarm
 * WorkflowErrorToResolve watches it (lib/constructs/alarms.ts).
 */
export const WORKFLOW_ERROR_METRIC = 'WorkflowErrorTasksOpened';

/**
 * The error a waiting task fails with when its complaint is withdrawn or referred
 * (lambdas/domain/ending.ts): every human step but filing catches it and goes to *Record ending*.
 */
export const ENDED_ERROR = 'Complaint.Ended';

/** Where nothing is left to end early: the closing note is out, or the clerk files it. */
export const PAST_ENDING_STEPS: readonly string[] = ['closing', 'filing', 'filed'];

/**
 * The error a waiting task fails with when its step's clock is paused (lambdas/domain/pause.ts):
 * the pausable steps catch it and wait, in a task of the same step marked paused, until the
 * resume date or until someone resumes it; the step then opens again with the business time it
 * had left.
 */
export const PAUSED_ERROR = 'Complaint.Paused';

/**
 * The error the waiting work-in-progress task fails with when the supervisor turns its progress
 * notices on again (services/progress-notices.ts): *Work woke* opens it again, waking at the
 * next notice.
 */
export const RESCHEDULED_ERROR = 'Complaint.Rescheduled';

/** Steps whose clock may be paused: the department's, and the supervisor's coordination of an obstacle. */
export const PAUSABLE_STEPS = ['departmentCommitment', 'workInProgress', 'obstacleCoordination'] as const;
export type PausableStep = (typeof PAUSABLE_STEPS)[number];

export interface WorkflowSettings {
  /** Working minutes per step (defaults in STEPS). */
  readonly businessMinutes: Record<StepId, number>;
  /** Owner objections to the plan before the manager decides. */
  readonly maxObjections: number;
  /** Reopens after a dissatisfied owner before the manager decides. */
  readonly maxReopens: number;
  /** How long an owner's link stays usable, in days. */
  readonly ownerLinkDays: number;
  /**
   * Unanswered calls (no answer, wrong number) after which a step that asks for a phone call
   * (procedure-names.ts CALL_STEPS) may record the owner as unreached, its "no answer".
   */
  readonly callAttempts: number;
  /** When a complaint is flagged a repeat or part of a cluster (lambdas/domain/related.ts). */
  readonly related: RelatedThresholds;
  /**
   * Whole years a closed complaint's record, mail and attachments are kept after it was filed
   * (received, and the record filed) before its owners' personal data is erased
   * (lambdas/domain/retention.ts). The PMSA code of practice asks for at least three.
   */
  readonly retentionYears: number;
  /** The owner's progress notices while work is in progress (lambdas/domain/progress.ts). */
  readonly progressNotices: ProgressNoticeSettings;
}

/**
 * Issue 17 §3: while work is in progress longer than this, the owner is told of its progress
 * every `everyBusinessDays` working days (the department is asked for a line first). 0 turns
 * them off; a category may have its own interval. The supervisor may turn them off for one
 * complaint, with a reason.
 */
export interface ProgressNoticeSettings {
  /** @default 5 */
  readonly everyBusinessDays: number;
  /** Category id → working days (0: none for that category). */
  readonly byCategory: Readonly<Record<string, number>>;
}

export const DEFAULT_PROGRESS_NOTICES: ProgressNoticeSettings = { everyBusinessDays: 5, byCategory: {} };

/** [minimum, maximum] working days between progress notices (0: off). */
export const PROGRESS_INTERVAL_LIMITS: readonly [number, number] = [0, 60];

/** [minimum, maximum] of `retentionYears`. */
export const RETENTION_YEARS_LIMITS: readonly [number, number] = [1, 100];

/**
 * Repeat and related complaints of a register unit (issue 16 §4): what the supervisor's review,
 * Form 17 and the periodic report flag.
 */
export interface RelatedThresholds {
  /** A repeat: the same unit complained about the same category within this many days. @default 90 */
  readonly repeatDays: number;
  /** A cluster: at least this many units of one building, same category... @default 3 */
  readonly clusterUnits: number;
  /** ...within this many days. @default 14 */
  readonly clusterDays: number;
  /** How far back the review lists a unit's earlier complaints and open related ones. @default 365 */
  readonly historyDays: number;
}

export const DEFAULT_RELATED_THRESHOLDS: RelatedThresholds = {
  repeatDays: 90,
  clusterUnits: 3,
  clusterDays: 14,
  historyDays: 365,
};

/** [minimum, maximum] of each related threshold (whole numbers). */
export const RELATED_THRESHOLD_LIMITS: Readonly<Record<keyof RelatedThresholds, readonly [number, number]>> =
  {
    repeatDays: [1, 3650],
    clusterUnits: [2, 1000],
    clusterDays: [1, 365],
    historyDays: [1, 3650],
  };

/** The most `callAttempts` may be: the calls one task takes (domain/fields.ts CALL_LIMITS.perTask). */
export const MAX_CALL_ATTEMPTS = 20;

export const DEFAULT_WORKFLOW_SETTINGS: WorkflowSettings = {
  businessMinutes: Object.fromEntries(STEP_IDS.map((id) => [id, STEPS[id].businessMinutes])) as Record<
    StepId,
    number
  >,
  maxObjections: 2,
  maxReopens: 2,
  ownerLinkDays: 14,
  callAttempts: 3,
  related: DEFAULT_RELATED_THRESHOLDS,
  retentionYears: 3,
  progressNotices: DEFAULT_PROGRESS_NOTICES,
};

/**
 * Settings from the `WORKFLOW_SETTINGS` variable (JSON, any subset of WorkflowSettings),
 * over the defaults. A wrong value stops the function at cold start with a message naming it.
 */
export function workflowSettingsFrom(json: string | undefined): WorkflowSettings {
  if (!json) return DEFAULT_WORKFLOW_SETTINGS;
  const given = JSON.parse(json) as Partial<WorkflowSettings>;
  const settings: WorkflowSettings = {
    ...DEFAULT_WORKFLOW_SETTINGS,
    ...given,
    businessMinutes: { ...DEFAULT_WORKFLOW_SETTINGS.businessMinutes, ...given.businessMinutes },
    related: { ...DEFAULT_RELATED_THRESHOLDS, ...given.related },
    progressNotices: {
      ...DEFAULT_PROGRESS_NOTICES,
      ...given.progressNotices,
      byCategory: { ...given.progressNotices?.byCategory },
    },
  };
  const [fewestDays, mostDays] = PROGRESS_INTERVAL_LIMITS;
  const intervals = [
    ['progressNotices.everyBusinessDays', settings.progressNotices.everyBusinessDays] as const,
    ...Object.entries(settings.progressNotices.byCategory).map(
      ([category, days]) => [`progressNotices.byCategory.${category}`, days] as const,
    ),
  ];
  for (const [name, days] of intervals) {
    if (!Number.isInteger(days) || days < fewestDays || days > mostDays) {
      throw new Error(
        `WORKFLOW_SETTINGS: ${name} must be a whole number of working days from ${fewestDays} (off) to ${mostDays}`,
      );
    }
  }
  for (const [key, value] of Object.entries(settings.related)) {
    const limits = RELATED_THRESHOLD_LIMITS[key as keyof RelatedThresholds];
    if (!limits) {
      throw new Error(
        `WORKFLOW_SETTINGS: related.${key} is not a threshold (${Object.keys(RELATED_THRESHOLD_LIMITS).join(', ')})`,
      );
    }
    if (!Number.isInteger(value) || value < limits[0] || value > limits[1]) {
      throw new Error(
        `WORKFLOW_SETTINGS: related.${key} must be a whole number from ${limits[0]} to ${limits[1]}`,
      );
    }
  }
  for (const [step, minutes] of Object.entries(settings.businessMinutes)) {
    if (!(STEP_IDS as readonly string[]).includes(step))
      throw new Error(`WORKFLOW_SETTINGS: unknown step '${step}'`);
    if (!Number.isInteger(minutes) || minutes < 1) {
      throw new Error(`WORKFLOW_SETTINGS: businessMinutes.${step} must be a whole number of minutes ≥ 1`);
    }
  }
  for (const key of ['maxObjections', 'maxReopens', 'ownerLinkDays'] as const) {
    if (!Number.isInteger(settings[key]) || settings[key] < 0) {
      throw new Error(`WORKFLOW_SETTINGS: ${key} must be a whole number ≥ 0`);
    }
  }
  const years = settings.retentionYears;
  const [fewestYears, mostYears] = RETENTION_YEARS_LIMITS;
  if (!Number.isInteger(years) || years < fewestYears || years > mostYears) {
    throw new Error(
      `WORKFLOW_SETTINGS: retentionYears must be a whole number of years from ${fewestYears} to ${mostYears}`,
    );
  }
  const calls = settings.callAttempts;
  if (!Number.isInteger(calls) || calls < 1 || calls > MAX_CALL_ATTEMPTS) {
    throw new Error(`WORKFLOW_SETTINGS: callAttempts must be a whole number from 1 to ${MAX_CALL_ATTEMPTS}`);
  }
  return settings;
}
