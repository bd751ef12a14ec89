import type { ENDED_ERROR } from '#config/workflow.ts';

/** Domain errors; the API edge turns each into its HTTP status (lambdas/commons/http.ts). */
export class ValidationError extends Error {
  override name = 'ValidationError';
  readonly errors: { field: string; message: string }[];
  constructor(errors: { field: string; message: string }[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.errors = errors;
  }
}

export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/**
 * A conditional write lost to another one (two people answering one task at once): the
 * adapters throw it when a condition check fails; the API answers 409 as for a state conflict.
 */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** The request clashes with the current state (a task already completed, a step timed out). */
export class StateConflictError extends Error {
  override name = 'StateConflictError';
}

/**
 * The complaint was withdrawn or referred (domain/ending.ts) before the workflow opened this
 * step's task: create-task fails with it, and the state machine's Catch of `Complaint.Ended`
 * (the error name, which Lambda reports as the error type) takes it to *Record ending*.
 */
export class ComplaintEndedError extends Error {
  override name = 'Complaint.Ended' satisfies typeof ENDED_ERROR;
}
