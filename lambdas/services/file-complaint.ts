import { appendAuditEvent, getRecord, updateRecord } from '#adapters/complaints.ts';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import { closeOpenTasks } from './steps.ts';

/**
 * Procedure step 9: the clerk has filed the complaint; its record is closed with its outcome
 * (resolved unless one was recorded) and any task still open is void. Nothing is deleted.
 */
export async function fileComplaint(
  table: string,
  ref: string,
  now = new Date(),
): Promise<{ ref: string; status: 'closed'; closedAt: string }> {
  const record = await getRecord(table, ref);
  if (!record) throw new Error(`No complaint ${ref}`);
  const closedAt = now.toISOString();
  await closeOpenTasks(table, ref, now, 'cancelled');
  await updateRecord(table, ref, {
    status: 'closed',
    closedAt,
    currentStep: 'filed',
    outcome: record.outcome ?? 'resolved',
  });
  await appendAuditEvent(table, {
    ref,
    at: closedAt,
    actor: SYSTEM_ACTOR,
    role: SYSTEM_ACTOR,
    action: 'complaint-closed',
    details: { outcome: record.outcome ?? 'resolved' },
  });
  return { ref, status: 'closed', closedAt };
}
