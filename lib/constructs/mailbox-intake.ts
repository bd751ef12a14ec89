import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { FUNCTIONS } from '#config/functions.ts';
import { applyAccess, mailboxSecretName } from '../access.ts';
import type { Settings } from '../deploy-settings.ts';
import type { DataStore } from './data.ts';
import { HandlerFunction } from './handler-function.ts';

export interface MailboxIntakeProps {
  readonly data: DataStore;
  readonly settings: Settings;
  /** The intake-email function every polled message is handed to. */
  readonly intakeFunction: IFunction;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
}

/**
 * Email in where SES does not receive mail (AWS China), as Zammad and osTicket take it: the
 * company's own mailbox, polled over IMAP every `mailboxPollMinutes` by the poll-mailbox
 * function (one poll at a time), which hands each message to intake-email exactly as SES's
 * receipt rule would. The mailbox's login is a secret the stack creates empty (README,
 * "Deploying to AWS"), and so is the SMTP relay's when mail goes out through one.
 */
export class MailboxIntake extends Construct {
  public readonly poller: HandlerFunction;
  public readonly mailboxSecret: Secret;
  public readonly schedule: Rule;
  /** Fires when polls stop; its action (the alarm topic) is added by the stack's Alarms. */
  public readonly pollsStopped: Alarm;

  constructor(scope: Construct, id: string, props: MailboxIntakeProps) {
    super(scope, id);
    const { settings } = props;
    const mailbox = settings.mailbox;
    if (!mailbox) throw new Error('MailboxIntake needs settings.mailbox (mailIntake=mailbox)');

    this.mailboxSecret = mailServerSecret(
      this,
      'MailboxSecret',
      mailboxSecretName(settings),
      `IMAP login of the complaints mailbox (${mailbox.url})`,
    );

    this.poller = new HandlerFunction(this, 'PollMailbox', {
      spec: FUNCTIONS.pollMailbox,
      logRetention: props.logRetention ?? RetentionDays.ONE_YEAR,
    });
    // One poll at a time: two would only read the same messages twice (which intake would
    // take for retries) and hold two IMAP sessions.
    (this.poller.function.node.defaultChild as CfnFunction).reservedConcurrentExecutions = 1;
    applyAccess(this.poller, {
      data: props.data,
      settings,
      intakeFunction: props.intakeFunction,
    });

    // A missed poll loses nothing: the mail waits in the mailbox for the next one. So the
    // schedule does not retry a poll for long; what ops must hear is polls that stop
    // (PollsStopped below) or fail (the function's error alarm, lib/constructs/alarms.ts).
    this.schedule = new Rule(this, 'Schedule', {
      description: `Polls the complaints mailbox every ${mailbox.pollMinutes} minute(s)`,
      schedule: Schedule.rate(Duration.minutes(mailbox.pollMinutes)),
      targets: [
        new LambdaFunction(this.poller.function, {
          event: RuleTargetInput.fromObject({ source: 'schedule' }),
          retryAttempts: 1,
          maxEventAge: Duration.minutes(Math.max(2, mailbox.pollMinutes)),
        }),
      ],
    });
    this.pollsStopped = new Alarm(this, 'PollsStopped', {
      alarmDescription:
        'The complaints mailbox has not been polled for 15 minutes: owners’ mail is not coming in (schedule disabled, or every poll throttled)',
      metric: this.poller.function.metricInvocations({
        period: Duration.minutes(Math.max(15, mailbox.pollMinutes * 3)),
        statistic: 'Sum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    });
  }
}

/**
 * A login for the company's own mail server (the mailbox, the SMTP relay), created empty: ops
 * put `{"username": "...", "password": "..."}` in it after the first deploy (README).
 */
export function mailServerSecret(scope: Construct, id: string, name: string, what: string): Secret {
  const secret = new Secret(scope, id, {
    secretName: name,
    description: `${what}: {"username": "...", "password": "..."}`,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'A login the company’s mail administrator issues on its own mail server, which Secrets Manager cannot rotate; it is changed there, then put here (README, Deploying to AWS).',
  });
  return secret;
}
