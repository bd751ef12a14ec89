import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLocalStack } from '../local/stack.ts';
import { costPerComplaint, sampleCpu } from './cpu.ts';
import type { Figure } from './figures.ts';
import { startSenders, wallClockNow } from './intake-load.ts';

/**
 * The email intake benchmark: owners' complaints sent over SMTP by several concurrent senders
 * to an in-process local stack, each timed from the moment the SMTP intake accepted it (250)
 * to the moment its acknowledgement reached the SES outbox. Throughput is the messages per
 * second over the measured run, which ends when every complaint is acknowledged and its
 * workflow waits on the supervisor (so a backlog cannot flatter it). Each sender sends its next
 * complaint once the previous one is acknowledged. Loopback only; bounded in messages and time.
 *
 * The stack runs in a child process of its own: handlers read their configuration and create their
 * SDK clients once per process, so a stack started earlier by another benchmark would
 * otherwise be the one they talk to. The senders run in another (bench/intake-load.ts), driven
 * over IPC, so that sending does not take the stack's event loop; both processes time with the
 * same wall clock, so the 250 seen by the sender and the outbox seen by the stack compare.
 */
/**
 * Defaults; `BENCH_INTAKE_MESSAGES`, `BENCH_INTAKE_WARM_UP` and `BENCH_INTAKE_SENDERS` change them
 * (up to 2000, 2000 and 32). The warm-up is long enough for V8 to have compiled the hot code (as
 * the API benchmark's 2 s are): measured after 24 messages, V8's background threads (optimising
 * compiler and GC) took 4.0 ms of CPU per complaint; after 400, 2.5-3.3. A sustained rate is the
 * rate once the start-up compiling is over.
 */
const MESSAGES = Math.min(2000, Number(process.env.BENCH_INTAKE_MESSAGES) || 800);
const WARM_UP = Math.min(2000, Number(process.env.BENCH_INTAKE_WARM_UP) || 400);
const SENDERS = Math.min(32, Number(process.env.BENCH_INTAKE_SENDERS) || 8);
const TIME_LIMIT_MS = 180_000;
/** Runs whose medians are reported; `BENCH_INTAKE_RUNS` changes it (1 to 9). */
const RUNS = Math.max(1, Math.min(9, Number(process.env.BENCH_INTAKE_RUNS) || 3));

interface Result {
  readonly messages: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
  readonly cpuMsPerComplaint: number;
  readonly dynamoCallsPerComplaint: number;
}

export async function benchIntake(log: (line: string) => void): Promise<Figure[]> {
  // This machine is shared and noisy (the same code measured 52-68 msgs/s in one hour): each
  // figure is the median over RUNS runs, each on a fresh stack.
  const runs: RunFigures[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const result = await runOnce(log);
    const figures = figuresOf(result);
    log(
      `intake run ${run}/${RUNS}: ${result.messages} complaints from ${SENDERS} concurrent SMTP senders in ${result.seconds.toFixed(2)} s: ` +
        `${figures.throughput.toFixed(1)} msgs/s; SMTP accepted → acknowledgement in the outbox p50 ${figures.p50.toFixed(0)} ms, ` +
        `p90 ${figures.p90.toFixed(0)} ms, p99 ${figures.p99.toFixed(0)} ms, max ${figures.max.toFixed(0)} ms`,
    );
    runs.push(figures);
  }
  const median = (pick: (run: RunFigures) => number) => {
    const values = runs.map(pick).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)] ?? 0;
  };
  const throughput = median((run) => run.throughput);
  const p50 = median((run) => run.p50);
  const p99 = median((run) => run.p99);
  const cpuMs = median((run) => run.cpuMsPerComplaint);
  log(
    `intake: medians of ${RUNS} runs: ${throughput.toFixed(1)} msgs/s, p50 ${p50.toFixed(0)} ms, ` +
      `p99 ${p99.toFixed(0)} ms, ${cpuMs} ms of CPU per complaint`,
  );
  return [
    {
      name: 'intake.throughput_msgs_per_s',
      value: Number(throughput.toFixed(1)),
      unit: 'messages/s',
      goal: '≥ 80',
    },
    {
      name: 'intake.ack_latency_p99_ms',
      value: Math.round(p99),
      unit: 'ms',
      goal: '≤ 200',
    },
    {
      name: 'intake.ack_latency_p50_ms',
      value: Math.round(p50),
      unit: 'ms',
      goal: null,
    },
    {
      name: 'intake.cpu_ms_per_complaint',
      value: cpuMs,
      unit: 'ms (all processes of the stack)',
      goal: null,
    },
    {
      name: 'intake.dynamodb_calls_per_complaint',
      value: median((run) => run.dynamoCallsPerComplaint),
      unit: 'calls',
      goal: null,
    },
  ];
}

interface RunFigures {
  readonly throughput: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly cpuMsPerComplaint: number;
  readonly dynamoCallsPerComplaint: number;
}

function figuresOf(result: Result): RunFigures {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const percentile = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return {
    throughput: result.messages / result.seconds,
    p50: percentile(50),
    p90: percentile(90),
    p99: percentile(99),
    max: percentile(100),
    cpuMsPerComplaint: result.cpuMsPerComplaint,
    dynamoCallsPerComplaint: result.dynamoCallsPerComplaint,
  };
}

/** One run on a fresh stack, in a child process (see above). */
function runOnce(log: (line: string) => void): Promise<Result> {
  return new Promise<Result>((resolve, reject) => {
    const child = spawn(process.execPath, [import.meta.filename, '--child'], {
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffer = '';
    let found: Result | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('RESULT ')) found = JSON.parse(line.slice(7)) as Result;
        else if (line.startsWith('LOG ')) log(line.slice(4));
      }
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      found ? resolve(found) : reject(new Error(`intake benchmark exited with ${code} and no result`)),
    );
  });
}

async function runChild(): Promise<void> {
  const say = (line: string) => process.stdout.write(`LOG ${line}\n`);
  const dataDir = mkdtempSync(join(tmpdir(), 'complaints-bench-intake-'));
  const stack = await startLocalStack({
    dataDir,
    ports: { web: 0, smtp: 0, ses: 0, dynamodb: 0, s3: 0, sfn: 0 },
    timeScale: 1,
  });
  let senderProcess: ReturnType<typeof startSenders> | undefined;
  try {
    const senders = startSenders({ port: stack.smtpPort, senders: SENDERS });
    senderProcess = senders;
    // Every email the SES outbox accepts is announced by the local stack: that is where
    // "in the outbox" is observed, without polling its page.
    const pending = new Map<string, (at: number) => void>();
    stack.outbox.on('mail-sent', (recipients) => {
      const at = wallClockNow();
      for (const to of recipients) pending.get(to)?.(at);
    });

    // Each complaint's workflow ends this run waiting on the supervisor; the stack stops then.
    let waitingOnStaff = 0;
    let allWaiting: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => {
      allWaiting = resolve;
    });
    stack.stepFunctions.events.on('task-waiting', () => {
      waitingOnStaff += 1;
      if (waitingOnStaff >= WARM_UP + MESSAGES) allWaiting();
    });

    const latencies: number[] = [];
    const send = async (sender: number, n: number, record: boolean) => {
      const from = `owner${n}.${randomUUID().slice(0, 8)}@bench.example`;
      const acknowledged = new Promise<number>((resolve) => pending.set(from, resolve));
      // The acknowledgement may reach the outbox before the 250's reply crosses IPC: both
      // times are kept and the latency computed once both are known.
      const [accepted, at] = await Promise.all([senders.send(sender, n, from), acknowledged]);
      pending.delete(from);
      if (record) latencies.push(at - accepted);
    };
    const runAll = async (count: number, record: boolean) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: SENDERS }, async (_unused, sender) => {
          while (next < count) {
            const n = next++;
            await send(sender, n, record);
          }
        }),
      );
    };
    // Where a run that overstays stopped: unacknowledged complaints, or workflows not caught up.
    const progress = () =>
      `${waitingOnStaff} of ${WARM_UP + MESSAGES} workflows waiting on the supervisor, ${pending.size} complaint(s) sent and not yet acknowledged`;
    const limit = new Promise<never>((_resolve, reject) =>
      setTimeout(
        () => reject(new Error(`intake benchmark took over ${TIME_LIMIT_MS / 1000} s: ${progress()}`)),
        TIME_LIMIT_MS,
      ).unref(),
    );
    await Promise.race([runAll(WARM_UP, false), limit]);
    say(`intake: warmed up with ${WARM_UP} complaints`);
    const cpuBefore = await sampleCpu(stack);
    const started = performance.now();
    await Promise.race([runAll(MESSAGES, true), limit]);
    // Sustained: the run ends when every complaint's workflow has also caught up (acknowledged,
    // waiting on the supervisor), not merely when the last acknowledgement went out.
    await Promise.race([settled, limit]);
    const seconds = (performance.now() - started) / 1000;
    // What a complaint costs, from SMTP to its workflow waiting on the supervisor (the senders'
    // own CPU not counted): the ceiling it sets on this machine.
    const cost = costPerComplaint(cpuBefore, await sampleCpu(stack), MESSAGES, cpus().length);
    say(`intake: ${cost.describe()}`);
    await senders.close();
    const result: Result = {
      messages: MESSAGES,
      seconds,
      latenciesMs: latencies,
      cpuMsPerComplaint: Number(cost.totalMs.toFixed(1)),
      dynamoCallsPerComplaint: Number(cost.dynamoCalls.toFixed(1)),
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    senderProcess?.kill();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main && process.argv.includes('--child')) {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  await runChild();
  process.exit(0);
}
