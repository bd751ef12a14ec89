import {
  appendAuditEventOnce,
  auditEventItem,
  getPartition,
  getTask,
  putTask,
  updateRecord,
} from '#adapters/complaints.ts';
import { appUrl, departmentAddress, staffAddress } from '#commons/environment.ts';
import { logger } from '#commons/powertools.ts';
import { STEPS } from '#config/workflow.ts';
import { type AuditEvent, SYSTEM_ACTOR } from '#domain/audit.ts';
import { taskMail } from '#domain/emails.ts';
import { ComplaintEndedError } from '#domain/errors.ts';
import { taskIdFor } from '#domain/keys.ts';
import { factCause, factsOfTaskOpened } from '#domain/record-facts.ts';
import {
  type CreateTaskInput,
  dueAt,
  earlierAttempt,
  overdueSinceFor,
  type StoredTask,
  taskComplaintOf,
  taskSuffixForToken,
} from '#domain/tasks.ts';
import { sendOnce } from './send-once.ts';
import { closeTasks } from './steps.ts';
import { suggestionFor } from './triage.ts';

export interface OpenedTask {
  readonly taskId: string;
  /** The manager's reminder task (the escalation's own step ran out), not a first opening. */
  readonly reminder: boolean;
}

/**
 * Opens a human step the workflow waits on (`waitForTaskToken`): stores it as a task with its
 * token (so the staff API can answer the workflow), makes it the complaint's current step, and
 * emails the role's mailbox. A retried invocation (the same token, or a new one after a failed
 * attempt) carries on with what the first stored, sent and counted: nothing twice.
 */
export async function openTask(table: string, input: CreateTaskInput, now = new Date()): Promise<OpenedTask> {
  const id = taskIdFor(input.ref, taskSuffixForToken(input.taskToken));
  // Strongly read: the task notice sent by an earlier attempt is looked for here (sendOnce).
  const { record, tasks, sentMail } = await getPartition(table, input.ref, { consistent: true });
  // Withdrawn or referred while no task was waiting: this step is not opened; the workflow's
  // Catch of the error takes the complaint to its closing note and filing.
  if (record?.ending && input.step !== 'filing') {
    throw new ComplaintEndedError(
      `Complaint ${input.ref} was ${record.ending.kind}: ${input.step} is not opened`,
    );
  }
  // The workflow carries the area it started with; a complaint moved to another area since
  // (POST /api/complaints/{ref}/area) opens its next tasks there. The record comes with the
  // partition read above, so this costs no extra call.
  const area = record?.area ?? input.area;
  // A retry (new token) carries on the turn its failed attempt began, so it is counted once.
  const earlier = earlierAttempt(tasks, input.step, id);
  const overdueSince = overdueSinceFor(input.late, tasks, id, now);
  const task: StoredTask = {
    id,
    ref: input.ref,
    area,
    step: input.step,
    role: input.role,
    ...(input.role === 'department' && record?.department ? { department: record.department } : {}),
    ...(input.assignee ? { assignee: input.assignee } : {}),
    ...(input.late ? { late: input.late } : {}),
    ...(input.failure ? { failure: input.failure } : {}),
    // The step's clock is paused: this task waits for its resume (domain/pause.ts).
    ...(input.paused && record?.pause
      ? {
          paused: {
            reason: record.pause.reason,
            ...(record.pause.until ? { until: record.pause.until } : {}),
            ...(record.pause.note ? { note: record.pause.note } : {}),
          },
        }
      : {}),
    ...(overdueSince ? { overdueSince } : {}),
    // My tasks shows these without reading the record (the partition read above has it).
    ...(record ? { complaint: taskComplaintOf(record) } : {}),
    createdAt: now.toISOString(),
    dueAt: dueAt(now, input.timeoutSeconds, input.due?.from),
    status: 'open',
    taskToken: input.taskToken,
    attemptOf: earlier ? (earlier.attemptOf ?? earlier.id) : id,
  };
  // One step at a time: a task left open by an earlier step (a window that ran out) closes now;
  // one of this step left by an attempt that failed (a retry comes with a new token) is void.
  await closeTasks(
    table,
    tasks,
    now,
    (open) => (open.step === task.step ? 'cancelled' : 'timed-out'),
    task.id,
  );
  const created = await putTask(table, task);
  if (!created) logger.info('Task already stored for this token (retried invocation)', { taskId: task.id });
  // A retry for the same token carries on with the task as first stored (its times).
  const stored = created ? task : ((await getTask(table, task.ref, task.id)) ?? task);
  const reminder = input.late?.overdue === 'escalationManager' && task.step === 'escalationManager';
  // The supervisor's review shows a suggested category and department (issue 19 §3); a failure
  // to make one never keeps the review from opening.
  const suggestion =
    task.step === 'supervisorReview' && record && !record.suggestion
      ? await suggestionFor(table, record, now).catch((error: unknown) => {
          logger.error('No triage suggestion', { ref: task.ref, error: (error as Error).name });
          return undefined;
        })
      : undefined;
  // An escalation task opening is the complaint raised to that level (the report counts it):
  // once per turn, whichever attempt gets here first (an earlier one may have, then failed).
  // The record carries the step's deadline too, as the task was stored with it (a retry's
  // stored times): the list and its export show the deadline the workflow enforces.
  await updateRecord(
    table,
    task.ref,
    {
      currentStep: task.step,
      currentDue: {
        step: task.step,
        taskId: stored.id,
        dueAt: stored.dueAt,
        ...(stored.overdueSince ? { overdueSince: stored.overdueSince } : {}),
      },
      ...(suggestion ? { suggestion } : {}),
    },
    factsOfTaskOpened(task.step, reminder),
    factCause('opened', stored.attemptOf ?? stored.id),
  );
  // Keyed by the task: a retried invocation writes the line it may have missed, never a second one.
  const action = reminder ? 'reminder-task-opened' : 'task-opened';
  const eventKey = `${action}.${task.id}`;
  const opened: AuditEvent = {
    ref: task.ref,
    at: stored.createdAt,
    actor: SYSTEM_ACTOR,
    role: SYSTEM_ACTOR,
    action,
    details: {
      taskId: task.id,
      step: task.step,
      role: task.role,
      dueAt: stored.dueAt,
      procedureStep: STEPS[task.step].procedureStep,
    },
  };
  let openedFiled = false;
  // Sent once per turn even when this invocation is a retry: one that found the task stored, or
  // one with a new token after an attempt that had emailed (its link opens the complaint, which
  // shows the task now open).
  if (STEPS[task.step].emailOnOpen || reminder || task.late) {
    const sending = sendOnce({
      table,
      ref: task.ref,
      key: `task:${stored.attemptOf ?? task.id}`,
      // A department's task goes to that department's mailbox, as its work order did.
      to: [
        task.department ? departmentAddress(task.department, task.area) : staffAddress(task.role, task.area),
      ],
      content: taskMail({
        ref: task.ref,
        step: task.step,
        dueAt: stored.dueAt,
        taskUrl: `${appUrl()}/tasks/${encodeURIComponent(task.id)}`,
        reminder,
      }),
      kind: reminder ? 'task-reminder' : 'task-notice',
      audience: 'staff',
      sentMail,
      // Sent now: the task's audit line goes with the notice's correspondence line.
      alsoOnceSent: () => [auditEventItem(opened, eventKey)],
    });
    // The step that failed may have failed for the mail service itself: the task that resolves
    // it must open all the same (My tasks shows it; the WorkflowErrorToResolve alarm tells ops).
    const notice =
      task.step === 'resolveWorkflowError'
        ? await sending.catch((error: unknown) => {
            logger.error('Workflow error task opened without its notice', {
              ref: task.ref,
              taskId: task.id,
              error: (error as Error).name,
            });
            return { sent: false };
          })
        : await sending;
    openedFiled = notice.sent;
  }
  if (!openedFiled) await appendAuditEventOnce(table, opened, eventKey);
  return { taskId: task.id, reminder };
}
