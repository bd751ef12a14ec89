import { Arn, ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
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
  /** The table and buckets. Only the forwarder of a split deployment, in the intake region, has none. */
  readonly data?: DataStore;
  readonly settings: Settings;
  /** Needed by functions that start executions or answer task tokens. */
  readonly stateMachine?: IStateMachine;
  /**
   * Where `storeRawMail` writes, when not `data`'s raw-mail bucket: the home region's, for the
   * forwarder in the intake region (its region then goes in RAW_MAIL_REGION).
   */
  readonly rawMail?: { readonly bucket: IBucket; readonly region?: string };
  /** The intake-email function, for functions that hand mail to it (`handOffToIntake`). */
  readonly intakeFunction?: IFunction;
  /** The register import's worker, for the function that starts it (`startDirectoryImport`). */
  readonly directoryImportFunction?: IFunction;
  /** The OCR function, for functions that start it on a fax (`startFaxReading`). */
  readonly ocrFunction?: IFunction;
}

/**
 * The secrets the stack keeps the company's mail-server logins in, by name (the stack creates
 * them empty: ops put the values in, README "Deploying to AWS"). Functions are given the name
 * and may read that one secret (its ARN ends in six random characters, hence `-??????`).
 */
export function mailboxSecretName(settings: Settings): string {
  return `${settings.stackName}/mailbox`;
}
export function mailRelaySecretName(settings: Settings): string {
  return `${settings.stackName}/mail-relay`;
}

function grantSecretRead(handler: HandlerFunction, name: string): void {
  handler.role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [
        Arn.format(
          {
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: `${name}-??????`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          },
          Stack.of(handler),
        ),
      ],
    }),
  );
}

function dataOf(handler: HandlerFunction, data: DataStore | undefined): DataStore {
  if (!data) throw new Error(`${handler.spec.id} needs the data store (lib/access.ts)`);
  return data;
}

/**
 * Applies a function's declared access (its `access` in config/functions.ts): the environment
 * variables config/function-access.ts names for it, with this deployment's values, and the
 * grants each capability needs.
 */
export function applyAccess(handler: HandlerFunction, context: AccessContext): void {
  const { settings, stateMachine } = context;
  const { access } = handler.spec;
  for (const [name, value] of environmentFrom(handler.spec.id, access, deployedValues(context))) {
    handler.addEnvironment(name, value);
  }
  const data = () => dataOf(handler, context.data);

  if (access.tableWrites?.length) data().grantItemWrites(handler, ...access.tableWrites);
  if (access.tableReads?.length) data().grantItemReads(handler, ...access.tableReads);
  if (access.indexQueries?.length) data().grantIndexQueries(handler, ...access.indexQueries);
  if (access.directoryPointers) data().grantDirectoryPointerWrites(handler);
  if (access.directoryBatchWrites) data().grantEstateBatchWrites(handler);
  if (access.importJobs) data().grantImportJobs(handler);

  if (access.readRawMail) {
    const bucket = data().rawMailBucket;
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

  if (access.sendMail && settings.mailRelay) {
    // Mail goes out through the company's relay (AWS China): its login, nothing of SES.
    if (settings.mailRelay.login) grantSecretRead(handler, mailRelaySecretName(settings));
  } else if (access.sendMail) {
    handler.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendRawEmail'],
        // The sending identity is the intake domain; SES checks it against the From address. In
        // a split deployment it is verified in the intake region, and SES sends from there.
        resources: [
          Arn.format(
            {
              service: 'ses',
              resource: 'identity',
              resourceName: settings.intakeDomain,
              ...(settings.intakeRegion ? { region: settings.intakeRegion } : {}),
            },
            Stack.of(handler),
          ),
        ],
      }),
    );
  }

  if (access.storeRawMail) {
    const bucket = context.rawMail?.bucket ?? data().rawMailBucket;
    handler.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${RAW_MAIL_PREFIX}*`)],
      }),
    );
    const resource = Stack.of(handler).resolve(bucket.arnForObjects(`${RAW_MAIL_PREFIX}*`));
    Validations.of(handler.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResource(resource)}]`,
      reason:
        'Raw messages are keyed by their message id (SES’s, or a digest of a mailbox message), unknown in advance; s3:PutObject is limited to the incoming/ prefix intake reads.',
    });
  }

  if (access.handOffToIntake) {
    if (!context.intakeFunction)
      throw new Error(`${handler.spec.id} needs the intake function (lib/access.ts)`);
    // The function itself, not `:*` (its versions and aliases) as grantInvoke would add.
    handler.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [context.intakeFunction.functionArn],
      }),
    );
  }

  if (access.startFaxReading) {
    if (!context.ocrFunction) throw new Error(`${handler.spec.id} needs the OCR function (lib/access.ts)`);
    handler.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [context.ocrFunction.functionArn],
      }),
    );
  }

  if (access.startDirectoryImport) {
    if (!context.directoryImportFunction)
      throw new Error(`${handler.spec.id} needs the register import's worker (lib/access.ts)`);
    handler.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [context.directoryImportFunction.functionArn],
      }),
    );
  }

  if (access.mailbox) grantSecretRead(handler, mailboxSecretName(settings));

  if (access.startWorkflow || access.answerTasks) {
    if (!stateMachine) throw new Error(`${handler.spec.id} needs the state machine (lib/access.ts)`);
    if (access.startWorkflow) stateMachine.grantStartExecution(handler);
    // SendTaskSuccess/Failure/Heartbeat, on this state machine only.
    if (access.answerTasks) stateMachine.grantTaskResponse(handler);
  }

  if (access.uploadAttachments || access.readAttachments) {
    const bucket = data().attachmentsBucket;
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
    const bucket = data().attachmentsBucket;
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

  if (access.eraseOwnerFiles) {
    const { rawMailBucket, attachmentsBucket } = data();
    const resources = [
      rawMailBucket.arnForObjects(`${RAW_MAIL_PREFIX}*`),
      attachmentsBucket.arnForObjects(`${UPLOAD_PREFIX}*`),
      attachmentsBucket.arnForObjects(`${MAIL_ATTACHMENT_PREFIX}*`),
    ];
    handler.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:DeleteObject'], resources }));
    for (const resource of resources) {
      Validations.of(handler.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResource(Stack.of(handler).resolve(resource))}]`,
        reason:
          'Retention deletes the raw messages and attachments of complaints past their retention, keyed by message or upload ids unknown in advance; s3:DeleteObject is limited to the prefixes intake and uploads write.',
      });
    }
  }

  if (access.writeReports || access.readReports) {
    const bucket = data().reportsBucket;
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
function deployedValues(context: AccessContext): VariableValues {
  const { data, settings, stateMachine } = context;
  return {
    TABLE_NAME: data?.table.tableName,
    RAW_MAIL_BUCKET: context.rawMail?.bucket.bucketName ?? data?.rawMailBucket.bucketName,
    RAW_MAIL_PREFIX,
    MAIL_FROM: settings.intakeAddresses[0] ?? `complaints@${settings.intakeDomain}`,
    STATE_MACHINE_ARN: stateMachine?.stateMachineArn,
    ATTACHMENTS_BUCKET: data?.attachmentsBucket.bucketName,
    INTAKE_ADDRESSES: settings.intakeAddresses.join(','),
    FAX_GATEWAY_ADDRESSES: settings.faxGatewayAddresses?.join(','),
    INTAKE_AREA_BY_ADDRESS: settings.intakeAreaByAddress,
    FLOOD_LIMIT_PER_HOUR: settings.floodLimitPerHour?.toString(),
    ACKNOWLEDGEMENT_LIMIT_PER_HOUR: settings.acknowledgementLimitPerHour?.toString(),
    REPLY_LIMIT_PER_HOUR: settings.replyLimitPerHour?.toString(),
    REPLY_LIMIT_TOTAL: settings.replyLimitTotal?.toString(),
    REPORTS_BUCKET: data?.reportsBucket.bucketName,
    REPORT_RECIPIENTS: settings.reportRecipients.join(','),
    REPORT_THRESHOLDS: settings.reportThresholds,
    WORKFLOW_SETTINGS: settings.workflowSettings,
    PUBLIC_APP_URL: settings.publicAppUrl,
    STAFF_EMAIL_PATTERN: settings.staffEmailPattern,
    DEPARTMENT_EMAIL_PATTERN: settings.departmentEmailPattern,
    SES_REGION: settings.intakeRegion,
    MAIL_RELAY_URL: settings.mailRelay?.url,
    MAIL_RELAY_SECRET: settings.mailRelay?.login ? mailRelaySecretName(settings) : undefined,
    RAW_MAIL_REGION: context.rawMail?.region,
    INTAKE_FUNCTION: context.intakeFunction?.functionArn,
    DIRECTORY_IMPORT_FUNCTION: context.directoryImportFunction?.functionArn,
    OCR_FUNCTION: context.ocrFunction?.functionArn,
    MAILBOX_URL: settings.mailbox?.url,
    MAILBOX_SECRET: settings.mailbox ? mailboxSecretName(settings) : undefined,
    MAILBOX_FOLDER: settings.mailbox?.folder,
    MAILBOX_DONE_FOLDER: settings.mailbox?.doneFolder,
    MAILBOX_AUTHSERV_ID: settings.mailbox?.authServId,
  };
}

/**
 * How cdk-nag names a resource in an IAM5 finding: `<LogicalId.Arn>/suffix` for a reference,
 * the literal for a string (a bucket of another stack, known by its name).
 */
function nagResource(resolved: unknown): string {
  const parts = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1];
  if (!parts) return String(resolved);
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      if (getAtt) return `<${getAtt[0]}.${getAtt[1]}>`;
      const ref = (part as { Ref?: string }).Ref;
      return ref ? `<${ref}>` : JSON.stringify(part);
    })
    .join('');
}
