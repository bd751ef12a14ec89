import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { mailboxSecretName, mailRelaySecretName } from './access.ts';
import { Alarms } from './constructs/alarms.ts';
import { DataStore } from './constructs/data.ts';
import { DirectoryImport } from './constructs/directory-import.ts';
import { FaxOcr } from './constructs/fax-ocr.ts';
import { Intake } from './constructs/intake.ts';
import { MailboxIntake, mailServerSecret } from './constructs/mailbox-intake.ts';
import { Reports } from './constructs/reports.ts';
import { Retention } from './constructs/retention.ts';
import { StaffApi } from './constructs/staff-api.ts';
import { TriageTraining } from './constructs/triage-training.ts';
import { WebApp } from './constructs/web.ts';
import { Workflow } from './constructs/workflow.ts';
import type { Settings } from './deploy-settings.ts';
import { homeIntakeFunctionName, homeRawMailBucketName } from './intake-region-stack.ts';

export interface ComplaintsStackProps extends StackProps {
  readonly settings: Settings;
}

/**
 * The complaint-handling product in one stack: data, the workflow, email intake, the staff
 * API and the alarms over them. Each capability is a construct of its own (lib/constructs/).
 *
 * Where the mail comes in depends on the deployment's shape (README, "Deploying to AWS"): SES
 * receives it in this region (a receipt rule here); or in another region, whose intake stack
 * (lib/intake-region-stack.ts) forwards each message to this stack's intake-email function; or
 * the company's mailbox is polled over IMAP (MailboxIntake), where there is no SES at all.
 */
export class ComplaintsStack extends Stack {
  public readonly data: DataStore;
  public readonly workflow: Workflow;
  public readonly intake: Intake;
  public readonly staffApi: StaffApi;
  public readonly web: WebApp;
  public readonly reports: Reports;
  public readonly retention: Retention;
  public readonly triageTraining: TriageTraining;
  public readonly directoryImport: DirectoryImport;
  /** The OCR of faxed complaints, started by intake (issue 19). */
  public readonly faxOcr: FaxOcr;
  public readonly alarms: Alarms;
  /** The mailbox poller, where the company's mailbox is polled (mailIntake=mailbox). */
  public readonly mailbox?: MailboxIntake;
  /** The SMTP relay's login, where mail goes out through it. */
  public readonly relaySecret?: Secret;

  constructor(scope: Construct, id: string, props: ComplaintsStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const logRetention = settings.logRetention;

    const split = settings.intakeRegion !== undefined;
    // The intake region's stack writes here and invokes intake-email by name.
    this.data = new DataStore(
      this,
      'Data',
      split ? { rawMailBucketName: homeRawMailBucketName(settings) } : {},
    );
    this.workflow = new Workflow(this, 'Workflow', { data: this.data, settings, logRetention });
    this.faxOcr = new FaxOcr(this, 'FaxOcr', { data: this.data, settings, logRetention });
    this.intake = new Intake(this, 'Intake', {
      ocrFunction: this.faxOcr.handler.function,
      data: this.data,
      settings,
      domain: settings.intakeDomain,
      addresses: settings.intakeAddresses,
      // The identity is where SES sends: here, unless a split deployment's intake region does.
      createIdentity: settings.createIntakeIdentity && !split && !settings.mailRelay,
      logRetention,
      stateMachine: this.workflow.stateMachine,
      receiveWithSes: settings.mailIntake === 'ses' && !split,
    });
    if (split) {
      (this.intake.handler.function.node.defaultChild as CfnFunction).functionName =
        homeIntakeFunctionName(settings);
    }
    if (settings.mailIntake === 'mailbox') {
      this.mailbox = new MailboxIntake(this, 'Mailbox', {
        data: this.data,
        settings,
        intakeFunction: this.intake.handler.function,
        logRetention,
      });
    }
    if (settings.mailRelay?.login) {
      this.relaySecret = mailServerSecret(
        this,
        'MailRelaySecret',
        mailRelaySecretName(settings),
        `SMTP relay login (${settings.mailRelay.url})`,
      );
    }
    this.web = new WebApp(this, 'Web', {
      accessLogsBucket: this.data.accessLogsBucket,
      uploadsBucket: this.data.attachmentsBucket,
      extraOrigins: [new URL(settings.publicAppUrl).origin],
    });
    this.directoryImport = new DirectoryImport(this, 'DirectoryImport', {
      data: this.data,
      settings,
      logRetention,
    });
    this.staffApi = new StaffApi(this, 'StaffApi', {
      data: this.data,
      settings,
      stateMachine: this.workflow.stateMachine,
      directoryImportFunction: this.directoryImport.handler.function,
      ocrFunction: this.faxOcr.handler.function,
      logRetention,
      rateLimit: settings.apiRateLimit,
      burstLimit: settings.apiBurstLimit,
      appOrigins: this.web.origins,
    });
    this.web.deploy({
      apiUrl: this.staffApi.url,
      signInUrl: this.staffApi.signInDomain?.baseUrl() ?? '',
      clientId: this.staffApi.webClient.userPoolClientId,
    });
    this.reports = new Reports(this, 'Reports', { data: this.data, settings, logRetention });
    this.retention = new Retention(this, 'Retention', { data: this.data, settings, logRetention });
    this.triageTraining = new TriageTraining(this, 'TriageTraining', {
      data: this.data,
      settings,
      logRetention,
      deadLetterQueue: this.retention.deadLetterQueue,
    });
    this.alarms = new Alarms(this, 'Alarms', {
      ...(settings.alarmEmail ? { email: settings.alarmEmail } : {}),
      stateMachine: this.workflow.stateMachine,
      // An alarm per function where nobody sees the error (the workflow, intake, schedules);
      // a staff API function's error is a 5xx, which ApiServerErrors watches for all of them
      // (one alarm instead of one per route: $0.10 a month each).
      functions: [
        ...this.workflow.functions.values(),
        this.intake.handler,
        this.reports.handler,
        this.retention.handler,
        this.triageTraining.handler,
        this.directoryImport.handler,
        this.faxOcr.handler,
        ...(this.mailbox ? [this.mailbox.poller] : []),
      ],
      deadLetterQueues: [
        this.intake.deadLetterQueue,
        this.reports.deadLetterQueue,
        this.retention.deadLetterQueue,
        this.directoryImport.deadLetterQueue,
        this.faxOcr.deadLetterQueue,
      ],
      api: this.staffApi.api,
      sesSendsHere: !split && !settings.mailRelay,
      moreAlarms: this.mailbox ? [this.mailbox.pollsStopped] : [],
    });

    new CfnOutput(this, 'WebUrl', {
      value: this.web.url,
      description:
        'The staff web app (and owner pages); set publicAppUrl to it, or to your domain in front of it',
    });
    new CfnOutput(this, 'ApiUrl', { value: this.staffApi.url, description: 'Staff API base URL' });
    new CfnOutput(this, 'UserPoolId', { value: this.staffApi.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.staffApi.webClient.userPoolClientId,
      description: 'Web app client; the API accepts its ID tokens',
    });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'RawMailBucketName', { value: this.data.rawMailBucket.bucketName });
    if (this.intake.ruleSet) {
      new CfnOutput(this, 'ReceiptRuleSetName', {
        value: this.intake.ruleSet.receiptRuleSetName,
        description:
          'CloudFormation cannot activate a receipt rule set: run `aws ses set-active-receipt-rule-set --rule-set-name <this>` once after the first deploy',
      });
    }
    if (this.mailbox) {
      new CfnOutput(this, 'MailboxSecretName', {
        value: mailboxSecretName(settings),
        description: `Put the mailbox's login in it: aws secretsmanager put-secret-value --secret-id <this> --secret-string '{"username":"...","password":"..."}'`,
      });
    }
    if (this.relaySecret) {
      new CfnOutput(this, 'MailRelaySecretName', {
        value: mailRelaySecretName(settings),
        description: `Put the SMTP relay's login in it, as for the mailbox`,
      });
    }
    new CfnOutput(this, 'ReportsBucketName', { value: this.data.reportsBucket.bucketName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
  }
}
