import { Duration } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTIONS } from '#config/functions.ts';
import { applyAccess } from '../access.ts';
import type { Settings } from '../deploy-settings.ts';
import { dailyInvocation } from './daily-invocation.ts';
import type { DataStore } from './data.ts';
import { HandlerFunction } from './handler-function.ts';

export interface RetentionProps {
  readonly data: DataStore;
  /** Deployment settings (lib/deploy-settings.ts): the workflow settings carry `retentionYears`. */
  readonly settings: Settings;
  /** Local time of day of the daily run, `HH:MM`: before the office opens. @default '03:30' */
  readonly time?: string;
  /** IANA time zone of `time`. @default settings.reportTimeZone ('Asia/Hong_Kong') */
  readonly timeZone?: string;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
}

/**
 * Retention (issue 16 §6): EventBridge Scheduler runs the retention function once a day; it
 * erases the owners' personal data of complaints past the retention (lambdas/run-retention.ts).
 * Nothing depends on DynamoDB TTL, which would delete whole items (the statistics with them)
 * and which the local emulator does not run. The scheduler's role may invoke that one function
 * and nothing else; a delivery that fails every retry lands in a dead-letter queue, and the
 * next day's run erases whatever the failed one did not (every step of it can be repeated).
 */
export class Retention extends Construct {
  public readonly handler: HandlerFunction;
  public readonly schedulerRole: Role;
  public readonly deadLetterQueue: Queue;
  public readonly schedule: CfnSchedule;

  constructor(scope: Construct, id: string, props: RetentionProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.handler = new HandlerFunction(this, 'Erase', {
      spec: FUNCTIONS.runRetention,
      logRetention: props.logRetention ?? RetentionDays.ONE_YEAR,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
    });
    applyAccess(this.handler, { data: props.data, settings: props.settings });

    ({ role: this.schedulerRole, schedule: this.schedule } = dailyInvocation(this, {
      handler: this.handler,
      deadLetterQueue: this.deadLetterQueue,
      time: props.time ?? '03:30',
      timeZone: props.timeZone ?? props.settings.reportTimeZone,
      description: "Daily retention: erases owners' personal data from complaints past the retention period",
      invokes: 'the retention function',
    }));
  }
}
