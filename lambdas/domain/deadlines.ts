import { AREAS, areaById } from '#config/areas.ts';
import { STEP_IDS, type StepId, type WorkflowSettings } from '#config/workflow.ts';
import { BusinessCalendar } from './business-calendar.ts';

/**
 * Deadlines in business time. Every task output carries a `due` table (seconds from now to
 * each step's deadline) which the next human step reads through TimeoutSecondsPath, so the
 * state machine never polls and never needs a separate deadline state on the happy path.
 */
export type DueTable = Record<StepId, number>;

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
}): DueTable {
  const calendar = calendarFor(input.area);
  const table = {} as DueTable;
  for (const step of STEP_IDS) {
    const due = calendar.addBusinessMinutes(input.now, input.settings.businessMinutes[step]);
    table[step] = calendar.secondsUntil(input.now, due);
  }
  if (input.plannedCompletion) {
    table.workInProgress = Math.max(
      1,
      Math.ceil((Date.parse(input.plannedCompletion) - input.now.getTime()) / 1000),
    );
  }
  return table;
}
