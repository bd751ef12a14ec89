import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW_SETTINGS } from '#config/workflow.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { applyDecision, DECISION_SCHEMAS, EARLY_DONE_NEEDS_NOTE } from '#domain/decisions.ts';

/** The work-in-progress step's rule: done before the committed start needs a note saying why. */
const PLANNED_START = '2026-12-07T09:00:00+08:00';
const record = {
  ref: 'KE-2026-0001',
  commitment: {
    by: 'department.kowloon-east',
    role: 'department',
    at: '2026-12-01T10:00:00+08:00',
    plannedStart: PLANNED_START,
    plannedCompletion: '2026-12-09T18:00:00+08:00',
  },
} as unknown as ComplaintRecord;
const actor = { by: 'department.kowloon-east', role: 'department', at: '2026-12-07T12:00:00+08:00' };

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
