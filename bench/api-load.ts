import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * A load generator for one HTTP endpoint, in the manner of wrk2, run in a process of its own so
 * that it does not take the event loop of the server it measures (as wrk would not).
 *
 * `connections` keep-alive HTTP/1.1 connections each carry one request at a time, in turn. With a `rate`,
 * the requests are due at a constant total rate, spread evenly over the connections (connection
 * i's k-th request is due at (k × connections + i) / rate after the start), and each request's
 * latency runs from the moment it was due, not from the moment it went out: when the server
 * falls behind, a connection is still busy when its next request is due, that request waits,
 * and the wait is in its latency (this corrects coordinated omission). With `rate` 0 the run is
 * closed-loop: each connection sends its next request as soon as the previous one is answered,
 * which measures the most the server answers; latency then runs from the send.
 *
 * Nothing is sent after the run's end, so a saturated server builds no backlog beyond it: the
 * requests that fell due but never went out are counted (`unsent`), and the requests in flight
 * at the end (at most one per connection) are waited for, up to `tailGraceS`.
 */
export interface LoadOptions {
  /** Loopback only: `http://127.0.0.1:<port>/...`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The request body; `{{n}}` becomes the request's sequence number (from `firstN`), `{{n%30+1}}`
   * that number modulo 30 plus 1 (any modulus and offset), so each request can be unique.
   */
  readonly bodyTemplate: string;
  readonly firstN: number;
  readonly connections: number;
  /** Requests per second in total over all connections; 0: closed loop. */
  readonly rate: number;
  readonly warmUpS: number;
  readonly durationS: number;
  /** How long the requests in flight at the end are waited for. @default 10 */
  readonly tailGraceS?: number;
}

export interface LoadResult {
  readonly rate: number;
  readonly connections: number;
  readonly durationS: number;
  /** 201s answered inside the measured window (after the warm-up, before the end). */
  readonly created: number;
  /** 201s answered in the whole run, warm-up and tail included: the resources it created. */
  readonly createdTotal: number;
  /** `created` per second of the measured window. */
  readonly achievedRate: number;
  /** Answers other than 201 after the warm-up, by status; `network` for a failed connection,
   * `unanswered` for a request still in flight when the tail grace ran out. */
  readonly errors: Readonly<Record<string, number>>;
  /** Requests due before the end that never went out because their connection was still busy. */
  readonly unsent: number;
  /** How late the most overdue connection was at the end, in ms (0 when it kept up). */
  readonly lagAtEndMs: number;
  /** Every 201 answered after the warm-up (the tail included), in ms. */
  readonly latencyMs: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
  /** Sequence number after the last one used. */
  readonly nextN: number;
}

/**
 * Runs the load in a child process (this file) and resolves with its result. The child is
 * killed whatever happens: on error, on timeout and after the result.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  assertLoopback(options.url);
  const child = spawn(process.execPath, [import.meta.filename, '--load-child'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const limitMs = (options.warmUpS + options.durationS + (options.tailGraceS ?? 10) + 15) * 1000;
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`load generator gave no result within ${limitMs / 1000} s`)),
        limitMs,
      );
      child.on('message', (message: { result?: LoadResult }) => {
        clearTimeout(timer);
        if (message.result) resolve(message.result);
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`load generator exited (${signal ?? code}) without a result`));
      });
      child.send({ options });
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function assertLoopback(url: string): void {
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'http:' || hostname !== '127.0.0.1')
    throw new Error(`the load generator only talks to http://127.0.0.1, not ${protocol}//${hostname}`);
}

/** `{{n}}` or `{{n%M+K}}` in the body template. */
const SEQUENCE = /\{\{n(?:%(\d+))?(?:\+(\d+))?\}\}/g;

async function generateLoad(options: LoadOptions): Promise<LoadResult> {
  assertLoopback(options.url);
  if (!(options.connections >= 1) || !(options.rate >= 0) || !(options.durationS > 0))
    throw new Error('connections ≥ 1, rate ≥ 0 and a positive duration are required');
  const target = new URL(options.url);
  // One agent of one socket per connection, as wrk2 pins its requests to its connections: each
  // connection's requests go out in turn on its own socket, kept alive between them.
  const agents = Array.from(
    { length: options.connections },
    () => new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 }),
  );
  let n = options.firstN;
  const body = () =>
    options.bodyTemplate.replace(SEQUENCE, (_match, modulus?: string, offset?: string) => {
      const value = modulus ? n % Number(modulus) : n;
      return String(value + Number(offset ?? 0));
    });

  type Answer = { status: number | 'network' | 'unanswered'; answeredAt: number };
  const inFlight = new Set<{ abort: () => void }>();
  const post = (agent: Agent): Promise<Answer> =>
    new Promise((resolve) => {
      const payload = Buffer.from(body());
      n += 1;
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method: 'POST',
          headers: { ...options.headers, 'content-length': payload.length },
        },
        (res) => {
          res.resume();
          res.on('error', () => {
            if (inFlight.delete(handle)) resolve({ status: 'network', answeredAt: performance.now() });
          });
          res.on('end', () => {
            if (!inFlight.delete(handle)) return;
            resolve({ status: res.statusCode ?? 0, answeredAt: performance.now() });
          });
        },
      );
      const handle = {
        abort: () => {
          inFlight.delete(handle);
          resolve({ status: 'unanswered', answeredAt: performance.now() });
          req.destroy();
        },
      };
      inFlight.add(handle);
      req.on('error', () => {
        if (!inFlight.delete(handle)) return;
        resolve({ status: 'network', answeredAt: performance.now() });
      });
      req.end(payload);
    });

  const start = performance.now();
  const measureFrom = start + options.warmUpS * 1000;
  const end = measureFrom + options.durationS * 1000;
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let created = 0;
  let createdTotal = 0;
  let unsent = 0;
  let lagAtEndMs = 0;
  const record = (answer: Answer, since: number) => {
    if (answer.status === 201) createdTotal += 1;
    if (answer.answeredAt < measureFrom) return;
    if (answer.status === 201) {
      latencies.push(answer.answeredAt - since);
      if (answer.answeredAt < end) created += 1;
    } else {
      errors[answer.status] = (errors[answer.status] ?? 0) + 1;
    }
  };
  const sleepUntil = (at: number) =>
    new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));

  const openLoop = async (connection: number, agent: Agent) => {
    const intervalMs = (options.connections * 1000) / options.rate;
    for (let due = start + (connection * 1000) / options.rate; due < end; due += intervalMs) {
      if (performance.now() >= end) {
        // Fell due before the end but the connection was busy until after it.
        lagAtEndMs = Math.max(lagAtEndMs, end - due);
        unsent += Math.ceil((end - due) / intervalMs);
        return;
      }
      if (due > performance.now()) await sleepUntil(due);
      record(await post(agent), due);
    }
  };
  const closedLoop = async (agent: Agent) => {
    while (performance.now() < end) {
      const sentAt = performance.now();
      record(await post(agent), sentAt);
    }
  };

  const tail = setTimeout(
    () => {
      for (const handle of [...inFlight]) handle.abort();
    },
    end - start + (options.tailGraceS ?? 10) * 1000,
  );
  await Promise.all(
    agents.map((agent, connection) => (options.rate > 0 ? openLoop(connection, agent) : closedLoop(agent))),
  );
  clearTimeout(tail);
  for (const agent of agents) agent.destroy();

  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] ?? 0);
  return {
    rate: options.rate,
    connections: options.connections,
    durationS: options.durationS,
    created,
    createdTotal,
    achievedRate: Number((created / options.durationS).toFixed(1)),
    errors,
    unsent,
    lagAtEndMs: Math.round(lagAtEndMs),
    latencyMs: { p50: percentile(0.5), p90: percentile(0.9), p99: percentile(0.99), max: percentile(1) },
    nextN: n,
  };
}

if (import.meta.main && process.argv.includes('--load-child')) {
  // Orphaned (the benchmark died): stop rather than keep loading a server nobody measures.
  process.on('disconnect', () => process.exit(1));
  process.once('message', (message: { options: LoadOptions }) => {
    generateLoad(message.options).then(
      (result) => process.send?.({ result }, () => process.exit(0)),
      (error: Error) => {
        console.error(`load generator: ${error.message}`);
        process.exit(1);
      },
    );
  });
}
