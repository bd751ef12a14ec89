import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { suggestFields } from '#domain/ocr/fields.ts';
import { characterErrors, phoneDigits } from '#domain/ocr/text.ts';
import type { Figure } from './figures.ts';

/**
 * `ocr.*`: the OCR of faxed letters (issue 19) on the fixtures of test/fixtures/fax (12
 * letters, 6 Traditional and 6 Simplified, each at fine and at standard resolution, in G4/G3
 * TIFF and CCITT PDF: 24 pages). CER is edit distance over the page's characters after NFKC
 * with whitespace and punctuation removed (lambdas/domain/ocr/text.ts); phone recall is the
 * share of pages whose suggested phone has exactly the letter's digits; seconds per page is
 * decoding (square pixels) plus recognition, on this machine; init is the engine's cold start
 * in a fresh process (module load and model sessions).
 */
const FIXTURES = join(import.meta.dirname, '..', 'test', 'fixtures', 'fax');

interface Truth {
  files: Record<string, { resolution: 'fine' | 'standard'; letters: string[] }>;
  letters: Record<string, { text: string; phone: string; script: string }>;
}

export async function benchOcr(log: (line: string) => void): Promise<Figure[]> {
  const truth = JSON.parse(readFileSync(join(FIXTURES, 'truth.json'), 'utf8')) as Truth;
  const initStart = performance.now();
  const { ocrEngine, recogniseLines } = await import('#adapters/ocr-engine.ts');
  const { decodePages } = await import('#services/fax-pages.ts');
  await ocrEngine();
  const initMs = performance.now() - initStart;
  const errors = { fine: 0, standard: 0 };
  const lengths = { fine: 0, standard: 0 };
  const byScript: Record<string, { errors: number; length: number }> = {};
  let phones = 0;
  let phonesFound = 0;
  let pages = 0;
  let seconds = 0;
  for (const [file, { resolution, letters }] of Object.entries(truth.files)) {
    const started = performance.now();
    const images = await decodePages(readFileSync(join(FIXTURES, file)));
    let spent = performance.now() - started;
    for (const [i, image] of images.entries()) {
      const letter = truth.letters[letters[i] ?? ''];
      if (!letter) throw new Error(`${file}: page ${i + 1} has no letter in truth.json`);
      const t = performance.now();
      const lines = await recogniseLines(image.png);
      spent += performance.now() - t;
      const text = lines.map((l) => l.text).join('\n');
      const cer = characterErrors(text, letter.text);
      errors[resolution] += cer.errors;
      lengths[resolution] += cer.length;
      const key = `${resolution} ${letter.script}`;
      byScript[key] ??= { errors: 0, length: 0 };
      byScript[key].errors += cer.errors;
      byScript[key].length += cer.length;
      phones++;
      const suggested = suggestFields([lines]).phone?.value ?? '';
      if (phoneDigits(suggested) === phoneDigits(letter.phone)) phonesFound++;
      log(
        `${file} p${i + 1} ${resolution} CER ${((100 * cer.errors) / cer.length).toFixed(1)}% phone ${suggested || '-'}`,
      );
    }
    pages += images.length;
    seconds += spent / 1000;
  }
  for (const [key, v] of Object.entries(byScript))
    log(`${key}: CER ${((100 * v.errors) / v.length).toFixed(2)}%`);
  const pct = (e: number, n: number) => Number(((100 * e) / n).toFixed(2));
  return [
    {
      name: 'ocr.cer_fine',
      value: pct(errors.fine, lengths.fine),
      unit: '% (12 pages, 204x196 dpi)',
      goal: '≤ 3',
    },
    {
      name: 'ocr.cer_standard',
      value: pct(errors.standard, lengths.standard),
      unit: '% (12 pages, 204x98 dpi)',
      goal: '≤ 8',
    },
    ...Object.entries(byScript).map(([key, v]) => ({
      name: `ocr.cer_${key.replace(' ', '_').replace('-', '_').toLowerCase()}`,
      value: pct(v.errors, v.length),
      unit: '%',
      goal: null,
    })),
    { name: 'ocr.phone_recall', value: pct(phonesFound, phones), unit: `% (${phones} pages)`, goal: '≥ 90' },
    {
      name: 'ocr.seconds_per_page',
      value: Number((seconds / pages).toFixed(2)),
      unit: 's (decode + recognise)',
      goal: '≤ 4',
    },
    { name: 'ocr.init_ms', value: Math.round(initMs), unit: 'ms (cold: load + model sessions)', goal: null },
  ];
}
