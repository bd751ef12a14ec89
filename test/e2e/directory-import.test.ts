import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { brokenRows, registerRows } from '../fixtures/register-file.ts';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';

/**
 * The register's import and export page (issue 16 §2) in Chromium against the local stack:
 * reception of kowloon-east uploads a workbook with 3 bad rows and sees those rows named with
 * nothing written; a good workbook and its counts; the same again, all unchanged (in English);
 * an estate's CSV export holds the imported resident. A clerk gets no import form.
 */
const e2e = browserStackPerFile();
let base: string;
let api: BrowserStack['api'];
let pages: BrowserPages;
let page: Page;
beforeAll(() => {
  ({ base, api, pages } = e2e);
});

const SUPERVISOR = 'supervisor.kowloon-east';
const RECEPTION = 'reception.kowloon-east';
const GOOD = registerRows(5, { emails: false });
/** Rows 3, 6 and 9 as a spreadsheet shows them: a role, a floor, an email. */
const BROKEN = brokenRows(GOOD, [2, 5, 8]);

const workbook = async (rows: string[][], name: string) => ({
  name,
  mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  buffer: await writeXlsxFile(rows).toBuffer(),
});

beforeAll(async () => {
  const estate = await api.post(SUPERVISOR, '/api/directory/estates', {
    id: 'amoy-gardens',
    area: 'kowloon-east',
    name: { zhHant: '淘大花園', en: 'Amoy Gardens' },
  });
  expect(estate.status, JSON.stringify(estate.body)).toBe(201);
  const building = await api.post(SUPERVISOR, '/api/directory/estates/amoy-gardens/buildings', {
    name: { zhHant: '第一座', en: 'Block 1' },
  });
  expect(building.status, JSON.stringify(building.body)).toBe(201);
}, 180_000);

describe('importing and exporting the register in the staff app', () => {
  it('names the bad rows and writes nothing, imports a good file, then finds it unchanged, and exports it', async () => {
    page = await pages.fresh();
    await signInAs(page, base, RECEPTION, '/directory');
    await page.getByRole('link', { name: '匯入或匯出名冊' }).click();
    await page.getByRole('heading', { name: '匯入及匯出名冊', level: 1 }).waitFor();
    expect(await page.getByTestId('import-columns').textContent()).toContain('resident name');

    // Nothing chosen: said at the field.
    await page.getByRole('button', { name: '上載並匯入' }).click();
    expect(await page.locator('#import-file-error').textContent()).toBe('請選擇要匯入的檔案。');

    await page.getByLabel('檔案（.csv 或 .xlsx）').setInputFiles(await workbook(BROKEN, 'broken.xlsx'));
    await page.getByRole('button', { name: '上載並匯入' }).click();
    const problems = page.getByTestId('import-problems');
    await problems.waitFor({ timeout: 60_000 });
    expect(await problems.textContent()).toContain('檔案有 3 個問題，沒有寫入任何資料。');
    const rows = problems.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.locator('td:first-child').allTextContents()).toEqual(['3', '6', '9']);
    expect(await rows.locator('td:nth-child(2)').allTextContents()).toEqual(['role', 'floor', 'emails']);
    // What to fix, in the reader's language.
    expect(await rows.locator('td:nth-child(3)').first().textContent()).toBe(
      '請寫 owner 或 tenant（業主／租客），而不是「landlord」',
    );
    await screenshot(page, 'directory-import-01-problems-zh-Hant');
    const missing = await api.get(RECEPTION, '/api/directory/units/amoy-gardens.1.1-A');
    expect(missing.status).toBe(404);

    await page.getByLabel('檔案（.csv 或 .xlsx）').setInputFiles(await workbook(GOOD, 'good.xlsx'));
    await page.getByRole('button', { name: '上載並匯入' }).click();
    const done = page.getByTestId('import-done');
    await done.waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('import-created').locator('dd').textContent()).toBe('10');
    expect(await page.getByTestId('import-unchanged').locator('dd').textContent()).toBe('0');
    expect(await page.getByTestId('import-problems').count()).toBe(0);
    await screenshot(page, 'directory-import-02-done-zh-Hant');
    const unit = await api.get<{ residents: { name: string }[] }>(
      RECEPTION,
      '/api/directory/units/amoy-gardens.1.1-A',
    );
    expect(unit.body.residents.map((r) => r.name)).toEqual(['陳1A']);

    // In English: the same file again changes nothing.
    await page.getByLabel('語言').selectOption('en');
    await page.getByRole('heading', { name: 'Import and export the register', level: 1 }).waitFor();
    await page.getByLabel('File (.csv or .xlsx)').setInputFiles(await workbook(GOOD, 'good.xlsx'));
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect
      .poll(() => page.getByTestId('import-unchanged').locator('dd').textContent(), { timeout: 60_000 })
      .toBe('10');
    expect(await page.getByTestId('import-created').locator('dd').textContent()).toBe('0');
    expect(await page.getByTestId('import-updated').locator('dd').textContent()).toBe('0');
    expect(await page.locator('main').textContent()).not.toMatch(/dir\.io/);
    await screenshot(page, 'directory-import-03-unchanged-en');

    // Export CSV: the downloaded file has the imported resident.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export Amoy Gardens (CSV)' }).click();
    const file = await (await download).path();
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('陳1A');
    expect(text).toContain('amoy-gardens');
    await screenshot(page, 'directory-import-04-exported-en');
  });

  it('shows a clerk no import form', async () => {
    page = await pages.fresh();
    await signInAs(page, base, 'clerk.kowloon-east', '/directory');
    await page.getByRole('heading', { name: '屋苑名冊', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: '匯入或匯出名冊' }).count()).toBe(0);
    await page.goto(`${base}/directory/import`);
    await page.getByTestId('import-not-allowed').waitFor();
    expect(await page.locator('input[type="file"]').count()).toBe(0);
  });
});
