import { createHash } from 'node:crypto';
import { z } from 'zod';
import { STAFF_ROLES } from '../../config/roles.ts';

/** What the state machine passes to create-task for a human step of the procedure. */
export const CreateTaskInput = z.object({
  taskToken: z.string().min(1),
  ref: z.string().min(1),
  area: z.string().min(1),
  step: z.string().min(1),
  role: z.enum(STAFF_ROLES),
  /** Seconds until the step is overdue; the state machine times the task out at the same moment. */
  timeoutSeconds: z.number().int().positive(),
  assignee: z.string().optional(),
});
export type CreateTaskInput = z.infer<typeof CreateTaskInput>;

export interface Task {
  readonly id: string;
  readonly ref: string;
  readonly area: string;
  readonly step: string;
  readonly role: string;
  readonly assignee?: string;
  readonly createdAt: string;
  readonly dueAt: string;
  readonly status: 'open' | 'completed' | 'timed-out';
}

/**
 * A task's id is derived from its token, so a retried create-task invocation for the same
 * callback finds the task it already stored instead of opening a second one.
 */
export function taskSuffixForToken(taskToken: string): string {
  return createHash('sha256').update(taskToken).digest('base64url').slice(0, 12);
}

export function dueAt(now: Date, timeoutSeconds: number): string {
  return new Date(now.getTime() + timeoutSeconds * 1000).toISOString();
}
