import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';

/**
 * A long pause waits for the supervisor (issue 17 §2), in Chromium against the whole local
 * stack: the department pauses its commitment until an event, and the page says it waits for
 * the supervisor's approval; the supervisor's *Approve pause* form asks why before refusing,
 * and refused, the commitment's form is back on the department's page with the refusal on the
 * timeline. Screenshots go to test-artifacts/screenshots/.
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

describe('approving a long pause', () => {
  it('tells the department it waits for the supervisor, who refuses it with a note', async () => {
    const first = t.recordTasks();
    const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      owner: { name: '何生', phone: '+852 9333 5678', email: 'ho.sang@example.com' },
      content: '露台去水渠淤塞，需更換喉管。',
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
      opinion: '工程部更換喉管',
      category: 'repairs',
      department: 'engineering',
    });
    expect((await commitment).stateName).toBe('Department commitment');

    page = await pages.fresh();
    await signInAs(page, base, 'engineering.kowloon-east', `/complaints/${ref}`);
    await page.getByRole('heading', { name: `投訴 ${ref}` }).waitFor();
    await page.getByText('暫停計時（等候他方）').click();
    expect(await page.getByTestId('pause-approval-hint').textContent()).toContain('須主任批准');
    const form = page.getByTestId('pause-form');
    await form.getByLabel('暫停原因').selectOption('parts');
    await form.getByLabel('備註').fill('等候海外供應商運來喉管');
    const asked = t.nextTask(executionArn(ref));
    await form.getByRole('button', { name: '暫停計時' }).click();
    expect((await asked).stateName).toBe('Approve pause');
    await expect.poll(() => page.locator('body').textContent()).toContain('暫停須待主任批准');
    await screenshot(page, 'pause-approval-01-asked-zh-Hant');

    await signInAs(page, base, 'supervisor.kowloon-east', `/complaints/${ref}`);
    const decision = page.locator('form.decision[data-step="pauseApproval"]');
    await decision.waitFor();
    // What the department asked for, above the decision.
    const shown = await page.getByTestId('pause-asked').textContent();
    expect(shown).toContain('申請暫停');
    expect(shown).toContain('等候海外供應商運來喉管');
    await decision.getByLabel('拒絕：繼續處理').check();
    await decision.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => decision.textContent()).toContain('請填寫此欄。');
    await screenshot(page, 'pause-approval-02-refuse-needs-note-zh-Hant');
    const reopened = t.nextTask(executionArn(ref));
    await decision.getByLabel('備註').fill('請先與業主另約時間');
    await decision.getByRole('button', { name: '提交' }).click();
    expect((await reopened).stateName).toBe('Department commitment');

    await signInAs(page, base, 'engineering.kowloon-east', `/complaints/${ref}`);
    await expect
      .poll(() => page.locator('form.decision[data-step="departmentCommitment"]').count(), {
        timeout: 15_000,
      })
      .toBe(1);
    const timeline = page.getByTestId('timeline');
    await expect.poll(() => timeline.textContent()).toContain('拒絕暫停');
    expect(await timeline.textContent()).toContain('請先與業主另約時間');
    expect(await timeline.textContent()).toContain('申請長時間暫停（待批准）');
    await screenshot(page, 'pause-approval-03-refused-zh-Hant');
  });
});
