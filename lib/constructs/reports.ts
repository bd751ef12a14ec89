import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTIONS } from '#config/functions.ts';
import { applyAccess } from '../access.ts';
import type { Settings } from '../deploy-settings.ts';
import type { DataStore } from './data.ts';
import { HandlerFunction } from './handler-function.ts';

export type ReportKind = 'month' | 'week';

export interface ReportsProps {
  readonly data: DataStore;
  /** Deployment settings (lib/deploy-settings.ts): recipients, thresholds, sender, app links. */
  readonly settings: Settings;
  /** Which reports run on schedule. @default settings.reportSchedules (monthly) */
  readonly schedules?: readonly ReportKind[];
  /** Local time of day, `HH:MM`. @default settings.reportTime ('08:00') */
  readonly time?: string;
  /** IANA time zone of `time`. @default settings.reportTimeZone ('Asia/Hong_Kong') */
  readonly timeZone?: string;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
}

/**
 * Procedure step 10 on schedule: EventBridge Scheduler runs the report function on the 1st of
 * each month (the month before) and, when configured, every Monday (the week before), at a
 * local time in the company's time zone. The scheduler's role may invoke that one function
 * and nothing else; a delivery that fails every retry lands in a dead-letter queue. Each run
 * carries its scheduled time, which names the report, so a repeated delivery makes no second
 * report and sends no second email.
 */
export class Reports extends Construct {
  public readonly handler: HandlerFunction;
  public readonly schedulerRole: Role;
  public readonly deadLetterQueue: Queue;
  /** The schedules, by kind. */
  public readonly schedules: ReadonlyMap<ReportKind, CfnSchedule>;

  constructor(scope: Construct, id: string, props: ReportsProps) {
    super(scope, id);
    const { settings } = props;
    const kinds = props.schedules ?? settings.reportSchedules;
    const [hour, minute] = (props.time ?? settings.reportTime).split(':').map(Number) as [number, number];
    const timeZone = props.timeZone ?? settings.reportTimeZone;

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.handler = new HandlerFunction(this, 'Report', {
      spec: FUNCTIONS.runScheduledReport,
      logRetention: props.logRetention ?? RetentionDays.ONE_YEAR,
      // Scheduler invokes asynchronously: a run that fails after Lambda's retries is kept here.
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
    });
    applyAccess(this.handler, { data: props.data, settings });

    const stack = Stack.of(this);
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description:
        'EventBridge Scheduler: invokes the report function, and dead-letters what it cannot deliver',
    });
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.handler.function.functionArn],
      }),
    );
    // SendMessage only: grantSendMessages would add GetQueueAttributes and GetQueueUrl too.
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    );

    const schedules = new Map<ReportKind, CfnSchedule>();
    for (const kind of kinds) {
      schedules.set(
        kind,
        new CfnSchedule(this, kind === 'month' ? 'Monthly' : 'Weekly', {
          description:
            kind === 'month'
              ? 'Monthly complaint analysis report (the month before), procedure step 10'
              : 'Weekly complaint analysis report (the week before)',
          scheduleExpression:
            kind === 'month' ? `cron(${minute} ${hour} 1 * ? *)` : `cron(${minute} ${hour} ? * MON *)`,
          scheduleExpressionTimezone: timeZone,
          flexibleTimeWindow: { mode: 'OFF' },
          state: 'ENABLED',
          target: {
            arn: this.handler.function.functionArn,
            roleArn: this.schedulerRole.roleArn,
            input: JSON.stringify({ kind, scheduledTime: '<aws.scheduler.scheduled-time>' }),
            retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 6 * 3600 },
            deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
          },
        }),
      );
    }
    this.schedules = schedules;
  }
}
