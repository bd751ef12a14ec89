import * as z from 'zod';
import { appendAuditEvent, getPartition, updateRecord } from '#adapters/complaints.ts';
import { appUrl, departmentAddress, requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { metrics } from '#commons/powertools.ts';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import { workOrderMail } from '#domain/emails.ts';
import { sendOnce } from '#services/send-once.ts';
import { dueFor } from '#services/steps.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const WorkOrderInput = z.object({ ref: z.string().min(1), area: z.string().min(1) });

/**
 * Procedure step 4: a numbered work order (通知單) to the department the supervisor named,
 * by email to the department's address; the department's commitment task follows. A reopened
 * complaint gets a new number (`WO-<ref>-2`, ...).
 */
export const handler = withPowertools(async (event: unknown) => {
  const { ref } = WorkOrderInput.parse(event);
  // With its correspondence, strongly read: a work order an earlier attempt emailed is found there.
  const { record, correspondence } = await getPartition(TABLE_NAME, ref, { consistent: true });
  if (!record) throw new Error(`No complaint ${ref}`);
  if (!record.department) throw new Error(`Complaint ${ref} has no responsible department`);
  const now = new Date();
  const number = `WO-${ref}-${record.reopenCount + 1}`;
  const issuedAt = record.workOrder?.number === number ? record.workOrder.issuedAt : now.toISOString();
  await updateRecord(TABLE_NAME, ref, { workOrder: { number, issuedAt }, currentStep: 'work-order' });
  const { sent } = await sendOnce({
    table: TABLE_NAME,
    ref,
    key: `work-order:${number}`,
    to: [departmentAddress(record.department, record.area)],
    content: workOrderMail(record, number, `${appUrl()}/complaints/${encodeURIComponent(ref)}`),
    kind: 'work-order',
    audience: 'department',
    correspondence,
  });
  if (sent) {
    await appendAuditEvent(TABLE_NAME, {
      ref,
      at: issuedAt,
      actor: SYSTEM_ACTOR,
      role: SYSTEM_ACTOR,
      action: 'work-order-issued',
      details: { number, department: record.department },
    });
    metrics.addMetric('WorkOrdersIssued', 'Count', 1);
  }
  return { due: dueFor(record, now), workOrder: number };
});
