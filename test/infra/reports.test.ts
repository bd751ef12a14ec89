import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPORTS_PREFIX } from '../../lib/access.ts';
import { readSettings } from '../../lib/deploy-settings.ts';
import {
  allowedActions,
  arnOf,
  logicalId,
  resource,
  resourcesFor,
  roleStatements,
  type Synthesized,
  synthesize,
} from './support.ts';

let defaults: Synthesized;
let configured: Synthesized;
beforeAll(() => {
  defaults = synthesize();
  configured = synthesize({
    context: {
      reportSchedule: 'monthly,weekly',
      reportTime: '07:30',
      reportTimeZone: 'Asia/Taipei',
      reportRecipients: 'cs@estate.example, en:gm@estate.example',
      rectificationThresholds: '{"category":12,"unit":4}',
    },
  });
});

/** The report schedules (the retention job has its own: test/infra/retention.test.ts). */
const schedules = (built: Synthesized) =>
  Object.values(built.template.findResources('AWS::Scheduler::Schedule')).filter(
    (s) =>
      JSON.stringify(s.Properties.Target.Arn) === JSON.stringify(arnOf(built.stack.reports.handler.function)),
  );
const environment = (built: Synthesized) =>
  resource(built.template, 'AWS::Lambda::Function', logicalId(built.stack.reports.handler.function))
    .Properties.Environment.Variables as Record<string, unknown>;

describe('the report schedules', () => {
  it('run the monthly report on the 1st at 08:00 Hong Kong time by default, and no weekly one', () => {
    const all = schedules(defaults);
    expect(all).toHaveLength(1);
    expect(all[0]?.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 8 1 * ? *)',
      ScheduleExpressionTimezone: 'Asia/Hong_Kong',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    expect(JSON.parse(all[0]?.Properties.Target.Input)).toEqual({
      kind: 'month',
      scheduledTime: '<aws.scheduler.scheduled-time>',
    });
  });

  it('add the weekly report on Mondays, at the configured time and zone', () => {
    const expressions = schedules(configured).map((s) => [
      s.Properties.ScheduleExpression,
      s.Properties.ScheduleExpressionTimezone,
      JSON.parse(s.Properties.Target.Input).kind,
    ]);
    expect(expressions.sort()).toEqual([
      ['cron(30 7 1 * ? *)', 'Asia/Taipei', 'month'],
      ['cron(30 7 ? * MON *)', 'Asia/Taipei', 'week'],
    ]);
  });

  it('target the report function, retry, and dead-letter what they cannot deliver', () => {
    const { reports } = defaults.stack;
    const target = schedules(defaults)[0]?.Properties.Target;
    expect(target.Arn).toEqual(arnOf(reports.handler.function));
    expect(target.RoleArn).toEqual(arnOf(reports.schedulerRole));
    expect(target.DeadLetterConfig).toEqual({ Arn: arnOf(reports.deadLetterQueue) });
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
  });

  it('can be switched off', () => {
    const settings = readSettings(new App({ context: { reportSchedule: 'off' } }).node);
    expect(settings.reportSchedules).toEqual([]);
  });
});

describe("the scheduler's role", () => {
  it('is assumable by EventBridge Scheduler of this account only', () => {
    const role = resource(
      defaults.template,
      'AWS::IAM::Role',
      logicalId(defaults.stack.reports.schedulerRole),
    );
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('may invoke the report function and write to its dead-letter queue, nothing else', () => {
    const { reports } = defaults.stack;
    const statements = roleStatements(defaults.template, logicalId(reports.schedulerRole));
    expect(statements.flatMap((s) => s.Action).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    expect(
      resourcesFor(defaults.template, logicalId(reports.schedulerRole), 'lambda:InvokeFunction'),
    ).toEqual([arnOf(reports.handler.function)]);
    expect(resourcesFor(defaults.template, logicalId(reports.schedulerRole), 'sqs:SendMessage')).toEqual([
      arnOf(reports.deadLetterQueue),
    ]);
  });
});

describe('the report function', () => {
  it('writes files only under reports/ of the reports bucket', () => {
    const { reports, data } = defaults.stack;
    const role = logicalId(reports.handler.role);
    const objects = {
      'Fn::Join': ['', [arnOf(data.reportsBucket), `/${REPORTS_PREFIX}*`]],
    };
    expect(resourcesFor(defaults.template, role, 's3:PutObject')).toEqual([objects]);
    expect(resourcesFor(defaults.template, role, 's3:AbortMultipartUpload')).toEqual([objects]);
    expect(allowedActions(defaults.template, reports.handler)).not.toContain('s3:GetObject');
    expect(environment(defaults).REPORTS_BUCKET).toEqual({ Ref: logicalId(data.reportsBucket) });
  });

  it('queries the area/month, open-task and owner-contact indexes by name, and never scans', () => {
    const { reports, data } = defaults.stack;
    const role = logicalId(reports.handler.role);
    const queried = resourcesFor(defaults.template, role, 'dynamodb:Query');
    for (const index of ['ComplaintsByAreaMonth', 'OpenTasksByRoleArea', 'ComplaintsByOwnerContact']) {
      expect(queried).toContainEqual({ 'Fn::Join': ['', [arnOf(data.table), `/index/${index}`]] });
    }
    expect(allowedActions(defaults.template, reports.handler)).not.toContain('dynamodb:Scan');
  });

  it('emails the configured recipients with the configured thresholds', () => {
    expect(environment(defaults).REPORT_RECIPIENTS).toBe(
      'customer-service@complaints.example.com,manager@complaints.example.com',
    );
    expect(environment(defaults).REPORT_THRESHOLDS).toBeUndefined();
    expect(environment(configured).REPORT_RECIPIENTS).toBe('cs@estate.example,en:gm@estate.example');
    expect(JSON.parse(String(environment(configured).REPORT_THRESHOLDS))).toEqual({ category: 12, unit: 4 });
  });
});

describe('the reports bucket', () => {
  it('is encrypted, private, TLS-only and logs its access', () => {
    const { data } = defaults.stack;
    const bucket = resource(defaults.template, 'AWS::S3::Bucket', logicalId(data.reportsBucket));
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(
      bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({ SSEAlgorithm: 'AES256' });
    expect(bucket.Properties.LoggingConfiguration.LogFilePrefix).toBe('reports/');
    expect(bucket.DeletionPolicy).toBe('Retain');
  });
});

describe('report settings', () => {
  it('reject a bad schedule, time, zone or recipient, naming each', () => {
    expect(() =>
      readSettings(
        new App({
          context: {
            reportSchedule: 'daily',
            reportTime: '25:00',
            reportTimeZone: 'Mars/Olympus',
            reportRecipients: 'not an address',
            rectificationThresholds: '{"unit":1}',
          },
        }).node,
      ),
    ).toThrow(
      /reportSchedule "daily"[\s\S]*reportTime "25:00"[\s\S]*reportTimeZone "Mars\/Olympus"[\s\S]*reportRecipients[\s\S]*rectificationThresholds: unit/,
    );
  });
});
