import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3 } from './clients.ts';

/*
 * Apart from the report's other storage (adapters/reports.ts) so that the function that makes
 * reports does not load the presigner: only the API functions that answer with links do.
 */

/** A short-lived link to a report file, for the browser (opened or downloaded). */
export async function reportFileUrl(
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
      ...(options.filename
        ? {
            ResponseContentDisposition: `attachment; filename="${options.filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(options.filename)}`,
          }
        : {}),
    }),
    { expiresIn: options.expiresIn },
  );
}
