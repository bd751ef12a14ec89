import { describe, expect, it } from 'vitest';
import { csvCell as cell } from '#domain/csv.ts';
import { buildMime } from '#domain/mime.ts';
import {
  factsOfCompletion,
  factsOfOverdue,
  factsOfTaskOpened,
  parseDeadlineFact,
  parseEscalationFact,
} from '#domain/record-facts.ts';
import { CountTable, hash53 } from '#domain/report/aggregate.ts';
import { csvHeader } from '#domain/report/csv.ts';
import { byLanguage, parseRecipients } from '#domain/report/email.ts';
import {
  indexMonths,
  lastCompletePeriod,
  lastInstant,
  parsePeriod,
  previousPeriod,
} from '#domain/report/period.ts';
import { type Candidate, draftItem, scaledThreshold, thresholdsFrom } from '#domain/report/rectification.ts';
import { applyUpdate } from '#domain/report/rectification-update.ts';
import { nextRun, reportKindsFrom } from '../../local/runtime/scheduler.ts';

describe('report periods', () => {
  it('run a month from local midnight of the 1st, reading two UTC months of the index', () => {
    const november = parsePeriod('2026-11');
    expect(november).toMatchObject({
      start: '2026-10-31T16:00:00.000Z',
      end: '2026-11-30T16:00:00.000Z',
      firstDay: '2026-11-01',
      lastDay: '2026-11-30',
      days: 30,
    });
    expect(indexMonths(november)).toEqual(['2026-10', '2026-11']);
    expect(lastInstant(november)).toBe('2026-11-30T15:59:59.999Z');
    expect(previousPeriod(november).key).toBe('2026-10');
    expect(previousPeriod(parsePeriod('2026-01')).key).toBe('2025-12');
  });

  it('run an ISO week from Monday, across a year end', () => {
    expect(parsePeriod('2026-W48')).toMatchObject({ firstDay: '2026-11-23', lastDay: '2026-11-29', days: 7 });
    expect(parsePeriod('2026-W53')).toMatchObject({ firstDay: '2026-12-28', lastDay: '2027-01-03' });
    expect(previousPeriod(parsePeriod('2027-W01')).key).toBe('2026-W53');
    expect(indexMonths(parsePeriod('2026-W53'))).toEqual(['2026-12', '2027-01']);
    expect(() => parsePeriod('2025-W53')).toThrow(/2025 has no week 53/);
    expect(() => parsePeriod('2026-13')).toThrow(/not a month/);
  });

  it('are the last complete month or week when a schedule fires', () => {
    // 1 December 08:00 in Hong Kong is still 30 November in UTC.
    expect(lastCompletePeriod('month', new Date('2026-12-01T00:00:00Z')).key).toBe('2026-11');
    expect(lastCompletePeriod('week', new Date('2026-11-30T00:00:00Z')).key).toBe('2026-W48');
  });
});

describe('the local report schedule', () => {
  const HK = 8 * 3600_000;
  it('fires on the 1st of the month and on Mondays at the set local time', () => {
    expect(new Date(nextRun('month', Date.parse('2026-11-27T00:00:00Z'), 8, 0, HK)).toISOString()).toBe(
      '2026-12-01T00:00:00.000Z',
    );
    expect(new Date(nextRun('month', Date.parse('2026-12-01T00:00:00Z'), 8, 0, HK)).toISOString()).toBe(
      '2026-12-01T00:00:00.000Z',
    );
    expect(new Date(nextRun('week', Date.parse('2026-11-27T00:00:00Z'), 8, 0, HK)).toISOString()).toBe(
      '2026-11-30T00:00:00.000Z',
    );
    expect(new Date(nextRun('week', Date.parse('2026-11-30T01:00:00Z'), 8, 0, HK)).toISOString()).toBe(
      '2026-12-07T00:00:00.000Z',
    );
  });

  it('is monthly unless REPORT_SCHEDULE says otherwise', () => {
    expect(reportKindsFrom(undefined)).toEqual(['month']);
    expect(reportKindsFrom('monthly,weekly')).toEqual(['month', 'week']);
    expect(reportKindsFrom('off')).toEqual([]);
    expect(() => reportKindsFrom('daily')).toThrow(/REPORT_SCHEDULE=daily/);
  });
});

describe('summary facts kept on the record', () => {
  const actor = { by: 'supervisor.kowloon-east', role: 'supervisor', at: '2026-11-03T02:00:00.000Z' };

  it('record whether a step met its deadline, and who resolved an escalation', () => {
    expect(
      factsOfCompletion(
        { step: 'escalationSupervisor', dueAt: '2026-11-03T01:00:00.000Z' },
        { action: 'resolve' },
        { action: 'resolve' },
        actor,
      ),
    ).toEqual({
      deadlines: ['escalationSupervisor:missed'],
      escalations: ['supervisor:resolved:supervisor.kowloon-east'],
    });
  });

  it('keep the first committed completion and the phone acknowledgement', () => {
    expect(
      factsOfCompletion(
        { step: 'departmentCommitment', dueAt: '2026-11-04T01:00:00.000Z' },
        { plannedStart: 'x', plannedCompletion: '2026-11-10T10:00:00+08:00' },
        {},
        actor,
      ),
    ).toEqual({
      setOnce: { committedCompletion: '2026-11-10T10:00:00+08:00' },
      deadlines: ['departmentCommitment:met'],
    });
    expect(
      factsOfCompletion({ step: 'acknowledgeCall', dueAt: actor.at }, { reached: true }, {}, actor).setOnce,
    ).toEqual({ acknowledgedAt: actor.at });
    // The owner's own answers have no deadline to meet: running out is an answer.
    expect(
      factsOfCompletion({ step: 'ownerPlanResponse', dueAt: actor.at }, { action: 'accept' }, {}, actor),
    ).toEqual({});
  });

  it('count a level timing out, and an escalation task (not a reminder) as raised', () => {
    expect(factsOfOverdue('escalationCustomerService')).toEqual({
      deadlines: ['escalationCustomerService:missed'],
      escalations: ['customer-service:timed-out'],
    });
    expect(factsOfTaskOpened('escalationManager', false)).toEqual({ escalations: ['manager:raised'] });
    expect(factsOfTaskOpened('escalationManager', true)).toEqual({});
    expect(factsOfTaskOpened('supervisorReview', false)).toEqual({});
    expect(parseEscalationFact('supervisor:resolved:supervisor.kowloon-east')).toEqual({
      level: 'supervisor',
      event: 'resolved',
      by: 'supervisor.kowloon-east',
    });
    expect(parseDeadlineFact('workInProgress:missed')).toEqual({ step: 'workInProgress', met: false });
  });
});

describe('rectification items', () => {
  const candidate: Candidate = {
    subject: { kind: 'location', area: 'kowloon-east', building: '海濱花園第三座', category: 'water-leak' },
    count: 9,
    previousCount: 4,
    threshold: 8,
    refs: ['KE-2611-0001'],
    departments: { engineering: 8, cleaning: 1 },
  };
  const draft = draftItem(candidate, {
    reportId: 'r1',
    period: '2026-11',
    now: new Date('2026-12-01T00:00:00Z'),
    dueDays: 30,
    today: '2026-12-01',
  });
  const cs = {
    by: 'customer-service.kowloon-east',
    role: 'customer-service',
    at: '2026-12-02T02:00:00.000Z',
  };

  it('are drafted with the problem in three languages, the usual department and a due date', () => {
    expect(draft).toMatchObject({
      status: 'draft',
      department: 'engineering',
      dueDate: '2026-12-31',
      version: 1,
      subjectKey: 'location|kowloon-east|海濱花園第三座|water-leak',
    });
    expect(draft.problemDraft['zh-Hant']).toBe(
      '九龍東 海濱花園第三座「滲水漏水」本期投訴 9 宗（上期 4 宗），達到或超過門檻 8 宗。',
    );
    expect(draft.problemDraft.en).toMatch(/^Water leakage at 海濱花園第三座, Kowloon East: 9 complaints/);
  });

  it('are approved only with measures, then tracked to done, each step noted', () => {
    expect(() => applyUpdate(draft, { version: 1, status: 'approved' }, cs)).toThrow(/measures/);
    const approved = applyUpdate(draft, { version: 1, status: 'approved', measures: '更換喉管' }, cs);
    expect(approved).toMatchObject({
      status: 'approved',
      approvedBy: cs.by,
      version: 2,
      measures: '更換喉管',
    });
    expect(approved.notes).toEqual([{ ...cs, text: 'draft → approved', status: 'approved' }]);
    const done = applyUpdate(approved, { version: 2, status: 'done', note: '已更換' }, cs);
    expect(done).toMatchObject({ status: 'done', doneAt: cs.at, version: 3 });
    expect(() => applyUpdate(draft, { version: 1, status: 'done' }, cs)).toThrow(
      /can become approved or dropped/,
    );
    expect(() => applyUpdate(approved, { version: 1, note: 'x' }, cs)).toThrow(/changed since you opened it/);
  });

  it('take their thresholds from JSON over the defaults, scaled down for a week', () => {
    expect(thresholdsFrom('{"unit":2}')).toEqual({
      category: 10,
      categoryShare: 0.2,
      location: 8,
      unit: 2,
      dueDays: 30,
      maxDrafts: 20,
    });
    expect(() => thresholdsFrom('{"unit":1}')).toThrow(/REPORT_THRESHOLDS: unit/);
    expect(() => thresholdsFrom('{"units":3}')).toThrow(/REPORT_THRESHOLDS/);
    expect(scaledThreshold(8, 31)).toBe(8);
    expect(scaledThreshold(8, 7)).toBe(2);
    expect(scaledThreshold(30, 7)).toBe(7);
  });
});

describe('the counters kept per owner and per unit', () => {
  it('count by hash through growth, as a Map would', () => {
    const table = new CountTable();
    const map = new Map<number, number>();
    for (let i = 0; i < 50_000; i++) {
      const key = hash53(`OWNER#email:owner${i % 20_000}@example.com`);
      table.add(key, 1);
      map.set(key, (map.get(key) ?? 0) + 1);
    }
    expect(table.size).toBe(20_000);
    expect(new Map(table.entries())).toEqual(map);
    expect(table.get(hash53('OWNER#email:owner7@example.com'))).toBe(3);
    expect(table.get(hash53('nobody'))).toBe(0);
  });
});

describe('report files and email', () => {
  it('write CSV cells safely for spreadsheets, with a BOM for Excel', () => {
    expect(cell('海濱花園, 第三座')).toBe('"海濱花園, 第三座"');
    expect(cell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(cell('-3')).toBe("'-3");
    expect(csvHeader('en').startsWith('\uFEFFRef,Received,Area')).toBe(true);
  });

  it('read recipients with their languages, Traditional Chinese by default', () => {
    const recipients = parseRecipients('cs@estate.example, en:gm@estate.example, zh-Hans:sz@estate.example');
    expect([...byLanguage(recipients)]).toEqual([
      ['zh-Hant', ['cs@estate.example']],
      ['zh-Hans', ['sz@estate.example']],
      ['en', ['gm@estate.example']],
    ]);
    expect(() => parseRecipients('cs@estate.example, nobody')).toThrow(/'nobody' is not an address/);
  });

  it('attach a file to a raw message as multipart/mixed, named in UTF-8', () => {
    const raw = buildMime({
      from: 'complaints@estate.example',
      to: ['cs@estate.example'],
      subject: '投訴分析報告',
      text: 'text',
      html: '<p>html</p>',
      messageId: 'm@estate.example',
      attachments: [
        { filename: '投訴-2026-11.csv', contentType: 'text/csv; charset=UTF-8', content: 'a,b\r\n' },
      ],
    });
    expect(raw).toMatch(/Content-Type: multipart\/mixed; boundary="=_mixed_/);
    expect(raw).toMatch(/Content-Type: multipart\/alternative; boundary="=_alt_/);
    expect(raw).toContain(`filename*=UTF-8''${encodeURIComponent('投訴-2026-11.csv')}`);
    expect(raw).toContain(Buffer.from('a,b\r\n').toString('base64'));
    // Without attachments the message is as before: one multipart/alternative.
    const plain = buildMime({
      from: 'a@x.com',
      to: ['b@x.com'],
      subject: 's',
      text: 't',
      html: 'h',
      messageId: 'm@x.com',
    });
    expect(plain).not.toContain('multipart/mixed');
  });
});
