import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW_SETTINGS, workflowSettingsFrom } from '#config/workflow.ts';
import { calendarFor } from '#domain/deadlines.ts';
import { applyDecision, DECISION_SCHEMAS } from '#domain/decisions.ts';
import { needsApproval } from '#domain/pause.ts';

/** Issue 17 §2: a department's pause longer than `pauseApprovalDays` waits for the supervisor. */
describe('pauseApprovalDays', () => {
  it('defaults to ten working days and takes a whole number from 0 to 60', () => {
    expect(workflowSettingsFrom(undefined).pauseApprovalDays).toBe(10);
    expect(workflowSettingsFrom('{"pauseApprovalDays":0}').pauseApprovalDays).toBe(0);
    expect(workflowSettingsFrom('{"pauseApprovalDays":20}').pauseApprovalDays).toBe(20);
    for (const bad of ['-1', '61', '2.5', '"ten"', 'null']) {
      expect(() => workflowSettingsFrom(`{"pauseApprovalDays":${bad}}`)).toThrow(
        /pauseApprovalDays must be a whole number of working days from 0 to 60/,
      );
    }
  });
});

describe('needsApproval', () => {
  const calendar = calendarFor('kowloon-east');
  // A Monday morning in Hong Kong.
  const now = new Date('2026-11-02T09:00:00+08:00');
  const settings = { pauseApprovalDays: 10 };
  const inWorkingDays = (days: number) => calendar.addBusinessMinutes(now, days * 9 * 60).toISOString();

  it('asks for a department pause over the limit, or until an event', () => {
    expect(needsApproval({ until: inWorkingDays(10) }, 'department', now, calendar, settings)).toBe(false);
    expect(needsApproval({ until: inWorkingDays(11) }, 'department', now, calendar, settings)).toBe(true);
    expect(needsApproval({}, 'department', now, calendar, settings)).toBe(true);
    expect(
      needsApproval({ until: inWorkingDays(1) }, 'department', now, calendar, { pauseApprovalDays: 0 }),
    ).toBe(true);
  });

  it('never asks for the supervisor’s own pause, or head office’s', () => {
    for (const role of ['supervisor', 'customer-service', 'manager']) {
      expect(needsApproval({}, role, now, calendar, settings)).toBe(false);
    }
  });
});

describe('the pauseApproval decision', () => {
  const pause = {
    step: 'departmentCommitment' as const,
    reason: 'parts' as const,
    remainingMinutes: 300,
    approval: 'requested' as const,
    by: 'engineering.kowloon-east',
    role: 'department',
    at: '2026-11-02T01:00:00.000Z',
  };
  const actor = { by: 'supervisor.kowloon-east', role: 'supervisor', at: '2026-11-02T02:00:00.000Z' };
  const ctx = (record: object) =>
    ({ record, actor, now: new Date(actor.at), settings: DEFAULT_WORKFLOW_SETTINGS }) as Parameters<
      typeof applyDecision
    >[2];

  it('refusing needs a note', () => {
    const schema = DECISION_SCHEMAS.pauseApproval;
    expect(schema.safeParse({ action: 'approve' }).success).toBe(true);
    const bare = schema.safeParse({ action: 'refuse' });
    expect(bare.success).toBe(false);
    expect(bare.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['note']);
    expect(schema.safeParse({ action: 'refuse', note: '先約業主' }).success).toBe(true);
  });

  it('marks the waiting pause approved or refused, signed on the audit line', () => {
    const approved = applyDecision('pauseApproval', { action: 'approve' }, ctx({ pause }));
    expect(approved.fields).toEqual({ pause: { ...pause, approval: 'approved' } });
    expect(approved.audit.action).toBe('pause-approved');
    expect(approved.decision).toEqual({ action: 'approve' });
    const refused = applyDecision('pauseApproval', { action: 'refuse', note: '先約業主' }, ctx({ pause }));
    expect(refused.fields).toEqual({ pause: { ...pause, approval: 'refused' } });
    expect(refused.audit).toEqual({
      action: 'pause-refused',
      details: { step: 'departmentCommitment', note: '先約業主' },
    });
  });

  it('finds nothing to decide when no pause waits', () => {
    const effect = applyDecision('pauseApproval', { action: 'approve' }, ctx({}));
    expect(effect.errors).toEqual([{ field: 'action', message: 'No pause waits for approval' }]);
  });
});
