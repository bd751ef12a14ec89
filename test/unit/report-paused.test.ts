import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW_SETTINGS } from '#config/workflow.ts';
import { COMPANY, ReportAggregator, type ReportRow, type ScopeStats } from '#domain/report/aggregate.ts';
import { parsePeriod, previousPeriod } from '#domain/report/period.ts';

/**
 * The periodic report's time paused per category and reason (issue 17 §2) and the progress
 * notices sent (§3): ended pauses count their business minutes, one still running counts to the
 * report's end, a complaint counts once per category however often it paused.
 */
const period = parsePeriod('2026-11');
const NOW = new Date('2026-11-30T10:00:00+08:00');

function row(ref: string, fields: Partial<ReportRow>): ReportRow {
  return {
    ref,
    receivedAt: '2026-11-02T02:00:00.000Z',
    channel: 'phone',
    area: 'kowloon-east',
    status: 'open',
    ...fields,
  };
}

describe('the report: time paused and progress notices', () => {
  it('sums the working time paused per category and per reason, a running pause to the report’s end', () => {
    const aggregator = new ReportAggregator({
      period,
      previous: previousPeriod(period),
      now: NOW,
      settings: DEFAULT_WORKFLOW_SETTINGS,
    });
    aggregator.add(
      row('KE-2611-0001', {
        category: 'water-leak',
        pauses: [
          { reason: 'owner-access', pausedMinutes: 540 },
          { reason: 'parts', pausedMinutes: 120 },
        ],
        progress: { notices: 2 },
      }),
    );
    aggregator.add(
      row('KE-2611-0002', {
        category: 'water-leak',
        // Running since Monday 30 November 09:00 HKT: an hour by the report's end at 10:00.
        pause: { reason: 'owner-access', at: '2026-11-30T01:00:00.000Z' },
      }),
    );
    aggregator.add(row('KE-2611-0003', { category: 'noise', progress: { notices: 1 } }));
    const company = aggregator.scopeData()[COMPANY] as ScopeStats;
    expect(company.pausedByCategory).toEqual({
      'water-leak': { complaints: 2, pauses: 3, minutes: 540 + 120 + 60 },
    });
    expect(company.pausedByReason).toEqual({
      'owner-access': { complaints: 2, pauses: 2, minutes: 600 },
      parts: { complaints: 1, pauses: 1, minutes: 120 },
    });
    expect(company.progressNotices).toBe(3);
  });
});
