import { createHash } from 'node:crypto';
import * as z from 'zod';
import { STAFF_ROLES, type StaffRole } from '#config/roles.ts';
import { STEP_IDS, type StepId } from '#config/workflow.ts';
import { type ComplaintRecord, contentSummary } from './complaint.ts';
import { lazily } from './lazy.ts';

/** How much of a failure's cause a task keeps (a Lambda's can run to kilobytes of JSON). */
export const FAILURE_CAUSE_KEPT = 2000;

/**
 * A step of the workflow that failed after its retries, as the state machine caught it
 * (statemachine/generate.ts): the ASL state that failed, the human step it opens if it is one,
 * and the error Step Functions caught. Customer service's *Resolve workflow error* task shows it.
 */
export const WorkflowFailure = lazily(() =>
  z.object({
    state: z.string().min(1),
    step: z.enum(STEP_IDS).optional(),
    error: z
      .object({
        Error: z.string().optional(),
        Cause: z
          .string()
          .optional()
          .transform((cause) => cause?.slice(0, FAILURE_CAUSE_KEPT)),
      })
      .optional(),
  }),
);
export type WorkflowFailure = z.infer<typeof WorkflowFailure>;

/** What the state machine passes to create-task for a human step of the procedure. */
export const CreateTaskInput = lazily(() =>
  z.object({
    taskToken: z.string().min(1),
    ref: z.string().min(1),
    area: z.string().min(1),
    step: z.enum(STEP_IDS),
    role: z.enum(STAFF_ROLES),
    /** Seconds until the step is overdue; the state machine times the task out at the same moment. */
    timeoutSeconds: z.number().int().positive(),
    /** The step's `due` table (domain/deadlines.ts): `from` is when its seconds count from. */
    due: z.object({ from: z.number().int().positive().optional() }).optional(),
    assignee: z.string().optional(),
    /** For escalation levels: the step that was late and why the ladder took it. */
    late: z
      .object({
        step: z.string(),
        level: z.string(),
        overdue: z.string().optional(),
        reason: z.string().optional(),
      })
      .optional(),
    /** For the *Resolve workflow error* step: what failed. */
    failure: WorkflowFailure.optional(),
    /** The step's clock is paused: this task waits for its resume (domain/pause.ts). */
    paused: z.boolean().optional(),
  }),
);
export type CreateTaskInput = z.infer<typeof CreateTaskInput>;

export type TaskStatus = 'open' | 'completed' | 'timed-out' | 'cancelled';

export interface Task {
  readonly id: string;
  readonly ref: string;
  readonly area: string;
  readonly step: StepId;
  readonly role: StaffRole;
  /** A department step's department (the record's, as the supervisor named it): only its people see and answer it. */
  readonly department?: string;
  readonly assignee?: string;
  readonly createdAt: string;
  readonly dueAt: string;
  readonly status: TaskStatus;
  readonly late?: CreateTaskInput['late'];
  /** On a *Resolve workflow error* task: the step that failed and its error. */
  readonly failure?: WorkflowFailure;
  /** The step's clock is paused: the task waits to be resumed (by hand, or at `until`). */
  readonly paused?: { readonly reason: string; readonly until?: string; readonly note?: string };
  /**
   * On a ladder level for a missed deadline: when the step it stands for went overdue (kept up
   * the ladder and through the manager's reminders). The task is overdue from then.
   */
  readonly overdueSince?: string;
  /**
   * What My tasks shows of the complaint (owner, place, a one-line summary), copied from the
   * record when the task opens so the list needs no read per task. Absent on tasks stored
   * before it was (the list then reads their records, in batches).
   */
  readonly complaint?: TaskComplaint;
}

/** The complaint as a task row shows it (Task.complaint). */
export interface TaskComplaint {
  readonly ownerName: string;
  readonly building?: string;
  readonly unit?: string;
  readonly summary: string;
  /** Flagged a repeat or part of a cluster when it opened (domain/related.ts). */
  readonly repeat?: boolean;
  readonly cluster?: boolean;
}

/** The record's fields a task row shows, as the task carries them. */
export function taskComplaintOf(
  record: Pick<ComplaintRecord, 'owner' | 'building' | 'unit' | 'content' | 'relatedFlags'>,
): TaskComplaint {
  return {
    ownerName: record.owner.name,
    ...(record.building ? { building: record.building } : {}),
    ...(record.unit ? { unit: record.unit } : {}),
    summary: contentSummary(record.content),
    ...(record.relatedFlags?.repeatOf?.length ? { repeat: true } : {}),
    ...(record.relatedFlags?.cluster ? { cluster: true } : {}),
  };
}

/** The steps that wait for the owner's answer: an emailed answer is shown on the task to staff. */
export const OWNER_ANSWER_STEPS: readonly StepId[] = ['ownerPlanResponse', 'satisfactionCallback'];

/** Owner replies shown on a task (the newest); the rest are on the complaint's correspondence. */
export const OWNER_REPLIES_SHOWN = 20;

/**
 * An owner's email that arrived while the task waited for the owner's answer (email intake): a
 * line of the complaint's correspondence, shown on the task.
 */
export interface OwnerReply {
  readonly sesMessageId: string;
  readonly at: string;
  readonly subject: string;
  /** The owner's own words, without the quoted message (the line's preview). */
  readonly excerpt: string;
  readonly from?: string;
  /** The line's id and key on the correspondence (its body: `…/correspondence/{key}`). */
  readonly id?: string;
  readonly key?: string;
}

/** The task as stored: with the token the staff API answers the workflow with. Never sent to browsers. */
export interface StoredTask extends Task {
  /**
   * Written on tasks before replies were read from the correspondence (an ever-growing list on
   * one item): read for those tasks only, never written now.
   */
  readonly ownerReplies?: readonly OwnerReply[];
  readonly taskToken: string;
  readonly closedAt?: string;
  readonly closedBy?: string;
  readonly decision?: unknown;
  /**
   * The first task stored for this step's turn in the workflow. Step Functions retries a failed
   * create-task with a new token, so one turn may leave several tasks (all but the last
   * cancelled): what happened once for the turn is keyed by this id. Absent on tasks stored
   * before it existed (their own id stands in).
   */
  readonly attemptOf?: string;
}

/**
 * The task an earlier attempt at this step's turn left, if this create-task is a retry: the
 * newest of the step, still open or cancelled by another retry. A turn that ended left it
 * completed or timed out (the workflow closes a task before it moves on), so a newer turn of
 * the same step never mistakes the last turn's task for its own.
 */
export function earlierAttempt(
  tasks: readonly StoredTask[],
  step: StepId,
  taskId: string,
): StoredTask | undefined {
  const newest = tasks
    .filter((task) => task.step === step && task.id !== taskId)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .at(-1);
  return newest?.status === 'open' || newest?.status === 'cancelled' ? newest : undefined;
}

/**
 * Tasks an attempt that failed left and its retry cancelled: a newer task of the same step
 * replaced each. Nobody could act on them, so the staff timeline leaves out their opening.
 * (The only other cancelling is filing's, of whatever is left open at the very end.)
 */
export function replacedByRetry(tasks: readonly StoredTask[]): Set<string> {
  return new Set(
    tasks
      .filter(
        (task) =>
          task.status === 'cancelled' &&
          tasks.some((other) => other.step === task.step && other.createdAt > task.createdAt),
      )
      .map((task) => task.id),
  );
}

/**
 * A task's id is derived from its token, so a retried create-task invocation for the same
 * callback finds the task it already stored instead of opening a second one.
 */
export function taskSuffixForToken(taskToken: string): string {
  return createHash('sha256').update(taskToken).digest('base64url').slice(0, 12);
}

/**
 * When a task is due: `timeoutSeconds` from when its due table was computed (`from`, the moment
 * an owner's email counted its deadline from too), or from `now` for a table without it. A
 * `from` later than now (a clock gone wrong) is not believed.
 */
export function dueAt(now: Date, timeoutSeconds: number, from?: number): string {
  const start = from !== undefined && from <= now.getTime() ? from : now.getTime();
  return new Date(start + timeoutSeconds * 1000).toISOString();
}

/**
 * From when an open task counts as overdue: its due time, or, on a ladder level for a missed
 * deadline, when that step went overdue — it stays late while the ladder has it, whatever the
 * level's own (later) deadline.
 */
export function overdueFrom(task: Pick<Task, 'dueAt' | 'overdueSince'>): string {
  return task.overdueSince ?? task.dueAt;
}

/**
 * When the step a new ladder level stands for went overdue: the deadline it missed, if a step
 * just ran out of time (`late.overdue`: the due time of its task, which the workflow timed out
 * at — not the moment the level opened, a little later); else what the level it came from
 * carried (a level sending it up by decision, a reminder); none for a complaint sent up for
 * another reason (an obstacle, objections).
 */
export function overdueSinceFor(
  late: CreateTaskInput['late'],
  tasks: readonly StoredTask[],
  taskId: string,
  now: Date,
): string | undefined {
  if (!late) return undefined;
  const older = tasks
    .filter((task) => task.id !== taskId)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const previous = older.at(-1);
  if (previous?.late && previous.overdueSince && previous.late.step === late.step)
    return previous.overdueSince;
  if (!late.overdue) return undefined;
  const missed = older.filter((task) => task.step === late.overdue).at(-1);
  return missed?.dueAt ?? now.toISOString();
}

/** Whether a task is open past its deadline (or stands for a step that is: `overdueFrom`). */
export function isOverdue(
  task: Pick<Task, 'status' | 'dueAt' | 'overdueSince' | 'paused'>,
  now: Date,
): boolean {
  // A paused step's clock stands still: it is due again once it resumes.
  return task.status === 'open' && !task.paused && Date.parse(overdueFrom(task)) < now.getTime();
}

/** A task as the API shows it: never the token. */
export function publicTask(task: StoredTask, now: Date) {
  const { taskToken: _token, ...visible } = task;
  return { ...visible, overdue: isOverdue(task, now) };
}
