import { AREAS, areaById } from '#config/areas.ts';
import { STEP_IDS, type StepId, type WorkflowSettings } from '#config/workflow.ts';
import { BusinessCalendar } from './business-calendar.ts';

/**
 * Deadlines in business time. Every task output carries a `due` table (seconds from now to
 * each step's deadline) which the next human step reads through TimeoutSecondsPath, so the
 * state machine never polls and never needs a separate deadline state on the happy path.
 *
 * `from` is that "now" (epoch milliseconds): the task is stored due at `from` + its seconds,
 * the very instant an owner's email states (computed from the same table), whatever time the
 * workflow took to open it — the timeout, counted from the task state's start, fires just
 * after, never before. (Absent from tables made before it was: the task counts from its own
 * opening.)
 */
export type DueTable = Record<StepId, number> & {
  readonly from?: number;
  /**
   * Seconds until work in progress wakes: its deadline, or the next progress notice when that
   * comes first (domain/progress.ts). The work task's TimeoutSecondsPath; its due time stays
   * `workInProgress`.
   */
  readonly workWake?: number;
};

const calendars = new Map<string, BusinessCalendar>();

/** The business calendar of an area's office (public holidays of its country). */
export function calendarFor(areaId: string): BusinessCalendar {
  let calendar = calendars.get(areaId);
  if (!calendar) {
    const area = areaById(areaId) ?? AREAS[0];
    calendar = new BusinessCalendar({ country: area?.calendar ?? 'HK' });
    calendars.set(areaId, calendar);
  }
  return calendar;
}

/**
 * Seconds to each step's deadline from `now`. Work in progress runs to the department's
 * committed completion when there is one (procedure step 6), not to a fixed duration.
 */
export function dueTable(input: {
  now: Date;
  area: string;
  settings: WorkflowSettings;
  plannedCompletion?: string | undefined;
  /** The next progress notice (domain/progress.ts progressWakeAt). */
  progressAt?: string | undefined;
}): DueTable {
  const calendar = calendarFor(input.area);
  // Counted from the whole second: each deadline is then `from` plus whole seconds exactly (a
  // committed completion typed to the minute stays that minute), not rounded up past it.
  const from = new Date(Math.floor(input.now.getTime() / 1000) * 1000);
  const table = { from: from.getTime() } as Record<StepId, number> & { from: number };
  for (const step of STEP_IDS) {
    const due = calendar.addBusinessMinutes(from, input.settings.businessMinutes[step]);
    table[step] = calendar.secondsUntil(from, due);
  }
  if (input.plannedCompletion) {
    table.workInProgress = Math.max(
      1,
      Math.ceil((Date.parse(input.plannedCompletion) - from.getTime()) / 1000),
    );
  }
  return withWorkWake(table, input.progressAt);
}

/** The table with `workWake`: the earlier of the work's deadline and the next progress notice. */
export function withWorkWake(table: DueTable, progressAt: string | undefined): DueTable {
  const work = table.workInProgress;
  const from = table.from ?? Date.now();
  const progress = progressAt ? Math.max(1, Math.ceil((Date.parse(progressAt) - from) / 1000)) : work;
  return { ...table, workWake: Math.min(work, progress) };
}

/**
 * The instant a step of the table is due: what the owner's email states and the task is stored
 * with (domain/tasks.ts dueAt). `now` stands in for a table without `from`.
 */
export function dueInstant(table: DueTable, step: StepId, now: Date): string {
  return new Date((table.from ?? now.getTime()) + table[step] * 1000).toISOString();
}
