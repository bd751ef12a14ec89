import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPages, screenshot, signInAs, staffName } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';
import { type OutboxEmail, outbox } from '../harness/staff-client.ts';
import { newMessageId } from '../intake/messages.ts';

/**
 * *Write to the owner* on the staff complaint page, in Chromium against the whole local stack:
 * an owner's email opens a complaint; follow-up staff answer it from the app (the subject offered
 * as a reply to the owner's, a missing message answered at its field, a double click sending
 * once); the email is in the SES outbox and on the complaint's correspondence and timeline and
 * Form 17; the owner's reply comes back to the same complaint; in 繁體, 简体 and English.
 * Screenshots go to test-artifacts/screenshots/.
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

const OWNER = 'ho.ka.yan@example.com';
const OWNER_SUBJECT = '廚房水喉漏水';
const WORDS = '何小姐您好：\n工程部會於星期四上午十時到府上更換水喉，約需一小時。';

async function freshPage(): Promise<Page> {
  page = await pages.fresh();
  return page;
}

/** Delivers a raw message to the SMTP intake; resolves with its SES id once intake handled it. */
async function deliver(lines: string[]): Promise<string> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.stack.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  const info = await transport.sendMail({
    envelope: { from: OWNER, to: ['complaints@estate.example'] },
    raw: Buffer.from([...lines, ''].join('\r\n')),
  });
  transport.close();
  await t.stack.mailIdle();
  const sesId = /queued as ([0-9a-f]+)/.exec(info.response)?.[1];
  if (!sesId) throw new Error(`Not accepted: ${info.response}`);
  return sesId;
}

/** The complaint a message opened or was filed on, from the mail log as head office reads it. */
async function refOf(sesId: string): Promise<string> {
  for (const at of [Date.now(), Date.now() - 86_400_000]) {
    const day = new Date(at).toISOString().slice(0, 10);
    const { body } = await api.get<{ items: { id: string; ref?: string; outcome: string }[] }>(
      'customer-service.kowloon-east',
      `/api/mail?day=${day}&limit=200`,
    );
    const line = body.items.find((item) => item.id.endsWith(`.${sesId}`));
    if (line?.ref) return line.ref;
  }
  throw new Error(`No complaint for ${sesId}`);
}

const encoded = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
const header = (email: OutboxEmail, name: string) =>
  email.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
/** What staff wrote to the owner (the product's own notices say Auto-Submitted). */
const writtenTo = async (address: string) =>
  (await outbox(t)).filter((e) => e.destination.to.includes(address) && !header(e, 'Auto-Submitted'));

describe('writing to the owner from the complaint page', () => {
  it('answers the owner’s email from the app, once however it is clicked, and the owner’s reply comes back to the complaint', async () => {
    const ownerMessageId = newMessageId();
    const ref = await refOf(
      await deliver([
        `From: ${encoded('何家欣')} <${OWNER}>`,
        'To: complaints@estate.example',
        `Subject: ${encoded(OWNER_SUBJECT)}`,
        `Message-ID: <${ownerMessageId}>`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        '廚房星盆下的水喉一直滴水，請派人維修。',
      ]),
    );

    await freshPage();
    await signInAs(page, base, 'followup.kowloon-east', `/complaints/${ref}`);
    await page.getByRole('heading', { name: `投訴 ${ref}` }).waitFor();
    const form = page.getByTestId('owner-message');
    expect(await form.isVisible()).toBe(false);
    await page.getByRole('heading', { name: '寫信給業主' }).click();
    await form.waitFor();
    // The subject is offered as an answer to the owner's email; the box says where it goes.
    expect(await form.getByLabel('主旨').inputValue()).toBe(`Re: ${OWNER_SUBJECT}`);
    expect(await form.textContent()).toContain(OWNER);

    // No words: answered at the field, in Chinese, and nothing is sent.
    await form.getByRole('button', { name: '寄出' }).click();
    await expect.poll(() => page.locator('#f-ownerMessage-text-error').textContent()).toBe('請填寫此欄。');
    expect(await form.getByLabel('內容').getAttribute('aria-invalid')).toBe('true');
    expect(await form.textContent()).not.toMatch(/ownerMessage\.|error\.|Error|at \w+ \(/);
    await screenshot(page, 'owner-message-01-no-text');
    expect(await writtenTo(OWNER)).toEqual([]);

    // Written and sent with a double click: one email.
    await form.getByLabel('內容').fill(WORDS);
    await screenshot(page, 'owner-message-02-filled');
    await form.getByRole('button', { name: '寄出' }).dblclick();
    const sentNotice = form.getByRole('status');
    await sentNotice.waitFor();
    expect(await sentNotice.textContent()).toBe(`已寄給 ${OWNER}。`);
    expect(await form.getByLabel('內容').inputValue()).toBe('');

    const sent = await writtenTo(OWNER);
    expect(sent).toHaveLength(1);
    const email = sent[0] as OutboxEmail;
    expect(email.subject).toBe(`[${ref}] Re: ${OWNER_SUBJECT}`);
    expect(header(email, 'In-Reply-To')).toBe(`<${ownerMessageId}>`);
    expect(email.body.text).toContain('親愛的何家欣業主：');
    expect(email.body.text).toContain('工程部會於星期四上午十時到府上更換水喉');

    // On the correspondence: sent, by whom, and readable as the owner got it.
    const correspondence = page.getByTestId('correspondence');
    const line = correspondence.locator('li', { hasText: `[${ref}] Re: ${OWNER_SUBJECT}` });
    await line.waitFor();
    expect(await line.textContent()).toContain('發出');
    expect(await line.getByTestId('mail-sent-by').textContent()).toBe(
      `由${staffName('followup.kowloon-east')}（跟進人員）撰寫`,
    );
    expect(await line.textContent()).toContain('工程部會於星期四上午十時');
    await line.getByRole('button', { name: `閱讀電郵「[${ref}] Re: ${OWNER_SUBJECT}」` }).click();
    const body = line.getByTestId('mail-body');
    await body.waitFor();
    expect(await body.textContent()).toContain('親愛的何家欣業主：');
    expect(await body.textContent()).toContain(`請保留主旨中的參考編號 [${ref}]`);
    // On the timeline, signed by the writer.
    const event = page.getByTestId('timeline').locator('li', { hasText: '電郵業主：' });
    expect(await event.count()).toBe(1);
    expect(await event.textContent()).toContain(`${staffName('followup.kowloon-east')}（跟進人員）`);
    expect(await event.textContent()).toContain(`[${ref}] Re: ${OWNER_SUBJECT}`);
    await screenshot(page, 'owner-message-03-sent');

    // The owner answers our email (no reference in the subject): it lands on this complaint.
    const ours = String(header(email, 'Message-ID')).replace(/[<>]/g, '');
    const replyId = await deliver([
      `From: ${encoded('何家欣')} <${OWNER}>`,
      'To: complaints@estate.example',
      `Subject: ${encoded('星期四上午可以')}`,
      `Message-ID: <${newMessageId()}>`,
      `In-Reply-To: <${ours}>`,
      `References: <${ours}>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      '星期四上午家中有人，謝謝。',
    ]);
    expect(await refOf(replyId)).toBe(ref);
    await page.reload();
    const reply = page.getByTestId('correspondence').locator('li', { hasText: '星期四上午可以' });
    await reply.waitFor();
    expect(await reply.textContent()).toContain('收到');
    expect(await reply.textContent()).toContain('星期四上午家中有人');
    // The next answer is offered as a reply to that one.
    await page.getByRole('heading', { name: '寫信給業主' }).click();
    expect(await page.getByTestId('owner-message').getByLabel('主旨').inputValue()).toBe(
      'Re: 星期四上午可以',
    );
    await screenshot(page, 'owner-message-04-owner-replied');

    // Form 17's follow-up records list it.
    await page.getByRole('link', { name: '投訴處理記錄表（列印）' }).click();
    const form17 = page.getByTestId('form17');
    await form17.waitFor();
    expect(await form17.textContent()).toContain('職員電郵業主');
    await screenshot(page, 'owner-message-05-form17');
  }, 180_000);

  it('is in 简体中文 and English too, and says to phone an owner with no email', async () => {
    const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      owner: { name: '鄧伯', phone: '+852 2345 6789' },
      content: '停車場燈壞了。',
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    });
    expect(created.status).toBe(201);
    await freshPage();
    await signInAs(page, base, 'supervisor.kowloon-east', `/complaints/${created.body.ref}`);
    await page.getByRole('heading', { name: `投訴 ${created.body.ref}` }).waitFor();
    await page.getByRole('heading', { name: '寫信給業主' }).click();
    const noEmail = page.getByTestId('owner-message-no-email');
    await noEmail.waitFor();
    expect(await noEmail.textContent()).toBe('紀錄上沒有業主的電郵地址，請致電業主：+852 2345 6789。');
    expect(await page.getByTestId('owner-message').count()).toBe(0);

    await page.getByLabel('語言').selectOption('zh-Hans');
    await page.getByRole('heading', { name: '写信给业主' }).waitFor();
    expect(await noEmail.textContent()).toBe('记录上没有业主的电邮地址，请致电业主：+852 2345 6789。');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Write to the owner' }).waitFor();
    expect(await noEmail.textContent()).toBe(
      'There is no email address for the owner on record: phone the owner on +852 2345 6789.',
    );
    await screenshot(page, 'owner-message-06-no-email-english');

    // An owner with email, in English: the form's labels and its field problem.
    const withEmail = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'walk-in',
      area: 'kowloon-east',
      owner: { name: 'Mr Wong', email: 'wong@example.com' },
      content: 'The lobby door does not close.',
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true },
    });
    await page.goto(`${base}/complaints/${withEmail.body.ref}`);
    await page.getByRole('heading', { name: 'Write to the owner' }).click();
    const form = page.getByTestId('owner-message');
    await form.waitFor();
    expect(await form.getByLabel('Subject').inputValue()).toBe('');
    await form.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.locator('#f-ownerMessage-text-error').textContent()).toBe('Fill this in.');
    await form.getByLabel('Message').fill('We will fix the door tomorrow morning.');
    await form.getByRole('button', { name: 'Send' }).click();
    await form.getByRole('status').waitFor();
    expect(await form.getByRole('status').textContent()).toBe('Sent to wong@example.com.');
    const line = page
      .getByTestId('correspondence')
      .locator('li', { hasText: `[${withEmail.body.ref}] 有關您的投訴 About your complaint` });
    await line.waitFor();
    expect(await line.getByTestId('mail-sent-by').textContent()).toBe(
      `written by ${staffName('supervisor.kowloon-east')} (Supervisor)`,
    );
    await screenshot(page, 'owner-message-07-english-sent');
  }, 180_000);
});
