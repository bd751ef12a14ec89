import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startLocalStack } from '../local/stack.ts';
import {
  BROWSER_PREREQUISITES_LINE,
  CHROMIUM,
  CHROMIUM_ARGS,
  missingBrowserPrerequisites,
} from '../test/harness/chromium.ts';
import { buildWeb } from '../web/build.ts';
import type { Figure } from './figures.ts';

/**
 * The web app benchmark: the size of its JavaScript (gzipped, as CloudFront serves it) and
 * how soon *My tasks* is on screen in headless Chromium, against an in-process local stack
 * where the signed-in supervisor has open tasks.
 */
/** Tasks on the list when it is measured: a busy supervisor's morning. */
const TASKS = 25;
const RUNS = 7;

/** Every JavaScript file of the build, gzipped at level 9, in KB (both apps: staff and owner). */
export function jsGzipKb(dist: string): number {
  const assets = join(dist, 'assets');
  const bytes = readdirSync(assets)
    .filter((name) => name.endsWith('.js'))
    .reduce((sum, name) => sum + gzipSync(readFileSync(join(assets, name)), { level: 9 }).length, 0);
  return Math.round((bytes / 1024) * 10) / 10;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export async function benchWeb(log: (line: string) => void): Promise<Figure[]> {
  const missing = missingBrowserPrerequisites();
  if (missing.length > 0) {
    // One line, not Playwright's stack trace: this benchmark runs in its own process (bench/run.ts).
    console.error(`${BROWSER_PREREQUISITES_LINE}; missing: ${missing.join(', ')}.`);
    process.exit(1);
  }
  const dist = await buildWeb({ force: true });
  const gzipKb = jsGzipKb(dist);
  log(`web.js_gzip_kb: ${gzipKb}`);

  const dataDir = mkdtempSync(join(tmpdir(), 'complaints-bench-web-'));
  const stack = await startLocalStack({
    dataDir,
    ports: { web: 0, smtp: 0, ses: 0, dynamodb: 0, s3: 0, sfn: 0 },
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  try {
    const base = stack.urls.web;
    const token = async (username: string) =>
      (
        (await (
          await fetch(`${base}/api/local/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username }),
          })
        ).json()) as { token: string }
      ).token;

    // The supervisor's inbox: one "sign the record" task per complaint logged.
    let waiting = 0;
    const allWaiting = new Promise<void>((resolve) => {
      stack.stepFunctions.events.on('task-waiting', () => {
        waiting += 1;
        if (waiting === TASKS) resolve();
      });
    });
    const reception = await token('reception.kowloon-east');
    for (let i = 0; i < TASKS; i++) {
      const response = await fetch(`${base}/api/complaints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${reception}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          channel: 'phone',
          area: 'kowloon-east',
          owner: { name: `業主${i}`, phone: '+852 2345 6789' },
          content: '大堂升降機經常故障，請盡快維修。',
          checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
        }),
      });
      if (response.status !== 201) throw new Error(`POST /api/complaints answered ${response.status}`);
    }
    await allWaiting;
    const supervisor = await token('supervisor.kowloon-east');

    const paints: number[] = [];
    const contentful: number[] = [];
    // One cold run to warm the stack's handlers, then the measured runs, each in a new profile
    // (nothing cached): what a member sees opening the app in the morning.
    for (let run = 0; run <= RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript((jwt: string) => localStorage.setItem('session', jwt), supervisor);
      const page = await context.newPage();
      await page.goto(`${base}/tasks`);
      await page.getByTestId('tasks').waitFor();
      const timing = await page.evaluate(`new Promise((resolve) => {
        const read = () => {
          const painted = performance.getEntriesByName('tasks-painted')[0];
          if (!painted) return requestAnimationFrame(read);
          const fcp = performance.getEntriesByName('first-contentful-paint')[0];
          resolve({ painted: painted.startTime, fcp: fcp ? fcp.startTime : -1 });
        };
        read();
      })`);
      const { painted, fcp } = timing as { painted: number; fcp: number };
      const rows = await page.locator('[data-testid=tasks] tbody tr').count();
      if (rows !== TASKS) throw new Error(`My tasks showed ${rows} tasks, expected ${TASKS}`);
      if (run > 0) {
        paints.push(painted);
        contentful.push(fcp);
      }
      await context.close();
    }
    const firstPaint = Math.round(median(paints));
    log(
      `web.my_tasks_first_paint_ms: median ${firstPaint} ms of ${RUNS} (${paints.map(Math.round).join(', ')}); first contentful paint median ${Math.round(median(contentful))} ms`,
    );
    return [
      { name: 'web.js_gzip_kb', value: gzipKb, unit: 'KB', goal: '≤ 150' },
      { name: 'web.my_tasks_first_paint_ms', value: firstPaint, unit: 'ms', goal: '≤ 1000' },
    ];
  } finally {
    await browser.close();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
