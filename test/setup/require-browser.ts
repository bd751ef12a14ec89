import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { BROWSER_PREREQUISITES_LINE, missingBrowserPrerequisites } from '../harness/chromium.ts';

/** A test file drives Chromium when it imports the browser harness (directly or via the stack). */
const BROWSER_HARNESS = /from '\.\.\/harness\/browser(-stack)?\.ts'/;

/**
 * Before any test file runs: when the files selected include browser tests and Chromium or
 * the CJK fonts are missing, one line says what to install and the run stops, rather than
 * every browser test failing with Playwright's stack trace. Runs without a browser test
 * (`npx vitest run test/unit`) need neither.
 */
export default async function setup(project: TestProject): Promise<void> {
  // The command line's file filters: vitest keeps them on an internal field. Should it go,
  // every test file counts as selected and the check is only stricter, never skipped.
  const filters = (project.vitest as { filenamePattern?: string[] }).filenamePattern;
  const { testFiles } = await project.globTestFiles(filters);
  if (!testFiles.some((file) => BROWSER_HARNESS.test(readFileSync(file, 'utf8')))) return;
  const missing = missingBrowserPrerequisites();
  if (missing.length === 0) return;
  process.stderr.write(`${BROWSER_PREREQUISITES_LINE}; missing: ${missing.join(', ')}.\n`);
  // The JSON report is written only at the end of a run: an earlier run's must not stand for
  // this one (CI prints its counts from it, and counts a missing report as a failure).
  const { outputFile } = project.vitest.config;
  const report = typeof outputFile === 'object' ? outputFile.json : undefined;
  if (report) rmSync(resolve(project.vitest.config.root, report), { force: true });
  process.exit(1);
}
