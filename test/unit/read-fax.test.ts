import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readFax } from '#services/read-fax.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'fax');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

describe('the OCR of a faxed complaint', () => {
  it('reads a standard-resolution G3 fax page into the fields a clerk would type', async () => {
    // One page of the fixture, re-encoded as the single-page G4 TIFF at 204 x 98 dpi a fax gateway sends.
    const page = await sharp(fixture('hans-standard-g3.tif'), { page: 0 })
      .toColourspace('b-w')
      .tiff({
        compression: 'ccittfax4',
        bitdepth: 1,
        xres: 204 / 25.4,
        yres: 98 / 25.4,
        resolutionUnit: 'inch',
      })
      .toBuffer();
    const result = await readFax([page]);
    expect(result.status).toBe('done');
    if (result.status !== 'done') return;
    expect(result.pages).toHaveLength(1);
    expect(result.pages[0]?.text).toContain('厨房下水道堵塞三天');
    expect(result.pages[0]?.confidence).toBeGreaterThan(0.8);
    expect(result.suggestion.ownerName?.value).toBe('王建国');
    expect(result.suggestion.phone?.value.replace(/\s/g, '')).toBe('13812345678');
    expect(result.suggestion.building?.value).toBe('阳光花园二期');
    expect(result.suggestion.unit?.value).toBe('6栋1502室');
    expect(result.suggestion.content?.value).toContain('请物业尽快安排维修人员上门');
    expect(result.suggestion.phone?.region.width).toBeGreaterThan(0);
  }, 60_000);

  it('fails with the reason, and reads nothing, when any file is refused', async () => {
    expect(await readFax([fixture('bad-empty.tif')])).toMatchObject({
      status: 'failed',
      reason: 'empty',
      file: 0,
    });
    expect(await readFax([Buffer.from('%PDF-1.4 broken'), fixture('bad-bomb.tif')])).toMatchObject({
      status: 'failed',
      reason: 'corrupt',
      file: 0,
    });
    expect(await readFax([fixture('bad-bomb.tif')])).toMatchObject({
      status: 'failed',
      reason: 'pageTooLarge',
    });
    expect(await readFax([fixture('bad-200-pages.pdf')])).toMatchObject({
      status: 'failed',
      reason: 'tooManyPages',
    });
    expect(await readFax([fixture('bad-javascript.pdf')])).toMatchObject({
      status: 'failed',
      reason: 'javascript',
    });
  });

  it('fails a blank page as having no text', async () => {
    const blank = await sharp(Buffer.alloc(1728 * 2292, 255), {
      raw: { width: 1728, height: 2292, channels: 1 },
    })
      .toColourspace('b-w')
      .tiff({ compression: 'ccittfax4', bitdepth: 1 })
      .toBuffer();
    expect(await readFax([blank])).toMatchObject({ status: 'failed', reason: 'noText' });
  }, 60_000);
});
