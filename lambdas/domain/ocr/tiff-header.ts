/**
 * The pages of a TIFF as its headers declare them (size, resolution, compression), read
 * without decoding a pixel: what the OCR checks against its limits before it decodes.
 * Classic TIFF only (BigTIFF is refused as unreadable), both byte orders.
 */
export interface TiffPageHeader {
  readonly width: number;
  readonly height: number;
  /** Dots per inch across and down; undefined when the file does not say. */
  readonly xDpi?: number;
  readonly yDpi?: number;
  readonly compression: number;
  /** Where the image data is, when it is one strip (as a PDF image can take it whole). */
  readonly strip?: { readonly offset: number; readonly bytes: number };
}

export class TiffHeaderError extends Error {}

const TYPE_BYTES: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
};

/**
 * Walks the chain of image directories. Stops with an error past `maxPages` directories (so a
 * file claiming a million pages costs a few reads), on a directory seen twice (a loop), or on
 * an offset outside the file.
 */
export function readTiffPages(bytes: Uint8Array, maxPages: number): TiffPageHeader[] {
  if (bytes.length < 8) throw new TiffHeaderError('too short for a TIFF header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const order = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0);
  if (order !== 'II' && order !== 'MM') throw new TiffHeaderError('no TIFF byte order mark');
  const le = order === 'II';
  const u16 = (o: number) => view.getUint16(o, le);
  const u32 = (o: number) => view.getUint32(o, le);
  if (u16(2) !== 42) throw new TiffHeaderError('not a classic TIFF');
  const pages: TiffPageHeader[] = [];
  const seen = new Set<number>();
  let offset = u32(4);
  while (offset !== 0) {
    if (seen.has(offset)) throw new TiffHeaderError('directory loop');
    if (offset + 2 > bytes.length) throw new TiffHeaderError('directory outside the file');
    seen.add(offset);
    if (pages.length === maxPages) throw new TooManyTiffPages(maxPages);
    const count = u16(offset);
    const end = offset + 2 + count * 12;
    if (end + 4 > bytes.length) throw new TiffHeaderError('directory outside the file');
    const tags = new Map<number, number>();
    for (let i = 0; i < count; i++) {
      const entry = offset + 2 + i * 12;
      const tag = u16(entry);
      const type = u16(entry + 2);
      const n = u32(entry + 4);
      const size = (TYPE_BYTES[type] ?? 0) * n;
      const at = size > 4 ? u32(entry + 8) : entry + 8;
      if (![256, 257, 259, 273, 279, 282, 283, 296].includes(tag)) continue;
      if ((tag === 273 || tag === 279) && n !== 1) continue;
      if (at + Math.min(size, 8) > bytes.length) throw new TiffHeaderError('value outside the file');
      if (type === 3) tags.set(tag, u16(at));
      else if (type === 4) tags.set(tag, u32(at));
      else if (type === 5) {
        const den = u32(at + 4);
        tags.set(tag, den ? u32(at) / den : 0);
      }
    }
    const width = tags.get(256);
    const height = tags.get(257);
    if (!width || !height) throw new TiffHeaderError('a page without width or height');
    // Resolution unit: 2 inch (the default), 3 centimetre, 1 none.
    const unit = tags.get(296) ?? 2;
    const dpi = (v: number | undefined) => (v && unit !== 1 ? (unit === 3 ? v * 2.54 : v) : undefined);
    const xDpi = dpi(tags.get(282));
    const yDpi = dpi(tags.get(283));
    pages.push({
      width,
      height,
      compression: tags.get(259) ?? 1,
      ...(xDpi ? { xDpi } : {}),
      ...(yDpi ? { yDpi } : {}),
      ...(tags.has(273) && tags.has(279)
        ? { strip: { offset: tags.get(273) ?? 0, bytes: tags.get(279) ?? 0 } }
        : {}),
    });
    offset = u32(end);
  }
  if (!pages.length) throw new TiffHeaderError('no page');
  return pages;
}

export class TooManyTiffPages extends TiffHeaderError {
  readonly max: number;
  constructor(max: number) {
    super(`more than ${max} pages`);
    this.max = max;
  }
}
