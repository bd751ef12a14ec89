import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { startLocalStack } from '../local/stack.ts';
import type { Figure } from './figures.ts';

/**
 * The email intake benchmark: owners' complaints sent over SMTP by several concurrent senders
 * to an in-process local stack, each timed from the moment the SMTP intake accepted it (250)
 * to the moment its acknowledgement reached the SES outbox. Throughput is the messages per
 * second over the measured run, which ends when every complaint is acknowledged and its
 * workflow waits on the supervisor (so a backlog cannot flatter it). Each sender sends its next
 * complaint once the previous one is acknowledged. Loopback only; bounded in messages and time.
 *
 * It runs in a child process of its own: handlers read their configuration and create their
 * SDK clients once per process, so a stack started earlier by another benchmark would
 * otherwise be the one they talk to.
 */
/** Defaults; `BENCH_INTAKE_MESSAGES` and `BENCH_INTAKE_SENDERS` change them (up to 2000 and 32). */
const MESSAGES = Math.min(2000, Number(process.env.BENCH_INTAKE_MESSAGES) || 400);
const WARM_UP = 24;
const SENDERS = Math.min(32, Number(process.env.BENCH_INTAKE_SENDERS) || 8);
const TIME_LIMIT_MS = 180_000;

interface Result {
  readonly messages: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
}

export async function benchIntake(log: (line: string) => void): Promise<Figure[]> {
  const result = await new Promise<Result>((resolve, reject) => {
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
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const percentile = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  const throughput = result.messages / result.seconds;
  log(
    `intake: ${result.messages} complaints from ${SENDERS} concurrent SMTP senders in ${result.seconds.toFixed(2)} s: ` +
      `${throughput.toFixed(1)} msgs/s; SMTP accepted → acknowledgement in the outbox p50 ${percentile(50).toFixed(0)} ms, ` +
      `p90 ${percentile(90).toFixed(0)} ms, p99 ${percentile(99).toFixed(0)} ms, max ${percentile(100).toFixed(0)} ms`,
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
      value: Math.round(percentile(99)),
      unit: 'ms',
      goal: '≤ 200',
    },
    {
      name: 'intake.ack_latency_p50_ms',
      value: Math.round(percentile(50)),
      unit: 'ms',
      goal: null,
    },
  ];
}

/** A plain complaint as a webmail client sends it: UTF-8, Chinese subject and text. */
function complaintMessage(from: string, n: number): Buffer {
  const subject = `大廈${n}號升降機故障`;
  const body = `管理處你好：\n\n第${n}座大堂升降機由昨晚開始停止運作，長者上落非常困難，請盡快安排維修。\n\n業主 陳先生`;
  return Buffer.from(
    [
      `From: =?UTF-8?B?${Buffer.from('陳先生').toString('base64')}?= <${from}>`,
      'To: complaints@estate.example',
      `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${randomUUID()}@mail.example.com>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(body).toString('base64'),
      '',
    ].join('\r\n'),
  );
}

async function runChild(): Promise<void> {
  const say = (line: string) => process.stdout.write(`LOG ${line}\n`);
  const dataDir = mkdtempSync(join(tmpdir(), 'complaints-bench-intake-'));
  const stack = await startLocalStack({
    dataDir,
    ports: { web: 0, smtp: 0, ses: 0, dynamodb: 0, s3: 0, sfn: 0 },
    timeScale: 1,
  });
  try {
    // Every email the SES outbox accepts is announced by the local stack: that is where
    // "in the outbox" is observed, without polling its page.
    const pending = new Map<string, (at: number) => void>();
    stack.outbox.on('mail-sent', (recipients) => {
      const at = performance.now();
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

    const transports = Array.from({ length: SENDERS }, () =>
      nodemailer.createTransport({
        host: '127.0.0.1',
        port: stack.smtpPort,
        secure: false,
        ignoreTLS: true,
        pool: true,
        maxConnections: 1,
      }),
    );
    const latencies: number[] = [];
    const send = async (sender: number, n: number, record: boolean) => {
      const from = `owner${n}.${randomUUID().slice(0, 8)}@bench.example`;
      const raw = complaintMessage(from, n);
      const acknowledged = new Promise<number>((resolve) => pending.set(from, resolve));
      await transports[sender]?.sendMail({ envelope: { from, to: ['complaints@estate.example'] }, raw });
      const accepted = performance.now();
      const at = await acknowledged;
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
    const limit = new Promise<never>((_resolve, reject) =>
      setTimeout(
        () => reject(new Error(`intake benchmark took over ${TIME_LIMIT_MS / 1000} s`)),
        TIME_LIMIT_MS,
      ).unref(),
    );
    await Promise.race([runAll(WARM_UP, false), limit]);
    say(`intake: warmed up with ${WARM_UP} complaints`);
    const started = performance.now();
    await Promise.race([runAll(MESSAGES, true), limit]);
    // Sustained: the run ends when every complaint's workflow has also caught up (acknowledged,
    // waiting on the supervisor), not merely when the last acknowledgement went out.
    await Promise.race([settled, limit]);
    const seconds = (performance.now() - started) / 1000;
    for (const transport of transports) transport.close();
    const result: Result = { messages: MESSAGES, seconds, latenciesMs: latencies };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main && process.argv.includes('--child')) {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  await runChild();
  process.exit(0);
}
