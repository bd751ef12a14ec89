import type { IndexName } from './table.ts';

export type { IndexName } from './table.ts';

/** Item writes a handler may be granted: the audit trail is append-only, so never DeleteItem. */
export type ItemWrite = 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:BatchWriteItem';
export type ItemRead = 'dynamodb:GetItem' | 'dynamodb:Query' | 'dynamodb:BatchGetItem';

/**
 * What one function may touch beyond its own log group and X-Ray. Each capability sets the
 * environment variables the handler reads (FUNCTION_VARIABLES below) and grants exactly what
 * it needs (lib/access.ts), together, so a variable never arrives without its permission or
 * the other way round. The local stack gives each function the same variables and no others.
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
   * Email intake's options: intake addresses, fax gateways, areas by address, mail limits, and
   * our staff's and departments' address patterns (mail from them is internal). Sets
   * INTAKE_ADDRESSES, STAFF_EMAIL_PATTERN, DEPARTMENT_EMAIL_PATTERN and, when configured,
   * FAX_GATEWAY_ADDRESSES, INTAKE_AREA_BY_ADDRESS, FLOOD_LIMIT_PER_HOUR,
   * ACKNOWLEDGEMENT_LIMIT_PER_HOUR, REPLY_LIMIT_PER_HOUR and REPLY_LIMIT_TOTAL. No permission.
   */
  readonly intakeSettings?: boolean;
  /**
   * The acknowledgements one address may be emailed per hour (email intake's setting). Sets
   * FLOOD_LIMIT_PER_HOUR and ACKNOWLEDGEMENT_LIMIT_PER_HOUR when configured. No permission.
   */
  readonly acknowledgementLimit?: boolean;
  /**
   * Writes report files (`s3:PutObject`, and `s3:AbortMultipartUpload` for the streamed CSV)
   * under `reports/` of the reports bucket. Sets REPORTS_BUCKET.
   */
  readonly writeReports?: boolean;
  /** Reads report files and signs links to them (`s3:GetObject` under `reports/`). Sets REPORTS_BUCKET. */
  readonly readReports?: boolean;
  /** The report's recipients and recurrence thresholds. Sets REPORT_RECIPIENTS (and REPORT_THRESHOLDS). */
  readonly reportSettings?: boolean;
  /**
   * Puts and deletes the estate register's derived pointers, its search terms and contacts
   * (`dynamodb:BatchWriteItem` on the table, only on items whose partition key starts with
   * `DIRTERM#` or `DIRCONTACT#`: lambdas/domain/directory/keys.ts). The one grant that deletes
   * anything, and only what is rebuilt from the units. Sets TABLE_NAME.
   */
  readonly directoryPointers?: boolean;
  /**
   * Puts the register's units and audit lines many at a time (`dynamodb:BatchWriteItem` on the
   * table, only on items whose partition key starts with `ESTATE#`: an estate's partition), for
   * the bulk import. BatchWriteItem cannot be limited to puts: the grant is kept to the estates'
   * partitions, away from complaints and their audit trails. Sets TABLE_NAME.
   */
  readonly directoryBatchWrites?: boolean;
  /**
   * The register import's jobs (`dynamodb:GetItem`, `PutItem`, `UpdateItem` only on items whose
   * partition key starts with `IMPORTJOB#`: lambdas/domain/directory/import-job.ts). Sets TABLE_NAME.
   */
  readonly importJobs?: boolean;
  /**
   * Starts the register import's worker (`lambda:InvokeFunction`, an event invocation, on that
   * one function: run-directory-import). Sets DIRECTORY_IMPORT_FUNCTION.
   */
  readonly startDirectoryImport?: boolean;
  /**
   * Starts the OCR of a fax that needs transcription (`lambda:InvokeFunction`, an event
   * invocation, on that one function: read-fax-pages). Sets OCR_FUNCTION.
   */
  readonly startFaxReading?: boolean;
  /**
   * Retention's erasure of owners' files (`s3:DeleteObject` under `incoming/` of the raw-mail
   * bucket, `uploads/` and `mail/` of the attachments bucket). Sets RAW_MAIL_BUCKET and
   * ATTACHMENTS_BUCKET (the only buckets it deletes from).
   */
  readonly eraseOwnerFiles?: boolean;
  // ---- Mail transport where SES does not receive (issue 20: deploys where the offices are) ----
  /**
   * Stores raw messages as the SES receipt rule does (`s3:PutObject` under `incoming/` of the
   * raw-mail bucket): the mailbox poller, and the forwarder from the SES intake region (which
   * sets RAW_MAIL_REGION, the bucket's region). Sets RAW_MAIL_BUCKET and RAW_MAIL_PREFIX.
   */
  readonly storeRawMail?: boolean;
  /**
   * Hands a stored message to the intake-email function as SES would (`lambda:InvokeFunction`,
   * an event invocation, on that one function). Sets INTAKE_FUNCTION.
   */
  readonly handOffToIntake?: boolean;
  /**
   * Polls the company's mailbox over IMAP (where SES does not receive mail): its address,
   * folders, the authserv-id whose Authentication-Results it trusts, and the secret holding its
   * credentials (`secretsmanager:GetSecretValue` on that secret). Sets MAILBOX_URL,
   * MAILBOX_SECRET (its name), INTAKE_ADDRESSES and, when configured, MAILBOX_FOLDER,
   * MAILBOX_DONE_FOLDER and MAILBOX_AUTHSERV_ID.
   */
  readonly mailbox?: boolean;
}

/** GetItem and Query of a partition: a complaint's record with its tasks, mail and events. */
export const READ_PARTITION: readonly ItemRead[] = ['dynamodb:GetItem', 'dynamodb:Query'];

/**
 * BatchWriteItem puts lines that go together (an email's correspondence line and its audit
 * event, a message's correspondence and mail-log lines) in one request (clients.ts putItems).
 */
export const WRITE_ITEMS: readonly ItemWrite[] = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:BatchWriteItem',
];

interface VariableSpec {
  /** Whether a function with this access is given the variable. */
  readonly given: (access: FunctionAccess) => boolean;
  /** Set only when configured; the handler has a default for it. @default false */
  readonly optional?: boolean;
}

const limitsAcknowledgements = (access: FunctionAccess): boolean =>
  Boolean(access.intakeSettings || access.acknowledgementLimit);

const readsTable = (access: FunctionAccess): boolean =>
  Boolean(
    access.tableWrites?.length ||
      access.tableReads?.length ||
      access.indexQueries?.length ||
      access.directoryPointers ||
      access.directoryBatchWrites ||
      access.importJobs,
  );

/**
 * Every variable a function may be given, with the access that gives it. CDK (lib/access.ts)
 * and the local stack (local/runtime/function-environment.ts) set exactly these, in this order,
 * from their own values; nothing else reads a function's configuration.
 */
export const FUNCTION_VARIABLES = {
  TABLE_NAME: { given: readsTable },
  RAW_MAIL_BUCKET: {
    given: (access) => Boolean(access.readRawMail || access.storeRawMail || access.eraseOwnerFiles),
  },
  RAW_MAIL_PREFIX: { given: (access) => Boolean(access.readRawMail || access.storeRawMail) },
  MAIL_FROM: { given: (access) => access.sendMail === true },
  STATE_MACHINE_ARN: { given: (access) => access.startWorkflow === true },
  ATTACHMENTS_BUCKET: {
    given: (access) =>
      Boolean(
        access.uploadAttachments ||
          access.readAttachments ||
          access.storeMailAttachments ||
          access.readMailAttachments ||
          access.eraseOwnerFiles,
      ),
  },
  INTAKE_ADDRESSES: { given: (access) => Boolean(access.intakeSettings || access.mailbox) },
  FAX_GATEWAY_ADDRESSES: { given: (access) => access.intakeSettings === true, optional: true },
  INTAKE_AREA_BY_ADDRESS: { given: (access) => access.intakeSettings === true, optional: true },
  FLOOD_LIMIT_PER_HOUR: { given: (access) => limitsAcknowledgements(access), optional: true },
  ACKNOWLEDGEMENT_LIMIT_PER_HOUR: { given: (access) => limitsAcknowledgements(access), optional: true },
  REPLY_LIMIT_PER_HOUR: { given: (access) => access.intakeSettings === true, optional: true },
  REPLY_LIMIT_TOTAL: { given: (access) => access.intakeSettings === true, optional: true },
  REPORTS_BUCKET: { given: (access) => Boolean(access.writeReports || access.readReports) },
  REPORT_RECIPIENTS: { given: (access) => access.reportSettings === true },
  REPORT_THRESHOLDS: { given: (access) => access.reportSettings === true, optional: true },
  WORKFLOW_SETTINGS: { given: (access) => access.workflowSettings === true, optional: true },
  PUBLIC_APP_URL: { given: (access) => access.appLinks === true },
  STAFF_EMAIL_PATTERN: { given: (access) => Boolean(access.staffMail || access.intakeSettings) },
  DEPARTMENT_EMAIL_PATTERN: { given: (access) => Boolean(access.departmentMail || access.intakeSettings) },
  // Mail transport where SES does not receive or send (issue 20). Optional for senders: unset,
  // mail goes out through SES in the function's own region.
  /** The region whose SES sends (where the domain identity is verified), when not the function's own. */
  SES_REGION: { given: (access) => access.sendMail === true, optional: true },
  /** `smtps://host:465` or `smtp://host:587` (STARTTLS required): send through the company's relay, not SES. */
  MAIL_RELAY_URL: { given: (access) => access.sendMail === true, optional: true },
  /** The secret (name or ARN) with the relay's `username` and `password` (Secrets Manager). */
  MAIL_RELAY_SECRET: { given: (access) => access.sendMail === true, optional: true },
  /** The raw-mail bucket's region, when it is not the function's own (the forwarder's). */
  RAW_MAIL_REGION: { given: (access) => access.storeRawMail === true, optional: true },
  INTAKE_FUNCTION: { given: (access) => access.handOffToIntake === true },
  DIRECTORY_IMPORT_FUNCTION: { given: (access) => access.startDirectoryImport === true },
  OCR_FUNCTION: { given: (access) => access.startFaxReading === true },
  MAILBOX_URL: { given: (access) => access.mailbox === true },
  MAILBOX_SECRET: { given: (access) => access.mailbox === true },
  MAILBOX_FOLDER: { given: (access) => access.mailbox === true, optional: true },
  MAILBOX_DONE_FOLDER: { given: (access) => access.mailbox === true, optional: true },
  MAILBOX_AUTHSERV_ID: { given: (access) => access.mailbox === true, optional: true },
} as const satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof FUNCTION_VARIABLES;

/** Where each variable's value comes from: CDK's constructs and settings, or the local stack's. */
export type VariableValues = { readonly [N in VariableName]: string | undefined };

const VARIABLE_NAMES = Object.keys(FUNCTION_VARIABLES) as VariableName[];

/** Whether `name` is one of the variables of FUNCTION_VARIABLES (not the runtime's own). */
export function isFunctionVariable(name: string): name is VariableName {
  return Object.hasOwn(FUNCTION_VARIABLES, name);
}

/** Whether the variable is set only when configured (its handler has a default). */
export function isOptional(name: VariableName): boolean {
  return (FUNCTION_VARIABLES[name] as VariableSpec).optional === true;
}

/** The variables a function with this access is given, configured or not, in table order. */
export function environmentOf(access: FunctionAccess): readonly VariableName[] {
  return VARIABLE_NAMES.filter((name) => FUNCTION_VARIABLES[name].given(access));
}

/**
 * A function's variables with their values: those of `environmentOf(access)`, except an
 * optional one without a value (or an empty one), which is left unset so its handler takes its
 * default. Throws, naming the function and the variable, when a required one has no value.
 */
export function environmentFrom(
  functionId: string,
  access: FunctionAccess,
  values: VariableValues,
): [VariableName, string][] {
  const environment: [VariableName, string][] = [];
  for (const name of environmentOf(access)) {
    const value = values[name];
    const optional = isOptional(name);
    if (value === undefined && !optional) throw new Error(`${functionId} needs ${name}, which has no value`);
    if (value !== undefined && (value !== '' || !optional)) environment.push([name, value]);
  }
  return environment;
}
