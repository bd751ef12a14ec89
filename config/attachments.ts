/**
 * Scanned letters and faxes that reception attaches to a complaint: uploaded by the browser
 * straight to the attachments bucket with a presigned URL, under `uploads/<area>/<id>`.
 * Read by the upload API and the web app's file picker.
 */
export const ATTACHMENT_TYPES = ['application/pdf', 'image/tiff', 'image/jpeg', 'image/png'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** Per file: a multi-page scan at 300 dpi fits comfortably. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/** Per complaint. */
export const MAX_ATTACHMENTS = 10;

/** Where uploads go in the attachments bucket; the key's area is checked against the complaint's. */
export const UPLOAD_PREFIX = 'uploads/';

/** Minutes a presigned upload or download URL stays valid. */
export const PRESIGNED_URL_MINUTES = 10;
