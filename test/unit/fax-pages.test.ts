import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OCR_LIMITS } from '#config/ocr.ts';
import { readTiffPages, TooManyTiffPages } from '#domain/ocr/tiff-header.ts';
import { decodePages, UnreadableFileError } from '#services/fax-pages.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'fax');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

async function refusal(bytes: Uint8Array): Promise<{ reason: string; ms: number; heapMb: number }> {
  const heap = process.memoryUsage().rss;
  const started = performance.now();
  try {
    await decodePages(bytes);
  } catch (error) {
    if (error instanceof UnreadableFileError)
      return {
        reason: error.reason,
        ms: performance.now() - started,
        heapMb: (process.memoryUsage().rss - heap) / 2 ** 20,
      };
    throw error;
  }
  throw new Error('decoded');
}

describe('fax pages, decoded for OCR', () => {
  it('reads a multi-page G4 TIFF at fine resolution as it is', async () => {
    const pages = await decodePages(fixture('hant-fine-g4.tif'));
    expect(pages).toHaveLength(6);
    expect(pages.map((p) => [p.width, p.height])).toEqual(Array(6).fill([1728, 2292]));
  });

  it('stretches a standard-resolution (204 x 98 dpi) G3 TIFF to square pixels', async () => {
    const [header] = readTiffPages(fixture('hans-standard-g3.tif'), 10);
    expect(header).toMatchObject({ width: 1728, height: 1146, xDpi: 204, yDpi: 98, compression: 3 });
    const pages = await decodePages(fixture('hans-standard-g3.tif'));
    expect(pages).toHaveLength(6);
    expect(pages[0]).toMatchObject({ width: 1728, height: 2386 });
  });

  it('renders a fax PDF (CCITT page images) page by page', async () => {
    const pages = await decodePages(fixture('hant-standard.pdf'));
    expect(pages).toHaveLength(6);
    expect(pages[0]?.width).toBeGreaterThan(1600);
  });

  it('refuses each bad file with its reason, at once and without decoding it', async () => {
    const cases: [string, string][] = [
      ['bad-empty.tif', 'empty'],
      ['bad-bomb.tif', 'pageTooLarge'],
      ['bad-200-pages.pdf', 'tooManyPages'],
      ['bad-javascript.pdf', 'javascript'],
    ];
    for (const [file, reason] of cases) {
      const r = await refusal(fixture(file));
      expect(r.reason, file).toBe(reason);
      expect(r.ms, file).toBeLessThan(3000);
      expect(r.heapMb, file).toBeLessThan(200);
    }
    expect((await refusal(Buffer.from('hello, this is not a fax'))).reason).toBe('unknownType');
    expect((await refusal(Buffer.from('II*\0\x08\0\0\0\xff\xff', 'latin1'))).reason).toBe('corrupt');
    expect((await refusal(Buffer.alloc(OCR_LIMITS.maxFileBytes + 1, 1))).reason).toBe('tooLarge');
  });

  it('stops walking a TIFF past the page limit, and on a directory loop', () => {
    expect(() => readTiffPages(fixture('hant-fine-g4.tif'), 3)).toThrow(TooManyTiffPages);
    const loop = Buffer.from(fixture('bad-bomb.tif'));
    // The directory's next-offset points back at itself.
    loop.writeUInt32LE(12, loop.length - 4);
    expect(() => readTiffPages(loop, 1000)).toThrow(/loop/);
  });
});
