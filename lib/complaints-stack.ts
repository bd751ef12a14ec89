import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Alarms } from './constructs/alarms.ts';
import { DataStore } from './constructs/data.ts';
import { Intake } from './constructs/intake.ts';
import { Reports } from './constructs/reports.ts';
import { StaffApi } from './constructs/staff-api.ts';
import { WebApp } from './constructs/web.ts';
import { Workflow } from './constructs/workflow.ts';
import type { Settings } from './deploy-settings.ts';

export interface ComplaintsStackProps extends StackProps {
  readonly settings: Settings;
}

/**
 * The complaint-handling product in one stack: data, the workflow, email intake, the staff
 * API and the alarms over them. Each capability is a construct of its own (lib/constructs/).
 */
export class ComplaintsStack extends Stack {
  public readonly data: DataStore;
  public readonly workflow: Workflow;
  public readonly intake: Intake;
  public readonly staffApi: StaffApi;
  public readonly web: WebApp;
  public readonly reports: Reports;
  public readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: ComplaintsStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const logRetention = settings.logRetention;

    this.data = new DataStore(this, 'Data');
    this.workflow = new Workflow(this, 'Workflow', { data: this.data, settings, logRetention });
    this.intake = new Intake(this, 'Intake', {
      data: this.data,
      settings,
      domain: settings.intakeDomain,
      addresses: settings.intakeAddresses,
      createIdentity: settings.createIntakeIdentity,
      logRetention,
      stateMachine: this.workflow.stateMachine,
    });
    this.web = new WebApp(this, 'Web', {
      accessLogsBucket: this.data.accessLogsBucket,
      uploadsBucket: this.data.attachmentsBucket,
      extraOrigins: [new URL(settings.publicAppUrl).origin],
    });
    this.staffApi = new StaffApi(this, 'StaffApi', {
      data: this.data,
      settings,
      stateMachine: this.workflow.stateMachine,
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
    this.alarms = new Alarms(this, 'Alarms', {
      ...(settings.alarmEmail ? { email: settings.alarmEmail } : {}),
      stateMachine: this.workflow.stateMachine,
      functions: [
        ...this.workflow.functions.values(),
        this.intake.handler,
        ...this.staffApi.functions.values(),
        this.reports.handler,
      ],
      deadLetterQueues: [this.intake.deadLetterQueue, this.reports.deadLetterQueue],
      api: this.staffApi.api,
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
    new CfnOutput(this, 'ReceiptRuleSetName', {
      value: this.intake.ruleSet.receiptRuleSetName,
      description:
        'CloudFormation cannot activate a receipt rule set: run `aws ses set-active-receipt-rule-set --rule-set-name <this>` once after the first deploy',
    });
    new CfnOutput(this, 'ReportsBucketName', { value: this.data.reportsBucket.bucketName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
  }
}
