import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../local/stack.ts';

/**
 * Debian's Chromium driven by playwright-core (no browser download): headless, no sandbox
 * (CI runs as root), nothing that reaches the network by itself. Each launch gets a fresh
 * profile from Playwright.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Screenshots of each page under test, kept as CI artefacts (test-artifacts/ is not committed). */
export const SCREENSHOTS = join(PROJECT_ROOT, 'test-artifacts', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs in as a demo user the way a person does: the sign-in page, their name. */
export async function signInAs(page: Page, base: string, username: string, next = '/tasks'): Promise<void> {
  await page.goto(`${base}/sign-in?next=${encodeURIComponent(next)}`);
  await page.locator(`button[data-username="${username}"]`).click();
  await page.waitForURL((url) => `${url.pathname}${url.search}` === next);
}

/** Fails the test on any uncaught error in the page (a stack trace is never the answer). */
export function failOnPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
