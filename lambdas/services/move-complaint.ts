import {
  appendAuditEvent,
  getPartition,
  moveOpenTaskToArea,
  moveRecordToArea,
} from '#adapters/complaints.ts';
import { indexComplaint } from '#adapters/search-index.ts';
import { appUrl, staffAddress, workflowSettings } from '#commons/environment.ts';
import { type AreaChangeInput, requireDifferentArea } from '#domain/area-change.ts';
import type { ComplaintRecord, RegisterUnitRef } from '#domain/complaint.ts';
import { taskMail } from '#domain/emails.ts';
import { StateConflictError } from '#domain/errors.ts';
import type { StaffMember } from '#domain/staff.ts';
import { indexRelated } from './related-complaints.ts';
import { sendOnce } from './send-once.ts';
import { registerUnitIn } from './unit-routing.ts';

export interface MovedComplaint {
  readonly from: string;
  /** The open tasks moved with it (their ids). */
  readonly tasksMoved: readonly string[];
  /** Its register unit is in another area than the new one, so it was cleared (unit unknown). */
  readonly unitLeft?: true;
}

/**
 * Moves a complaint that landed in the wrong area to the right one, with its open task, so it
 * leaves the old area's inboxes and lists and appears in the new area's; the new area's staff
 * are emailed about the task. Who may move it is the caller's business (mayChangeArea). A filed
 * complaint stays where it was filed (StateConflictError).
 *
 * The open task keeps the deadline computed with the old area's business calendar: every area
 * is in Hong Kong today (config/areas.ts, calendar HK), so it would come out the same.
 */
export async function moveComplaintToArea(
  table: string,
  record: ComplaintRecord,
  input: AreaChangeInput,
  mover: Pick<StaffMember, 'username' | 'role' | 'name'>,
): Promise<MovedComplaint> {
  const { ref } = record;
  if (record.status === 'closed' || record.currentStep === 'filed') {
    throw new StateConflictError(`Complaint ${ref} is closed: a filed record stays where it was filed`);
  }
  requireDifferentArea(record.area, input.area);
  const from = record.area;
  // The register unit stays only if it is in the new area (an estate is in one area): one of
  // another area was matched wrongly, and the new area's reception picks the unit.
  const previousUnit = record.registerUnit;
  const leavesUnit = previousUnit ? !(await registerUnitIn(table, previousUnit.id, input.area)) : false;
  await moveRecordToArea(table, record, from, input.area, { leavesUnit });
  const moved: ComplaintRecord = leavesUnit
    ? { ...withoutUnit(record), area: input.area, unitUnknown: true }
    : { ...record, area: input.area };
  // Found by the search in the new area only.
  await indexComplaint(table, record, moved);
  if (leavesUnit && previousUnit) {
    // The old unit's and building's related-complaint pointers mark it moved (domain/related.ts).
    await indexRelated(table, moved, workflowSettings().related, {
      previousUnit,
      actor: { by: mover.username, role: mover.role },
    });
  }
  // The tasks are read after the record moved: a task the workflow opens from now on takes the
  // new area from the record, and one opened before is open here to be moved.
  const { tasks, sentMail } = await getPartition(table, ref, { consistent: true });
  const tasksMoved: string[] = [];
  for (const task of tasks.filter((t) => t.status === 'open' && t.area !== input.area)) {
    if (!(await moveOpenTaskToArea(table, task, input.area))) continue;
    tasksMoved.push(task.id);
    // The new area's staff learn of the task as if it had opened there: its role's mailbox is
    // emailed once per move of that task (the old area's notice pointed to staff who no longer
    // see it).
    await sendOnce({
      table,
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
      sentMail,
    });
  }
  await appendAuditEvent(table, {
    ref,
    at: new Date().toISOString(),
    actor: mover.username,
    role: mover.role,
    ...(mover.name ? { actorName: mover.name } : {}),
    action: 'area-changed',
    details: {
      from,
      to: input.area,
      reason: input.reason,
      ...(leavesUnit && previousUnit ? { unitLeft: unitLabel(previousUnit) } : {}),
    },
  });
  return { from, tasksMoved, ...(leavesUnit ? { unitLeft: true } : {}) };
}

function withoutUnit(record: ComplaintRecord): ComplaintRecord {
  const { registerUnit: _unit, relatedFlags: _flags, unitCandidates: _candidates, ...rest } = record;
  return rest;
}

const unitLabel = (unit: RegisterUnitRef) => `${unit.estate} ${unit.building} ${unit.unit}`;
