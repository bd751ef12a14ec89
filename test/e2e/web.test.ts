import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPages, SCREENSHOTS, screenshot, signInAs, staffName } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';
import { outbox } from '../harness/staff-client.ts';

/**
 * The staff web app and the owner pages in Chromium, against the whole local stack: what
 * staff and owners see and do, in Chinese, page by page. Screenshots of each page go to
 * test-artifacts/screenshots/.
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

const executionArn = (ref: string) =>
  `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

/** `dd/mm/yyyy HH:mm` in Hong Kong time, as staff type a date and time in the app. */
const hkLocal = (at: Date) => {
  const [date, time] = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).split('T');
  const [year, month, day] = (date ?? '').split('-');
  return `${day}/${month}/${year} ${time}`;
};
const DAY = 86_400_000;

async function ownerLink(ref: string, kind: RegExp): Promise<string> {
  const mails = (await outbox(t)).filter((m) => m.subject.includes(`[${ref}]`) && kind.test(m.subject));
  const link = /\/owner\/[A-Za-z0-9_-]+/.exec(mails.at(-1)?.body.text ?? '')?.[0];
  if (!link) throw new Error(`No owner link for ${ref} matching ${kind}`);
  return link;
}

async function taskOf(username: string, ref: string) {
  const { body } = await api.get<{ items: { id: string; ref: string; step: string }[] }>(
    username,
    '/api/tasks',
  );
  const task = body.items.find((item) => item.ref === ref);
  if (!task) throw new Error(`${username} has no task for ${ref}`);
  return task;
}

/** Completes a step through the API (for steps this test does not drive through the pages). */
async function actByApi(username: string, ref: string, decision: unknown) {
  const task = await taskOf(username, ref);
  const next = t.nextTask(executionArn(ref));
  const answer = await api.post(username, `/api/tasks/${encodeURIComponent(task.id)}/complete`, decision);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return next;
}

describe('the staff web app and owner pages', () => {
  it('takes a phone complaint typed in Chinese from reception through the supervisor, the department and the owner to a Form 17 with every signature', async () => {
    // Reception: the form answers a careless submit at the fields, in Chinese.
    await freshPage();
    await signInAs(page, base, 'reception.kowloon-east', '/complaints/new');
    await page.getByRole('heading', { name: '登記投訴' }).waitFor();
    await page.locator('#f-owner-phone').fill('12');
    await page.getByRole('button', { name: '提交投訴' }).click();
    await expect.poll(() => page.locator('#f-owner-name-error').textContent()).toBe('請填寫此欄。');
    expect(await page.locator('#f-owner-phone-error').textContent()).toContain('電話號碼');
    expect(await page.locator('#f-content-error').textContent()).toBe('請填寫此欄。');
    await screenshot(page, '01-new-complaint-errors');

    await page.getByLabel('業主姓名').fill('陳大文');
    await page.locator('#f-owner-phone').fill('+852 9123 4567');
    await page.getByLabel('電郵').fill('chan.taiman@example.com');
    await page.getByLabel('大廈').fill('海濱花園第三座');
    await page.getByLabel('單位').fill('12樓B室');
    await page.getByLabel('類別').selectOption('water-leak');
    await page.getByLabel('投訴內容（重點）').fill('浴室天花板滲水已經一星期，樓上單位無人回應。');
    await page.getByLabel('已記下重點').check();
    await page.getByLabel('已澄清業主的要求').check();
    await screenshot(page, '02-new-complaint-filled');
    const firstTask = t.nextTask();
    await page.getByRole('button', { name: '提交投訴' }).click();
    const created = await page.getByTestId('created-ref').textContent();
    const ref = /[A-Z]+-\d{4}-\d{4}/.exec(created ?? '')?.[0] ?? '';
    expect(ref).toMatch(/^KE-\d{4}-\d{4}$/);
    expect((await firstTask).stateName).toBe('Supervisor review');
    await screenshot(page, '03-new-complaint-logged');

    // Supervisor: My tasks has it; one click into it; sign with an opinion and a department.
    await freshPage();
    await signInAs(page, base, 'supervisor.kowloon-east');
    const row = page.locator(`tr[data-ref="${ref}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('主任簽署處理意見');
    await screenshot(page, '04-my-tasks-supervisor');
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: `投訴 ${ref}` }).waitFor();
    expect(await page.getByText('陳大文').first().isVisible()).toBe(true);
    await page.getByLabel('處理意見').fill('安排工程部檢查樓上單位喉管');
    await page.getByLabel('負責部門').selectOption('engineering');
    await screenshot(page, '05-complaint-supervisor-form');
    const commitmentTask = t.nextTask(executionArn(ref));
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('已記錄。').waitFor();
    expect((await commitmentTask).stateName).toBe('Department commitment');

    // Department: commits dates; a completion before the start is refused at the field.
    await freshPage();
    await signInAs(page, base, 'engineering.kowloon-east');
    await page.locator(`tr[data-ref="${ref}"]`).getByRole('link').click();
    await page.getByLabel('處理開始時間').waitFor();
    await page.getByLabel('處理開始時間').fill(hkLocal(new Date(Date.now() + 3 * DAY)));
    await page.getByLabel('預計完成時間').fill(hkLocal(new Date(Date.now() + 2 * DAY)));
    await page.getByRole('button', { name: '提交' }).click();
    await expect
      .poll(() => page.locator('#f-plannedCompletion-error').textContent())
      .toBe('完成時間必須在開始時間之後。');
    await screenshot(page, '06-department-commitment-error');
    await page.getByLabel('預計完成時間').fill(hkLocal(new Date(Date.now() + 5 * DAY)));
    const planTask = t.nextTask(executionArn(ref));
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('已記錄。').waitFor();
    expect((await planTask).stateName).toBe('Owner response to plan');

    // The owner accepts the plan on the page their email links to.
    await freshPage();
    await page.goto(`${base}${await ownerLink(ref, /處理方案/)}`);
    await page.getByRole('heading', { name: '處理方案' }).waitFor();
    expect(await page.getByText('安排工程部檢查樓上單位喉管').isVisible()).toBe(true);
    await screenshot(page, '07-owner-plan');
    const workTask = t.nextTask(executionArn(ref));
    await page.getByLabel('我同意此方案').check();
    await page.getByRole('button', { name: '提交回覆' }).click();
    await page.getByTestId('owner-message').waitFor();
    expect((await workTask).stateName).toBe('Work in progress');

    // The department reports the work done (through the API), and the owner rates it.
    const callback = await actByApi('engineering.kowloon-east', ref, { action: 'done', note: '已更換喉管' });
    expect(callback.stateName).toBe('Satisfaction call-back');
    const satisfactionLink = await ownerLink(ref, /評價/);
    await freshPage();
    const shown = await page.goto(`${base}${satisfactionLink}`);
    expect(shown?.headers()['content-security-policy']).toContain("default-src 'self'");
    expect(shown?.headers()['referrer-policy']).toBe('no-referrer');
    await page.getByRole('heading', { name: '處理滿意度' }).waitFor();
    await page.getByRole('button', { name: '提交回覆' }).click();
    await page.locator('#f-rating-error').waitFor();
    await screenshot(page, '08-owner-satisfaction');
    await page.getByLabel('滿意', { exact: true }).check();
    await page.getByLabel('意見（選填）').fill('師傅好有禮貌，多謝。');
    const signOff = t.nextTask(executionArn(ref));
    await page.getByRole('button', { name: '提交回覆' }).click();
    expect(await page.getByTestId('owner-message').textContent()).toContain('多謝您的回覆');
    await screenshot(page, '09-owner-thanks');
    expect((await signOff).stateName).toBe('Supervisor sign-off');
    // The link is spent: opening it again says so politely, and acts on nothing.
    await page.reload();
    expect(await page.getByTestId('owner-message').textContent()).toContain('您已經透過此連結回覆');
    await screenshot(page, '10-owner-link-used');

    // Countersign and file (API), then the Form 17 view shows every signature.
    await actByApi('supervisor.kowloon-east', ref, { note: '已完成' });
    const filed = await api.post(
      'clerk.kowloon-east',
      `/api/tasks/${encodeURIComponent((await taskOf('clerk.kowloon-east', ref)).id)}/complete`,
      {
        location: '2026 投訴檔案 第12冊',
      },
    );
    expect(filed.status).toBe(200);
    expect((await t.stack.stepFunctions.whenSettled(executionArn(ref))).status).toBe('SUCCEEDED');

    await freshPage();
    await signInAs(page, base, 'clerk.kowloon-east', `/complaints/${ref}/form17`);
    const form = page.getByTestId('form17');
    await form.waitFor();
    const signatures = await page.getByTestId('signature').allTextContents();
    expect(signatures).toEqual([
      expect.stringContaining(`${staffName('reception.kowloon-east')}（接待人員）`),
      expect.stringContaining(`${staffName('supervisor.kowloon-east')}（主任）`),
      expect.stringContaining(`${staffName('engineering.kowloon-east')}（相關部門）`),
      expect.stringContaining('陳大文（業主）'),
      expect.stringContaining(`${staffName('supervisor.kowloon-east')}（主任）`),
      expect.stringContaining(`${staffName('clerk.kowloon-east')}（收費文員）`),
    ]);
    expect(await page.getByTestId('unsigned').count()).toBe(0);
    expect(await form.textContent()).toContain('☑ 滿意');
    await screenshot(page, '11-form17');
    // Printed to A4 it fits on one or two pages, without the app's navigation.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
    writeFileSync(join(SCREENSHOTS, '12-form17.pdf'), pdf);
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(2);
  }, 180_000);

  it('follows a walk-in complaint logged in Chinese to closed through each role’s own pages', async () => {
    await freshPage();
    await signInAs(page, base, 'reception.kowloon-east', '/complaints/new');
    await page.getByLabel('面談', { exact: true }).check();
    await page.getByLabel('業主姓名').fill('林先生');
    await page.locator('#f-owner-phone').fill('+852 6123 4567');
    await page.getByLabel('大廈').fill('翠景大廈');
    await page.getByLabel('單位').fill('3樓A室');
    await page.getByLabel('投訴內容（重點）').fill('停車場閘口經常失靈，住戶車輛無法出入。');
    for (const item of ['已記下重點', '已澄清業主的要求', '已致歉並請業主諒解', '已作適當解釋（面談）']) {
      await page.getByLabel(item).check();
    }
    const first = t.nextTask();
    await page.getByRole('button', { name: '提交投訴' }).click();
    const ref = /KE-\d{4}-\d{4}/.exec((await page.getByTestId('created-ref').textContent()) ?? '')?.[0] ?? '';
    expect((await first).stateName).toBe('Supervisor review');

    /** One role's turn: My tasks, one click into the complaint, the step's form, submit. */
    const turn = async (username: string, fill: () => Promise<void>, next?: string) => {
      await freshPage();
      await signInAs(page, base, username);
      await page.locator(`tr[data-ref="${ref}"]`).getByRole('link').click();
      await page.locator('form.decision').waitFor();
      await fill();
      const waiting = next ? t.nextTask(executionArn(ref)) : undefined;
      await page.locator('form.decision button[type=submit]').click();
      await page.getByText('已記錄。').waitFor();
      if (waiting) expect((await waiting).stateName).toBe(next);
    };
    /**
     * A turn whose step is a phone call to the owner (the owner gave no email): the call that
     * reached the owner, logged on the call panel with the owner's answer.
     */
    const callTurn = async (username: string, fill: () => Promise<void>, next: string) => {
      await freshPage();
      await signInAs(page, base, username);
      await page.locator(`tr[data-ref="${ref}"]`).getByRole('link').click();
      await page.getByTestId('call-form').waitFor();
      await page.getByTestId('call-panel').getByLabel('已接通').check();
      await fill();
      const waiting = t.nextTask(executionArn(ref));
      await page.getByRole('button', { name: '記錄通話' }).click();
      await page.getByText('已記錄。').waitFor();
      expect((await waiting).stateName).toBe(next);
    };
    const reached = () => page.getByTestId('call-reached');
    // The step's own form: the complaint page also has the record's edit form and the note box.
    const decision = () => page.locator('form.decision');
    await turn(
      'supervisor.kowloon-east',
      async () => {
        await decision().getByLabel('處理意見').fill('通知保安部及工程部檢查閘口感應器');
        await decision().getByLabel('類別').selectOption('parking');
        await decision().getByLabel('負責部門').selectOption('security');
      },
      'Department commitment',
    );
    // Named to security: engineering's people do not have it in My tasks, and cannot open it.
    await freshPage();
    await signInAs(page, base, 'engineering.kowloon-east');
    await page.getByTestId('tasks').or(page.getByTestId('no-tasks')).waitFor();
    expect(await page.locator(`tr[data-ref="${ref}"]`).count()).toBe(0);
    expect((await api.get('engineering.kowloon-east', `/api/complaints/${ref}`)).status).toBe(403);
    await turn(
      // The supervisor named the security department: its people make the commitment and do the work.
      'security.kowloon-east',
      async () => {
        await decision()
          .getByLabel('處理開始時間')
          .fill(hkLocal(new Date(Date.now() + DAY)));
        await decision()
          .getByLabel('預計完成時間')
          .fill(hkLocal(new Date(Date.now() + 2 * DAY)));
      },
      'Owner response to plan',
    );
    await callTurn(
      'followup.kowloon-east',
      async () => {
        await reached().getByLabel('業主接受方案').check();
        await reached().getByLabel('業主意見').fill('業主電話表示同意');
      },
      'Work in progress',
    );
    await turn(
      'security.kowloon-east',
      async () => {
        await decision().getByLabel('工作已完成').check();
        await decision().getByLabel('備註').fill('已更換感應器');
      },
      'Satisfaction call-back',
    );
    await callTurn(
      'followup.kowloon-east',
      async () => {
        await reached().getByLabel('基本滿意').check();
        await reached().getByLabel('業主意見').fill('希望日後加快處理');
      },
      'Supervisor sign-off',
    );
    await turn('supervisor.kowloon-east', async () => undefined, 'File record');
    await turn('clerk.kowloon-east', async () => {
      await decision().getByLabel('存檔位置').fill('2026 投訴檔案 第3冊');
    });
    expect((await t.stack.stepFunctions.whenSettled(executionArn(ref))).status).toBe('SUCCEEDED');
    await page.reload();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('已結案');
    await screenshot(page, '18-walk-in-closed');
    await page.getByRole('link', { name: '投訴處理記錄表（列印）' }).click();
    await page.getByTestId('form17').waitFor();
    expect(await page.getByTestId('signature').count()).toBe(6);
    expect(await page.getByTestId('unsigned').count()).toBe(0);
    expect(await page.getByTestId('form17').textContent()).toContain('☑ 面談');
    await screenshot(page, '19-walk-in-form17');
  }, 180_000);

  it('lets reception log a walk-in complaint with the keyboard alone, and keeps the draft through a reload', async () => {
    await freshPage();
    await signInAs(page, base, 'reception.hk-island', '/complaints/new');
    await page.getByRole('heading', { name: '登記投訴' }).waitFor();
    const focusOn = async (id: string) => {
      for (let i = 0; i < 30; i++) {
        if ((await page.evaluate('document.activeElement?.id')) === id) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached #${id}`);
    };
    // The channel radios: arrow keys move the choice to 面談 (walk-in).
    await focusOn('f-channel-first');
    await page.keyboard.press('ArrowRight');
    expect(await page.getByLabel('面談', { exact: true }).isChecked()).toBe(true);
    await focusOn('f-owner-name');
    await page.keyboard.type('李小姐');
    await page.keyboard.press('Tab');
    await page.keyboard.type('2345 6789');
    await focusOn('f-content');
    await page.keyboard.type('大堂冷氣機漏水，地面濕滑。');

    // A reload (or a crash of the tab) loses nothing, the draft's submission id included.
    const draftKey = 'draft:new-complaint:reception.hk-island';
    const submissionOf = async () =>
      (
        JSON.parse(String(await page.evaluate(`sessionStorage.getItem('${draftKey}')`))) as {
          submissionId: string;
        }
      ).submissionId;
    const submissionId = await submissionOf();
    await page.reload();
    await page.getByText('已恢復未提交的草稿。').waitFor();
    expect(await page.getByLabel('業主姓名').inputValue()).toBe('李小姐');
    expect(await page.getByLabel('面談', { exact: true }).isChecked()).toBe(true);
    await screenshot(page, '13-walk-in-draft-restored');

    await focusOn('f-content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space'); // 已記下重點
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space'); // 已澄清業主的要求
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space'); // 已致歉
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space'); // 已作適當解釋（面談）
    expect(await page.getByLabel('已作適當解釋（面談）').isChecked()).toBe(true);
    const started = t.nextTask();
    const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/complaints'));
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    // One submission id per draft, kept through the reload: a resend cannot log it twice.
    expect(submissionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse((await posted).postData() ?? '{}')).toMatchObject({ submissionId });
    const created = await page.getByTestId('created-ref').textContent();
    const ref = /HKI-\d{4}-\d{4}/.exec(created ?? '')?.[0] ?? '';
    expect(ref).not.toBe('');
    await started;
    const record = await api.get<Record<string, unknown>>('reception.hk-island', `/api/complaints/${ref}`);
    expect(record.body).toMatchObject({
      channel: 'walk-in',
      area: 'hk-island',
      owner: { name: '李小姐', phone: '2345 6789' },
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true, explanationGiven: true },
    });
    // Sent, the draft is gone.
    await page.goto(`${base}/complaints/new`);
    expect(await page.getByLabel('業主姓名').inputValue()).toBe('');
  });

  it('attaches a scanned letter, uploaded straight to S3, and offers it for download', async () => {
    await freshPage();
    await signInAs(page, base, 'reception.kowloon-east', '/complaints/new');
    await page.getByLabel('信函').check();
    const scan = Buffer.from('%PDF-1.4\n% a scanned letter\n%%EOF\n');
    await page
      .getByLabel('附件')
      .setInputFiles({ name: '業主來信.pdf', mimeType: 'application/pdf', buffer: scan });
    await page.getByTestId('attachments').getByText('業主來信.pdf').waitFor();
    await page.getByLabel('業主姓名').fill('黃先生');
    await page.getByLabel('電郵').fill('wong@example.com');
    await page.getByLabel('投訴內容（重點）').fill('來信投訴停車場照明不足。');
    await screenshot(page, '14-letter-with-scan');
    const started = t.nextTask();
    await page.getByRole('button', { name: '提交投訴' }).click();
    const ref = /KE-\d{4}-\d{4}/.exec((await page.getByTestId('created-ref').textContent()) ?? '')?.[0] ?? '';
    await started;

    const download = await api.get<{ url: string; name: string }>(
      'supervisor.kowloon-east',
      `/api/complaints/${ref}/attachments/0`,
    );
    expect(download.status).toBe(200);
    expect(download.body.name).toBe('業主來信.pdf');
    const file = await fetch(download.body.url);
    expect(Buffer.from(await file.arrayBuffer()).equals(scan)).toBe(true);
    // Another area's supervisor gets neither the file nor the complaint.
    expect((await api.get('supervisor.hk-island', `/api/complaints/${ref}/attachments/0`)).status).toBe(403);
  });

  it('never shows another area’s complaint, and says why in the page', async () => {
    const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      owner: { name: '張太', phone: '+852 2111 2222' },
      content: '垃圾房異味。',
    });
    expect(created.status).toBe(201);
    await freshPage();
    await signInAs(page, base, 'supervisor.hk-island', `/complaints/${created.body.ref}`);
    await page.getByText('您沒有權限執行此操作，或此投訴屬於其他地區。').waitFor();
    expect(await page.getByText('張太').count()).toBe(0);
    await screenshot(page, '15-other-area');
    await page.goto(`${base}/complaints`);
    await page.getByRole('heading', { name: '投訴列表' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByText(created.body.ref).count()).toBe(0);
  });

  it('switches between 繁體中文, 简体中文 and English, and remembers the choice for that user', async () => {
    await freshPage();
    await signInAs(page, base, 'supervisor.kowloon-east');
    await page.getByRole('heading', { name: '我的工作' }).waitFor();
    await page.getByLabel('語言').selectOption('zh-Hans');
    await page.getByRole('heading', { name: '我的工作' }).waitFor();
    expect(await page.getByRole('link', { name: '投诉列表' }).isVisible()).toBe(true);
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
    await screenshot(page, '16-my-tasks-english');
    await page.reload();
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');

    // Another member on the same browser starts in their own language (繁體中文 by default).
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('button[data-username="followup.kowloon-east"]').click();
    await page.getByRole('heading', { name: '我的工作' }).waitFor();
    await page.getByRole('button', { name: '登出' }).click();
    await page.locator('button[data-username="supervisor.kowloon-east"]').click();
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
  });

  it('lists complaints with filters and exports them as CSV that Excel reads as UTF-8', async () => {
    for (const [channel, name] of [
      ['letter', '何先生'],
      ['phone', '馬太'],
    ]) {
      const logged = await api.post('reception.kowloon-east', '/api/complaints', {
        channel,
        area: 'kowloon-east',
        owner: { name, email: 'owner@example.com' },
        content: '管理費單據有誤，請更正。',
        category: 'fees',
      });
      expect(logged.status).toBe(201);
    }
    await freshPage();
    await signInAs(page, base, 'supervisor.kowloon-east', '/complaints?channel=letter');
    const table = page.getByTestId('complaints');
    await table.waitFor();
    expect(await table.textContent()).toContain('何先生');
    expect(await table.textContent()).not.toContain('馬太');
    await screenshot(page, '17-complaints-filtered');
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: '匯出 CSV' }).click();
    const download = await downloading;
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(path, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).trim().split('\r\n');
    // The supervisor calls owners: the export has their contacts (test/e2e/lists-and-forms.test.ts
    // has the columns in every language, and a department's export without them).
    expect(lines[0]).toBe(
      '參考編號,收到時間,投訴形式,地區,大廈,單位,業主,電話,電郵,內容摘要,類別,負責部門,狀況,目前步驟,結果,承諾開始,承諾完成,本步驟期限,逾期,逾期起計',
    );
    expect(lines.slice(1).every((line) => line.includes(',信函,'))).toBe(true);
    expect(lines.some((line) => line.includes(',何先生,,owner@example.com,管理費單據有誤，請更正。,'))).toBe(
      true,
    );
    expect(lines.length).toBeGreaterThan(1);
  });
});
