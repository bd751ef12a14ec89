import { getEvents, getPartition } from '#adapters/complaints.ts';
import { requireEnv, workflowSettings } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { complaintRefusal, maySeeArea, maySeeComplaint } from '#domain/access.ts';
import { boundedTimeline } from '#domain/audit.ts';
import { callAsked, callsOf } from '#domain/calls.ts';
import { recordVersion, withoutUnappliedCorrections } from '#domain/corrections.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import { publicTask, replacedByRetry } from '#domain/tasks.ts';
import { correspondencePage, ownerRepliesOf } from '#services/correspondence-view.ts';
import { relatedView } from '#services/related-complaints.ts';
import { unitSuggestions } from '#services/unit-routing.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/** Timeline lines of a task opening (create-task). */
const OPENINGS = new Set(['task-opened', 'reminder-task-opened']);

/**
 * `GET /api/complaints/{ref}`: the Form 17 record, the open task(s), the timeline (the audit
 * trail: who did what, when — the signatures of the paper form) and the newest page of the
 * correspondence, its lines without bodies (`correspondenceNext`: the cursor for older ones;
 * `GET …/correspondence/{key}` for one body). What owners send grows the correspondence, never
 * this answer: a page of lines, and of the timeline's lines about email only the newest.
 * A complaint with no register unit answers `unitSuggestions`: the units of its area that its
 * text names, and the ones intake found its sender registered at.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const ref = event.pathParameters?.ref ?? '';
  const { record, tasks } = await getPartition(TABLE_NAME, ref);
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!maySeeComplaint(caller, record)) throw new ForbiddenError(complaintRefusal(caller, record));
  const open = tasks.filter((t) => t.status === 'open');
  const [events, page, replies, related, suggestions] = await Promise.all([
    getEvents(TABLE_NAME, ref),
    correspondencePage(TABLE_NAME, ref),
    Promise.all(open.map((t) => ownerRepliesOf(TABLE_NAME, t))),
    // A register unit's earlier complaints and the open ones of its category nearby (issue 16 §4).
    relatedView(TABLE_NAME, record, workflowSettings().related, {
      maySee: (area) => maySeeArea(caller, area),
    }),
    // Not yet tied to a register unit: the units of its area its text names, for staff to pick.
    record.registerUnit ? undefined : unitSuggestions(TABLE_NAME, record),
  ]);
  const now = new Date();
  // A step's opening shows once, though a retried create-task may have written a line for the
  // task of its failed attempt too.
  const replaced = replacedByRetry(tasks);
  const { timeline, omitted } = boundedTimeline(
    withoutUnappliedCorrections(events, record).filter(
      (e) => !OPENINGS.has(e.action) || !replaced.has(String(e.details?.taskId)),
    ),
  );
  // The applied corrections' ids only sort the timeline's lines; `version` is what a correction names.
  const { correctionIds: _applied, ...shown } = record;
  return json(200, {
    ...shown,
    version: recordVersion(record),
    tasks: open.map((t, i) => {
      const visible = publicTask(t, now);
      return {
        id: visible.id,
        step: visible.step,
        role: visible.role,
        area: visible.area,
        // A department step is its department's (the record's, for a task stored before tasks named it).
        ...(visible.role === 'department' && (visible.department ?? record.department)
          ? { department: visible.department ?? record.department }
          : {}),
        dueAt: visible.dueAt,
        overdue: visible.overdue,
        createdAt: visible.createdAt,
        ...(visible.late ? { late: visible.late } : {}),
        // A Resolve workflow error task: the step that failed after its retries, and its error.
        ...(visible.failure ? { failure: visible.failure } : {}),
        // A paused step: why, and until when (domain/pause.ts).
        ...(visible.paused ? { paused: visible.paused } : {}),
        // Emails from the owner that arrived while this step waited for their answer.
        ...replies[i],
        // A step that is a phone call: its calls so far, and after how many unanswered ones the
        // owner may be recorded unreached.
        ...(callAsked(t.step, record.owner).asked
          ? {
              call: {
                unreachedAfter: workflowSettings().callAttempts,
                attempts: callsOf(events, t.id),
              },
            }
          : {}),
      };
    }),
    timeline: timeline.map(({ at, actor, actorName, role, action, details }) => ({
      at,
      actor,
      ...(actorName ? { actorName } : {}),
      role,
      action,
      ...(details ? { details } : {}),
    })),
    ...(omitted ? { timelineMailOmitted: omitted } : {}),
    correspondence: page.items,
    ...(page.next ? { correspondenceNext: page.next } : {}),
    ...(related ? { related } : {}),
    ...(suggestions ? { unitSuggestions: suggestions } : {}),
  });
}, apiErrors());
