import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPages, screenshot, signInAs, staffName } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';

/**
 * *Edit record* and *Add internal note* on the complaint page, in Chromium against the whole
 * local stack: reception corrects the owner's phone with a reason and adds a note, in Chinese,
 * and sees both on the timeline and the correction on Form 17; the supervisor, in English, finds
 * the record changed under them said plainly (409), reloads, corrects the unit, and reads it all
 * in English. Screenshots go to test-artifacts/screenshots/.
 */
const e2e = browserStackPerFile();
let t: TestStack;
let base: string;
let api: BrowserStack['api'];
let page: Page;
let pages: BrowserPages;
beforeAll(() => {
  ({ t, base, api, pages } = e2e);
});

const OLD_PHONE = '+852 9123 4567';
const NEW_PHONE = '+852 6123 4567';
const REASON = '業主來電更正：電話號碼登記時記錯一位數字。';
const NOTE = '已致電業主新號碼，約定星期二上午十時上門檢查浴室天花。';

describe('correcting a record and adding a note', () => {
  it('lets reception correct the phone with a reason and add a note, shown on the timeline and Form 17, in Chinese and English', async () => {
    const waitingTask = t.recordTasks();
    const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      building: '海濱花園第三座',
      owner: { name: '陳大文', phone: OLD_PHONE },
      content: '浴室天花板漏水，已經一個星期。',
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ref = created.body.ref;
    expect((await waitingTask(ref)).stateName).toBe('Supervisor review');

    // Reception, in 繁體中文: the form is folded, and shows the record's values when opened.
    page = await pages.fresh();
    await signInAs(page, base, 'reception.kowloon-east', `/complaints/${ref}`);
    await page.getByRole('heading', { name: `投訴 ${ref}` }).waitFor();
    const form = page.getByTestId('edit-record');
    expect(await form.isVisible()).toBe(false);
    await page.getByRole('heading', { name: '修改記錄' }).click();
    await form.waitFor();
    const phone = form.getByLabel('業主電話');
    expect(await phone.inputValue()).toBe(OLD_PHONE);
    expect(await form.getByLabel('業主姓名').inputValue()).toBe('陳大文');
    expect(await form.getByLabel('大廈').inputValue()).toBe('海濱花園第三座');

    // Nothing changed yet: said, and nothing is sent.
    await form.getByRole('button', { name: '儲存修改' }).click();
    await expect.poll(() => form.getByRole('alert').first().textContent()).toContain('沒有任何更改');

    // A phone that is no phone and no reason: each problem at its field, in Chinese.
    await phone.fill('12');
    await form.getByRole('button', { name: '儲存修改' }).click();
    await expect
      .poll(() => page.locator('#f-changes-ownerPhone-error').textContent())
      .toBe('請輸入 7 至 20 位數字的電話號碼，例如 +852 2345 6789。');
    expect(await page.locator('#f-correction-reason-error').textContent()).toBe('請填寫此欄。');
    expect(await phone.getAttribute('aria-invalid')).toBe('true');
    expect(await form.textContent()).not.toMatch(/correct\.|error\.|changes\./);
    await screenshot(page, 'corrections-01-field-errors');
    expect(
      (await api.get<{ version: number }>('reception.kowloon-east', `/api/complaints/${ref}`)).body.version,
    ).toBe(0);

    // Fixing the field clears its problem as it is typed.
    await phone.fill(NEW_PHONE);
    expect(await page.locator('#f-changes-ownerPhone-error').count()).toBe(0);
    await form.getByLabel('修改原因').fill(REASON);
    await form.getByRole('button', { name: '儲存修改' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('記錄已更正，更改已記在時間線上。');

    // The record shows the new phone; the timeline the change, who made it and why.
    const record = page.locator('dl.record');
    await expect.poll(() => record.textContent()).toContain(NEW_PHONE);
    const corrected = page.getByTestId('timeline').locator('li', { hasText: '更正記錄' });
    expect(await corrected.count()).toBe(1);
    const line = await corrected.textContent();
    expect(line).toContain(`業主電話：${OLD_PHONE} → ${NEW_PHONE}`);
    expect(line).toContain(REASON);
    expect(line).toContain(`${staffName('reception.kowloon-east')}（接待人員）`);

    // An internal note: on the timeline with its author and time.
    const noteForm = page.getByTestId('add-note');
    expect(await noteForm.textContent()).toContain('不會發給業主');
    await noteForm.getByRole('button', { name: '加入備註' }).click();
    await expect.poll(() => page.locator('#f-note-text-error').textContent()).toBe('請填寫此欄。');
    await noteForm.getByLabel('備註').fill(NOTE);
    await noteForm.getByRole('button', { name: '加入備註' }).click();
    const noted = page.getByTestId('timeline').locator('li', { hasText: '內部備註' });
    await noted.waitFor();
    expect(await noted.textContent()).toContain(NOTE);
    expect(await noted.textContent()).toContain(`${staffName('reception.kowloon-east')}（接待人員）`);
    expect(await noted.locator('.sub').first().textContent()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect(await noteForm.getByLabel('備註').inputValue()).toBe('');
    await screenshot(page, 'corrections-02-timeline-zh-Hant');

    // Form 17: the corrections section, with the old and new value, by whom and why.
    await page.getByRole('link', { name: '投訴處理記錄表（列印）' }).click();
    const table = page.getByTestId('form17-corrections');
    await table.waitFor();
    const row = await table.locator('tbody tr').first().textContent();
    expect(row).toContain('業主電話');
    expect(row).toContain(`${OLD_PHONE} → ${NEW_PHONE}`);
    expect(row).toContain(REASON);
    expect(row).toContain(staffName('reception.kowloon-east'));
    // The note is staff's own: it is on the timeline, not on the form the office files.
    expect(await page.getByTestId('form17').textContent()).not.toContain(NOTE);
    await screenshot(page, 'corrections-03-form17-zh-Hant');

    // The supervisor, in English, opens the form; meanwhile someone else corrects the record.
    page = await pages.fresh('en-US');
    await signInAs(page, base, 'supervisor.kowloon-east', `/complaints/${ref}`);
    await page.getByLabel('語言').selectOption('en');
    await page.getByRole('heading', { name: 'Edit record' }).click();
    const english = page.getByTestId('edit-record');
    await english.waitFor();
    expect(await english.getByLabel('Owner’s phone').inputValue()).toBe(NEW_PHONE);
    const meanwhile = await api.post('followup.kowloon-east', `/api/complaints/${ref}/corrections`, {
      version: 1,
      reason: '業主提供太太的電話',
      changes: { secondContactName: '陳太', secondContactPhone: '+852 6987 6543' },
    });
    expect(meanwhile.status).toBe(200);
    await english.getByLabel('Unit').fill('12/F Flat B');
    await english.getByLabel('Reason for the change').fill('The owner wrote the unit in their email');
    await english.getByRole('button', { name: 'Save changes' }).click();
    const conflict = page.getByTestId('edit-record-conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('Someone else changed this record after you opened it');
    await screenshot(page, 'corrections-04-conflict-en');
    expect(
      (await api.get<{ unit?: string }>('supervisor.kowloon-east', `/api/complaints/${ref}`)).body.unit,
    ).toBeUndefined();

    // Reload: the other change is there, and the correction goes through on the new version.
    await conflict.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => page.locator('dl.record').textContent()).toContain('陳太');
    await page.getByRole('heading', { name: 'Edit record' }).click();
    const reloaded = page.getByTestId('edit-record');
    await reloaded.waitFor();
    expect(await reloaded.getByLabel('Second contact’s name').inputValue()).toBe('陳太');
    await reloaded.getByLabel('Unit').fill('12/F Flat B');
    await reloaded.getByLabel('Reason for the change').fill('The owner wrote the unit in their email');
    await reloaded.getByRole('button', { name: 'Save changes' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('Record corrected; the changes are on the timeline.');

    // The timeline in English: every correction and the note.
    const timeline = page.getByTestId('timeline');
    await expect.poll(() => timeline.locator('li', { hasText: 'Record corrected' }).count()).toBe(4);
    const text = await timeline.textContent();
    expect(text).toContain(`Owner’s phone: ${OLD_PHONE} → ${NEW_PHONE}`);
    expect(text).toContain('Second contact’s name: (blank) → 陳太');
    expect(text).toContain('Unit: (blank) → 12/F Flat B');
    expect(await timeline.locator('li', { hasText: 'Internal note' }).textContent()).toContain(NOTE);
    await screenshot(page, 'corrections-05-timeline-en');

    // Form 17 in English: the corrections section lists all four.
    await page.getByRole('link', { name: /Form 17/ }).click();
    const englishTable = page.getByTestId('form17-corrections');
    await englishTable.waitFor();
    expect(await englishTable.locator('thead').textContent()).toContain('Change (was → now)');
    const rows = await englishTable.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(4);
    expect(rows.at(-1)).toContain('Unit');
    expect(rows.at(-1)).toContain('(blank) → 12/F Flat B');
    expect(rows.at(-1)).toContain('The owner wrote the unit in their email');
    await screenshot(page, 'corrections-06-form17-en');
  }, 240_000);
});
