import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW_SETTINGS } from '#config/workflow.ts';
import {
  COMPANY,
  type OpenTaskRow,
  type PreviousRow,
  ReportAggregator,
  type ReportRow,
  type RowMeasures,
  type ScopeStats,
  satisfiedShare,
} from '#domain/report/aggregate.ts';
import { parsePeriod, previousPeriod } from '#domain/report/period.ts';
import { handMadeItems, REPORT_MONTH } from '../report/fixture.ts';

const period = parsePeriod(REPORT_MONTH);
const previous = previousPeriod(period);
const NOW = new Date('2026-11-25T04:00:00Z');

let aggregator: ReportAggregator;
let company: ScopeStats;
let ke: ScopeStats;
let hki: ScopeStats;
const measures = new Map<string, RowMeasures>();

beforeAll(() => {
  aggregator = new ReportAggregator({ period, previous, now: NOW, settings: DEFAULT_WORKFLOW_SETTINGS });
  const inside = (at: string, p: { start: string; end: string }) => at >= p.start && at < p.end;
  for (const item of handMadeItems()) {
    if (item.type === 'complaint' && inside(String(item.receivedAt), period)) {
      measures.set(String(item.ref), aggregator.add(item as unknown as ReportRow));
    } else if (item.type === 'complaint' && inside(String(item.receivedAt), previous)) {
      aggregator.addPrevious(item as unknown as PreviousRow);
    } else if (item.type === 'task') {
      aggregator.addOpenTask(item as unknown as OpenTaskRow);
    }
  }
  const scopes = aggregator.scopeData();
  company = scopes[COMPANY] as ScopeStats;
  ke = scopes['kowloon-east'] as ScopeStats;
  hki = scopes['hk-island'] as ScopeStats;
});

describe('the report figures of the hand-made month', () => {
  it('count the complaints received in November company time, including 01:00 on the 1st, not 00:30 on 1 December', () => {
    expect(aggregator.rows).toBe(8);
    expect(company.received).toEqual({ current: 8, previous: 3 });
    expect(ke.received).toEqual({ current: 5, previous: 2 });
    expect(hki.received).toEqual({ current: 3, previous: 1 });
  });

  it('break them down by area, channel, category and department, with the previous month', () => {
    expect(company.areas).toEqual({
      'kowloon-east': { current: 5, previous: 2 },
      'hk-island': { current: 3, previous: 1 },
    });
    expect(company.channels).toEqual({
      phone: { current: 2, previous: 1 },
      email: { current: 3, previous: 2 },
      'walk-in': { current: 1, previous: 0 },
      letter: { current: 1, previous: 0 },
      fax: { current: 1, previous: 0 },
    });
    expect(company.categories).toEqual({
      'water-leak': { current: 3, previous: 1 },
      noise: { current: 2, previous: 1 },
      repairs: { current: 2, previous: 1 },
      uncategorised: { current: 1, previous: 0 },
    });
    expect(company.departments).toEqual({
      engineering: { current: 5, previous: 2 },
      security: { current: 2, previous: 1 },
      unassigned: { current: 1, previous: 0 },
    });
    expect(company.status).toEqual({ open: 3, closed: 5 });
    expect(company.outcomes).toEqual({ resolved: 4, rejected: 1 });
  });

  it('measure acknowledgement in business minutes: an in-person apology is immediate, a Sunday email takes none', () => {
    expect(company.acknowledgement).toEqual({
      measured: 7,
      pending: 0,
      totalMinutes: 124,
      maxMinutes: 120,
      withinTarget: 7,
      buckets: [6, 1, 0, 0, 0, 0],
    });
    expect(measures.get('KE-2611-0003')?.acknowledgementMinutes).toBe(0);
    expect(measures.get('KE-2611-0005')?.acknowledgementMinutes).toBe(0);
    expect(measures.get('KE-2611-0004')?.acknowledgementMinutes).toBe(120);
  });

  it("measure the supervisor's signature against its target, longer when the complaint was clarified first", () => {
    expect(company.signature).toEqual({
      measured: 7,
      pending: 0,
      totalMinutes: 2340,
      maxMinutes: 1080,
      withinTarget: 6,
      buckets: [2, 2, 2, 1, 0, 0],
    });
    // Friday 09:30 to Monday 09:30 is exactly one working day: within a one-day target.
    expect(measures.get('HKI-2611-0001')?.signatureMinutes).toBe(540);
    expect(measures.get('KE-2611-0002')?.signatureMinutes).toBe(240);
  });

  it('compare committed with actual completion, counting the first commitment', () => {
    expect(company.completion).toEqual({
      committed: 6,
      onTime: 3,
      late: 1,
      lateMinutes: 60,
      overdue: 2,
      notDue: 0,
      extended: 1,
    });
    expect(company.completionByDepartment).toEqual({ engineering: { onTime: 3, late: 1 } });
    expect(measures.get('KE-2611-0002')).toMatchObject({ completion: 'late', lateMinutes: 60 });
    expect(measures.get('KE-2611-0003')?.completion).toBe('overdue');
  });

  it('share deadlines met per step and per department', () => {
    expect(company.deadlinesByStep).toEqual({
      clarify: { met: 1, missed: 0 },
      acknowledgeCall: { met: 1, missed: 0 },
      supervisorReview: { met: 7, missed: 1 },
      departmentCommitment: { met: 5, missed: 1 },
      workInProgress: { met: 3, missed: 2 },
    });
    expect(company.deadlinesByDepartment).toEqual({
      engineering: { met: 7, missed: 2 },
      security: { met: 1, missed: 1 },
    });
  });

  it('count escalations per level and who resolved them', () => {
    expect(company.escalatedComplaints).toBe(4);
    expect(company.escalations).toEqual({
      supervisor: {
        raised: 3,
        resolved: 2,
        escalated: 1,
        closed: 0,
        timedOut: 0,
        resolvers: { 'supervisor.kowloon-east': 1, 'supervisor.hk-island': 1 },
      },
      'customer-service': {
        raised: 2,
        resolved: 1,
        escalated: 0,
        closed: 0,
        timedOut: 1,
        resolvers: { 'customer-service.hk-island': 1 },
      },
      manager: { raised: 1, resolved: 0, escalated: 0, closed: 0, timedOut: 0, resolvers: {} },
    });
    expect(measures.get('KE-2611-0003')?.highestLevel).toBe('manager');
  });

  it('list reopened complaints and every open complaint past its deadline, whatever month it came in', () => {
    expect(company.reopened).toEqual({ complaints: 1, reopens: 1 });
    expect(aggregator.reopened).toEqual([
      { ref: 'KE-2611-0002', area: 'kowloon-east', category: 'water-leak', reopenCount: 1 },
    ]);
    expect(company.openPastDeadline).toBe(4);
    expect(ke.openPastDeadline).toBe(4);
    expect(hki.openPastDeadline).toBe(0);
    expect(
      aggregator
        .pastDeadline()
        .map((t) => [t.ref, t.step, t.lateStep ?? null])
        .sort(),
    ).toEqual([
      ['KE-2609-0007', 'escalationCustomerService', 'workInProgress'],
      ['KE-2611-0003', 'escalationManager', 'workInProgress'],
      ['KE-2611-0004', 'departmentCommitment', null],
      ['KE-2611-0005', 'workInProgress', null],
    ]);
  });

  it('counts a complaint past its deadline by the rule My tasks and the list apply, late from when the step ran out', () => {
    const report = new ReportAggregator({ period, previous, now: NOW, settings: DEFAULT_WORKFLOW_SETTINGS });
    const ladderTask = (ref: string, fields: Partial<OpenTaskRow>): OpenTaskRow => ({
      ref,
      area: 'kowloon-east',
      step: 'escalationCustomerService',
      role: 'customer-service',
      createdAt: '2026-11-24T02:00:00Z',
      dueAt: '2026-11-26T02:00:00Z', // tomorrow: the level's own deadline is still to come
      ...fields,
    });
    // Sent up by the supervisor's decision, not by a timeout: the work's missed deadline stays.
    report.addOpenTask(
      ladderTask('KE-2611-0101', {
        late: { step: 'workInProgress', level: 'customer-service', reason: 'escalated' },
        overdueSince: '2026-11-23T10:00:00Z', // Monday 18:00 Hong Kong time
      }),
    );
    // Sent up for an obstacle: nothing was late, so it is not past a deadline.
    report.addOpenTask(
      ladderTask('KE-2611-0102', {
        late: { step: 'workInProgress', level: 'customer-service', reason: 'obstacle' },
      }),
    );
    const [late, ...others] = report.pastDeadline();
    expect(others).toEqual([]);
    expect(late).toMatchObject({
      ref: 'KE-2611-0101',
      lateStep: 'workInProgress',
      overdueSince: '2026-11-23T10:00:00Z',
      // Tuesday 09:00–18:00 and Wednesday 09:00–12:00: twelve business hours late.
      overdueMinutes: 12 * 60,
    });
    expect(report.scopeData()[COMPANY]?.openPastDeadline).toBe(1);
  });

  it('count satisfaction by area, department and category, leaving out the rejected complaint', () => {
    expect(company.satisfaction).toEqual({
      satisfied: 1,
      'basically-satisfied': 1,
      dissatisfied: 1,
      'no-answer': 1,
      pending: 3,
    });
    expect(satisfiedShare(company.satisfaction)).toBeCloseTo(2 / 3, 10);
    expect(company.satisfactionPrevious).toEqual({
      satisfied: 1,
      'basically-satisfied': 0,
      dissatisfied: 1,
      'no-answer': 0,
      pending: 0,
    });
    expect(company.satisfactionByDepartment.security).toEqual({
      satisfied: 0,
      'basically-satisfied': 0,
      dissatisfied: 0,
      'no-answer': 0,
      pending: 2,
    });
    expect(company.satisfactionByCategory['water-leak']).toEqual({
      satisfied: 1,
      'basically-satisfied': 0,
      dissatisfied: 1,
      'no-answer': 0,
      pending: 1,
    });
    expect(hki.satisfactionByArea['hk-island']).toEqual({
      satisfied: 0,
      'basically-satisfied': 1,
      dissatisfied: 0,
      'no-answer': 1,
      pending: 0,
    });
  });

  it('find repeat complainants by contact and recurring buildings and units', () => {
    expect(aggregator.repeatOwners()).toEqual([
      { key: 'OWNER#email:a@example.com', count: 2 },
      { key: 'OWNER#phone:85291234567', count: 2 },
    ]);
    expect(
      aggregator.recurring('building', 2).map((l) => [l.building, l.category, l.count, l.previous]),
    ).toEqual([
      ['海濱花園第三座', 'water-leak', 3, 1],
      ['德福花園C座', 'noise', 2, 1],
      ['杏花邨第8座', 'repairs', 2, 1],
    ]);
    expect(aggregator.recurring('unit', 2).map((l) => [l.building, l.unit, l.count, l.previous])).toEqual([
      ['德福花園C座', '3樓A室', 2, 1],
      ['海濱花園第三座', '12樓B室', 2, 1],
    ]);
    expect(aggregator.subjectCount({ kind: 'category', area: 'hk-island', category: 'repairs' })).toBe(2);
    expect(
      aggregator.subjectCount({
        kind: 'unit',
        area: 'kowloon-east',
        building: ' 德福花園C座',
        unit: '3樓A室',
      }),
    ).toBe(2);
  });
});
