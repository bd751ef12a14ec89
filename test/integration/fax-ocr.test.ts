import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import nodemailer from 'nodemailer';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCR_FAILURE_REASONS } from '#config/ocr.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';
import { faxGatewayMessage } from '../intake/messages.ts';

/**
 * The OCR of a fax end to end on the local stack (issue 19 §1-2): a fax-to-email message from
 * the gateway opens a complaint on the Transcribe fax task at once, and its pages are read
 * afterwards by read-fax-pages (started asynchronously, on the function thread as on Lambda):
 * the complaint then shows `ocr` done with the owner's name and phone suggested, or failed with
 * the reason while the task stays the clerk's.
 */
const FAX_GATEWAY = 'gateway@faxmail.example';
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'fax');

let t: TestStack;
let api: ReturnType<typeof staffClient>;
let waitFor: ReturnType<TestStack['recordTasks']>;

interface OcrView {
  status: string;
  reason?: string;
  message?: string;
  pages?: { text: string; confidence: number }[];
  suggestion?: Record<string, { value: string; confidence: number }>;
}
interface View {
  ref: string;
  ocr?: OcrView;
  tasks: { id: string; step: string }[];
}

beforeAll(async () => {
  process.env.FAX_GATEWAY_ADDRESSES = FAX_GATEWAY;
  t = await startTestStack();
  api = staffClient(t);
  waitFor = t.recordTasks();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

async function deliverFax(file: { name: string; type: string; content: Buffer }): Promise<string> {
  const raw = faxGatewayMessage({ from: FAX_GATEWAY, subject: 'Fax from +852 2345 6789 (1 page)', file });
  const info = await nodemailer
    .createTransport({ host: '127.0.0.1', port: t.stack.smtpPort, secure: false, ignoreTLS: true })
    .sendMail({ envelope: { from: FAX_GATEWAY, to: ['fax@estate.example'] }, raw });
  const sesId = /queued as ([0-9a-f]+)/.exec(info.response)?.[1];
  if (!sesId) throw new Error(`Not accepted: ${info.response}`);
  await t.stack.mailIdle();
  const day = new Date().toISOString().slice(0, 10);
  const line = await t.db.send(
    new GetCommand({ TableName: t.stack.tableName, Key: { PK: `MAILLOG#${day}`, SK: `MSG#${sesId}` } }),
  );
  return String(line.Item?.ref);
}

async function view(ref: string): Promise<View> {
  const answer = await api.get<View>('reception.kowloon-east', `/api/complaints/${ref}`);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** The complaint once its OCR is no longer pending (the function runs after intake). */
async function afterOcr(ref: string, withinMs = 120_000): Promise<View> {
  const until = Date.now() + withinMs;
  for (;;) {
    const seen = await view(ref);
    if (seen.ocr?.status !== 'pending' || Date.now() > until) return seen;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('a fax read by OCR after intake', () => {
  it('is on the Transcribe fax task at once, and shortly after shows the owner and phone suggested', async () => {
    // One page of the Traditional letters (陳美玲, 9123 4567), as a gateway sends it: CCITT G4.
    const page = await sharp(readFileSync(join(FIXTURES, 'hant-fine-g4.tif')), { page: 0 })
      .toColourspace('b-w')
      .tiff({ compression: 'ccittfax4', bitdepth: 1, xres: 8.03, yres: 7.72 })
      .toBuffer();
    const ref = await deliverFax({ name: 'fax-0001.tif', type: 'image/tiff', content: page });
    expect((await waitFor(ref)).stateName).toBe('Transcribe fax');
    // Intake did not wait for the pages: the complaint is open and waits on OCR.
    const opened = await view(ref);
    expect(opened.tasks.map((x) => x.step)).toContain('transcribeFax');
    expect(opened.ocr?.status).toMatch(/^(pending|done)$/);

    const read = await afterOcr(ref);
    expect(read.ocr?.status).toBe('done');
    expect(read.ocr?.suggestion?.ownerName?.value).toBe('陳美玲');
    expect(read.ocr?.suggestion?.phone?.value.replace(/\D/g, '')).toBe('91234567');
    expect(read.ocr?.suggestion?.phone?.confidence).toBeGreaterThan(0.5);
    expect(read.ocr?.pages).toHaveLength(1);
    expect(read.ocr?.pages?.[0]?.text).toContain('海濱花園');
    // The clerk still transcribes: the task is open, nothing was filled in for them.
    expect(read.tasks.map((x) => x.step)).toContain('transcribeFax');
  }, 180_000);

  it('of a 0-byte TIFF ends failed with its reason, and the Transcribe fax task stays open', async () => {
    const ref = await deliverFax({
      name: 'fax-0002.tif',
      type: 'image/tiff',
      content: readFileSync(join(FIXTURES, 'bad-empty.tif')),
    });
    expect((await waitFor(ref)).stateName).toBe('Transcribe fax');
    const read = await afterOcr(ref);
    expect(read.ocr).toMatchObject({ status: 'failed', reason: 'empty', message: OCR_FAILURE_REASONS.empty });
    expect(read.tasks.map((x) => x.step)).toContain('transcribeFax');
  }, 180_000);
});
