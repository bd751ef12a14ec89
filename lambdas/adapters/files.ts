import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { contentDisposition } from '#domain/attachments.ts';
import { s3 } from './clients.ts';

/*
 * Short-lived presigned links to files in S3, for the browser. Apart from the files' storage
 * (adapters/reports.ts, adapters/inbound-mail.ts) so that the functions that only store files
 * (making reports, email intake) do not load the presigner: only the API functions that answer
 * with links do.
 */

/**
 * A link to download a file, served as `contentType`; with a `filename`, the browser saves it
 * under that name (Chinese names kept), otherwise it may open it.
 */
export async function downloadUrl(
  bucket: string,
  key: string,
  options: { expiresIn: number; contentType: string; filename?: string },
): Promise<string> {
  return getSignedUrl(
    s3(),
    new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      ResponseContentType: options.contentType,
      ...(options.filename ? { ResponseContentDisposition: contentDisposition(options.filename) } : {}),
    }),
    { expiresIn: options.expiresIn },
  );
}

/**
 * A link for the browser to PUT one file straight into the bucket. Its type and length are
 * signed, so the upload must be the file declared.
 */
export async function uploadUrl(
  bucket: string,
  key: string,
  options: { expiresIn: number; contentType: string; size: number },
): Promise<string> {
  return getSignedUrl(
    s3(),
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      ContentType: options.contentType,
      ContentLength: options.size,
    }),
    { expiresIn: options.expiresIn, signableHeaders: new Set(['content-type', 'content-length']) },
  );
}
