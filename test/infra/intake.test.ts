import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { RAW_MAIL_PREFIX } from '../../lib/access.ts';
import {
  allowedActions,
  arnOf,
  logicalId,
  resource,
  resourcesFor,
  type Synthesized,
  synthesize,
} from './support.ts';

const ADDRESSES = ['complaints@mail.estate.example', 'fax@mail.estate.example'];

let built: Synthesized;
let rule: ReturnType<typeof resource>;
beforeAll(() => {
  built = synthesize({
    context: { intakeDomain: 'mail.estate.example', intakeAddresses: ADDRESSES.join(',') },
  });
  const { rule: receiptRule } = built.stack.intake;
  if (!receiptRule) throw new Error('The one-region stack receives with SES: it has a receipt rule');
  rule = resource(built.template, 'AWS::SES::ReceiptRule', logicalId(receiptRule));
});

describe('the SES receipt rule', () => {
  it('belongs to the stack’s rule set and accepts exactly the configured intake addresses', () => {
    expect(rule.Properties.RuleSetName).toEqual({
      Ref: logicalId(built.stack.intake.ruleSet ?? built.stack),
    });
    expect(rule.Properties.Rule.Recipients).toEqual(ADDRESSES);
    expect(rule.Properties.Rule.Enabled).toBe(true);
  });

  it('scans every message for spam and viruses', () => {
    expect(rule.Properties.Rule.ScanEnabled).toBe(true);
  });

  it('stores the raw message in S3 first, then invokes the intake function asynchronously', () => {
    expect(rule.Properties.Rule.Actions).toEqual([
      {
        S3Action: {
          BucketName: { Ref: logicalId(built.stack.data.rawMailBucket) },
          ObjectKeyPrefix: RAW_MAIL_PREFIX,
        },
      },
      { LambdaAction: { FunctionArn: arnOf(built.stack.intake.handler.function), InvocationType: 'Event' } },
    ]);
  });

  it('is created only after SES may write to the bucket and invoke the function', () => {
    const permission = built.template.findResources('AWS::Lambda::Permission', {
      Properties: { Principal: 'ses.amazonaws.com' },
    });
    expect(Object.keys(permission)).toHaveLength(1);
    const [permissionId, sesPermission] = Object.entries(permission)[0] ?? [];
    expect(sesPermission?.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: arnOf(built.stack.intake.handler.function),
      Principal: 'ses.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
    const bucketPolicyId = logicalId(built.stack.data.rawMailBucket.policy ?? built.stack.data.rawMailBucket);
    expect(rule.DependsOn).toEqual(expect.arrayContaining([bucketPolicyId, permissionId]));
  });

  it('lets SES put objects only under the incoming/ prefix, from this account', () => {
    built.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(built.stack.data.rawMailBucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [arnOf(built.stack.data.rawMailBucket), `/${RAW_MAIL_PREFIX}*`]] },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
  });

  it('has the intake domain as an SES identity', () => {
    built.template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'mail.estate.example' });
  });
});

describe('the intake-email function', () => {
  it('finds the raw mail, the attachments bucket, the table, the workflow and its intake addresses in its environment', () => {
    const fn = resource(
      built.template,
      'AWS::Lambda::Function',
      logicalId(built.stack.intake.handler.function),
    );
    expect(fn.Properties.Environment.Variables).toMatchObject({
      RAW_MAIL_BUCKET: { Ref: logicalId(built.stack.data.rawMailBucket) },
      RAW_MAIL_PREFIX,
      ATTACHMENTS_BUCKET: { Ref: logicalId(built.stack.data.attachmentsBucket) },
      TABLE_NAME: { Ref: logicalId(built.stack.data.table) },
      STATE_MACHINE_ARN: { Ref: logicalId(built.stack.workflow.stateMachine) },
      INTAKE_ADDRESSES: ADDRESSES.join(','),
      // Mail from these domains is our staff's and departments' (held, never an owner's).
      STAFF_EMAIL_PATTERN: expect.stringContaining('@'),
      DEPARTMENT_EMAIL_PATTERN: expect.stringContaining('@'),
    });
  });

  it('may read raw messages, store attachments under mail/, use the table, start complaint executions and answer their tasks', () => {
    const handler = built.stack.intake.handler;
    expect(allowedActions(built.template, handler)).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
        's3:GetObject',
        's3:PutObject',
        'sqs:SendMessage',
        'dynamodb:BatchWriteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'kms:Decrypt',
        'kms:Encrypt',
        'kms:GenerateDataKey*',
        'kms:ReEncrypt*',
        'states:StartExecution',
        // An owner's verified reply that withdraws the complaint fails its waiting task.
        'states:SendTaskFailure',
        'states:SendTaskHeartbeat',
        'states:SendTaskSuccess',
        // A fax that needs transcription: its OCR started (an event invocation), nothing else.
        'lambda:InvokeFunction',
      ].sort(),
    );
    const roleId = logicalId(handler.role);
    expect(resourcesFor(built.template, roleId, 'lambda:InvokeFunction')).toEqual([
      arnOf(built.stack.faxOcr.handler.function),
    ]);
    const table = arnOf(built.stack.data.table);
    expect(resourcesFor(built.template, roleId, 'dynamodb:PutItem')).toEqual([table]);
    expect(resourcesFor(built.template, roleId, 'dynamodb:BatchWriteItem')).toEqual([table]);
    // Query on the table (a complaint's partition) and on the owner-contact index only.
    expect(resourcesFor(built.template, roleId, 'dynamodb:Query')).toEqual([
      table,
      { 'Fn::Join': ['', [table, '/index/ComplaintsByOwnerContact']] },
    ]);
    expect(resourcesFor(built.template, roleId, 's3:GetObject')).toEqual([
      { 'Fn::Join': ['', [arnOf(built.stack.data.rawMailBucket), `/${RAW_MAIL_PREFIX}*`]] },
    ]);
    expect(resourcesFor(built.template, roleId, 's3:PutObject')).toEqual([
      { 'Fn::Join': ['', [arnOf(built.stack.data.attachmentsBucket), '/mail/*']] },
    ]);
    expect(resourcesFor(built.template, roleId, 'states:StartExecution')).toEqual([
      { Ref: logicalId(built.stack.workflow.stateMachine) },
    ]);
    expect(resourcesFor(built.template, roleId, 'states:SendTaskFailure')).toEqual([
      { Ref: logicalId(built.stack.workflow.stateMachine) },
    ]);
    expect(resourcesFor(built.template, roleId, 'sqs:SendMessage')).toEqual([
      arnOf(built.stack.intake.deadLetterQueue),
    ]);
  });

  it('keeps events that failed every retry in an encrypted dead-letter queue', () => {
    const fn = resource(
      built.template,
      'AWS::Lambda::Function',
      logicalId(built.stack.intake.handler.function),
    );
    expect(fn.Properties.DeadLetterConfig).toEqual({ TargetArn: arnOf(built.stack.intake.deadLetterQueue) });
    built.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(built.stack.intake.handler.function) },
      MaximumRetryAttempts: 2,
    });
    const queue = resource(built.template, 'AWS::SQS::Queue', logicalId(built.stack.intake.deadLetterQueue));
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('raises an alarm as soon as a message waits in the dead-letter queue', () => {
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(built.stack.intake.deadLetterQueue), 'QueueName'] },
        },
      ],
      AlarmActions: [{ Ref: logicalId(built.stack.alarms.topic) }],
    });
  });
});
