import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLocalStack } from '../local/stack.ts';
import { type LoadResult, runLoad } from './api-load.ts';
import { costPerComplaint, sampleCpu } from './cpu.ts';
import type { Figure } from './figures.ts';

/**
 * `POST /api/complaints` under load, measured as wrk2 measures it: 32 keep-alive connections
 * (reception desks) offer a constant total rate, and each request's latency runs from the moment
 * it was due, so a server that falls behind shows in the latency instead of slowing the clients
 * down (closed-loop clients would hide it: by Little's law 32 clients in flight at 300 req/s
 * already mean 107 ms on average). The load comes from a process of its own (bench/api-load.ts),
 * as wrk's would; the local stack runs in this one, and every complaint's workflow starts and
 * runs to its first task on the same cores meanwhile.
 *
 * First a closed-loop run finds the most the stack answers (`max_rps`); then the latency run:
 * half that rate offered, open loop. (A fixed 300 req/s goal contradicted itself on this 2-core
 * machine: saturation is about 285 req/s, so 300 offered only measured a queue; issue 20.)
 * Sustaining it also means the workflows keep up, so after that run the
 * benchmark waits (bounded) until every complaint created waits on its first staff task and
 * reports how long that took after the load ended. Bounded: nothing is sent after a run's
 * end, at most 32 requests are in flight, and each wait has a limit (about 2 minutes in all).
 */
const CONNECTIONS = 32;
/** The latency run offers this share of the saturation rate. */
const LATENCY_RUN_SHARE = 0.5;
const WARM_UP_S = 2;
const MEASURE_S = 10;
/** Between the two runs: the saturation run's workflows finish first, so they do not load the next. */
const SATURATION_DRAIN_LIMIT_S = 30;
const DRAIN_LIMIT_S = 60;

export async function benchApi(log: (line: string) => void): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'complaints-bench-api-'));
  const stack = await startLocalStack({
    dataDir,
    ports: { web: 0, smtp: 0, ses: 0, dynamodb: 0, s3: 0, sfn: 0 },
  });
  try {
    const tokenResponse = await fetch(`${stack.urls.web}/api/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'reception.kowloon-east' }),
    });
    const { token } = (await tokenResponse.json()) as { token: string };

    // A complaint's workflow has caught up once it waits on its first staff task (the
    // supervisor's review); an execution counts once, whatever it waits on later.
    const waitingExecutions = new Set<string>();
    let lastReachedAt = 0;
    const listeners = new Set<() => void>();
    stack.stepFunctions.events.on('task-waiting', ({ executionArn }) => {
      if (waitingExecutions.has(executionArn)) return;
      waitingExecutions.add(executionArn);
      lastReachedAt = performance.now();
      for (const listener of listeners) listener();
    });
    /** Resolves with the moment the `expected`-th workflow reached its first task, or null at the limit. */
    const workflowsCaughtUp = (expected: number, limitS: number) =>
      new Promise<number | null>((resolve) => {
        const check = () => {
          if (waitingExecutions.size < expected) return;
          finish(lastReachedAt);
        };
        const timer = setTimeout(() => finish(null), limitS * 1000);
        const finish = (at: number | null) => {
          clearTimeout(timer);
          listeners.delete(check);
          resolve(at);
        };
        listeners.add(check);
        check();
      });

    const load = (rate: number, firstN: number) =>
      runLoad({
        url: `${stack.urls.web}/api/complaints`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        // Each complaint from its own owner (`{{n}}`), on one of 30 floors, in Chinese.
        bodyTemplate: JSON.stringify({
          channel: 'phone',
          area: 'kowloon-east',
          building: '海濱花園第三座',
          unit: '{{n%30+1}}樓B室',
          owner: { name: '陳大文', phone: '+852 9123 4567', email: 'owner{{n}}@example.com' },
          content: '浴室天花板滲水已經一星期，樓上單位無人回應。',
          category: 'water-leak',
          checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
        }),
        firstN,
        connections: CONNECTIONS,
        rate,
        warmUpS: WARM_UP_S,
        durationS: MEASURE_S,
      });
    const describe = (r: LoadResult) => {
      const errors = Object.entries(r.errors).map(([status, count]) => `${count} × ${status}`);
      return (
        `${r.created} complaints (201) in ${r.durationS} s, ${r.achievedRate} req/s` +
        ` (errors: ${errors.length ? errors.join(', ') : 'none'}); latency p50 ${r.latencyMs.p50} ms,` +
        ` p90 ${r.latencyMs.p90} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms`
      );
    };

    const cpuBefore = await sampleCpu(stack);
    const saturation = await load(0, 0);
    log(
      `api: closed loop, ${CONNECTIONS} connections each sending when answered (saturation): ${describe(saturation)}`,
    );
    let created = saturation.createdTotal;
    const saturationEnd = performance.now();
    const saturationCaughtUp = await workflowsCaughtUp(created, SATURATION_DRAIN_LIMIT_S);
    log(
      saturationCaughtUp === null
        ? `api: the saturation run's workflows had not caught up ${SATURATION_DRAIN_LIMIT_S} s after it (${waitingExecutions.size} of ${created}); the next run shares the cores with them`
        : `api: the saturation run's workflows caught up ${((saturationCaughtUp - saturationEnd) / 1000).toFixed(1)} s after it`,
    );
    // What a complaint costs, its workflow to the first task included (the load process's own
    // CPU not counted): the ceiling it sets on this machine, whatever the latency.
    const cost = costPerComplaint(cpuBefore, await sampleCpu(stack), saturation.createdTotal, cpus().length);
    log(`api: ${cost.describe()}`);

    const offeredRate = Math.max(1, Math.round(saturation.achievedRate * LATENCY_RUN_SHARE));
    const constant = await load(offeredRate, saturation.nextN);
    const loadEnd = performance.now();
    created += constant.createdTotal;
    log(
      `api: ${offeredRate} req/s offered (half the saturation rate) over ${CONNECTIONS} connections, latency from each request's due time: ` +
        `${describe(constant)}; achieved ${constant.achievedRate} of ${offeredRate} req/s offered` +
        (constant.unsent
          ? `, ${constant.unsent} requests due never sent (the stack was ${(constant.lagAtEndMs / 1000).toFixed(1)} s behind at the end)`
          : ''),
    );
    const caughtUp = await workflowsCaughtUp(created, DRAIN_LIMIT_S);
    const drainS =
      caughtUp === null ? DRAIN_LIMIT_S : Math.max(0, (Math.max(caughtUp, loadEnd) - loadEnd) / 1000);
    log(
      caughtUp === null
        ? `api: workflows had not caught up ${DRAIN_LIMIT_S} s after the load (${waitingExecutions.size} of ${created} waiting on their first task)`
        : `api: every complaint's workflow (${created}) waited on its first task ${drainS.toFixed(1)} s after the load ended`,
    );

    return [
      { name: 'api.create_complaint_max_rps', value: saturation.achievedRate, unit: 'req/s', goal: '≥ 280' },
      {
        name: 'api.create_complaint_p99_ms_at_half',
        value: constant.latencyMs.p99,
        unit: `ms (${offeredRate} req/s offered)`,
        goal: '≤ 100',
      },
      {
        name: 'api.create_complaint_rps_at_half',
        value: constant.achievedRate,
        unit: `req/s (of ${offeredRate} offered)`,
        goal: `≥ ${Math.floor(offeredRate * 0.98)}`,
      },
      {
        name: 'api.cpu_ms_per_complaint',
        value: Number(cost.totalMs.toFixed(1)),
        unit: 'ms (all processes of the stack)',
        goal: null,
      },
      {
        name: 'api.dynamodb_calls_per_complaint',
        value: Number(cost.dynamoCalls.toFixed(1)),
        unit: 'calls',
        goal: null,
      },
      {
        name: 'api.workflow_drain_s',
        value: Number(drainS.toFixed(1)),
        unit: caughtUp === null ? 's (not caught up: the limit)' : 's',
        goal: null,
      },
    ];
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
