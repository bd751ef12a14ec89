import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * `npm run seed` ties the seeded complaints to their register units (local/cli/seed-related.ts):
 * the demo's estates then have repeats, clusters and yearly statistics to show.
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

it('seeds complaints tied to register units, flagged, counted in the estates’ statistics', async () => {
  const { execFile } = await import('node:child_process');
  const printed = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['local/cli/seed.ts', '--complaints', '1500', '--months', '2', '--end', '2026-11'],
      { env: { ...process.env, PORT: new URL(t.stack.urls.web).port }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    ),
  );
  const tied =
    /([\d,]+) of them tied to their register units \(([\d,]+) repeats, ([\d,]+) in clusters\)/.exec(printed);
  expect(tied, printed).not.toBeNull();
  const linked = Number(tied?.[1]?.replace(/,/g, ''));
  expect(linked).toBeGreaterThan(500);
  expect(Number(tied?.[2]?.replace(/,/g, ''))).toBeGreaterThan(0);

  const api = staffClient(t);
  const estates = await api.get<{ items: { id: string; area: string }[] }>(
    'customer-service.kowloon-east',
    '/api/directory/estates',
  );
  let counted = 0;
  for (const estate of estates.body.items) {
    const answer = await api.get<{ statistics: { total: number } }>(
      'customer-service.kowloon-east',
      `/api/directory/estates/${estate.id}/statistics?year=2026`,
    );
    expect(answer.status).toBe(200);
    counted += answer.body.statistics.total;
  }
  // Every tied complaint is in its estate's year (all of them were received in 2026).
  expect(counted).toBe(linked);

  // And the complaint search finds them, as it finds a complaint logged through the API: words
  // of the content (a water leak's 滲水), and over the seeded months.
  const found = await api.get<{ items: { ref: string; content?: string }[] }>(
    'supervisor.kowloon-east',
    `/api/complaints?q=${encodeURIComponent('滲水')}&from=2026-10-01&to=2026-11-30`,
  );
  expect(found.status).toBe(200);
  expect(found.body.items.length).toBeGreaterThan(0);
}, 900_000);
