import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';
import { big5OutlookComplaint } from '../intake/messages.ts';

/**
 * The estate register in reception's hands, in Chromium against the whole local stack: New
 * complaint picks estate → building → unit by type-ahead and fills the owner's contacts from the
 * register; the complaint page flags an emailed complaint whose sender the register does not
 * know, offers the unit its text names, and sets it with one click. Screenshots go to
 * test-artifacts/screenshots/.
 */
const e2e = browserStackPerFile();
let t: TestStack;
let base: string;
let api: BrowserStack['api'];
let page: Page;
let pages: BrowserPages;

interface Record {
  ref: string;
  version: number;
  building?: string;
  unit?: string;
  owner: { name: string; phone?: string; email?: string; language: string };
  registerUnit?: { id: string };
  unitUnknown?: boolean;
}

beforeAll(async () => {
  ({ t, base, api, pages } = e2e);
  const supervisor = 'supervisor.kowloon-east';
  expect(
    (
      await api.post(supervisor, '/api/directory/estates', {
        id: 'laguna-city',
        area: 'kowloon-east',
        name: { zhHant: '麗港城', en: 'Laguna City' },
      })
    ).status,
  ).toBe(201);
  for (const name of [
    { zhHant: '第五座', en: 'Block 5' },
    { zhHant: '第三座', en: 'Block 3' },
  ]) {
    expect(
      (await api.post(supervisor, '/api/directory/estates/laguna-city/buildings', { name })).status,
    ).toBe(201);
  }
  for (const [building, floor, flat, owner] of [
    [
      '5',
      '18',
      'A',
      { name: '陳大文', phones: ['9123 4567'], emails: ['chan.tm@example.com'], language: 'en' },
    ],
    ['5', '18', 'B', { name: '黃美玲', phones: ['9222 3333'], language: 'zh-Hant' }],
    ['3', '12', 'B', { name: '李志強', phones: ['6333 4444'], language: 'zh-Hans' }],
  ] as const) {
    const answer = await api.post('reception.kowloon-east', '/api/directory/units', {
      estate: 'laguna-city',
      building,
      floor,
      flat,
      residents: [{ role: 'owner', ...owner }],
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  }
});

describe('picking a unit of the register', () => {
  it('lets reception pick estate, building and unit in New complaint, filling the owner from the register', async () => {
    page = await pages.fresh();
    await signInAs(page, base, 'reception.kowloon-east', '/complaints/new');
    await page.getByRole('heading', { name: '登記投訴' }).waitFor();
    const picker = page.getByTestId('unit-picker');
    await picker.getByLabel('屋苑').selectOption({ label: '麗港城' });
    await picker.getByLabel('座數').selectOption({ label: '第五座' });
    // Type-ahead: the building's units narrow to what is typed.
    await picker.getByLabel('搜尋登記冊').fill('18樓A');
    const option = picker.getByRole('button', { name: /麗港城 第五座 18樓A室/ });
    await option.waitFor();
    expect(await picker.getByRole('button', { name: /18樓B室/ }).count()).toBe(0);
    expect(await option.textContent()).toContain('陳大文');
    await screenshot(page, 'routing-01-unit-type-ahead');
    await option.click();

    await expect.poll(() => page.getByTestId('unit-picked').textContent()).toContain('麗港城 第五座 18樓A室');
    expect(await page.getByLabel('業主姓名').inputValue()).toBe('陳大文');
    expect(await page.locator('#f-owner-phone').inputValue()).toBe('9123 4567');
    expect(await page.getByLabel('電郵').inputValue()).toBe('chan.tm@example.com');
    expect(await page.getByLabel('業主語言').inputValue()).toBe('en');
    expect(await page.getByLabel('大廈').inputValue()).toBe('麗港城 第五座');
    await page.getByLabel('投訴內容（重點）').fill('大堂對講機失靈，訪客無法按鐘。');
    await screenshot(page, 'routing-02-unit-picked');
    await page.getByRole('button', { name: '提交投訴' }).click();
    const created = await page.getByTestId('created-ref').textContent();
    const ref = /[A-Z]+-\d{4}-\d{4}/.exec(created ?? '')?.[0] ?? '';
    expect(ref).toMatch(/^KE-/);

    const record = (await api.get<Record>('reception.kowloon-east', `/api/complaints/${ref}`)).body;
    expect(record.registerUnit?.id).toBe('laguna-city.5.18-A');
    expect(record.owner).toMatchObject({ name: '陳大文', phone: '9123 4567', language: 'en' });
    // The complaint page names the unit in the register.
    await page.getByRole('link', { name: '查看投訴' }).click();
    await page.getByRole('heading', { name: `投訴 ${ref}` }).waitFor();
    expect(await page.locator('dl.record').textContent()).toContain('麗港城 第五座 18樓A室');
  });

  it('flags an emailed complaint of an unknown sender and sets the unit its text names with one click', async () => {
    const waiting = t.recordTasks();
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.stack.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await transport.sendMail({
      envelope: { from: 'stranger@example.net', to: ['complaints@estate.example'] },
      raw: big5OutlookComplaint({
        from: 'stranger@example.net',
        name: '何太',
        subject: '走廊漏水',
        body: '我住麗港城第三座12樓B室，門外走廊天花漏水。',
      }),
    });
    await t.stack.mailIdle();
    const list = await api.get<{ items: { ref: string; ownerName: string }[] }>(
      'reception.kowloon-east',
      '/api/complaints',
    );
    const ref = list.body.items.find((i) => i.ownerName === '何太')?.ref ?? '';
    expect(ref).toMatch(/^KE-/);
    await waiting(ref);

    page = await pages.fresh();
    await signInAs(page, base, 'reception.kowloon-east', `/complaints/${ref}`);
    await page.getByRole('heading', { name: `投訴 ${ref}` }).waitFor();
    const card = page.getByTestId('unit-suggestions');
    expect(await card.getByTestId('unit-unknown').textContent()).toContain('單位不明');
    expect(await card.textContent()).toContain('內容寫有「第三座12樓B室」');
    await screenshot(page, 'routing-03-unit-unknown');
    await card.getByRole('button', { name: '選擇 第三座 12樓B室' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('已設定登記冊單位。');
    await expect.poll(() => page.getByTestId('unit-suggestions').count()).toBe(0);
    expect(await page.locator('dl.record').textContent()).toContain('麗港城 第三座 12樓B室');

    const record = (await api.get<Record>('reception.kowloon-east', `/api/complaints/${ref}`)).body;
    expect(record.registerUnit?.id).toBe('laguna-city.3.12-B');
    expect(record.unitUnknown).toBeUndefined();
    await screenshot(page, 'routing-04-unit-set');
  });
});
