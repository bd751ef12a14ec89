import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ENDED_ERROR,
  type LadderLevel,
  PAUSABLE_STEPS,
  PAUSED_ERROR,
  RESCHEDULED_ERROR,
  STEPS,
  type StepId,
} from '#config/workflow.ts';

/**
 * Writes statemachine/complaint.asl.json — the complaint procedure as a Step Functions
 * state machine (JSONPath) — from the steps table in config/workflow.ts, so the ASL, the task
 * API and the deadlines agree on every step's id, role and escalation. Run with
 * `npm run generate:asl`; a test fails when the committed file is out of date.
 *
 * Data in the execution: `ref`, `area`, `flags`; `$.step` is the last task's output and
 * always carries `due` (seconds from now to each step's deadline, in business time), which
 * the next human step reads through TimeoutSecondsPath; `$.late` names a late step while the
 * escalation ladder handles it; `$.failure` names a state that failed after its retries (its
 * name, its human step, the error) while customer service resolves it (withErrorResolution).
 * Complaint details live in DynamoDB, not in the execution.
 */

type State = Record<string, unknown>;

const LAMBDA_RETRY = [
  {
    ErrorEquals: [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
      'Lambda.Unknown',
    ],
    IntervalSeconds: 2,
    MaxAttempts: 6,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
  {
    // Throttling or a transient error of DynamoDB, S3 or SES inside a handler, once the SDK's own
    // three attempts are spent: the function's error type is the service's error code. Every
    // handler is idempotent, so trying again is safe; the waits grow to five minutes (up to a
    // quarter of an hour in all), so a short outage is absorbed before the complaint's workflow
    // fails (then: docs/operations.md, Recovery).
    ErrorEquals: [
      // DynamoDB
      'ProvisionedThroughputExceededException',
      'ThrottlingException',
      'RequestLimitExceeded',
      'InternalServerError',
      // S3
      'SlowDown',
      'InternalError',
      'ServiceUnavailable',
      // SES
      'Throttling',
      'InternalFailure',
      // The SDK: no answer in time
      'TimeoutError',
      'RequestTimeout',
    ],
    IntervalSeconds: 5,
    MaxAttempts: 8,
    BackoffRate: 2,
    MaxDelaySeconds: 300,
    JitterStrategy: 'FULL',
  },
];

/**
 * Every Task's last Catch. `withErrorResolution` then points each at a Pass state of its own
 * (`<state> failed`) that names the failed state, so customer service's *Resolve workflow
 * error* task can run that state again or go on to the one after it.
 */
const RECORD_ERROR = 'Record workflow error';
const RESOLVE_ERROR = STEPS.resolveWorkflowError.state;
const CATCH_ALL = { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: RECORD_ERROR };

/** Where a complaint withdrawn or referred (lambdas/domain/ending.ts) goes from its waiting step. */
const RECORD_ENDING = 'Record ending';
/** Where a step whose clock is paused (lambdas/domain/pause.ts) goes from its waiting task. */
const RECORD_PAUSE = 'Record pause';

const LEVEL_STATE: Record<LadderLevel, string> = {
  supervisor: STEPS.escalationSupervisor.state,
  'customer-service': STEPS.escalationCustomerService.state,
  manager: STEPS.escalationManager.state,
};

/** A step of the procedure done by a person: a task stored with its token, answered by the staff API. */
function humanStep(
  step: StepId,
  next: string,
  onTimeout: string,
  extraPayload: Record<string, unknown> = {},
  catchAll: Record<string, unknown> = CATCH_ALL,
  /** When the task times out, if not at its deadline (work in progress: `workWake`). */
  timeoutPath = `$.step.due.${step}`,
): State {
  const spec = STEPS[step];
  return {
    Type: 'Task',
    Comment: `Procedure step ${spec.procedureStep}: ${spec.name.en} (${spec.role}).`,
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: {
      FunctionName: '${CreateTaskFunctionArn}',
      Payload: {
        'taskToken.$': '$$.Task.Token',
        'ref.$': '$.ref',
        'area.$': '$.area',
        step,
        role: spec.role,
        'timeoutSeconds.$': `$.step.due.${step}`,
        // The whole table: its `from` dates the deadline (domain/deadlines.ts). A table without
        // one still resolves, where `$.step.due.from` would fail the state.
        'due.$': '$.step.due',
        ...extraPayload,
      },
    },
    TimeoutSecondsPath: timeoutPath,
    ResultPath: '$.step',
    Retry: LAMBDA_RETRY,
    Catch: [
      // Withdrawn or referred while this step waited (or before it opened): straight to the
      // closing note and filing. Filing itself is never ended: the record is filed as it is.
      ...(step === 'filing'
        ? []
        : [{ ErrorEquals: [ENDED_ERROR], ResultPath: '$.ending', Next: RECORD_ENDING }]),
      // Its clock paused (lambdas/domain/pause.ts): the workflow waits in a paused task instead.
      ...((PAUSABLE_STEPS as readonly StepId[]).includes(step)
        ? [{ ErrorEquals: [PAUSED_ERROR], ResultPath: '$.pausing', Next: RECORD_PAUSE }]
        : []),
      // Its progress notices turned on again (lambdas/domain/progress.ts): it wakes anew.
      ...(step === 'workInProgress'
        ? [{ ErrorEquals: [RESCHEDULED_ERROR], ResultPath: '$.failure', Next: onTimeout }]
        : []),
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.failure', Next: onTimeout },
      catchAll,
    ],
    Next: next,
  };
}

/** A step the workflow does itself, through a Lambda that returns the next deadlines. */
function lambdaStep(
  comment: string,
  functionPlaceholder: string,
  payload: Record<string, unknown>,
  next: string,
): State {
  return {
    Type: 'Task',
    Comment: comment,
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: {
      FunctionName: `\${${functionPlaceholder}}`,
      Payload: { 'ref.$': '$.ref', 'area.$': '$.area', ...payload },
    },
    ResultSelector: { 'due.$': '$.Payload.due' },
    ResultPath: '$.step',
    Retry: LAMBDA_RETRY,
    Catch: [CATCH_ALL],
    Next: next,
  };
}

/** Marks which step is late and which ladder level takes it, then records the lateness. */
function overdue(step: StepId, level: LadderLevel): State {
  return {
    Type: 'Pass',
    Comment: `${STEPS[step].state} missed its deadline: ${level} takes it.`,
    Parameters: { step, level, overdue: step },
    ResultPath: '$.late',
    Next: 'Record overdue',
  };
}

/** A ladder level that is itself late hands the same late step up one level. */
function levelOverdue(levelStep: StepId, next: LadderLevel, then = 'Record overdue'): State {
  return {
    Type: 'Pass',
    Comment: `${STEPS[levelStep].state} missed its deadline: ${next} takes it.`,
    Parameters: { 'step.$': '$.late.step', level: next, overdue: levelStep },
    ResultPath: '$.late',
    Next: then,
  };
}

/** Moves a complaint onto the ladder for a reason other than a missed deadline. */
function sendUp(comment: string, step: StepId, level: LadderLevel, reason: string): State {
  return {
    Type: 'Pass',
    Comment: comment,
    Parameters: { step, level, reason },
    ResultPath: '$.late',
    Next: 'Record escalation',
  };
}

const decision = (value: string, next: string) => ({
  Variable: '$.step.decision.action',
  StringEquals: value,
  Next: next,
});

export function buildDefinition() {
  const S = STEPS;
  const states: Record<string, State> = {
    'Needs clarification?': {
      Type: 'Choice',
      Comment:
        'Procedure step 1 (read and clarify): a fax whose words are only on its pages is transcribed by reception first; a complaint intake marked unclear is clarified with the owner. Executions started before the transcription flag existed lack it, hence IsPresent.',
      Choices: [
        {
          And: [
            { Variable: '$.flags.needsTranscription', IsPresent: true },
            { Variable: '$.flags.needsTranscription', BooleanEquals: true },
          ],
          Next: S.transcribeFax.state,
        },
        { Variable: '$.flags.needsClarification', BooleanEquals: true, Next: S.clarify.state },
      ],
      Default: 'How to acknowledge?',
    },
    [S.transcribeFax.state]: humanStep('transcribeFax', 'How to acknowledge?', 'Transcribe fax overdue'),
    'Transcribe fax overdue': overdue('transcribeFax', 'supervisor'),
    [S.clarify.state]: humanStep('clarify', 'How to acknowledge?', 'Clarify complaint overdue'),
    'Clarify complaint overdue': overdue('clarify', 'supervisor'),
    'How to acknowledge?': {
      Type: 'Choice',
      Comment:
        'Procedure step 2: by email when the owner gave one, by phone when only a phone number is known; skipped when reception already apologised in person or on the phone.',
      Choices: [
        { Variable: '$.flags.acknowledge', StringEquals: 'email', Next: 'Acknowledge owner' },
        { Variable: '$.flags.acknowledge', StringEquals: 'call', Next: S.acknowledgeCall.state },
      ],
      Default: S.supervisorReview.state,
    },
    'Acknowledge owner': lambdaStep(
      'Procedure step 2: bilingual acknowledgement with the reference number.',
      'NotifyOwnerFunctionArn',
      { kind: 'acknowledgement' },
      S.supervisorReview.state,
    ),
    [S.acknowledgeCall.state]: humanStep(
      'acknowledgeCall',
      S.supervisorReview.state,
      'Acknowledge call overdue',
    ),
    'Acknowledge call overdue': overdue('acknowledgeCall', 'supervisor'),

    [S.supervisorReview.state]: humanStep('supervisorReview', 'Review decision', 'Supervisor review overdue'),
    'Supervisor review overdue': overdue('supervisorReview', 'customer-service'),
    'Review decision': {
      Type: 'Choice',
      Comment:
        'Signed with an opinion, category and department; or rejected as not a complaint (still filed).',
      Choices: [decision('reject', 'Send closing note')],
      Default: 'Issue work order',
    },
    'Issue work order': lambdaStep(
      'Procedure step 4: a numbered work order to the responsible department.',
      'IssueWorkOrderFunctionArn',
      {},
      S.departmentCommitment.state,
    ),
    [S.departmentCommitment.state]: humanStep(
      'departmentCommitment',
      'Tell owner the plan',
      'Department commitment overdue',
    ),
    'Department commitment overdue': overdue('departmentCommitment', 'supervisor'),
    'Tell owner the plan': lambdaStep(
      'Procedure step 5: the handling opinion and committed completion, with a link to object.',
      'NotifyOwnerFunctionArn',
      { kind: 'plan' },
      S.ownerPlanResponse.state,
    ),
    // The window running out without an objection is the owner's consent, not a lateness.
    [S.ownerPlanResponse.state]: humanStep('ownerPlanResponse', 'Owner objected?', 'Start work'),
    'Owner objected?': {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.step.decision.action', StringEquals: 'object' },
            { Variable: '$.step.decision.limitReached', BooleanEquals: true },
          ],
          Next: 'Objections exhausted',
        },
        decision('object', S.supervisorReview.state),
      ],
      Default: 'Start work',
    },
    'Objections exhausted': sendUp(
      'The owner objected more often than allowed: the manager decides.',
      'workInProgress',
      'manager',
      'objection-limit',
    ),
    'Start work': lambdaStep(
      'Procedure step 6: the deadline is the committed completion time.',
      'RecordWorkflowEventFunctionArn',
      { action: 'work-started' },
      S.workInProgress.state,
    ),
    // Its task shows the committed completion as its deadline, but times out at the next
    // progress notice when that comes first (domain/progress.ts): *Work woke* tells which.
    [S.workInProgress.state]: humanStep(
      'workInProgress',
      'Work outcome',
      'Work woke',
      {},
      CATCH_ALL,
      '$.step.due.workWake',
    ),
    'Work woke': {
      Type: 'Task',
      Comment:
        'Work in progress timed out: its committed completion passed (the ladder), or a progress notice is due (the department is asked for a line).',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: '${RecordWorkflowEventFunctionArn}',
        Payload: { 'ref.$': '$.ref', 'area.$': '$.area', action: 'work-woke' },
      },
      ResultSelector: { 'due.$': '$.Payload.due', 'next.$': '$.Payload.next' },
      ResultPath: '$.step',
      Retry: LAMBDA_RETRY,
      Catch: [CATCH_ALL],
      Next: 'Progress due?',
    },
    'Progress due?': {
      Type: 'Choice',
      Choices: [
        { Variable: '$.step.next', StringEquals: 'progress', Next: S.progressUpdate.state },
        { Variable: '$.step.next', StringEquals: 'work', Next: S.workInProgress.state },
      ],
      Default: 'Work overdue',
    },
    'Work overdue': overdue('workInProgress', 'supervisor'),
    // Issue 17 §3: the department's line, then the owner's notice, then the work again. Its
    // running out is no lateness: the notice says what was reported last, and the supervisor
    // is told (services/owner-notices.ts).
    [S.progressUpdate.state]: humanStep('progressUpdate', 'Send progress notice', 'Send progress notice'),
    'Send progress notice': lambdaStep(
      'Issue 17 §3: the owner is told how the work is going, with what the department last reported.',
      'NotifyOwnerFunctionArn',
      { kind: 'progress' },
      'Continue work',
    ),
    'Continue work': lambdaStep(
      'The notice is counted and the next one planned; the work task opens again, due at the committed completion.',
      'RecordWorkflowEventFunctionArn',
      { action: 'progress-sent' },
      S.workInProgress.state,
    ),
    'Work outcome': {
      Type: 'Choice',
      Choices: [decision('obstacle', S.obstacleCoordination.state)],
      Default: 'Ask owner satisfaction',
    },
    [S.obstacleCoordination.state]: humanStep(
      'obstacleCoordination',
      'Obstacle cleared?',
      'Obstacle coordination overdue',
    ),
    'Obstacle coordination overdue': overdue('obstacleCoordination', 'customer-service'),
    'Obstacle cleared?': {
      Type: 'Choice',
      Choices: [decision('resolve', 'Start work')],
      Default: 'Obstacle escalated',
    },
    'Obstacle escalated': sendUp(
      'The supervisor could not clear the obstacle: customer service takes it.',
      'workInProgress',
      'customer-service',
      'obstacle',
    ),

    'Ask owner satisfaction': lambdaStep(
      'Procedure step 8: the owner is asked for satisfied / basically satisfied / dissatisfied.',
      'NotifyOwnerFunctionArn',
      { kind: 'satisfaction-request' },
      S.satisfactionCallback.state,
    ),
    [S.satisfactionCallback.state]: humanStep('satisfactionCallback', 'Owner satisfied?', 'Record no answer'),
    'Record no answer': lambdaStep(
      'No answer from the owner within the window is recorded as such.',
      'RecordWorkflowEventFunctionArn',
      { action: 'satisfaction-no-answer' },
      S.supervisorSignOff.state,
    ),
    'Owner satisfied?': {
      Type: 'Choice',
      Choices: [
        {
          Variable: '$.step.decision.rating',
          StringEquals: 'dissatisfied',
          Next: S.dissatisfactionReview.state,
        },
      ],
      Default: S.supervisorSignOff.state,
    },
    [S.dissatisfactionReview.state]: humanStep(
      'dissatisfactionReview',
      'Reopen?',
      'Dissatisfaction review overdue',
    ),
    'Dissatisfaction review overdue': overdue('dissatisfactionReview', 'customer-service'),
    'Reopen?': {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.step.decision.action', StringEquals: 'reopen' },
            { Variable: '$.step.decision.limitReached', BooleanEquals: true },
          ],
          Next: 'Reopens exhausted',
        },
        decision('reopen', 'Issue work order'),
      ],
      Default: S.supervisorSignOff.state,
    },
    'Reopens exhausted': sendUp(
      'Reopened more often than allowed: the manager decides.',
      'workInProgress',
      'manager',
      'reopen-limit',
    ),

    [S.supervisorSignOff.state]: humanStep(
      'supervisorSignOff',
      'Send closing note',
      'Supervisor sign-off overdue',
    ),
    'Supervisor sign-off overdue': overdue('supervisorSignOff', 'customer-service'),
    // ---- Issue 17 §2: a step's clock paused, and resumed with the business time it had left --
    [RECORD_PAUSE]: {
      Type: 'Task',
      Comment:
        'The step waits on someone the company cannot hurry: the pause is recorded, with the seconds to its resume date, for the paused task.',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: '${RecordWorkflowEventFunctionArn}',
        Payload: { 'ref.$': '$.ref', 'area.$': '$.area', action: 'step-paused' },
      },
      ResultSelector: {
        'step.$': '$.Payload.pause.step',
        'role.$': '$.Payload.pause.role',
        'seconds.$': '$.Payload.pause.seconds',
        'due.$': '$.Payload.pause.due',
      },
      ResultPath: '$.pause',
      Retry: LAMBDA_RETRY,
      Catch: [CATCH_ALL],
      Next: 'Tell owner of the pause',
    },
    'Tell owner of the pause': lambdaStep(
      'The owner is told why the work waits, and until when.',
      'NotifyOwnerFunctionArn',
      { kind: 'pause' },
      'Paused',
    ),
    Paused: {
      Type: 'Task',
      Comment:
        'The paused step, as a task of its own (no polling): it times out at the resume date, or is answered by Resume now.',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: '${CreateTaskFunctionArn}',
        Payload: {
          'taskToken.$': '$$.Task.Token',
          'ref.$': '$.ref',
          'area.$': '$.area',
          'step.$': '$.pause.step',
          'role.$': '$.pause.role',
          'timeoutSeconds.$': '$.pause.seconds',
          'due.$': '$.pause.due',
          paused: true,
        },
      },
      TimeoutSecondsPath: '$.pause.seconds',
      ResultPath: '$.step',
      Retry: LAMBDA_RETRY,
      Catch: [
        { ErrorEquals: [ENDED_ERROR], ResultPath: '$.ending', Next: RECORD_ENDING },
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.failure', Next: 'Resume work' },
        CATCH_ALL,
      ],
      Next: 'Resume work',
    },
    'Resume work': {
      Type: 'Task',
      Comment: 'The pause ended: recorded, and the step is due again in the business time it had left.',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: '${RecordWorkflowEventFunctionArn}',
        Payload: { 'ref.$': '$.ref', 'area.$': '$.area', action: 'step-resumed' },
      },
      ResultSelector: { 'due.$': '$.Payload.due' },
      ResultPath: '$.step',
      Retry: LAMBDA_RETRY,
      Catch: [CATCH_ALL],
      Next: 'Back to paused step',
    },
    'Back to paused step': {
      Type: 'Choice',
      Choices: [
        {
          Variable: '$.pause.step',
          StringEquals: 'departmentCommitment',
          Next: S.departmentCommitment.state,
        },
        {
          Variable: '$.pause.step',
          StringEquals: 'obstacleCoordination',
          Next: S.obstacleCoordination.state,
        },
      ],
      Default: S.workInProgress.state,
    },

    [RECORD_ENDING]: lambdaStep(
      'The owner withdrew the complaint, or the supervisor referred it: its outcome is recorded, and it goes to the closing note (which tells the owner why) and filing.',
      'RecordWorkflowEventFunctionArn',
      { action: 'complaint-ended' },
      'Send closing note',
    ),
    'Send closing note': lambdaStep(
      'The owner is told the complaint is closed (or why it is not handled as a complaint).',
      'NotifyOwnerFunctionArn',
      { kind: 'closing' },
      S.filing.state,
    ),
    [S.filing.state]: humanStep('filing', 'Archive record', 'Filing overdue'),
    'Filing overdue': overdue('filing', 'supervisor'),
    'Archive record': {
      Type: 'Task',
      Comment: 'Procedure step 9: status closed, filed by the clerk. Nothing is deleted.',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: '${FileRecordFunctionArn}', Payload: { 'ref.$': '$.ref' } },
      ResultSelector: { 'filed.$': '$.Payload' },
      ResultPath: '$.filing',
      Retry: LAMBDA_RETRY,
      Catch: [CATCH_ALL],
      Next: 'Complaint closed',
    },
    'Complaint closed': { Type: 'Succeed' },

    // ---- Procedure step 7: the escalation ladder ----------------------------------------
    'Record overdue': lambdaStep(
      'Writes the lateness to the audit trail, closes the late task and computes the ladder deadline.',
      'RecordWorkflowEventFunctionArn',
      { action: 'step-overdue', 'late.$': '$.late' },
      'Which level?',
    ),
    'Record escalation': lambdaStep(
      'Writes the escalation to the audit trail and computes the ladder deadline.',
      'RecordWorkflowEventFunctionArn',
      { action: 'escalated', 'late.$': '$.late' },
      'Which level?',
    ),
    'Which level?': {
      Type: 'Choice',
      Choices: [
        { Variable: '$.late.level', StringEquals: 'supervisor', Next: LEVEL_STATE.supervisor },
        { Variable: '$.late.level', StringEquals: 'customer-service', Next: LEVEL_STATE['customer-service'] },
      ],
      Default: LEVEL_STATE.manager,
    },
    [S.escalationSupervisor.state]: humanStep(
      'escalationSupervisor',
      'Supervisor resolved?',
      'Supervisor escalation overdue',
      { 'late.$': '$.late' },
    ),
    'Supervisor escalation overdue': levelOverdue('escalationSupervisor', 'customer-service'),
    'Supervisor resolved?': {
      Type: 'Choice',
      Choices: [decision('resolve', 'Back to late step')],
      Default: 'Supervisor escalates',
    },
    'Supervisor escalates': {
      Type: 'Pass',
      Parameters: { 'step.$': '$.late.step', level: 'customer-service', reason: 'escalated' },
      ResultPath: '$.late',
      Next: LEVEL_STATE['customer-service'],
    },
    [S.escalationCustomerService.state]: humanStep(
      'escalationCustomerService',
      'Customer service resolved?',
      'Customer service escalation overdue',
      { 'late.$': '$.late' },
    ),
    'Customer service escalation overdue': levelOverdue('escalationCustomerService', 'manager'),
    'Customer service resolved?': {
      Type: 'Choice',
      Choices: [decision('resolve', 'Back to late step')],
      Default: 'Customer service escalates',
    },
    'Customer service escalates': {
      Type: 'Pass',
      Parameters: { 'step.$': '$.late.step', level: 'manager', reason: 'escalated' },
      ResultPath: '$.late',
      Next: LEVEL_STATE.manager,
    },
    // The manager level keeps reminding until the manager acts: each timeout opens a fresh
    // task (and email), never a failure.
    [S.escalationManager.state]: humanStep(
      'escalationManager',
      'Manager decision',
      'Manager escalation overdue',
      {
        'late.$': '$.late',
      },
    ),
    'Manager escalation overdue': levelOverdue('escalationManager', 'manager', 'Remind manager'),
    'Remind manager': lambdaStep(
      'The manager has not acted: recorded, and the task is opened again as a reminder.',
      'RecordWorkflowEventFunctionArn',
      { action: 'manager-reminded', 'late.$': '$.late' },
      LEVEL_STATE.manager,
    ),
    'Manager decision': {
      Type: 'Choice',
      Choices: [decision('close', S.supervisorSignOff.state)],
      Default: 'Back to late step',
    },
    'Back to late step': {
      Type: 'Choice',
      Comment: 'A level resolved it: the complaint goes back to the step that was late, with a new deadline.',
      Choices: [
        { Variable: '$.late.step', StringEquals: 'transcribeFax', Next: S.transcribeFax.state },
        { Variable: '$.late.step', StringEquals: 'clarify', Next: 'How to acknowledge?' },
        { Variable: '$.late.step', StringEquals: 'acknowledgeCall', Next: S.supervisorReview.state },
        { Variable: '$.late.step', StringEquals: 'supervisorReview', Next: S.supervisorReview.state },
        { Variable: '$.late.step', StringEquals: 'departmentCommitment', Next: S.departmentCommitment.state },
        {
          Variable: '$.late.step',
          StringEquals: 'dissatisfactionReview',
          Next: S.dissatisfactionReview.state,
        },
        { Variable: '$.late.step', StringEquals: 'supervisorSignOff', Next: S.supervisorSignOff.state },
        { Variable: '$.late.step', StringEquals: 'filing', Next: S.filing.state },
        { Variable: '$.late.step', StringEquals: 'resolveWorkflowError', Next: RESOLVE_ERROR },
      ],
      Default: 'Start work',
    },

    [RECORD_ERROR]: {
      Type: 'Task',
      Comment:
        'A step failed after its retries: the error goes on the audit trail (staff see it on the timeline), with fresh deadlines for the task that resolves it.',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: '${RecordWorkflowEventFunctionArn}',
        Payload: { 'ref.$': '$.ref', 'area.$': '$.area', action: 'workflow-error', 'failure.$': '$.failure' },
      },
      ResultSelector: { 'due.$': '$.Payload.due' },
      ResultPath: '$.step',
      Retry: LAMBDA_RETRY,
      // Not recorded is no reason to leave the procedure: the task opens all the same.
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.recordFailure', Next: RESOLVE_ERROR }],
      Next: RESOLVE_ERROR,
    },
    [RESOLVE_ERROR]: humanStep(
      'resolveWorkflowError',
      'Workflow error decision',
      'Workflow error overdue',
      { 'failure.$': '$.failure' },
      // The one dead end left: not even the task that resolves an error could be opened.
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Workflow failed' },
    ),
    'Workflow error overdue': overdue('resolveWorkflowError', 'manager'),
    'Workflow failed': {
      Type: 'Fail',
      Error: 'WorkflowError',
      Cause:
        "A step failed after its retries and its Resolve workflow error task could not be opened; see the complaint's audit trail.",
    },
  };
  return {
    Comment:
      'One Standard execution per complaint, named by its reference: the property-management complaint procedure (docs: PROCEDURE.md). Generated by statemachine/generate.ts from config/workflow.ts.',
    StartAt: 'Needs clarification?',
    States: withErrorResolution(states),
  };
}

/** The human step a Task state opens, if it is one. */
function stepOfState(name: string): StepId | undefined {
  return (Object.keys(STEPS) as StepId[]).find((id) => STEPS[id].state === name);
}

/**
 * No failed dead end (issue 17): each Task whose last Catch leads to `Record workflow error`
 * goes there through a Pass state of its own that records which state failed (and its human
 * step) with the error at `$.failure`; the *Resolve workflow error* task carries it to customer
 * service, whose decision a Choice routes back to that state (retry), on to the state after it
 * (skip), or to filing (close by error). Choice rules name their targets statically, hence one
 * pair of rules per Task.
 */
function withErrorResolution(states: Record<string, State>): Record<string, State> {
  const out: Record<string, State> = {};
  const retry: Record<string, unknown>[] = [];
  const skip: Record<string, unknown>[] = [];
  for (const [name, state] of Object.entries(states)) {
    const catches = state.Catch as { Next: string }[] | undefined;
    const last = catches?.at(-1);
    if (state.Type !== 'Task' || last?.Next !== RECORD_ERROR) {
      out[name] = state;
      continue;
    }
    const failed = `${name} failed`;
    out[name] = { ...state, Catch: [...(catches ?? []).slice(0, -1), { ...last, Next: failed }] };
    const step = stepOfState(name);
    out[failed] = {
      Type: 'Pass',
      Comment: `${name} failed after its retries: customer service decides what happens next.`,
      Parameters: { state: name, ...(step ? { step } : {}), 'error.$': '$.failure' },
      ResultPath: '$.failure',
      Next: RECORD_ERROR,
    };
    const isState = { Variable: '$.failure.state', StringEquals: name };
    retry.push({ And: [{ Variable: '$.step.decision.action', StringEquals: 'retry' }, isState], Next: name });
    skip.push({
      And: [{ Variable: '$.step.decision.action', StringEquals: 'skip' }, isState],
      Next: String(state.Next),
    });
  }
  out['Workflow error decision'] = {
    Type: 'Choice',
    Comment:
      'Customer service resolved a failed step: run it again, go on to the state after it, or end the complaint as closed by error (filed, never deleted).',
    Choices: [
      ...retry,
      ...skip,
      { Variable: '$.step.decision.action', StringEquals: 'close-by-error', Next: 'Archive record' },
    ],
    // A failure of a state not listed (none): the task opens again rather than end the workflow.
    Default: RESOLVE_ERROR,
  };
  return out;
}

export const ASL_PATH = join(import.meta.dirname, 'complaint.asl.json');

export function renderDefinition(): string {
  return `${JSON.stringify(buildDefinition(), null, 2)}\n`;
}

if (import.meta.main) {
  writeFileSync(ASL_PATH, renderDefinition());
  console.log(`Wrote ${ASL_PATH}`);
}
