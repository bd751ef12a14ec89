import { closeTask, getPartition } from '#adapters/complaints.ts';
import { workflowSettings } from '#commons/environment.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { type DueTable, dueTable } from '#domain/deadlines.ts';
import { ConflictError } from '#domain/errors.ts';
import { progressWakeAt } from '#domain/progress.ts';
import type { StoredTask } from '#domain/tasks.ts';

type ClosingStatus = 'timed-out' | 'cancelled';

/**
 * Helpers for the workflow's own steps. The workflow waits on one step at a time, so a
 * complaint has at most one open task: whatever moves the workflow on closes the others.
 */
export async function closeOpenTasks(
  table: string,
  ref: string,
  now: Date,
  status: ClosingStatus | ((task: StoredTask) => ClosingStatus) = 'timed-out',
  exceptTaskId?: string,
): Promise<string[]> {
  const { tasks } = await getPartition(table, ref);
  return closeTasks(table, tasks, now, status, exceptTaskId);
}

/**
 * Closes the tasks the workflow no longer waits on when a step ran out of time, and names the
 * task whose deadline passed — the newest of that step, open, or closed by an earlier attempt of
 * a retried invocation — so what is recorded about it can be keyed by it and written once.
 */
export async function closeLateTasks(
  table: string,
  ref: string,
  now: Date,
  lateStep: string | null | undefined,
): Promise<{ closed: string[]; late?: StoredTask }> {
  const { tasks } = await getPartition(table, ref);
  const late = tasks
    .filter((task) => task.step === lateStep)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .at(-1);
  return { closed: await closeTasks(table, tasks, now, 'timed-out'), ...(late ? { late } : {}) };
}

/** Closes the open ones of tasks already read (but `exceptTaskId`); returns the ids it closed. */
export async function closeTasks(
  table: string,
  tasks: readonly StoredTask[],
  now: Date,
  status: ClosingStatus | ((task: StoredTask) => ClosingStatus),
  exceptTaskId?: string,
): Promise<string[]> {
  const closed: string[] = [];
  for (const task of tasks.filter((t) => t.status === 'open' && t.id !== exceptTaskId)) {
    try {
      await closeTask(table, task, {
        status: typeof status === 'function' ? status(task) : status,
        closedAt: now.toISOString(),
      });
      closed.push(task.id);
    } catch (error) {
      // Someone completed it a moment ago: nothing left to close.
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return closed;
}

export function dueFor(record: ComplaintRecord, now: Date): DueTable {
  return dueTable({
    now,
    area: record.area,
    settings: workflowSettings(),
    plannedCompletion: record.commitment?.plannedCompletion,
    progressAt: progressWakeAt(record),
  });
}
