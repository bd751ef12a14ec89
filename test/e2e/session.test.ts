import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE } from '../../local/gateway/auth.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { failOnPageErrors, launchBrowser, screenshot, signInAs } from '../harness/browser.ts';

/**
 * Staff stay signed in past their ID token's hour: the app renews it with the refresh token,
 * and only a session that has really ended (its refresh token revoked or expired) sends them
 * to sign in, politely, and back to the page they were on. The local issuer's ID tokens last
 * a few seconds here (a test-only option of startLocalStack; `npm start` keeps Cognito's hour).
 */
const ID_TOKEN_SECONDS = 5;

let dataDir: string;
let stack: LocalStack;
let base: string;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'complaints-session-'));
  stack = await startLocalStack({
    dataDir,
    ports: { web: 0, smtp: 0, ses: 0, dynamodb: 0, s3: 0, sfn: 0 },
    tokenLifetimes: { idTokenSeconds: ID_TOKEN_SECONDS },
  });
  base = stack.urls.web;
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function freshPage(locale = 'zh-HK'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
  page = await context.newPage();
  pageErrors = failOnPageErrors(page);
  return page;
}
afterEach(async () => {
  await page?.context().close();
  expect(pageErrors, 'uncaught errors in the page').toEqual([]);
});

const stored = (key: string) => page.evaluate((k) => localStorage.getItem(k) ?? '', key);
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(String(token.split('.')[1]), 'base64url').toString('utf8')) as {
    exp: number;
    'cognito:username': string;
  };

/** Waits (in real time, as tokens keep) until the page's ID token has expired. */
async function untilIdTokenExpires(): Promise<void> {
  const { exp } = claimsOf(await stored('session'));
  const wait = exp * 1000 + 1100 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** Revokes a refresh token from outside the page, as signing out on another device would. */
async function revoke(refreshToken: string): Promise<void> {
  const response = await fetch(`${base}/oauth2/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: refreshToken, client_id: LOCAL_AUDIENCE }),
  });
  expect(response.status).toBe(200);
}

async function refreshWith(refreshToken: string) {
  const response = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: LOCAL_AUDIENCE,
      refresh_token: refreshToken,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('staying signed in through the day', () => {
  it('keeps working after the ID token expires, renewing it without a sign-in', async () => {
    await freshPage();
    await signInAs(page, base, 'reception.kowloon-east', '/tasks');
    await page.getByRole('heading', { name: '我的工作' }).waitFor();
    const firstToken = await stored('session');
    const refreshes: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/oauth2/token')) refreshes.push(request.postData() ?? '');
    });

    await untilIdTokenExpires();
    const listAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/complaints');
    await page.getByRole('link', { name: '投訴列表' }).click();
    const answer = await listAnswer;
    expect(answer.status()).toBe(200);
    await page.getByRole('heading', { name: '投訴列表' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/complaints');
    // Renewed the way the app does it with Cognito, and the request went with the new token.
    expect(refreshes).toHaveLength(1);
    expect(new URLSearchParams(refreshes[0]).get('grant_type')).toBe('refresh_token');
    const sent = (await answer.request().allHeaders()).authorization?.replace('Bearer ', '') ?? '';
    expect(claimsOf(sent).exp).toBeGreaterThan(claimsOf(firstToken).exp);
    expect(claimsOf(sent)['cognito:username']).toBe('reception.kowloon-east');
    expect(sent).toBe(await stored('session'));
  });

  it('renews once and sends the request again when the API refuses a token the app thought good', async () => {
    await freshPage();
    await signInAs(page, base, 'supervisor.kowloon-east', '/tasks');
    await page.getByRole('heading', { name: '我的工作' }).waitFor();
    // A token the API will not take (its signature spoilt) that looks good for another hour.
    await page.evaluate(() => {
      const [header, payload, signature] = (localStorage.getItem('session') ?? '').split('.');
      const claims = JSON.parse(atob((payload ?? '').replace(/-/g, '+').replace(/_/g, '/')));
      claims.exp = Math.floor(Date.now() / 1000) + 3600;
      const body = btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
      localStorage.setItem('session', `${header}.${body}.${signature}`);
    });
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/api/complaints') statuses.push(r.status());
    });
    await page.getByRole('link', { name: '投訴列表' }).click();
    await page.getByRole('heading', { name: '投訴列表' }).waitFor();
    await expect.poll(() => statuses).toEqual([401, 200]);
    expect(new URL(page.url()).pathname).toBe('/complaints');
  });
});

describe('a session that has ended', () => {
  it('sends the user to sign in, politely and in their language, then back to the same page', async () => {
    await freshPage();
    await signInAs(page, base, 'supervisor.hk-island', '/complaints?status=open');
    await page.getByLabel('語言').first().selectOption('en');
    await page.getByRole('heading', { name: 'Complaints' }).waitFor();
    // Signed out elsewhere (or by an administrator): the refresh token no longer renews anything.
    await revoke(await stored('session.refresh'));
    await untilIdTokenExpires();

    await page.reload();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    const notice = page.getByRole('status');
    await expect
      .poll(() => notice.textContent())
      .toBe(
        'For your security, your session has ended. Please sign in again; you will come back to the page you were on.',
      );
    expect(await stored('session')).toBe('');
    expect(await stored('session.refresh')).toBe('');
    await screenshot(page, 'session-ended-sign-in');

    await page.locator('button[data-username="supervisor.hk-island"]').click();
    await page.waitForURL((url) => `${url.pathname}${url.search}` === '/complaints?status=open');
    await page.getByRole('heading', { name: 'Complaints' }).waitFor();
  });

  it('keeps a complaint being typed: after signing in again the form is as it was, and it goes in', async () => {
    await freshPage();
    await signInAs(page, base, 'reception.kowloon-east', '/complaints/new');
    await page.getByRole('heading', { name: '登記投訴' }).waitFor();
    await page.getByLabel('業主姓名').fill('陳大文');
    await page.locator('#f-owner-phone').fill('+852 9123 4567');
    await page.getByLabel('大廈').fill('海濱花園第三座');
    await page.getByLabel('單位').fill('12樓B室');
    await page.getByLabel('投訴內容（重點）').fill('大堂冷氣機漏水，地面濕滑。');
    await page.getByLabel('已記下重點').check();
    await page.getByLabel('已澄清業主的要求').check();
    await revoke(await stored('session.refresh'));
    await untilIdTokenExpires();

    await page.getByRole('button', { name: '提交投訴' }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('您的登入已經結束');
    await page.locator('button[data-username="reception.kowloon-east"]').click();
    await page.waitForURL((url) => url.pathname === '/complaints/new');
    expect(await page.getByLabel('投訴內容（重點）').inputValue()).toBe('大堂冷氣機漏水，地面濕滑。');
    await page.getByRole('button', { name: '提交投訴' }).click();
    expect(await page.getByTestId('created-ref').textContent()).toMatch(/KE-\d{4}-\d{4}/);
  });

  it('signing out revokes the refresh token and forgets both tokens', async () => {
    await freshPage();
    await signInAs(page, base, 'clerk.kowloon-east', '/tasks');
    const refreshToken = await stored('session.refresh');
    expect((await refreshWith(refreshToken)).status).toBe(200);
    const revoked = page.waitForResponse((r) => new URL(r.url()).pathname === '/oauth2/revoke');
    await page.getByRole('button', { name: '登出' }).click();
    expect((await revoked).status()).toBe(200);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    expect(await stored('session')).toBe('');
    expect(await stored('session.refresh')).toBe('');
    expect(await refreshWith(refreshToken)).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid Refresh Token' },
    });
  });
});
