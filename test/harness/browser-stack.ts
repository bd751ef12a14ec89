import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { BrowserPages, launchBrowser } from './browser.ts';
import { startTestStack, type TestStack } from './local-stack.ts';
import { staffClient } from './staff-client.ts';

export interface BrowserStack {
  readonly t: TestStack;
  /** The web app's address. */
  readonly base: string;
  readonly api: ReturnType<typeof staffClient>;
  readonly pages: BrowserPages;
}

/**
 * For a browser test file: the whole local stack and Chromium, started before its tests and
 * stopped after them (executions still running first), and each test's pages closed after it,
 * checked for errors. The returned object is filled in once the stack is up. `timeScale`: the
 * stack's TIME_SCALE, for pages that show deadlines passing (the browser keeps real time).
 */
export function browserStackPerFile(options: { timeScale?: number } = {}): BrowserStack {
  const stack = {} as { -readonly [K in keyof BrowserStack]: BrowserStack[K] };
  let browser: Browser | undefined;
  beforeAll(async () => {
    stack.t = await startTestStack(options.timeScale ? { timeScale: options.timeScale } : {});
    stack.base = stack.t.stack.urls.web;
    stack.api = staffClient(stack.t);
    browser = await launchBrowser();
    stack.pages = new BrowserPages(browser);
  }, 120_000);
  afterEach(() => stack.pages?.close());
  afterAll(async () => {
    await browser?.close();
    await stack.t?.stopRunningExecutions();
    await stack.t?.stop();
  });
  return stack;
}
