import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { FUNCTIONS } from '#config/functions.ts';
import { seedTable } from '../local/cli/seed-data.ts';
import { startLocalStack } from '../local/stack.ts';
import type { Figure } from './figures.ts';

/**
 * The periodic report over 10,000 and then 100,000 complaints in the reported month (October
 * 2026), with as many in the month before: an in-process local stack is seeded with
 * `npm run seed`'s generator, and the report runs in a child process exactly as the report
 * Lambda runs it (the bundle CDK deploys: Query pages of the area/month index, the CSVs
 * streamed to S3, the HTML of three languages, the email).
 *
 * - Time: the run's wall time. The steady state is timed: the month before has its own report
 *   (the monthly schedule makes one), whose counts give the trend. The first report, with no
 *   report of the month before, reads both months: timed once, as `_first`.
 * - Memory: the child's peak resident set (getrusage maxRSS: Node, the SDK and the report)
 *   with V8 held to the heap a 256 MB function leaves it (`--max-old-space-size=128
 *   --max-semi-space-size=16`); without a limit V8 collects lazily and grows to what the
 *   machine has, which says nothing about what the report needs.
 * - Medians of three runs.
 */
const MONTH = '2026-10';
const PREVIOUS = '2026-09';
const SEED_NOW = new Date('2026-11-20T00:00:00Z');
const RUNS = 3;
/** V8's heap in a 256 MB function: old space half of it, the young generation at V8's usual size. */
export const V8_FLAGS_256MB = ['--max-old-space-size=128', '--max-semi-space-size=16'];

interface Run {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  peakHeapMb: number;
  rows: number;
  status: string;
  /** Peaks sampled every 20 ms: rss, heapTotal, external, arrayBuffers (MB). */
  peaksMb?: Record<string, number>;
}

export async function benchReport(log: (line: string) => void): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  const child = await bundleChild(dataDir);
  const stack = await startLocalStack({
    dataDir,
    ports: { web: 0, smtp: 0, ses: 0, dynamodb: 0, s3: 0, sfn: 0 },
  });
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  try {
    const seed = async (complaints: number, seedNumber: number) => {
      for (const [end, offset] of [
        [MONTH, 0],
        [PREVIOUS, 1000],
      ] as const) {
        const result = await seedTable(db, stack.tableName, {
          complaints,
          months: 1,
          end,
          now: SEED_NOW,
          seed: seedNumber + offset,
        });
        log(
          `  seeded ${result.complaints.toLocaleString('en-US')} complaints in ${end} in ${(result.ms / 1000).toFixed(1)} s`,
        );
      }
    };
    const once = async (label: string, period: string): Promise<Run> => {
      const run = await runChild(child, period, stack.functionEnvironment(FUNCTIONS.runScheduledReport.id));
      if (run.status !== 'done') throw new Error(`The report run ended ${run.status}`);
      log(
        `  ${label}: ${run.seconds.toFixed(2)} s (CPU ${run.cpuSeconds.toFixed(2)} s), peak RSS ${run.peakRssMb.toFixed(0)} MB (heap ${run.peakHeapMb.toFixed(0)} of ${run.peaksMb?.heapTotal ?? '?'} MB, buffers ${run.peaksMb?.external ?? '?'} MB), ${run.rows.toLocaleString('en-US')} rows`,
      );
      return run;
    };
    const steady = async (label: string): Promise<Run> => {
      await once(`${label}: report of ${PREVIOUS} (for the trend, not timed)`, PREVIOUS);
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await once(`${label} run ${i + 1}`, MONTH));
      return {
        seconds: median(runs.map((r) => r.seconds)),
        cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
        peakRssMb: median(runs.map((r) => r.peakRssMb)),
        peakHeapMb: median(runs.map((r) => r.peakHeapMb)),
        rows: runs[0]?.rows ?? 0,
        status: 'done',
      };
    };

    await seed(10_000, 1);
    const small = await steady('10k');
    await seed(90_000, 2);
    await forgetReports(db, stack.tableName);
    const first = await once('100k, first report (reads both months)', MONTH);
    const large = await steady('100k');
    const growth = large.seconds / small.seconds;
    log(
      `  10k → 100k: ${small.seconds.toFixed(2)} s → ${large.seconds.toFixed(2)} s (× ${growth.toFixed(1)} for × 10 complaints; CPU × ${(large.cpuSeconds / small.cpuSeconds).toFixed(1)}); peak RSS ${small.peakRssMb.toFixed(0)} → ${large.peakRssMb.toFixed(0)} MB`,
    );
    return [
      { name: 'report.seconds_10k', value: round(small.seconds), unit: 's', goal: null },
      { name: 'report.seconds_100k', value: round(large.seconds), unit: 's', goal: '≤ 10' },
      { name: 'report.seconds_100k_first', value: round(first.seconds), unit: 's', goal: null },
      { name: 'report.time_growth_10k_to_100k', value: round(growth), unit: '×', goal: null },
      { name: 'report.peak_mb_10k', value: Math.round(small.peakRssMb), unit: 'MB', goal: null },
      { name: 'report.peak_mb_100k', value: Math.round(large.peakRssMb), unit: 'MB', goal: '≤ 256' },
      { name: 'report.peak_mb_100k_first', value: Math.round(first.peakRssMb), unit: 'MB', goal: null },
    ];
  } finally {
    db.destroy();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Deletes the reports made so far, so the next report of the month finds none of the month before. */
async function forgetReports(db: DynamoDBDocumentClient, table: string): Promise<void> {
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': 'REPORTS' },
    }),
  );
  for (const item of Items) {
    await db.send(new DeleteCommand({ TableName: table, Key: { PK: item.PK, SK: item.SK } }));
  }
}

/**
 * bench/report-child.ts bundled as CDK bundles the report function (esbuild, ESM, minified,
 * the SDK included): memory is measured on what Lambda runs, not on TypeScript being
 * stripped at load time.
 */
async function bundleChild(dir: string): Promise<string> {
  const outfile = join(dir, 'report-child.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'report-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * Runs the bundled report with the local stack's environment (the runtime's, and the report
 * function's own variables); resolves with its figures.
 */
function runChild(script: string, period: string, variables: Readonly<Record<string, string>>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...V8_FLAGS_256MB, script, period], {
      env: { ...process.env, ...variables, POWERTOOLS_LOG_LEVEL: 'ERROR' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`The report run exited ${code}: ${out.slice(-500)}`));
        return;
      }
      resolve(JSON.parse(line) as Run);
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
