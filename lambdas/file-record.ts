import * as z from 'zod';
import { appendAuditEvent, getRecord, updateRecord } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { metrics } from '#commons/powertools.ts';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import { closeOpenTasks } from '#services/steps.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const FileRecordInput = z.object({ ref: z.string().min(1) });

/** Procedure step 9: the clerk has filed it; the record is closed. Nothing is deleted. */
export const handler = withPowertools(async (event: unknown) => {
  const { ref } = FileRecordInput.parse(event);
  const record = await getRecord(TABLE_NAME, ref);
  if (!record) throw new Error(`No complaint ${ref}`);
  const now = new Date();
  const closedAt = now.toISOString();
  await closeOpenTasks(TABLE_NAME, ref, now, 'cancelled');
  await updateRecord(TABLE_NAME, ref, {
    status: 'closed',
    closedAt,
    currentStep: 'filed',
    outcome: record.outcome ?? 'resolved',
  });
  await appendAuditEvent(TABLE_NAME, {
    ref,
    at: closedAt,
    actor: SYSTEM_ACTOR,
    role: SYSTEM_ACTOR,
    action: 'complaint-closed',
    details: { outcome: record.outcome ?? 'resolved' },
  });
  metrics.addMetric('ComplaintsClosed', 'Count', 1);
  return { ref, status: 'closed', closedAt };
});
