import { readFileSync } from 'node:fs';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';

/**
 * Received mail in the staff web app, in Chromium against the whole local stack: an emailed
 * fax's pages on the complaint (and on its *Transcribe fax* task) downloaded from S3 through
 * short-lived links, and the *Mail* page where reception reviews held and quarantined mail and
 * releases it into a complaint. Screenshots go to test-artifacts/screenshots/.
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

const INTAKE = 'complaints@estate.example';

/** A new browser context (a new person at a new PC), after checking the last page had no errors. */
async function freshPage(): Promise<Page> {
  page = await pages.fresh();
  return page;
}

/** Sends one message to the local SES receiving stand-in, waits for intake, returns its SES id. */
async function deliver(message: SendMailOptions): Promise<string> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.stack.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  const info = await transport.sendMail({ to: INTAKE, ...message });
  transport.close();
  await t.stack.mailIdle();
  const sesId = /queued as ([0-9a-f]+)/.exec(info.response)?.[1];
  if (!sesId) throw new Error(`Not accepted: ${info.response}`);
  return sesId;
}

interface MailLine {
  id: string;
  outcome: string;
  ref?: string;
  reason?: string;
}

/** The mail-log line of a message, as head office sees it (today or, past midnight UTC, yesterday). */
async function mailLine(sesId: string): Promise<MailLine> {
  for (const at of [Date.now(), Date.now() - 86_400_000]) {
    const day = new Date(at).toISOString().slice(0, 10);
    const { body } = await api.get<{ items: MailLine[] }>(
      'customer-service.kowloon-east',
      `/api/mail?day=${day}&limit=200`,
    );
    const line = body.items.find((item) => item.id.endsWith(`.${sesId}`));
    if (line) return line;
  }
  throw new Error(`No mail-log line for ${sesId}`);
}

/** Clicks a download button and returns what the browser saved, and under which name. */
async function downloadBy(name: string): Promise<{ bytes: Buffer; filename: string }> {
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name, exact: true }).first().click();
  const download = await downloading;
  return { bytes: readFileSync(await download.path()), filename: download.suggestedFilename() };
}

describe('mail in the staff web app', () => {
  it('shows an emailed fax’s pages on its Transcribe fax task and its correspondence, downloads them from S3, and never offers an executable', async () => {
    const pageOne = Buffer.from('%PDF-1.4\n% fax page 1\n%%EOF\n');
    const waitingTask = t.recordTasks();
    const faxId = await deliver({
      from: '陳大文 <chan.fax@example.com>',
      subject: '升降機故障',
      text: '',
      attachments: [{ filename: '傳真第1頁.pdf', content: pageOne, contentType: 'application/pdf' }],
    });
    const opened = await mailLine(faxId);
    expect(opened.outcome).toBe('complaint-opened');
    const ref = opened.ref ?? '';
    expect((await waitingTask(ref)).stateName).toBe('Transcribe fax');

    // Reception's task: the fax's pages are right there, above the transcription form.
    await freshPage();
    await signInAs(page, base, 'reception.kowloon-east', `/complaints/${ref}`);
    const faxPages = page.getByTestId('fax-pages');
    await faxPages.getByText('傳真第1頁.pdf').waitFor();
    expect(await faxPages.textContent()).toContain('請下載並閱讀傳真頁面');
    await screenshot(page, 'mail-01-transcribe-fax-pages');
    const first = await downloadBy('下載 傳真第1頁.pdf');
    // The Mail page's view of a message that became a complaint points to where its text is,
    // rather than saying it has none (the log keeps the text of mail that did not).
    await page.goto(`${base}/mail/${encodeURIComponent(opened.id)}`);
    const mailText = page.getByTestId('mail-text');
    await mailText.getByRole('link', { name: ref }).waitFor();
    expect(await mailText.textContent()).toContain('文字內容保存在該投訴的往來電郵');
    expect(await mailText.textContent()).not.toContain('沒有文字內容');
    await page.goto(`${base}/complaints/${ref}`);
    await faxPages.getByText('傳真第1頁.pdf').waitFor();
    expect(first.filename).toBe('傳真第1頁.pdf');
    expect(first.bytes.equals(pageOne)).toBe(true);

    // The owner sends the second page, and something that is no document at all.
    const pageTwo = Buffer.from('%PDF-1.4\n% fax page 2\n%%EOF\n');
    const replyId = await deliver({
      from: 'chan.fax@example.com',
      subject: `Re: [${ref}] 升降機故障`,
      text: '補充第二頁。',
      attachments: [
        { filename: '傳真第2頁.pdf', content: pageTwo, contentType: 'application/pdf' },
        {
          filename: 'invoice.pdf.exe',
          content: Buffer.from('MZ\x90\x00\x03\x00\x00\x00'),
          contentType: 'application/octet-stream',
        },
      ],
    });
    expect(await mailLine(replyId)).toMatchObject({ outcome: 'threaded', ref });

    await page.reload();
    const correspondence = page.locator('section[aria-labelledby="mail-heading"]');
    await correspondence.getByText('傳真第2頁.pdf').waitFor();
    // The timeline says which email came (its subject) and which step's task opened.
    const timeline = await page.getByTestId('timeline').textContent();
    expect(timeline).toContain(`收到業主電郵：Re: [${ref}] 升降機故障`);
    expect(timeline).toContain('開出工作：謄寫傳真投訴內容');
    const exe = correspondence.locator('li[data-file="invoice.pdf.exe"]');
    expect(await exe.getByTestId('executable').textContent()).toContain('切勿開啟，不提供下載');
    expect(await exe.getByRole('button').count()).toBe(0);
    expect(await page.getByRole('button', { name: '下載 invoice.pdf.exe' }).count()).toBe(0);
    await correspondence.scrollIntoViewIfNeeded();
    await screenshot(page, 'mail-02-correspondence-attachments');
    const second = await downloadBy('下載 傳真第2頁.pdf');
    expect(second.filename).toBe('傳真第2頁.pdf');
    expect(second.bytes.equals(pageTwo)).toBe(true);

    // The same links, and who gets them: the area's staff and head office, nobody else.
    const reply = (await mailLine(replyId)).id;
    const link = (index: number) => `/api/complaints/${ref}/mail/${reply}/attachments/${index}`;
    const mine = await api.get<{ url: string; expiresAt: string }>('supervisor.kowloon-east', link(0));
    expect(mine.status).toBe(200);
    expect(Date.parse(mine.body.expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    expect((await api.get('customer-service.hk-island', link(0))).status).toBe(200);
    const foreign = await api.get<Record<string, unknown>>('supervisor.hk-island', link(0));
    expect(foreign.status).toBe(403);
    expect(foreign.body.url).toBeUndefined();
    expect((await api.get('reception.kowloon-east', link(1))).status).toBe(403);
    expect((await api.get('reception.kowloon-east', link(2))).status).toBe(404);
  });

  it('lists held and quarantined mail on the Mail page, shows a message as text only, and lets reception release it into a complaint with the keyboard', async () => {
    const heldId = await deliver({
      from: 'no-reply@example.com',
      subject: '查詢管理費',
      text: '請問本月管理費幾時截數？',
    });
    const quarantinedId = await deliver({
      from: '李小姐 <lee@example.com>',
      subject: '大堂冷氣機漏水',
      headers: { 'X-Local-Verdict': 'spam=FAIL' },
      text: '大堂冷氣機漏水，地面濕滑。<b>請盡快處理</b>',
      html: '<p>大堂冷氣機漏水<img src="x" onerror="window.__pwned = 1"></p>',
      attachments: [
        { filename: '相片.jpg', content: Buffer.from('\xff\xd8\xff\xe0 photo'), contentType: 'image/jpeg' },
      ],
    });
    const held = await mailLine(heldId);
    const quarantined = await mailLine(quarantinedId);
    expect(held).toMatchObject({ outcome: 'held', reason: 'no-reply-sender' });
    expect(quarantined).toMatchObject({ outcome: 'quarantined', reason: 'spam-verdict-fail' });

    // Departments do not review mail: no Mail page for them.
    await freshPage();
    await signInAs(page, base, 'engineering.kowloon-east');
    await page.getByRole('heading', { name: '我的工作' }).waitFor();
    expect(await page.getByRole('link', { name: '郵件', exact: true }).count()).toBe(0);

    await freshPage();
    await signInAs(page, base, 'reception.kowloon-east');
    await page.getByRole('link', { name: '郵件', exact: true }).click();
    await page.getByRole('heading', { name: '收到的郵件' }).waitFor();
    const heldRow = page.locator(`tr[data-mail-id="${held.id}"]`);
    const quarantinedRow = page.locator(`tr[data-mail-id="${quarantined.id}"]`);
    await heldRow.waitFor();
    expect(await heldRow.textContent()).toContain('no-reply@example.com');
    expect(await heldRow.textContent()).toContain('暫停');
    expect(await heldRow.textContent()).toContain('寄件地址不接收回覆');
    expect(await quarantinedRow.textContent()).toContain('李小姐 <lee@example.com>');
    expect(await quarantinedRow.textContent()).toContain('隔離');
    expect(await quarantinedRow.textContent()).toContain('垃圾郵件檢查不通過');
    expect(await quarantinedRow.textContent()).toContain('1 個附件');
    await screenshot(page, 'mail-03-mail-waiting');

    // Filtered by outcome: only the quarantined message.
    await page.getByLabel('處理結果').selectOption('quarantined');
    await page.getByRole('button', { name: '篩選' }).click();
    await page.waitForURL((url) => url.search === '?outcome=quarantined');
    await expect.poll(() => heldRow.count()).toBe(0);
    await quarantinedRow.waitFor();

    // The message: decoded text shown as text, never as HTML; its attachment listed.
    await quarantinedRow.getByRole('link', { name: '大堂冷氣機漏水' }).click();
    await page.getByRole('heading', { name: '大堂冷氣機漏水' }).waitFor();
    const text = page.getByTestId('mail-text');
    expect(await text.textContent()).toBe('大堂冷氣機漏水，地面濕滑。<b>請盡快處理</b>');
    expect(await text.locator('b, img').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.getByTestId('mail-files').textContent()).toContain('相片.jpg');
    expect(await page.getByTestId('mail-from').textContent()).toBe('李小姐 <lee@example.com>');

    // Release, by keyboard alone. Without an area and without confirming: both refused at their fields.
    const focusOn = async (id: string) => {
      for (let i = 0; i < 40; i++) {
        if ((await page.evaluate('document.activeElement?.id')) === id) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached #${id}`);
    };
    await focusOn('f-area');
    await page.keyboard.press('Home'); // 請選擇
    expect(await page.locator('#f-area').inputValue()).toBe('');
    await page.keyboard.press('Tab'); // the confirmation
    await page.keyboard.press('Tab'); // the button
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#f-area-error').textContent()).toBe('請選擇一項。');
    expect(await page.locator('#f-confirm-error').textContent()).toBe('請先閱讀郵件並確認。');
    await screenshot(page, 'mail-04-release-errors');
    expect((await mailLine(quarantinedId)).outcome).toBe('quarantined');

    await focusOn('f-area');
    await page.keyboard.press('ArrowDown'); // 九龍東, the intake address's area
    expect(await page.locator('#f-area').inputValue()).toBe('kowloon-east');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    expect(await page.locator('#f-confirm').isChecked()).toBe(true);
    const waitingTask = t.recordTasks();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const released = page.getByTestId('released');
    await released.waitFor();
    const ref = /KE-\d{4}-\d{4}/.exec((await released.textContent()) ?? '')?.[0] ?? '';
    expect(ref).not.toBe('');
    await waitingTask(ref);
    await page.getByTestId('release-form').waitFor({ state: 'detached' });
    await screenshot(page, 'mail-05-released');

    // The complaint, one link away: opened from the message, its photo downloadable.
    await page.getByRole('link', { name: `查看投訴 ${ref}` }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `投訴 ${ref}` }).waitFor();
    await page.getByRole('button', { name: '下載 相片.jpg' }).waitFor();
    const record = await api.get<Record<string, unknown>>('reception.kowloon-east', `/api/complaints/${ref}`);
    expect(record.body).toMatchObject({
      channel: 'email',
      area: 'kowloon-east',
      email: { releasedFrom: 'quarantined' },
    });

    // The day's log now says what became of it, with the link to the complaint.
    await page.goBack();
    await page.getByRole('heading', { name: '大堂冷氣機漏水' }).waitFor();
    await page.getByRole('link', { name: '返回郵件列表' }).click();
    await page.getByLabel('顯示').selectOption('day');
    await page.getByLabel('處理結果').selectOption('released');
    await page.getByRole('button', { name: '篩選' }).click();
    const releasedRow = page.locator(`tr[data-mail-id="${quarantined.id}"]`);
    await releasedRow.waitFor();
    expect(await releasedRow.textContent()).toContain('已放行成為投訴');
    expect(await releasedRow.getByRole('link', { name: ref }).getAttribute('href')).toBe(
      `/complaints/${ref}`,
    );
    expect(await page.locator(`tr[data-mail-id="${held.id}"]`).count()).toBe(0);
    await screenshot(page, 'mail-06-day-log-released');

    // In English and in simplified Chinese too.
    await page.getByLabel('語言').selectOption('en');
    await page.getByRole('heading', { name: 'Mail received' }).waitFor();
    expect(await releasedRow.textContent()).toContain('Released into a complaint');
    await page.goto(`${base}/mail`);
    await page.locator(`tr[data-mail-id="${held.id}"]`).waitFor();
    expect(await page.locator(`tr[data-mail-id="${held.id}"]`).textContent()).toContain(
      'the sender address takes no replies',
    );
    await screenshot(page, 'mail-07-mail-english');
    await page.getByLabel('Language').selectOption('zh-Hans');
    await page.getByRole('heading', { name: '收到的邮件' }).waitFor();
  });

  it('pages a day of more mail than one page holds with Load more', async () => {
    // 260 automatic replies in one UTC day's log: more than the page of 200 the Mail page asks for.
    const day = '2026-10-14';
    const items = Array.from({ length: 260 }, (_, i) => {
      const receivedAt = new Date(Date.parse(`${day}T08:00:00.000+08:00`) + i * 120_000).toISOString();
      const sesMessageId = `morepages${String(i).padStart(4, '0')}`;
      return {
        PK: `MAILLOG#${receivedAt.slice(0, 10)}`,
        SK: `MSG#${sesMessageId}`,
        type: 'mail-log',
        id: `${receivedAt.slice(0, 10)}.${sesMessageId}`,
        sesMessageId,
        receivedAt,
        area: 'kowloon-east',
        outcome: 'auto-reply',
        from: `owner${i}@example.com`,
        subject: `自動回覆 ${i}`,
        rawMessage: { bucket: 'raw', key: `incoming/${sesMessageId}`, bytes: 100 },
      };
    });
    const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
    for (let i = 0; i < items.length; i += 25) {
      await t.db.send(
        new BatchWriteCommand({
          RequestItems: {
            [t.stack.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
          },
        }),
      );
    }
    await freshPage();
    await signInAs(page, base, 'reception.kowloon-east', `/mail?show=day&day=${day}`);
    const rows = page.getByTestId('mail-log').locator('tbody tr');
    await rows.first().waitFor();
    const first = await rows.count();
    expect(first).toBeLessThan(260);
    await page.getByTestId('mail-more').click();
    // Polled from here: a string waitForFunction is an eval, which the app's CSP refuses.
    await expect.poll(() => rows.count()).toBe(260);
    expect(await page.getByTestId('mail-more').count()).toBe(0);
    const times = await rows.evaluateAll((cells) =>
      cells.map((row) => row.getAttribute('data-mail-id') ?? ''),
    );
    expect(new Set(times).size).toBe(260);
    await screenshot(page, 'mail-load-more');
  });
});
