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

/** The request clashes with the current state (a task already completed, a step timed out). */
export class StateConflictError extends Error {
  override name = 'StateConflictError';
}
