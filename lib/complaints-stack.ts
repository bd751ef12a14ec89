import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Alarms } from './constructs/alarms.ts';
import { DataStore } from './constructs/data.ts';
import { Intake } from './constructs/intake.ts';
import { StaffApi } from './constructs/staff-api.ts';
import { Workflow } from './constructs/workflow.ts';
import type { Settings } from './settings.ts';

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
    });
    this.staffApi = new StaffApi(this, 'StaffApi', {
      data: this.data,
      settings,
      stateMachine: this.workflow.stateMachine,
      logRetention,
      rateLimit: settings.apiRateLimit,
      burstLimit: settings.apiBurstLimit,
    });
    this.alarms = new Alarms(this, 'Alarms', {
      ...(settings.alarmEmail ? { email: settings.alarmEmail } : {}),
      stateMachine: this.workflow.stateMachine,
      functions: [
        ...this.workflow.functions.values(),
        this.intake.handler,
        ...this.staffApi.functions.values(),
      ],
      deadLetterQueues: [this.intake.deadLetterQueue],
      api: this.staffApi.api,
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
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
  }
}
