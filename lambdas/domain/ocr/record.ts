import { OCR_FAILURE_REASONS, OCR_STORED_PAGE_CHARS, type OcrFailure } from '#config/ocr.ts';
import type { OcrSuggestion, SuggestedField } from './fields.ts';

/**
 * The complaint record's `ocr` (issue 19 §2): `pending` from the moment intake opens a fax
 * complaint that needs transcription, then `done` with each page's text and confidence and the
 * suggested fields of the Transcribe fax task, or `failed` with the reason said to the clerk.
 * The words on the record are cut to OCR_STORED_PAGE_CHARS a page so the item stays under 400 KB.
 */
export type RecordOcr =
  | { readonly status: 'pending'; readonly requestedAt: string }
  | {
      readonly status: 'done';
      readonly readAt: string;
      readonly pages: readonly { readonly text: string; readonly confidence: number }[];
      readonly suggestion: OcrSuggestion;
    }
  | {
      readonly status: 'failed';
      readonly readAt: string;
      readonly reason: OcrFailure;
      readonly message: string;
      readonly file?: number;
    };

function cut(text: string): string {
  const chars = [...text];
  return chars.length > OCR_STORED_PAGE_CHARS ? chars.slice(0, OCR_STORED_PAGE_CHARS).join('') : text;
}

/** What a read gives, as the record keeps it. */
export function recordOcrOf(
  result:
    | {
        readonly status: 'done';
        readonly pages: readonly { readonly text: string; readonly confidence: number }[];
        readonly suggestion: OcrSuggestion;
      }
    | { readonly status: 'failed'; readonly reason: OcrFailure; readonly file?: number },
  at: string,
): RecordOcr {
  if (result.status === 'failed')
    return {
      status: 'failed',
      readAt: at,
      reason: result.reason,
      message: OCR_FAILURE_REASONS[result.reason],
      ...(result.file === undefined ? {} : { file: result.file }),
    };
  const suggestion: Record<string, SuggestedField> = {};
  for (const [field, value] of Object.entries(result.suggestion) as [string, SuggestedField | undefined][])
    if (value) suggestion[field] = { ...value, value: cut(value.value) };
  return {
    status: 'done',
    readAt: at,
    pages: result.pages.map((page) => ({ text: cut(page.text), confidence: page.confidence })),
    suggestion,
  };
}
