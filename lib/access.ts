import { Annotations, Arn, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { DataStore, IndexName, ItemRead, ItemWrite } from './constructs/data.ts';
import type { HandlerFunction } from './constructs/handler-function.ts';
import type { Settings } from './settings.ts';

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
}

const READ_PARTITION: readonly ItemRead[] = ['dynamodb:GetItem', 'dynamodb:Query'];
const WRITE_ITEMS: readonly ItemWrite[] = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];

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
  // Reads the record, stores the owner's single-use link, emails the owner once per round.
  'notify-owner': {
    tableReads: ['dynamodb:GetItem'],
    tableWrites: WRITE_ITEMS,
    sendMail: true,
    appLinks: true,
    workflowSettings: true,
  },
  // Numbers the work order on the record and emails the department once.
  'work-order': {
    tableReads: ['dynamodb:GetItem'],
    tableWrites: WRITE_ITEMS,
    sendMail: true,
    appLinks: true,
    departmentMail: true,
    workflowSettings: true,
  },
  // Audit events, closing tasks the workflow no longer waits on, business-time deadlines.
  deadline: { tableReads: READ_PARTITION, tableWrites: WRITE_ITEMS, workflowSettings: true },
  // Closes the record and any leftover task, then appends its audit event.
  'file-record': { tableReads: READ_PARTITION, tableWrites: WRITE_ITEMS },
  // Heads the stored raw message, then puts its mail-log item (keyed by SES message id).
  'intake-email': { readRawMail: true, tableWrites: ['dynamodb:PutItem'] },
  // The reference counter (UpdateItem), the record and its first audit event, then the execution.
  'create-complaint': { tableWrites: WRITE_ITEMS, startWorkflow: true, workflowSettings: true },
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
  // Serves a document bundled with it.
  'get-openapi': {},
  // Reads only the caller's JWT claims.
  'who-am-i': {},
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

  if (access.workflowSettings && settings.workflowSettings) {
    handler.addEnvironment('WORKFLOW_SETTINGS', settings.workflowSettings);
  }
  if (access.appLinks) handler.addEnvironment('PUBLIC_APP_URL', settings.publicAppUrl);
  if (access.staffMail) handler.addEnvironment('STAFF_EMAIL_PATTERN', settings.staffEmailPattern);
  if (access.departmentMail)
    handler.addEnvironment('DEPARTMENT_EMAIL_PATTERN', settings.departmentEmailPattern);
}
