import * as z from 'zod';
import {
  CALL_RESULTS,
  type CallResult,
  type CallStep,
  callStepRule,
  STEP_NAMES,
} from '#config/procedure-names.ts';
import type { StepId } from '#config/workflow.ts';
import { type AuditEvent, actorOf, CALL_ACTION } from './audit.ts';
import { DECISION_SCHEMAS, isUnreached } from './decisions.ts';
import { ValidationError } from './errors.ts';
import { CALL_LIMITS, PHONE_PATTERN } from './fields.ts';
import { lazily } from './lazy.ts';
import { textString } from './text.ts';

/**
 * The call log of the procedure's phone calls (致電業主: clarify, acknowledge, tell the plan to
 * an owner without email, the satisfaction call-back). Each attempt is a line of the complaint's
 * audit trail, numbered on its task; the call that reaches the owner carries the step's
 * decision, and the step completes from it. Pure: the API's service (services/call-log.ts) and
 * the complaint page's answer read the same rules.
 */

export { CALL_ACTION };

/** One call to the owner, as its line on the timeline keeps it. */
export interface CallAttempt {
  readonly taskId: string;
  readonly step: string;
  /** 1, 2, 3 … on its task: numbered atomically, so two people logging at once get two numbers. */
  readonly attempt: number;
  /** When the number was dialled, as staff gave it (company time, with its offset). */
  readonly calledAt: string;
  readonly number: string;
  readonly result: CallResult;
  /** What was said. */
  readonly notes?: string;
  readonly by: string;
  /** The caller's display name then. */
  readonly byName?: string;
  readonly role: string;
  /** When it was logged (the line's time). */
  readonly loggedAt: string;
}

/**
 * Whether a step asks for a phone call to this owner, and if not, why (the API's 400): telling
 * the plan is a call only to an owner without an email address (the others were emailed it).
 */
export function callAsked(
  step: string,
  owner: { readonly email?: string | undefined },
): { asked: true } | { asked: false; why: string } {
  const when = callStepRule(step);
  const name = STEP_NAMES[step as StepId]?.en ?? step;
  if (!when) return { asked: false, why: `The step “${name}” asks for no phone call` };
  if (when === 'without-email' && owner.email) {
    return {
      asked: false,
      why: `The plan was emailed to the owner, who answers through its link: “${name}” asks for no phone call`,
    };
  }
  return { asked: true };
}

/** What `POST /api/tasks/{id}/calls` takes. `decision`: with a reached call, the step's decision. */
export const CallInput = lazily(() =>
  z.object({
    calledAt: z.iso
      .datetime({
        offset: true,
        error: 'Give when the call was made as a date and time, e.g. 2026-12-01T10:00:00+08:00',
      })
      .optional(),
    number: z
      .string({ error: 'Enter the number dialled' })
      .trim()
      .regex(PHONE_PATTERN, 'Enter the number dialled: a phone number of 7–20 digits, e.g. +852 2345 6789'),
    result: z.enum(CALL_RESULTS, { error: `Choose the result: ${CALL_RESULTS.join(', ')}` }),
    notes: textString({ error: 'Write the notes as text' })
      .trim()
      .max(CALL_LIMITS.notes, `Keep the notes under ${CALL_LIMITS.notes} characters`)
      .optional(),
    decision: z.record(z.string(), z.unknown(), { error: 'Send the decision as an object' }).optional(),
  }),
);
export type CallInput = z.infer<typeof CallInput>;

/** The messages of the checks that need the task and the clock (the web app maps them to its own). */
export const CALL_MESSAGES = {
  future: 'The call cannot be later than now',
  beforeTask: 'The call must be after the task opened',
  decisionUnreached: 'Only a call that reached the owner carries the step’s decision',
} as const;

/**
 * The decision a reached call carries, per step, as its fields are sent in `decision`: the
 * clarified request; nothing more for the acknowledgement (the call is it); the owner's answer
 * to the plan; the satisfaction rating (given on the phone, so `via` is the call's).
 */
const CALL_DECISIONS: Record<CallStep, z.ZodType> = lazily(() => ({
  clarify: DECISION_SCHEMAS.clarify,
  acknowledgeCall: z.object({}),
  ownerPlanResponse: DECISION_SCHEMAS.ownerPlanResponse,
  satisfactionCallback: DECISION_SCHEMAS.satisfactionCallback.omit({ via: true }),
}));

/** The step's completion (its DECISION_SCHEMAS input) from a reached call and its decision. */
function completionOf(step: CallStep, decision: Record<string, unknown>, notes: string | undefined) {
  switch (step) {
    case 'acknowledgeCall':
      return { reached: true, ...(notes ? { note: notes } : {}) };
    case 'satisfactionCallback':
      return { ...decision, via: 'phone' };
    default:
      return decision;
  }
}

export interface ReadCall {
  readonly calledAt: string;
  readonly number: string;
  readonly result: CallResult;
  readonly notes?: string;
  /** A reached call's completion of its step (the step's DECISION_SCHEMAS input). */
  readonly completion?: unknown;
}

/**
 * A call as the API takes it, checked against its task and the clock: made after the task
 * opened (to the minute: staff type minutes) and not later than now, and a reached call with
 * its step's decision (field errors under `decision.`). Throws ValidationError with every
 * problem; the step must ask for a call (callAsked).
 */
export function readCall(
  step: string,
  input: CallInput,
  task: { readonly createdAt: string },
  now: Date,
): ReadCall {
  const errors: { field: string; message: string }[] = [];
  const calledAt = input.calledAt ?? now.toISOString();
  const at = Date.parse(calledAt);
  if (at > now.getTime() + CALL_LIMITS.clockSkewMinutes * 60_000) {
    errors.push({ field: 'calledAt', message: CALL_MESSAGES.future });
  } else if (at < Date.parse(task.createdAt) - 60_000) {
    errors.push({ field: 'calledAt', message: CALL_MESSAGES.beforeTask });
  }
  let completion: unknown;
  if (input.result === 'reached') {
    const parsed = CALL_DECISIONS[step as CallStep].safeParse(input.decision ?? {});
    if (parsed.success) {
      completion = completionOf(step as CallStep, parsed.data as Record<string, unknown>, input.notes);
    } else {
      for (const issue of parsed.error.issues) {
        errors.push({ field: ['decision', ...issue.path].join('.'), message: issue.message });
      }
    }
  } else if (input.decision && Object.keys(input.decision).length) {
    errors.push({ field: 'decision', message: CALL_MESSAGES.decisionUnreached });
  }
  if (errors.length) throw new ValidationError(errors);
  return {
    calledAt,
    number: input.number,
    result: input.result,
    ...(input.notes ? { notes: input.notes } : {}),
    ...(completion !== undefined ? { completion } : {}),
  };
}

/** The timeline line of a call (the attempt's number comes from its task's atomic counter). */
export function callEvent(
  ref: string,
  task: { readonly id: string; readonly step: string },
  call: ReadCall,
  attempt: number,
  actor: { readonly by: string; readonly role: string; readonly at: string; readonly name?: string },
): AuditEvent {
  return {
    ref,
    at: actor.at,
    ...actorOf(actor),
    action: CALL_ACTION,
    details: {
      taskId: task.id,
      step: task.step,
      attempt,
      calledAt: call.calledAt,
      number: call.number,
      result: call.result,
      ...(call.notes ? { notes: call.notes } : {}),
    },
  };
}

/** The calls of a complaint's timeline (of one task, given its id), in the order they were logged. */
export function callsOf(events: readonly AuditEvent[], taskId?: string): CallAttempt[] {
  const calls = events
    .filter((event) => event.action === CALL_ACTION && (!taskId || event.details?.taskId === taskId))
    .map((event) => {
      const d = event.details ?? {};
      return {
        taskId: String(d.taskId),
        step: String(d.step),
        attempt: Number(d.attempt),
        calledAt: String(d.calledAt),
        number: String(d.number),
        result: d.result as CallResult,
        ...(typeof d.notes === 'string' ? { notes: d.notes } : {}),
        by: event.actor,
        ...(event.actorName ? { byName: event.actorName } : {}),
        role: event.role,
        loggedAt: event.at,
      };
    });
  // A task's calls in their numbers' order (numbered atomically: calls logged at once may be
  // written in another order); tasks in the order their first call was logged.
  const firstLogged = new Map<string, string>();
  for (const call of calls) {
    const first = firstLogged.get(call.taskId);
    if (!first || call.loggedAt < first) firstLogged.set(call.taskId, call.loggedAt);
  }
  return calls.sort(
    (a, b) =>
      (firstLogged.get(a.taskId) ?? '').localeCompare(firstLogged.get(b.taskId) ?? '') ||
      a.taskId.localeCompare(b.taskId) ||
      a.attempt - b.attempt,
  );
}

/** Calls that did not reach the owner (no answer, wrong number). */
export function unanswered(calls: readonly CallAttempt[]): number {
  return calls.filter((call) => call.result !== 'reached').length;
}

/**
 * Why a task may not take the unreached outcome yet: fewer unanswered calls than configured.
 * The count only grows (calls are never removed), so a check that passes stays true.
 */
export function unreachedTooSoon(calls: readonly CallAttempt[], needed: number): string | undefined {
  const count = unanswered(calls);
  if (count >= needed) return undefined;
  return `The owner counts as unreached after ${needed} unanswered calls; ${count} ${count === 1 ? 'is' : 'are'} logged on this task`;
}

/**
 * Why a completion of a call step sent straight to `POST /api/tasks/{id}/complete` is refused:
 * the acknowledgement by phone is its call, and a rating given on the phone comes with its
 * call; both are logged through `POST /api/tasks/{id}/calls`. (Clarifying, the plan and the
 * satisfaction call-back may also be answered another way: in person, by email, on the owner's
 * page.)
 */
export function directCompletionProblem(
  step: string,
  body: unknown,
): { field: string; message: string } | undefined {
  if (isUnreached(body)) return undefined;
  if (step === 'acknowledgeCall') {
    return {
      field: 'reached',
      message:
        'A call that reaches the owner completes this step: log it with POST /api/tasks/{id}/calls, or after the unanswered calls send outcome "unreached"',
    };
  }
  if (step === 'satisfactionCallback' && (body as { via?: unknown } | null)?.via === 'phone') {
    return {
      field: 'via',
      message: 'A rating given on the phone is logged with its call: POST /api/tasks/{id}/calls',
    };
  }
  return undefined;
}
