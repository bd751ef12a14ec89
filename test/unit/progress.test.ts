import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW_SETTINGS, WORKING_DAY_MINUTES, workflowSettingsFrom } from '#config/workflow.ts';
import { calendarFor, dueTable } from '#domain/deadlines.ts';
import {
  freshUpdate,
  nextProgressAt,
  ProgressNoticesInput,
  progressEveryDays,
  progressFrom,
  withUpdate,
} from '#domain/progress.ts';

const signature = (at: string) => ({ by: 'eng-1', role: 'department', at });

describe('progress notices (issue 17 §3)', () => {
  it('plans the next notice 5 working days on, skipping Hong Kong, Taiwan and mainland holidays', () => {
    // Monday 21 December 2026, 10:00 HKT: Christmas (Fri 25th) is a public holiday in Hong Kong.
    const from = new Date('2026-12-21T10:00:00+08:00');
    expect(nextProgressAt(calendarFor('kowloon-east'), from, 5)).toBe(
      new Date('2026-12-29T10:00:00+08:00').toISOString(),
    );
    // Thursday 31 December: New Year's Day (Friday) and the weekend are skipped.
    expect(nextProgressAt(calendarFor('kowloon-east'), new Date('2026-12-31T15:00:00+08:00'), 1)).toBe(
      new Date('2027-01-04T15:00:00+08:00').toISOString(),
    );
    expect(nextProgressAt(calendarFor('kowloon-east'), from, 0)).toBeUndefined();
  });

  it('takes a category’s own interval over the default, and 0 turns them off', () => {
    const settings = workflowSettingsFrom(
      JSON.stringify({
        progressNotices: { everyBusinessDays: 5, byCategory: { noise: 0, 'water-leak': 3 } },
      }),
    );
    expect(progressEveryDays(settings, 'water-leak')).toBe(3);
    expect(progressEveryDays(settings, 'noise')).toBe(0);
    expect(progressEveryDays(settings, 'lift')).toBe(5);
    expect(progressEveryDays(DEFAULT_WORKFLOW_SETTINGS, undefined)).toBe(5);
    const none = progressFrom({ category: 'noise' }, settings, calendarFor('kowloon-east'), new Date());
    expect(none.nextAt).toBeUndefined();
  });

  it('refuses an interval that is not a whole number of working days from 0 to 60, naming it', () => {
    expect(() =>
      workflowSettingsFrom(JSON.stringify({ progressNotices: { everyBusinessDays: 2.5 } })),
    ).toThrow(/progressNotices.everyBusinessDays/);
    expect(() =>
      workflowSettingsFrom(JSON.stringify({ progressNotices: { byCategory: { noise: 61 } } })),
    ).toThrow(/progressNotices.byCategory.noise/);
  });

  it('wakes the work at the earlier of its deadline and the next notice; its deadline stays its own', () => {
    const now = new Date('2026-12-21T10:00:00+08:00');
    const plannedCompletion = '2027-01-29T18:00:00+08:00';
    const progressAt = '2026-12-29T10:00:00+08:00';
    const table = dueTable({
      now,
      area: 'kowloon-east',
      settings: DEFAULT_WORKFLOW_SETTINGS,
      plannedCompletion,
      progressAt,
    });
    expect(table.workInProgress).toBe((Date.parse(plannedCompletion) - now.getTime()) / 1000);
    expect(table.workWake).toBe((Date.parse(progressAt) - now.getTime()) / 1000);
    const off = dueTable({
      now,
      area: 'kowloon-east',
      settings: DEFAULT_WORKFLOW_SETTINGS,
      plannedCompletion,
    });
    expect(off.workWake).toBe(off.workInProgress);
    // A notice already due wakes it at once (a second: the least Step Functions waits).
    const late = dueTable({
      now,
      area: 'kowloon-east',
      settings: DEFAULT_WORKFLOW_SETTINGS,
      plannedCompletion,
      progressAt: '2026-12-20T10:00:00+08:00',
    });
    expect(late.workWake).toBe(1);
  });

  it('keeps the newest 20 lines, and knows whether the department answered since it was asked', () => {
    let progress = { notices: 0, updates: [] as { text: string; by: string; role: string; at: string }[] };
    for (let i = 0; i < 25; i++) {
      progress = withUpdate(progress, {
        ...signature(`2026-12-${String(i + 1).padStart(2, '0')}T10:00:00.000Z`),
        text: `line ${i}`,
      }) as typeof progress;
    }
    expect(progress.updates).toHaveLength(20);
    expect(progress.updates.at(-1)?.text).toBe('line 24');
    expect(freshUpdate({ ...progress, requestedAt: '2026-12-24T00:00:00.000Z' })?.text).toBe('line 24');
    expect(freshUpdate({ ...progress, requestedAt: '2026-12-26T00:00:00.000Z' })).toBeUndefined();
    expect(WORKING_DAY_MINUTES).toBe(540);
  });

  it('asks for a reason to turn them off, and nothing else to turn them on', () => {
    expect(ProgressNoticesInput.safeParse({ off: true, reason: '業主要求' }).success).toBe(true);
    expect(ProgressNoticesInput.safeParse({ off: false }).success).toBe(true);
    const noReason = ProgressNoticesInput.safeParse({ off: true, reason: '  ' });
    expect(noReason.error?.issues[0]?.path).toEqual(['reason']);
    expect(ProgressNoticesInput.safeParse({ off: 'yes' }).success).toBe(false);
  });
});
