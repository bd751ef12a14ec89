import { SendTaskFailureCommand } from '@aws-sdk/client-sfn';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signInAs, staffName } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';

/**
 * Customer service resolving a workflow error in Chromium, by keyboard: the task shows the step
 * that failed and its error; closing by error needs a reason (a field message, in the page's
 * language); the closed complaint's Form 17 says it was closed by error and why.
 */
const e2e = browserStackPerFile();
let t: TestStack;
let base: string;
let api: BrowserStack['api'];
let page: Page;
beforeAll(() => {
  ({ t, base, api } = e2e);
});

const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

describe('a workflow error, as customer service resolves it', () => {
  it('shows the failed step and error, asks for a reason, and files the complaint closed by error on Form 17', async () => {
    const waitingTask = t.recordTasks();
    const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      owner: { name: '黃小姐', phone: '+852 9123 1111' },
      content: '平台花槽積水。',
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    });
    expect(created.status).toBe(201);
    const ref = created.body.ref;
    const review = await waitingTask(ref);
    expect(review.stateName).toBe('Supervisor review');
    // The supervisor's task could not be stored: the step fails, as a Lambda failing its retries does.
    const resolving = t.nextTask(executionArn(ref));
    await t.sfn.send(
      new SendTaskFailureCommand({
        taskToken: review.token,
        error: 'AccessDeniedException',
        cause: 'not authorized to perform: dynamodb:PutItem',
      }),
    );
    expect((await resolving).stateName).toBe('Resolve workflow error');

    page = await e2e.pages.fresh();
    await signInAs(page, base, 'customer-service.hk-island', `/complaints/${ref}`);
    const failure = page.getByTestId('workflow-failure');
    await failure.waitFor();
    const shown = (await failure.textContent()) ?? '';
    expect(shown).toContain('主任簽署處理意見');
    expect(shown).toContain('Supervisor review');
    expect(shown).toContain('AccessDeniedException');

    // By keyboard: choose close by error, submit without a reason.
    const decision = page.locator('form.decision');
    await decision.getByLabel('因系統錯誤結案', { exact: true }).focus();
    await page.keyboard.press('Space');
    expect(await decision.getByLabel('因系統錯誤結案', { exact: true }).isChecked()).toBe(true);
    await decision.getByRole('button', { name: '提交' }).press('Enter');
    const reasonError = decision.locator('#f-reason-error');
    await expect.poll(() => reasonError.textContent()).toBe('請填寫此欄。');
    await screenshot(page, 'workflow-error-01-reason-needed');

    const closed = t.stack.stepFunctions.whenSettled(executionArn(ref));
    await decision.locator('#f-reason').fill('權限設定錯誤，已另行處理');
    await reasonError.waitFor({ state: 'detached' });
    await decision.getByRole('button', { name: '提交' }).press('Enter');
    expect((await closed).status).toBe('SUCCEEDED');

    await page.goto(`${base}/complaints/${ref}/form17`);
    const form = page.getByTestId('form17');
    await form.waitFor();
    expect(await page.getByTestId('closed-by-error').textContent()).toBe(
      '因系統錯誤結案（已存檔）：權限設定錯誤，已另行處理',
    );
    const record = (await form.textContent()) ?? '';
    expect(record).toContain('系統錯誤');
    expect(record).toContain(staffName('customer-service.hk-island'));
    await screenshot(page, 'workflow-error-02-form17');
  }, 180_000);
});
