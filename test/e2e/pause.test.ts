import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';

/**
 * *Pause the clock* on the complaint page, in Chromium against the whole local stack: the
 * engineering department pauses its commitment for the owner's access, in Chinese, with the
 * date typed as dd/mm/yyyy HH:mm; the task then shows why and until when instead of its form;
 * in English, *Resume now* gives the form back. Screenshots go to test-artifacts/screenshots/.
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

const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

/** dd/mm/yyyy HH:mm in Hong Kong time, as staff type it. */
function typed(at: Date): string {
  const hk = new Date(at.getTime() + 8 * 3600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(hk.getUTCDate())}/${two(hk.getUTCMonth() + 1)}/${hk.getUTCFullYear()} ${two(hk.getUTCHours())}:${two(hk.getUTCMinutes())}`;
}

describe('pausing the clock', () => {
  it('lets the department pause its commitment in Chinese and resume it in English', async () => {
    const first = t.recordTasks();
    const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      owner: { name: '馮太', phone: '+852 9333 1234', email: 'fung.tai@example.com' },
      content: '浴室去水位淤塞，需要入屋通渠。',
      category: 'repairs',
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ref = created.body.ref;
    await first(ref);
    const review = (
      await api.get<{ items: { id: string; ref: string }[] }>('supervisor.kowloon-east', '/api/tasks')
    ).body.items.find((i) => i.ref === ref);
    const commitment = t.nextTask(executionArn(ref));
    await api.post('supervisor.kowloon-east', `/api/tasks/${encodeURIComponent(review?.id ?? '')}/complete`, {
      action: 'sign',
      opinion: '工程部入屋通渠',
      category: 'repairs',
      department: 'engineering',
    });
    expect((await commitment).stateName).toBe('Department commitment');

    page = await pages.fresh();
    await signInAs(page, base, 'engineering.kowloon-east', `/complaints/${ref}`);
    await page.getByRole('heading', { name: `投訴 ${ref}` }).waitFor();
    await page.getByText('暫停計時（等候他方）').click();
    const form = page.getByTestId('pause-form');
    await form.getByRole('button', { name: '暫停計時' }).click();
    await expect.poll(() => page.locator('#f-pause-reason-error').textContent()).toBe('請選擇一項。');
    expect(await page.locator('#f-pause-note-error').textContent()).toContain('請寫明等候甚麼');
    expect(await form.textContent()).not.toMatch(/pause\.|pauseReason\.|error\./);
    await screenshot(page, 'pause-01-errors-zh-Hant');

    await form.getByLabel('暫停原因').selectOption('owner-access');
    await form.getByLabel('恢復日期及時間').fill(typed(new Date(Date.now() + 2 * 86_400_000)));
    await form.getByLabel('備註').fill('業主下星期三才回港，屆時安排入屋。');
    const paused = t.nextTask(executionArn(ref));
    await form.getByRole('button', { name: '暫停計時' }).click();
    expect((await paused).stateName).toBe('Paused');
    const note = page.getByTestId('paused');
    await expect.poll(() => note.textContent(), { timeout: 15_000 }).toContain('等候業主安排入屋');
    expect(await note.textContent()).toContain('業主下星期三才回港');
    // No decision to record while the clock stands still.
    expect(await page.locator('form.decision').count()).toBe(0);
    await screenshot(page, 'pause-02-paused-zh-Hant');

    await page.getByLabel('語言').selectOption('en');
    await expect
      .poll(() => page.getByTestId('paused').textContent())
      .toContain('Waiting for access to the flat');
    const reopened = t.nextTask(executionArn(ref));
    await page.getByRole('button', { name: 'Resume now' }).click();
    expect((await reopened).stateName).toBe('Department commitment');
    await expect.poll(() => page.locator('form.decision').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('Clock resumed');
    await screenshot(page, 'pause-03-resumed-en');
  });
});
