import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#config/functions.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import type { ReportSummary } from '#domain/report/data.ts';
import { type RetentionRun, runRetention } from '#services/retention-run.ts';
import { invokeLocal, type LocalHandler } from '../../local/runtime/lambda-runtime.ts';
import { LOCAL_RESOURCES } from '../../local/stack.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';
import { PDF_PAGE } from '../intake/messages.ts';

/**
 * Retention on the local stack (issue 16 §6): an owner emails a complaint with a file; it is
 * handled and filed; the retention job runs as the daily schedule would, with its clock (the
 * scheduled time) set past the retention. Its dry run changes nothing; its run erases the
 * owner's name, contacts, words, mail and file (from S3 too) and search terms, writes one audit
 * line, and leaves what the month's report counts; a second run changes nothing.
 */
let t: TestStack;
let api: ReturnType<typeof staffClient>;
let s3: S3Client;
let retention: LocalHandler;
let ref: string;
let record: ComplaintRecord;
/** The record as stored before any erasure (keys included). */
let original: Record<string, unknown>;

const OWNER = '區志強';
const OWNER_EMAIL = 'au.chikeung@example.com';
const SUPERVISOR = 'supervisor.kowloon-east';
const CS = 'customer-service.kowloon-east';
const FOLLOWUP = 'followup.kowloon-east';
const SUBMISSION = '6f1c2b9e-4d3a-4b8e-9c7d-2a1b3c4d5e6f';
const DAY = 86_400_000;
const YEARS_3 = 3 * 365 * DAY + DAY;

const utf8Word = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
const b64 = (data: Buffer) => data.toString('base64').replace(/.{76}/g, '$&\r\n');

/** An owner's email with a PDF, as a mail client writes it. */
function ownerEmail(): Buffer {
  const boundary = 'retention-boundary-1';
  return Buffer.from(
    [
      `From: ${utf8Word(OWNER)} <${OWNER_EMAIL}>`,
      'To: complaints@estate.example',
      `Subject: ${utf8Word('海濱花園三座12樓B室 浴室漏水')}`,
      `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <retention-${Date.now()}@example.com>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      b64(Buffer.from(`浴室天花板漏水一星期，請致電 9876 5432 找${OWNER}。`)),
      `--${boundary}`,
      'Content-Type: application/pdf; name="leak-photos.pdf"',
      'Content-Disposition: attachment; filename="leak-photos.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      b64(PDF_PAGE),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

async function partition(): Promise<Record<string, unknown>[]> {
  const result = await t.db.send(
    new QueryCommand({
      TableName: t.stack.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `C#${ref}` },
    }),
  );
  return result.Items ?? [];
}
const storedRecord = async () =>
  (await partition()).find((i) => i.SK === 'RECORD') as Record<string, unknown>;

async function exists(object: { bucket: string; key: string }): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: object.bucket, Key: object.key }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFound') return false;
    throw error;
  }
}

async function search(q: string): Promise<string[]> {
  const answer = await api.get<{ items: { ref: string }[] }>(
    SUPERVISOR,
    `/api/complaints?${new URLSearchParams({ q })}`,
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.items.map((i) => i.ref);
}

async function monthReport(): Promise<{ summary: ReportSummary; categories: unknown }> {
  const month = record.receivedAt.slice(0, 7);
  const made = await api.post<{ id: string; summary: ReportSummary }>(CS, '/api/reports', { month });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const full = await api.get<{ data: { scopes: Record<string, { categories: unknown }> } }>(
    CS,
    `/api/reports/${made.body.id}`,
  );
  return { summary: made.body.summary, categories: full.body.data.scopes['kowloon-east']?.categories };
}

const run = (at: number, dryRun = false) =>
  invokeLocal(retention, FUNCTIONS.runRetention.id, {
    scheduledTime: new Date(at).toISOString(),
    ...(dryRun ? { dryRun: true } : {}),
  }) as Promise<RetentionRun>;

beforeAll(async () => {
  t = await startTestStack();
  api = staffClient(t);
  s3 = new S3Client({});
  retention = (await import('../../lambdas/run-retention.ts')).handler as LocalHandler;

  const firstTask = t.recordTasks();
  const info = await nodemailer
    .createTransport({ host: '127.0.0.1', port: t.stack.smtpPort, secure: false, ignoreTLS: true })
    .sendMail({ envelope: { from: OWNER_EMAIL, to: ['complaints@estate.example'] }, raw: ownerEmail() });
  expect(info.response).toMatch(/queued as/);
  await t.stack.mailIdle();
  const found = await t.db.send(
    new QueryCommand({
      TableName: t.stack.tableName,
      IndexName: 'ComplaintsByOwnerContact',
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: { ':pk': `OWNER#email:${OWNER_EMAIL}` },
    }),
  );
  ref = String(found.Items?.[0]?.ref);
  // Its first task (which carries the owner's name and a summary for My tasks) is open.
  await firstTask(ref);
  // Staff wrote to the owner from the app: the line, and the claim that keeps a copy of it.
  const message = await api.post(FOLLOWUP, `/api/complaints/${ref}/messages`, {
    subject: `${OWNER}先生：維修安排`,
    text: `${OWNER}先生，工程部明天上午到單位檢查天花板漏水。`,
    submissionId: SUBMISSION,
  });
  expect(message.status, JSON.stringify(message.body)).toBe(201);
  // Handled to the end: what the workflow would have written by filing (procedure step 9).
  await t.stopRunningExecutions();
  const filedAt = new Date().toISOString();
  await t.db.send(
    new UpdateCommand({
      TableName: t.stack.tableName,
      Key: { PK: `C#${ref}`, SK: 'RECORD' },
      UpdateExpression:
        'SET #status = :closed, currentStep = :filed, category = :category, filed = :signature, outcome = :resolved, satisfaction = :satisfaction, escalationCount = :two',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':closed': 'closed',
        ':filed': 'filed',
        ':category': 'water-leak',
        ':resolved': 'resolved',
        ':two': 2,
        ':signature': { by: 'clerk.kowloon-east', role: 'clerk', at: filedAt },
        ':satisfaction': {
          rating: 'satisfied',
          comments: `${OWNER} 多謝`,
          by: 'followup.kowloon-east',
          role: 'followup',
          at: filedAt,
        },
      },
    }),
  );
  original = await storedRecord();
  record = original as unknown as ComplaintRecord;
});
afterAll(async () => {
  s3?.destroy();
  await t?.stop();
});

describe('retention of a filed complaint', () => {
  let files: { bucket: string; key: string }[];
  let reportBefore: Awaited<ReturnType<typeof monthReport>>;

  it('starts with the owner, the mail and its file stored, and the complaint found by the owner’s name', async () => {
    expect(record).toMatchObject({ owner: { name: OWNER, email: OWNER_EMAIL }, channel: 'email' });
    files = [
      record.email?.rawMessage as { bucket: string; key: string },
      ...(record.mailAttachments ?? []).map((f) => ({ bucket: String(f.bucket), key: String(f.key) })),
    ];
    expect(files).toHaveLength(2);
    expect(files[0]?.bucket).toBe(LOCAL_RESOURCES.rawMailBucket);
    for (const file of files) expect(await exists(file), file.key).toBe(true);
    expect(await search(OWNER)).toEqual([ref]);
    expect(await search(OWNER_EMAIL)).toEqual([ref]);
    reportBefore = await monthReport();
    expect(reportBefore.summary.received).toBeGreaterThanOrEqual(1);
  });

  it('keeps it all before the retention is over', async () => {
    const early = await run(Date.now() + YEARS_3 - 30 * DAY);
    expect(early.due.map((d) => d.ref)).not.toContain(ref);
    expect((await storedRecord()).owner).toMatchObject({ name: OWNER });
  });

  it('npm run retention -- --dry-run --at <time> prints it with its counts and changes nothing', async () => {
    const { execFile } = await import('node:child_process');
    const itemsBefore = await partition();
    const at = new Date(Date.now() + YEARS_3 + 30 * DAY).toISOString();
    // Asynchronously: the stack answering the command runs in this process.
    const printed = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['local/cli/retention.ts', '--dry-run', '--at', at],
        { env: { ...process.env, PORT: new URL(t.stack.urls.web).port } },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    expect(printed).toMatch(new RegExp(`${ref}  kowloon-east  received .*: would erase 2 files`));
    expect(printed).toContain('Dry run: nothing changed.');
    expect(printed).not.toContain(OWNER);
    expect(await partition()).toEqual(itemsBefore);
  });

  it('lists it in a dry run past the retention, and changes nothing', async () => {
    const itemsBefore = await partition();
    const logKey = {
      PK: `MAILLOG#${record.receivedAt.slice(0, 10)}`,
      SK: `MSG#${record.email?.sesMessageId}`,
    };
    const logBefore = await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: logKey }));
    expect(JSON.stringify(logBefore.Item)).toContain(OWNER_EMAIL);
    const dry = await run(Date.now() + YEARS_3 + 30 * DAY, true);
    expect(dry.dryRun).toBe(true);
    const line = dry.due.find((d) => d.ref === ref);
    expect(line).toMatchObject({ ref, area: 'kowloon-east', files: 2, erased: false });
    expect(line?.mailLines).toBeGreaterThanOrEqual(1);
    expect(line?.searchTerms).toBeGreaterThan(0);
    expect(JSON.stringify(dry)).not.toContain(OWNER);
    expect(await partition()).toEqual(itemsBefore);
    expect((await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: logKey }))).Item).toEqual(
      logBefore.Item,
    );
    const claimKey = { PK: `OWNERMSG#${ref}#${FOLLOWUP}#${SUBMISSION}`, SK: 'OWNERMSG' };
    expect(
      JSON.stringify((await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: claimKey }))).Item),
    ).toContain(OWNER);
    for (const file of files) expect(await exists(file), file.key).toBe(true);
    expect(await search(OWNER)).toEqual([ref]);
  });

  it('stops at its time budget before erasing, leaving the complaint and the sweep for the next run', async () => {
    const itemsBefore = await partition();
    const stopped = await runRetention(
      {
        table: t.stack.tableName,
        rawMailBucket: LOCAL_RESOURCES.rawMailBucket,
        attachmentsBucket: LOCAL_RESOURCES.attachmentsBucket,
        years: 3,
      },
      { now: new Date(Date.now() + YEARS_3 + 30 * DAY), dryRun: false, budgetMs: 0 },
    );
    expect(stopped).toMatchObject({ incomplete: true, due: [] });
    expect(await partition()).toEqual(itemsBefore);
  });

  it('erases the owner’s personal data, mail, file and search terms past the retention, with one audit line', async () => {
    const done = await run(Date.now() + YEARS_3 + 30 * DAY);
    expect(done.due.find((d) => d.ref === ref)).toMatchObject({ files: 2, erased: true });

    const stored = await storedRecord();
    expect(stored.owner).toEqual({ name: '', language: record.owner.language });
    expect(stored.content).toBe('');
    expect(stored.email).toBeUndefined();
    expect(stored.mailAttachments).toBeUndefined();
    expect(stored.satisfaction).toEqual({
      rating: 'satisfied',
      by: 'followup.kowloon-east',
      role: 'followup',
      at: record.filed?.at,
    });
    expect(stored.GSI3PK).toBeUndefined();
    expect(stored).toMatchObject({
      ref,
      area: 'kowloon-east',
      category: 'water-leak',
      receivedAt: record.receivedAt,
      status: 'closed',
      escalationCount: 2,
      GSI2PK: `AREA#kowloon-east#${record.receivedAt.slice(0, 7)}`,
      personalDataErased: { reason: 'retention', years: 3 },
    });

    const items = await partition();
    // Nowhere in the partition: not the record, the correspondence or the audit trail.
    expect(JSON.stringify(items)).not.toMatch(/區志強|au\.chikeung|9876 ?5432|leak-photos|天花板漏水/);
    const tasks = items.filter((i) => i.type === 'task');
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) expect(task.complaint).toMatchObject({ ownerName: '', summary: '' });
    const erasures = items.filter((i) => i.action === 'personal-data-erased');
    expect(erasures).toHaveLength(1);
    expect(erasures[0]?.details).toMatchObject({ note: 'personal data erased under retention', files: 2 });

    // The mail log's line of the email: what became of it stays, who sent what does not.
    const log = await t.db.send(
      new GetCommand({
        TableName: t.stack.tableName,
        Key: { PK: `MAILLOG#${record.receivedAt.slice(0, 10)}`, SK: `MSG#${record.email?.sesMessageId}` },
      }),
    );
    expect(log.Item).toMatchObject({ ref, outcome: 'complaint-opened', personalDataErased: true });
    expect(JSON.stringify(log.Item)).not.toMatch(/區志強|au\.chikeung|9876 ?5432|leak-photos|天花板漏水/);

    // Staff reviewing the mail log still open the line: erased, not broken.
    const mailId = `${record.receivedAt.slice(0, 10)}.${record.email?.sesMessageId}`;
    const shown = await api.get<Record<string, unknown>>(CS, `/api/mail/${encodeURIComponent(mailId)}`);
    expect(shown.status, JSON.stringify(shown.body)).toBe(200);
    expect(JSON.stringify(shown.body)).not.toContain(OWNER_EMAIL);

    const claim = await t.db.send(
      new GetCommand({
        TableName: t.stack.tableName,
        Key: { PK: `OWNERMSG#${ref}#${FOLLOWUP}#${SUBMISSION}`, SK: 'OWNERMSG' },
      }),
    );
    expect(claim.Item).toMatchObject({ status: 'sent', personalDataErased: true });
    expect(JSON.stringify(claim.Item)).not.toMatch(/區志強|au\.chikeung|天花板漏水/);

    for (const file of files) expect(await exists(file), file.key).toBe(false);
    expect(await search(OWNER)).toEqual([]);
    expect(await search(OWNER_EMAIL)).toEqual([]);
    expect(await search('天花板')).toEqual([]);
    expect(await search(ref)).toEqual([ref]);
  });

  it('leaves the month’s report counting it as before', async () => {
    const after = await monthReport();
    expect(after.summary.received).toBe(reportBefore.summary.received);
    expect(after.summary.closed).toBe(reportBefore.summary.closed);
    expect(after.summary.escalated).toBe(reportBefore.summary.escalated);
    expect(after.categories).toEqual(reportBefore.categories);
  });

  it('shows the complaint page as erased', async () => {
    const page = await api.get<Record<string, unknown>>(SUPERVISOR, `/api/complaints/${ref}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ ref, personalDataErased: { reason: 'retention' } });
    expect(JSON.stringify(page.body)).not.toContain(OWNER);
  });

  it('erases nothing more and writes no second audit line when run again', async () => {
    const before = await partition();
    const again = await run(Date.now() + YEARS_3 + 31 * DAY);
    expect(again.due.map((d) => d.ref)).not.toContain(ref);
    expect(await partition()).toEqual(before);
  });

  it('finishes a run that stopped before writing the record, with still one audit line', async () => {
    // As a run that died after its audit line: the record is as it was before, and the area's
    // sweep mark (written when a run has been through an area) is not there yet.
    await t.db.send(new PutCommand({ TableName: t.stack.tableName, Item: original }));
    await t.db.send(
      new DeleteCommand({ TableName: t.stack.tableName, Key: { PK: 'RETENTION', SK: 'AREA#kowloon-east' } }),
    );
    const resumed = await run(Date.now() + YEARS_3 + 32 * DAY);
    expect(resumed.due.find((d) => d.ref === ref)).toMatchObject({ erased: true });
    const items = await partition();
    expect(items.filter((i) => i.action === 'personal-data-erased')).toHaveLength(1);
    expect((items.find((i) => i.SK === 'RECORD') as Record<string, unknown>).owner).toEqual({
      name: '',
      language: record.owner.language,
    });
    expect(await search(OWNER)).toEqual([]);
  });
});
