import { z } from 'zod';
import {
  ATTACHMENT_TYPES,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  UPLOAD_PREFIX,
} from '../../config/attachments.ts';

const KEY = new RegExp(
  `^${UPLOAD_PREFIX}([a-z0-9-]+)/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
);

const name = z
  .string({ error: 'Give the file name' })
  .trim()
  .min(1, 'Give the file name')
  .max(200, 'Keep the file name under 200 characters');
const contentType = z.enum(ATTACHMENT_TYPES, {
  error: `Attach a scan as PDF, TIFF, JPEG or PNG (${ATTACHMENT_TYPES.join(', ')})`,
});
const size = z
  .number({ error: 'Give the file size in bytes' })
  .int()
  .positive('The file is empty')
  .max(MAX_ATTACHMENT_BYTES, `Attach files of up to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`);

/** `POST /api/attachments`: what the browser is about to upload. */
export const UploadRequest = z.object({
  area: z.string({ error: 'Choose the area' }).min(1, 'Choose the area'),
  name,
  contentType,
  size,
});
export type UploadRequest = z.infer<typeof UploadRequest>;

/** An uploaded scan, as a new complaint refers to it. */
export const AttachmentInput = z.object({
  key: z.string().regex(KEY, 'Upload the file first: its key comes from POST /api/attachments'),
  name,
  contentType,
  size,
});
export type Attachment = z.infer<typeof AttachmentInput>;

export const AttachmentsInput = z
  .array(AttachmentInput)
  .max(MAX_ATTACHMENTS, `Attach up to ${MAX_ATTACHMENTS} files`);

export function uploadKey(area: string, id: string): string {
  return `${UPLOAD_PREFIX}${area}/${id}`;
}

/** The area an upload key was issued for (undefined for a key of another shape). */
export function areaOfKey(key: string): string | undefined {
  return KEY.exec(key)?.[1];
}

/** `Content-Disposition` for a download that keeps a Chinese file name (RFC 6266/5987). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
