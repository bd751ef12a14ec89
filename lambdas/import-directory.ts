import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { uploadUrl } from '#adapters/files.ts';
import { getImportJob, putImportJob, startImportWorker } from '#adapters/import-jobs.ts';
import { storedUpload, storeUpload } from '#adapters/uploads.ts';
import { requireEnv } from '#commons/environment.ts';
import {
  type ApiEvent,
  type ApiResult,
  apiErrors,
  callerOf,
  json,
  parseBody,
  SECURITY_HEADERS,
} from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger } from '#commons/powertools.ts';
import { areaById } from '#config/areas.ts';
import { PRESIGNED_URL_MINUTES } from '#config/attachments.ts';
import { directoryEditRefusal } from '#domain/access.ts';
import { areaOfKey, uploaderTag, uploadKey } from '#domain/attachments.ts';
import { IMPORT_CONTENT_TYPES, IMPORT_LIMITS, isWorkbook } from '#domain/directory/import-format.ts';
import { jobView, newImportJob } from '#domain/directory/import-job.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '#domain/errors.ts';
import type { StaffMember } from '#domain/staff.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const ATTACHMENTS_BUCKET = requireEnv('ATTACHMENTS_BUCKET');
const IMPORT_FUNCTION = requireEnv('DIRECTORY_IMPORT_FUNCTION');

/**
 * Bulk import of the estate register (lambdas/domain/directory/import.ts has the columns), by
 * whoever may edit the units of each estate in the file (reception, supervisors and customer
 * service of its area: the edit-unit rule, lambdas/domain/access.ts):
 * - `POST /api/directory/imports/uploads` `{ name, contentType, size }`: a presigned URL to PUT
 *   the file straight into the attachments bucket (under `uploads/<area>/`, signed as the
 *   caller's), for a file of any size up to IMPORT_LIMITS.bytes: API Gateway takes 10 MB a
 *   request and Lambda 6 MB, an office's workbook can be more;
 * - `POST /api/directory/imports` `{ key, name? }` the uploaded file, or the file itself as the
 *   body (`Content-Type: text/csv` or the .xlsx type) when it is small: 202 with the job
 *   (`{ id, status: 'queued', … }`, `Location: /api/directory/imports/{id}`). The import runs in
 *   its own function (run-directory-import): checking and writing 20,000 units takes longer than
 *   API Gateway's 30 s;
 * - `GET /api/directory/imports/{id}`: how the job stands. `done` with `{ rows, created,
 *   updated, unchanged, conflicts }`; `refused` with `errors: [{ row, column, message }]` when
 *   any row is bad (nothing written); `failed` with what to do.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  if (event.routeKey === 'POST /api/directory/imports/uploads') return issueUpload(caller, event);
  if (event.routeKey === 'POST /api/directory/imports') return startImport(caller, event);
  if (event.routeKey === 'GET /api/directory/imports/{id}') return showImport(caller, event);
  throw new NotFoundError(`No route ${event.routeKey}`);
}, apiErrors());

const UploadRequest = z.object({
  area: z.string().min(1, 'Choose the area').optional(),
  name: z
    .string()
    .trim()
    .min(1, 'Give the file’s name')
    .max(200, 'Keep the file’s name under 200 characters'),
  contentType: z.enum(
    Object.values(IMPORT_CONTENT_TYPES) as [string, ...string[]],
    `Upload a CSV (${IMPORT_CONTENT_TYPES.csv}) or an Excel workbook (${IMPORT_CONTENT_TYPES.xlsx})`,
  ),
  size: z
    .number('Give the file’s size in bytes')
    .int()
    .min(1, 'The file is empty')
    .max(
      IMPORT_LIMITS.bytes,
      `A register file has at most ${IMPORT_LIMITS.bytes / 1024 / 1024} MB: split it by estate`,
    ),
});

async function issueUpload(caller: StaffMember, event: ApiEvent): Promise<ApiResult> {
  const request = parseBody(event, UploadRequest);
  const area = request.area ?? caller.area;
  if (!areaById(area)) throw new ValidationError([{ field: 'area', message: 'Choose one of the areas' }]);
  const refusal = directoryEditRefusal(caller, area, 'units');
  if (refusal) throw new ForbiddenError(refusal);
  const key = uploadKey(area, randomUUID());
  const expiresIn = PRESIGNED_URL_MINUTES * 60;
  const upload = await uploadUrl(ATTACHMENTS_BUCKET, key, {
    expiresIn,
    contentType: request.contentType,
    size: request.size,
    uploader: uploaderTag(caller.username),
  });
  return json(201, {
    key,
    name: request.name,
    contentType: request.contentType,
    size: request.size,
    upload: { method: 'PUT', ...upload },
    expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
  });
}

const ImportRequest = z.object({
  key: z
    .string('Upload the file first (POST /api/directory/imports/uploads) and send its key')
    .refine((key) => areaOfKey(key) !== undefined, 'Send the key POST /api/directory/imports/uploads gave'),
  name: z.string().trim().max(200, 'Keep the file’s name under 200 characters').optional(),
});

const tooLarge = `A register file has at most ${IMPORT_LIMITS.bytes / 1024 / 1024} MB: split it by estate`;

/** The file to import, stored under an upload key: the one uploaded, or the body stored now. */
async function fileOf(caller: StaffMember, event: ApiEvent): Promise<{ key: string; name?: string }> {
  const type = (event.headers?.['content-type'] ?? '').toLowerCase();
  const raw = event.body ?? '';
  if (type.startsWith('application/json')) {
    const { key, name } = parseBody(event, ImportRequest);
    const stored = await storedUpload(ATTACHMENTS_BUCKET, key);
    if (!stored) {
      throw new ValidationError([
        { field: 'key', message: 'Nothing was uploaded under this key: upload the file first' },
      ]);
    }
    if (stored.uploader !== uploaderTag(caller.username)) {
      throw new ValidationError([
        { field: 'key', message: 'This file was uploaded by someone else: upload your own copy' },
      ]);
    }
    if (stored.size > IMPORT_LIMITS.bytes) throw new ValidationError([{ field: 'key', message: tooLarge }]);
    return { key, ...(name ? { name } : {}) };
  }
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length === 0) {
    throw new ValidationError([
      { field: 'body', message: 'Send the file (CSV or .xlsx) as the body, or { "key" } of an uploaded one' },
    ]);
  }
  const key = uploadKey(caller.area, randomUUID());
  await storeUpload(ATTACHMENTS_BUCKET, key, {
    body: bytes,
    contentType: isWorkbook(bytes) ? IMPORT_CONTENT_TYPES.xlsx : IMPORT_CONTENT_TYPES.csv,
    uploader: uploaderTag(caller.username),
  });
  return { key };
}

async function startImport(caller: StaffMember, event: ApiEvent): Promise<ApiResult> {
  // A role that edits no units imports nothing: refused before the file is looked at.
  const own = directoryEditRefusal(caller, caller.area, 'units');
  if (own) throw new ForbiddenError(own);
  const file = await fileOf(caller, event);
  const now = new Date().toISOString();
  const job = newImportJob(
    randomUUID(),
    file.key,
    {
      username: caller.username,
      role: caller.role,
      area: caller.area,
      ...(caller.department ? { department: caller.department } : {}),
      ...(caller.name ? { name: caller.name } : {}),
    },
    now,
    file.name,
  );
  await putImportJob(TABLE_NAME, job);
  await startImportWorker(IMPORT_FUNCTION, job.id);
  logger.info('Register import queued', { job: job.id });
  return {
    statusCode: 202,
    headers: { ...SECURITY_HEADERS, location: `/api/directory/imports/${job.id}` },
    body: JSON.stringify(jobView(job, Date.now())),
  };
}

/** The job, to its starter and to whoever may edit units in its starter's area; else not found. */
async function showImport(caller: StaffMember, event: ApiEvent): Promise<ApiResult> {
  const id = event.pathParameters?.id ?? '';
  const job = /^[0-9a-f-]{36}$/.test(id) ? await getImportJob(TABLE_NAME, id) : undefined;
  const mayRead =
    job !== undefined &&
    (job.starter.username === caller.username ||
      directoryEditRefusal(caller, job.starter.area, 'units') === undefined);
  if (!job || !mayRead) throw new NotFoundError('No such import');
  return json(200, jobView(job, Date.now()));
}
