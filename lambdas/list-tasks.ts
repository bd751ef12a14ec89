import { openTasksFor } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { TABLE } from '#config/table.ts';
import { visibleAreas } from '#domain/access.ts';
import { calendarFor } from '#domain/deadlines.ts';
import { isOverdue, overdueFrom } from '#domain/tasks.ts';
import { mapLimited, ownerRepliesOf } from '#services/correspondence-view.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const OPEN_TASKS_INDEX = TABLE.index.openTasksByRoleArea.name;
/** Complaints whose owner replies are read at once (one Query each, for owner-answer steps only). */
const REPLY_READS_AT_ONCE = 8;

/**
 * `GET /api/tasks`: the caller's open tasks — their role, their area (head-office roles: every
 * area) — overdue first, then soonest due, with the business time left, and on a task waiting
 * for the owner's answer the owner's newest emails about it (from the correspondence).
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const areas = visibleAreas(caller);
  const tasks = (
    await Promise.all(areas.map((area) => openTasksFor(TABLE_NAME, OPEN_TASKS_INDEX, caller.role, area)))
  ).flat();
  const now = new Date();
  // Overdue first (a ladder level for a missed deadline is, from its opening), then soonest due.
  const sorted = tasks.sort(
    (a, b) => overdueFrom(a).localeCompare(overdueFrom(b)) || a.dueAt.localeCompare(b.dueAt),
  );
  const replies = await mapLimited(sorted, REPLY_READS_AT_ONCE, (task) => ownerRepliesOf(TABLE_NAME, task));
  const items = sorted.map((task, i) => {
    const calendar = calendarFor(task.area);
    const due = new Date(task.dueAt);
    const businessMinutesLeft =
      due > now ? calendar.businessMinutesBetween(now, due) : -calendar.businessMinutesBetween(due, now);
    const { taskToken: _t, ownerReplies: _stored, ...rest } = task;
    return {
      ...rest,
      ...replies[i],
      overdue: isOverdue(task, now),
      businessMinutesLeft: Math.round(businessMinutesLeft),
    };
  });
  return json(200, { items });
}, apiErrors());
