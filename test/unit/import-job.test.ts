import { describe, expect, it } from 'vitest';
import { IMPORT_LIMITS } from '#domain/directory/import-format.ts';
import {
  CONFLICTS_LISTED,
  countsOf,
  IMPORT_ATTEMPTS,
  IMPORT_STALE_MS,
  jobView,
  newImportJob,
  nextAttempt,
  refusalOf,
} from '#domain/directory/import-job.ts';
import { itemBytes, MAX_ITEM_BYTES } from '#domain/item-size.ts';

const starter = { username: 'reception.kowloon-east', role: 'reception', area: 'kowloon-east' };
const job = newImportJob(
  '0b5c9f2e-0000-4000-8000-000000000001',
  'uploads/kowloon-east/x',
  starter,
  '2026-12-07T01:00:00.000Z',
);

describe('a register import job', () => {
  it('is run while attempts are left, and never again once finished', () => {
    expect(nextAttempt(job)).toBe('run');
    expect(nextAttempt({ ...job, status: 'queued', attempts: IMPORT_ATTEMPTS })).toBe('exhausted');
    for (const status of ['done', 'refused', 'failed'] as const)
      expect(nextAttempt({ ...job, status })).toBe('finished');
  });

  it('reads as failed, with what to do, once it has not moved for longer than its worker may run', () => {
    const running = { ...job, status: 'running' as const, updatedAt: '2026-12-07T01:00:00.000Z' };
    const at = Date.parse(running.updatedAt);
    expect(jobView(running, at + IMPORT_STALE_MS - 1000).status).toBe('running');
    const stale = jobView(running, at + IMPORT_STALE_MS + 1000);
    expect(stale.status).toBe('failed');
    expect((stale as { message?: string }).message).toMatch(/Send the file again/);
  });

  it('keeps a refusal of every row and a long list of conflicts within one DynamoDB item', () => {
    const errors = Array.from({ length: 20_000 }, (_, i) => ({
      row: i + 2,
      column: 'resident name',
      message: `The name is ${'很長的名字'.repeat(200)}`,
      problem: { code: 'residentTwice' as const, values: { name: '很長的名字'.repeat(200), row: 1 } },
    }));
    const refusal = refusalOf(errors, errors.length);
    expect(refusal.errors.length).toBeGreaterThan(100);
    expect(refusal.errors.length).toBeLessThanOrEqual(IMPORT_LIMITS.errorsListed);
    expect(refusal.errors[0]?.row).toBe(2);
    const plain = refusalOf(
      errors.map((e) => ({ ...e, message: 'Choose owner or tenant' })),
      20_000,
    );
    expect(plain.errors.length).toBe(IMPORT_LIMITS.errorsListed);
    expect(refusal.total).toBe(20_000);
    const conflicts = Array.from({ length: 20_000 }, (_, i) => `laguna-city.${i % 9}.${i}-A`);
    const counts = countsOf({ rows: 20_000, created: 0, updated: 0, unchanged: 0, conflicts });
    expect(counts.conflicts.length).toBe(CONFLICTS_LISTED);
    expect(counts.conflictsTotal).toBe(20_000);
    const item = { PK: 'IMPORTJOB#x', SK: 'JOB', ...job, status: 'refused', refusal, result: counts };
    expect(itemBytes(item)).toBeLessThan(MAX_ITEM_BYTES);
  });
});
