import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../local/stack.ts';
import type { Figure } from './figures.ts';

/**
 * `POST /api/complaints` under load: 32 concurrent clients (reception desks) log complaints
 * for a fixed time against an in-process local stack; the workflow of every complaint starts
 * and runs to its first task meanwhile, in the same process, as it would on one machine.
 */
const CLIENTS = 32;
const WARM_UP_MS = 2_000;
const MEASURE_MS = 10_000;

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
    let n = 0;
    const body = () =>
      JSON.stringify({
        channel: 'phone',
        area: 'kowloon-east',
        building: '海濱花園第三座',
        unit: `${(n % 30) + 1}樓B室`,
        owner: { name: '陳大文', phone: '+852 9123 4567', email: `owner${n++}@example.com` },
        content: '浴室天花板滲水已經一星期，樓上單位無人回應。',
        category: 'water-leak',
        checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
      });
    const latencies: number[] = [];
    let errors = 0;
    let measuring = false;
    const stopAt = Date.now() + WARM_UP_MS + MEASURE_MS;
    setTimeout(() => {
      measuring = true;
    }, WARM_UP_MS);
    const client = async () => {
      while (Date.now() < stopAt) {
        const started = performance.now();
        const response = await fetch(`${stack.urls.web}/api/complaints`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body(),
        });
        await response.arrayBuffer();
        if (!measuring) continue;
        if (response.status === 201) latencies.push(performance.now() - started);
        else errors += 1;
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    latencies.sort((a, b) => a - b);
    const rps = latencies.length / (MEASURE_MS / 1000);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    log(
      `api: ${CLIENTS} clients for ${MEASURE_MS / 1000} s: ${latencies.length} complaints (${errors} errors), ${rps.toFixed(1)} req/s, p50 ${p(0.5).toFixed(0)} ms, p99 ${p(0.99).toFixed(0)} ms`,
    );
    return [
      { name: 'api.create_complaint_rps', value: Number(rps.toFixed(1)), unit: 'req/s', goal: '≥ 300' },
      { name: 'api.create_complaint_p99_ms', value: Math.round(p(0.99)), unit: 'ms', goal: '≤ 50' },
    ];
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
