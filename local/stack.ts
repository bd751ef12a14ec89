import { accessSync, constants, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { SESEvent } from 'aws-lambda';
import { FUNCTION_SPECS, FUNCTIONS } from '#config/functions.ts';
import type { MailboxPollResult } from '#services/mailbox-poll.ts';
import { type Emulators, startEmulators } from './emulators/process.ts';
import { startApi } from './gateway/api-gateway.ts';
import { LocalIssuer, type LocalTokenLifetimes } from './gateway/auth.ts';
import { type LocalMailboxOptions, startLocalMailboxPoller } from './mail/mailbox.ts';
import { startSmtp } from './mail/smtp.ts';
import {
  localEnvironments,
  provideEnvironments,
  updateVariable,
  variablesOf,
  withdrawEnvironments,
} from './runtime/function-environment.ts';
import { startLambdaApi } from './runtime/lambda-api.ts';
import { invokeLocal, type LocalHandler, loadHandler } from './runtime/lambda-runtime.ts';
import { type LambdaThread, startLambdaThread } from './runtime/lambda-thread.ts';
import { closeServer, LocalStackError, listenOnLoopback } from './runtime/listen.ts';
import { installScaledClock, realNow } from './runtime/scaled-clock.ts';
import { type ReportKind, startDailySchedule, startLocalScheduler } from './runtime/scheduler.ts';
import { stepFunctionsApi } from './stepfunctions/api-server.ts';
import { LocalStepFunctions, localFunctionArn } from './stepfunctions/engine.ts';

export const PROJECT_ROOT = resolve(import.meta.dirname, '..');
export const ASL_FILE = join(PROJECT_ROOT, 'statemachine', 'complaint.asl.json');

/** The web app's origins on loopback (any port) may PUT presigned uploads; as lib/constructs/web.ts allows the app's origin. */
const ATTACHMENTS_CORS = `<CORSConfiguration><CORSRule>
<AllowedOrigin>http://127.0.0.1:*</AllowedOrigin><AllowedOrigin>http://localhost:*</AllowedOrigin>
<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod>
<AllowedHeader>*</AllowedHeader><MaxAgeSeconds>600</MaxAgeSeconds>
</CORSRule></CORSConfiguration>`;

/** Names the local stack gives the resources CDK creates in a deployment. */
export const LOCAL_RESOURCES = {
  tableName: 'complaints',
  rawMailBucket: 'complaints-raw-mail',
  rawMailPrefix: 'incoming/',
  attachmentsBucket: 'complaints-attachments',
  reportsBucket: 'complaints-reports',
  stateMachineName: 'complaint',
} as const;

export interface LocalStackPorts {
  /** Web app and API (PORT). */
  readonly web: number;
  readonly smtp: number;
  readonly ses: number;
  readonly dynamodb: number;
  readonly s3: number;
  readonly sfn: number;
}

export const DEFAULT_PORTS: LocalStackPorts = {
  web: 3000,
  smtp: 2525,
  ses: 8005,
  dynamodb: 8000,
  s3: 4569,
  sfn: 8083,
};

export interface LocalStackOptions {
  /** Where DynamoDB, S3, executions and the signing key are kept (`.local/`). */
  readonly dataDir: string;
  readonly ports: LocalStackPorts;
  /** 3600: an hour of workflow time passes in a second. @default 1 */
  readonly timeScale?: number;
  /**
   * Workflow time starts at this instant (ISO) instead of now: a test of deadlines across a
   * public holiday starts the days before it. Sign-in tokens keep real time. @default now
   */
  readonly clockStartsAt?: string;
  /** Reports the local EventBridge Scheduler stand-in runs (npm start: REPORT_SCHEDULE). @default none */
  readonly reportSchedules?: readonly ReportKind[];
  /** Their time of day, company time. @default '08:00' */
  readonly reportTime?: string;
  /**
   * The time of day (company time) the local scheduler runs the daily retention job, as
   * EventBridge Scheduler does deployed (npm start: RETENTION_TIME). @default none (not run)
   */
  readonly retentionTime?: string;
  /**
   * The time of day (company time) the local scheduler retrains the category and department
   * suggestion, as EventBridge Scheduler does deployed (npm start: TRIAGE_TIME). @default none
   */
  readonly triageTime?: string;
  /** Wipe the data directory first. */
  readonly reset?: boolean;
  /** @default complaints@estate.example, fax@estate.example */
  readonly intakeAddresses?: readonly string[];
  readonly log?: (line: string) => void;
  /**
   * Something to put between the handlers and DynamoDB, S3 and SES: given the emulators'
   * endpoints, it answers the ones the handlers should use (tests inject faults this way:
   * test/harness/fault-proxy.ts). @default the emulators' own endpoints
   */
  readonly interpose?: EndpointInterposer;
  /**
   * Runs the functions the state machine invokes on a thread of their own (local/runtime/lambda-thread.ts).
   * Tests that drive a fake clock (vitest's) turn it off: the thread has a clock of its own.
   * @default true
   */
  readonly functionThread?: boolean;
  /** Shorter sign-in token lifetimes (tests watching tokens expire). @default as Cognito: 1 h, 12 h */
  readonly tokenLifetimes?: LocalTokenLifetimes;
  /**
   * Also take mail from an IMAP mailbox, as a deployment without SES does (poll-mailbox;
   * npm start: MAILBOX_URL, MAILBOX_USER, MAILBOX_PASSWORD). @default - SMTP intake only
   */
  readonly mailbox?: LocalMailboxOptions;
}

/** The endpoints of the services the handlers call, by service. */
export type ServiceEndpoints = Readonly<Record<'dynamodb' | 's3' | 'ses', string>>;

/** Puts something (a proxy) between the handlers and the emulators; see LocalStackOptions.interpose. */
export type EndpointInterposer = (
  endpoints: ServiceEndpoints,
) => Promise<{ readonly endpoints: ServiceEndpoints; stop(): Promise<void> }>;

export interface LocalStack {
  readonly urls: {
    readonly web: string;
    readonly api: string;
    readonly sesOutbox: string;
    readonly dynamodb: string;
    readonly s3: string;
    readonly stepFunctions: string;
    readonly smtp: string;
  };
  readonly smtpPort: number;
  readonly stepFunctions: LocalStepFunctions;
  /** `mail-sent` (recipients) for every email that reaches the SES outbox. */
  readonly outbox: Emulators['outbox'];
  /** DynamoDB requests served so far, by operation. */
  dynamoRequests(): Promise<ReadonlyMap<string, number>>;
  /** The emulators' processes: DynamoDB's, and S3's with the SES outbox (benchmarks). */
  readonly emulatorPids: Emulators['pids'];
  readonly stateMachineArn: string;
  readonly tableName: string;
  readonly intakeAddresses: readonly string[];
  /** The variables a function is given (config/function-access.ts), with their local values. */
  functionEnvironment(functionId: string): Readonly<Record<string, string>>;
  /** Waits until every accepted email has been handed to the intake handler. */
  mailIdle(): Promise<void>;
  /** Polls the mailbox now (with the `mailbox` option): what each scheduled poll does on AWS. */
  pollMailbox(): Promise<MailboxPollResult>;
  stop(): Promise<void>;
}

/**
 * Starts the whole product on loopback: the emulators, then the handlers (the same modules
 * Lambda runs) wired to them through the SDK's standard endpoint variables.
 * One local stack per process: handlers read their configuration once, at cold start.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  if (options.reset) rmSync(dataDir, { recursive: true, force: true });
  ensureWritable(dataDir);
  const intakeAddresses = options.intakeAddresses ?? ['complaints@estate.example', 'fax@estate.example'];
  const stops: (() => Promise<void>)[] = [];
  const clockStart = realNow();
  const workflowStart = options.clockStartsAt ? Date.parse(options.clockStartsAt) : clockStart;
  const restoreClock = installScaledClock(options.timeScale ?? 1, clockStart, workflowStart);
  stops.push(async () => restoreClock());
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };

  try {
    const emulators = await startEmulators({
      dataDir: { dynamodb: join(dataDir, 'dynamodb'), s3: join(dataDir, 's3') },
      ports: { dynamodb: options.ports.dynamodb, s3: options.ports.s3, ses: options.ports.ses },
      tableName: LOCAL_RESOURCES.tableName,
      buckets: [
        LOCAL_RESOURCES.rawMailBucket,
        LOCAL_RESOURCES.attachmentsBucket,
        LOCAL_RESOURCES.reportsBucket,
      ],
      // The web app uploads scans straight to this bucket with presigned URLs, as on AWS.
      bucketConfigs: { [LOCAL_RESOURCES.attachmentsBucket]: [ATTACHMENTS_CORS] },
      // S3 checks a request's signing time against its own; the handlers sign in workflow time.
      timeScale: options.timeScale ?? 1,
    });
    stops.push(() => emulators.stop());
    const dynamo = { endpoint: emulators.endpoints.dynamodb };
    const s3 = { endpoint: emulators.endpoints.s3 };
    const ses = { endpoint: emulators.endpoints.ses };

    // The Step Functions endpoint must be known before the handlers load; the engine that
    // answers on it needs the handlers. So: listen first, attach the engine after.
    let sfnApi: ReturnType<typeof stepFunctionsApi> | undefined;
    const sfnServer = createServer((request, response) => {
      if (sfnApi) {
        void sfnApi(request, response);
      } else {
        response.writeHead(503).end();
      }
    });
    const sfnPort = await listenOnLoopback(sfnServer, options.ports.sfn, 'Step Functions', 'SFN_PORT');
    stops.push(() => closeServer(sfnServer));
    const sfnEndpoint = `http://127.0.0.1:${sfnPort}`;
    const stateMachineArn = `arn:aws:states:us-east-1:000000000000:stateMachine:${LOCAL_RESOURCES.stateMachineName}`;

    // Lambda's Invoke API, for functions that start another (an import's worker): listening now,
    // as its endpoint must be known before the handlers load; it finds them once they have.
    const invocable = new Map<string, LocalHandler>();
    const lambdaApi = await startLambdaApi({ port: 0, handlers: invocable, log });
    stops.push(() => lambdaApi.stop());

    // Tests may put fault proxies between the handlers and the emulators (test/harness/fault-proxy.ts).
    const emulatorEndpoints = { dynamodb: dynamo.endpoint, s3: s3.endpoint, ses: ses.endpoint };
    const faults = options.interpose
      ? await options.interpose(emulatorEndpoints)
      : { endpoints: emulatorEndpoints, stop: async () => undefined };
    stops.push(() => faults.stop());
    // What Lambda's runtime gives every function: shared, in process.env.
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      // s3rver checks signatures against this key pair; the other emulators accept any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_DYNAMODB: faults.endpoints.dynamodb,
      AWS_ENDPOINT_URL_S3: faults.endpoints.s3,
      AWS_ENDPOINT_URL_SES: faults.endpoints.ses,
      AWS_ENDPOINT_URL_SFN: sfnEndpoint,
      AWS_ENDPOINT_URL_LAMBDA: lambdaApi.endpoint,
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    delete process.env.AWS_PROFILE;

    // Each function gets the variables its access names (config/functions.ts) and no others, as
    // CDK gives them (lib/access.ts); the local stack's values, some from its own variables.
    const environments = localEnvironments({
      TABLE_NAME: LOCAL_RESOURCES.tableName,
      RAW_MAIL_BUCKET: LOCAL_RESOURCES.rawMailBucket,
      RAW_MAIL_PREFIX: LOCAL_RESOURCES.rawMailPrefix,
      MAIL_FROM: intakeAddresses[0],
      STATE_MACHINE_ARN: stateMachineArn,
      ATTACHMENTS_BUCKET: LOCAL_RESOURCES.attachmentsBucket,
      INTAKE_ADDRESSES: intakeAddresses.join(','),
      // Email intake's options (lambdas/domain/mail/intake-options.ts): fax gateways, areas by address, mail limits.
      FAX_GATEWAY_ADDRESSES: process.env.FAX_GATEWAY_ADDRESSES,
      INTAKE_AREA_BY_ADDRESS: process.env.INTAKE_AREA_BY_ADDRESS,
      FLOOD_LIMIT_PER_HOUR: process.env.FLOOD_LIMIT_PER_HOUR,
      ACKNOWLEDGEMENT_LIMIT_PER_HOUR: process.env.ACKNOWLEDGEMENT_LIMIT_PER_HOUR,
      REPLY_LIMIT_PER_HOUR: process.env.REPLY_LIMIT_PER_HOUR,
      REPLY_LIMIT_TOTAL: process.env.REPLY_LIMIT_TOTAL,
      REPORTS_BUCKET: LOCAL_RESOURCES.reportsBucket,
      REPORT_RECIPIENTS:
        process.env.REPORT_RECIPIENTS ?? 'customer-service@estate.example,manager@estate.example',
      REPORT_THRESHOLDS: process.env.REPORT_THRESHOLDS,
      WORKFLOW_SETTINGS: process.env.WORKFLOW_SETTINGS,
      // The web app's address is known once it listens; links in emails are built later.
      PUBLIC_APP_URL: `http://127.0.0.1:${options.ports.web}`,
      STAFF_EMAIL_PATTERN: process.env.STAFF_EMAIL_PATTERN ?? '{role}.{area}@staff.estate.example',
      DEPARTMENT_EMAIL_PATTERN: process.env.DEPARTMENT_EMAIL_PATTERN ?? '{department}@estate.example',
      // Locally SES sends (the outbox) and the SMTP intake receives; the mailbox poller and the
      // forwarder run their services in process (below), so their handlers only load.
      SES_REGION: undefined,
      MAIL_RELAY_URL: undefined,
      MAIL_RELAY_SECRET: undefined,
      RAW_MAIL_REGION: undefined,
      INTAKE_FUNCTION: localFunctionArn(FUNCTIONS.intakeEmail.id),
      DIRECTORY_IMPORT_FUNCTION: localFunctionArn(FUNCTIONS.runDirectoryImport.id),
      OCR_FUNCTION: localFunctionArn(FUNCTIONS.readFaxPages.id),
      MAILBOX_URL: options.mailbox?.url ?? 'imap://127.0.0.1:143',
      MAILBOX_SECRET: 'local/mailbox',
      MAILBOX_FOLDER: options.mailbox?.folder,
      MAILBOX_DONE_FOLDER: options.mailbox?.doneFolder,
      MAILBOX_AUTHSERV_ID: options.mailbox?.authServId,
    });
    provideEnvironments(environments);
    stops.push(async () => withdrawEnvironments());

    const handlers = await loadHandlers();
    for (const [id, handler] of handlers) invocable.set(id, handler);
    // The functions the state machine invokes run on a thread of their own (local/runtime/lambda-thread.ts).
    let workflowThread: LambdaThread | undefined;
    if (options.functionThread ?? true) {
      workflowThread = await startLambdaThread({
        root: PROJECT_ROOT,
        functions: FUNCTION_SPECS.filter((f) => f.placeholder),
        timeScale: options.timeScale ?? 1,
        clockStart,
        workflowStart,
        environments,
      });
      const thread = workflowThread;
      stops.push(() => thread.stop());
      for (const [id, handler] of thread.handlers) handlers.set(id, handler);
    }
    const stepFunctions = new LocalStepFunctions({
      definition: readFileSync(ASL_FILE, 'utf8'),
      substitutions: Object.fromEntries(
        FUNCTION_SPECS.filter((f) => f.placeholder).map((f) => [
          f.placeholder as string,
          localFunctionArn(f.id),
        ]),
      ),
      handlers,
      stateMachineName: LOCAL_RESOURCES.stateMachineName,
      timeScale: options.timeScale ?? 1,
      persistDir: join(dataDir, 'stepfunctions'),
    });
    sfnApi = stepFunctionsApi(stepFunctions);
    stops.push(async () => stepFunctions.shutdown());
    const resumed = stepFunctions.resumeInterrupted();
    if (resumed) {
      const { restarted, reinvoked } = stepFunctions.resumeDetails;
      log(`Step Functions: resumed ${resumed} execution(s) that were running when the stack stopped`);
      // What a kill caught half-way: an execution before its first step was saved, a task
      // whose handler had not finished storing it.
      if (restarted || reinvoked)
        log(`Step Functions: ${restarted} execution(s) start again, ${reinvoked} task(s) open again`);
    }

    const intake = handlers.get(FUNCTIONS.intakeEmail.id) as LocalHandler;
    const s3Client = new S3Client({});
    const smtp = await startSmtp({
      port: options.ports.smtp,
      intakeAddresses,
      rawMailBucket: LOCAL_RESOURCES.rawMailBucket,
      rawMailPrefix: LOCAL_RESOURCES.rawMailPrefix,
      s3: s3Client,
      deadLetterDir: join(dataDir, 'dead-letters'),
      invokeIntake: (event: SESEvent) => invokeLocal(intake, FUNCTIONS.intakeEmail.id, event),
      intakeFunctionArn: localFunctionArn(FUNCTIONS.intakeEmail.id),
      log,
    });
    stops.push(() => smtp.stop());
    const mailboxPoller = options.mailbox
      ? startLocalMailboxPoller({
          mailbox: options.mailbox,
          s3: s3Client,
          rawMailBucket: LOCAL_RESOURCES.rawMailBucket,
          rawMailPrefix: LOCAL_RESOURCES.rawMailPrefix,
          intakeAddresses,
          invokeIntake: (event: SESEvent) => invokeLocal(intake, FUNCTIONS.intakeEmail.id, event),
          intakeFunctionArn: localFunctionArn(FUNCTIONS.intakeEmail.id),
          log,
        })
      : undefined;
    if (mailboxPoller) stops.push(() => mailboxPoller.stop());

    const issuer = new LocalIssuer(
      'urn:local:estate-complaints',
      join(dataDir, 'jwt-signing-key.pem'),
      options.tokenLifetimes,
    );
    const smtpUrl = `smtp://127.0.0.1:${smtp.port}`;
    const urls = {
      web: '',
      api: '',
      sesOutbox: ses.endpoint,
      dynamodb: dynamo.endpoint,
      s3: s3.endpoint,
      stepFunctions: sfnEndpoint,
      smtp: smtpUrl,
    };
    const api = await startApi({
      port: options.ports.web,
      issuer,
      handlers,
      // Built by `npm run build:web` (npm start and npm test build it first).
      webRoot: join(PROJECT_ROOT, 'web', 'dist'),
      log,
      health: async () => ({
        status: 'ok',
        services: {
          web: { url: urls.web, state: 'up' },
          api: { url: urls.api, state: 'up' },
          dynamodb: { url: dynamo.endpoint, state: 'up', table: LOCAL_RESOURCES.tableName },
          s3: {
            url: s3.endpoint,
            state: 'up',
            buckets: [
              LOCAL_RESOURCES.rawMailBucket,
              LOCAL_RESOURCES.attachmentsBucket,
              LOCAL_RESOURCES.reportsBucket,
            ],
          },
          sesOutbox: { url: ses.endpoint, state: 'up', store: `${ses.endpoint}/store` },
          smtp: { url: smtpUrl, port: smtp.port, state: 'up', intakeAddresses },
          stepFunctions: { url: sfnEndpoint, state: 'up', ...stepFunctions.executionsSummary() },
        },
        timeScale: options.timeScale ?? 1,
        dataDir,
      }),
    });
    stops.push(() => api.stop());
    urls.web = api.url;
    urls.api = `${api.url}/api`;
    updateVariable('PUBLIC_APP_URL', api.url);
    workflowThread?.updateVariable('PUBLIC_APP_URL', api.url);

    if (options.reportSchedules?.length) {
      const report = handlers.get(FUNCTIONS.runScheduledReport.id) as LocalHandler;
      const scheduler = startLocalScheduler({
        kinds: options.reportSchedules,
        time: options.reportTime ?? '08:00',
        timeScale: options.timeScale ?? 1,
        invoke: (event) => invokeLocal(report, FUNCTIONS.runScheduledReport.id, event),
        log,
      });
      stops.push(async () => scheduler.stop());
      log(
        `Report schedule: ${scheduler
          .next()
          .map((run) => `${run.kind}ly, next ${run.at}`)
          .join('; ')}`,
      );
    }

    if (options.retentionTime) {
      const retention = handlers.get(FUNCTIONS.runRetention.id) as LocalHandler;
      const daily = startDailySchedule({
        name: 'retention',
        time: options.retentionTime,
        timeScale: options.timeScale ?? 1,
        invoke: (event) => invokeLocal(retention, FUNCTIONS.runRetention.id, event),
        log,
      });
      stops.push(async () => daily.stop());
      log(`Retention schedule: daily, next ${daily.next()}`);
    }

    if (options.triageTime) {
      const training = handlers.get(FUNCTIONS.trainTriageModel.id) as LocalHandler;
      const daily = startDailySchedule({
        name: 'triage training',
        time: options.triageTime,
        timeScale: options.timeScale ?? 1,
        invoke: (event) => invokeLocal(training, FUNCTIONS.trainTriageModel.id, event),
        log,
      });
      stops.push(async () => daily.stop());
      log(`Triage training schedule: daily, next ${daily.next()}`);
    }

    return {
      urls,
      smtpPort: smtp.port,
      stepFunctions,
      outbox: emulators.outbox,
      dynamoRequests: () => emulators.dynamoRequests(),
      emulatorPids: emulators.pids,
      stateMachineArn,
      tableName: LOCAL_RESOURCES.tableName,
      intakeAddresses,
      functionEnvironment: (functionId) => variablesOf(functionId),
      mailIdle: () => smtp.idle(),
      pollMailbox: async () => {
        if (!mailboxPoller) throw new Error('This local stack has no mailbox (the mailbox option)');
        return mailboxPoller.pollNow();
      },
      stop: async () => {
        await stopAll();
        s3Client.destroy();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Imports every handler of config/functions.ts, keyed by function id. */
async function loadHandlers(): Promise<Map<string, LocalHandler>> {
  const handlers = new Map<string, LocalHandler>();
  for (const spec of FUNCTION_SPECS) handlers.set(spec.id, await loadHandler(PROJECT_ROOT, spec));
  return handlers;
}

function ensureWritable(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch {
    throw new LocalStackError(`Cannot write to ${dir}: set LOCAL_DATA_DIR to a writable directory`);
  }
}
