import { Annotations, Arn, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { UPLOAD_PREFIX } from '#config/attachments.ts';
import { MAIL_ATTACHMENT_PREFIX } from '#domain/mail/intake.ts';
import type { DataStore, IndexName, ItemRead, ItemWrite } from './constructs/data.ts';
import type { HandlerFunction } from './constructs/handler-function.ts';
import type { Settings } from './deploy-settings.ts';

/** Where the SES receipt rule stores each raw message: `<prefix><SES message id>`. */
export const RAW_MAIL_PREFIX = 'incoming/';

/**
 * What one function may touch beyond its own log group and X-Ray. Each capability sets the
 * environment variables the handler reads and grants exactly what it needs, together, so an
 * env var never arrives without its permission or the other way round.
 */
export interface FunctionAccess {
  /** Item writes on the complaints table. Sets TABLE_NAME. @default - no table writes */
  readonly tableWrites?: readonly ItemWrite[];
  /** Item reads on the table itself. Sets TABLE_NAME. @default - no table reads */
  readonly tableReads?: readonly ItemRead[];
  /** Query on these indexes only. Sets TABLE_NAME. @default - none */
  readonly indexQueries?: readonly IndexName[];
  /** Reads stored raw mail (`s3:GetObject` under `incoming/`). Sets RAW_MAIL_BUCKET and RAW_MAIL_PREFIX. */
  readonly readRawMail?: boolean;
  /** Sends email through SES from the intake domain. Sets MAIL_FROM. */
  readonly sendMail?: boolean;
  /** Starts complaint executions. Sets STATE_MACHINE_ARN. */
  readonly startWorkflow?: boolean;
  /** Answers the workflow's task tokens (SendTaskSuccess). */
  readonly answerTasks?: boolean;
  /** Reads the workflow settings. Sets WORKFLOW_SETTINGS (when configured). */
  readonly workflowSettings?: boolean;
  /** Builds links into the web app. Sets PUBLIC_APP_URL. */
  readonly appLinks?: boolean;
  /** Addresses staff task notices. Sets STAFF_EMAIL_PATTERN. */
  readonly staffMail?: boolean;
  /** Addresses work orders to departments. Sets DEPARTMENT_EMAIL_PATTERN. */
  readonly departmentMail?: boolean;
  /**
   * Presigns browser uploads of scanned letters and faxes (`s3:PutObject` under `uploads/` of
   * the attachments bucket). Sets ATTACHMENTS_BUCKET.
   */
  readonly uploadAttachments?: boolean;
  /**
   * Presigns downloads of uploaded scans, or checks them (HeadObject), `s3:GetObject` under
   * `uploads/`. Sets ATTACHMENTS_BUCKET.
   */
  readonly readAttachments?: boolean;
  /**
   * Stores the attachments of received mail (`s3:PutObject` under `mail/` of the attachments
   * bucket). Sets ATTACHMENTS_BUCKET.
   */
  readonly storeMailAttachments?: boolean;
  /**
   * Presigns downloads of the attachments of received mail (`s3:GetObject` under `mail/` of the
   * attachments bucket). Sets ATTACHMENTS_BUCKET.
   */
  readonly readMailAttachments?: boolean;
  /**
   * Email intake's options: intake addresses, fax gateways, areas by address, flood limit. Sets
   * INTAKE_ADDRESSES and, when configured, FAX_GATEWAY_ADDRESSES, INTAKE_AREA_BY_ADDRESS and
   * FLOOD_LIMIT_PER_HOUR. No permission.
   */
  readonly intakeSettings?: boolean;
  /**
   * Writes report files (`s3:PutObject`, and `s3:AbortMultipartUpload` for the streamed CSV)
   * under `reports/` of the reports bucket. Sets REPORTS_BUCKET.
   */
  readonly writeReports?: boolean;
  /** Reads report files and signs links to them (`s3:GetObject` under `reports/`). Sets REPORTS_BUCKET. */
  readonly readReports?: boolean;
  /** The report's recipients and recurrence thresholds. Sets REPORT_RECIPIENTS (and REPORT_THRESHOLDS). */
  readonly reportSettings?: boolean;
}

/** Where report files go in the reports bucket: `reports/<report id>/...`. */
export const REPORTS_PREFIX = 'reports/';

const READ_PARTITION: readonly ItemRead[] = ['dynamodb:GetItem', 'dynamodb:Query'];
/**
 * BatchWriteItem puts lines that go together (an email's correspondence line and its audit
 * event, a message's correspondence and mail-log lines) in one request (clients.ts putItems).
 */
const WRITE_ITEMS: readonly ItemWrite[] = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:BatchWriteItem',
];

/**
 * The access of every function of config/functions.ts, by id: the one place where a handler's
 * permissions are decided. A function missing here deploys with no access at all; synth
 * warns, and test/infra fails, until its access is declared (`{}` when it needs none).
 */
export const FUNCTION_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  // Closes the previous step's task, stores the new one (conditional put), marks the current
  // step, appends the audit event and emails the role's mailbox once.
  'create-task': {
    tableReads: READ_PARTITION,
    tableWrites: WRITE_ITEMS,
    sendMail: true,
    appLinks: true,
    staffMail: true,
  },
  // Reads the record with its correspondence (Query of the partition: the emails already
  // sent), stores the owner's single-use link, emails the owner once per round.
  'notify-owner': {
    tableReads: READ_PARTITION,
    tableWrites: WRITE_ITEMS,
    sendMail: true,
    appLinks: true,
    workflowSettings: true,
  },
  // Numbers the work order on the record and emails the department once (the partition's
  // correspondence tells whether it was).
  'issue-work-order': {
    tableReads: READ_PARTITION,
    tableWrites: WRITE_ITEMS,
    sendMail: true,
    appLinks: true,
    departmentMail: true,
    workflowSettings: true,
  },
  // Audit events, closing tasks the workflow no longer waits on, business-time deadlines.
  'record-workflow-event': { tableReads: READ_PARTITION, tableWrites: WRITE_ITEMS, workflowSettings: true },
  // Closes the record and any leftover task, then appends its audit event.
  'file-record': { tableReads: READ_PARTITION, tableWrites: WRITE_ITEMS },
  // Reads the raw message and stores its attachments; claims its Message-ID (conditional put),
  // finds its thread (GetItem) and the task waiting for the owner (Query of the partition),
  // counts the sender's complaints of the last hour (owner-contact index), opens the complaint
  // (counter, record, audit, execution); correspondence and the mail-log line.
  'intake-email': {
    readRawMail: true,
    storeMailAttachments: true,
    tableReads: READ_PARTITION,
    tableWrites: WRITE_ITEMS,
    indexQueries: ['ComplaintsByOwnerContact'],
    startWorkflow: true,
    workflowSettings: true,
    intakeSettings: true,
  },
  // Held and quarantined mail on the review index (GSI1), or one day's mail log (Query).
  'list-mail': { tableReads: ['dynamodb:Query'], indexQueries: ['OpenTasksByRoleArea'] },
  // One mail-log line.
  'get-mail': { tableReads: ['dynamodb:GetItem'] },
  // Claims the mail-log line (conditional update), re-reads the raw message, then opens the
  // complaint as intake does.
  'release-mail': {
    readRawMail: true,
    storeMailAttachments: true,
    tableReads: ['dynamodb:GetItem'],
    tableWrites: WRITE_ITEMS,
    startWorkflow: true,
    workflowSettings: true,
    intakeSettings: true,
  },
  // The reference counter (UpdateItem), the record and its first audit event, then the execution;
  // with a submission id, its item first (GetItem, then a conditional put), so a repeat opens nothing new.
  // Each attached scan's object first (HeadObject: uploaded, by the caller, as declared).
  'create-complaint': {
    readAttachments: true,
    tableReads: ['dynamodb:GetItem'],
    tableWrites: WRITE_ITEMS,
    startWorkflow: true,
    workflowSettings: true,
  },
  // One Query of the complaint's partition.
  'get-complaint': { tableReads: ['dynamodb:Query'] },
  'list-complaints': { indexQueries: ['ComplaintsByAreaMonth'] },
  'list-tasks': { indexQueries: ['OpenTasksByRoleArea'] },
  // Reads the task and record, closes the task, updates the record, audits, answers the token.
  'complete-task': {
    tableReads: ['dynamodb:GetItem'],
    tableWrites: WRITE_ITEMS,
    answerTasks: true,
    workflowSettings: true,
  },
  // Reads the record (GetItem), moves it and its open tasks (conditional UpdateItems) after a
  // Query of the partition, appends the audit event (PutItem), emails the new area's role
  // mailbox of each moved task once.
  'change-area': {
    tableReads: READ_PARTITION,
    tableWrites: WRITE_ITEMS,
    sendMail: true,
    appLinks: true,
    staffMail: true,
  },
  // Serves a document bundled with it.
  'get-openapi': {},
  // Reads only the caller's JWT claims.
  'who-am-i': {},
  // Signs one upload URL under uploads/<area>/; the browser PUTs the file, Lambda never sees it.
  'create-upload': { uploadAttachments: true },
  // Reads the record (area check, an uploaded scan's key) and, for an attachment of received
  // mail, that day's items of the complaint's correspondence (Query); signs one download URL.
  'get-attachment': {
    tableReads: READ_PARTITION,
    readAttachments: true,
    readMailAttachments: true,
  },
  // The owner's link (GetItem) and the complaint's partition (Query: record, is the step open).
  'get-owner-link': { tableReads: READ_PARTITION },
  // As complete-task, plus the link: spent by a conditional UpdateItem.
  // The report: the period's pages of the area/month index, open tasks (past deadline), owners'
  // history (repeat complainants); its own item and rectification items (one partition each);
  // files under reports/; the email to the recipients.
  'run-scheduled-report': {
    tableReads: READ_PARTITION,
    tableWrites: WRITE_ITEMS,
    indexQueries: ['ComplaintsByAreaMonth', 'OpenTasksByRoleArea', 'ComplaintsByOwnerContact'],
    writeReports: true,
    sendMail: true,
    appLinks: true,
    workflowSettings: true,
    reportSettings: true,
  },
  // As the scheduled report, and it signs links to the files it answers with.
  'create-report': {
    tableReads: READ_PARTITION,
    tableWrites: WRITE_ITEMS,
    indexQueries: ['ComplaintsByAreaMonth', 'OpenTasksByRoleArea', 'ComplaintsByOwnerContact'],
    writeReports: true,
    readReports: true,
    sendMail: true,
    appLinks: true,
    workflowSettings: true,
    reportSettings: true,
  },
  // One Query of the reports partition.
  'list-reports': { tableReads: ['dynamodb:Query'] },
  // The report's item, its figures and HTML from S3, signed links to its files.
  'get-report': { tableReads: ['dynamodb:GetItem'], readReports: true },
  // One Query of the rectification partition.
  'list-rectifications': { tableReads: ['dynamodb:Query'] },
  // Reads the item, writes it back conditional on its version.
  'update-rectification': { tableReads: ['dynamodb:GetItem'], tableWrites: ['dynamodb:PutItem'] },
  'answer-owner-link': {
    tableReads: READ_PARTITION,
    tableWrites: WRITE_ITEMS,
    answerTasks: true,
    workflowSettings: true,
  },
};

export interface AccessContext {
  readonly data: DataStore;
  readonly settings: Settings;
  /** Needed by functions that start executions or answer task tokens. */
  readonly stateMachine?: IStateMachine;
}

/** Applies a function's declared access (FUNCTION_ACCESS) to it: environment and grants. */
export function applyAccess(handler: HandlerFunction, context: AccessContext): void {
  const { data, settings } = context;
  const access = FUNCTION_ACCESS[handler.spec.id];
  if (!access) {
    Annotations.of(handler).addWarningV2(
      'complaints:undeclared-access',
      `Function ${handler.spec.id} has no entry in FUNCTION_ACCESS (lib/access.ts): it deploys with no access to the table, buckets or other services.`,
    );
    return;
  }

  if (access.tableWrites?.length || access.tableReads?.length || access.indexQueries?.length) {
    handler.addEnvironment('TABLE_NAME', data.table.tableName);
  }
  if (access.tableWrites?.length) data.grantItemWrites(handler, ...access.tableWrites);
  if (access.tableReads?.length) data.grantItemReads(handler, ...access.tableReads);
  if (access.indexQueries?.length) data.grantIndexQueries(handler, ...access.indexQueries);

  if (access.readRawMail) {
    const bucket = data.rawMailBucket;
    handler
      .addEnvironment('RAW_MAIL_BUCKET', bucket.bucketName)
      .addEnvironment('RAW_MAIL_PREFIX', RAW_MAIL_PREFIX);
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
    const mailFrom = settings.intakeAddresses[0] ?? `complaints@${settings.intakeDomain}`;
    handler.addEnvironment('MAIL_FROM', mailFrom);
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
    const stateMachine = context.stateMachine;
    if (!stateMachine) throw new Error(`${handler.spec.id} needs the state machine (lib/access.ts)`);
    if (access.startWorkflow) {
      handler.addEnvironment('STATE_MACHINE_ARN', stateMachine.stateMachineArn);
      stateMachine.grantStartExecution(handler);
    }
    // SendTaskSuccess/Failure/Heartbeat, on this state machine only.
    if (access.answerTasks) stateMachine.grantTaskResponse(handler);
  }

  if (access.uploadAttachments || access.readAttachments) {
    const bucket = data.attachmentsBucket;
    handler.addEnvironment('ATTACHMENTS_BUCKET', bucket.bucketName);
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
    handler.addEnvironment('ATTACHMENTS_BUCKET', bucket.bucketName);
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

  if (access.intakeSettings) {
    handler.addEnvironment('INTAKE_ADDRESSES', settings.intakeAddresses.join(','));
    if (settings.faxGatewayAddresses?.length) {
      handler.addEnvironment('FAX_GATEWAY_ADDRESSES', settings.faxGatewayAddresses.join(','));
    }
    if (settings.intakeAreaByAddress)
      handler.addEnvironment('INTAKE_AREA_BY_ADDRESS', settings.intakeAreaByAddress);
    if (settings.floodLimitPerHour !== undefined) {
      handler.addEnvironment('FLOOD_LIMIT_PER_HOUR', String(settings.floodLimitPerHour));
    }
  }

  if (access.writeReports || access.readReports) {
    const bucket = data.reportsBucket;
    handler.addEnvironment('REPORTS_BUCKET', bucket.bucketName);
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
  if (access.reportSettings) {
    handler.addEnvironment('REPORT_RECIPIENTS', settings.reportRecipients.join(','));
    if (settings.reportThresholds) handler.addEnvironment('REPORT_THRESHOLDS', settings.reportThresholds);
  }

  if (access.workflowSettings && settings.workflowSettings) {
    handler.addEnvironment('WORKFLOW_SETTINGS', settings.workflowSettings);
  }
  if (access.appLinks) handler.addEnvironment('PUBLIC_APP_URL', settings.publicAppUrl);
  if (access.staffMail) handler.addEnvironment('STAFF_EMAIL_PATTERN', settings.staffEmailPattern);
  if (access.departmentMail)
    handler.addEnvironment('DEPARTMENT_EMAIL_PATTERN', settings.departmentEmailPattern);
}
