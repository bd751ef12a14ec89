import { Arn, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { UPLOAD_PREFIX } from '#config/attachments.ts';
import { environmentFrom, type VariableValues } from '#config/function-access.ts';
import { MAIL_ATTACHMENT_PREFIX } from '#domain/mail/intake.ts';
import type { DataStore } from './constructs/data.ts';
import type { HandlerFunction } from './constructs/handler-function.ts';
import type { Settings } from './deploy-settings.ts';

/** Where the SES receipt rule stores each raw message: `<prefix><SES message id>`. */
export const RAW_MAIL_PREFIX = 'incoming/';

/** Where report files go in the reports bucket: `reports/<report id>/...`. */
export const REPORTS_PREFIX = 'reports/';

export interface AccessContext {
  readonly data: DataStore;
  readonly settings: Settings;
  /** Needed by functions that start executions or answer task tokens. */
  readonly stateMachine?: IStateMachine;
}

/**
 * Applies a function's declared access (its `access` in config/functions.ts): the environment
 * variables config/function-access.ts names for it, with this deployment's values, and the
 * grants each capability needs.
 */
export function applyAccess(handler: HandlerFunction, context: AccessContext): void {
  const { data, settings, stateMachine } = context;
  const { access } = handler.spec;
  for (const [name, value] of environmentFrom(handler.spec.id, access, deployedValues(context))) {
    handler.addEnvironment(name, value);
  }

  if (access.tableWrites?.length) data.grantItemWrites(handler, ...access.tableWrites);
  if (access.tableReads?.length) data.grantItemReads(handler, ...access.tableReads);
  if (access.indexQueries?.length) data.grantIndexQueries(handler, ...access.indexQueries);

  if (access.readRawMail) {
    const bucket = data.rawMailBucket;
    handler.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects(`${RAW_MAIL_PREFIX}*`)],
      }),
    );
    const bucketId = Stack.of(handler).getLogicalId(bucket.node.defaultChild as CfnBucket);
    Validations.of(handler.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${RAW_MAIL_PREFIX}*]`,
      reason:
        'Raw messages are keyed by their SES message id, unknown in advance; s3:GetObject is limited to the incoming/ prefix the receipt rule writes.',
    });
  }

  if (access.sendMail) {
    handler.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendRawEmail'],
        // The sending identity is the intake domain; SES checks it against the From address.
        resources: [
          Arn.format(
            { service: 'ses', resource: 'identity', resourceName: settings.intakeDomain },
            Stack.of(handler),
          ),
        ],
      }),
    );
  }

  if (access.startWorkflow || access.answerTasks) {
    if (!stateMachine) throw new Error(`${handler.spec.id} needs the state machine (lib/access.ts)`);
    if (access.startWorkflow) stateMachine.grantStartExecution(handler);
    // SendTaskSuccess/Failure/Heartbeat, on this state machine only.
    if (access.answerTasks) stateMachine.grantTaskResponse(handler);
  }

  if (access.uploadAttachments || access.readAttachments) {
    const bucket = data.attachmentsBucket;
    const actions = [
      ...(access.uploadAttachments ? ['s3:PutObject'] : []),
      ...(access.readAttachments ? ['s3:GetObject'] : []),
    ];
    handler.role.addToPrincipalPolicy(
      new PolicyStatement({ actions, resources: [bucket.arnForObjects(`${UPLOAD_PREFIX}*`)] }),
    );
    const bucketId = Stack.of(handler).getLogicalId(bucket.node.defaultChild as CfnBucket);
    Validations.of(handler.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${UPLOAD_PREFIX}*]`,
      reason:
        'Each upload gets a fresh random key, unknown in advance; the presigned URLs this role signs are limited to the uploads/ prefix of the attachments bucket.',
    });
  }

  if (access.storeMailAttachments || access.readMailAttachments) {
    const bucket = data.attachmentsBucket;
    const actions = [
      ...(access.storeMailAttachments ? ['s3:PutObject'] : []),
      ...(access.readMailAttachments ? ['s3:GetObject'] : []),
    ];
    handler.role.addToPrincipalPolicy(
      new PolicyStatement({ actions, resources: [bucket.arnForObjects(`${MAIL_ATTACHMENT_PREFIX}*`)] }),
    );
    const bucketId = Stack.of(handler).getLogicalId(bucket.node.defaultChild as CfnBucket);
    Validations.of(handler.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${MAIL_ATTACHMENT_PREFIX}*]`,
      reason: `Attachments are keyed by the SES message id they came with, unknown in advance; ${actions.join(' and ')} ${actions.length > 1 ? 'are' : 'is'} limited to the mail/ prefix of the attachments bucket.`,
    });
  }

  if (access.writeReports || access.readReports) {
    const bucket = data.reportsBucket;
    const actions = [
      ...(access.writeReports ? ['s3:PutObject', 's3:AbortMultipartUpload'] : []),
      ...(access.readReports ? ['s3:GetObject'] : []),
    ];
    handler.role.addToPrincipalPolicy(
      new PolicyStatement({ actions, resources: [bucket.arnForObjects(`${REPORTS_PREFIX}*`)] }),
    );
    const bucketId = Stack.of(handler).getLogicalId(bucket.node.defaultChild as CfnBucket);
    Validations.of(handler.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${REPORTS_PREFIX}*]`,
      reason:
        'Report files are keyed by the report id, made when the report runs; access is limited to the reports/ prefix of the reports bucket.',
    });
  }
}

/**
 * This deployment's value of every function variable: names of the constructs, and the deploy
 * settings (lib/deploy-settings.ts). `undefined` where nothing is configured.
 */
function deployedValues({ data, settings, stateMachine }: AccessContext): VariableValues {
  return {
    TABLE_NAME: data.table.tableName,
    RAW_MAIL_BUCKET: data.rawMailBucket.bucketName,
    RAW_MAIL_PREFIX,
    MAIL_FROM: settings.intakeAddresses[0] ?? `complaints@${settings.intakeDomain}`,
    STATE_MACHINE_ARN: stateMachine?.stateMachineArn,
    ATTACHMENTS_BUCKET: data.attachmentsBucket.bucketName,
    INTAKE_ADDRESSES: settings.intakeAddresses.join(','),
    FAX_GATEWAY_ADDRESSES: settings.faxGatewayAddresses?.join(','),
    INTAKE_AREA_BY_ADDRESS: settings.intakeAreaByAddress,
    FLOOD_LIMIT_PER_HOUR: settings.floodLimitPerHour?.toString(),
    REPORTS_BUCKET: data.reportsBucket.bucketName,
    REPORT_RECIPIENTS: settings.reportRecipients.join(','),
    REPORT_THRESHOLDS: settings.reportThresholds,
    WORKFLOW_SETTINGS: settings.workflowSettings,
    PUBLIC_APP_URL: settings.publicAppUrl,
    STAFF_EMAIL_PATTERN: settings.staffEmailPattern,
    DEPARTMENT_EMAIL_PATTERN: settings.departmentEmailPattern,
  };
}
