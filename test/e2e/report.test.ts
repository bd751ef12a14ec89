import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failOnPageErrors, launchBrowser, SCREENSHOTS, screenshot, signInAs } from '../harness/browser.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { outbox, staffClient } from '../harness/staff-client.ts';
import { FIXTURE_THRESHOLDS, handMadeItems, REPORT_MONTH, trackedItem } from '../report/fixture.ts';

/**
 * The report as people read it: the stored HTML opened in Chromium (screen and A4 print), and
 * the emailed HTML, with CJK fonts. Screenshots and the PDF are kept under
 * test-artifacts/screenshots/.
 */
let t: TestStack;
let browser: Browser;
let links: Record<string, { html: string }>;
let emailHtml: string;

beforeAll(async () => {
  process.env.REPORT_THRESHOLDS = JSON.stringify(FIXTURE_THRESHOLDS);
  t = await startTestStack();
  const items = [...handMadeItems(), trackedItem()];
  for (let i = 0; i < items.length; i += 25) {
    await t.db.send(
      new BatchWriteCommand({
        RequestItems: {
          [t.stack.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );
  }
  const made = await staffClient(t).post<{ links: typeof links }>(
    'customer-service.kowloon-east',
    '/api/reports',
    {
      month: REPORT_MONTH,
    },
  );
  expect(made.status).toBe(201);
  links = made.body.links;
  emailHtml = (await outbox(t)).find((mail) => mail.subject.startsWith('投訴分析報告'))?.body.html ?? '';
  browser = await launchBrowser();
});
afterAll(async () => {
  delete process.env.REPORT_THRESHOLDS;
  await browser?.close();
  await t?.stop();
});

async function open(url: string, width = 1000): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 1200 } });
  const errors = failOnPageErrors(page);
  await page.goto(url);
  return { page, errors };
}

describe('the stored report in a browser', () => {
  it('shows every section with its charts, in Traditional Chinese, with nothing cut off', async () => {
    const { page, errors } = await open(links['zh-Hant']?.html ?? '');
    expect(await page.title()).toBe('投訴分析報告 · 2026年11月');
    expect(await page.locator('h2').allTextContents()).toEqual([
      '摘要',
      '各區概覽',
      '投訴數量及趨勢',
      '處理時效',
      '升級處理',
      '重開及逾期未結投訴',
      '暫停計時',
      '業主滿意度',
      '重複投訴業主及重複發生地點',
      '整改計劃',
      '附註',
    ]);
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBeGreaterThanOrEqual(12);
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(box?.height).toBeGreaterThan(20);
    }
    // The summary's first figure is the month's complaints.
    await expect.poll(() => page.locator('.kpi-value').first().textContent()).toBe('8');
    // Nothing wider than the page, even on a narrow screen.
    await page.setViewportSize({ width: 700, height: 1000 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(700);
    await page.setViewportSize({ width: 1000, height: 1200 });
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'report-zh-Hant.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('prints to A4 pages', async () => {
    const { page } = await open(links.en?.html ?? '');
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(join(SCREENSHOTS, 'report-en.pdf'), pdf);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThan(2);
    expect(pages).toBeLessThan(20);
  });

  it('reads in an email client without SVG: bars are table cells', async () => {
    expect(emailHtml).not.toContain('<svg');
    writeFileSync(join(SCREENSHOTS, 'report-email-zh-Hant.html'), emailHtml);
    const page = await browser.newPage({ viewport: { width: 700, height: 1200 } });
    await page.setContent(emailHtml);
    expect(await page.locator('table.bars').count()).toBeGreaterThanOrEqual(12);
    expect(await page.locator('td[bgcolor]').count()).toBeGreaterThan(20);
    expect(await page.locator('a', { hasText: '在系統中查看報告及整改項目' }).getAttribute('href')).toMatch(
      /\/reports\/\d{8}T\d{9}Z-2026-11$/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'report-email-zh-Hant.png'), fullPage: true });
  });
});

describe('the reports in the web app', () => {
  it('lists the reports, shows one with its figures and files, for customer service', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors = failOnPageErrors(page);
    await signInAs(page, t.stack.urls.web, 'customer-service.kowloon-east', '/reports');
    const row = page.getByTestId('reports').locator('tbody tr').first();
    await expect.poll(() => row.locator('td').first().textContent()).toBe('2026-11');
    await screenshot(page, 'report-web-list');
    await row.getByRole('link', { name: '2026-11' }).click();
    const kpis = page.getByTestId('report-kpis');
    await expect.poll(() => kpis.locator('dd').first().textContent()).toBe('8');
    expect(await page.getByTestId('open-report').getAttribute('href')).toMatch(
      /report\.zh-Hant\.html\?X-Amz/,
    );
    expect(await page.getByTestId('report-csv').getAttribute('href')).toMatch(/complaints\.zh-Hant\.csv\?/);
    await screenshot(page, 'report-web-detail');
    expect(errors).toEqual([]);
  });

  it('lets customer service approve a drafted rectification item, with its measures', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors = failOnPageErrors(page);
    await signInAs(page, t.stack.urls.web, 'customer-service.kowloon-east', '/rectifications');
    const card = page.getByTestId('rectification-item').filter({ hasText: '海濱花園第三座 · 滲水漏水' });
    await expect.poll(() => card.count()).toBe(1);
    await card.getByLabel('狀態').selectOption('approved');
    await card.getByRole('button', { name: '儲存' }).click();
    await expect.poll(() => card.getByRole('alert').first().textContent()).toBe('批准前請填寫整改措施。');
    await card.getByLabel('整改措施').fill('更換第三座B室喉管，每月檢查一次');
    await card.getByRole('button', { name: '儲存' }).click();
    await expect.poll(() => card.locator('.badge').first().textContent()).toBe('已批准');
    await screenshot(page, 'report-web-rectification');
    expect(errors).toEqual([]);
  });

  it("shows an area's supervisor their area's items, read only", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await signInAs(page, t.stack.urls.web, 'supervisor.hk-island', '/rectifications');
    const cards = page.getByTestId('rectification-item');
    await expect.poll(() => cards.count()).toBe(1);
    expect(await cards.first().getAttribute('data-item')).toBe('Rfixture-hki-repairs');
    expect(await cards.first().locator('form').count()).toBe(0);
    expect(await page.getByRole('link', { name: '分析報告' }).count()).toBe(0);
  });
});
