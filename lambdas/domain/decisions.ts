import * as z from 'zod';
import { CATEGORY_IDS, DEPARTMENT_IDS } from '#config/catalogue.ts';
import { STEPS, type StepId, type WorkflowSettings } from '#config/workflow.ts';
import { type ComplaintRecord, OwnerEmail, OwnerPhone, type Signature } from './complaint.ts';
import { CALL_LIMITS, FIELD_LIMITS, PROGRESS_LIMITS } from './fields.ts';
import { lazily } from './lazy.ts';
import { withUpdate } from './progress.ts';
import type { WorkflowFailure } from './tasks.ts';
import { textString } from './text.ts';
import { suggestionOutcome } from './triage/model.ts';

/**
 * What each human step's completion carries (`POST /api/tasks/{id}/complete`), validated per
 * step, and what it changes: the record's Form 17 fields, the audit line, and the decision
 * the state machine's Choice states read.
 */
const text = (what: string, max = 5000) =>
  textString({ error: `Write ${what}` })
    .trim()
    .min(1, `Write ${what}`)
    .max(max, `Keep ${what} under ${max} characters`);
const optionalText = (max = 5000) =>
  textString().trim().max(max, `Keep it under ${max} characters`).optional();
const instant = (what: string) =>
  z.iso.datetime({ offset: true, error: `Give ${what} as a date and time, e.g. 2026-12-01T10:00:00+08:00` });
const actionOf = <const T extends readonly [string, ...string[]]>(actions: T) =>
  z.enum(actions, { error: `Choose an action: ${actions.join(' or ')}` });

/** What customer service may do with a step that failed after its retries. */
export const WORKFLOW_ERROR_ACTIONS = ['retry', 'skip', 'close-by-error'] as const;

const resolveOrEscalate = lazily(() =>
  z.discriminatedUnion(
    'action',
    [
      z.object({
        action: z.literal('resolve'),
        note: text('what was done'),
        plannedCompletion: instant('the new committed completion').optional(),
      }),
      z.object({ action: z.literal('escalate'), note: text('why it goes up') }),
    ],
    { error: 'Choose an action: resolve or escalate' },
  ),
);

export const DECISION_SCHEMAS = lazily(
  () =>
    ({
      transcribeFax: z.object({
        content: text('what the fax says', FIELD_LIMITS.content),
        /** Who sent it, as the pages say: a gateway's fax comes with no owner details. */
        owner: z
          .object({
            name: textString().trim().min(1, 'Write the owner’s name').max(FIELD_LIMITS.ownerName).optional(),
            phone: OwnerPhone.optional(),
            email: OwnerEmail.optional(),
          })
          .optional(),
        building: optionalText(FIELD_LIMITS.building),
        unit: optionalText(FIELD_LIMITS.unit),
      }),
      clarify: z.object({ clarifiedPurpose: text('the owner’s clarified request') }),
      acknowledgeCall: z.object({
        reached: z.boolean({ error: 'Say whether the owner was reached (true or false)' }),
        note: optionalText(),
      }),
      supervisorReview: z.discriminatedUnion(
        'action',
        [
          z.object({
            action: z.literal('sign'),
            opinion: text('the handling opinion'),
            category: z.enum(CATEGORY_IDS, { error: `Choose a category: ${CATEGORY_IDS.join(', ')}` }),
            department: z.enum(DEPARTMENT_IDS, {
              error: `Choose a department: ${DEPARTMENT_IDS.join(', ')}`,
            }),
          }),
          z.object({ action: z.literal('reject'), reason: text('why this is not a complaint') }),
        ],
        { error: 'Choose an action: sign or reject' },
      ),
      departmentCommitment: z
        .object({ plannedStart: instant('the start'), plannedCompletion: instant('the completion') })
        .refine((d) => Date.parse(d.plannedCompletion) > Date.parse(d.plannedStart), {
          message: 'The completion must come after the start',
          path: ['plannedCompletion'],
        }),
      ownerPlanResponse: z.object({
        action: actionOf(['accept', 'object'] as const),
        comments: optionalText(),
      }),
      workInProgress: z.discriminatedUnion(
        'action',
        [
          z.object({
            action: z.literal('done'),
            completedAt: instant('the completion').optional(),
            note: optionalText(),
          }),
          z.object({ action: z.literal('obstacle'), obstacle: text('what blocks the work') }),
        ],
        { error: 'Choose an action: done or obstacle' },
      ),
      // One line for the owner's progress notice (domain/progress.ts).
      progressUpdate: z.object({
        update: text('a line on the progress for the owner', PROGRESS_LIMITS.update),
      }),
      obstacleCoordination: resolveOrEscalate,
      satisfactionCallback: z.object({
        rating: z.enum(['satisfied', 'basically-satisfied', 'dissatisfied'] as const, {
          error: 'Choose satisfied, basically-satisfied or dissatisfied',
        }),
        comments: optionalText(),
        via: z.enum(['phone', 'email', 'owner-page', 'visit'] as const).optional(),
      }),
      dissatisfactionReview: z.object({
        action: actionOf(['reopen', 'close'] as const),
        note: text('a note'),
      }),
      supervisorSignOff: z.object({ note: optionalText() }),
      filing: z.object({ location: optionalText(200) }),
      escalationSupervisor: resolveOrEscalate,
      escalationCustomerService: resolveOrEscalate,
      escalationManager: z.discriminatedUnion(
        'action',
        [
          z.object({
            action: z.literal('resolve'),
            note: text('what was decided'),
            plannedCompletion: instant('the new committed completion').optional(),
          }),
          z.object({ action: z.literal('close'), note: text('why the complaint closes') }),
        ],
        { error: 'Choose an action: resolve or close' },
      ),
      // A step failed after its retries (statemachine/generate.ts): run it again, go on without it,
      // or end the complaint. Skipping and closing leave the procedure's path, so they say why.
      resolveWorkflowError: z.discriminatedUnion(
        'action',
        [
          z.object({ action: z.literal('retry'), note: optionalText() }),
          z.object({ action: z.literal('skip'), reason: text('why the step is skipped') }),
          z.object({
            action: z.literal('close-by-error'),
            reason: text('why the complaint is closed by error'),
          }),
        ],
        { error: `Choose an action: ${WORKFLOW_ERROR_ACTIONS.join(', ')}` },
      ),
    }) satisfies Record<StepId, z.ZodType>,
);

export type Decision<S extends StepId> = z.infer<(typeof DECISION_SCHEMAS)[S]>;

export interface DecisionEffect {
  /** Top-level record attributes to set. */
  readonly fields: Partial<ComplaintRecord>;
  /** Audit action and details (the actor is added by the caller). */
  readonly audit: { action: string; details: Record<string, unknown> };
  /** What the state machine's Choice states read at `$.step.decision`. */
  readonly decision: { action?: string; rating?: string; limitReached?: boolean };
  /** Field problems that need the record to see (e.g. a completion in the past). */
  readonly errors: { field: string; message: string }[];
}

export interface DecisionContext {
  readonly record: ComplaintRecord;
  readonly actor: Signature;
  readonly now: Date;
  readonly settings: WorkflowSettings;
  /** The late step the ladder is handling, for escalation tasks. */
  readonly lateStep?: string;
  /** The step that failed, for *Resolve workflow error* tasks. */
  readonly failure?: WorkflowFailure;
}

/**
 * The outcome of a step that asks for a phone call (config/procedure-names.ts CALL_STEPS) when
 * the owner could not be reached: sent to `POST /api/tasks/{id}/complete` once the configured
 * number of calls went unanswered (domain/calls.ts). It is the step's own "no answer": the
 * satisfaction call-back records the rating *no answer*, as when its window runs out; the plan
 * goes ahead as when the owner lets the window pass; clarifying and acknowledging move on with
 * what the record already says.
 */
export const UNREACHED = 'unreached';
export const UnreachedDecision = lazily(() =>
  z.object({
    outcome: z.literal(UNREACHED, { error: `Send outcome "${UNREACHED}"` }),
    note: optionalText(CALL_LIMITS.notes),
  }),
);
/** As recorded: with the unanswered calls counted when it was accepted. */
export type UnreachedOutcome = z.infer<typeof UnreachedDecision> & { readonly unansweredCalls?: number };

/** Whether a decision's body asks for the unreached outcome (and so is read with UnreachedDecision). */
export function isUnreached(input: unknown): boolean {
  return (
    typeof input === 'object' && input !== null && (input as { outcome?: unknown }).outcome === UNREACHED
  );
}

function unreachedEffect(step: StepId, d: UnreachedOutcome, ctx: DecisionContext): DecisionEffect {
  const details = {
    step,
    ...(d.unansweredCalls !== undefined ? { unansweredCalls: d.unansweredCalls } : {}),
    ...(d.note ? { note: d.note } : {}),
  };
  if (step === 'satisfactionCallback') {
    // The call-back's "no answer": the rating, signature and audit action its window's end writes.
    return {
      fields: {
        satisfaction: { ...ctx.actor, rating: 'no-answer', ...(d.note ? { comments: d.note } : {}) },
      },
      audit: { action: 'satisfaction-no-answer', details },
      decision: { rating: 'no-answer' },
      errors: [],
    };
  }
  return {
    fields: {},
    audit: { action: 'owner-not-reached', details },
    decision: { action: UNREACHED },
    errors: [],
  };
}

/** The 400 answer's message when work is reported done before its committed start without a note. */
export const EARLY_DONE_NEEDS_NOTE = 'Say why the work was done before its committed start';

const future = (at: string, now: Date, field: string) =>
  Date.parse(at) > now.getTime() ? [] : [{ field, message: 'Give a time in the future' }];

/** Applies a validated decision; `input` must have passed DECISION_SCHEMAS[step]. */
export function applyDecision(step: StepId, input: unknown, ctx: DecisionContext): DecisionEffect {
  const { record, actor, now, settings } = ctx;
  const at = actor.at;
  const none = { fields: {}, decision: {}, errors: [] };
  if (isUnreached(input)) return unreachedEffect(step, input as UnreachedOutcome, ctx);
  switch (step) {
    case 'transcribeFax': {
      const d = input as Decision<'transcribeFax'>;
      const owner = d.owner
        ? {
            ...record.owner,
            ...(d.owner.name ? { name: d.owner.name } : {}),
            ...(d.owner.phone ? { phone: d.owner.phone } : {}),
            ...(d.owner.email ? { email: d.owner.email.toLowerCase() } : {}),
          }
        : undefined;
      return {
        ...none,
        fields: {
          content: d.content,
          ...(owner ? { owner } : {}),
          ...(d.building ? { building: d.building } : {}),
          ...(d.unit ? { unit: d.unit } : {}),
        },
        // The words and the owner's details are on the record; the audit says what was done.
        audit: {
          action: 'fax-transcribed',
          details: { characters: d.content.length, ownerDetails: Object.keys(d.owner ?? {}) },
        },
      };
    }
    case 'clarify': {
      const d = input as Decision<'clarify'>;
      return {
        ...none,
        fields: { clarifiedPurpose: d.clarifiedPurpose },
        audit: { action: 'complaint-clarified', details: d },
      };
    }
    case 'acknowledgeCall': {
      const d = input as Decision<'acknowledgeCall'>;
      return { ...none, audit: { action: 'owner-acknowledged-by-phone', details: d } };
    }
    case 'supervisorReview': {
      const d = input as Decision<'supervisorReview'>;
      if (d.action === 'reject') {
        return {
          ...none,
          fields: { rejection: { ...actor, reason: d.reason }, outcome: 'rejected' },
          audit: { action: 'complaint-rejected', details: { reason: d.reason } },
          decision: { action: 'reject' },
        };
      }
      // Whether the supervisor took the suggested category and department (domain/triage).
      const outcome = record.suggestion ? suggestionOutcome(record.suggestion, d) : undefined;
      return {
        ...none,
        fields: {
          supervisorReview: { ...actor, opinion: d.opinion },
          category: d.category,
          department: d.department,
          ...(record.suggestion && outcome ? { suggestion: { ...record.suggestion, outcome } } : {}),
        },
        audit: {
          action: 'supervisor-signed',
          details: {
            opinion: d.opinion,
            category: d.category,
            department: d.department,
            ...(outcome ? { suggestion: outcome } : {}),
          },
        },
        decision: { action: 'sign' },
      };
    }
    case 'departmentCommitment': {
      const d = input as Decision<'departmentCommitment'>;
      return {
        ...none,
        fields: {
          commitment: { ...actor, plannedStart: d.plannedStart, plannedCompletion: d.plannedCompletion },
        },
        audit: { action: 'department-committed', details: d },
        errors: future(d.plannedCompletion, now, 'plannedCompletion'),
      };
    }
    case 'ownerPlanResponse': {
      const d = input as Decision<'ownerPlanResponse'>;
      if (d.action === 'accept') {
        return {
          ...none,
          audit: { action: 'owner-accepted-plan', details: d },
          decision: { action: 'accept' },
        };
      }
      const objectionCount = record.objectionCount + 1;
      return {
        ...none,
        fields: { objectionCount },
        audit: { action: 'owner-objected', details: { ...d, objectionCount } },
        decision: { action: 'object', limitReached: objectionCount > settings.maxObjections },
      };
    }
    case 'workInProgress': {
      const d = input as Decision<'workInProgress'>;
      if (d.action === 'obstacle') {
        return {
          ...none,
          audit: { action: 'obstacle-reported', details: d },
          decision: { action: 'obstacle' },
        };
      }
      const completedAt = d.completedAt ?? at;
      // Work done before the department's own committed start contradicts its commitment: the
      // record must say why (Form 17's follow-up records are what a later review reads).
      const beforeStart =
        record.commitment !== undefined &&
        Date.parse(completedAt) < Date.parse(record.commitment.plannedStart) &&
        !d.note;
      return {
        ...none,
        fields: { actualCompletion: completedAt },
        audit: { action: 'work-done', details: { completedAt, note: d.note } },
        decision: { action: 'done' },
        errors: [
          ...(Date.parse(completedAt) > now.getTime()
            ? [{ field: 'completedAt', message: 'The work cannot be done in the future' }]
            : []),
          ...(beforeStart ? [{ field: 'note', message: EARLY_DONE_NEEDS_NOTE }] : []),
        ],
      };
    }
    case 'progressUpdate': {
      const d = input as Decision<'progressUpdate'>;
      return {
        ...none,
        fields: { progress: withUpdate(record.progress, { ...actor, text: d.update }) },
        audit: { action: 'progress-updated', details: { update: d.update } },
      };
    }
    case 'obstacleCoordination':
    case 'escalationSupervisor':
    case 'escalationCustomerService':
    case 'escalationManager': {
      const d = input as Decision<'escalationManager'> | Decision<'escalationSupervisor'>;
      const level =
        step === 'obstacleCoordination' ? 'supervisor' : step.replace('escalation', '').toLowerCase();
      if (d.action === 'resolve') {
        const needsDate = step === 'obstacleCoordination' || ctx.lateStep === 'workInProgress';
        const errors =
          needsDate && !d.plannedCompletion
            ? [{ field: 'plannedCompletion', message: 'Give the new committed completion for the work' }]
            : d.plannedCompletion
              ? future(d.plannedCompletion, now, 'plannedCompletion')
              : [];
        const commitment =
          d.plannedCompletion && record.commitment
            ? { commitment: { ...record.commitment, plannedCompletion: d.plannedCompletion } }
            : d.plannedCompletion
              ? { commitment: { ...actor, plannedStart: at, plannedCompletion: d.plannedCompletion } }
              : {};
        return {
          fields: commitment,
          audit: {
            action: step === 'obstacleCoordination' ? 'obstacle-cleared' : 'escalation-resolved',
            details: { level, lateStep: ctx.lateStep, ...d },
          },
          decision: { action: 'resolve' },
          errors,
        };
      }
      if (d.action === 'close') {
        return {
          ...none,
          fields: { outcome: 'closed-by-manager' },
          audit: { action: 'closed-by-manager', details: { note: d.note, lateStep: ctx.lateStep } },
          decision: { action: 'close' },
        };
      }
      // escalationCount grows with the completion's facts (record-facts.ts), once per answer.
      return {
        ...none,
        // To whom (Form 17's escalation record says): the level above, in the complaint's area.
        audit: {
          action: 'escalated',
          details: {
            from: level,
            to: STEPS[step].lateGoesTo,
            area: record.area,
            note: d.note,
            lateStep: ctx.lateStep,
          },
        },
        decision: { action: 'escalate' },
      };
    }
    case 'satisfactionCallback': {
      const d = input as Decision<'satisfactionCallback'>;
      return {
        ...none,
        fields: {
          satisfaction: { ...actor, rating: d.rating, ...(d.comments ? { comments: d.comments } : {}) },
        },
        audit: { action: 'satisfaction-recorded', details: d },
        decision: { rating: d.rating },
      };
    }
    case 'dissatisfactionReview': {
      const d = input as Decision<'dissatisfactionReview'>;
      if (d.action === 'close') {
        return {
          ...none,
          audit: { action: 'dissatisfaction-closed', details: d },
          decision: { action: 'close' },
        };
      }
      const reopenCount = record.reopenCount + 1;
      return {
        ...none,
        fields: { reopenCount },
        audit: { action: 'complaint-reopened', details: { ...d, reopenCount } },
        decision: { action: 'reopen', limitReached: reopenCount > settings.maxReopens },
      };
    }
    case 'supervisorSignOff': {
      const d = input as Decision<'supervisorSignOff'>;
      return {
        ...none,
        fields: { closingSignature: { ...actor, ...(d.note ? { note: d.note } : {}) } },
        audit: { action: 'supervisor-countersigned', details: d },
      };
    }
    case 'resolveWorkflowError': {
      const d = input as Decision<'resolveWorkflowError'>;
      // Which state failed, and with what: the audit line says it with the decision.
      const failed = {
        failedState: ctx.failure?.state,
        ...(ctx.failure?.step ? { failedStep: ctx.failure.step } : {}),
        ...(ctx.failure?.error?.Error ? { error: ctx.failure.error.Error } : {}),
      };
      if (d.action === 'retry') {
        return {
          ...none,
          audit: {
            action: 'workflow-step-retried',
            details: { ...failed, ...(d.note ? { note: d.note } : {}) },
          },
          decision: { action: 'retry' },
        };
      }
      if (d.action === 'skip') {
        return {
          ...none,
          audit: { action: 'workflow-step-skipped', details: { ...failed, reason: d.reason } },
          decision: { action: 'skip' },
        };
      }
      // Filed like any closed complaint (the workflow archives it next): never deleted.
      return {
        ...none,
        fields: {
          outcome: 'closed-by-error',
          closedByError: {
            ...actor,
            reason: d.reason,
            ...(ctx.failure?.state ? { failedState: ctx.failure.state } : {}),
          },
        },
        audit: { action: 'closed-by-error', details: { ...failed, reason: d.reason } },
        decision: { action: 'close-by-error' },
      };
    }
    case 'filing': {
      const d = input as Decision<'filing'>;
      return {
        ...none,
        fields: { filed: { ...actor, ...(d.location ? { location: d.location } : {}) } },
        audit: { action: 'record-filed-by-clerk', details: d },
      };
    }
  }
}
