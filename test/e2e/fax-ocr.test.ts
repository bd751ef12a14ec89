import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPages, screenshot, signInAs } from '../harness/browser.ts';
import { type BrowserStack, browserStackPerFile } from '../harness/browser-stack.ts';
import type { TestStack } from '../harness/local-stack.ts';

/**
 * The Transcribe fax task in Chromium once OCR has read the fax (issue 19 §2): the form starts
 * with the fields OCR suggested, each said to be suggested by OCR with how sure it was, and
 * nothing is submitted until the clerk does.
 */
const e2e = browserStackPerFile();
let t: TestStack;
let base: string;
let api: BrowserStack['api'];
let pages: BrowserPages;
beforeAll(() => {
  ({ t, base, api, pages } = e2e);
});

interface View {
  ocr?: { status: string };
  tasks: { step: string }[];
}

describe('the Transcribe fax task after OCR', () => {
  it('starts with the owner and phone OCR suggested, says so, and waits for the clerk', async () => {
    const tiff = await sharp(
      readFileSync(join(import.meta.dirname, '..', 'fixtures', 'fax', 'hant-fine-g4.tif')),
      {
        page: 0,
      },
    )
      .toColourspace('b-w')
      .tiff({ compression: 'ccittfax4', bitdepth: 1, xres: 8.03, yres: 7.72 })
      .toBuffer();
    const waitingTask = t.recordTasks();
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.stack.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    const info = await transport.sendMail({
      from: 'fax.sender@example.com',
      to: 'fax@estate.example',
      subject: '傳真',
      text: '',
      attachments: [{ filename: 'fax.tif', content: tiff, contentType: 'image/tiff' }],
    });
    transport.close();
    await t.stack.mailIdle();
    const sesId = /queued as ([0-9a-f]+)/.exec(info.response)?.[1];
    const day = new Date().toISOString().slice(0, 10);
    const { body } = await api.get<{ items: { id: string; ref?: string }[] }>(
      'customer-service.kowloon-east',
      `/api/mail?day=${day}&limit=200`,
    );
    const ref = body.items.find((item) => item.id.endsWith(`.${sesId}`))?.ref ?? '';
    expect((await waitingTask(ref)).stateName).toBe('Transcribe fax');
    const until = Date.now() + 120_000;
    let seen: View;
    do {
      seen = (await api.get<View>('reception.kowloon-east', `/api/complaints/${ref}`)).body;
      if (seen.ocr?.status !== 'pending') break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    } while (Date.now() < until);
    expect(seen.ocr?.status).toBe('done');

    const page: Page = await pages.fresh();
    await signInAs(page, base, 'reception.kowloon-east', `/complaints/${ref}`);
    const hint = page.getByTestId('ocr-suggestion');
    await hint.waitFor();
    expect(await hint.textContent()).toContain('OCR 建議');
    expect(await page.getByTestId('ocr-ownerName').textContent()).toMatch(/由 OCR 建議（把握 \d+%）/);
    expect(await page.getByTestId('ocr-phone').textContent()).toMatch(/由 OCR 建議（把握 \d+%）/);
    expect(await page.getByLabel('業主姓名').inputValue()).toBe('陳美玲');
    expect((await page.getByLabel('電話').first().inputValue()).replace(/\D/g, '')).toBe('91234567');
    await screenshot(page, 'fax-ocr-01-suggested');
    // Prefilled, not submitted: the task is still reception's.
    const after = (await api.get<View>('reception.kowloon-east', `/api/complaints/${ref}`)).body;
    expect(after.tasks.map((task) => task.step)).toContain('transcribeFax');
  }, 240_000);
});
