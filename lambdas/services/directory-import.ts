import {
  appendDirectoryEvents,
  type BulkUnitWrite,
  type DirectoryEvent,
  estateUnits,
  getEstate,
  saveUnits,
} from '#adapters/directory.ts';
import { claimImportJob, finishImportJob, getImportJob, requeueImportJob } from '#adapters/import-jobs.ts';
import { readUpload } from '#adapters/uploads.ts';
import { directoryEditRefusal, type StaffAccess } from '#domain/access.ts';
import {
  checkAgainstRegister,
  IMPORT_LIMITS,
  isWorkbook,
  type ParsedFile,
  parseRegisterCsv,
  parseRegisterXlsx,
  planImport,
  type RowError,
  sortedErrors,
} from '#domain/directory/import.ts';
import {
  countsOf,
  IMPORT_ATTEMPTS,
  IMPORT_STALE_MS,
  nextAttempt,
  refusalOf,
} from '#domain/directory/import-job.ts';
import { type Estate, residentChanges, type Stamp, type Unit } from '#domain/directory/register.ts';

/**
 * A register file's import (lambdas/domain/directory/import.ts), from the rows read to the
 * register written: every row is checked, against the file and then against the register
 * (estates, buildings, the caller's right to edit each estate), before anything is written; a
 * file with any bad row writes nothing. Then only the units that differ from the register are
 * written (lambdas/adapters/directory.ts saveUnits), each with its audit line.
 */
export type ImportOutcome =
  | {
      readonly ok: false;
      readonly errors: RowError[];
      readonly total: number;
      /** Why the caller may not edit an estate of the file (a 403), when that is the problem. */
      readonly forbidden?: string;
    }
  | {
      readonly ok: true;
      readonly rows: number;
      readonly created: number;
      readonly updated: number;
      readonly unchanged: number;
      /** Units another write changed between this import's read and its write: not written. */
      readonly conflicts: string[];
    };

export async function importRegister(
  table: string,
  parsed: ParsedFile,
  caller: StaffAccess & { readonly username: string },
  stamp: Stamp,
): Promise<ImportOutcome> {
  if (parsed.errors.length) return { ok: false, ...sortedErrors(parsed.errors) };
  const estateIds = [...new Set(parsed.units.map((u) => u.estateId))];
  const found = await Promise.all(estateIds.map((id) => getEstate(table, id)));
  const estates = new Map(found.filter((e): e is Estate => e !== undefined).map((e) => [e.id, e]));
  const refusals = [...estates.values()].flatMap((estate) => {
    const refusal = directoryEditRefusal(caller, estate.area, 'units');
    return refusal ? [`${estate.id}: ${refusal}`] : [];
  });
  if (refusals.length) return { ok: false, errors: [], total: 0, forbidden: refusals.join('; ') };
  const problems = checkAgainstRegister(parsed, estates, () => undefined);
  if (problems.length) return { ok: false, ...sortedErrors(problems) };

  const current = new Map<string, Unit>();
  for (const units of await Promise.all([...estates.keys()].map((id) => estateUnits(table, id)))) {
    for (const unit of units) current.set(unit.id, unit);
  }
  const plan = planImport(parsed.units, current, estates, stamp);
  const styleOf = (unit: Unit) => (estates.get(unit.estateId) as Estate).style;
  const writes: BulkUnitWrite[] = [
    ...plan.created.map((after) => ({ after, country: styleOf(after) })),
    ...plan.updated.map(({ before, after }) => ({ after, before, country: styleOf(after) })),
  ];
  const { written, conflicts } = await saveUnits(table, writes);
  await appendDirectoryEvents(
    table,
    written.map(
      ({ after, before }): DirectoryEvent => ({
        estateId: after.estateId,
        target: after.id,
        at: stamp.at,
        actor: stamp.by,
        role: stamp.role,
        action: before ? 'unit-updated' : 'unit-created',
        // Residents by id only, as the edit route's lines: a line outlives a tenant's name.
        details: { source: 'import', residents: residentChanges(before?.residents ?? [], after.residents) },
      }),
    ),
  );
  const createdWritten = written.filter((w) => !w.before).length;
  return {
    ok: true,
    rows: parsed.rows,
    created: createdWritten,
    updated: written.length - createdWritten,
    unchanged: plan.unchanged,
    conflicts: conflicts.map((c) => c.after.id),
  };
}

/** What a delivery of the worker's event came to. */
export type ImportRun = 'done' | 'refused' | 'failed' | 'missing' | 'finished' | 'taken';

/**
 * One delivery of the import worker's event (lambdas/run-directory-import.ts): takes the job
 * (a second delivery, or one for a finished job, does nothing), reads the file, checks every
 * row and writes what changed, and ends the job with its outcome. An attempt that throws puts
 * the job back for Lambda's retry and throws; the last one ends it failed.
 */
export async function runImportJob(
  options: { readonly table: string; readonly bucket: string },
  jobId: string,
  clock: () => Date = () => new Date(),
): Promise<ImportRun> {
  const { table, bucket } = options;
  const job = await getImportJob(table, jobId);
  if (!job) return 'missing';
  const now = () => clock().toISOString();
  const next = nextAttempt(job);
  if (next === 'finished') return 'finished';
  if (next === 'exhausted') {
    await finishImportJob(
      table,
      job.id,
      { status: 'failed', failure: job.failure ?? 'no attempt finished' },
      now(),
    );
    return 'failed';
  }
  const staleBefore = new Date(clock().getTime() - IMPORT_STALE_MS).toISOString();
  if (!(await claimImportJob(table, job, now(), staleBefore))) return 'taken';
  const attempt = job.attempts + 1;
  try {
    const stored = await readUpload(bucket, job.key, IMPORT_LIMITS.bytes);
    if (!stored?.body) {
      const failure = stored ? 'the file is over the size limit' : 'the uploaded file is gone';
      await finishImportJob(table, job.id, { status: 'failed', failure }, now());
      return 'failed';
    }
    const parsed = isWorkbook(stored.body)
      ? await parseRegisterXlsx(stored.body)
      : parseRegisterCsv(stored.body.toString('utf8'));
    const stamp: Stamp = { by: job.starter.username, role: job.starter.role, at: now() };
    const outcome = await importRegister(table, parsed, job.starter, stamp);
    if (!outcome.ok) {
      await finishImportJob(
        table,
        job.id,
        { status: 'refused', refusal: refusalOf(outcome.errors, outcome.total, outcome.forbidden) },
        now(),
      );
      return 'refused';
    }
    const { ok: _ok, ...counts } = outcome;
    await finishImportJob(table, job.id, { status: 'done', result: countsOf(counts) }, now());
    return 'done';
  } catch (error) {
    const failure = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 300);
    if (attempt >= IMPORT_ATTEMPTS) {
      await finishImportJob(table, job.id, { status: 'failed', failure }, now());
      return 'failed';
    }
    await requeueImportJob(table, job.id, failure, now());
    throw error;
  }
}
