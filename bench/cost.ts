import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { FUNCTION_SPECS } from '#config/functions.ts';
import { TABLE } from '#config/table.ts';
import { itemBytes } from '#domain/item-size.ts';
import { complaintPk } from '#domain/keys.ts';
import { RECTIFICATION_STATUSES } from '#domain/report/rectification.ts';
import { buildApp } from '../lib/app.ts';
import { invocationStats } from '../local/runtime/lambda-runtime.ts';
import { type LocalStack, PROJECT_ROOT, startLocalStack } from '../local/stack.ts';
import type { Figure } from './figures.ts';
import { ASSUMPTIONS, costOf, happyPath, ladderPath, measure, type PathMeasure, PRICES } from './workflow.ts';

/**
 * `npm run bench -- cost`: the monthly bill of an office with 1,000 complaints a month, at
 * list prices, for each deployment shape (README, "Deploying to AWS"): what each complaint
 * costs, measured along the workflow's paths on the local stack (bench/workflow.ts's figures,
 * line by line, plus Lambda's init duration, billed since August 2025), and the fixed monthly
 * charges of what the stack creates, counted in the synthesised templates (alarms, keys,
 * secrets, log groups and their retention, schedules, the user pool's tier, queues), so that
 * the bill follows the stack. Every price and assumption is named here, where it is set; the
 * lines go to bench/cost-lines.json and docs/performance.md.
 */

/**
 * AWS list prices, us-east-1 unless said (on-demand, no free tier), as bench/workflow.ts's
 * PRICES, which the per-complaint lines use. Hong Kong's and Taipei's offices see CloudFront's
 * Asia prices; the other services list higher in ap-east-1 than here.
 */
export const FIXED_PRICES = {
  /** KMS: $1.00 per customer-managed key a month (rotation included). */
  kmsKeyMonth: 1,
  /** KMS: $0.03 per 10,000 requests. */
  kmsRequest: 0.03 / 10_000,
  /** CloudWatch: $0.10 per standard-resolution alarm (one metric) a month. */
  alarmMonth: 0.1,
  /** CloudWatch: $0.30 per custom metric a month (first 10,000), prorated by the hour it is published. */
  customMetricMonth: 0.3,
  /** CloudWatch Logs: $0.03 per GB-month stored. */
  logStorageGbMonth: 0.03,
  /** Secrets Manager: $0.40 per secret a month, $0.05 per 10,000 API calls. */
  secretMonth: 0.4,
  secretCall: 0.05 / 10_000,
  /** S3 Standard: $0.023 per GB-month (first 50 TB). */
  s3GbMonth: 0.023,
  /** DynamoDB Standard table class: $0.25 per GB-month; continuous backups (PITR) $0.20 per GB-month. */
  dynamoGbMonth: 0.25,
  dynamoPitrGbMonth: 0.2,
  /** Cognito user pools, per monthly active user, by feature plan (Plus: no free tier). */
  cognitoMau: { LITE: 0.0055, ESSENTIALS: 0.015, PLUS: 0.02 } as Record<string, number>,
  /** CloudFront, Asia Pacific (Hong Kong, Taiwan, Singapore...): $0.120 per GB out, $0.0120 per 10,000 HTTPS requests. */
  cloudFrontGb: 0.12,
  cloudFrontRequest: 0.012 / 10_000,
  /** SQS standard: $0.40 per million requests. SNS: $0.50 per million publishes (to SQS: no delivery charge). */
  sqsRequest: 0.4 / 1_000_000,
  snsPublish: 0.5 / 1_000_000,
  /** Data transfer between regions: $0.02 per GB; to the internet (the company's relay): $0.09 per GB. */
  interRegionGb: 0.02,
  internetGb: 0.09,
} as const;

export const COST_ASSUMPTIONS = {
  complaintsPerMonth: 1000,
  /** Share of complaints that climb the escalation ladder (the ladder path); the rest take the happy path. */
  escalatedShare: 0.1,
  /** Share of invocations that start cold: at this traffic, almost all (issue 20). */
  coldStartShare: 1,
  /** AWS's init of a Node.js 24 arm64 hello-world: ~134 ms (lambda-perf, Dec 2025). */
  awsHelloInitSeconds: 0.134,
  /**
   * A handler's init on AWS = the hello-world's × its init ratio measured here (bench/results.json,
   * `lambda.init_ratio.<fn>`, or `lambda.init_over_sdk_floor.<fn>` × `lambda.init_ratio.sdk_only`);
   * without a measurement, a function with three SDK clients: ~375 ms (lambda-perf).
   */
  fallbackInitRatio: 375 / 134,
  /** Staff signing in in a month (Cognito MAUs): 7 roles × 2 areas and head office. */
  staffUsers: 20,
  /** Web app: loads a working day per staff member, 22 working days, requests and KB per load (gzip). */
  appLoadsPerStaffDay: 4,
  workingDays: 22,
  requestsPerAppLoad: 12,
  kbPerAppLoad: 250,
  /** Owner pages: views per complaint (plan, satisfaction), requests and KB each. */
  ownerViewsPerComplaint: 2,
  requestsPerOwnerView: 4,
  kbPerOwnerView: 60,
  /** Raw mail per complaint: the owner's email and one reply, a photo or fax page among them (base64). */
  rawMailKbPerComplaint: 120,
  /** The same attachments decoded and stored again under mail/ of the attachments bucket. */
  mailAttachmentKbPerComplaint: 70,
  /** Reception's scans of letters and faxes: one complaint in five, 500 KB each. */
  uploadedScanKbPerComplaint: 100,
  /** The monthly report: HTML and CSV in three languages and the figures. */
  reportMbPerMonth: 2,
  /** Storage is priced as it stands after three years of complaints (none deleted: they are records). */
  storageMonths: 36,
  /** S3 requests per complaint (raw mail, attachments, scans, reports) and bytes of access log each. */
  s3RequestsPerComplaint: 10,
  accessLogBytesPerRequest: 400,
  /** DynamoDB's storage overhead per item, and the intake email's mail-log and correspondence items. */
  dynamoItemOverheadBytes: 100,
  inboundMailItemBytes: 4096,
  /** Hours a month each custom metric is published in: events in most office hours (12 h × 25 days). */
  metricHoursPerMonth: 300,
  /** KMS requests per invocation touching the table (a fresh data key for a cold container). */
  kmsRequestsPerInvocation: 1,
  /** Step Functions' log bytes per transition at level ALL without execution data. */
  stateMachineLogBytesPerTransition: 500,
  /** API Gateway access-log bytes per request. */
  apiAccessLogBytesPerRequest: 400,
  /** An IMAP poll: billed seconds (connect, log in, search, log out), cold share (a poll a minute keeps it warm), log bytes. */
  pollBilledSeconds: 1,
  pollColdShare: 0.1,
  pollLogBytes: 600,
  /** Secrets Manager calls per poll (the login is kept 5 minutes in a warm container: one in five). */
  secretCallsPerPoll: 0.2,
  /** The forwarder: billed seconds per message; Lambda's SQS pollers' empty receives a month (5 × 3 a minute). */
  forwardBilledSeconds: 0.3,
  sqsIdleReceivesPerMonth: 5 * 3 * 43_200,
  /** SQS requests per forwarded message (send, receive, delete), outgoing email KB through the relay. */
  sqsRequestsPerMessage: 3,
  emailKbOut: 20,
} as const;

export interface CostLine {
  readonly line: string;
  readonly usd: number;
  /** How it is reckoned, with the counts it came from. */
  readonly basis: string;
}

export interface ShapeBill {
  readonly shape: string;
  readonly title: string;
  readonly lines: readonly CostLine[];
  readonly total: number;
}

/** What a deployment shape's templates hold, as the bill counts it. */
export interface TemplateFacts {
  readonly counts: Readonly<Record<string, number>>;
  /** Retention of each log group, in days. */
  readonly logRetentionDays: readonly number[];
  readonly userPoolTier?: string;
  /** Scheduled rule rates in minutes (the mailbox poller's). */
  readonly pollRatesMinutes: readonly number[];
  /** Whether the state machine logs every transition. */
  readonly stateMachineLogsAll: boolean;
}

type Template = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

export function templateFacts(templates: readonly Template[]): TemplateFacts {
  const counts: Record<string, number> = {};
  const logRetentionDays: number[] = [];
  const pollRatesMinutes: number[] = [];
  let userPoolTier: string | undefined;
  let stateMachineLogsAll = false;
  for (const template of templates) {
    for (const resource of Object.values(template.Resources ?? {})) {
      counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
      const p = resource.Properties ?? {};
      if (resource.Type === 'AWS::Logs::LogGroup') logRetentionDays.push(Number(p.RetentionInDays ?? 3650));
      if (resource.Type === 'AWS::Cognito::UserPool') userPoolTier = String(p.UserPoolTier ?? 'ESSENTIALS');
      if (resource.Type === 'AWS::Events::Rule' && typeof p.ScheduleExpression === 'string') {
        const rate = /^rate\((\d+) minutes?\)$/.exec(p.ScheduleExpression);
        if (rate) pollRatesMinutes.push(Number(rate[1]));
      }
      if (resource.Type === 'AWS::StepFunctions::StateMachine') {
        const level = (p.LoggingConfiguration as { Level?: string } | undefined)?.Level;
        stateMachineLogsAll = level === 'ALL';
      }
    }
  }
  return {
    counts,
    logRetentionDays,
    ...(userPoolTier ? { userPoolTier } : {}),
    pollRatesMinutes,
    stateMachineLogsAll,
  };
}

/**
 * The custom metrics the handlers can publish (Powertools, one dimension: the service), found
 * in their source: literal names, a ternary of literals, a name looked up in the file's
 * `METRIC` table, and the rectification status metrics. A call this cannot read fails the
 * benchmark, so a new metric is never left off the bill.
 */
export function customMetricNames(): string[] {
  const names = new Set<string>();
  for (const spec of FUNCTION_SPECS) {
    const source = readFileSync(join(PROJECT_ROOT, spec.entry), 'utf8');
    for (const match of source.matchAll(/addMetric\(\s*([^,]+),/g)) {
      const argument = (match[1] ?? '').trim();
      const literals = [...argument.matchAll(/'([A-Za-z0-9_]+)'/g)].map((m) => m[1] as string);
      if (/^`Rectification_\$\{[^}]+\}`$/.test(argument)) {
        for (const status of RECTIFICATION_STATUSES) names.add(`Rectification_${status}`);
      } else if (literals.length && /^[\w\s?:'.!]+$/.test(argument)) {
        for (const name of literals) names.add(name);
      } else if (/^\w+$/.test(argument)) {
        const table = /const METRIC[^=]*=\s*\{([^}]*)\}/.exec(source)?.[1];
        if (!table)
          throw new Error(`${spec.entry}: cannot tell which metrics addMetric(${argument}) publishes`);
        for (const m of table.matchAll(/:\s*'([A-Za-z0-9_]+)'/g)) names.add(m[1] as string);
      } else {
        throw new Error(`${spec.entry}: cannot tell which metrics addMetric(${argument}) publishes`);
      }
    }
  }
  return [...names].sort();
}

/** Lambda figures of the last `npm run bench -- lambda`, to scale AWS's hello-world init by. */
function lambdaFigures(): Map<string, number> {
  try {
    const results = JSON.parse(readFileSync(join(PROJECT_ROOT, 'bench', 'results.json'), 'utf8')) as {
      figures: Figure[];
    };
    return new Map(results.figures.map((f) => [f.name, f.value]));
  } catch {
    return new Map();
  }
}

export function initSecondsOf(
  functionId: string,
  figures: ReadonlyMap<string, number>,
): { seconds: number; from: string } {
  const ratio = figures.get(`lambda.init_ratio.${functionId}`);
  const overFloor = figures.get(`lambda.init_over_sdk_floor.${functionId}`);
  const floor = figures.get('lambda.init_ratio.sdk_only');
  const measured = ratio ?? (overFloor !== undefined && floor !== undefined ? overFloor * floor : undefined);
  const used = measured ?? COST_ASSUMPTIONS.fallbackInitRatio;
  return {
    seconds: COST_ASSUMPTIONS.awsHelloInitSeconds * used,
    from: measured === undefined ? 'assumed' : 'measured',
  };
}

const MEMORY_GB = new Map(FUNCTION_SPECS.map((spec) => [spec.id, (spec.memoryMb ?? 256) / 1024]));

/** A path's measured work and the functions it invoked, with how many times each. */
export interface PathRun {
  readonly measure: PathMeasure;
  readonly byFunction: ReadonlyMap<string, number>;
}

/** The complaint's stored size in DynamoDB: its items, their index copies, DynamoDB's overhead. */
export interface StoredComplaint {
  readonly bytes: number;
  readonly items: number;
}

export interface Measured {
  readonly happy: PathRun;
  readonly ladder: PathRun;
  readonly stored: StoredComplaint;
}

type Shape = 'one-region' | 'split-region' | 'mailbox';
const SHAPE_TITLES: Record<Shape, string> = {
  'one-region': 'One region, SES receiving there',
  'split-region': 'Home region (ap-east-1) + SES intake region',
  mailbox: 'No SES (AWS China): mailbox over IMAP, SMTP relay',
};

/** bench/workflow.ts's costOf, line by line (the lines must add up to it: checked). */
function perComplaintLines(m: PathMeasure, shape: Shape): CostLine[] {
  const invocations = m.invocations + ASSUMPTIONS.inboundEmails;
  const sesOut = shape === 'mailbox' ? 0 : m.emailsSent * PRICES.sesOutbound;
  const sesIn = shape === 'mailbox' ? 0 : ASSUMPTIONS.inboundEmails * PRICES.sesInbound;
  const lines: CostLine[] = [
    {
      line: 'Step Functions transitions',
      usd: m.transitions * PRICES.stateTransition,
      basis: `${m.transitions}`,
    },
    {
      line: 'Lambda requests and duration',
      usd:
        invocations *
        (PRICES.lambdaRequest +
          ASSUMPTIONS.lambdaMemoryGb * ASSUMPTIONS.lambdaBilledSeconds * PRICES.lambdaGbSecond),
      basis: `${invocations} invocations × ${ASSUMPTIONS.lambdaBilledSeconds * 1000} ms × ${ASSUMPTIONS.lambdaMemoryGb * 1024} MB`,
    },
    {
      line: 'DynamoDB requests',
      usd:
        (m.dynamoWrites + ASSUMPTIONS.inboundEmails) *
          ASSUMPTIONS.writeUnitsPerWrite *
          PRICES.dynamoWriteUnit +
        m.dynamoReads * ASSUMPTIONS.readUnitsPerRead * PRICES.dynamoReadUnit,
      basis: `${m.dynamoWrites + ASSUMPTIONS.inboundEmails} writes, ${m.dynamoReads} reads`,
    },
    { line: 'SES emails sent', usd: sesOut, basis: shape === 'mailbox' ? 'relay: none' : `${m.emailsSent}` },
    { line: 'SES email received', usd: sesIn, basis: shape === 'mailbox' ? 'mailbox: none' : '1' },
    {
      line: 'S3 requests (raw mail)',
      usd: ASSUMPTIONS.inboundEmails * (PRICES.s3Put + PRICES.s3Get),
      basis: '1 PUT, 1 GET',
    },
    { line: 'API Gateway requests', usd: m.apiRequests * PRICES.apiRequest, basis: `${m.apiRequests}` },
    {
      line: 'CloudWatch Logs ingestion (functions)',
      usd: (invocations * ASSUMPTIONS.logBytesPerInvocation * PRICES.logGb) / 1024 ** 3,
      basis: `${invocations} × ${ASSUMPTIONS.logBytesPerInvocation} B`,
    },
    { line: 'X-Ray traces', usd: (m.apiRequests + 1) * PRICES.trace, basis: `${m.apiRequests + 1}` },
  ];
  if (shape !== 'mailbox') {
    const sum = lines.reduce((total, l) => total + l.usd, 0);
    if (Math.abs(sum - costOf(m)) > 1e-12)
      throw new Error('The cost lines no longer add up to costOf (bench/workflow.ts)');
  }
  return lines;
}

function initLine(run: PathRun, figures: ReadonlyMap<string, number>): { usd: number; basis: string } {
  let usd = 0;
  let gbSeconds = 0;
  const counts = new Map(run.byFunction);
  counts.set('intake-email', (counts.get('intake-email') ?? 0) + ASSUMPTIONS.inboundEmails);
  let assumed = 0;
  for (const [id, count] of counts) {
    const { seconds, from } = initSecondsOf(id, figures);
    if (from === 'assumed') assumed += 1;
    const s = count * COST_ASSUMPTIONS.coldStartShare * seconds * (MEMORY_GB.get(id) ?? 0.25);
    gbSeconds += s;
    usd += s * PRICES.lambdaGbSecond;
  }
  return {
    usd,
    basis: `${gbSeconds.toFixed(2)} GB-s: every invocation cold, AWS hello-world ${COST_ASSUMPTIONS.awsHelloInitSeconds * 1000} ms × each function's init ratio${assumed ? ` (${assumed} function(s) without a measured ratio: ×${COST_ASSUMPTIONS.fallbackInitRatio.toFixed(2)})` : ''}`,
  };
}

/** The month's bill of one shape. Pure: measurements and templates in, lines out. */
export function monthlyBill(
  shape: Shape,
  facts: TemplateFacts,
  measured: Measured,
  figures: ReadonlyMap<string, number>,
): ShapeBill {
  const n = COST_ASSUMPTIONS.complaintsPerMonth;
  const share = COST_ASSUMPTIONS.escalatedShare;
  const a = COST_ASSUMPTIONS;
  const lines: CostLine[] = [];
  const add = (line: string, usd: number, basis: string) => lines.push({ line, usd, basis });
  const mix = (of: (run: PathRun) => number) =>
    n * ((1 - share) * of(measured.happy) + share * of(measured.ladder));

  // Per complaint, measured along the paths.
  const happyLines = perComplaintLines(measured.happy.measure, shape);
  const ladderLines = perComplaintLines(measured.ladder.measure, shape);
  happyLines.forEach((line, i) => {
    const ladder = ladderLines[i] as CostLine;
    add(
      `${line.line} (per complaint)`,
      n * ((1 - share) * line.usd + share * ladder.usd),
      `${n} complaints: happy path ${line.basis}; ${share * 100}% climb the ladder: ${ladder.basis}`,
    );
  });
  const happyInit = initLine(measured.happy, figures);
  add(
    'Lambda init duration, billed since Aug 2025 (per complaint)',
    mix((run) => initLine(run, figures).usd),
    `happy path ${happyInit.basis}`,
  );
  const invocations = mix((run) => run.measure.invocations + ASSUMPTIONS.inboundEmails);
  const transitions = mix((run) => run.measure.transitions);
  const apiRequests = mix((run) => run.measure.apiRequests);
  add(
    'KMS requests (table key)',
    invocations * a.kmsRequestsPerInvocation * FIXED_PRICES.kmsRequest,
    `${Math.round(invocations)} invocations × ${a.kmsRequestsPerInvocation}`,
  );

  // Fixed charges, counted in the templates.
  const count = (type: string) => facts.counts[type] ?? 0;
  add(
    'KMS customer-managed keys',
    count('AWS::KMS::Key') * FIXED_PRICES.kmsKeyMonth,
    `${count('AWS::KMS::Key')} key(s)`,
  );
  add(
    'CloudWatch alarms',
    count('AWS::CloudWatch::Alarm') * FIXED_PRICES.alarmMonth,
    `${count('AWS::CloudWatch::Alarm')} alarms`,
  );
  const metrics = customMetricNames();
  add(
    'CloudWatch custom metrics (Powertools)',
    (metrics.length * FIXED_PRICES.customMetricMonth * a.metricHoursPerMonth) / 730,
    `${metrics.length} metrics found in the handlers, each published ${a.metricHoursPerMonth} of 730 hours`,
  );
  const secrets = count('AWS::SecretsManager::Secret');
  const polls = facts.pollRatesMinutes.reduce((total, minutes) => total + (30 * 24 * 60) / minutes, 0);
  add(
    'Secrets Manager secrets',
    secrets * FIXED_PRICES.secretMonth + polls * a.secretCallsPerPoll * FIXED_PRICES.secretCall,
    `${secrets} secret(s)${polls ? `, ${Math.round(polls * a.secretCallsPerPoll)} calls` : ''}`,
  );

  // Logs: a month's ingestion (functions, the state machine at level ALL, API access logs,
  // the polls), stored for the retention the log groups have (the longest, for all).
  const retentionMonths = Math.min(Math.max(...facts.logRetentionDays, 0) / 30, a.storageMonths);
  const monthlyLogBytes =
    invocations * ASSUMPTIONS.logBytesPerInvocation +
    (facts.stateMachineLogsAll ? transitions * a.stateMachineLogBytesPerTransition : 0) +
    apiRequests * a.apiAccessLogBytesPerRequest +
    polls * a.pollLogBytes;
  const sfnAndAccessBytes =
    (facts.stateMachineLogsAll ? transitions * a.stateMachineLogBytesPerTransition : 0) +
    apiRequests * a.apiAccessLogBytesPerRequest;
  add(
    'CloudWatch Logs ingestion (state machine, API access)',
    (sfnAndAccessBytes / 1024 ** 3) * PRICES.logGb,
    `${(sfnAndAccessBytes / 1024 ** 2).toFixed(1)} MB a month`,
  );
  add(
    'CloudWatch Logs storage',
    (monthlyLogBytes / 1024 ** 3) * retentionMonths * FIXED_PRICES.logStorageGbMonth,
    `${(monthlyLogBytes / 1024 ** 2).toFixed(1)} MB a month kept ${Math.round(retentionMonths * 30)} days (${facts.logRetentionDays.length} log groups; uncompressed)`,
  );

  // Storage after three years.
  const months = a.storageMonths;
  const s3Kb = a.rawMailKbPerComplaint + a.mailAttachmentKbPerComplaint + a.uploadedScanKbPerComplaint;
  const s3Gb = (n * months * s3Kb + months * a.reportMbPerMonth * 1024) / 1024 ** 2;
  const accessLogGb =
    (n * a.s3RequestsPerComplaint * a.accessLogBytesPerRequest * Math.min(months, 400 / 30)) / 1024 ** 3;
  add(
    'S3 storage: 3 years of mail, attachments, scans, reports',
    (s3Gb + accessLogGb) * FIXED_PRICES.s3GbMonth,
    `${s3Gb.toFixed(1)} GB (${s3Kb} KB a complaint × ${n * months}) + ${accessLogGb.toFixed(2)} GB access logs`,
  );
  const tableGb = (n * months * (measured.stored.bytes + a.inboundMailItemBytes)) / 1024 ** 3;
  add(
    'DynamoDB storage and point-in-time recovery: 3 years',
    tableGb * (FIXED_PRICES.dynamoGbMonth + FIXED_PRICES.dynamoPitrGbMonth),
    `${tableGb.toFixed(2)} GB: ${measured.stored.items} items, ${(measured.stored.bytes / 1024).toFixed(1)} KB a complaint measured (with index copies) + ${a.inboundMailItemBytes / 1024} KB of mail items`,
  );

  const tier = facts.userPoolTier;
  if (tier) {
    add(
      `Cognito user pool (${tier})`,
      a.staffUsers * (FIXED_PRICES.cognitoMau[tier] ?? FIXED_PRICES.cognitoMau.PLUS ?? 0),
      `${a.staffUsers} staff MAUs`,
    );
  }
  if (count('AWS::CloudFront::Distribution')) {
    const staffLoads = a.staffUsers * a.appLoadsPerStaffDay * a.workingDays;
    const ownerViews = n * a.ownerViewsPerComplaint;
    const requests = staffLoads * a.requestsPerAppLoad + ownerViews * a.requestsPerOwnerView;
    const gb = (staffLoads * a.kbPerAppLoad + ownerViews * a.kbPerOwnerView) / 1024 ** 2;
    add(
      'CloudFront (web app, owner pages)',
      requests * FIXED_PRICES.cloudFrontRequest + gb * FIXED_PRICES.cloudFrontGb,
      `${requests} requests, ${gb.toFixed(2)} GB`,
    );
  }
  if (polls) {
    const gbSeconds = polls * (0.25 * a.pollBilledSeconds);
    const init = polls * a.pollColdShare * initSecondsOf('poll-mailbox', figures).seconds * 0.25;
    add(
      'Mailbox polls (Lambda)',
      polls * PRICES.lambdaRequest + (gbSeconds + init) * PRICES.lambdaGbSecond,
      `${Math.round(polls)} polls × ${a.pollBilledSeconds * 1000} ms × 256 MB, ${a.pollColdShare * 100}% cold`,
    );
    add(
      'Email out through the company relay (data transfer)',
      (n * measured.happy.measure.emailsSent * a.emailKbOut * FIXED_PRICES.internetGb) / 1024 ** 2,
      `${n * measured.happy.measure.emailsSent} emails × ${a.emailKbOut} KB`,
    );
  }
  if (shape === 'split-region') {
    const messages = n * ASSUMPTIONS.inboundEmails;
    add(
      'Intake region: forwarder, queue, topic, copy to home',
      messages *
        (PRICES.lambdaRequest +
          0.25 *
            (a.forwardBilledSeconds + a.coldStartShare * initSecondsOf('forward-mail', figures).seconds) *
            PRICES.lambdaGbSecond +
          a.sqsRequestsPerMessage * FIXED_PRICES.sqsRequest +
          FIXED_PRICES.snsPublish +
          PRICES.s3Put +
          (a.rawMailKbPerComplaint / 1024 ** 2) * FIXED_PRICES.interRegionGb) +
        a.sqsIdleReceivesPerMonth * FIXED_PRICES.sqsRequest,
      `${messages} messages; ${a.sqsIdleReceivesPerMonth} empty receives of Lambda's SQS pollers`,
    );
  }
  const total = lines.reduce((sum, line) => sum + line.usd, 0);
  return { shape, title: SHAPE_TITLES[shape], lines, total };
}

/** The templates of each shape, as `cdk synth` makes them (handlers not bundled: not needed here). */
export function shapeTemplates(): Record<Shape, Template[]> {
  const contexts: Record<Shape, Record<string, unknown>> = {
    'one-region': {},
    'split-region': { region: 'ap-east-1', intakeRegion: 'ap-southeast-1' },
    mailbox: {
      region: 'cn-north-1',
      mailIntake: 'mailbox',
      mailboxUrl: 'imaps://imap.example.cn',
      mailRelayUrl: 'smtps://smtp.example.cn',
    },
  };
  return Object.fromEntries(
    Object.entries(contexts).map(([shape, context]) => {
      const { app } = buildApp({ checks: false, context: { ...context, 'aws:cdk:bundling-stacks': [] } });
      const assembly = app.synth();
      return [shape, assembly.stacks.map((stack) => stack.template as Template)];
    }),
  ) as Record<Shape, Template[]>;
}

async function storedSize(stack: LocalStack, ref: string): Promise<StoredComplaint> {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  try {
    const { Items = [] } = await db.send(
      new QueryCommand({
        TableName: stack.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': complaintPk(ref) },
      }),
    );
    let bytes = 0;
    for (const item of Items) {
      const size = itemBytes(item) + COST_ASSUMPTIONS.dynamoItemOverheadBytes;
      // Each index projects ALL: an item carrying its keys is stored again there.
      const copies = TABLE.indexes.filter((index) => item[index.partitionKey] !== undefined).length;
      bytes += size * (1 + copies);
    }
    return { bytes, items: Items.length };
  } finally {
    db.destroy();
  }
}

async function measuredRun(
  stack: LocalStack,
  run: Parameters<typeof measure>[1],
): Promise<PathRun & { ref: string }> {
  const before = new Map([...invocationStats].map(([id, stats]) => [id, stats.count]));
  let ref = '';
  const m = await measure(stack, async (driver) => {
    ref = await run(driver);
    return ref;
  });
  const byFunction = new Map<string, number>();
  for (const [id, stats] of invocationStats) {
    const delta = stats.count - (before.get(id) ?? 0);
    if (delta > 0) byFunction.set(id, delta);
  }
  return { measure: m, byFunction, ref };
}

export async function benchCost(log: (line: string) => void): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'complaints-cost-'));
  const stack = await startLocalStack({
    dataDir,
    ports: { web: 0, smtp: 0, ses: 0, dynamodb: 0, s3: 0, sfn: 0 },
    timeScale: 86_400,
  });
  let measured: Measured;
  try {
    const happy = await measuredRun(stack, (d) => happyPath(d));
    const ladder = await measuredRun(stack, (d) => ladderPath(stack, d));
    measured = { happy, ladder, stored: await storedSize(stack, happy.ref) };
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const figures = lambdaFigures();
  const templates = shapeTemplates();
  const bills = (Object.keys(templates) as Shape[]).map((shape) =>
    monthlyBill(shape, templateFacts(templates[shape]), measured, figures),
  );
  for (const bill of bills) {
    log(`cost: ${bill.title}: $${bill.total.toFixed(2)} a month`);
    for (const line of bill.lines) log(`  ${line.line}: $${line.usd.toFixed(4)} (${line.basis})`);
  }
  writeFileSync(
    join(PROJECT_ROOT, 'bench', 'cost-lines.json'),
    `${JSON.stringify({ complaintsPerMonth: COST_ASSUMPTIONS.complaintsPerMonth, bills }, null, 2)}\n`,
  );
  const round = (usd: number) => Number(usd.toFixed(2));
  const highest = Math.max(...bills.map((bill) => bill.total));
  return [
    // The office's bill whichever shape it deploys: the dearest of the three.
    { name: 'cost.monthly_usd_1000_complaints', value: round(highest), unit: 'USD a month', goal: '≤ 15' },
    ...bills.map((bill) => ({
      name: `cost.monthly_usd_1000_complaints.${bill.shape}`,
      value: round(bill.total),
      unit: 'USD a month',
      goal: null,
    })),
  ];
}
