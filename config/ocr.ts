/**
 * What the OCR of faxed and scanned pages (issue 19) accepts, in one place: read by the OCR
 * function (lambdas/services/fax-pages.ts), the API's record view and the docs (docs/ocr.md).
 * A file past a limit is not decoded: the limits are checked on the file's headers (byte size,
 * page count, declared page dimensions) before any pixel is made, so a bomb costs nothing.
 */

/** Files read: the attachment types reception may upload (config/attachments.ts), by content. */
export const OCR_FILE_KINDS = ['tiff', 'pdf', 'jpeg', 'png'] as const;
export type OcrFileKind = (typeof OCR_FILE_KINDS)[number];

export const OCR_LIMITS = {
  /** Bytes of one file (the attachment limit: a multi-page scan at 300 dpi fits). */
  maxFileBytes: 20 * 1024 * 1024,
  /** Pages read of one complaint, all its files together: a letter is a few pages. */
  maxPages: 30,
  /** Pixels of one page as declared (TIFF) or as rendered (PDF): A4 at 400 dpi is 15.5 M. */
  maxPagePixels: 16_000_000,
  /** The longer side of a page, pixels: A3 at 400 dpi is 6,614. */
  maxPageSide: 7_000,
} as const;

/** PDF pages are rendered at fax fine resolution, square pixels. */
export const PDF_RENDER_DPI = 204;

/**
 * A page scanned with fewer lines per inch than dots across (standard fax: 204 x 98 dpi) is
 * stretched to square pixels before it is read, when the two differ by more than this ratio.
 */
export const SQUARE_PIXEL_TOLERANCE = 1.1;

/** Lines read with less confidence than this are kept in the page's text but never suggested. */
export const MIN_FIELD_CONFIDENCE = 0.5;

/** Why a file or page could not be read: the record's `ocr.reason`, said to the clerk. */
export const OCR_FAILURE_REASONS = {
  empty: 'The file is empty (0 bytes)',
  unknownType: 'The file is not a TIFF, PDF, JPEG or PNG',
  tooLarge: `The file is larger than ${OCR_LIMITS.maxFileBytes / 1024 / 1024} MB`,
  tooManyPages: `The pages are more than ${OCR_LIMITS.maxPages}`,
  pageTooLarge: `A page is larger than ${OCR_LIMITS.maxPageSide} pixels a side or ${OCR_LIMITS.maxPagePixels / 1_000_000} M pixels`,
  javascript: 'The PDF contains JavaScript: it is not opened',
  corrupt: 'The file is damaged and cannot be decoded',
  noText: 'No text was found on the pages',
  engine: 'The OCR engine failed on the pages',
} as const;
export type OcrFailure = keyof typeof OCR_FAILURE_REASONS;

export const OCR_STATUSES = ['pending', 'done', 'failed'] as const;
export type OcrStatus = (typeof OCR_STATUSES)[number];

/**
 * What the complaint's record keeps of the OCR (its `ocr`): each page's text cut to this many
 * characters (a dense A4 page is about 1,500 CJK characters; 30 pages at 3 bytes each stay well
 * under DynamoDB's 400 KB item with the record's own fields), the suggestion's content likewise.
 */
export const OCR_STORED_PAGE_CHARS = 2_000;
