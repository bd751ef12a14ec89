import {
  Arn,
  ArnFormat,
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { EmailIdentity, Identity, type ReceiptRule, ReceiptRuleSet } from 'aws-cdk-lib/aws-ses';
import { S3 as S3Action } from 'aws-cdk-lib/aws-ses-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FUNCTIONS } from '#config/functions.ts';
import { applyAccess, RAW_MAIL_PREFIX } from './access.ts';
import { sesBounceRateAlarm } from './constructs/alarms.ts';
import { HandlerFunction } from './constructs/handler-function.ts';
import { complaintMailRule } from './constructs/intake.ts';
import type { Settings } from './deploy-settings.ts';

/**
 * How long the intake region keeps a received message: the home region's raw-mail bucket is
 * the record; this copy only has to outlive the queue (14 days, its longest) so that a message
 * waiting in the dead-letter queue can still be forwarded once the cause is fixed.
 */
export const RECEIVED_MAIL_DAYS = 30;
/** Receives before a message goes to the dead-letter queue: ~5 hours of retries, 6 minutes apart. */
export const FORWARD_ATTEMPTS = 50;

/** The home raw-mail bucket's name, fixed so the intake region's stack can write to it. */
export function homeRawMailBucketName(settings: Settings): string {
  const prefix = settings.stackName.toLowerCase().slice(0, 26).replace(/-+$/, '');
  return `${prefix}-raw-mail-${Aws.ACCOUNT_ID}-${settings.region}`;
}

/** The home intake-email function's name, fixed so the intake region's stack can invoke it. */
export function homeIntakeFunctionName(settings: Settings): string {
  return `${settings.stackName.slice(0, 48)}-intake-email`;
}

export interface IntakeRegionStackProps extends StackProps {
  readonly settings: Settings;
}

/**
 * A split deployment's intake (README, "Deploying to AWS"): the data and the workflow stay in
 * the home region (e.g. ap-east-1, Hong Kong, where SES does not receive email), and this small
 * stack in an SES receiving region takes the mail in and forwards it.
 *
 * SES's receipt rule scans each message, stores it in a bucket here (kept 30 days) and
 * publishes its notification — with the spam, virus, SPF, DKIM and DMARC verdicts intake reads
 * — to a topic; the topic's queue hands it to the forwarder, which copies the message to the
 * home raw-mail bucket and invokes intake-email there with SES's own event. Why a queue and not
 * SES's Lambda action (which would invoke the forwarder directly) nor an S3 event (which would
 * start it from the stored object): an S3 event carries no verdicts, and a Lambda action's
 * event is retried twice within at most six hours, then only dead-lettered; the queue keeps
 * each message, retried every six minutes for about five hours (`FORWARD_ATTEMPTS`), through an
 * outage of the home region, then in its dead-letter queue for up to 14 days, with alarms on
 * both. Copying and invoking are idempotent (the SES message id is the key), so a redelivery
 * doubles nothing. SES also sends from this region: the domain identity is verified here.
 */
export class IntakeRegionStack extends Stack {
  public readonly receivedBucket: Bucket;
  public readonly ruleSet: ReceiptRuleSet;
  public readonly rule: ReceiptRule;
  public readonly identity?: EmailIdentity;
  public readonly notifications: Topic;
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly forwarder: HandlerFunction;
  public readonly alarmTopic: Topic;
  public readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: IntakeRegionStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const homeRegion = settings.region;
    if (!homeRegion || !settings.intakeRegion) {
      throw new Error('IntakeRegionStack needs settings.region (home) and settings.intakeRegion');
    }

    const accessLogs = new Bucket(this, 'AccessLogsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(400) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.receivedBucket = new Bucket(this, 'ReceivedMailBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'received-mail/',
      lifecycleRules: [{ id: 'expire-forwarded-mail', expiration: Duration.days(RECEIVED_MAIL_DAYS) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Notifications name senders and subjects: TLS only, and only SES of this account publishes.
    this.notifications = new Topic(this, 'ReceivedMail', {
      displayName: 'Complaint mail received, to forward to the home region',
      enforceSSL: true,
    });
    this.notifications.addToResourcePolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        resources: [this.notifications.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'ForwardQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Six times the forwarder's timeout, as Lambda's SQS integration advises.
      visibilityTimeout: Duration.minutes(6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: FORWARD_ATTEMPTS },
    });
    this.notifications.addSubscription(new SqsSubscription(this.queue, { rawMessageDelivery: true }));

    if (settings.createIntakeIdentity) {
      // Receiving needs the domain verified here; the DKIM records it outputs also sign what SES sends.
      this.identity = new EmailIdentity(this, 'DomainIdentity', {
        identity: Identity.domain(settings.intakeDomain),
      });
    }
    this.ruleSet = new ReceiptRuleSet(this, 'RuleSet');
    this.rule = this.ruleSet.addRule('ComplaintMail', {
      ...complaintMailRule(settings.intakeAddresses),
      actions: [
        new S3Action({
          bucket: this.receivedBucket,
          objectKeyPrefix: RAW_MAIL_PREFIX,
          topic: this.notifications,
        }),
      ],
    });

    const homeIntake = LambdaFunction.fromFunctionAttributes(this, 'HomeIntakeEmail', {
      functionArn: Arn.format(
        {
          service: 'lambda',
          resource: 'function',
          resourceName: homeIntakeFunctionName(settings),
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          region: homeRegion,
        },
        this,
      ),
      sameEnvironment: false,
      skipPermissions: true,
    });
    const homeRawMail = Bucket.fromBucketAttributes(this, 'HomeRawMailBucket', {
      bucketName: homeRawMailBucketName(settings),
      region: homeRegion,
    });
    this.forwarder = new HandlerFunction(this, 'ForwardMail', {
      spec: FUNCTIONS.forwardMail,
      logRetention: settings.logRetention ?? RetentionDays.ONE_YEAR,
    });
    applyAccess(this.forwarder, {
      settings,
      rawMail: { bucket: homeRawMail, region: homeRegion },
      intakeFunction: homeIntake,
    });
    // The copy's source: what SES stored here, under incoming/ (named in each notification).
    this.forwarder.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectTagging'],
        resources: [this.receivedBucket.arnForObjects(`${RAW_MAIL_PREFIX}*`)],
      }),
    );
    Validations.of(this.forwarder.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.receivedBucket.node.defaultChild as CfnBucket)}.Arn>/${RAW_MAIL_PREFIX}*]`,
      reason:
        'Received messages are keyed by their SES message id, unknown in advance; reading is limited to the incoming/ prefix the receipt rule writes.',
    });
    this.forwarder.function.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Complaint mail intake alarms',
      enforceSSL: true,
    });
    if (settings.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(settings.alarmEmail));
    const alarms: Alarm[] = [];
    const add = (alarmId: string, description: string, metric: IMetric, threshold = 1) => {
      const alarm = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(this.alarmTopic));
      alarms.push(alarm);
    };
    const period = Duration.minutes(5);
    add(
      'ForwardMailErrors',
      'The mail forwarder failed: owners’ mail waits in the intake region’s queue',
      this.forwarder.function.metricErrors({ period, statistic: 'Sum' }),
    );
    add(
      'ForwardingDelayed',
      'Mail has waited over 30 minutes to reach the home region (is intake-email there reachable?)',
      this.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
      30 * 60,
    );
    add(
      'DeadLetters',
      'A received message could not be forwarded for hours and waits in the dead-letter queue: redrive it once the cause is fixed (docs/operations.md)',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
    );
    // SES sends from this region too (the identity is verified here): its bounce rate is here.
    sesBounceRateAlarm(add);
    this.alarms = alarms;

    new CfnOutput(this, 'ReceiptRuleSetName', {
      value: this.ruleSet.receiptRuleSetName,
      description:
        'CloudFormation cannot activate a receipt rule set: run `aws ses set-active-receipt-rule-set --region <intakeRegion> --rule-set-name <this>` once after the first deploy',
    });
    new CfnOutput(this, 'ForwardDeadLetterQueueArn', {
      value: this.deadLetterQueue.queueArn,
      description: 'Redrive with aws sqs start-message-move-task --source-arn <this> (docs/operations.md)',
    });
  }
}
