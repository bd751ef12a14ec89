/** One line of the audit trail: the signatures and steps of the paper Form 17. */
export interface AuditEvent {
  readonly ref: string;
  readonly at: string;
  /** Username of a staff member, or `system` for the workflow itself. */
  readonly actor: string;
  readonly role: string;
  readonly action: string;
  readonly details?: Record<string, unknown>;
}

export const SYSTEM_ACTOR = 'system';
