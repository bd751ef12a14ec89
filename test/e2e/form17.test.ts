import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { STEP_NAMES } from '#config/procedure-names.ts';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';
import { outbox } from '../harness/staff-client.ts';

/**
 * What a person trying the product found wrong, in Chromium against the whole local stack:
 * dates typed as the app shows them (dd/mm/yyyy HH:mm) whatever the browser's locale, Form 17's
 * rows each showing what their label says, and a timeline that names the step of each task.
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

const DAY = 86_400_000;
const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

/** `dd/mm/yyyy HH:mm` in Hong Kong time. */
function typed(at: number): string {
  const [date, time] = new Date(at + 8 * 3600_000).toISOString().slice(0, 16).split('T');
  const [year, month, day] = (date ?? '').split('-');
  return `${day}/${month}/${year} ${time}`;
}

async function ownerLink(ref: string, kind: RegExp): Promise<string> {
  const mails = (await outbox(t)).filter((m) => m.subject.includes(`[${ref}]`) && kind.test(m.subject));
  const link = /\/owner\/[A-Za-z0-9_-]+/.exec(mails.at(-1)?.body.text ?? '')?.[0];
  if (!link) throw new Error(`No owner link for ${ref} matching ${kind}`);
  return link;
}

/** Completes a step through the API (the steps this test does not drive through the pages). */
async function actByApi(username: string, ref: string, decision: unknown) {
  const { body } = await api.get<{ items: { id: string; ref: string }[] }>(username, '/api/tasks');
  const task = body.items.find((item) => item.ref === ref);
  if (!task) throw new Error(`${username} has no task for ${ref}`);
  const next = t.nextTask(executionArn(ref));
  const answer = await api.post(username, `/api/tasks/${encodeURIComponent(task.id)}/complete`, decision);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return next;
}

describe('the record of a complaint, as staff see and print it', () => {
  it('takes dates as dd/mm/yyyy HH:mm in an American browser, and prints a Form 17 whose rows say what their labels say', async () => {
    const waitingTask = t.recordTasks();
    const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      owner: { name: '李美玲', phone: '+852 9123 0000', email: 'lee.meiling@example.com' },
      content: '廚房水龍頭漏水。',
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ref = created.body.ref;
    expect((await waitingTask(ref)).stateName).toBe('Supervisor review');
    const commitmentTask = await actByApi('supervisor.kowloon-east', ref, {
      action: 'sign',
      opinion: '安排工程部更換水龍頭',
      category: 'water-leak',
      department: 'engineering',
    });
    expect(commitmentTask.stateName).toBe('Department commitment');

    // The department, in English, on a browser set to American English.
    page = await pages.fresh('en-US');
    await signInAs(page, base, 'engineering.kowloon-east', `/complaints/${ref}`);
    await page.getByLabel('語言').selectOption('en');
    const start = page.locator('#f-plannedStart');
    const completion = page.locator('#f-plannedCompletion');
    await start.waitFor();
    expect(await start.getAttribute('type')).toBe('text');
    expect(await start.getAttribute('placeholder')).toBe('dd/mm/yyyy HH:mm');
    const completionAt = typed(Math.max(Date.now(), Date.parse('2026-12-07T18:30:00+08:00')) + 3 * DAY);
    await completion.fill(completionAt);
    // The browser's own shape, and a date that does not exist, are answered at the field.
    await start.fill('12/07/2026, 06:30 PM');
    await page.getByRole('button', { name: 'Submit' }).click();
    await expect
      .poll(() => page.locator('#f-plannedStart-error').textContent())
      .toBe('Write it as dd/mm/yyyy HH:mm (24-hour), e.g. 07/12/2026 18:30.');
    await start.fill('31/02/2026 10:00');
    await page.getByRole('button', { name: 'Submit' }).click();
    await expect
      .poll(() => page.locator('#f-plannedStart-error').textContent())
      .toBe('There is no such date or time.');
    await screenshot(page, 'form17-01-date-no-such-day');
    await start.fill('07/12/2026 18:30');
    const planTask = t.nextTask(executionArn(ref));
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByText('Recorded.').waitFor();
    expect((await planTask).stateName).toBe('Owner response to plan');
    const record = await api.get<{ commitment: { plannedStart: string; plannedCompletion: string } }>(
      'engineering.kowloon-east',
      `/api/complaints/${ref}`,
    );
    expect(record.body.commitment.plannedStart).toBe('2026-12-07T18:30:00+08:00');
    expect(typed(Date.parse(record.body.commitment.plannedCompletion))).toBe(completionAt);

    // The owner accepts the plan and rates the work on their own pages.
    page = await pages.fresh();
    await page.goto(`${base}${await ownerLink(ref, /處理方案/)}`);
    await page.getByRole('heading', { name: '處理方案' }).waitFor();
    const workTask = t.nextTask(executionArn(ref));
    await page.getByLabel('我同意此方案').check();
    await page.getByRole('button', { name: '提交回覆' }).click();
    await page.getByTestId('owner-message').waitFor();
    expect((await workTask).stateName).toBe('Work in progress');
    await actByApi('engineering.kowloon-east', ref, { action: 'done', note: '已更換水龍頭' });
    page = await pages.fresh();
    await page.goto(`${base}${await ownerLink(ref, /評價/)}`);
    await page.getByRole('heading', { name: '處理滿意度' }).waitFor();
    await page.getByLabel('滿意', { exact: true }).check();
    const signOff = t.nextTask(executionArn(ref));
    await page.getByRole('button', { name: '提交回覆' }).click();
    await page.getByTestId('owner-message').waitFor();
    expect((await signOff).stateName).toBe('Supervisor sign-off');
    await actByApi('supervisor.kowloon-east', ref, { note: '已完成' });

    // Form 17: the owner signs by name; work started shows the committed start.
    page = await pages.fresh();
    await signInAs(page, base, 'supervisor.kowloon-east', `/complaints/${ref}/form17`);
    const form = page.getByTestId('form17');
    await form.waitFor();
    const signatures = await page.getByTestId('signature').allTextContents();
    expect(signatures[3]).toContain('簽署：李美玲（業主）');
    expect(signatures.join('\n')).not.toContain('業主（業主）');
    const workStarted = form.locator('.f17-events tr', { hasText: '工作開始' });
    expect(await workStarted.count()).toBe(1);
    const startedText = (await workStarted.textContent()) ?? '';
    expect(startedText).toContain('處理開始時間：07/12/2026 18:30');
    expect(startedText).not.toContain(completionAt);
    await screenshot(page, 'form17-02-form17');

    // The timeline names the step of every task that opened.
    await page.goto(`${base}/complaints/${ref}`);
    await page.getByTestId('timeline').locator('li').first().waitFor();
    // The record on the complaint page signs the owner's opinion by name too.
    const recordText = (await page.locator('main').textContent()) ?? '';
    expect(recordText).toContain('李美玲（業主）');
    expect(recordText).not.toContain('業主（業主）');
    const lines = await page.getByTestId('timeline').locator('li').allTextContents();
    const openings = lines.filter((line) => line.includes('開出工作'));
    expect(openings.length).toBeGreaterThanOrEqual(4);
    for (const line of openings) expect(line).toMatch(/開出工作：\S/);
    expect(
      openings.some((line) => line.includes(`開出工作：${STEP_NAMES.departmentCommitment.zhHant}`)),
    ).toBe(true);
    expect(openings.some((line) => line.includes(`開出工作：${STEP_NAMES.workInProgress.zhHant}`))).toBe(
      true,
    );
    await screenshot(page, 'form17-03-timeline');
  }, 180_000);

  it('asks the department why, when it reports the work done before its own committed start', async () => {
    const waitingTask = t.recordTasks();
    const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      owner: { name: '何先生', phone: '+852 9123 1111' },
      content: '走廊燈泡壞了。',
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ref = created.body.ref;
    expect((await waitingTask(ref)).stateName).toBe('Supervisor review');
    await actByApi('supervisor.kowloon-east', ref, {
      action: 'sign',
      opinion: '安排工程部更換燈泡',
      category: 'facilities',
      department: 'engineering',
    });
    await actByApi('engineering.kowloon-east', ref, {
      plannedStart: new Date(Date.now() + DAY).toISOString(),
      plannedCompletion: new Date(Date.now() + 2 * DAY).toISOString(),
    });
    expect((await actByApi('followup.kowloon-east', ref, { action: 'accept' })).stateName).toBe(
      'Work in progress',
    );

    page = await pages.fresh();
    await signInAs(page, base, 'engineering.kowloon-east', `/complaints/${ref}`);
    await page.getByLabel('工作已完成').check();
    await page.getByRole('button', { name: '提交' }).click();
    await expect
      .poll(() => page.locator('#f-note-error').textContent())
      .toBe('工作在承諾開始時間之前完成：請說明原因。');
    await screenshot(page, 'form17-04-early-done-note');
    await page.locator('form.decision').getByLabel('備註').fill('業主今日在家，順道更換');
    const callback = t.nextTask(executionArn(ref));
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('已記錄。').waitFor();
    expect((await callback).stateName).toBe('Satisfaction call-back');
  }, 120_000);
});
