import { getPartition } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { maySeeArea } from '#domain/access.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import { publicTask, replacedByRetry } from '#domain/tasks.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/** Timeline lines of a task opening (create-task). */
const OPENINGS = new Set(['task-opened', 'reminder-task-opened']);

/**
 * `GET /api/complaints/{ref}`: the Form 17 record, the open task(s), the correspondence and
 * the timeline (the audit trail: who did what, when — the signatures of the paper form).
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const ref = event.pathParameters?.ref ?? '';
  const { record, tasks, events, correspondence } = await getPartition(TABLE_NAME, ref);
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!maySeeArea(caller, record.area)) throw new ForbiddenError(`Complaint ${ref} belongs to another area`);
  const now = new Date();
  // A step's opening shows once, though a retried create-task may have written a line for the
  // task of its failed attempt too.
  const replaced = replacedByRetry(tasks);
  return json(200, {
    ...record,
    tasks: tasks
      .filter((t) => t.status === 'open')
      .map((t) => {
        const visible = publicTask(t, now);
        return {
          id: visible.id,
          step: visible.step,
          role: visible.role,
          area: visible.area,
          dueAt: visible.dueAt,
          overdue: visible.overdue,
          createdAt: visible.createdAt,
          ...(visible.late ? { late: visible.late } : {}),
          // Emails from the owner that arrived while this step waited for their answer.
          ...(t.ownerReplies?.length ? { ownerReplies: t.ownerReplies } : {}),
        };
      }),
    timeline: events
      .filter((e) => !OPENINGS.has(e.action) || !replaced.has(String(e.details?.taskId)))
      .sort((a, b) => a.at.localeCompare(b.at))
      .map(({ at, actor, role, action, details }) => ({
        at,
        actor,
        role,
        action,
        ...(details ? { details } : {}),
      })),
    correspondence: correspondence.sort((a, b) => String(a.at).localeCompare(String(b.at))),
  });
}, apiErrors());
