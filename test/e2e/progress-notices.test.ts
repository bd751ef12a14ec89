import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';

/**
 * *Progress notices* on the complaint page, in Chromium against the whole local stack: with the
 * work in progress, the supervisor sees when the next notice goes, turns them off for this
 * complaint by keyboard (a reason is asked for at its field), reads the panel in the three
 * languages, and turns them on again. Screenshots go to test-artifacts/screenshots/.
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
const taskOf = async (username: string, ref: string) =>
  (await api.get<{ items: { id: string; ref: string }[] }>(username, '/api/tasks')).body.items.find(
    (i) => i.ref === ref,
  );
const complete = async (username: string, ref: string, body: unknown) => {
  const task = await taskOf(username, ref);
  const answer = await api.post(username, `/api/tasks/${encodeURIComponent(task?.id ?? '')}/complete`, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
};

describe('progress notices', () => {
  it('shows the next notice, and lets the supervisor turn them off with a reason and on again', async () => {
    const first = t.recordTasks();
    const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      owner: { name: '蔡先生', phone: '+852 9444 1234', email: 'choi.progress@example.com' },
      content: '升降機大堂地台瓷磚鬆脫，需要重鋪。',
      category: 'repairs',
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ref = created.body.ref;
    const arn = executionArn(ref);
    await first(ref);
    const commitment = t.nextTask(arn);
    await complete('supervisor.kowloon-east', ref, {
      action: 'sign',
      opinion: '工程部重鋪瓷磚',
      category: 'repairs',
      department: 'engineering',
    });
    await commitment;
    const plan = t.nextTask(arn);
    await complete('engineering.kowloon-east', ref, {
      plannedStart: new Date(Date.now() + 86_400_000).toISOString(),
      plannedCompletion: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    await plan;
    const work = t.nextTask(arn);
    await complete('followup.kowloon-east', ref, { action: 'accept' });
    expect((await work).stateName).toBe('Work in progress');

    page = await pages.fresh();
    await signInAs(page, base, 'supervisor.kowloon-east', `/complaints/${ref}`);
    const panel = page.getByTestId('progress-notices');
    await expect.poll(() => panel.textContent()).toContain('下次進度通知');
    expect(await panel.textContent()).toContain('已發出進度通知 0 次');
    await screenshot(page, 'progress-01-next-zh-Hant');

    // By keyboard: open the form, send it empty, then give the reason.
    await panel.getByText('停止此投訴的進度通知').focus();
    await page.keyboard.press('Enter');
    const form = page.getByTestId('progress-off-form');
    await form.getByRole('button', { name: '停止進度通知' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#f-progress-reason-error').textContent()).toBeTruthy();
    await screenshot(page, 'progress-02-reason-asked-zh-Hant');
    await form.getByLabel('停止原因').focus();
    await page.keyboard.type('業主表示完工後才需通知。');
    expect(await page.locator('#f-progress-reason-error').count()).toBe(0);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('progress-off').textContent())
      .toContain('業主表示完工後才需通知');
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('停止進度通知');
    await screenshot(page, 'progress-03-off-zh-Hant');

    await page.getByLabel('語言').selectOption('zh-Hans');
    await expect.poll(() => panel.textContent()).toContain('已停止进度通知');
    await screenshot(page, 'progress-04-off-zh-Hans');
    await page.getByLabel('语言').selectOption('en');
    await expect.poll(() => panel.textContent()).toContain('Progress notices are off');
    expect(await panel.textContent()).not.toMatch(/progress\.|error\./);

    const reopened = t.nextTask(arn);
    await panel.getByRole('button', { name: 'Turn progress notices on again' }).click();
    expect((await reopened).stateName).toBe('Work in progress');
    await expect
      .poll(() => page.getByTestId('progress-next').textContent(), { timeout: 15_000 })
      .toContain('Next progress notice');
    // The work task opens again (rescheduled to wake at the notice): the page shows it waiting.
    await expect
      .poll(() => page.getByTestId('waiting').textContent(), { timeout: 15_000 })
      .toContain('Do the work');
    await screenshot(page, 'progress-05-on-en');
  });
});
