import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_USERS } from '../../local/gateway/demo-users.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.ts';

/** Chromium from test/harness/chromium.ts (CHROMIUM_PATH or Debian's); a fresh profile each launch. */
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

/** A demo staff member's display name, as the app shows them (local/gateway/demo-users.ts). */
export function staffName(username: string): string {
  const user = DEMO_USERS.find((u) => u.username === username);
  if (!user) throw new Error(`No demo user ${username}`);
  return user.name;
}

/** Fails the test on any uncaught error in the page (a stack trace is never the answer). */
export function failOnPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/**
 * Pages for one test file's browser, each in a new context (a new person at a new PC, signed
 * out, in Hong Kong Chinese). Closing the page fails the test if it had uncaught errors.
 */
export class BrowserPages {
  private open: { page: Page; errors: string[] } | undefined;
  private readonly browser: Browser;

  constructor(browser: Browser) {
    this.browser = browser;
  }

  /** Closes the last page (checking it), then opens a fresh one; `locale` is the browser's own. */
  async fresh(locale = 'zh-HK'): Promise<Page> {
    await this.close();
    const context = await this.browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale,
    });
    const page = await context.newPage();
    this.open = { page, errors: failOnPageErrors(page) };
    return page;
  }

  async close(): Promise<void> {
    if (!this.open) return;
    const { page, errors } = this.open;
    this.open = undefined;
    await page.context().close();
    expect(errors, 'uncaught errors in the page').toEqual([]);
  }
}
