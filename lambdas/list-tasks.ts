import { openTasksFor, recordsForTaskRows } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { TABLE } from '#config/table.ts';
import { isOwnDepartmentsWork, visibleAreas } from '#domain/access.ts';
import { calendarFor } from '#domain/deadlines.ts';
import { isOverdue, overdueFrom, taskComplaintOf } from '#domain/tasks.ts';
import { withTheirDepartments } from '#services/call-log.ts';
import { mapLimited, ownerRepliesOf } from '#services/correspondence-view.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const OPEN_TASKS_INDEX = TABLE.index.openTasksByRoleArea.name;
/** Complaints whose owner replies are read at once (one Query each, for owner-answer steps only). */
const REPLY_READS_AT_ONCE = 8;

/**
 * `GET /api/tasks`: the caller's open tasks — their role, their area (head-office roles: every
 * area) — overdue first, then soonest due, with the business time left (and, once overdue, how
 * late: from when the step it stands for went overdue), what the row shows of the complaint
 * (owner, building and unit, a one-line summary: stored on the task when it opened; for a task
 * stored before that, read from the records in batches), and on a task waiting for the owner's
 * answer the owner's newest emails about it (from the correspondence).
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const areas = visibleAreas(caller);
  const tasks = (
    await withTheirDepartments(
      TABLE_NAME,
      (
        await Promise.all(areas.map((area) => openTasksFor(TABLE_NAME, OPEN_TASKS_INDEX, caller.role, area)))
      ).flat(),
    )
  )
    // A department's open tasks are its own department's work orders (the task names it).
    .filter((task) => isOwnDepartmentsWork(caller, task));
  const now = new Date();
  // Overdue first (a ladder level for a missed deadline is, from its opening), then soonest due.
  const sorted = tasks.sort(
    (a, b) => overdueFrom(a).localeCompare(overdueFrom(b)) || a.dueAt.localeCompare(b.dueAt),
  );
  const [replies, olderRecords] = await Promise.all([
    mapLimited(sorted, REPLY_READS_AT_ONCE, (task) => ownerRepliesOf(TABLE_NAME, task)),
    recordsForTaskRows(
      TABLE_NAME,
      sorted.filter((task) => !task.complaint).map((task) => task.ref),
    ),
  ]);
  const items = sorted.map((task, i) => {
    const calendar = calendarFor(task.area);
    const due = new Date(task.dueAt);
    const businessMinutesLeft =
      due > now ? calendar.businessMinutesBetween(now, due) : -calendar.businessMinutesBetween(due, now);
    const overdue = isOverdue(task, now);
    const older = task.complaint ? undefined : olderRecords.get(task.ref);
    const { taskToken: _t, ownerReplies: _stored, ...rest } = task;
    return {
      ...rest,
      ...(older ? { complaint: taskComplaintOf(older) } : {}),
      ...replies[i],
      overdue,
      businessMinutesLeft: Math.round(businessMinutesLeft),
      // How late the step is: counted from its own deadline, also on a ladder level whose own
      // deadline is still to come.
      ...(overdue
        ? {
            overdueFrom: overdueFrom(task),
            businessMinutesLate: Math.round(
              calendar.businessMinutesBetween(new Date(overdueFrom(task)), now),
            ),
          }
        : {}),
    };
  });
  return json(200, { items });
}, apiErrors());
