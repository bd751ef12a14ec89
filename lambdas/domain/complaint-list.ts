import { type ComplaintRecord, contentSummary, currentDueOf } from './complaint.ts';
import { overdueFrom, type Task } from './tasks.ts';

/**
 * One complaint as `GET /api/complaints` lists it (and the web app exports it as CSV): what a
 * row shows, the one-line summary of its content, its department and deadlines — the committed
 * start and completion, the current step's due time as the workflow enforces it — and whether
 * it is overdue, and since when. The owner's contacts only when the caller may list them
 * (domain/access.ts mayListOwnerContacts).
 */
export interface ComplaintListItem {
  readonly ref: string;
  readonly receivedAt: string;
  readonly channel: string;
  readonly area: string;
  readonly building?: string;
  readonly unit?: string;
  readonly category?: string;
  readonly department?: string;
  readonly status: string;
  readonly currentStep: string;
  readonly outcome?: string;
  readonly ownerName: string;
  readonly ownerPhone?: string;
  readonly ownerEmail?: string;
  readonly summary: string;
  readonly plannedStart?: string;
  readonly plannedCompletion?: string;
  /** The current step's deadline (its open task's due time). */
  readonly dueAt?: string;
  readonly overdue: boolean;
  /** When the overdue step ran out of time (a ladder level's own deadline may be later). */
  readonly overdueSince?: string;
}

/**
 * `overdueTask`: the complaint's open task if the open-tasks index has it overdue (the list's
 * flag and filter come from there); its due time stands in for a record stored before records
 * carried their current deadline.
 */
export function complaintListItem(
  record: ComplaintRecord,
  options: { overdueTask: Pick<Task, 'dueAt' | 'overdueSince'> | undefined; withContacts: boolean },
): ComplaintListItem {
  const late = options.overdueTask;
  const dueAt = currentDueOf(record)?.dueAt ?? late?.dueAt;
  return {
    ref: record.ref,
    receivedAt: record.receivedAt,
    channel: record.channel,
    area: record.area,
    ...(record.building ? { building: record.building } : {}),
    ...(record.unit ? { unit: record.unit } : {}),
    ...(record.category ? { category: record.category } : {}),
    ...(record.department ? { department: record.department } : {}),
    status: record.status,
    currentStep: record.currentStep,
    ...(record.outcome ? { outcome: record.outcome } : {}),
    ownerName: record.owner.name,
    ...(options.withContacts && record.owner.phone ? { ownerPhone: record.owner.phone } : {}),
    ...(options.withContacts && record.owner.email ? { ownerEmail: record.owner.email } : {}),
    summary: contentSummary(record.content ?? ''),
    ...(record.commitment
      ? {
          plannedStart: record.commitment.plannedStart,
          plannedCompletion: record.commitment.plannedCompletion,
        }
      : {}),
    ...(dueAt ? { dueAt } : {}),
    overdue: late !== undefined,
    ...(late ? { overdueSince: overdueFrom(late) } : {}),
  };
}
