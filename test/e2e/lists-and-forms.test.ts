import { readFileSync } from 'node:fs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintPk, taskSk } from '#domain/keys.ts';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';

/**
 * A day at the management office (issue 15), in Chromium against the whole local stack running
 * at TIME_SCALE=86400 (a day of workflow time a second, so deadlines pass while the test looks):
 * the complaints list's CSV with the columns an office needs, named by the company's date; My
 * tasks rows that say whose complaint, where, what, when due and how late; Form 17's escalation
 * record saying to whom; forms whose problems go as each field is fixed; a draft cleared only
 * once its writer confirms; dates typed dd/mm/yyyy whatever the browser's locale — in 繁體中文,
 * 简体中文 and English.
 *
 * The supervisor's review, the department's work and sign-off get twenty working days, so
 * complaints this test acts on wait for it; the department's commitment keeps its one day, so
 * a complaint left there climbs the escalation ladder by itself.
 */
const settingsBefore = process.env.WORKFLOW_SETTINGS;
process.env.WORKFLOW_SETTINGS = JSON.stringify({
  businessMinutes: { supervisorReview: 20 * 9 * 60, supervisorSignOff: 20 * 9 * 60, filing: 20 * 9 * 60 },
});
afterAll(() => {
  if (settingsBefore === undefined) delete process.env.WORKFLOW_SETTINGS;
  else process.env.WORKFLOW_SETTINGS = settingsBefore;
});

const e2e = browserStackPerFile({ timeScale: 86_400 });
let t: TestStack;
let base: string;
let api: BrowserStack['api'];
let page: Page;
let pages: BrowserPages;
beforeAll(() => {
  ({ t, base, api, pages } = e2e);
});

const DAY = 86_400_000;
const R = {
  reception: 'reception.kowloon-east',
  supervisor: 'supervisor.kowloon-east',
  department: 'engineering.kowloon-east',
  customerService: 'customer-service.hk-island',
  manager: 'manager.kowloon-east',
};
const arnOf = (ref: string) => `${t.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref}`;

/** Logs a complaint through the API; resolves with its reference once its first task is open. */
async function logComplaint(fields: Record<string, unknown>): Promise<string> {
  const first = t.recordTasks();
  const created = await api.post<{ ref: string }>(R.reception, '/api/complaints', {
    channel: 'phone',
    area: 'kowloon-east',
    checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    ...fields,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await first(created.body.ref);
  return created.body.ref;
}

/** Completes the caller's task for the complaint through the API. */
async function actByApi(username: string, ref: string, decision: unknown) {
  const { body } = await api.get<{ items: { id: string; ref: string }[] }>(username, '/api/tasks');
  const task = body.items.find((item) => item.ref === ref);
  if (!task) throw new Error(`${username} has no task for ${ref}`);
  const next = t.nextTask(arnOf(ref));
  const answer = await api.post(username, `/api/tasks/${encodeURIComponent(task.id)}/complete`, decision);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return next;
}

/** Waits until the complaint's workflow has entered `state` `times` times from now (deadlines pass). */
async function reached(ref: string, state: string, times = 1): Promise<void> {
  for (let seen = 0; seen < times; ) if ((await t.nextTask(arnOf(ref))).stateName === state) seen++;
}

/**
 * Waits for a My tasks row, reloading the list while it is missing: at a day a second the
 * manager is reminded every second or so, and each reminder closes the task and opens the next,
 * so a list read in between rightly lacks it.
 */
async function untilListed(row: ReturnType<Page['locator']>): Promise<void> {
  const until = performance.now() + 30_000;
  for (;;) {
    try {
      await row.waitFor({ timeout: 2_000 });
      return;
    } catch (error) {
      if (performance.now() > until) throw error;
      await page.reload();
    }
  }
}

/** Switches the app's language with the header's picker. */
async function speak(language: 'zh-Hant' | 'zh-Hans' | 'en'): Promise<void> {
  await page.locator('label.lang select').selectOption(language);
}

/** A download's name and text, from clicking the button named `name`. */
async function download(name: string): Promise<{ filename: string; text: string }> {
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name }).click();
  const file = await downloading;
  return { filename: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

/** RFC 4180 records (the export quotes a cell with a comma, a quote or a line break). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i++;
    } else cell += char;
  }
  return records;
}

/** The export's rows, each by its column names. */
function csvRows(text: string): { header: string[]; rows: Record<string, string>[] } {
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const [header = [], ...rows] = parseCsv(text.slice(1));
  return {
    header,
    rows: rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']))),
  };
}

/** `dd/mm/yyyy HH:mm` in Hong Kong time, as the app writes a time in 繁體中文 (with a plain space). */
function hkTime(at: string): string {
  const [date, time] = new Date(Date.parse(at) + 8 * 3600_000).toISOString().slice(0, 16).split('T');
  const [year, month, day] = (date ?? '').split('-');
  return `${day}/${month}/${year} ${time}`;
}

describe('the complaints list, My tasks and the staff forms', () => {
  it('exports the list as CSV with summary, contacts for those who call owners, department, deadlines and overdue, named by the company’s date, in three languages', async () => {
    const ref = await logComplaint({
      building: '德福花園E座',
      unit: '7樓C室',
      owner: { name: '黃志強', phone: '+852 9555 1234', email: 'wong.chikeung@example.com' },
      content: '=HYPERLINK("http://evil.example") 露台去水位淤塞，\n下雨時積水入屋。',
      category: 'water-leak',
    });
    await actByApi(R.supervisor, ref, {
      action: 'sign',
      opinion: '安排工程部通渠',
      category: 'water-leak',
      department: 'engineering',
    });
    // Workflow time, on the minute (the test's clock runs at the stack's scale).
    const minute = (ms: number) => new Date(Math.ceil((Date.now() + ms) / 60_000) * 60_000).toISOString();
    const plannedStart = minute(40 * DAY);
    const plannedCompletion = minute(60 * DAY);
    await actByApi(R.department, ref, { plannedStart, plannedCompletion });
    // The next step's task is opened by its own function after the workflow waits on it: the
    // record has its due time once that function has run.
    await expect
      .poll(
        async () =>
          (
            await api.get<{ items: { ref: string; dueAt?: string }[] }>(
              R.supervisor,
              '/api/complaints?limit=100',
            )
          ).body.items.find((item) => item.ref === ref)?.dueAt,
      )
      .toMatch(/^\d{4}-/);

    // The supervisor exports at 01:00 on 7 December in Hong Kong, which is still the 6th in UTC.
    page = await pages.fresh();
    await signInAs(page, base, R.supervisor, '/complaints');
    await page.getByTestId('complaints').waitFor();
    await page.clock.setFixedTime(new Date('2026-12-06T17:00:00Z'));
    const zh = await download('匯出 CSV');
    expect(zh.filename).toBe('complaints-2026-12-07.csv');
    const { header, rows } = csvRows(zh.text);
    expect(header).toEqual([
      '參考編號',
      '收到時間',
      '投訴形式',
      '地區',
      '大廈',
      '單位',
      '業主',
      '電話',
      '電郵',
      '內容摘要',
      '類別',
      '負責部門',
      '狀況',
      '目前步驟',
      '結果',
      '承諾開始',
      '承諾完成',
      '本步驟期限',
      '逾期',
      '逾期起計',
    ]);
    const row = rows.find((r) => r.參考編號 === ref);
    expect(row).toMatchObject({
      大廈: '德福花園E座',
      單位: '7樓C室',
      業主: '黃志強',
      // A phone's + would be a formula to a spreadsheet: it is text.
      電話: "'+852 9555 1234",
      電郵: 'wong.chikeung@example.com',
      // One line, and the formula an email could carry stays text.
      內容摘要: `'=HYPERLINK("http://evil.example") 露台去水位淤塞， 下雨時積水入屋。`,
      負責部門: '工程部',
      承諾開始: hkTime(plannedStart),
      承諾完成: hkTime(plannedCompletion),
      逾期: '否',
      逾期起計: '',
    });
    expect(row?.本步驟期限).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await screenshot(page, 'issue15-01-complaints-list');

    // The same export in English and in Simplified Chinese.
    await speak('en');
    const en = csvRows((await download('Export CSV')).text);
    expect(en.header).toEqual([
      'Reference',
      'Received',
      'Channel',
      'Area',
      'Building',
      'Unit',
      'Owner',
      'Phone',
      'Email',
      'Summary',
      'Category',
      'Department',
      'Status',
      'Current step',
      'Outcome',
      'Committed start',
      'Committed completion',
      'Current step due',
      'Overdue',
      'Overdue since',
    ]);
    expect(en.rows.find((r) => r.Reference === ref)).toMatchObject({
      Department: 'Engineering',
      Overdue: 'No',
    });
    await speak('zh-Hans');
    const hans = csvRows((await download('导出 CSV')).text);
    expect(hans.header).toContain('内容摘要');
    expect(hans.header).toContain('本步骤期限');
    expect(hans.rows.find((r) => r.参考编号 === ref)?.负责部门).toBe('工程部');

    // The department does the work and calls no owner: its export has no contact columns.
    page = await pages.fresh();
    await signInAs(page, base, R.department, '/complaints');
    await page.getByTestId('complaints').waitFor();
    const plain = csvRows((await download('匯出 CSV')).text);
    expect(plain.header).not.toContain('電話');
    expect(plain.header).not.toContain('電郵');
    expect(JSON.stringify(plain.rows)).not.toContain('9555');
    expect(JSON.stringify(plain.rows)).not.toContain('wong.chikeung');
    const listed = await api.get<{ items: Record<string, unknown>[] }>(
      R.department,
      '/api/complaints?limit=100',
    );
    expect(listed.body.items.find((item) => item.ref === ref)).not.toHaveProperty('ownerPhone');
  });

  it('shows whose complaint each task is, where, what, when due and how late, in three languages', async () => {
    // Left at the department's commitment: it climbs the ladder to the manager by itself.
    const late = await logComplaint({
      building: '淘大花園D座',
      unit: '2樓C室',
      owner: { name: '謝秀英', phone: '+852 6222 3333' },
      content: '大堂升降機經常停頓，\n已經三日。',
      category: 'facilities',
    });
    const climbing = reached(late, 'Escalate to manager');
    await actByApi(R.supervisor, late, {
      action: 'sign',
      opinion: '安排工程部檢查升降機',
      category: 'facilities',
      department: 'engineering',
    });
    await climbing;

    page = await pages.fresh();
    await signInAs(page, base, R.manager);
    const row = page.locator(`tr[data-ref="${late}"]`);
    await untilListed(row);
    expect(await row.locator('[data-column="owner"]').textContent()).toBe('謝秀英九龍東 淘大花園D座 2樓C室');
    expect(await row.locator('[data-column="summary"]').textContent()).toBe(
      '大堂升降機經常停頓， 已經三日。',
    );
    expect(await row.textContent()).toContain('經理處理上報投訴');
    expect(await row.locator('[data-column="due"]').textContent()).toMatch(
      /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/,
    );
    // Late since the department's commitment ran out, two ladder levels ago: working days late.
    expect(await row.locator('.badge--overdue').textContent()).toMatch(/^逾期 \d+ 個工作天/);
    expect(await row.getAttribute('class')).toBe('overdue');
    await screenshot(page, 'issue15-02-my-tasks-manager');
    await speak('zh-Hans');
    await expect.poll(() => row.locator('.badge--overdue').textContent()).toMatch(/^逾期 \d+ 个工作日/);
    await speak('en');
    await expect
      .poll(() => row.locator('.badge--overdue').textContent())
      .toMatch(/^\d+ working days( \d+ h)? late$/);
    expect(await row.locator('[data-column="owner"]').textContent()).toBe(
      '謝秀英Kowloon East 淘大花園D座 2樓C室',
    );

    // A fresh complaint in the supervisor's review: not late, the time left; and a task stored
    // before tasks carried these fields still shows them (read from the record).
    const fresh = await logComplaint({
      building: '麗港城第五座',
      unit: '18樓A室',
      owner: { name: '李小明', email: 'lee.siuming@example.com' },
      content: '垃圾房有異味。',
    });
    const { body } = await api.get<{ items: { id: string; ref: string }[] }>(R.supervisor, '/api/tasks');
    const task = body.items.find((item) => item.ref === fresh);
    await t.db.send(
      new UpdateCommand({
        TableName: t.stack.tableName,
        Key: { PK: complaintPk(fresh), SK: taskSk(String(task?.id)) },
        UpdateExpression: 'REMOVE complaint',
      }),
    );
    page = await pages.fresh();
    await signInAs(page, base, R.supervisor);
    const freshRow = page.locator(`tr[data-ref="${fresh}"]`);
    await freshRow.waitFor();
    expect(await freshRow.locator('[data-column="owner"]').textContent()).toBe(
      '李小明九龍東 麗港城第五座 18樓A室',
    );
    expect(await freshRow.locator('[data-column="summary"]').textContent()).toBe('垃圾房有異味。');
    expect(await freshRow.locator('[data-column="left"]').textContent()).toMatch(/尚餘/);
    expect(await freshRow.getAttribute('class')).toBeNull();
    await screenshot(page, 'issue15-03-my-tasks-supervisor');

    // Form 17's escalation record says to whom each went, and whom the reminder was for.
    await reached(late, 'Escalate to manager');
    await page.goto(`${base}/complaints/${late}/form17`);
    const form17 = page.getByTestId('form17');
    await form17.waitFor();
    const record = await form17.locator('tr', { hasText: '上報紀錄' }).first().textContent();
    expect(record).toContain('逾期步驟：部門承諾處理開始及完成時間');
    expect(record).toContain('上報至：主任（九龍東）');
    expect(record).toContain('上報至：客戶服務部（九龍東）');
    expect(record).toContain('上報至：經理（九龍東）');
    expect(record).toContain('提示對象：經理（九龍東）');
    await screenshot(page, 'issue15-04-form17-escalations');
    await speak('en');
    await expect
      .poll(() => form17.locator('tr', { hasText: 'Escalations' }).first().textContent())
      .toContain('Reminded: Manager (Kowloon East)');
  });

  it('clears each problem as its field is fixed: the new complaint, a decision, a report period', async () => {
    page = await pages.fresh();
    await signInAs(page, base, R.reception, '/complaints/new');
    await page.getByRole('button', { name: '提交投訴' }).click();
    const nameError = page.locator('#f-owner-name-error');
    const phoneError = page.locator('#f-owner-phone-error');
    const contentError = page.locator('#f-content-error');
    await nameError.waitFor();
    expect(await phoneError.textContent()).toBe('請填寫電話或電郵，以便聯絡業主。');
    expect(await page.locator('.error-summary').textContent()).toContain('請更正以下 3 項');
    await screenshot(page, 'issue15-05-errors-shown');

    // Each goes as its field is fixed, the others stay until theirs is.
    await page.getByLabel('業主姓名').fill('陳大文');
    await nameError.waitFor({ state: 'detached' });
    // The focus stays where the person types (the summary takes it only when a submit shows problems).
    expect(await page.evaluate('document.activeElement?.id')).toBe('f-owner-name');
    expect(await phoneError.isVisible()).toBe(true);
    expect(await page.locator('.error-summary').textContent()).toContain('請更正以下 2 項');
    // An email clears "a phone or an email" at the phone; a wrong phone shows its own problem.
    await page.getByLabel('電郵').fill('chan@example.com');
    await phoneError.waitFor({ state: 'detached' });
    await page.locator('#f-owner-phone').fill('12');
    expect(await phoneError.count()).toBe(0); // nothing new before the next submit
    await page.getByLabel('投訴內容（重點）').fill('浴室天花板漏水。');
    await contentError.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: '提交投訴' }).click();
    await expect.poll(() => phoneError.textContent()).toContain('電話號碼');
    await page.locator('#f-owner-phone').fill('+852 9123 4567');
    await phoneError.waitFor({ state: 'detached' });
    expect(await page.locator('.error-summary').count()).toBe(0);
    await screenshot(page, 'issue15-06-errors-cleared');

    // A decision form, in English: the supervisor's review.
    const ref = await logComplaint({
      owner: { name: '馬太', phone: '+852 2111 2222' },
      content: '管理費單據有誤。',
    });
    page = await pages.fresh();
    await signInAs(page, base, R.supervisor, `/complaints/${ref}`);
    await speak('en');
    await page.getByRole('button', { name: 'Submit' }).click();
    const opinionError = page.locator('#f-opinion-error');
    const departmentError = page.locator('#f-department-error');
    await opinionError.waitFor();
    expect(await departmentError.textContent()).toBe('Choose one.');
    await page.getByLabel('Handling opinion').fill('Finance to reissue the bill');
    await opinionError.waitFor({ state: 'detached' });
    expect(await departmentError.isVisible()).toBe(true);
    await page.getByLabel('Responsible department').selectOption('finance');
    await departmentError.waitFor({ state: 'detached' });

    // A report period, in 简体中文, typed month/year whatever the browser.
    page = await pages.fresh('en-US');
    await signInAs(page, base, R.customerService, '/reports');
    await speak('zh-Hans');
    const period = page.locator('input[name="period"]');
    expect(await period.getAttribute('type')).toBe('text');
    expect(await period.getAttribute('placeholder')).toBe('月/年');
    await period.fill('13/2026');
    await page.getByRole('button', { name: '制作报告' }).click();
    const periodError = page.locator('#period-error');
    await expect.poll(() => periodError.textContent()).toBe('请以 月/年 输入月份，例如 11/2026。');
    await period.fill('11/2026');
    await periodError.waitFor({ state: 'detached' });
  });

  it('clears the new complaint’s draft only once the person confirms it', async () => {
    page = await pages.fresh();
    await signInAs(page, base, R.reception, '/complaints/new');
    await page.getByLabel('業主姓名').fill('何先生');
    await page.getByLabel('投訴內容（重點）').fill('停車場燈光不足。');
    await page.reload();
    await page.getByText('已恢復未提交的草稿。').waitFor();
    expect(await page.getByLabel('業主姓名').inputValue()).toBe('何先生');
    expect(await page.getByLabel('投訴內容（重點）').inputValue()).toBe('停車場燈光不足。');

    // Asked first; keeping it changes nothing.
    await page.getByRole('button', { name: '清除草稿' }).click();
    const dialog = page.getByTestId('confirm-discard');
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').textContent()).toBe('清除此草稿？');
    await screenshot(page, 'issue15-07-discard-confirm');
    await dialog.getByRole('button', { name: '繼續填寫' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByLabel('業主姓名').inputValue()).toBe('何先生');
    await page.reload();
    await page.getByText('已恢復未提交的草稿。').waitFor();
    expect(await page.getByLabel('投訴內容（重點）').inputValue()).toBe('停車場燈光不足。');

    // Confirmed (in English): gone, and a reload brings nothing back.
    await speak('en');
    await page.getByRole('button', { name: 'Discard draft' }).click();
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('this cannot be undone');
    await dialog.getByRole('button', { name: 'Discard draft' }).click();
    await page.getByText('The draft was discarded.').waitFor();
    expect(await page.getByLabel('Owner name').inputValue()).toBe('');
    await page.reload();
    expect(await page.getByLabel('Owner name').inputValue()).toBe('');
    expect(await page.getByText('Your unsent draft was restored.').count()).toBe(0);
  });

  it('takes the mail log’s day as dd/mm/yyyy in an American browser, and says what is wrong with one that does not exist', async () => {
    page = await pages.fresh('en-US');
    await signInAs(page, base, R.reception, '/mail?show=day&day=2026-12-07');
    await speak('en');
    const day = page.getByLabel('Day (Hong Kong time)');
    expect(await day.getAttribute('type')).toBe('text');
    expect(await day.inputValue()).toBe('07/12/2026');
    await day.fill('31/02/2026');
    await page.getByRole('button', { name: 'Filter' }).click();
    const problem = page.locator('#mail-day-error');
    await expect.poll(() => problem.textContent()).toBe('There is no such date or time.');
    await day.fill('06/12/2026');
    await problem.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((url) => url.searchParams.get('day') === '2026-12-06');
    await screenshot(page, 'issue15-08-mail-day');
  });
});
