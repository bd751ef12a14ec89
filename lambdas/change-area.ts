import {
  appendAuditEvent,
  getPartition,
  getRecord,
  moveOpenTaskToArea,
  moveRecordToArea,
} from '#adapters/complaints.ts';
import { appUrl, requireEnv, staffAddress } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { mayChangeArea } from '#domain/access.ts';
import { AreaChangeInput, requireDifferentArea } from '#domain/area-change.ts';
import { taskMail } from '#domain/emails.ts';
import { ForbiddenError, NotFoundError, StateConflictError } from '#domain/errors.ts';
import { sendOnce } from '#services/send-once.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `POST /api/complaints/{ref}/area`: moves a complaint that landed in the wrong area (email
 * intake gives it the intake address's default area) to the right one, with its open task, so
 * it leaves the old area's inboxes and lists and appears in the new area's. The workflow's next
 * tasks open in the new area too: create-task takes the area from the record.
 *
 * The open task keeps the deadline computed with the old area's business calendar: every area
 * is in Hong Kong today (config/areas.ts, calendar HK), so it would come out the same.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const ref = event.pathParameters?.ref ?? '';
  const record = await getRecord(TABLE_NAME, ref);
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!mayChangeArea(caller, record)) {
    throw new ForbiddenError(
      'A complaint is moved by the reception or supervisor of its area, customer service or the manager',
    );
  }
  const input = parseBody(event, AreaChangeInput);
  if (record.status === 'closed' || record.currentStep === 'filed') {
    throw new StateConflictError(`Complaint ${ref} is closed: a filed record stays where it was filed`);
  }
  requireDifferentArea(record.area, input.area);
  const from = record.area;
  await moveRecordToArea(TABLE_NAME, record, from, input.area);
  // The tasks are read after the record moved: a task the workflow opens from now on takes the
  // new area from the record, and one opened before is open here to be moved.
  const { tasks, correspondence } = await getPartition(TABLE_NAME, ref, { consistent: true });
  const moved: string[] = [];
  for (const task of tasks.filter((t) => t.status === 'open' && t.area !== input.area)) {
    if (!(await moveOpenTaskToArea(TABLE_NAME, task, input.area))) continue;
    moved.push(task.id);
    // The new area's staff learn of the task as if it had opened there: its role's mailbox is
    // emailed once per move of that task (the old area's notice pointed to staff who no longer
    // see it).
    await sendOnce({
      table: TABLE_NAME,
      ref,
      key: `task-moved:${task.id}:${input.area}`,
      to: [staffAddress(task.role, input.area)],
      content: taskMail({
        ref,
        step: task.step,
        dueAt: task.dueAt,
        taskUrl: `${appUrl()}/tasks/${encodeURIComponent(task.id)}`,
        reminder: false,
      }),
      kind: 'task-notice',
      audience: 'staff',
      correspondence,
    });
  }
  await appendAuditEvent(TABLE_NAME, {
    ref,
    at: new Date().toISOString(),
    actor: caller.username,
    role: caller.role,
    action: 'area-changed',
    details: { from, to: input.area, reason: input.reason },
  });
  // The reason is staff's own words and may name the owner: it stays out of the log.
  logger.info('Complaint moved to another area', { ref, from, to: input.area, tasksMoved: moved.length });
  metrics.addMetric('ComplaintsMovedArea', 'Count', 1);
  return json(200, { ref, area: input.area, from, tasksMoved: moved });
}, apiErrors());
