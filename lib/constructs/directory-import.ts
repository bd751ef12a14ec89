import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTIONS } from '#config/functions.ts';
import { applyAccess } from '../access.ts';
import type { Settings } from '../deploy-settings.ts';
import type { DataStore } from './data.ts';
import { HandlerFunction } from './handler-function.ts';

export interface DirectoryImportProps {
  readonly data: DataStore;
  readonly settings: Settings;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
}

/**
 * The register import's worker (issue 16 §2): import-directory records a job and invokes this
 * function asynchronously, because checking and writing an office's 20,000 units takes longer
 * than API Gateway's 30 s. Lambda retries a failed run twice; the job records every attempt, so
 * the page shows the outcome; an event that still fails lands in the dead-letter queue, and the
 * job is reported failed once it is stale (lambdas/domain/directory/import-job.ts).
 */
export class DirectoryImport extends Construct {
  public readonly handler: HandlerFunction;
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: DirectoryImportProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.handler = new HandlerFunction(this, 'Worker', {
      spec: FUNCTIONS.runDirectoryImport,
      logRetention: props.logRetention ?? RetentionDays.ONE_YEAR,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
    });
    applyAccess(this.handler, { data: props.data, settings: props.settings });
  }
}
