import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW_SETTINGS } from '#config/workflow.ts';
import { type ComplaintRecord, fieldErrors } from '#domain/complaint.ts';
import { applyDecision, DECISION_SCHEMAS, EARLY_DONE_NEEDS_NOTE } from '#domain/decisions.ts';

/** The work-in-progress step's rule: done before the committed start needs a note saying why. */
const PLANNED_START = '2026-12-07T09:00:00+08:00';
const record = {
  ref: 'KE-2026-0001',
  commitment: {
    by: 'engineering.kowloon-east',
    role: 'department',
    at: '2026-12-01T10:00:00+08:00',
    plannedStart: PLANNED_START,
    plannedCompletion: '2026-12-09T18:00:00+08:00',
  },
} as unknown as ComplaintRecord;
const actor = { by: 'engineering.kowloon-east', role: 'department', at: '2026-12-07T12:00:00+08:00' };

function done(input: Record<string, unknown>, at = actor.at) {
  const parsed = DECISION_SCHEMAS.workInProgress.parse({ action: 'done', ...input });
  return applyDecision('workInProgress', parsed, {
    record,
    actor: { ...actor, at },
    now: new Date(at),
    settings: DEFAULT_WORKFLOW_SETTINGS,
  });
}

describe('reporting the work done', () => {
  it('asks for a note when the work was done before its committed start', () => {
    expect(done({ completedAt: '2026-12-06T15:00:00+08:00' }).errors).toEqual([
      { field: 'note', message: EARLY_DONE_NEEDS_NOTE },
    ]);
    expect(EARLY_DONE_NEEDS_NOTE).toBe('Say why the work was done before its committed start');
  });

  it('asks for it too when reported now, before the start, without a completion time', () => {
    expect(done({}, '2026-12-07T08:30:00+08:00').errors).toEqual([
      { field: 'note', message: EARLY_DONE_NEEDS_NOTE },
    ]);
  });

  it('takes an early completion that says why', () => {
    expect(done({ completedAt: '2026-12-06T15:00:00+08:00', note: '業主提早在家，順道完成' }).errors).toEqual(
      [],
    );
  });

  it('needs no note at or after the committed start', () => {
    expect(done({ completedAt: PLANNED_START }).errors).toEqual([]);
    expect(done({}).errors).toEqual([]);
  });
});

/** Customer service's answer to a step that failed after its retries, as the API checks it. */
function resolveProblems(body: unknown) {
  const result = DECISION_SCHEMAS.resolveWorkflowError.safeParse(body);
  return result.success ? [] : fieldErrors(result.error);
}

describe('resolving a workflow error', () => {
  const failure = {
    state: 'Tell owner the plan',
    error: { Error: 'Throttling', Cause: 'Maximum sending rate exceeded.' },
  };
  const cs = { by: 'customer-service.hk-island', role: 'customer-service', at: '2026-12-07T12:00:00+08:00' };
  const apply = (body: unknown) =>
    applyDecision('resolveWorkflowError', DECISION_SCHEMAS.resolveWorkflowError.parse(body), {
      record,
      actor: cs,
      now: new Date(cs.at),
      settings: DEFAULT_WORKFLOW_SETTINGS,
      failure,
    });

  it('retries with or without a note', () => {
    expect(resolveProblems({ action: 'retry' })).toEqual([]);
    expect(apply({ action: 'retry', note: 'SES 已恢復' })).toMatchObject({
      fields: {},
      decision: { action: 'retry' },
      audit: {
        action: 'workflow-step-retried',
        details: { failedState: 'Tell owner the plan', error: 'Throttling', note: 'SES 已恢復' },
      },
    });
  });

  it('needs a reason to skip: a message for the reason field, also when it is only spaces', () => {
    expect(resolveProblems({ action: 'skip' })).toEqual([
      { field: 'reason', message: 'Write why the step is skipped' },
    ]);
    expect(resolveProblems({ action: 'skip', reason: '   ' })).toEqual([
      { field: 'reason', message: 'Write why the step is skipped' },
    ]);
    expect(apply({ action: 'skip', reason: '已致電業主' })).toMatchObject({
      decision: { action: 'skip' },
      audit: {
        action: 'workflow-step-skipped',
        details: { failedState: 'Tell owner the plan', reason: '已致電業主' },
      },
    });
  });

  it('needs a reason to close by error, and records the outcome with who closed it and why', () => {
    expect(resolveProblems({ action: 'close-by-error' })).toEqual([
      { field: 'reason', message: 'Write why the complaint is closed by error' },
    ]);
    expect(resolveProblems({ action: 'close-by-error', reason: 'x'.repeat(5001) })).toEqual([
      { field: 'reason', message: 'Keep why the complaint is closed by error under 5000 characters' },
    ]);
    expect(apply({ action: 'close-by-error', reason: '重複投訴' })).toMatchObject({
      fields: {
        outcome: 'closed-by-error',
        closedByError: { ...cs, reason: '重複投訴', failedState: 'Tell owner the plan' },
      },
      decision: { action: 'close-by-error' },
      audit: { action: 'closed-by-error', details: { reason: '重複投訴' } },
    });
  });

  it('names the three actions when the action is missing or unknown', () => {
    const message = 'Choose an action: retry, skip, close-by-error';
    expect(resolveProblems({})).toEqual([{ field: 'action', message }]);
    expect(resolveProblems({ action: 'delete', reason: 'gone' })).toEqual([{ field: 'action', message }]);
  });
});

describe('the supervisor’s review', () => {
  it('refuses a department the catalogue does not have, at the department field (a 400 at the API)', () => {
    const signed = { action: 'sign', opinion: '安排維修', category: 'water-leak' };
    expect(
      DECISION_SCHEMAS.supervisorReview.safeParse({ ...signed, department: 'engineering' }).success,
    ).toBe(true);
    const refused = DECISION_SCHEMAS.supervisorReview.safeParse({ ...signed, department: 'plumbing' });
    if (refused.success) throw new Error('An unknown department was taken');
    const errors = fieldErrors(refused.error);
    expect(errors.map((e) => e.field)).toEqual(['department']);
    expect(errors[0]?.message).toMatch(/^Choose a department: engineering, /);
  });
});
