import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from '#adapters/clients.ts';
import { appendAuditEvent, nextSequence, putNewComplaint, updateRecord } from '#adapters/complaints.ts';
import {
  type ComplaintRecord,
  flagsFor,
  formatRef,
  type NewComplaintInput,
  newComplaintRecord,
  refSequenceScope,
  type Signature,
} from '#domain/complaint.ts';
import { dueTable } from '#domain/deadlines.ts';
import { areaById } from '../../config/areas.ts';
import { workflowSettings } from '../commons/settings.ts';

export interface OpenComplaintDeps {
  readonly table: string;
  readonly stateMachineArn: string;
  readonly client?: SFNClient;
}

/**
 * Opens a complaint: a reference number, the Form 17 record, the first audit line, and its
 * workflow — one Standard execution named by the reference, so starting it twice is harmless.
 * Used by the staff API (phone, walk-in, letter, fax) and by email intake.
 */
export async function openComplaint(
  deps: OpenComplaintDeps,
  input: NewComplaintInput,
  receivedBy: Signature,
  options: { unclear?: boolean; details?: Record<string, unknown> } = {},
): Promise<ComplaintRecord> {
  const area = areaById(input.area);
  if (!area) throw new Error(`Unknown area ${input.area}`);
  const receivedAt = new Date(receivedBy.at);
  const sequence = await nextSequence(deps.table, refSequenceScope(area.code, receivedAt));
  const ref = formatRef(area.code, receivedAt, sequence);
  const record = newComplaintRecord(ref, input, receivedBy, flagsFor(input, options));
  await putNewComplaint(deps.table, record);
  await appendAuditEvent(deps.table, {
    ref,
    at: receivedBy.at,
    actor: receivedBy.by,
    role: receivedBy.role,
    action: 'complaint-received',
    details: { channel: input.channel, checklist: record.checklist, flags: record.flags, ...options.details },
  });
  await startWorkflow(deps, record, new Date());
  return record;
}

export async function startWorkflow(
  deps: OpenComplaintDeps,
  record: ComplaintRecord,
  now: Date,
): Promise<void> {
  const input = {
    ref: record.ref,
    area: record.area,
    flags: record.flags,
    step: { due: dueTable({ now, area: record.area, settings: workflowSettings() }) },
  };
  const result = await (deps.client ?? sfn()).send(
    new StartExecutionCommand({
      stateMachineArn: deps.stateMachineArn,
      name: record.ref,
      input: JSON.stringify(input),
    }),
  );
  await updateRecord(deps.table, record.ref, {
    workflowStartedAt: result.startDate?.toISOString() ?? now.toISOString(),
  });
}
