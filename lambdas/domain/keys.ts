/**
 * Key layout of the single table (see config/table.ts). One partition per complaint keeps
 * the record, its tasks, correspondence and audit trail together: one Query reads it all.
 */
export const complaintPk = (ref: string) => `C#${ref}`;
export const RECORD_SK = 'RECORD';
export const taskSk = (taskId: string) => `TASK#${taskId}`;
export const eventSk = (at: string, seq: string) => `EVENT#${at}#${seq}`;
/**
 * An email sent once under `key` (e.g. `owner:plan:1`): its line on the correspondence, which
 * is also the mark that it was sent, so a retried handler finds it with the partition it reads.
 */
export const sentMailSk = (key: string) => `MAIL#OUT#${key}`;

/**
 * GSI1: open tasks for a role in an area, ordered by when each is overdue from (its due time;
 * for a level of the ladder a missed deadline opened, its opening), so the overdue ones are a
 * range read.
 */
export const openTasksPk = (role: string, area: string) => `OPEN#${role}#${area}`;
export const openTasksSk = (overdueFrom: string, taskId: string) => `${overdueFrom}#${taskId}`;

/** GSI2: complaints by area and month of receipt (YYYY-MM). */
/** Owner contact key for GSI3: email when there is one, else the phone's digits. */
export function ownerContactKey(owner: { email?: string; phone?: string }): string | undefined {
  if (owner.email) return `OWNER#email:${owner.email.toLowerCase()}`;
  if (owner.phone) return `OWNER#phone:${owner.phone.replace(/\D/g, '')}`;
  return undefined;
}

export const areaMonthPk = (area: string, receivedAt: string) => `AREA#${area}#${receivedAt.slice(0, 7)}`;

/**
 * Task ids carry the complaint reference so `/api/tasks/{id}` finds the partition without a
 * lookup table: `<ref>.<suffix>`.
 */
export function taskIdFor(ref: string, suffix: string): string {
  return `${ref}.${suffix}`;
}

export function refOfTaskId(taskId: string): string | undefined {
  const dot = taskId.lastIndexOf('.');
  return dot > 0 ? taskId.slice(0, dot) : undefined;
}

/** The mail log: every message received, by day, whatever became of it. */
export const mailLogPk = (receivedAt: string) => `MAILLOG#${receivedAt.slice(0, 10)}`;
export const mailLogSk = (sesMessageId: string) => `MSG#${sesMessageId}`;
