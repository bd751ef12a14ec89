import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';

/**
 * The complaints list's search box and date range (issue 15.4), in Chromium against the local
 * stack: 漏水 found inside text with no spaces, an owner found by a phone typed another way, a
 * range of days typed dd/mm/yyyy, problems said at their field and gone once fixed, and the
 * search kept in the URL — in 繁體中文, 简体中文 and English.
 */
const e2e = browserStackPerFile();
let base: string;
let api: BrowserStack['api'];
let pages: BrowserPages;
let page: Page;
beforeAll(() => {
  ({ base, api, pages } = e2e);
});

async function logComplaint(fields: Record<string, unknown>): Promise<string> {
  const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
    channel: 'phone',
    area: 'kowloon-east',
    checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    ...fields,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.ref;
}

/** Today and other days as staff type them (dd/mm/yyyy), in Hong Kong. */
const typedDay = (days = 0) => {
  const [year, month, day] = new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .split('-');
  return `${day}/${month}/${year}`;
};
const listedRefs = () => page.locator('[data-testid="complaints"] tbody tr td:first-child').allTextContents();

describe('searching the complaints list', () => {
  let leak: string;
  let lift: string;
  beforeAll(async () => {
    leak = await logComplaint({
      building: '海濱花園第三座',
      unit: '12樓B室',
      owner: { name: '陳大文', phone: '+852 9123 4567' },
      content: '浴室天花板漏水已經一星期，樓上單位無人回應。',
      category: 'water-leak',
    });
    lift = await logComplaint({
      building: '海濱花園第一座',
      owner: { name: '李小姐', phone: '6123 4567' },
      content: '升降機每晚停在兩層之間',
      category: 'facilities',
    });
  });

  it('finds 漏水 inside a sentence and an owner by a phone typed without spaces, within a range of days', async () => {
    page = await pages.fresh();
    await signInAs(page, base, 'supervisor.kowloon-east', '/complaints');
    await page.getByTestId('complaints').waitFor();

    await page.getByLabel('搜尋').fill('漏水');
    await page.getByRole('button', { name: '篩選' }).click();
    await page.waitForURL(/q=%E6%BC%8F%E6%B0%B4/);
    await expect.poll(listedRefs).toEqual([leak]);
    await screenshot(page, 'search-01-leak');

    await page.getByLabel('搜尋').fill('61234567');
    await page.getByRole('button', { name: '篩選' }).click();
    await expect.poll(listedRefs).toEqual([lift]);

    // The range: today finds both; a range that ended yesterday finds neither.
    await page.getByLabel('搜尋').fill('海濱花園');
    await page.getByLabel('收到日期由').fill(typedDay());
    await page.getByLabel('至', { exact: true }).fill(typedDay());
    await page.getByRole('button', { name: '篩選' }).click();
    await expect.poll(async () => (await listedRefs()).sort()).toEqual([leak, lift].sort());
    expect(new URL(page.url()).searchParams.get('from')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.getByLabel('收到日期由').fill(typedDay(-7));
    await page.getByLabel('至', { exact: true }).fill(typedDay(-1));
    await page.getByRole('button', { name: '篩選' }).click();
    await page.getByText('沒有符合條件的投訴。').waitFor();

    // A reload keeps the search and the range as typed.
    await page.reload();
    expect(await page.getByLabel('搜尋').inputValue()).toBe('海濱花園');
    expect(await page.getByLabel('收到日期由').inputValue()).toBe(typedDay(-7));
  }, 120_000);

  it('says at the field what to fix — a reversed range, an impossible day, one character — and the message goes once fixed, in 简体中文 and English', async () => {
    page = await pages.fresh();
    await signInAs(page, base, 'supervisor.kowloon-east', '/complaints');
    await page.getByTestId('complaints').waitFor();

    await page.getByLabel('收到日期由').fill(typedDay());
    await page.getByLabel('至', { exact: true }).fill(typedDay(-2));
    await page.getByRole('button', { name: '篩選' }).click();
    await expect
      .poll(() => page.locator('#list-to-error').textContent())
      .toBe('結束日期早於開始日期：請輸入相同或較後的日期。');
    await page.getByLabel('至', { exact: true }).fill('31/02/2026');
    await expect.poll(() => page.locator('#list-to-error').textContent()).not.toContain('結束日期');
    await page.getByLabel('至', { exact: true }).fill(typedDay());
    await expect.poll(() => page.locator('#list-to-error').count()).toBe(0);

    await page.getByLabel('語言').selectOption('zh-Hans');
    await page.getByLabel('搜索').fill('水');
    await page.getByRole('button', { name: '筛选' }).click();
    await expect
      .poll(() => page.locator('#list-q-error').textContent())
      .toBe('请输入最少两个字（两个中文字，或两个英文字母或数字）。');
    await screenshot(page, 'search-02-one-character-zh-Hans');
    await page.getByLabel('搜索').fill('漏水');
    await expect.poll(() => page.locator('#list-q-error').count()).toBe(0);

    await page.getByLabel('语言').selectOption('en');
    await page.getByLabel('Search', { exact: true }).fill('9123 4567');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(listedRefs).toEqual([leak]);
    await screenshot(page, 'search-03-phone-en');
  }, 120_000);
});
