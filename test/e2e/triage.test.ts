import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openComplaint } from '#services/open-complaint.ts';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';

/**
 * The category and department suggestion on the supervisor's review (issue 19 §3) in Chromium
 * against the whole local stack: a complaint about a leak, with no category yet, opens its
 * review with *Suggested*: water leakage to engineering with the model's confidence (繁體, then
 * English); nothing is filled in until *Use suggestion* is pressed, which fills both fields;
 * signing records the suggestion accepted. Screenshots go to test-artifacts/screenshots/.
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

describe('the suggestion on the supervisor’s review', () => {
  it('shows the suggested category and department with its confidence, fills them only on Use suggestion, and records them accepted', async () => {
    const waitingTask = t.recordTasks();
    const { ref } = await openComplaint(
      { table: t.stack.tableName, stateMachineArn: t.stack.stateMachineArn },
      {
        channel: 'phone',
        area: 'kowloon-east',
        owner: { name: '何志明', phone: '+852 9333 2211' },
        content: '睡房天花板滲水，牆角發霉，懷疑樓上浴室防水層壞咗。',
        checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
      },
      { by: 'reception.kowloon-east', role: 'reception', at: new Date().toISOString() },
    );
    expect((await waitingTask(ref)).stateName).toBe('Supervisor review');

    page = await pages.fresh();
    await signInAs(page, base, 'supervisor.kowloon-east', `/complaints/${ref}`);
    const card = page.getByTestId('triage-suggestion');
    await card.waitFor();
    expect(await card.getByTestId('triage-category').textContent()).toMatch(/^滲水漏水 \(把握 \d+%\)$/);
    expect(await card.getByTestId('triage-department').textContent()).toMatch(/^工程部 \(把握 \d+%\)$/);
    expect(await card.textContent()).toContain('按類別關鍵字建議');
    // Never filled in by itself.
    const form = page.locator('form.decision');
    const category = form.getByLabel('類別', { exact: true });
    const department = form.getByLabel('負責部門', { exact: true });
    expect(await category.inputValue()).toBe('');
    expect(await department.inputValue()).toBe('');
    await screenshot(page, 'triage-01-review-suggested-zh-Hant');

    await page.getByLabel('語言').selectOption('en');
    await expect
      .poll(() => card.getByTestId('triage-category').textContent())
      .toMatch(/^Water leakage \(\d+% sure\)$/);
    expect(await card.textContent()).not.toMatch(/triage\./);
    await page.getByRole('button', { name: 'Use suggestion' }).click();
    expect(await form.getByLabel('Category', { exact: true }).inputValue()).toBe('water-leak');
    expect(await form.getByLabel('Responsible department', { exact: true }).inputValue()).toBe('engineering');
    await screenshot(page, 'triage-02-review-used-en');

    await form.getByLabel('Handling opinion').fill('Engineering to inspect the flat above');
    const next = t.nextTask();
    await form.getByRole('button', { name: 'Submit' }).click();
    expect((await next).stateName).toBe('Department commitment');
    const record = await api.get<{ suggestion?: { outcome?: unknown }; category?: string }>(
      'supervisor.kowloon-east',
      `/api/complaints/${ref}`,
    );
    expect(record.body.category).toBe('water-leak');
    expect(record.body.suggestion?.outcome).toEqual({ category: 'accepted', department: 'accepted' });
  }, 180_000);
});
