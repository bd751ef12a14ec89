import { appendAuditEvent, getPartition, updateRecord } from '#adapters/complaints.ts';
import { appUrl, departmentAddress } from '#commons/environment.ts';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import type { DueTable } from '#domain/deadlines.ts';
import { workOrderMail } from '#domain/emails.ts';
import { sendOnce } from './send-once.ts';
import { dueFor } from './steps.ts';

export interface IssuedWorkOrder {
  readonly due: DueTable;
  /** `WO-<ref>-<n>`: a reopened complaint gets a new number. */
  readonly workOrder: string;
  /** Emailed by this call (not by an earlier attempt of a retried invocation). */
  readonly sent: boolean;
}

/**
 * Procedure step 4: a numbered work order (通知單) to the department the supervisor named,
 * by email to the department's address, once per number; a retry keeps the first issue time.
 */
export async function issueWorkOrder(table: string, ref: string, now = new Date()): Promise<IssuedWorkOrder> {
  // With the emails it sent, strongly read: a work order an earlier attempt emailed is found there.
  const { record, sentMail } = await getPartition(table, ref, { consistent: true });
  if (!record) throw new Error(`No complaint ${ref}`);
  if (!record.department) throw new Error(`Complaint ${ref} has no responsible department`);
  const number = `WO-${ref}-${record.reopenCount + 1}`;
  const issuedAt = record.workOrder?.number === number ? record.workOrder.issuedAt : now.toISOString();
  await updateRecord(table, ref, { workOrder: { number, issuedAt }, currentStep: 'work-order' });
  const { sent } = await sendOnce({
    table,
    ref,
    key: `work-order:${number}`,
    to: [departmentAddress(record.department, record.area)],
    content: workOrderMail(record, number, `${appUrl()}/complaints/${encodeURIComponent(ref)}`),
    kind: 'work-order',
    audience: 'department',
    sentMail,
  });
  if (sent) {
    await appendAuditEvent(table, {
      ref,
      at: issuedAt,
      actor: SYSTEM_ACTOR,
      role: SYSTEM_ACTOR,
      action: 'work-order-issued',
      details: { number, department: record.department },
    });
  }
  return { due: dueFor(record, now), workOrder: number, sent };
}
