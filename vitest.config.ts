import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The local-stack tests start real emulators on loopback; give them room on a 2-core machine.
    // CDK synthesis bundles every handler (30-odd esbuild runs) and takes close to a minute when
    // two test files synthesise at once on a busy machine.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // expect.poll waits for what a page or the stack will show; vitest's 1 s default is a
    // timing assertion on a loaded 2-core machine (a save and a reload take longer there), so
    // it waits as long as Playwright's own waits do for an element. The value must still come.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
    maxWorkers: 2,
    // AWS credential variables are unset by the setup file so nothing can reach real AWS.
    setupFiles: ['test/setup/isolate-from-aws.ts'],
    // The web app is built once, before any test file runs (browser tests, CDK web assets).
    globalSetup: ['test/setup/require-browser.ts', 'test/setup/build-web.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-artifacts/vitest-results.json' },
  },
});
