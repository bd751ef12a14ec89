import * as z from 'zod';
import {
  ATTACHMENT_TYPES,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  UPLOAD_PREFIX,
} from '#config/attachments.ts';
import { lazily } from './lazy.ts';
import { textString } from './text.ts';

const KEY = new RegExp(
  `^${UPLOAD_PREFIX}([a-z0-9-]+)/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
);

const name = textString({ error: 'Give the file name' })
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
export const UploadRequest = lazily(() =>
  z.object({
    area: z.string({ error: 'Choose the area' }).min(1, 'Choose the area'),
    name,
    contentType,
    size,
  }),
);
export type UploadRequest = z.infer<typeof UploadRequest>;

/** An uploaded scan, as a new complaint refers to it. */
export const AttachmentInput = lazily(() =>
  z.object({
    key: z.string().regex(KEY, 'Upload the file first: its key comes from POST /api/attachments'),
    name,
    contentType,
    size,
  }),
);
export type Attachment = z.infer<typeof AttachmentInput>;

export const AttachmentsInput = lazily(() =>
  z.array(AttachmentInput).max(MAX_ATTACHMENTS, `Attach up to ${MAX_ATTACHMENTS} files`),
);

/**
 * Who uploaded a file, as the presigned PUT signs it into the object's metadata
 * (`x-amz-meta-uploader`): the username, percent-encoded so any username is a header value.
 */
export const UPLOADER_METADATA = 'uploader';
export const uploaderTag = (username: string) => encodeURIComponent(username);

/** What S3 holds under an upload key. */
export interface StoredUpload {
  readonly size: number;
  readonly contentType: string;
  readonly uploader?: string;
}

/**
 * What is wrong with a new complaint's attachments, given what is stored under each key (in
 * the same order; undefined: nothing): each must have been uploaded, by this user, as the file
 * the complaint says it is. A key is unguessable but not secret (it is on the record staff of
 * the area read), so someone else's upload is refused rather than shared between complaints.
 */
export function uploadProblems(
  attachments: readonly Attachment[],
  stored: readonly (StoredUpload | undefined)[],
  username: string,
): { field: string; message: string }[] {
  return attachments.flatMap((attachment, index) => {
    const found = stored[index];
    const field = `attachments.${index}`;
    if (!found) {
      return [
        {
          field: `${field}.key`,
          message: 'Nothing was uploaded under this key: upload the file first, then send its key',
        },
      ];
    }
    if (found.uploader !== uploaderTag(username)) {
      return [
        { field: `${field}.key`, message: 'This file was uploaded by someone else: upload your own copy' },
      ];
    }
    if (found.size !== attachment.size) {
      return [{ field: `${field}.size`, message: `The uploaded file has ${found.size} bytes` }];
    }
    if (found.contentType !== attachment.contentType) {
      return [{ field: `${field}.contentType`, message: `The uploaded file is ${found.contentType}` }];
    }
    return [];
  });
}

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

/**
 * Types a download may declare as they are. Anything else a sender attached (HTML, SVG,
 * scripts...) is served as an opaque download, so no browser ever renders it from our bucket.
 */
const INERT_TYPES: ReadonlySet<string> = new Set([
  ...ATTACHMENT_TYPES,
  'image/gif',
  'image/webp',
  'image/bmp',
  'text/plain',
  'text/csv',
]);

export function downloadContentType(contentType: string): string {
  const bare = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return INERT_TYPES.has(bare) ? bare : 'application/octet-stream';
}

/** A position in an attachment list as a route gives it: digits only (`1.5`, `-1`, `1e2` are no index). */
export function attachmentIndex(raw: string | undefined): number | undefined {
  return raw !== undefined && /^\d{1,3}$/.test(raw) ? Number(raw) : undefined;
}

/**
 * Where intake stores the attachments of received mail: `mail/<SES message id>/<nn>-<name>`.
 * The same as domain/mail/intake.ts MAIL_ATTACHMENT_PREFIX (a unit test holds them together),
 * repeated here so that the download function does not bundle the mail parser and sanitiser.
 */
export const MAIL_ATTACHMENT_FOLDER = 'mail/';

/** The fields of an attachment of received mail (lambdas/domain/mail/intake.ts AttachmentMeta) used here. */
export interface MailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly executable: boolean;
  readonly key?: string;
  readonly notStored?: string;
}

export type MailAttachmentDownload =
  | {
      readonly ok: true;
      readonly key: string;
      readonly name: string;
      readonly contentType: string;
      readonly size: number;
    }
  | { readonly ok: false; readonly problem: 'no-such-attachment' | 'not-stored' | 'executable' };

/**
 * Which stored file one attachment of a received message is, if staff may download it. An
 * executable or macro document is kept as evidence and never handed out; a file intake did not
 * store (too many, too large, virus verdict, automatic message) is only in the raw message. The
 * key must lie in that message's own folder under `mail/`, whatever the item says.
 */
export function mailAttachmentDownload(
  mail: { readonly sesMessageId: string; readonly attachments?: readonly MailAttachment[] },
  index: number,
): MailAttachmentDownload {
  const attachment = mail.attachments?.[index];
  if (!attachment) return { ok: false, problem: 'no-such-attachment' };
  if (attachment.executable) return { ok: false, problem: 'executable' };
  const folder = `${MAIL_ATTACHMENT_FOLDER}${mail.sesMessageId}/`;
  const key = attachment.key;
  if (attachment.notStored || !key?.startsWith(folder) || key.split('/').includes('..')) {
    return { ok: false, problem: 'not-stored' };
  }
  return {
    ok: true,
    key,
    name: attachment.filename,
    contentType: downloadContentType(attachment.contentType),
    size: attachment.size,
  };
}
