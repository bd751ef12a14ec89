import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { readSheet } from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { getImportJob, putImportJob } from '#adapters/import-jobs.ts';
import { newImportJob } from '#domain/directory/import-job.ts';
import { runImportJob } from '#services/directory-import.ts';
import { LOCAL_RESOURCES } from '../../local/stack.ts';
import { brokenRows, REGISTER_HEADER, registerRows } from '../fixtures/register-file.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * Bulk import and export of the estate register on the local stack: a file with bad rows is
 * answered with exactly those rows and writes nothing; a good file writes its units, each with
 * an audit line; the same file again writes nothing and adds no audit line; a changed row
 * updates that one unit; the export imports back to the same register; and only those who keep
 * an area's register may import or export it.
 */
let t: TestStack;
let api: ReturnType<typeof staffClient>;

const SUPERVISOR = 'supervisor.kowloon-east';
const RECEPTION = 'reception.kowloon-east';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const GOOD = registerRows(10, { emails: true });
GOOD.push(['amoy-gardens', '2', 'G/F', '', 'Wong Siu Ming', 'tenant', '+852 2345 6789', '', 'en']);
/** 21 units; the rows a spreadsheet shows as 3, 8 and 14 broken (a role, a floor, an email). */
const BROKEN = brokenRows(GOOD, [2, 7, 13]);

const csvOf = (rows: string[][]) => rows.map((r) => r.join(',')).join('\r\n');

interface Upload {
  key: string;
  upload: { method: string; url: string; headers: Record<string, string> };
}

/** The file through the upload flow (a presigned PUT), then the import of its key. */
async function importXlsx(user: string, rows: string[][]) {
  const file = await writeXlsxFile(rows).toBuffer();
  const issued = await api.post<Upload>(user, '/api/directory/imports/uploads', {
    name: 'register.xlsx',
    contentType: XLSX,
    size: file.length,
  });
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  const put = await fetch(issued.body.upload.url, {
    method: 'PUT',
    headers: issued.body.upload.headers,
    body: file,
  });
  expect(put.status).toBe(200);
  return outcomeOf(
    user,
    await api.post<ImportAnswer>(user, '/api/directory/imports', { key: issued.body.key }),
  );
}

interface ImportAnswer {
  id: string;
  status: 'queued' | 'running' | 'done' | 'refused' | 'failed';
  rows?: number;
  created?: number;
  updated?: number;
  unchanged?: number;
  conflicts?: string[];
  errors?: { row: number; column: string; message: string }[];
  forbidden?: string;
  message?: string;
}

/**
 * The import as its starter follows it: 202 and a job, then `GET /api/directory/imports/{id}`
 * until it has finished. A refusal before any job (403, 400) is answered as it came.
 */
async function outcomeOf(
  user: string,
  started: { status: number; body: ImportAnswer; headers?: Headers },
): Promise<{ status: number | ImportAnswer['status']; body: ImportAnswer }> {
  if (started.status !== 202) return started;
  expect(started.body.status).toBe('queued');
  for (;;) {
    const job = await api.get<ImportAnswer>(user, `/api/directory/imports/${started.body.id}`);
    expect(job.status, JSON.stringify(job.body)).toBe(200);
    if (job.body.status !== 'queued' && job.body.status !== 'running')
      return { status: job.body.status, body: job.body };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What an import changed: the counts of a job that is done. */
const countsOf = ({ rows, created, updated, unchanged, conflicts }: ImportAnswer) => ({
  rows,
  created,
  updated,
  unchanged,
  conflicts,
});

/** A small file as the request's body itself. */
async function importCsvBody(user: string, text: string) {
  const token = await tokenOf(user);
  const response = await fetch(`${t.stack.urls.web}/api/directory/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: text,
  });
  if (response.status === 202)
    expect(response.headers.get('location')).toMatch(/^\/api\/directory\/imports\//);
  return outcomeOf(user, { status: response.status, body: (await response.json()) as ImportAnswer });
}

async function tokenOf(username: string): Promise<string> {
  const response = await fetch(`${t.stack.urls.web}/api/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  return ((await response.json()) as { token: string }).token;
}

async function estateItems(kind: 'unit' | 'directory-event') {
  const result = await t.db.send(
    new QueryCommand({
      TableName: t.stack.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': 'ESTATE#amoy-gardens' },
    }),
  );
  return (result.Items ?? []).filter((item) => item.type === kind);
}
const unitEvents = async () =>
  (await estateItems('directory-event')).filter((e) => String(e.action).startsWith('unit-'));

beforeAll(async () => {
  t = await startTestStack();
  api = staffClient(t);
  const estate = await api.post(SUPERVISOR, '/api/directory/estates', {
    id: 'amoy-gardens',
    area: 'kowloon-east',
    name: { zhHant: '淘大花園', en: 'Amoy Gardens' },
  });
  expect(estate.status, JSON.stringify(estate.body)).toBe(201);
  for (const zhHant of ['第一座', '第二座']) {
    const building = await api.post(SUPERVISOR, '/api/directory/estates/amoy-gardens/buildings', {
      name: { zhHant },
    });
    expect(building.status, JSON.stringify(building.body)).toBe(201);
  }
});
afterAll(async () => {
  await t?.stop();
});

describe('importing the register', () => {
  it('names the three bad rows of a workbook and writes nothing', async () => {
    const answer = await importXlsx(RECEPTION, BROKEN);
    expect(answer.status).toBe('refused');
    expect(answer.body.errors?.map(({ row, column }) => ({ row, column }))).toEqual([
      { row: 3, column: 'role' },
      { row: 8, column: 'floor' },
      { row: 14, column: 'emails' },
    ]);
    expect(answer.body.message).toMatch(/nothing was imported/);
    expect(await estateItems('unit')).toEqual([]);
    expect(await unitEvents()).toEqual([]);
  });

  it('imports a good workbook: every unit written, each with one audit line', async () => {
    const answer = await importXlsx(RECEPTION, GOOD);
    expect(answer.status, JSON.stringify(answer.body)).toBe('done');
    expect(countsOf(answer.body)).toEqual({ rows: 21, created: 21, updated: 0, unchanged: 0, conflicts: [] });
    expect((await estateItems('unit')).length).toBe(21);
    expect((await unitEvents()).map((e) => e.action)).toEqual(Array(21).fill('unit-created'));
    const found = await api.get<{ items: { id: string; residents: { name: string }[] }[] }>(
      RECEPTION,
      `/api/directory/units?q=${encodeURIComponent('owner3b@example.com')}`,
    );
    expect(found.body.items.map((u) => u.id)).toEqual(['amoy-gardens.1.3-B']);
  });

  it('changes nothing and adds no audit line when the same file comes again', async () => {
    const before = await estateItems('unit');
    const answer = await importXlsx(RECEPTION, GOOD);
    expect(countsOf(answer.body)).toEqual({ rows: 21, created: 0, updated: 0, unchanged: 21, conflicts: [] });
    expect(await estateItems('unit')).toEqual(before);
    expect((await unitEvents()).length).toBe(21);
  });

  it('updates only the unit whose row changed, with one audit line', async () => {
    const changed = GOOD.map((row) =>
      row[4] === '陳5A' ? row.map((c, j) => (j === 6 ? '5555 0000' : c)) : row,
    );
    const answer = await importCsvBody(RECEPTION, csvOf(changed));
    expect(countsOf(answer.body)).toEqual({ rows: 21, created: 0, updated: 1, unchanged: 20, conflicts: [] });
    const events = await unitEvents();
    expect(events.length).toBe(22);
    const updated = events.filter((e) => e.action === 'unit-updated');
    expect(updated.map((e) => [e.target, e.actor])).toEqual([['amoy-gardens.1.5-A', RECEPTION]]);
    expect(JSON.stringify(updated)).not.toMatch(/陳|5555/);
    const found = await api.get<{ items: { id: string }[] }>(RECEPTION, '/api/directory/units?q=55550000');
    expect(found.body.items.map((u) => u.id)).toEqual(['amoy-gardens.1.5-A']);
    const old = await api.get<{ items: { id: string }[] }>(RECEPTION, '/api/directory/units?q=95104567');
    expect(old.body.items).toEqual([]);
  });

  it('refuses a role that keeps no register, and an estate of another area, writing nothing', async () => {
    const events = (await unitEvents()).length;
    const worker = await importCsvBody('followup.kowloon-east', csvOf(GOOD));
    expect(worker.status).toBe(403);
    // Another area's reception may import, but not into this estate: the job is refused.
    const other = await importCsvBody('reception.hk-island', csvOf(GOOD));
    expect(other.status).toBe('refused');
    expect(other.body.forbidden).toMatch(/amoy-gardens/);
    expect((await unitEvents()).length).toBe(events);
  });
});

describe('exporting the register', () => {
  const exportOf = async (user: string, format: 'csv' | 'xlsx') =>
    fetch(`${t.stack.urls.web}/api/directory/export?estate=amoy-gardens&format=${format}`, {
      headers: { authorization: `Bearer ${await tokenOf(user)}` },
    });

  it('exports CSV and Excel that import back as no change', async () => {
    const csv = await exportOf(RECEPTION, 'csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    // The byte-order mark Excel needs to read the Chinese (fetch's text() would drop it).
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.split('\r\n')[0]).toBe(`\uFEFF${REGISTER_HEADER.join(',')}`);
    expect(text).toContain("'+852 2345 6789");
    expect((await importCsvBody(RECEPTION, text)).body).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 21,
    });

    const xlsx = await exportOf(RECEPTION, 'xlsx');
    expect(xlsx.status).toBe(200);
    const workbook = Buffer.from(await xlsx.arrayBuffer());
    const rows = await readSheet(workbook);
    expect(rows.length).toBe(22);
    expect(rows.find((r) => r[4] === '陳5A')?.[6]).toBe('5555 0000');
    const issued = await api.post<Upload>(RECEPTION, '/api/directory/imports/uploads', {
      name: 'amoy-gardens.xlsx',
      contentType: XLSX,
      size: workbook.length,
    });
    await fetch(issued.body.upload.url, {
      method: 'PUT',
      headers: issued.body.upload.headers,
      body: workbook,
    });
    const again = await outcomeOf(
      RECEPTION,
      await api.post<ImportAnswer>(RECEPTION, '/api/directory/imports', { key: issued.body.key }),
    );
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 21 });
    expect((await unitEvents()).length).toBe(22);
  });

  it('exports only to those who keep the estate’s register', async () => {
    expect((await exportOf('reception.hk-island', 'csv')).status).toBe(403);
    expect((await exportOf('followup.kowloon-east', 'csv')).status).toBe(403);
  });
});

describe('the import job', () => {
  it('runs once however many times its event is delivered at once, and never again once done', async () => {
    const first = await importCsvBody(RECEPTION, csvOf(GOOD));
    expect(first.status).toBe('done');
    const item = await t.db.send(
      new GetCommand({ TableName: t.stack.tableName, Key: { PK: `IMPORTJOB#${first.body.id}`, SK: 'JOB' } }),
    );
    const events = (await unitEvents()).length;
    // The same file as a new job, delivered twice at the same moment (Lambda may do that).
    const id = randomUUID();
    const job = newImportJob(id, String(item.Item?.key), item.Item?.starter, new Date().toISOString());
    await putImportJob(t.stack.tableName, job);
    const options = { table: t.stack.tableName, bucket: LOCAL_RESOURCES.attachmentsBucket };
    const runs = await Promise.all([runImportJob(options, id), runImportJob(options, id)]);
    expect(runs.sort()).toEqual(['done', 'taken']);
    expect(await runImportJob(options, id)).toBe('finished');
    expect((await unitEvents()).length).toBe(events);
    expect((await getImportJob(t.stack.tableName, id))?.attempts).toBe(1);
  });

  it('is shown to its starter and their area’s register keepers, and to nobody else', async () => {
    const started = await api.post<ImportAnswer>(RECEPTION, '/api/directory/imports', { key: 'uploads/x' });
    expect(started.status).toBe(400);
    const done = await importCsvBody(RECEPTION, csvOf(GOOD));
    const path = `/api/directory/imports/${done.body.id}`;
    expect((await api.get(SUPERVISOR, path)).status).toBe(200);
    expect((await api.get('reception.hk-island', path)).status).toBe(404);
    expect((await api.get('followup.kowloon-east', path)).status).toBe(404);
    expect((await api.get(RECEPTION, '/api/directory/imports/not-a-job')).status).toBe(404);
  });
});
