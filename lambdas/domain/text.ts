import * as z from 'zod';

/**
 * Free text as the product keeps it, whichever way it came (staff API bodies, owners' link
 * answers, received email): without the characters that only ever hide or disguise what is
 * written. Removed:
 * - control characters other than tab and line breaks (NUL ends strings in C tools, ESC
 *   drives terminals, the rest show as nothing or as boxes), and DEL;
 * - zero-width space and the byte-order mark used as a zero-width no-break space;
 * - bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
 *   make `exe.txt` show as `txt.exe` and can reorder a reference or an amount on screen (the
 *   marks U+200E/U+200F stay: mixed Chinese and English text uses them and they reorder
 *   nothing by themselves);
 * - lone surrogates, half of a character: not valid Unicode, refused by some JSON and XML
 *   readers and shown as a box.
 * Nothing else changes: no Unicode normalisation, since NFC would turn the CJK compatibility
 * ideographs that Hong Kong names are written with (HKSCS) into other characters.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const HIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B\u202A-\u202E\u2066-\u2069\uFEFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text without hidden and disguising characters (see above); idempotent. */
export function cleanText(text: string): string {
  // Hidden characters first: one between the halves of a pair leaves the pair whole.
  return text.replace(HIDDEN, '').replace(LONE_SURROGATE, '');
}

/**
 * A zod string of free text: cleaned (cleanText) before any other check, so `.trim().min(1)`
 * after it refuses a value that was only hidden characters.
 */
export function textString(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).overwrite(cleanText);
}

/**
 * A whole number with its thousands grouped by commas (`20,000`), as `toLocaleString('en')`
 * writes it, without Intl: the first Intl call loads ICU's locale data (≈9 ms of a cold start,
 * docs/cold-starts.md), and these run at module scope, in schema messages.
 */
export function groupedDigits(n: number): string {
  const [whole = '', fraction] = String(n).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}
