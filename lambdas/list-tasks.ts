import { openTasksFor } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { TABLE } from '#config/table.ts';
import { visibleAreas } from '#domain/access.ts';
import { calendarFor } from '#domain/deadlines.ts';
import { publicTask } from '#domain/tasks.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const OPEN_TASKS_INDEX = TABLE.index.openTasksByRoleArea.name;

/**
 * `GET /api/tasks`: the caller's open tasks — their role, their area (head-office roles: every
 * area) — overdue first, then soonest due, with the business time left.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const areas = visibleAreas(caller);
  const tasks = (
    await Promise.all(areas.map((area) => openTasksFor(TABLE_NAME, OPEN_TASKS_INDEX, caller.role, area)))
  ).flat();
  const now = new Date();
  const items = tasks
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
    .map((task) => {
      const calendar = calendarFor(task.area);
      const due = new Date(task.dueAt);
      const businessMinutesLeft =
        due > now ? calendar.businessMinutesBetween(now, due) : -calendar.businessMinutesBetween(due, now);
      const { taskToken: _t, ...rest } = task;
      return {
        ...rest,
        overdue: publicTask(task, now).overdue,
        businessMinutesLeft: Math.round(businessMinutesLeft),
      };
    });
  return json(200, { items });
}, apiErrors());
