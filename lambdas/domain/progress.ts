import * as z from 'zod';
import { WORKING_DAY_MINUTES, type WorkflowSettings } from '#config/workflow.ts';
import type { BusinessCalendar } from './business-calendar.ts';
import type { ComplaintProgress, ComplaintRecord, ProgressUpdate } from './complaint.ts';
import { PROGRESS_LIMITS } from './fields.ts';
import { textString } from './text.ts';

/**
 * Progress notices (issue 17 §3). The procedure tells the owner the plan and then the result;
 * Hong Kong's PMSA code of practice expects the owner to be told of progress regularly. While
 * work is in progress longer than the configured interval (5 working days by default, per
 * category), the department is asked for a one-line update (the *Progress update* step) and the
 * owner is emailed a progress notice with what it last reported; without a new line, the
 * supervisor is told.
 *
 * In the state machine nothing polls: the work-in-progress task times out at the earlier of its
 * deadline and `progress.nextAt` (the due table's `workWake`, domain/deadlines.ts); *Work woke*
 * tells which it was. A late step goes up the ladder as before; a progress point opens the
 * update task, then the notice, and the work again, due at the same committed completion.
 */

/** Working days between notices for a complaint of this category; 0: none. */
export function progressEveryDays(settings: WorkflowSettings, category: string | undefined): number {
  const byCategory = category ? settings.progressNotices.byCategory[category] : undefined;
  return byCategory ?? settings.progressNotices.everyBusinessDays;
}

/** When the next notice is due, `days` working days after `from` (holidays skipped); undefined: none. */
export function nextProgressAt(calendar: BusinessCalendar, from: Date, days: number): string | undefined {
  if (days <= 0) return undefined;
  return calendar.addBusinessMinutes(from, days * WORKING_DAY_MINUTES).toISOString();
}

/** The progress as work starts (or restarts after a pause or an obstacle): the next notice planned. */
export function progressFrom(
  record: Pick<ComplaintRecord, 'progress' | 'progressOff' | 'category'>,
  settings: WorkflowSettings,
  calendar: BusinessCalendar,
  from: Date,
): ComplaintProgress {
  const current = record.progress ?? { notices: 0, updates: [] };
  const { nextAt: _planned, ...rest } = current;
  if (record.progressOff) return rest;
  const nextAt = nextProgressAt(calendar, from, progressEveryDays(settings, record.category));
  return nextAt ? { ...rest, nextAt } : rest;
}

/** The instant work in progress next wakes for a notice, when notices are on. */
export function progressWakeAt(
  record: Pick<ComplaintRecord, 'progress' | 'progressOff'>,
): string | undefined {
  return record.progressOff ? undefined : record.progress?.nextAt;
}

/** The department's update since it was last asked, if it gave one. */
export function freshUpdate(progress: ComplaintProgress | undefined): ProgressUpdate | undefined {
  const last = progress?.updates.at(-1);
  if (!last) return undefined;
  if (progress?.requestedAt && last.at < progress.requestedAt) return undefined;
  return last;
}

/** The record's updates with one more: the newest PROGRESS_LIMITS.kept (the timeline has all). */
export function withUpdate(
  progress: ComplaintProgress | undefined,
  update: ProgressUpdate,
): ComplaintProgress {
  const current = progress ?? { notices: 0, updates: [] };
  return { ...current, updates: [...current.updates, update].slice(-PROGRESS_LIMITS.kept) };
}

/** `POST /api/complaints/{ref}/progress-notices`: the supervisor turns them off (with why) or on again. */
export const ProgressNoticesInput = z.discriminatedUnion(
  'off',
  [
    z.object({
      off: z.literal(true),
      reason: textString({ error: 'Say why the owner gets no progress notices' })
        .trim()
        .min(1, 'Say why the owner gets no progress notices')
        .max(PROGRESS_LIMITS.reason, `Keep the reason under ${PROGRESS_LIMITS.reason} characters`),
    }),
    z.object({ off: z.literal(false) }),
  ],
  {
    error:
      'Send {"off": true, "reason": "…"} to turn progress notices off, or {"off": false} to turn them on',
  },
);
export type ProgressNoticesInput = z.infer<typeof ProgressNoticesInput>;

/**
 * Why a complaint's notices cannot be switched now (undefined: they can): only an open one, and
 * not to the state it is in already.
 */
export function progressSwitchProblem(
  record: Pick<ComplaintRecord, 'ref' | 'status' | 'progressOff'>,
  input: ProgressNoticesInput,
): string | undefined {
  if (record.status !== 'open') return `Complaint ${record.ref} is closed`;
  if (input.off && record.progressOff) return `Progress notices of ${record.ref} are off already`;
  if (!input.off && !record.progressOff) return `Progress notices of ${record.ref} are on already`;
  return undefined;
}
