import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPages, screenshot, signInAs, staffName } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';

/**
 * The call log as follow-up staff and reception use it, in Chromium against the whole local
 * stack: a call that went unanswered, then the one that reached the owner with the
 * satisfaction rating, both on the timeline and on Form 17's contact record; and an owner
 * reached by none of three calls, recorded as not reached, in English and 简体中文.
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

const HOUR = 3600_000;
const PHONE = '+852 9123 4567';
const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

/** `dd/mm/yyyy HH:mm` in Hong Kong time, as staff type it. */
function typed(at: number): string {
  const [date, time] = new Date(at + 8 * 3600_000).toISOString().slice(0, 16).split('T');
  const [year, month, day] = (date ?? '').split('-');
  return `${day}/${month}/${year} ${time}`;
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

async function logComplaint(owner: Record<string, string>, checklist: Record<string, boolean>) {
  const waiting = t.recordTasks();
  const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
    channel: 'phone',
    area: 'kowloon-east',
    building: '海濱花園第三座',
    unit: '12樓B室',
    owner: { name: '陳大文', phone: PHONE, ...owner },
    content: '浴室天花板滲水已經一星期。',
    category: 'water-leak',
    checklist: { keyPointsNoted: true, requestClarified: true, ...checklist },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { ref: created.body.ref, first: await waiting(created.body.ref) };
}

const callPanel = () => page.getByTestId('call-panel');
const attempts = () => page.getByTestId('call-attempts').locator('li');

describe('the call log', () => {
  it('logs a call that went unanswered, then the one that reached the owner with the satisfaction rating, and shows both on the timeline and Form 17', async () => {
    const { ref, first } = await logComplaint({ email: 'chan.taiman@example.com' }, { apologyGiven: true });
    expect(first.stateName).toBe('Supervisor review');
    await actByApi('supervisor.kowloon-east', ref, {
      action: 'sign',
      opinion: '安排工程部檢查喉管',
      category: 'water-leak',
      department: 'engineering',
    });
    await actByApi('engineering.kowloon-east', ref, {
      plannedStart: new Date(Date.now() + HOUR).toISOString(),
      plannedCompletion: new Date(Date.now() + 48 * HOUR).toISOString(),
    });
    await actByApi('followup.kowloon-east', ref, { action: 'accept' });
    const callback = await actByApi('engineering.kowloon-east', ref, {
      action: 'done',
      note: '業主提早在家',
    });
    expect(callback.stateName).toBe('Satisfaction call-back');

    page = await pages.fresh();
    await signInAs(page, base, 'followup.kowloon-east', `/complaints/${ref}`);
    await callPanel().getByRole('heading', { name: '致電業主' }).waitFor();
    expect(await page.getByTestId('call-attempts').textContent()).toBe('尚未致電。');
    // The owner's phone is the number picked; the time is now, as staff see it.
    expect(await page.getByLabel(`${PHONE}（業主）`).isChecked()).toBe(true);
    expect(await page.locator('#f-calledAt').inputValue()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);

    // A call without its result, or later than now, is answered at the fields.
    await page.locator('#f-calledAt').fill(typed(Date.now() + 24 * HOUR));
    await page.getByRole('button', { name: '記錄通話' }).click();
    await expect.poll(() => page.locator('#f-result-error').textContent()).toBe('請選擇一項。');
    expect(await page.locator('#f-calledAt-error').textContent()).toBe('致電時間不能遲於現在。');
    await screenshot(page, 'call-log-01-errors');

    // The first call: nobody answered.
    // Called a moment ago (the task opened only just: a time before it is refused).
    const firstCallAt = typed(Date.now());
    await page.locator('#f-calledAt').fill(firstCallAt);
    await callPanel().getByLabel('無人接聽').check();
    await page.getByLabel('通話內容').fill('響咗好耐無人聽，留咗口訊');
    await page.getByRole('button', { name: '記錄通話' }).click();
    await expect
      .poll(() => callPanel().getByRole('status').textContent())
      .toBe('已記錄第 1 次通話：無人接聽。');
    await expect.poll(() => attempts().count()).toBe(1);
    const line = (await attempts().first().textContent()) ?? '';
    expect(line).toContain('第 1 次');
    expect(line).toContain(PHONE);
    expect(line).toContain('無人接聽');
    expect(line).toContain(`${staffName('followup.kowloon-east')}（跟進人員）`);
    expect(line).toContain('響咗好耐無人聽，留咗口訊');
    expect(await page.getByTestId('call-until-unreached').textContent()).toBe(
      '再有 2 次未能接通，便可記錄為未能聯絡業主。',
    );
    await screenshot(page, 'call-log-02-first-call');

    // The second call reached the owner: the rating is asked for, and recorded with it.
    await callPanel().getByLabel('已接通').check();
    await page.getByTestId('call-reached').waitFor();
    await page.getByLabel('通話內容').fill('業主表示已經冇再漏水');
    await page.getByRole('button', { name: '記錄通話' }).click();
    await expect.poll(() => page.locator('#f-decision-rating-error').textContent()).toBe('請選擇一項。');
    await page.getByTestId('call-reached').getByLabel('基本滿意', { exact: true }).check();
    await page.getByTestId('call-reached').getByLabel('業主意見').fill('師傅遲咗半個鐘');
    await screenshot(page, 'call-log-03-reached');
    const signOff = t.nextTask(executionArn(ref));
    await page.getByRole('button', { name: '記錄通話' }).click();
    await page.getByText('已記錄。').waitFor();
    expect((await signOff).stateName).toBe('Supervisor sign-off');

    // The timeline has both calls, in order, each with its number and what was said (the page
    // reloads the record once the step is done: wait for the second call's line).
    const callLines = async () =>
      (await page.getByTestId('timeline').locator('li').allTextContents()).filter((l) =>
        l.includes('致電業主（第'),
      );
    await expect.poll(async () => (await callLines()).length).toBe(2);
    const timeline = await page.getByTestId('timeline').locator('li').allTextContents();
    const calls = timeline.filter((l) => l.includes('致電業主（第'));
    expect(calls).toHaveLength(2);
    expect(calls[0]).toContain('致電業主（第 1 次）：無人接聽');
    expect(calls[0]).toContain(`致電時間：${firstCallAt}`);
    expect(calls[0]).toContain('響咗好耐無人聽，留咗口訊');
    expect(calls[1]).toContain('致電業主（第 2 次）：已接通');
    expect(calls[1]).toContain('業主表示已經冇再漏水');
    const rated = timeline.findIndex((l) => l.includes('記錄業主意見'));
    expect(rated).toBeGreaterThan(timeline.findIndex((l) => l.includes('致電業主（第 2 次）')));
    await screenshot(page, 'call-log-04-timeline');

    // Form 17: the contact record, and the owner's opinion from the call.
    await page.goto(`${base}/complaints/${ref}/form17`);
    const rows = page.getByTestId('form17-calls').locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    const [noAnswer, reached] = await rows.allTextContents();
    expect(noAnswer).toContain('無人接聽');
    expect(noAnswer).toContain(PHONE);
    expect(noAnswer).toContain('回訪業主滿意度');
    expect(reached).toContain('已接通');
    expect(reached).toContain('業主表示已經冇再漏水');
    expect(await page.getByTestId('form17').textContent()).toContain('☑ 基本滿意');
    await screenshot(page, 'call-log-05-form17');
    await page.getByLabel('語言').selectOption('en');
    await expect.poll(() => page.getByTestId('form17').textContent()).toContain('Contact record');
    expect(await rows.first().textContent()).toContain('No answer');
    expect(await rows.nth(1).textContent()).toContain('Reached the owner');
  }, 180_000);

  it('records an owner whom three calls did not reach as not reached, in English and 简体中文', async () => {
    const { ref, first } = await logComplaint({}, {});
    expect(first.stateName).toBe('Acknowledge owner by phone');

    page = await pages.fresh();
    await signInAs(page, base, 'reception.kowloon-east', `/complaints/${ref}`);
    await page.getByLabel('語言').selectOption('en');
    await callPanel().getByRole('heading', { name: 'Calls to the owner' }).waitFor();
    // The acknowledgement is its call: no other way to record it.
    expect(await page.getByTestId('other-answer').count()).toBe(0);
    expect(await page.getByTestId('call-unreached').count()).toBe(0);

    // A number the owner did not give, typed: checked at the field.
    await callPanel().getByLabel('Another number').check();
    await page.getByLabel('The number dialled').fill('12');
    await callPanel().getByLabel('Wrong number').check();
    await page.getByRole('button', { name: 'Log call' }).click();
    await expect
      .poll(() => page.locator('#f-number-error').textContent())
      .toBe('Enter a phone number of 7–20 digits, e.g. +852 2345 6789.');
    await page.getByLabel('The number dialled').fill('+852 2345 6789');
    await page.getByLabel('What was said').fill('A restaurant answered');
    await page.getByRole('button', { name: 'Log call' }).click();
    await expect.poll(() => attempts().count()).toBe(1);
    expect(await attempts().first().textContent()).toContain('+852 2345 6789');

    await callPanel().getByLabel(`${PHONE} (owner)`).check();
    await callPanel().getByLabel('No answer').check();
    await page.getByRole('button', { name: 'Log call' }).click();
    await expect.poll(() => attempts().count()).toBe(2);
    expect(await page.getByTestId('call-until-unreached').textContent()).toBe(
      'After 1 more unanswered calls the owner may be recorded as not reached.',
    );

    // The third call, in 简体中文: then the outcome is offered.
    await page.getByLabel('Language').selectOption('zh-Hans');
    await callPanel().getByLabel('无人接听').check();
    await page.getByRole('button', { name: '记录通话' }).click();
    await expect.poll(() => attempts().count()).toBe(3);
    const offer = page.getByTestId('call-unreached');
    await offer.waitFor();
    expect(await offer.textContent()).toContain('已有 3 次致电未能接通，可记录为未能联络业主。');
    await screenshot(page, 'call-log-06-unreached-offered');
    await page.getByLabel('语言').selectOption('en');
    await offer.getByLabel('Note').fill('Tried mornings and evenings');
    const review = t.nextTask(executionArn(ref));
    await offer.getByRole('button', { name: 'Record: owner not reached' }).click();
    await page.getByText('Recorded.').waitFor();
    expect((await review).stateName).toBe('Supervisor review');
    // The page reloads the complaint after the notice: wait for the timeline to have the line.
    const lines = page.getByTestId('timeline').locator('li');
    await expect
      .poll(async () => (await lines.allTextContents()).some((l) => l.includes('Owner not reached')))
      .toBe(true);
    const timeline = await lines.allTextContents();
    expect(timeline.filter((l) => l.includes('Called the owner (call'))).toHaveLength(3);
    const notReached = timeline.find((l) => l.includes('Owner not reached'));
    expect(notReached).toContain('3 unanswered calls');
    expect(notReached).toContain('Tried mornings and evenings');
    await screenshot(page, 'call-log-07-not-reached');
  }, 180_000);
});
