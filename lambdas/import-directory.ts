import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { uploadUrl } from '#adapters/files.ts';
import { readUpload } from '#adapters/uploads.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { areaById } from '#config/areas.ts';
import { PRESIGNED_URL_MINUTES } from '#config/attachments.ts';
import { directoryEditRefusal } from '#domain/access.ts';
import { areaOfKey, uploaderTag, uploadKey } from '#domain/attachments.ts';
import {
  IMPORT_CONTENT_TYPES,
  IMPORT_LIMITS,
  type ParsedFile,
  parseRegisterCsv,
  parseRegisterXlsx,
} from '#domain/directory/import.ts';
import type { Stamp } from '#domain/directory/register.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '#domain/errors.ts';
import type { StaffMember } from '#domain/staff.ts';
import { importRegister } from '#services/directory-import.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const ATTACHMENTS_BUCKET = requireEnv('ATTACHMENTS_BUCKET');

/**
 * Bulk import of the estate register (lambdas/domain/directory/import.ts has the columns), by
 * whoever may edit the units of each estate in the file (reception, supervisors and customer
 * service of its area: the edit-unit rule, lambdas/domain/access.ts):
 * - `POST /api/directory/imports/uploads` `{ name, contentType, size }`: a presigned URL to PUT
 *   the file straight into the attachments bucket (under `uploads/<area>/`, signed as the
 *   caller's), for a file of any size up to IMPORT_LIMITS.bytes: API Gateway takes 10 MB a
 *   request and Lambda 6 MB, an office's workbook can be more;
 * - `POST /api/directory/imports` `{ key }` the uploaded file, or the file itself as the body
 *   (`Content-Type: text/csv` or the .xlsx type) when it is small. Every row is checked first:
 *   any bad row is a 422 with `errors: [{ row, column, message }]` and nothing written; else a
 *   200 with `{ rows, created, updated, unchanged, conflicts }`, each unit written audited.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  if (event.routeKey === 'POST /api/directory/imports/uploads') return issueUpload(caller, event);
  if (event.routeKey === 'POST /api/directory/imports') return runImport(caller, event);
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
});

/** A workbook is a zip archive: it starts with `PK\x03\x04`. */
const isWorkbook = (bytes: Buffer) => bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));

async function fileOf(caller: StaffMember, event: ApiEvent): Promise<Buffer> {
  const type = (event.headers?.['content-type'] ?? '').toLowerCase();
  const raw = event.body ?? '';
  if (type.startsWith('application/json')) {
    const { key } = parseBody(event, ImportRequest);
    const stored = await readUpload(ATTACHMENTS_BUCKET, key, IMPORT_LIMITS.bytes);
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
    if (!stored.body) {
      throw new ValidationError([
        {
          field: 'key',
          message: `A register file has at most ${IMPORT_LIMITS.bytes / 1024 / 1024} MB: split it by estate`,
        },
      ]);
    }
    return stored.body;
  }
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length === 0) {
    throw new ValidationError([
      { field: 'body', message: 'Send the file (CSV or .xlsx) as the body, or { "key" } of an uploaded one' },
    ]);
  }
  return bytes;
}

async function runImport(caller: StaffMember, event: ApiEvent): Promise<ApiResult> {
  // A role that edits no units imports nothing: refused before the file is read.
  const own = directoryEditRefusal(caller, caller.area, 'units');
  if (own) throw new ForbiddenError(own);
  const file = await fileOf(caller, event);
  const started = Date.now();
  const parsed: ParsedFile = isWorkbook(file)
    ? await parseRegisterXlsx(file)
    : parseRegisterCsv(file.toString('utf8'));
  const stamp: Stamp = { by: caller.username, role: caller.role, at: new Date().toISOString() };
  const outcome = await importRegister(TABLE_NAME, parsed, caller, stamp);
  if (!outcome.ok && outcome.forbidden) throw new ForbiddenError(outcome.forbidden);
  if (!outcome.ok) {
    logger.info('Register import refused', { rows: parsed.rows, problems: outcome.total });
    return json(422, {
      message: `${outcome.total} problem${outcome.total === 1 ? '' : 's'} in the file: nothing was imported. Fix the rows named and upload it again.`,
      errors: outcome.errors,
      total: outcome.total,
    });
  }
  const { ok: _ok, ...counts } = outcome;
  logger.info('Register imported', {
    ...counts,
    conflicts: counts.conflicts.length,
    ms: Date.now() - started,
  });
  metrics.addMetric('DirectoryUnitsImported', 'Count', counts.created + counts.updated);
  return json(200, counts);
}
