import { randomUUID } from 'node:crypto';
import { uploadUrl } from '#adapters/files.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { areaById } from '#config/areas.ts';
import { PRESIGNED_URL_MINUTES } from '#config/attachments.ts';
import { mayLogComplaintIn, mayLogComplaints } from '#domain/access.ts';
import { UploadRequest, uploaderTag, uploadKey } from '#domain/attachments.ts';
import { ForbiddenError, ValidationError } from '#domain/errors.ts';

const ATTACHMENTS_BUCKET = requireEnv('ATTACHMENTS_BUCKET');

/**
 * `POST /api/attachments`: a presigned URL for the browser to PUT one scanned letter or fax
 * straight into the attachments bucket (nothing passes through Lambda), under a fresh key of
 * the caller's area. The type, length and uploader are signed, so the upload must be the file
 * declared, stored as the caller's (a complaint may refer only to its logger's own uploads).
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  // Whoever may log a complaint may attach its scans.
  if (!mayLogComplaints(caller)) throw new ForbiddenError(`A ${caller.role} cannot attach files`);
  const request = parseBody(event, UploadRequest);
  if (!areaById(request.area))
    throw new ValidationError([{ field: 'area', message: 'Choose one of the areas' }]);
  if (!mayLogComplaintIn(caller, request.area)) {
    throw new ForbiddenError(`You can attach files for ${caller.area} only`);
  }
  const key = uploadKey(request.area, randomUUID());
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
}, apiErrors());
