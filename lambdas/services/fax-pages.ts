/**
 * The page images of a faxed or scanned file, ready to be read: TIFF (Group 3/4 fax,
 * multi-page), PDF (rendered with pdf.js), JPEG and PNG. Every page comes out greyscale with
 * square pixels (a standard-resolution fax, 204 x 98 dpi, is stretched to 204 x 196) and
 * despeckled. The
 * limits of config/ocr.ts are checked on the headers first: nothing is decoded past them.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { PDFDict, PDFDocument, PDFName, PDFStream } from 'pdf-lib';
import sharp from 'sharp';
import {
  OCR_LIMITS,
  type OcrFailure,
  type OcrFileKind,
  PDF_RENDER_DPI,
  SQUARE_PIXEL_TOLERANCE,
} from '#config/ocr.ts';
import { readTiffPages, TiffHeaderError, TooManyTiffPages } from '#domain/ocr/tiff-header.ts';

export interface PageImage {
  /** PNG, greyscale, square pixels. */
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
}

/** A file that is not read, and why (a key of OCR_FAILURE_REASONS). */
export class UnreadableFileError extends Error {
  readonly reason: OcrFailure;
  constructor(reason: OcrFailure, detail?: string) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.reason = reason;
  }
}

export function fileKind(bytes: Uint8Array): OcrFileKind | undefined {
  const head = Buffer.from(bytes.subarray(0, 8));
  if (
    head.subarray(0, 4).equals(Buffer.from('II*\0', 'latin1')) ||
    head.subarray(0, 4).equals(Buffer.from('MM\0*', 'latin1'))
  )
    return 'tiff';
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  return undefined;
}

function checkPageSize(width: number, height: number): void {
  if (Math.max(width, height) > OCR_LIMITS.maxPageSide || width * height > OCR_LIMITS.maxPagePixels)
    throw new UnreadableFileError('pageTooLarge', `${width} x ${height}`);
}

/** Greyscale PNG of a decoded page, stretched down the page when its lines are coarser. */
async function squarePage(image: sharp.Sharp, xDpi?: number, yDpi?: number): Promise<PageImage> {
  const meta = await image.metadata();
  const width = meta.width ?? 0;
  let height = meta.height ?? 0;
  if (xDpi && yDpi && xDpi / yDpi > SQUARE_PIXEL_TOLERANCE) {
    height = Math.round((height * xDpi) / yDpi);
    checkPageSize(width, height);
    image = image.resize(width, height, { fit: 'fill' });
  }
  // A 3 x 3 median takes the fax's specks (isolated dots of 1 to 2 pixels) off the page and
  // keeps strokes: measured on the fixtures, fewer misread characters at no cost in time.
  const png = await image.greyscale().median(3).png({ compressionLevel: 1 }).toBuffer();
  return { png, width, height };
}

const SHARP_OPTIONS = { limitInputPixels: OCR_LIMITS.maxPagePixels, failOn: 'error' } as const;

async function tiffPages(bytes: Uint8Array, maxPages: number): Promise<PageImage[]> {
  let headers: ReturnType<typeof readTiffPages>;
  try {
    headers = readTiffPages(bytes, maxPages);
  } catch (error) {
    if (error instanceof TooManyTiffPages) throw new UnreadableFileError('tooManyPages');
    if (error instanceof TiffHeaderError) throw new UnreadableFileError('corrupt', error.message);
    throw error;
  }
  for (const h of headers) checkPageSize(h.width, h.height);
  const pages: PageImage[] = [];
  for (const [page, h] of headers.entries()) {
    try {
      pages.push(await squarePage(sharp(bytes, { ...SHARP_OPTIONS, page }), h.xDpi, h.yDpi));
    } catch (error) {
      if (error instanceof UnreadableFileError) throw error;
      throw new UnreadableFileError('corrupt', (error as Error).message);
    }
  }
  return pages;
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | undefined;

/** pdf.js, its worker run on this thread (no worker file to find), loaded once. */
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= (async () => {
    const lib = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const require = createRequire(import.meta.url);
    lib.GlobalWorkerOptions.workerSrc = pathToFileURL(
      require.resolve('pdfjs-dist/legacy/build/pdf.worker.mjs'),
    ).href;
    return lib;
  })();
  return pdfjs;
}

async function pdfPages(bytes: Uint8Array, maxPages: number): Promise<PageImage[]> {
  const lib = await loadPdfJs();
  const task = lib.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    enableXfa: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: true,
    verbosity: 0,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy();
    throw new UnreadableFileError('corrupt', (error as Error).message);
  }
  try {
    if (doc.numPages > maxPages) throw new UnreadableFileError('tooManyPages', String(doc.numPages));
    if (await hasJavaScript(doc, bytes)) throw new UnreadableFileError('javascript');
    const scale = PDF_RENDER_DPI / 72;
    const pages: PageImage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale });
      const width = Math.ceil(viewport.width);
      const height = Math.ceil(viewport.height);
      checkPageSize(width, height);
      const canvas = (doc.canvasFactory as { create(w: number, h: number): unknown }).create(
        width,
        height,
      ) as { canvas: { toBuffer(type: 'image/png'): Buffer }; context: unknown };
      await page.render({
        canvas: canvas.canvas as never,
        canvasContext: canvas.context as never,
        viewport,
        background: '#ffffff',
      }).promise;
      pages.push(await squarePage(sharp(canvas.canvas.toBuffer('image/png'), SHARP_OPTIONS)));
      page.cleanup();
    }
    return pages;
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    throw new UnreadableFileError('corrupt', (error as Error).message);
  } finally {
    await doc.destroy();
  }
}

/**
 * A script anywhere in the PDF: document-level ones as pdf.js sees them, and any object
 * (compressed object streams included, as pdf-lib parses them) that is a JavaScript action
 * or carries a /JS entry: a page's, an annotation's or a form field's.
 */
async function hasJavaScript(doc: { getJSActions(): Promise<unknown> }, bytes: Uint8Array): Promise<boolean> {
  const actions = await doc.getJSActions();
  if (actions && Object.keys(actions).length) return true;
  const parsed = await PDFDocument.load(bytes, {
    ignoreEncryption: true,
    updateMetadata: false,
    throwOnInvalidObject: false,
  });
  const S = PDFName.of('S');
  const JS = PDFName.of('JS');
  for (const [, object] of parsed.context.enumerateIndirectObjects()) {
    const dict = object instanceof PDFDict ? object : object instanceof PDFStream ? object.dict : undefined;
    if (!dict) continue;
    if (dict.has(JS) || dict.get(S) === PDFName.of('JavaScript')) return true;
  }
  return false;
}

/**
 * The pages of one file. `maxPages` is what is left of the complaint's page allowance.
 * Throws UnreadableFileError for a file that is not read.
 */
export async function decodePages(
  bytes: Uint8Array,
  maxPages: number = OCR_LIMITS.maxPages,
): Promise<PageImage[]> {
  if (bytes.length === 0) throw new UnreadableFileError('empty');
  if (bytes.length > OCR_LIMITS.maxFileBytes) throw new UnreadableFileError('tooLarge');
  const kind = fileKind(bytes);
  switch (kind) {
    case 'tiff':
      return tiffPages(bytes, maxPages);
    case 'pdf':
      return pdfPages(bytes, maxPages);
    case 'jpeg':
    case 'png': {
      const image = sharp(bytes, SHARP_OPTIONS);
      let meta: sharp.Metadata;
      try {
        meta = await image.metadata();
      } catch (error) {
        throw new UnreadableFileError('corrupt', (error as Error).message);
      }
      checkPageSize(meta.width ?? 0, meta.height ?? 0);
      if (maxPages < 1) throw new UnreadableFileError('tooManyPages');
      return [await squarePage(image.rotate())];
    }
    default:
      throw new UnreadableFileError('unknownType');
  }
}
