import { Duration } from 'aws-cdk-lib';
import { Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  COST_ASSUMPTIONS,
  customMetricNames,
  FIXED_PRICES,
  initSecondsOf,
  type Measured,
  monthlyBill,
  shapeTemplates,
  templateFacts,
} from '../../bench/cost.ts';
import { buildApp } from '../../lib/app.ts';

/**
 * The all-in monthly bill (`npm run bench -- cost`): its fixed lines come from the synthesised
 * templates, so a resource added to the stack shows up on the bill without anyone editing it.
 * The per-complaint work here is a fixture of the size the workflow benchmark measures.
 */
const path = (transitions: number, invocations: number, emailsSent: number) => ({
  measure: {
    transitions,
    invocations,
    apiRequests: 21,
    dynamoWrites: 55,
    dynamoReads: 50,
    emailsSent,
    states: [],
  },
  byFunction: new Map([
    ['create-task', 9],
    ['notify-owner', 4],
    ['create-complaint', 1],
  ]),
});
const MEASURED: Measured = {
  happy: path(21, 36, 7),
  ladder: path(35, 44, 11),
  stored: { bytes: 21_000, items: 37 },
};

let templates: ReturnType<typeof shapeTemplates>;
beforeAll(() => {
  templates = shapeTemplates();
});

describe('the monthly bill of 1,000 complaints', () => {
  it('lists every charge the issue names, for each deployment shape, within $15', () => {
    for (const [shape, shapeTemplatesOf] of Object.entries(templates)) {
      const bill = monthlyBill(shape as never, templateFacts(shapeTemplatesOf), MEASURED, new Map());
      const lines = bill.lines.map((line) => line.line);
      for (const expected of [
        /^Lambda init duration/,
        /^KMS customer-managed keys/,
        /^CloudWatch alarms/,
        /^Secrets Manager/,
        /^CloudWatch Logs storage/,
        /^S3 storage: 3 years/,
        /^Cognito/,
        /^CloudFront/,
        /^Step Functions transitions/,
      ]) {
        expect(
          lines.some((line) => expected.test(line)),
          `${shape}: ${expected}`,
        ).toBe(true);
      }
      for (const line of bill.lines) expect(Number.isFinite(line.usd) && line.usd >= 0, line.line).toBe(true);
      expect(bill.total, shape).toBeLessThanOrEqual(15);
      expect(bill.total).toBeCloseTo(
        bill.lines.reduce((sum, line) => sum + line.usd, 0),
        10,
      );
    }
  });

  it('counts what the templates hold: the alarms, keys and secrets of each shape', () => {
    const facts = templateFacts(templates.mailbox);
    const bill = monthlyBill('mailbox', facts, MEASURED, new Map());
    const line = (name: RegExp) => bill.lines.find((l) => name.test(l.line))?.usd ?? Number.NaN;
    expect(facts.counts['AWS::SecretsManager::Secret']).toBe(2);
    expect(line(/^Secrets Manager/)).toBeGreaterThanOrEqual(2 * FIXED_PRICES.secretMonth);
    expect(line(/^SES emails sent/)).toBe(0);
    expect(line(/^Mailbox polls/)).toBeGreaterThan(0);
    expect(facts.pollRatesMinutes).toEqual([1]);
    expect(line(/^CloudWatch alarms/)).toBeCloseTo(
      (facts.counts['AWS::CloudWatch::Alarm'] ?? 0) * FIXED_PRICES.alarmMonth,
      10,
    );
    // The split deployment's intake stack is on its bill too.
    const split = templateFacts(templates['split-region']);
    expect(split.counts['AWS::SQS::Queue']).toBeGreaterThan(
      templateFacts(templates['one-region']).counts['AWS::SQS::Queue'] ?? 0,
    );
  });

  it('grows by an alarm’s price when the stack gets one more alarm', () => {
    const bare = buildApp({ checks: false, context: { 'aws:cdk:bundling-stacks': [] } });
    const template = () => bare.app.synth({ force: true }).getStackByName(bare.stack.stackName).template;
    const before = monthlyBill('one-region', templateFacts([template()]), MEASURED, new Map()).total;
    new Alarm(bare.stack, 'OneMore', {
      metric: new Metric({ namespace: 'Test', metricName: 'Test', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    const after = monthlyBill('one-region', templateFacts([template()]), MEASURED, new Map()).total;
    expect(after - before).toBeCloseTo(FIXED_PRICES.alarmMonth, 10);
  });

  it('finds every custom metric the handlers publish, computed names included', () => {
    const names = customMetricNames();
    expect(names).toEqual(
      expect.arrayContaining(['ComplaintsReceived', 'ManagerReminded', 'TasksOpened', 'Rectification_done']),
    );
    expect(new Set(names).size).toBe(names.length);
  });

  it('bills init from the measured ratio, or the three-client figure where none was measured', () => {
    expect(initSecondsOf('create-task', new Map([['lambda.init_ratio.create-task', 2]])).seconds).toBeCloseTo(
      0.268,
      6,
    );
    expect(
      initSecondsOf(
        'create-task',
        new Map([
          ['lambda.init_over_sdk_floor.create-task', 1.2],
          ['lambda.init_ratio.sdk_only', 2.5],
        ]),
      ).seconds,
    ).toBeCloseTo(0.134 * 3, 6);
    expect(initSecondsOf('create-task', new Map())).toEqual({
      seconds: COST_ASSUMPTIONS.awsHelloInitSeconds * COST_ASSUMPTIONS.fallbackInitRatio,
      from: 'assumed',
    });
  });
});
