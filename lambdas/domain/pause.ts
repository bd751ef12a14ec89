import * as z from 'zod';
import { PAUSE_REASONS } from '#config/procedure-names.ts';
import {
  PAUSABLE_STEPS,
  type PausableStep,
  WORKING_DAY_MINUTES,
  type WorkflowSettings,
} from '#config/workflow.ts';
import type { BusinessCalendar } from './business-calendar.ts';
import type { ComplaintRecord, Signature, StepPause } from './complaint.ts';
import { PAUSE_LIMITS } from './fields.ts';
import type { StoredTask } from './tasks.ts';
import { textString } from './text.ts';

/**
 * Pausing a step's clock (issue 17 §2): the work waits on the owner (access to the flat, the
 * owner abroad), a supplier's part, or a utility or government department, and nobody in the
 * company can hurry it. The step's owner (its department, or the area's supervisor) pauses it
 * with a reason and a resume date, or until an event; the owner is told why and until when; the
 * step's deadline stops, and its escalation with it; it resumes at the date (or when someone
 * resumes it) with the business time it had left.
 *
 * In the state machine (statemachine/generate.ts) nothing polls and no token changes meaning:
 * the waiting task fails with `Complaint.Paused`, which each pausable step catches. The
 * workflow records the pause, tells the owner, and waits in a task of the same step marked
 * paused, whose timeout is the resume date; that task's answer (*Resume now*) or timeout
 * resumes it, and the step opens again, with a new token, due in the business minutes it had
 * left when it paused.
 */

export const PausableStepId = z.enum(PAUSABLE_STEPS);

export const PauseInput = z
  .object({
    reason: z.enum(PAUSE_REASONS, `Choose why the step waits: ${PAUSE_REASONS.join(', ')}`),
    note: textString()
      .trim()
      .max(PAUSE_LIMITS.note, `Keep the note under ${PAUSE_LIMITS.note} characters`)
      .optional(),
    /** The resume date and time; left out: until an event (the note says which). */
    until: z.iso.datetime({ offset: true, error: 'Give the resume date as an ISO date-time' }).optional(),
  })
  .superRefine((input, context) => {
    if (input.reason === 'other' && !input.note) {
      context.addIssue({ code: 'custom', path: ['note'], message: 'Say what the step waits for' });
    }
    if (!input.until && !input.note) {
      context.addIssue({
        code: 'custom',
        path: ['note'],
        message: 'Without a resume date, say which event it waits for',
      });
    }
  });
export type PauseInput = z.infer<typeof PauseInput>;

export function isPausable(step: string): step is PausableStep {
  return (PAUSABLE_STEPS as readonly string[]).includes(step);
}

/** Why this task cannot be paused now (undefined: it can). */
export function pauseProblem(
  task: Pick<StoredTask, 'step' | 'status' | 'paused'>,
  record: Pick<ComplaintRecord, 'ref' | 'status' | 'pause' | 'ending' | 'pauses'>,
  input: PauseInput,
  now: Date,
): { field?: string; message: string } | undefined {
  if (!isPausable(task.step)) {
    return { message: 'Only the department’s commitment and work, or an obstacle, can be paused' };
  }
  if (task.status !== 'open') return { message: 'The task is no longer open' };
  if (task.paused || record.pause) return { message: `Complaint ${record.ref} is paused already` };
  if (record.status !== 'open' || record.ending) return { message: `Complaint ${record.ref} is closing` };
  if ((record.pauses?.length ?? 0) >= PAUSE_LIMITS.perComplaint) {
    return {
      message: `Complaint ${record.ref} was paused ${PAUSE_LIMITS.perComplaint} times, the most one record keeps: ask head office to decide it`,
    };
  }
  if (input.until) {
    const until = Date.parse(input.until);
    if (until <= now.getTime()) return { field: 'until', message: 'Give a resume date in the future' };
    if (until > now.getTime() + PAUSE_LIMITS.maxDays * 86_400_000) {
      return { field: 'until', message: `A step pauses for at most ${PAUSE_LIMITS.maxDays} days` };
    }
  }
  return undefined;
}

/**
 * Whether a pause waits for the supervisor's approval (issue 17 §2): a department's pause longer
 * than `pauseApprovalDays` working days, or until an event. The supervisor's own, or head
 * office's (customer service, the manager), needs none. While it waits the step's clock keeps
 * the business time it had left at the request: refused, the step opens again due in that.
 */
export function needsApproval(
  input: Pick<PauseInput, 'until'>,
  role: string,
  now: Date,
  calendar: BusinessCalendar,
  settings: Pick<WorkflowSettings, 'pauseApprovalDays'>,
): boolean {
  if (role !== 'department') return false;
  if (!input.until) return true;
  const limit = settings.pauseApprovalDays * WORKING_DAY_MINUTES;
  return calendar.businessMinutesBetween(now, new Date(input.until)) > limit;
}

/** The pause as the record keeps it: the business minutes the task's deadline had left. */
export function pauseOf(
  task: Pick<StoredTask, 'step' | 'dueAt'>,
  input: PauseInput,
  calendar: BusinessCalendar,
  signature: Signature,
  approval = false,
): StepPause {
  const at = new Date(signature.at);
  const due = new Date(task.dueAt);
  // To the whole second, as deadlines are counted (domain/deadlines.ts): it resumes due in exactly this.
  const left = due > at ? Math.round(calendar.businessMinutesBetween(at, due) * 60) / 60 : 0;
  const remainingMinutes = Math.max(1, left);
  return {
    step: task.step as PausableStep,
    reason: input.reason,
    ...(input.note ? { note: input.note } : {}),
    ...(input.until ? { until: new Date(input.until).toISOString() } : {}),
    remainingMinutes,
    ...(approval ? { approval: 'requested' as const } : {}),
    by: signature.by,
    role: signature.role,
    at: signature.at,
    ...(signature.name ? { name: signature.name } : {}),
  };
}

/** Seconds the paused task waits: to the resume date, or the longest pause. */
export function pausedSeconds(pause: Pick<StepPause, 'until' | 'at'>, now: Date): number {
  const until = pause.until
    ? Date.parse(pause.until)
    : Date.parse(pause.at) + PAUSE_LIMITS.maxDays * 86_400_000;
  return Math.max(1, Math.ceil((until - now.getTime()) / 1000));
}
