import { ConflictError, closeTask, getPartition, updateRecord } from '#adapters/complaints.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { type DueTable, dueTable } from '#domain/deadlines.ts';
import { workflowSettings } from '../commons/settings.ts';

/**
 * Helpers for the workflow's own steps. The workflow waits on one step at a time, so a
 * complaint has at most one open task: whatever moves the workflow on closes the others.
 */
export async function closeOpenTasks(
  table: string,
  ref: string,
  now: Date,
  status: 'timed-out' | 'cancelled' = 'timed-out',
  exceptTaskId?: string,
): Promise<string[]> {
  const { tasks } = await getPartition(table, ref);
  const closed: string[] = [];
  for (const task of tasks.filter((t) => t.status === 'open' && t.id !== exceptTaskId)) {
    try {
      await closeTask(table, task, { status, closedAt: now.toISOString() });
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
  });
}

export async function setCurrentStep(table: string, ref: string, currentStep: string): Promise<void> {
  await updateRecord(table, ref, { currentStep });
}
