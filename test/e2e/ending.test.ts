import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';

/**
 * *Withdraw or refer* on the staff complaint page, in Chromium against the whole local stack:
 * reception records the owner's withdrawal from a call, in Chinese and by the keyboard, and the
 * complaint goes to filing with its ending on the record and Form 17; the supervisor, in
 * English, refers another one to the Water Supplies Department; the department sees no form.
 * Screenshots go to test-artifacts/screenshots/.
 */
const e2e = browserStackPerFile();
let t: TestStack;
let base: string;
let api: BrowserStack['api'];
let pages: BrowserPages;
let page: Page;
beforeAll(() => {
  ({ t, base, api, pages } = e2e);
});

async function logComplaint(): Promise<string> {
  const waiting = t.recordTasks();
  const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
    channel: 'phone',
    area: 'kowloon-east',
    owner: { name: '何先生', phone: '+852 9555 1234', email: 'ho.sinsaang@example.com' },
    content: '樓上單位滲水到浴室天花板。',
    checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await waiting(created.body.ref)).stateName).toBe('Supervisor review');
  return created.body.ref;
}

const ended = async (ref: string) =>
  (
    await api.get<{ outcome?: string; currentStep: string }>(
      'supervisor.kowloon-east',
      `/api/complaints/${ref}`,
    )
  ).body;

describe('withdraw or refer', () => {
  it('lets reception record a withdrawal from a call, in Chinese, with field messages and a confirmation', async () => {
    const ref = await logComplaint();
    page = await pages.fresh();
    await signInAs(page, base, 'reception.kowloon-east', `/complaints/${ref}`);
    await page.getByRole('heading', { name: `投訴 ${ref}` }).waitFor();
    await page.getByRole('heading', { name: '撤回或轉介' }).click();
    const form = page.getByTestId('end-complaint');
    await form.waitFor();
    // Reception records withdrawals only: no choice of referral is offered.
    expect(await form.getByRole('radio').count()).toBe(0);
    expect(await form.textContent()).toContain('業主撤回投訴');

    // Nothing filled in: each field says what is missing, and nothing ends.
    await form.getByRole('button', { name: '結束投訴並存檔' }).click();
    await expect.poll(() => page.locator('#f-ending-how-error').textContent()).toBe('請選擇一項。');
    expect(await page.locator('#f-ending-reason-error').textContent()).toBe('請填寫此欄。');
    expect(await page.locator('#f-ending-confirmed-error').textContent()).toBe('請填寫此欄。');
    expect(await form.textContent()).not.toMatch(/ending\.|error\.|withdrawnBy\./);
    await screenshot(page, 'ending-01-empty-zh-Hant');
    expect((await ended(ref)).outcome).toBeUndefined();

    // Filled in by the keyboard; each message goes as its field is fixed.
    await form.getByLabel('業主如何通知').selectOption('phone');
    await expect.poll(() => page.locator('#f-ending-how-error').count()).toBe(0);
    await form.getByLabel('業主所說（撤回原因）').fill('樓上已自行維修，業主說不用跟進。');
    await form.getByLabel('我確認業主已要求撤回／此事應轉介他方，投訴會結案存檔').focus();
    await page.keyboard.press('Space');
    await screenshot(page, 'ending-02-filled-zh-Hant');
    const filing = t.nextTask();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('已記錄');
    expect((await filing).stateName).toBe('File record');
    await expect.poll(async () => (await ended(ref)).outcome).toBe('withdrawn');
    // The record says how it ended, and the form is gone.
    await expect.poll(() => page.getByTestId('ending').textContent()).toContain('業主撤回（電話）');
    await expect.poll(() => page.getByTestId('end-complaint').count()).toBe(0);
    // The page catches up with the workflow: the clerk's filing is the step now.
    await expect.poll(() => page.locator('dl.record').textContent()).toContain('文員存檔');
    await screenshot(page, 'ending-03-withdrawn-zh-Hant');

    // Form 17 prints it.
    await page.goto(`${base}/complaints/${ref}/form17`);
    await expect.poll(() => page.getByTestId('form17-ending').textContent()).toContain('樓上已自行維修');
    await screenshot(page, 'ending-04-form17-zh-Hant');
  });

  it('lets the supervisor refer one in English; the department is offered nothing', async () => {
    const ref = await logComplaint();
    page = await pages.fresh();
    await signInAs(page, base, 'supervisor.kowloon-east', `/complaints/${ref}`);
    await page.getByLabel('語言').selectOption('en');
    await page.getByRole('heading', { name: `Complaint ${ref}` }).waitFor();
    await page.getByRole('heading', { name: 'Withdraw or refer' }).click();
    const form = page.getByTestId('end-complaint');
    await form.getByLabel('Referred elsewhere (not the company’s to handle)').check();
    await form.getByRole('button', { name: 'End the complaint and file it' }).click();
    await expect.poll(() => page.locator('#f-ending-to-error').textContent()).toBe('Fill this in.');
    await form.getByLabel('Referred to').fill('Water Supplies Department');
    await form
      .getByLabel('Why it is not the company’s to handle')
      .fill('The leak is in a government water main.');
    await form.getByLabel(/I confirm/).check();
    await form.getByRole('button', { name: 'End the complaint and file it' }).click();
    await expect.poll(async () => (await ended(ref)).outcome).toBe('referred');
    await expect
      .poll(() => page.getByTestId('ending').textContent())
      .toContain('Referred to Water Supplies Department');
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('Referral recorded');
    await screenshot(page, 'ending-05-referred-en');

    const other = await logComplaint();
    page = await pages.fresh();
    await signInAs(page, base, 'engineering.kowloon-east', `/complaints/${other}`);
    await page.getByRole('heading', { name: `投訴 ${other}` }).waitFor();
    expect(await page.getByRole('heading', { name: '撤回或轉介' }).count()).toBe(0);
  });
});
