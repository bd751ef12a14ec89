import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPages, screenshot, signInAs, staffName } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';

/**
 * *Move to another area* on the staff complaint page, in Chromium against the whole local stack:
 * a complaint logged in the wrong area is moved, in Chinese and with the keyboard, by that area's
 * supervisor, and turns up in the other area's *My tasks* with the move on its timeline.
 * Screenshots go to test-artifacts/screenshots/.
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

/** A new browser context (a new person at a new PC), after checking the last page had no errors. */
async function freshPage(): Promise<Page> {
  page = await pages.fresh();
  return page;
}

const REASON = '業主住在港島區的海怡半島，應由港島管理處跟進。';

describe('moving a complaint to another area', () => {
  it('lets the supervisor move it with a reason in Chinese, and the other area’s supervisor finds it in My tasks with the move on its timeline', async () => {
    const waitingTask = t.recordTasks();
    const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      owner: { name: '黃小姐', phone: '+852 9876 5432' },
      content: '大廈外牆剝落，擔心石屎跌落傷人。',
      // Apologised on the phone: no acknowledgement call, straight to the supervisor.
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ref = created.body.ref;
    expect((await waitingTask(ref)).stateName).toBe('Supervisor review');

    // Kowloon East's supervisor opens the complaint and the (folded) move form.
    await freshPage();
    await signInAs(page, base, 'supervisor.kowloon-east', `/complaints/${ref}`);
    await page.getByRole('heading', { name: `投訴 ${ref}` }).waitFor();
    const form = page.getByTestId('move-area');
    expect(await form.isVisible()).toBe(false);
    await page.getByRole('heading', { name: '轉交其他區域' }).click();
    await form.waitFor();
    expect(await form.getByLabel('轉交至').locator('option').allTextContents()).toEqual(['港島']);

    // No reason: answered at the field, in Chinese, and nothing moves.
    await form.getByRole('button', { name: '轉交' }).click();
    await expect.poll(() => page.locator('#f-reason-error').textContent()).toBe('請填寫此欄。');
    expect(await form.getByLabel('原因').getAttribute('aria-invalid')).toBe('true');
    expect(await form.textContent()).not.toMatch(/moveArea\.|error\.|Error|at \w+ \(/);
    await screenshot(page, 'area-01-move-no-reason');
    expect(
      (await api.get<{ area: string }>('supervisor.kowloon-east', `/api/complaints/${ref}`)).body.area,
    ).toBe('kowloon-east');

    // Choose the area and type the reason, then submit from the keyboard.
    await form.getByLabel('轉交至').focus();
    await page.keyboard.press('Home');
    expect(await form.getByLabel('轉交至').inputValue()).toBe('hk-island');
    await form.getByLabel('原因').fill(REASON);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('轉交');
    await screenshot(page, 'area-02-move-filled');
    await page.keyboard.press('Enter');

    // Kowloon East no longer sees the complaint: the page says where it went (not a stack trace,
    // not a silent jump), and My tasks no longer lists it.
    const done = page.getByRole('status');
    await done.waitFor();
    expect(await done.textContent()).toBe('已轉交港島。此投訴已不屬於您的地區，您不能再開啟它。');
    expect(await page.getByTestId('move-area').count()).toBe(0);
    expect(await page.getByText('黃小姐').count()).toBe(0);
    await screenshot(page, 'area-03-moved-away');
    await page.getByRole('main').getByRole('link', { name: '我的工作' }).click();
    await page.waitForURL((url) => url.pathname === '/tasks');
    await page.locator('[data-testid="tasks"], [data-testid="no-tasks"]').waitFor();
    expect(await page.locator(`tr[data-ref="${ref}"]`).count()).toBe(0);
    await screenshot(page, 'area-04-tasks-kowloon-east');
    expect((await api.get('supervisor.kowloon-east', `/api/complaints/${ref}`)).status).toBe(403);

    // Hong Kong Island's supervisor: My tasks has it, and its timeline shows the move and why.
    await freshPage();
    await signInAs(page, base, 'supervisor.hk-island');
    const row = page.locator(`tr[data-ref="${ref}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('主任簽署處理意見');
    expect(await row.textContent()).toContain('港島');
    await screenshot(page, 'area-05-my-tasks-hk-island');
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: `投訴 ${ref}` }).waitFor();
    expect(await page.getByText('黃小姐').first().isVisible()).toBe(true);
    const moved = page.getByTestId('timeline').locator('li', { hasText: '轉交其他區域' });
    expect(await moved.count()).toBe(1);
    const line = await moved.textContent();
    expect(line).toContain(staffName('supervisor.kowloon-east'));
    expect(line).toContain('九龍東 → 港島');
    expect(line).toContain(REASON);
    // And the task here is theirs to act on: the supervisor's form, not "waiting on".
    await page.getByLabel('處理意見').waitFor();
    await screenshot(page, 'area-06-complaint-hk-island');
  }, 180_000);
});
