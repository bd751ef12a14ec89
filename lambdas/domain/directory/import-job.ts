import type { RowError } from './import.ts';
import { IMPORT_LIMITS } from './import-format.ts';
import type { RowProblem } from './import-problems.ts';

/**
 * A register import as a job. An office's file of 20,000 units takes longer to check and write
 * than API Gateway waits for a function (30 s, then 503), so `POST /api/directory/imports`
 * only records the job and starts the worker (run-directory-import, an asynchronous
 * invocation); the page, or an API client, follows it at `GET /api/directory/imports/{id}`.
 *
 * queued → running → done | refused (row errors, or an estate the starter may not edit:
 * nothing written) | failed (the worker gave up: the import writes only what differs, so the
 * same file can be sent again). Lambda may deliver the worker's event twice, and retries it
 * twice when it fails: a job that is done or refused is never run again; a run again of a
 * half-written one writes only what is still missing.
 */
export type ImportJobStatus = 'queued' | 'running' | 'done' | 'refused' | 'failed';

/** Attempts the worker makes (Lambda's first delivery and its two retries). */
export const IMPORT_ATTEMPTS = 3;
/** The worker's time limit (config/functions.ts runDirectoryImport), in seconds. */
export const IMPORT_WORKER_SECONDS = 900;
/**
 * A job still queued or running this long after its last change is reported failed: its worker
 * was stopped (a timeout, a crash) without saying so. Lambda's own time limit plus a margin.
 */
export const IMPORT_STALE_MS = (IMPORT_WORKER_SECONDS + 120) * 1000;
/** Unit ids of conflicts kept on the job (each write lost to another is named, up to this many). */
export const CONFLICTS_LISTED = 500;

export interface ImportStarter {
  readonly username: string;
  readonly role: string;
  readonly area: string;
  readonly department?: string;
  readonly name?: string;
}

export interface ImportCounts {
  readonly rows: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Units another write changed between this import's read and its write: not written. */
  readonly conflicts: string[];
  readonly conflictsTotal: number;
}

export interface ImportRefusal {
  readonly message: string;
  readonly errors: RowError[];
  readonly total: number;
  /** Why the starter may not edit an estate of the file, when that is the problem. */
  readonly forbidden?: string;
}

export interface ImportJob {
  readonly id: string;
  readonly status: ImportJobStatus;
  /** The uploaded file (attachments bucket, `uploads/<area>/…`). */
  readonly key: string;
  /** The file's name as the person chose it, when known. */
  readonly fileName?: string;
  readonly starter: ImportStarter;
  readonly createdAt: string;
  /** When the status last changed. */
  readonly updatedAt: string;
  readonly attempts: number;
  readonly result?: ImportCounts;
  readonly refusal?: ImportRefusal;
  /** Why the worker gave up (no personal data: the error's kind and message). */
  readonly failure?: string;
}

export function newImportJob(
  id: string,
  key: string,
  starter: ImportStarter,
  now: string,
  fileName?: string,
): ImportJob {
  return {
    id,
    status: 'queued',
    key,
    ...(fileName ? { fileName } : {}),
    starter,
    createdAt: now,
    updatedAt: now,
    attempts: 0,
  };
}

/** A job with nothing more to do. */
export const isFinished = (job: Pick<ImportJob, 'status'>) =>
  job.status === 'done' || job.status === 'refused' || job.status === 'failed';

/** What the worker should do with a delivery of this job: run it, or leave it (finished, or used up). */
export function nextAttempt(job: ImportJob): 'run' | 'finished' | 'exhausted' {
  if (isFinished(job)) return 'finished';
  if (job.attempts >= IMPORT_ATTEMPTS) return 'exhausted';
  return 'run';
}

export function refusalMessage(total: number): string {
  return `${total} problem${total === 1 ? '' : 's'} in the file: nothing was imported. Fix the rows named and upload it again.`;
}

/** The counts kept on the job: conflicts named up to CONFLICTS_LISTED (the item stays under 400 KB). */
export function countsOf(outcome: Omit<ImportCounts, 'conflictsTotal'>): ImportCounts {
  return {
    ...outcome,
    conflicts: outcome.conflicts.slice(0, CONFLICTS_LISTED),
    conflictsTotal: outcome.conflicts.length,
  };
}

/** Bytes of row errors one job keeps: with the rest of the job, well under DynamoDB's 400 KB item. */
export const ERRORS_BYTES = 250_000;

/** A problem's values as kept: a quoted cell or name at most 100 characters. */
function shortProblem(problem: RowProblem): RowProblem {
  if (!('values' in problem)) return problem;
  const values = Object.fromEntries(
    Object.entries(problem.values).map(([k, v]) => [k, typeof v === 'string' ? v.slice(0, 100) : v]),
  );
  return { ...problem, values } as RowProblem;
}

/**
 * The row errors kept on the job: as many as the answer lists (IMPORT_LIMITS.errorsListed), each
 * message at most 300 characters (a message may quote a cell), and no more than ERRORS_BYTES of
 * them; `total` still counts them all.
 */
export function refusalOf(errors: readonly RowError[], total: number, forbidden?: string): ImportRefusal {
  const kept: RowError[] = [];
  let bytes = 0;
  for (const error of errors.slice(0, IMPORT_LIMITS.errorsListed)) {
    const short: RowError = {
      row: error.row,
      column: error.column.slice(0, 100),
      message: error.message.slice(0, 300),
      problem: shortProblem(error.problem),
    };
    bytes += Buffer.byteLength(JSON.stringify(short), 'utf8');
    if (bytes > ERRORS_BYTES) break;
    kept.push(short);
  }
  return {
    message: forbidden ? `You may not import into this estate: ${forbidden}` : refusalMessage(total),
    errors: kept,
    total,
    ...(forbidden ? { forbidden } : {}),
  };
}

/** The job as `GET /api/directory/imports/{id}` answers it: a stale unfinished one as failed. */
export function jobView(job: ImportJob, now: number) {
  const stale = !isFinished(job) && now - Date.parse(job.updatedAt) > IMPORT_STALE_MS;
  const status: ImportJobStatus = stale ? 'failed' : job.status;
  return {
    id: job.id,
    status,
    ...(job.fileName ? { fileName: job.fileName } : {}),
    startedBy: { username: job.starter.username, ...(job.starter.name ? { name: job.starter.name } : {}) },
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(status === 'done' && job.result ? job.result : {}),
    ...(status === 'refused' && job.refusal ? job.refusal : {}),
    ...(status === 'failed'
      ? {
          message: stale
            ? 'The import stopped before it finished. Send the file again: only what is still missing is written.'
            : `The import could not finish (${job.failure ?? 'an error'}). Send the file again: only what is still missing is written.`,
        }
      : {}),
  };
}

export type ImportJobView = ReturnType<typeof jobView>;
