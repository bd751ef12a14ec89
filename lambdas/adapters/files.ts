import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { contentDisposition, UPLOADER_METADATA } from '#domain/attachments.ts';
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
 * A link for the browser to PUT one file straight into the bucket, and the headers it must
 * send. The type, the length and the uploader's tag (object metadata) are signed, so the
 * upload must be the file declared, stored as this uploader's.
 */
export async function uploadUrl(
  bucket: string,
  key: string,
  options: { expiresIn: number; contentType: string; size: number; uploader: string },
): Promise<{ url: string; headers: Record<string, string> }> {
  const uploaderHeader = `x-amz-meta-${UPLOADER_METADATA}`;
  const url = await getSignedUrl(
    s3(),
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      ContentType: options.contentType,
      ContentLength: options.size,
      Metadata: { [UPLOADER_METADATA]: options.uploader },
    }),
    {
      expiresIn: options.expiresIn,
      signableHeaders: new Set(['content-type', 'content-length', uploaderHeader]),
      // A header, not a query parameter: S3 stores metadata from the request's headers.
      unhoistableHeaders: new Set([uploaderHeader]),
    },
  );
  return { url, headers: { 'content-type': options.contentType, [uploaderHeader]: options.uploader } };
}
