/**
 * The OCR of a faxed or scanned complaint's files: every page decoded (fax-pages.ts, within
 * config/ocr.ts's limits), read (adapters/ocr-engine.ts) and its lines turned into the
 * suggested fields of the Transcribe fax task (domain/ocr/fields.ts). What the record keeps as
 * its `ocr`: done with the pages' text and the suggestion, or failed with the reason. A failed
 * OCR changes nothing else: the task is the plain transcription.
 */

import { recogniseLines } from '#adapters/ocr-engine.ts';
import { OCR_FAILURE_REASONS, OCR_LIMITS, type OcrFailure } from '#config/ocr.ts';
import { type OcrLine, type OcrSuggestion, suggestFields } from '#domain/ocr/fields.ts';
import { decodePages, type PageImage, UnreadableFileError } from './fax-pages.ts';

export interface OcrPage {
  readonly text: string;
  /** The engine's confidence over the page's characters, 0 to 1. */
  readonly confidence: number;
  readonly lines: readonly OcrLine[];
  readonly width: number;
  readonly height: number;
}

export type OcrResult =
  | {
      readonly status: 'done';
      readonly pages: readonly OcrPage[];
      readonly suggestion: OcrSuggestion;
      readonly msPerPage: number;
    }
  | {
      readonly status: 'failed';
      readonly reason: OcrFailure;
      readonly message: string;
      /** Which file (0-based) was refused, when one was. */
      readonly file?: number;
    };

function pageConfidence(lines: readonly OcrLine[]): number {
  const chars = lines.reduce((n, l) => n + [...l.text].length, 0);
  if (!chars) return 0;
  const sum = lines.reduce((s, l) => s + l.confidence * [...l.text].length, 0);
  return Number((sum / chars).toFixed(3));
}

function failed(reason: OcrFailure, file?: number): OcrResult {
  return {
    status: 'failed',
    reason,
    message: OCR_FAILURE_REASONS[reason],
    ...(file === undefined ? {} : { file }),
  };
}

/** Reads the files in order; the page allowance (OCR_LIMITS.maxPages) is for all of them together. */
export async function readFax(files: readonly Uint8Array[]): Promise<OcrResult> {
  const images: PageImage[] = [];
  for (const [i, bytes] of files.entries()) {
    try {
      images.push(...(await decodePages(bytes, OCR_LIMITS.maxPages - images.length)));
    } catch (error) {
      if (error instanceof UnreadableFileError) return failed(error.reason, i);
      throw error;
    }
  }
  const started = performance.now();
  const pages: OcrPage[] = [];
  for (const image of images) {
    let lines: OcrLine[];
    try {
      lines = await recogniseLines(image.png);
    } catch {
      return failed('engine');
    }
    pages.push({
      text: lines.map((l) => l.text).join('\n'),
      confidence: pageConfidence(lines),
      lines,
      width: image.width,
      height: image.height,
    });
  }
  if (!pages.some((p) => p.text.trim())) return failed('noText');
  return {
    status: 'done',
    pages,
    suggestion: suggestFields(pages.map((p) => p.lines)),
    msPerPage: Math.round((performance.now() - started) / pages.length),
  };
}
