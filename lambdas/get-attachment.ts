import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3 } from '#adapters/clients.ts';
import { getRecord } from '#adapters/complaints.ts';
import { contentDisposition } from '#domain/attachments.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import { maySee } from '#domain/tasks.ts';
import { PRESIGNED_URL_MINUTES } from '../config/attachments.ts';
import { requireEnv } from './commons/config.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from './commons/http.ts';
import { withPowertools } from './commons/middy.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const ATTACHMENTS_BUCKET = requireEnv('ATTACHMENTS_BUCKET');

/**
 * `GET /api/complaints/{ref}/attachments/{index}`: a short-lived download URL for one of the
 * complaint's scans, for staff who may see the complaint.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const ref = event.pathParameters?.ref ?? '';
  const record = await getRecord(TABLE_NAME, ref);
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!maySee(caller, record)) throw new ForbiddenError(`Complaint ${ref} belongs to another area`);
  const index = Number(event.pathParameters?.index);
  const attachment = Number.isInteger(index) ? record.attachments?.[index] : undefined;
  if (!attachment)
    throw new NotFoundError(`Complaint ${ref} has no attachment ${event.pathParameters?.index}`);
  const expiresIn = PRESIGNED_URL_MINUTES * 60;
  const url = await getSignedUrl(
    s3(),
    new GetObjectCommand({
      Bucket: ATTACHMENTS_BUCKET,
      Key: attachment.key,
      ResponseContentType: attachment.contentType,
      ResponseContentDisposition: contentDisposition(attachment.name),
    }),
    { expiresIn },
  );
  return json(200, {
    name: attachment.name,
    contentType: attachment.contentType,
    size: attachment.size,
    url,
    expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
  });
}, apiErrors());
