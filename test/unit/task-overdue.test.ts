import { describe, expect, it } from 'vitest';
import { isOverdue, overdueSinceFor, type StoredTask } from '#domain/tasks.ts';

/** A step that missed its deadline keeps its complaint overdue while the ladder has it. */
const task = (overrides: Partial<StoredTask>): StoredTask => ({
  id: 'KE-2612-0001.a',
  ref: 'KE-2612-0001',
  area: 'kowloon-east',
  step: 'supervisorReview',
  role: 'supervisor',
  createdAt: '2026-12-07T01:00:00.000Z',
  dueAt: '2026-12-07T10:00:00.000Z',
  status: 'open',
  taskToken: 'token',
  attemptOf: 'KE-2612-0001.a',
  ...overrides,
});
const NOW = new Date('2026-12-08T02:00:00Z');

describe('overdue tasks', () => {
  it('is overdue past its due time, or from when the step it stands for went overdue', () => {
    expect(isOverdue(task({}), NOW)).toBe(true);
    expect(isOverdue(task({ status: 'completed' }), NOW)).toBe(false);
    const level = task({ step: 'escalationCustomerService', dueAt: '2026-12-09T10:00:00.000Z' });
    expect(isOverdue(level, NOW)).toBe(false);
    expect(isOverdue({ ...level, overdueSince: '2026-12-07T10:00:00.000Z' }, NOW)).toBe(true);
  });

  it('carries the lateness up the ladder, by timeout or by decision, but not onto a complaint sent up for another reason', () => {
    const review = task({ status: 'timed-out' });
    const timedOut = { step: 'supervisorReview', level: 'customer-service', overdue: 'supervisorReview' };
    // From the deadline the review missed, which the workflow timed it out at, to the second.
    expect(overdueSinceFor(timedOut, [review], 'b', NOW)).toBe(review.dueAt);
    expect(overdueSinceFor(timedOut, [], 'b', NOW)).toBe(NOW.toISOString());
    const level = task({
      id: 'KE-2612-0001.b',
      step: 'escalationCustomerService',
      createdAt: '2026-12-07T10:00:01.000Z',
      late: timedOut,
      overdueSince: '2026-12-07T10:00:01.000Z',
      status: 'completed',
    });
    const sentUp = { step: 'supervisorReview', level: 'manager', reason: 'escalated' };
    expect(overdueSinceFor(sentUp, [review, level], 'c', NOW)).toBe('2026-12-07T10:00:01.000Z');
    const reminder = { step: 'supervisorReview', level: 'manager', overdue: 'escalationManager' };
    expect(overdueSinceFor(reminder, [review, level], 'c', NOW)).toBe('2026-12-07T10:00:01.000Z');
    const obstacle = { step: 'workInProgress', level: 'customer-service', reason: 'obstacle' };
    expect(overdueSinceFor(obstacle, [task({ step: 'workInProgress', status: 'completed' })], 'c', NOW)).toBe(
      undefined,
    );
    expect(overdueSinceFor(undefined, [review], 'c', NOW)).toBe(undefined);
  });
});
