import { beforeAll, describe, expect, it } from 'vitest';
import { UPLOAD_PREFIX } from '#config/attachments.ts';
import { MAIL_ATTACHMENT_PREFIX } from '#domain/mail/intake.ts';
import { RAW_MAIL_PREFIX } from '../../lib/access.ts';
import {
  allowedActions,
  arnOf,
  BASE_ACTIONS,
  logicalId,
  resource,
  resourcesFor,
  roleStatements,
  type Synthesized,
  synthesize,
  TABLE_KEY_ACTIONS,
} from './support.ts';

/**
 * The retention job in the stack (issue 16 §6): a daily EventBridge Scheduler schedule, a role
 * that may invoke only that function, and the function's own grants — the area/month index,
 * the complaint partitions, and deleting files only under the prefixes owners' mail and scans
 * are stored under. Synthesis runs cdk-nag (support.ts): an unacknowledged finding fails here.
 */
let built: Synthesized;
beforeAll(() => {
  built = synthesize({ context: { workflowSettings: '{"retentionYears":7}' } });
});

const retentionSchedules = () =>
  Object.values(built.template.findResources('AWS::Scheduler::Schedule')).filter(
    (s) =>
      JSON.stringify(s.Properties.Target.Arn) ===
      JSON.stringify(arnOf(built.stack.retention.handler.function)),
  );

describe('the retention schedule', () => {
  it('runs the retention function every day at 03:30 Hong Kong time with its scheduled time as the clock', () => {
    const all = retentionSchedules();
    expect(all).toHaveLength(1);
    expect(all[0]?.Properties).toMatchObject({
      ScheduleExpression: 'cron(30 3 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Hong_Kong',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    const target = all[0]?.Properties.Target;
    expect(JSON.parse(target.Input)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(target.RoleArn).toEqual(arnOf(built.stack.retention.schedulerRole));
    expect(target.DeadLetterConfig).toEqual({ Arn: arnOf(built.stack.retention.deadLetterQueue) });
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
  });

  it('is run by a role that may invoke that one function and dead-letter, nothing else', () => {
    const { retention } = built.stack;
    const role = logicalId(retention.schedulerRole);
    expect(
      resource(built.template, 'AWS::IAM::Role', role).Properties.AssumeRolePolicyDocument.Statement[0]
        .Principal,
    ).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(
      roleStatements(built.template, role)
        .flatMap((s) => s.Action)
        .sort(),
    ).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    expect(resourcesFor(built.template, role, 'lambda:InvokeFunction')).toEqual([
      arnOf(retention.handler.function),
    ]);
  });
});

describe('the retention function', () => {
  it('may read and write complaint items, query the area/month index only, delete owners’ files, and nothing else', () => {
    const { retention } = built.stack;
    expect(allowedActions(built.template, retention.handler)).toEqual(
      [
        ...BASE_ACTIONS,
        ...TABLE_KEY_ACTIONS,
        'dynamodb:BatchWriteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        's3:DeleteObject',
        // Its own dead-letter queue, for an invocation that fails every retry.
        'sqs:SendMessage',
      ].sort(),
    );
    const role = logicalId(retention.handler.role);
    expect(resourcesFor(built.template, role, 'dynamodb:Query')).toContainEqual({
      'Fn::Join': ['', [arnOf(built.stack.data.table), '/index/ComplaintsByAreaMonth']],
    });
    expect(JSON.stringify(resourcesFor(built.template, role, 'dynamodb:Query'))).not.toMatch(
      /OpenTasksByRoleArea|ComplaintsByOwnerContact/,
    );
  });

  it('deletes files only under incoming/ of the raw-mail bucket and uploads/ and mail/ of the attachments bucket', () => {
    const { retention, data } = built.stack;
    const sorted = (list: unknown[]) => list.map((r) => JSON.stringify(r)).sort();
    const deletable = resourcesFor(built.template, logicalId(retention.handler.role), 's3:DeleteObject');
    expect(sorted(deletable)).toEqual(
      sorted([
        { 'Fn::Join': ['', [arnOf(data.rawMailBucket), `/${RAW_MAIL_PREFIX}*`]] },
        { 'Fn::Join': ['', [arnOf(data.attachmentsBucket), `/${UPLOAD_PREFIX}*`]] },
        { 'Fn::Join': ['', [arnOf(data.attachmentsBucket), `/${MAIL_ATTACHMENT_PREFIX}*`]] },
      ]),
    );
  });

  it('is given the table, the two buckets and the workflow settings with the configured retention', () => {
    const { retention, data } = built.stack;
    const variables = resource(built.template, 'AWS::Lambda::Function', logicalId(retention.handler.function))
      .Properties.Environment.Variables as Record<string, unknown>;
    expect(variables).toMatchObject({
      TABLE_NAME: { Ref: logicalId(data.table) },
      RAW_MAIL_BUCKET: { Ref: logicalId(data.rawMailBucket) },
      ATTACHMENTS_BUCKET: { Ref: logicalId(data.attachmentsBucket) },
    });
    expect(JSON.parse(String(variables.WORKFLOW_SETTINGS)).retentionYears).toBe(7);
  });
});
