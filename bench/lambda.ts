import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { environmentFrom, type VariableValues } from '#config/function-access.ts';
import { FUNCTION_SPECS, FUNCTIONS } from '#config/functions.ts';
import { ROUTES } from '#config/routes.ts';
import { handlerBuildOptions, PROJECT_ROOT } from '../lib/bundling/handler-bundling.ts';
import { SERVICE_NAME } from '../lib/constructs/handler-function.ts';
import type { Figure } from './figures.ts';

/**
 * Every handler of config/functions.ts bundled exactly as CDK deploys it (the shared options
 * of lib/bundling/handler-bundling.ts, through esbuild's JS API), then:
 *
 * - Size: the minified bundle (index.mjs, not its source map), in KB of 1024 bytes; the
 *   packages that fill it are logged from esbuild's metafile.
 * - Cold initialisation: a fresh Node process (this project's Node 24) imports the bundle
 *   with the environment Lambda gives it: the runtime's variables, NODE_OPTIONS as deployed,
 *   and a dummy value for each variable its access in lib/access.ts sets. The time is
 *   `performance.now()` once the import has resolved: from the process's start to the
 *   handler module evaluated, as Lambda's init phase runs the runtime and then the module.
 *
 * The floor is a handler that only creates a DynamoDB document client (the SDK v3 the product is
 * specified with: what any handler of it starts from), bundled the same way. It is measured
 * alternately with each handler, so that noise on this shared machine falls on both:
 * `lambda.init_over_sdk_floor.<fn>` is the median of the handler's cold inits ÷ the median of
 * the SDK-only handler's taken between them (issue 20). A hello-world handler, measured
 * alternately with the SDK-only one first, gives the floor's own ratio
 * (`lambda.init_ratio.sdk_only`, which bench/cost.ts multiplies back to an init on AWS).
 */
const RUNS = 9;
/** The project's Node 24, as every npm script runs it. */
const NODE = join(PROJECT_ROOT, 'node_modules', '.bin', 'node');
/**
 * Issue 20's goals: init within 1.25× the SDK floor and a bundle of at most 700 KB for every
 * staff-API, workflow and scheduled handler; mail intake, which parses MIME in every charset an
 * office's mail arrives in, within 1.6× and 1,200 KB.
 */
const MAIL_INTAKE = new Set(['intake-email', 'release-mail', 'poll-mailbox']);
const goalsOf = (id: string) =>
  MAIL_INTAKE.has(id) ? { kb: 1200, overFloor: 1.6 } : { kb: 700, overFloor: 1.25 };

const HELLO_SOURCE = "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n";
const SDK_ONLY_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async () => client.send(new GetCommand({ TableName: 'table', Key: { PK: 'a', SK: 'b' } }));
`;

/** What Lambda's nodejs24.x runtime and this stack set for every function (dummies, no real account). */
const LAMBDA_ENVIRONMENT: Readonly<Record<string, string>> = {
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/bench',
  AWS_REGION: 'ap-east-1',
  AWS_DEFAULT_REGION: 'ap-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
  AWS_SECRET_ACCESS_KEY: 'bench-secret',
  AWS_SESSION_TOKEN: 'bench-token',
  LAMBDA_TASK_ROOT: '/var/task',
  LAMBDA_RUNTIME_DIR: '/var/runtime',
  _HANDLER: 'index.handler',
  TZ: ':UTC',
  LANG: 'en_US.UTF-8',
  POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
  // As deployed (lib/constructs/handler-function.ts): Node reads the source map at load.
  NODE_OPTIONS: '--enable-source-maps',
  // No log line from the handlers' module scope reaches the benchmark's output.
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

/** Dummy values of the variables a function is given (config/function-access.ts); none optional. */
const BENCH_VALUES: VariableValues = {
  TABLE_NAME: 'bench-table',
  RAW_MAIL_BUCKET: 'bench-raw',
  RAW_MAIL_PREFIX: 'incoming/',
  MAIL_FROM: 'complaints@bench.example',
  STATE_MACHINE_ARN: 'arn:aws:states:ap-east-1:123456789012:stateMachine:bench',
  ATTACHMENTS_BUCKET: 'bench-attachments',
  INTAKE_ADDRESSES: 'complaints@bench.example',
  FAX_GATEWAY_ADDRESSES: undefined,
  INTAKE_AREA_BY_ADDRESS: undefined,
  FLOOD_LIMIT_PER_HOUR: undefined,
  ACKNOWLEDGEMENT_LIMIT_PER_HOUR: undefined,
  REPLY_LIMIT_PER_HOUR: undefined,
  REPLY_LIMIT_TOTAL: undefined,
  REPORTS_BUCKET: 'bench-reports',
  REPORT_RECIPIENTS: 'manager@bench.example',
  REPORT_THRESHOLDS: undefined,
  WORKFLOW_SETTINGS: undefined,
  PUBLIC_APP_URL: 'https://app.bench.example',
  STAFF_EMAIL_PATTERN: '{role}.{area}@bench.example',
  DEPARTMENT_EMAIL_PATTERN: '{department}@bench.example',
  SES_REGION: undefined,
  MAIL_RELAY_URL: undefined,
  MAIL_RELAY_SECRET: undefined,
  RAW_MAIL_REGION: undefined,
  INTAKE_FUNCTION: 'arn:aws:lambda:ap-east-1:123456789012:function:bench-intake-email',
  DIRECTORY_IMPORT_FUNCTION: 'arn:aws:lambda:ap-east-1:123456789012:function:bench-run-directory-import',
  OCR_FUNCTION: 'arn:aws:lambda:ap-east-1:123456789012:function:bench-read-fax-pages',
  MAILBOX_URL: 'imaps://imap.bench.example',
  MAILBOX_SECRET: 'bench/mailbox',
  MAILBOX_FOLDER: undefined,
  MAILBOX_DONE_FOLDER: undefined,
  MAILBOX_AUTHSERV_ID: undefined,
};

/** Prints, once the bundle given as argument is imported, the milliseconds since the process started. */
const PROBE_SOURCE = `await import(process.argv[2]);
process.stdout.write(String(performance.now()));
`;

/**
 * A staff member's walk through one complaint, as the web app requests it (web/src/staff/*):
 * My tasks (tasks.tsx), the complaint (complaint.tsx), the decision form's submit
 * (decision-form.tsx), back to My tasks. The form itself asks nothing of the API; a phone step
 * adds its call log (call-panel.tsx).
 */
export const STAFF_WALK = [
  { method: 'GET', path: '/api/tasks', page: 'My tasks' },
  { method: 'GET', path: '/api/complaints/KE-2026-000123', page: 'the complaint' },
  { method: 'POST', path: '/api/tasks/task-1/complete', page: 'the decision submitted' },
  { method: 'GET', path: '/api/tasks', page: 'My tasks again' },
] as const;
/** The same walk on a step that is a call to the owner: the call is logged before the decision. */
export const STAFF_PHONE_WALK = [
  ...STAFF_WALK.slice(0, 2),
  { method: 'POST', path: '/api/tasks/task-1/calls', page: 'a call logged' },
  ...STAFF_WALK.slice(2),
] as const;

/** The function each request of a walk reaches (config/routes.ts), in order; throws on a path no route has. */
export function functionsOf(walk: readonly { method: string; path: string }[]): string[] {
  return walk.map(({ method, path }) => {
    const route = ROUTES.find(
      (r) => r.method === method && new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
    );
    if (!route) throw new Error(`No route answers ${method} ${path}`);
    return FUNCTIONS[route.fn].id;
  });
}

interface Bundle {
  readonly id: string;
  readonly file: string;
  readonly kb: number;
  readonly env: Readonly<Record<string, string>>;
  /** Packages (or own folders) by bytes in the bundle, largest first. */
  readonly parts: readonly (readonly [string, number])[];
}

export async function benchLambda(log: (line: string) => void): Promise<Figure[]> {
  // Inside the project, so that anything left external would resolve from node_modules as on Lambda.
  const dir = mkdtempSync(join(PROJECT_ROOT, '.scratch-bench-lambda-'));
  try {
    const probe = join(dir, 'probe.mjs');
    writeFileSync(probe, PROBE_SOURCE);
    writeFileSync(join(dir, 'hello.ts'), HELLO_SOURCE);
    writeFileSync(join(dir, 'sdk-only.ts'), SDK_ONLY_SOURCE);

    const hello = await bundle(dir, 'hello-world', join(dir, 'hello.ts'), {});
    const sdkOnly = await bundle(dir, 'sdk-only', join(dir, 'sdk-only.ts'), {});
    const handlers: Bundle[] = [];
    for (const spec of FUNCTION_SPECS) {
      handlers.push(
        await bundle(
          dir,
          spec.id,
          spec.entry,
          Object.fromEntries(environmentFrom(spec.id, spec.access, BENCH_VALUES)),
        ),
      );
    }
    log(`  hello-world ${hello.kb} KB, sdk-only ${sdkOnly.kb} KB`);
    for (const handler of handlers) {
      const parts = handler.parts
        .slice(0, 5)
        .map(([name, bytes]) => `${name} ${Math.round(bytes / 1024)}`)
        .join(', ');
      log(`  ${handler.id}: ${handler.kb} KB (${parts})`);
    }

    // Every bundle once, not timed: the files are in the page cache for every timed run.
    for (const target of [hello, sdkOnly, ...handlers]) await initMs(probe, target);
    const helloRuns: number[] = [];
    const floorRuns: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      helloRuns.push(await initMs(probe, hello));
      floorRuns.push(await initMs(probe, sdkOnly));
    }
    const floorRatio = median(floorRuns) / median(helloRuns);
    log(
      `  sdk-only: init ${median(floorRuns).toFixed(1)} ms, hello-world ${median(helloRuns).toFixed(1)} ms, × ${floorRatio.toFixed(2)}`,
    );
    const overFloor = new Map<string, { ms: number; ratio: number }>();
    for (const target of handlers) {
      const own: number[] = [];
      const paired: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        paired.push(await initMs(probe, sdkOnly));
        own.push(await initMs(probe, target));
      }
      floorRuns.push(...paired);
      const ms = median(own);
      const ratio = ms / median(paired);
      overFloor.set(target.id, { ms, ratio });
      const goal = goalsOf(target.id).overFloor;
      log(
        `  ${target.id}: init ${ms.toFixed(1)} ms, sdk-only ${median(paired).toFixed(1)} ms, × ${ratio.toFixed(2)}${ratio > goal ? ` (goal ≤ ${goal})` : ''}`,
      );
    }

    const largest = handlers.reduce((a, b) => (b.kb > a.kb ? b : a));
    const slowest = handlers.reduce((a, b) =>
      (overFloor.get(b.id)?.ratio ?? 0) > (overFloor.get(a.id)?.ratio ?? 0) ? b : a,
    );
    const slowestRatio = overFloor.get(slowest.id) ?? { ms: 0, ratio: 0 };
    log(
      `  largest: ${largest.id} ${largest.kb} KB; slowest: ${slowest.id} × ${slowestRatio.ratio.toFixed(2)} the SDK floor`,
    );
    const walked = new Set(functionsOf(STAFF_WALK));
    const phoneWalked = new Set(functionsOf(STAFF_PHONE_WALK));
    log(
      `  a staff walk through one complaint: ${[...walked].join(', ')}; on a phone step also ${[...phoneWalked].filter((id) => !walked.has(id)).join(', ')}`,
    );
    return [
      { name: 'api.functions_per_staff_session', value: walked.size, unit: 'functions', goal: null },
      {
        name: 'api.functions_per_staff_session_phone_step',
        value: phoneWalked.size,
        unit: 'functions',
        goal: null,
      },
      { name: 'lambda.max_bundle_kb', value: largest.kb, unit: 'KB', goal: null },
      { name: 'lambda.max_init_over_sdk_floor', value: round(slowestRatio.ratio), unit: '×', goal: null },
      { name: 'lambda.max_init_ms', value: round(slowestRatio.ms), unit: 'ms', goal: null },
      { name: 'lambda.hello_init_ms', value: round(median(helloRuns)), unit: 'ms', goal: null },
      { name: 'lambda.sdk_only_init_ms', value: round(median(floorRuns)), unit: 'ms', goal: null },
      { name: 'lambda.init_ratio.sdk_only', value: round(floorRatio), unit: '×', goal: null },
      ...handlers.map((h) => ({
        name: `lambda.bundle_kb.${h.id}`,
        value: h.kb,
        unit: 'KB',
        goal: `≤ ${goalsOf(h.id).kb}`,
      })),
      ...handlers.map((h) => ({
        name: `lambda.init_over_sdk_floor.${h.id}`,
        value: round(overFloor.get(h.id)?.ratio ?? 0),
        unit: '×',
        goal: `≤ ${goalsOf(h.id).overFloor}`,
      })),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bundle(
  dir: string,
  id: string,
  entry: string,
  env: Readonly<Record<string, string>>,
): Promise<Bundle> {
  const file = join(dir, id, 'index.mjs');
  const result = await build({ ...handlerBuildOptions(entry, file), metafile: true });
  return { id, file, kb: Math.round(statSync(file).size / 1024), env, parts: partsOf(result.metafile) };
}

/** Bytes in the output by npm package, or by the project's own top folder. */
function partsOf(metafile: Metafile): [string, number][] {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  const parts = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
    const name = pkg ?? `${input.split('/').slice(0, 2).join('/')}`;
    parts.set(name, (parts.get(name) ?? 0) + bytesInOutput);
  }
  return [...parts].sort((a, b) => b[1] - a[1]);
}

/** One cold initialisation in a fresh process: milliseconds from its start to the bundle imported. */
function initMs(probe: string, target: Bundle): Promise<number> {
  return new Promise((resolve, reject) => {
    // Only Lambda's variables: none of this machine's (AWS_*, proxies, NODE_OPTIONS) leak in.
    const child = spawn(NODE, [probe, target.file], {
      env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENVIRONMENT, ...target.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(out);
      if (code !== 0 || !Number.isFinite(ms) || ms <= 0) {
        reject(new Error(`Initialising ${target.id} failed (exit ${code}): ${err.slice(-800)}`));
        return;
      }
      resolve(ms);
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
