import { z } from 'zod';
import { appendAuditEvent, updateRecord } from '#adapters/records.ts';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import { requireEnv } from './commons/config.ts';
import { withPowertools } from './commons/middy.ts';
import { metrics } from './commons/powertools.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const FileRecordInput = z.object({ ref: z.string().min(1) });

/** Procedure step 9: the record is closed and filed. Nothing is deleted. */
export const handler = withPowertools(async (event: unknown) => {
  const { ref } = FileRecordInput.parse(event);
  const filedAt = new Date().toISOString();
  await updateRecord(TABLE_NAME, ref, { status: 'closed', filedAt, currentStep: 'filed' });
  await appendAuditEvent(TABLE_NAME, {
    ref,
    at: filedAt,
    actor: SYSTEM_ACTOR,
    role: SYSTEM_ACTOR,
    action: 'record-filed',
  });
  metrics.addMetric('ComplaintsFiled', 'Count', 1);
  return { ref, status: 'closed', filedAt };
});
