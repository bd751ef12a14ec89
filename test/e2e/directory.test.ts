import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';

/**
 * The estate register's pages (issue 16 §1), in Chromium against the whole local stack:
 * reception, in 繁體中文, finds a unit by its owner's phone, adds the owner's email (a bad one
 * said at its field and gone once fixed) and sees it on the unit and in its history; the
 * supervisor, in English, does the same for the tenant, meets someone else's change (409),
 * reloads and saves; the estate page pages through a block's units; a clerk reads the unit with
 * no form to change it, and another area's reception is refused it. Screenshots go to
 * test-artifacts/screenshots/.
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
const UNIT = 'laguna-city.5.18-A';
const BLOCK_3_UNITS = 27;

interface UnitAnswer {
  version: number;
  residents: { id: string; name: string; role: string; phones: string[]; emails: string[] }[];
}

beforeAll(async () => {
  const estate = await api.post(SUPERVISOR, '/api/directory/estates', {
    id: 'laguna-city',
    area: 'kowloon-east',
    name: { zhHant: '麗港城', zhHans: '丽港城', en: 'Laguna City' },
    address: { zhHant: '觀塘茶果嶺道88號', en: '88 Cha Kwo Ling Road, Kwun Tong' },
    organisations: [
      {
        kind: 'owners-corporation',
        name: { zhHant: '麗港城業主立案法團', en: 'The Incorporated Owners of Laguna City' },
        language: 'zh-Hant',
      },
    ],
  });
  expect(estate.status, JSON.stringify(estate.body)).toBe(201);
  for (const name of [
    { zhHant: '第五座', en: 'Block 5' },
    { zhHant: '第三座', en: 'Block 3' },
  ]) {
    const building = await api.post(SUPERVISOR, '/api/directory/estates/laguna-city/buildings', { name });
    expect(building.status, JSON.stringify(building.body)).toBe(201);
  }
  const unit = await api.post(RECEPTION, '/api/directory/units', {
    estate: 'laguna-city',
    building: '5',
    floor: '18',
    flat: 'A',
    residents: [
      { name: '陳大文', role: 'owner', phones: ['9123 4567'], language: 'zh-Hant' },
      { name: 'Wong Siu Ming', role: 'tenant', phones: ['+852 2345 6789'], language: 'en' },
    ],
  });
  expect(unit.status, JSON.stringify(unit.body)).toBe(201);
  // Block 3: more units than a page holds, to page through on the estate's page.
  for (let i = 0; i < BLOCK_3_UNITS; i++) {
    const answer = await api.post(RECEPTION, '/api/directory/units', {
      estate: 'laguna-city',
      building: '3',
      floor: String(Math.floor(i / 3) + 1),
      flat: ['A', 'B', 'C'][i % 3],
      residents: [{ name: `李${i}`, role: 'owner', phones: [`6${String(2000000 + i)}`] }],
    });
    expect(answer.status).toBe(201);
  }
  const other = await api.post('supervisor.hk-island', '/api/directory/estates', {
    id: 'south-horizons',
    area: 'hk-island',
    name: { zhHant: '海怡半島', en: 'South Horizons' },
  });
  expect(other.status).toBe(201);
}, 180_000);

const unitNow = async () => (await api.get<UnitAnswer>(SUPERVISOR, `/api/directory/units/${UNIT}`)).body;

describe('the estate register in the staff app', () => {
  it('lets reception find a unit by the owner’s phone and add the owner’s email, said at the field until it is right, shown with its history (繁體中文)', async () => {
    page = await pages.fresh();
    await signInAs(page, base, RECEPTION);
    await page.getByRole('link', { name: '屋苑名冊' }).click();
    await page.getByRole('heading', { name: '屋苑名冊', level: 1 }).waitFor();
    // The estates of the area, with their buildings and owners' organisation; not another area's.
    const estates = page.getByTestId('estates-kowloon-east');
    await estates.waitFor();
    expect(await estates.getByRole('heading', { level: 3 }).textContent()).toBe('九龍東');
    const card = await estates.locator('li.estate-card').first().textContent();
    expect(card).toContain('麗港城');
    expect(card).toContain('觀塘茶果嶺道88號');
    expect(card).toContain('第三座、第五座');
    expect(card).toContain('業主立案法團');
    expect(card).toContain('麗港城業主立案法團');
    expect(await page.getByText('海怡半島').count()).toBe(0);
    await screenshot(page, 'directory-01-estates-zh-Hant');

    // The owner's phone as dialled, typed into the search box and sent with Enter.
    const search = page.getByRole('searchbox', { name: '搜尋單位' });
    await search.fill('9123 4567');
    await search.press('Enter');
    await page.waitForURL((url) => url.search === `?q=${encodeURIComponent('9123 4567')}`);
    const results = page.getByTestId('directory-results');
    const rows = results.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await results.getByRole('status').textContent()).toBe('找到 1 個單位。');
    const row = await rows.first().textContent();
    expect(row).toContain('麗港城');
    expect(row).toContain('第五座');
    expect(row).toContain('陳大文');
    expect(row).toContain('業主');
    await screenshot(page, 'directory-02-search-zh-Hant');

    // The unit's page, reached from the result by keyboard.
    await results.getByRole('link', { name: '18樓A室' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '麗港城 第五座 18樓A室' }).waitFor();
    const residents = page.getByTestId('residents');
    expect(await residents.locator('tbody tr').first().textContent()).toContain('9123 4567');
    expect(await residents.locator('tbody tr').nth(1).textContent()).toContain('租客');
    expect(await page.getByTestId('unit-read-only').count()).toBe(0);

    // The form is folded; opened, the owner's group has no email yet: one is added.
    const form = page.getByTestId('edit-residents');
    expect(await form.isVisible()).toBe(false);
    await page.getByRole('heading', { name: '修改住戶資料' }).click();
    await form.waitFor();
    const owner = form.getByRole('group', { name: '住戶 1：陳大文' });
    expect(await owner.getByLabel('姓名').inputValue()).toBe('陳大文');
    await owner.getByRole('button', { name: '加入電郵' }).click();
    const email = owner.getByLabel('電郵 1', { exact: true });
    // The new field has the focus: type at once.
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('f-residents-0-emails-0');
    await page.keyboard.type('chan.tm@');
    await form.getByRole('button', { name: '儲存修改' }).click();
    const error = page.locator('#f-residents-0-emails-0-error');
    await expect.poll(() => error.textContent()).toBe('請輸入電郵地址，例如 name@example.com。');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.error-summary').textContent()).toContain('住戶 1：電郵 1');
    expect(await form.textContent()).not.toMatch(/dir\.|error\.|residents\./);
    await screenshot(page, 'directory-03-field-error-zh-Hant');
    expect((await unitNow()).version).toBe(1);

    // Fixed as it is typed: the problem goes; saved, the unit shows the email and its history the change.
    await email.fill('Chan.TM@example.com');
    expect(await error.count()).toBe(0);
    await form.getByRole('button', { name: '儲存修改' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('已儲存，更改已記在此單位的更改記錄。');
    await expect
      .poll(() => residents.locator('tbody tr').first().textContent())
      .toContain('chan.tm@example.com');
    const history = page.getByTestId('directory-history').locator('tbody tr');
    await expect.poll(() => history.count()).toBe(2);
    const line = await history.first().textContent();
    expect(line).toContain('修改住戶');
    expect(line).toContain('住戶 1 的電郵');
    expect(line).toContain('reception.kowloon-east（接待人員）');
    expect(await history.first().locator('td').first().textContent()).toMatch(
      /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/,
    );
    expect(await history.nth(1).textContent()).toContain('登記單位');
    await screenshot(page, 'directory-04-saved-zh-Hant');
    const saved = await unitNow();
    expect(saved.version).toBe(2);
    expect(saved.residents.map((r) => [r.name, r.emails])).toEqual([
      ['陳大文', ['chan.tm@example.com']],
      ['Wong Siu Ming', []],
    ]);

    // The way to the unit's complaints: the complaints list, searched by the unit.
    await page.getByRole('link', { name: '在投訴列表搜尋此單位的投訴' }).click();
    await page.waitForURL((url) => url.pathname === '/complaints');
    expect(await page.getByLabel('搜尋').inputValue()).toBe('麗港城 第五座 18樓A室');
  });

  it('lets the supervisor, in English, add the tenant’s email, and says plainly when someone else changed the unit first', async () => {
    page = await pages.fresh('en-US');
    await signInAs(page, base, SUPERVISOR, '/directory');
    await page.getByLabel('語言').selectOption('en');
    await page.getByRole('heading', { name: 'Directory', level: 1 }).waitFor();
    // The estates come again in English (names are the server's, in the page's language).
    await expect
      .poll(() => page.getByTestId('estates-kowloon-east').textContent())
      .toContain('Block 3, Block 5');
    await page.getByRole('searchbox', { name: 'Find a unit' }).fill('+852 2345-6789');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByTestId('directory-results');
    await expect.poll(() => results.locator('tbody tr').count()).toBe(1);
    expect(await results.locator('tbody tr').first().textContent()).toContain('Wong Siu Ming');
    await results.getByRole('link', { name: 'Flat A, 18/F' }).click();
    await page.getByRole('heading', { name: 'Flat A, 18/F, Block 5, Laguna City' }).waitFor();
    expect(await page.getByTestId('residents').locator('tbody tr').nth(1).textContent()).toContain('Tenant');

    await page.getByRole('heading', { name: 'Edit residents' }).click();
    const form = page.getByTestId('edit-residents');
    const tenant = form.getByRole('group', { name: 'Resident 2: Wong Siu Ming' });
    await tenant.getByRole('button', { name: 'Add an email' }).click();
    await tenant.getByLabel('Email 1', { exact: true }).fill('wong.sm@example.com');

    // Meanwhile reception changes the owner's language: the form's version is stale.
    const before = await unitNow();
    const meanwhile = await api.call(RECEPTION, 'PATCH', `/api/directory/units/${UNIT}`, {
      version: before.version,
      residents: before.residents.map((r, i) => (i === 0 ? { ...r, language: 'en' } : r)),
    });
    expect(meanwhile.status).toBe(200);
    await form.getByRole('button', { name: 'Save changes' }).click();
    const conflict = page.getByTestId('edit-residents-conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('Someone else changed this unit after you opened it');
    await screenshot(page, 'directory-05-conflict-en');
    expect((await unitNow()).residents[1]?.emails).toEqual([]);

    // Reloaded: their change is there; the email added again goes through.
    await conflict.getByRole('button', { name: 'Reload' }).click();
    await expect
      .poll(() => page.getByTestId('residents').locator('tbody tr').first().textContent())
      .toContain('English');
    await page.getByRole('heading', { name: 'Edit residents' }).click();
    const again = page
      .getByTestId('edit-residents')
      .getByRole('group', { name: 'Resident 2: Wong Siu Ming' });
    await again.getByRole('button', { name: 'Add an email' }).click();
    await again.getByLabel('Email 1', { exact: true }).fill('wong.sm@example.com');
    await page.getByTestId('edit-residents').getByRole('button', { name: 'Save changes' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('Saved. The change is in the unit’s history.');
    await expect
      .poll(() => page.getByTestId('residents').locator('tbody tr').nth(1).textContent())
      .toContain('wong.sm@example.com');
    const history = page.getByTestId('directory-history').locator('tbody tr');
    await expect.poll(() => history.count()).toBe(4);
    const line = await history.first().textContent();
    expect(line).toContain('Residents changed');
    expect(line).toContain('resident 2: emails');
    expect(line).toContain('supervisor.kowloon-east (Supervisor)');
    expect(await history.nth(1).textContent()).toContain('resident 1: preferred language');
    expect(await history.first().locator('td').first().textContent()).toMatch(
      /^\d{2}\/\d{2}\/\d{4},? \d{2}:\d{2}$/,
    );
    expect(await page.locator('main').textContent()).not.toMatch(/dir\.|error\.|residents\./);
    await screenshot(page, 'directory-06-saved-en');
    expect((await unitNow()).residents[1]?.emails).toEqual(['wong.sm@example.com']);
  });

  it('pages through a block’s units on the estate’s page', async () => {
    page = await pages.fresh();
    await signInAs(page, base, RECEPTION, '/directory');
    await page.getByRole('link', { name: '第三座' }).click();
    await page.getByRole('heading', { name: '麗港城', level: 1 }).waitFor();
    const units = page.getByTestId('estate-units');
    const rows = units.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(25);
    expect(await rows.first().textContent()).toContain('1樓A室');
    expect(await page.locator('select[name="building"]').inputValue()).toBe('3');
    await units.getByRole('button', { name: '載入更多' }).click();
    await expect.poll(() => rows.count()).toBe(BLOCK_3_UNITS);
    expect(await rows.last().textContent()).toContain('9樓C室');
    expect(await units.getByRole('button', { name: '載入更多' }).count()).toBe(0);
    await screenshot(page, 'directory-07-estate-zh-Hant');
    // All buildings: block 5's unit too.
    await page.locator('select[name="building"]').selectOption('');
    await page.getByRole('button', { name: '顯示' }).click();
    await page.waitForURL((url) => url.pathname === '/directory/estates/laguna-city' && !url.search);
    await expect.poll(() => rows.count()).toBe(25);
    await units.getByRole('button', { name: '載入更多' }).click();
    await expect.poll(() => rows.count()).toBe(BLOCK_3_UNITS + 1);
    // In 简体中文 the same page reads in its own words, names from the register in 简体 where given.
    await page.getByLabel('語言').selectOption('zh-Hans');
    await page.getByRole('heading', { name: '丽港城', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: '小区名册', exact: true }).getAttribute('aria-current')).toBe(
      'page',
    );
    expect(await page.getByRole('heading', { name: '单位', level: 2 }).count()).toBe(1);
    expect(await page.locator('main').textContent()).not.toMatch(/dir\.|error\./);
  });

  it('shows a clerk the unit with no form to change it, and refuses it to another area', async () => {
    page = await pages.fresh();
    await signInAs(page, base, 'clerk.kowloon-east', `/directory/units/${UNIT}`);
    await page.getByRole('heading', { name: '麗港城 第五座 18樓A室' }).waitFor();
    expect(await page.getByTestId('residents').textContent()).toContain('陳大文');
    expect(await page.getByTestId('unit-read-only').textContent()).toContain('接待人員、主任及客戶服務部');
    expect(await page.getByTestId('edit-residents').count()).toBe(0);
    expect(await page.getByRole('heading', { name: '修改住戶資料' }).count()).toBe(0);
    await screenshot(page, 'directory-08-read-only-zh-Hant');

    page = await pages.fresh();
    await signInAs(page, base, 'reception.hk-island', `/directory/units/${UNIT}`);
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toBe('此屋苑屬於其他地區，由該區管理處查閱。');
    expect(await page.locator('main').textContent()).not.toContain('陳大文');
  });
});
