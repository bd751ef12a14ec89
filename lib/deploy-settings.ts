import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { workflowSettingsFrom } from '#config/workflow.ts';
import { intakeSettingsFrom } from '#domain/mail/intake-options.ts';
import { parseRecipients } from '#domain/report/email.ts';
import { thresholdsFrom } from '#domain/report/rectification.ts';

/**
 * Deployment settings, read from CDK context (`cdk.json` or `-c key=value`) and checked once,
 * before any construct is built, so a wrong value fails `cdk synth` with a message that names
 * the key and shows an example rather than failing a deployment half-way.
 */
export interface Settings {
  /** CloudFormation stack name. @default 'EstateComplaints' */
  readonly stackName: string;
  /** Account to deploy to. @default - environment-agnostic */
  readonly account?: string;
  /** Region to deploy to; SES email receiving exists only in some regions. @default - environment-agnostic */
  readonly region?: string;
  /** Mail domain whose MX points at SES inbound. @default 'complaints.example.com' */
  readonly intakeDomain: string;
  /** Addresses owners write (or fax-to-email gateways deliver) to. @default ['complaints@<intakeDomain>'] */
  readonly intakeAddresses: readonly string[];
  /** Create the SES domain identity for the intake domain (false when it already exists). @default true */
  readonly createIntakeIdentity: boolean;
  /** Where alarms are emailed. @default - alarms go to an SNS topic with no subscriber */
  readonly alarmEmail?: string;
  /** Retention of every log group of the stack. @default RetentionDays.ONE_YEAR */
  readonly logRetention: RetentionDays;
  /** Staff API steady-state requests per second. @default 50 */
  readonly apiRateLimit: number;
  /** Staff API burst of requests. @default 100 */
  readonly apiBurstLimit: number;
  /** The staff web app's URL, for links in emails. @default 'https://<intakeDomain>' */
  readonly publicAppUrl: string;
  /** Where staff task notices go; `{role}` and `{area}` are filled in. @default '{role}.{area}@<intakeDomain>' */
  readonly staffEmailPattern: string;
  /** Where work orders go; `{department}` (and `{area}`) are filled in. @default '{department}@<intakeDomain>' */
  readonly departmentEmailPattern: string;
  /** Step durations and loop bounds (config/workflow.ts WorkflowSettings), as JSON. @default - the defaults there */
  readonly workflowSettings?: string;
  /** Fax-to-email gateways' sender addresses (or `@domain`): their mail is a fax. @default - none */
  readonly faxGatewayAddresses?: readonly string[];
  /** JSON object: intake address → area of config/areas.ts. @default - every address to the first area */
  readonly intakeAreaByAddress?: string;
  /** New complaints one sender may open per hour before more are held for review. @default 5 */
  readonly floodLimitPerHour?: number;
  /** Acknowledgements emailed to one address per hour (complaints email intake opened). @default floodLimitPerHour */
  readonly acknowledgementLimitPerHour?: number;
  /** Replies one complaint takes per hour before more are held for review. @default 20 */
  readonly replyLimitPerHour?: number;
  /** Replies one complaint takes in all before more are held for review. @default 200 */
  readonly replyLimitTotal?: number;
  /** The periodic reports EventBridge Scheduler runs: monthly, weekly, both, or none. @default ['month'] */
  readonly reportSchedules: readonly ('month' | 'week')[];
  /** Local time the scheduled reports run (`HH:MM`), on the 1st (monthly) or on Mondays (weekly). @default '08:00' */
  readonly reportTime: string;
  /** Time zone of `reportTime` (IANA). @default 'Asia/Hong_Kong' */
  readonly reportTimeZone: string;
  /** Who receives the reports: addresses, each optionally `en:` or `zh-Hans:` for its language. @default customer-service@ and manager@ the intake domain */
  readonly reportRecipients: readonly string[];
  /** When rectification items are drafted (JSON: category, categoryShare, location, unit, dueDays), for REPORT_THRESHOLDS. @default - the defaults of lambdas/domain/report/rectification.ts */
  readonly reportThresholds?: string;
  /**
   * How owners' mail comes in (README, Deploying to AWS): `ses`, SES receives it (in `region`,
   * or in `intakeRegion` with the data in `region`); `mailbox`, the company's own mailbox is
   * polled over IMAP, where SES does not receive at all (AWS China). @default 'ses'
   */
  readonly mailIntake: 'ses' | 'mailbox';
  /**
   * The SES receiving region of a split deployment: a small intake stack there receives the
   * mail and forwards it to the home `region`, where the data and the workflow are. SES sends
   * from there too (the domain identity is verified there). @default - SES receives in `region`
   */
  readonly intakeRegion?: string;
  /** The mailbox polled when `mailIntake` is `mailbox`. */
  readonly mailbox?: MailboxSettings;
  /** The company's SMTP relay, when mail is sent through it instead of SES. @default - SES sends */
  readonly mailRelay?: MailRelaySettings;
}

export interface MailboxSettings {
  /** `imaps://host[:port]`, or `imap://host[:port]` (STARTTLS is then required). */
  readonly url: string;
  /** @default 'INBOX' */
  readonly folder?: string;
  /** Where taken messages are moved. @default 'Complaints/Received' */
  readonly doneFolder?: string;
  /** The mail server's authserv-id, whose Authentication-Results headers are believed. @default - none: senders are unverified */
  readonly authServId?: string;
  /** Minutes between polls. @default 1 */
  readonly pollMinutes: number;
}

export interface MailRelaySettings {
  /** `smtps://host[:465]`, or `smtp://host[:587]` (STARTTLS is then required). */
  readonly url: string;
  /** Whether the relay wants a login (a secret is created for it). @default true */
  readonly login: boolean;
}

/** The context keys `readSettings` understands, for messages and documentation. */
export const SETTING_KEYS = [
  'stackName',
  'account',
  'region',
  'intakeDomain',
  'intakeAddresses',
  'createIntakeIdentity',
  'alarmEmail',
  'logRetentionDays',
  'apiRateLimit',
  'apiBurstLimit',
  'publicAppUrl',
  'staffEmailPattern',
  'departmentEmailPattern',
  'workflowSettings',
  'faxGatewayAddresses',
  'intakeAreaByAddress',
  'floodLimitPerHour',
  'acknowledgementLimitPerHour',
  'replyLimitPerHour',
  'replyLimitTotal',
  'reportSchedule',
  'reportTime',
  'reportTimeZone',
  'reportRecipients',
  'rectificationThresholds',
  'mailIntake',
  'intakeRegion',
  'mailboxUrl',
  'mailboxFolder',
  'mailboxDoneFolder',
  'mailboxAuthServId',
  'mailboxPollMinutes',
  'mailRelayUrl',
  'mailRelayLogin',
] as const;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

const EMAIL =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+)$/i;
const DOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Retention values CloudWatch Logs accepts, in days (RetentionDays minus INFINITE). */
const RETENTION_DAYS: ReadonlySet<number> = new Set(
  Object.values(RetentionDays).filter((days): days is number => typeof days === 'number' && days > 0),
);

/**
 * Reads and validates the settings. Every problem is collected, so one synth lists them all.
 * @throws SettingsError naming each invalid key, the value given and an example of a valid one.
 */
export function readSettings(node: Node): Settings {
  const problems: string[] = [];
  const get = (key: (typeof SETTING_KEYS)[number]): unknown => node.tryGetContext(key);

  const stackName = text(get('stackName')) ?? 'EstateComplaints';
  if (!STACK_NAME.test(stackName)) {
    problems.push(
      `stackName "${stackName}" is not a CloudFormation stack name (letters, digits, hyphens; e.g. EstateComplaints)`,
    );
  }

  const account = text(get('account'));
  if (account !== undefined && !ACCOUNT.test(account)) {
    problems.push(`account "${account}" is not a 12-digit AWS account id`);
  }
  const region = text(get('region'));
  if (region !== undefined && !REGION.test(region)) {
    problems.push(
      `region "${region}" is not an AWS region name (e.g. eu-west-1; SES receives email in a few regions only)`,
    );
  }

  const intakeDomain = (text(get('intakeDomain')) ?? 'complaints.example.com').toLowerCase();
  if (!DOMAIN.test(intakeDomain)) {
    problems.push(`intakeDomain "${intakeDomain}" is not a domain name (e.g. complaints.example.com)`);
  }

  const intakeAddresses = list(get('intakeAddresses'))?.map((address) => address.toLowerCase()) ?? [
    `complaints@${intakeDomain}`,
  ];
  if (intakeAddresses.length === 0) {
    problems.push(
      'intakeAddresses is empty: give at least one address, e.g. -c intakeAddresses=complaints@example.com',
    );
  }
  for (const address of intakeAddresses) {
    const domain = EMAIL.exec(address)?.[1];
    if (!domain) {
      problems.push(
        `intakeAddresses: "${address}" is not an email address (e.g. complaints@${intakeDomain})`,
      );
    } else if (domain !== intakeDomain && !domain.endsWith(`.${intakeDomain}`)) {
      problems.push(
        `intakeAddresses: "${address}" is not on the intake domain ${intakeDomain}; SES only receives for the domain whose MX points at it`,
      );
    }
  }
  if (new Set(intakeAddresses).size !== intakeAddresses.length) {
    problems.push(`intakeAddresses lists an address twice: ${intakeAddresses.join(', ')}`);
  }

  const createIntakeIdentity = flag(get('createIntakeIdentity'), true, 'createIntakeIdentity', problems);

  const alarmEmail = text(get('alarmEmail'));
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail)) {
    problems.push(`alarmEmail "${alarmEmail}" is not an email address (e.g. ops@example.com)`);
  }

  const logRetentionDays = integer(get('logRetentionDays'), 365, 'logRetentionDays', problems);
  if (!RETENTION_DAYS.has(logRetentionDays)) {
    problems.push(
      `logRetentionDays ${logRetentionDays} is not a CloudWatch Logs retention; use one of ${[...RETENTION_DAYS].join(', ')}`,
    );
  }

  const apiRateLimit = integer(get('apiRateLimit'), 50, 'apiRateLimit', problems);
  const apiBurstLimit = integer(get('apiBurstLimit'), 100, 'apiBurstLimit', problems);
  if (apiRateLimit < 1) problems.push(`apiRateLimit ${apiRateLimit} must be at least 1 request per second`);
  if (apiBurstLimit < apiRateLimit) {
    problems.push(`apiBurstLimit ${apiBurstLimit} must be at least apiRateLimit (${apiRateLimit})`);
  }

  const publicAppUrl = (text(get('publicAppUrl')) ?? `https://${intakeDomain}`).replace(/\/+$/, '');
  if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(publicAppUrl)) {
    problems.push(
      `publicAppUrl "${publicAppUrl}" must be an https URL (e.g. https://complaints.example.com)`,
    );
  }
  const staffEmailPattern = text(get('staffEmailPattern')) ?? `{role}.{area}@${intakeDomain}`;
  if (!EMAIL.test(staffEmailPattern.replace(/\{(role|area)\}/g, 'x'))) {
    problems.push(
      `staffEmailPattern "${staffEmailPattern}" must be an address with {role} and {area}, e.g. {role}.{area}@example.com`,
    );
  }
  const departmentEmailPattern = text(get('departmentEmailPattern')) ?? `{department}@${intakeDomain}`;
  if (!EMAIL.test(departmentEmailPattern.replace(/\{(department|area)\}/g, 'x'))) {
    problems.push(
      `departmentEmailPattern "${departmentEmailPattern}" must be an address with {department}, e.g. {department}@example.com`,
    );
  }
  const rawWorkflow = get('workflowSettings');
  let workflowSettings: string | undefined;
  if (rawWorkflow !== undefined && rawWorkflow !== null && rawWorkflow !== '') {
    workflowSettings = typeof rawWorkflow === 'string' ? rawWorkflow : JSON.stringify(rawWorkflow);
    try {
      workflowSettingsFrom(workflowSettings);
    } catch (error) {
      problems.push(`workflowSettings: ${(error as Error).message.replace(/^WORKFLOW_SETTINGS: /, '')}`);
    }
  }

  const faxGatewayAddresses = list(get('faxGatewayAddresses'))?.map((address) => address.toLowerCase());
  const rawAreas = get('intakeAreaByAddress');
  const intakeAreaByAddress =
    rawAreas === undefined || rawAreas === null || rawAreas === ''
      ? undefined
      : typeof rawAreas === 'string'
        ? rawAreas
        : JSON.stringify(rawAreas);
  const floodText = text(get('floodLimitPerHour'));
  const acknowledgementText = text(get('acknowledgementLimitPerHour'));
  const replyHourText = text(get('replyLimitPerHour'));
  const replyTotalText = text(get('replyLimitTotal'));
  try {
    // The same check the intake function makes at cold start, so a wrong value fails synth instead.
    if (intakeAddresses.length > 0)
      intakeSettingsFrom({
        INTAKE_ADDRESSES: intakeAddresses.join(','),
        FAX_GATEWAY_ADDRESSES: faxGatewayAddresses?.join(','),
        INTAKE_AREA_BY_ADDRESS: intakeAreaByAddress,
        FLOOD_LIMIT_PER_HOUR: floodText,
        ACKNOWLEDGEMENT_LIMIT_PER_HOUR: acknowledgementText,
        REPLY_LIMIT_PER_HOUR: replyHourText,
        REPLY_LIMIT_TOTAL: replyTotalText,
      });
  } catch (error) {
    problems.push(
      (error as Error).message
        .replace(/^FAX_GATEWAY_ADDRESSES/, 'faxGatewayAddresses')
        .replace(/^INTAKE_AREA_BY_ADDRESS/, 'intakeAreaByAddress')
        .replace(/^FLOOD_LIMIT_PER_HOUR/, 'floodLimitPerHour')
        .replace(/^ACKNOWLEDGEMENT_LIMIT_PER_HOUR/, 'acknowledgementLimitPerHour')
        .replace(/^REPLY_LIMIT_PER_HOUR/, 'replyLimitPerHour')
        .replace(/^REPLY_LIMIT_TOTAL/, 'replyLimitTotal')
        .replace(/INTAKE_ADDRESSES/, 'intakeAddresses'),
    );
  }

  const reportSchedules: ('month' | 'week')[] = [];
  for (const entry of list(get('reportSchedule')) ?? ['monthly']) {
    const kind = { monthly: 'month', weekly: 'week', month: 'month', week: 'week' }[entry.toLowerCase()] as
      | 'month'
      | 'week'
      | undefined;
    if (entry.toLowerCase() === 'off' || entry.toLowerCase() === 'none') continue;
    if (!kind) {
      problems.push(`reportSchedule "${entry}" must be monthly, weekly, monthly,weekly or off`);
    } else if (!reportSchedules.includes(kind)) reportSchedules.push(kind);
  }
  const reportTime = text(get('reportTime')) ?? '08:00';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(reportTime)) {
    problems.push(`reportTime "${reportTime}" must be a time of day HH:MM, e.g. 08:00`);
  }
  const reportTimeZone = text(get('reportTimeZone')) ?? 'Asia/Hong_Kong';
  if (!Intl.supportedValuesOf('timeZone').includes(reportTimeZone) && reportTimeZone !== 'UTC') {
    problems.push(
      `reportTimeZone "${reportTimeZone}" is not an IANA time zone (e.g. Asia/Hong_Kong, Asia/Taipei)`,
    );
  }
  const reportRecipients = list(get('reportRecipients')) ?? [
    `customer-service@${intakeDomain}`,
    `manager@${intakeDomain}`,
  ];
  try {
    if (parseRecipients(reportRecipients.join(',')).length === 0) {
      problems.push(
        'reportRecipients is empty: give at least one address, e.g. -c reportRecipients=cs@example.com',
      );
    }
  } catch (error) {
    problems.push(`reportRecipients: ${(error as Error).message}`);
  }
  const rawThresholds = get('rectificationThresholds');
  let reportThresholds: string | undefined;
  if (rawThresholds !== undefined && rawThresholds !== null && rawThresholds !== '') {
    reportThresholds = typeof rawThresholds === 'string' ? rawThresholds : JSON.stringify(rawThresholds);
    try {
      thresholdsFrom(reportThresholds);
    } catch (error) {
      problems.push(
        `rectificationThresholds: ${(error as Error).message.replace(/^REPORT_THRESHOLDS: /, '')}`,
      );
    }
  }

  const mailIntakeText = (text(get('mailIntake')) ?? 'ses').toLowerCase();
  const mailIntake = mailIntakeText === 'mailbox' || mailIntakeText === 'imap' ? 'mailbox' : 'ses';
  if (!['ses', 'mailbox', 'imap'].includes(mailIntakeText)) {
    problems.push(
      `mailIntake "${mailIntakeText}" must be ses (SES receives the mail) or mailbox (the company's mailbox is polled over IMAP)`,
    );
  }
  const intakeRegion = text(get('intakeRegion'));
  if (intakeRegion !== undefined) {
    if (!REGION.test(intakeRegion)) {
      problems.push(`intakeRegion "${intakeRegion}" is not an AWS region name (e.g. ap-southeast-1)`);
    } else if (!region) {
      problems.push(
        `intakeRegion ${intakeRegion} needs region, the home region of the data and workflow (e.g. -c region=ap-east-1)`,
      );
    } else if (intakeRegion === region) {
      problems.push(`intakeRegion ${intakeRegion} is region itself: leave intakeRegion unset`);
    }
    if (mailIntake === 'mailbox') {
      problems.push('intakeRegion is for SES receiving: with mailIntake=mailbox leave it unset');
    }
  }
  const china = (region ?? '').startsWith('cn-');
  if (china && mailIntake === 'ses') {
    problems.push(
      `region ${region}: AWS China has no SES; set -c mailIntake=mailbox -c mailboxUrl=imaps://... -c mailRelayUrl=smtps://...`,
    );
  }

  let mailbox: MailboxSettings | undefined;
  const mailboxUrl = text(get('mailboxUrl'));
  const pollMinutes = integer(get('mailboxPollMinutes'), 1, 'mailboxPollMinutes', problems);
  if (pollMinutes < 1 || pollMinutes > 60) {
    problems.push(`mailboxPollMinutes ${pollMinutes} must be 1 to 60`);
  }
  if (mailIntake === 'mailbox') {
    if (!mailboxUrl) {
      problems.push(
        'mailIntake=mailbox needs mailboxUrl, e.g. -c mailboxUrl=imaps://imap.example-estates.com',
      );
    } else if (!/^imaps?:\/\/[a-z0-9.-]+(:\d{1,5})?\/?$/i.test(mailboxUrl)) {
      problems.push(
        `mailboxUrl "${mailboxUrl}" must be imaps://host[:port] (or imap://host[:port], with STARTTLS required)`,
      );
    }
    const folder = text(get('mailboxFolder'));
    const doneFolder = text(get('mailboxDoneFolder'));
    if (folder !== undefined && doneFolder !== undefined && folder === doneFolder) {
      problems.push(
        `mailboxDoneFolder "${doneFolder}" must differ from mailboxFolder: taken mail is moved out of it`,
      );
    }
    const authServId = text(get('mailboxAuthServId'));
    if (authServId !== undefined && !DOMAIN.test(authServId)) {
      problems.push(
        `mailboxAuthServId "${authServId}" must be the mail server's name in its Authentication-Results headers (e.g. mx.example-estates.com)`,
      );
    }
    mailbox = {
      url: mailboxUrl ?? '',
      ...(folder ? { folder } : {}),
      ...(doneFolder ? { doneFolder } : {}),
      ...(authServId ? { authServId } : {}),
      pollMinutes,
    };
  } else if (mailboxUrl) {
    problems.push('mailboxUrl is read only with -c mailIntake=mailbox');
  }

  let mailRelay: MailRelaySettings | undefined;
  const relayUrl = text(get('mailRelayUrl'));
  if (relayUrl !== undefined) {
    if (!/^smtps?:\/\/[a-z0-9.-]+(:\d{1,5})?\/?$/i.test(relayUrl)) {
      problems.push(
        `mailRelayUrl "${relayUrl}" must be smtps://host[:port] (or smtp://host[:port], with STARTTLS required)`,
      );
    }
    if (intakeRegion !== undefined) {
      problems.push('mailRelayUrl: a split SES deployment sends through SES in intakeRegion; leave it unset');
    }
    mailRelay = { url: relayUrl, login: flag(get('mailRelayLogin'), true, 'mailRelayLogin', problems) };
  } else if (china) {
    problems.push(`region ${region}: AWS China has no SES to send with; set -c mailRelayUrl=smtps://...`);
  }

  if (problems.length > 0) {
    throw new SettingsError(
      `Invalid CDK context (set in cdk.json "context" or with -c key=value):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return {
    stackName,
    ...(account ? { account } : {}),
    ...(region ? { region } : {}),
    intakeDomain,
    intakeAddresses,
    createIntakeIdentity,
    ...(alarmEmail ? { alarmEmail } : {}),
    logRetention: logRetentionDays as RetentionDays,
    apiRateLimit,
    apiBurstLimit,
    publicAppUrl,
    staffEmailPattern,
    departmentEmailPattern,
    ...(workflowSettings ? { workflowSettings } : {}),
    ...(faxGatewayAddresses?.length ? { faxGatewayAddresses } : {}),
    ...(intakeAreaByAddress ? { intakeAreaByAddress } : {}),
    ...(floodText ? { floodLimitPerHour: Number(floodText) } : {}),
    ...(acknowledgementText ? { acknowledgementLimitPerHour: Number(acknowledgementText) } : {}),
    ...(replyHourText ? { replyLimitPerHour: Number(replyHourText) } : {}),
    ...(replyTotalText ? { replyLimitTotal: Number(replyTotalText) } : {}),
    reportSchedules,
    reportTime,
    reportTimeZone,
    reportRecipients,
    ...(reportThresholds ? { reportThresholds } : {}),
    mailIntake,
    ...(intakeRegion ? { intakeRegion } : {}),
    ...(mailbox ? { mailbox } : {}),
    ...(mailRelay ? { mailRelay } : {}),
  };
}

/** Where SES sends from, when it does: the intake region of a split deployment, else the stack's own. */
export function sesSends(settings: Settings): boolean {
  return settings.mailRelay === undefined;
}

/** A context string; blank counts as unset. */
function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A list from cdk.json (an array) or from `-c key=a,b` (a comma-separated string). */
function list(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

function integer(value: unknown, fallback: number, key: string, problems: string[]): number {
  const raw = text(value);
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!Number.isInteger(parsed)) {
    problems.push(`${key} "${raw}" is not a whole number`);
    return fallback;
  }
  return parsed;
}

function flag(value: unknown, fallback: boolean, key: string, problems: string[]): boolean {
  const raw = text(value);
  if (raw === undefined) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  problems.push(`${key} "${raw}" must be true or false`);
  return fallback;
}
