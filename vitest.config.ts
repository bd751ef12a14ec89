import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The local-stack tests start real emulators on loopback; give them room on a 2-core machine.
    // CDK synthesis bundles every handler (30-odd esbuild runs) and takes close to a minute when
    // two test files synthesise at once on a busy machine.
    testTimeout: 120_000,
    hookTimeout: 180_000,
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
