import { getEvents, getPartition } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { maySeeArea } from '#domain/access.ts';
import { boundedTimeline } from '#domain/audit.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import { publicTask, replacedByRetry } from '#domain/tasks.ts';
import { correspondencePage, ownerRepliesOf } from '#services/correspondence-view.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/** Timeline lines of a task opening (create-task). */
const OPENINGS = new Set(['task-opened', 'reminder-task-opened']);

/**
 * `GET /api/complaints/{ref}`: the Form 17 record, the open task(s), the timeline (the audit
 * trail: who did what, when — the signatures of the paper form) and the newest page of the
 * correspondence, its lines without bodies (`correspondenceNext`: the cursor for older ones;
 * `GET …/correspondence/{key}` for one body). What owners send grows the correspondence, never
 * this answer: a page of lines, and of the timeline's lines about email only the newest.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const ref = event.pathParameters?.ref ?? '';
  const { record, tasks } = await getPartition(TABLE_NAME, ref);
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!maySeeArea(caller, record.area)) throw new ForbiddenError(`Complaint ${ref} belongs to another area`);
  const open = tasks.filter((t) => t.status === 'open');
  const [events, page, replies] = await Promise.all([
    getEvents(TABLE_NAME, ref),
    correspondencePage(TABLE_NAME, ref),
    Promise.all(open.map((t) => ownerRepliesOf(TABLE_NAME, t))),
  ]);
  const now = new Date();
  // A step's opening shows once, though a retried create-task may have written a line for the
  // task of its failed attempt too.
  const replaced = replacedByRetry(tasks);
  const { timeline, omitted } = boundedTimeline(
    events.filter((e) => !OPENINGS.has(e.action) || !replaced.has(String(e.details?.taskId))),
  );
  return json(200, {
    ...record,
    tasks: open.map((t, i) => {
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
        ...replies[i],
      };
    }),
    timeline: timeline.map(({ at, actor, role, action, details }) => ({
      at,
      actor,
      role,
      action,
      ...(details ? { details } : {}),
    })),
    ...(omitted ? { timelineMailOmitted: omitted } : {}),
    correspondence: page.items,
    ...(page.next ? { correspondenceNext: page.next } : {}),
  });
}, apiErrors());
