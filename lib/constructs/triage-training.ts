import type { Role } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTIONS } from '#config/functions.ts';
import { TRIAGE } from '#config/triage.ts';
import { applyAccess } from '../access.ts';
import type { Settings } from '../deploy-settings.ts';
import { dailyInvocation } from './daily-invocation.ts';
import type { DataStore } from './data.ts';
import { HandlerFunction } from './handler-function.ts';

export interface TriageTrainingProps {
  readonly data: DataStore;
  /**
   * Where a run that failed every retry lands: the retention job's queue, shared by the nightly
   * jobs, whose DeadLetters alarm tells operations (one alarm, not another $0.10 a month: a
   * failed run only leaves the day before's model in place).
   */
  readonly deadLetterQueue: Queue;
  /** Deployment settings (lib/deploy-settings.ts): the time zone of the schedule. */
  readonly settings: Settings;
  /** Local time of day of the daily run, `HH:MM`. @default config/triage.ts TRIAGE.time */
  readonly time?: string;
  /** IANA time zone of `time`. @default settings.reportTimeZone ('Asia/Hong_Kong') */
  readonly timeZone?: string;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
}

/**
 * Retraining of the category and department suggestion (issue 19 §3): EventBridge Scheduler
 * runs the training function once a day; it reads the signed supervisor reviews of the last two
 * years and stores the model (lambdas/train-triage-model.ts). The scheduler's role may invoke
 * that one function and nothing else; a delivery or a run that fails every retry lands in the
 * nightly jobs' dead-letter queue (alarmed), and the model stays the day before's until the next run.
 */
export class TriageTraining extends Construct {
  public readonly handler: HandlerFunction;
  public readonly schedulerRole: Role;
  public readonly deadLetterQueue: Queue;
  public readonly schedule: CfnSchedule;

  constructor(scope: Construct, id: string, props: TriageTrainingProps) {
    super(scope, id);
    this.deadLetterQueue = props.deadLetterQueue;
    this.handler = new HandlerFunction(this, 'Train', {
      spec: FUNCTIONS.trainTriageModel,
      logRetention: props.logRetention ?? RetentionDays.ONE_YEAR,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
    });
    applyAccess(this.handler, { data: props.data, settings: props.settings });

    ({ role: this.schedulerRole, schedule: this.schedule } = dailyInvocation(this, {
      handler: this.handler,
      deadLetterQueue: this.deadLetterQueue,
      time: props.time ?? TRIAGE.time,
      timeZone: props.timeZone ?? props.settings.reportTimeZone,
      description: 'Daily: retrains the category and department suggestion on the signed supervisor reviews',
      invokes: 'the triage training function',
    }));
  }
}
