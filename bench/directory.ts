import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import writeXlsxFile from 'write-excel-file/node';
import { IMPORT_CONTENT_TYPES } from '#domain/directory/import.ts';
import { startLocalStack } from '../local/stack.ts';
import type { Figure } from './figures.ts';

/**
 * `directory.import_20k_s`: an office's register as the Excel workbook it has — 20,000 units of
 * 4 estates (10 blocks each, 25 floors of 20 flats), an owner for every unit and a tenant for
 * every other one (30,000 residents, each with a phone and an email) — imported through the API
 * on a fresh local stack: the upload (presigned PUT, as the web app does), then
 * `POST /api/directory/imports` until its answer. Then the same file again
 * (`directory.reimport_20k_s`: every row checked and compared, nothing written).
 */
const ESTATES = ['amoy-gardens', 'laguna-city', 'telford-gardens', 'kornhill'];
const BLOCKS = 10;
const FLOORS = 25;
const FLATS = 20;
const SURNAMES = ['陳', '李', '張', '黃', '何', '林', '吳', '劉', '梁', '鄭'];
const GIVEN = ['大文', '小明', '美玲', '志強', '家豪', '淑儀', '偉明', '嘉欣', '子軒', '詠詩'];

function registerRows(): string[][] {
  const rows: string[][] = [
    ['estate id', 'building code', 'floor', 'flat', 'resident name', 'role', 'phones', 'emails', 'language'],
  ];
  let n = 0;
  for (const estate of ESTATES) {
    for (let block = 1; block <= BLOCKS; block++) {
      for (let floor = 1; floor <= FLOORS; floor++) {
        for (let flat = 1; flat <= FLATS; flat++) {
          const address = [estate, String(block), String(floor), String(flat).padStart(2, '0')];
          const person = (role: string) => {
            n++;
            const phone = String(60_000_000 + n);
            return [
              ...address,
              `${SURNAMES[n % 10]}${GIVEN[Math.floor(n / 10) % 10]}`,
              role,
              `${phone.slice(0, 4)} ${phone.slice(4)}`,
              `resident${n}@example.com`,
              n % 7 === 0 ? 'en' : 'zh-Hant',
            ];
          };
          rows.push(person('owner'));
          if (flat % 2 === 0) rows.push(person('tenant'));
        }
      }
    }
  }
  return rows;
}

export async function benchDirectory(log: (line: string) => void): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-directory-'));
  const stack = await startLocalStack({
    dataDir,
    ports: { web: 0, smtp: 0, ses: 0, dynamodb: 0, s3: 0, sfn: 0 },
  });
  try {
    const tokenOf = async (username: string) => {
      const response = await fetch(`${stack.urls.web}/api/local/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username }),
      });
      return ((await response.json()) as { token: string }).token;
    };
    const post = async (username: string, path: string, body: unknown) =>
      fetch(`${stack.urls.web}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await tokenOf(username)}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const call = async (username: string, path: string, body: unknown) => {
      // Building the workbook keeps this process (the stack's too) busy for seconds: the server
      // may close a kept-alive connection as fetch reuses it, a reset before anything was sent.
      const response = await post(username, path, body).catch((error: Error) => {
        if ((error.cause as { code?: string } | undefined)?.code !== 'ECONNRESET') throw error;
        return post(username, path, body);
      });
      const answer = (await response.json()) as Record<string, unknown>;
      if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
      return answer;
    };
    for (const id of ESTATES) {
      await call('supervisor.kowloon-east', '/api/directory/estates', {
        id,
        area: 'kowloon-east',
        name: { zhHant: id },
      });
      for (let block = 1; block <= BLOCKS; block++) {
        await call('supervisor.kowloon-east', `/api/directory/estates/${id}/buildings`, {
          code: String(block),
          name: { zhHant: `第${block}座` },
        });
      }
    }
    const rows = registerRows();
    const file = await writeXlsxFile(rows).toBuffer();
    log(`directory: a workbook of ${rows.length - 1} rows, ${(file.length / 1024 / 1024).toFixed(1)} MB`);

    const importOnce = async () => {
      const started = performance.now();
      const issued = (await call('reception.kowloon-east', '/api/directory/imports/uploads', {
        name: 'register.xlsx',
        contentType: IMPORT_CONTENT_TYPES.xlsx,
        size: file.length,
      })) as { key: string; upload: { url: string; headers: Record<string, string> } };
      const put = await fetch(issued.upload.url, {
        method: 'PUT',
        headers: issued.upload.headers,
        body: file,
      });
      if (put.status !== 200) throw new Error(`upload: ${put.status}`);
      log(`directory: uploaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      // The import is a job (202), followed until it has finished, as the page follows it.
      let answer = await call('reception.kowloon-east', '/api/directory/imports', { key: issued.key });
      while (answer.status === 'queued' || answer.status === 'running') {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const response = await fetch(`${stack.urls.web}/api/directory/imports/${String(answer.id)}`, {
          headers: { authorization: `Bearer ${await tokenOf('reception.kowloon-east')}` },
        });
        answer = (await response.json()) as Record<string, unknown>;
      }
      if (answer.status !== 'done')
        throw new Error(`the import ended ${JSON.stringify(answer).slice(0, 500)}`);
      return { seconds: (performance.now() - started) / 1000, answer };
    };
    const first = await importOnce();
    log(
      `directory: first import in ${first.seconds.toFixed(1)} s: ${JSON.stringify(first.answer).slice(0, 300)}`,
    );
    if (first.answer.created !== ESTATES.length * BLOCKS * FLOORS * FLATS) {
      throw new Error(`the import created ${String(first.answer.created)} units`);
    }
    const again = await importOnce();
    log(
      `directory: the same file again in ${again.seconds.toFixed(1)} s: ${JSON.stringify(again.answer).slice(0, 300)}`,
    );
    if (again.answer.unchanged !== ESTATES.length * BLOCKS * FLOORS * FLATS) {
      throw new Error(`the re-import left ${String(again.answer.unchanged)} units unchanged`);
    }
    return [
      {
        name: 'directory.import_20k_s',
        value: Math.round(first.seconds * 10) / 10,
        unit: 's (20,000 units, 30,000 residents, .xlsx)',
        goal: '≤ 60',
      },
      {
        name: 'directory.reimport_20k_s',
        value: Math.round(again.seconds * 10) / 10,
        unit: 's (the same file: nothing written)',
        goal: null,
      },
    ];
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
