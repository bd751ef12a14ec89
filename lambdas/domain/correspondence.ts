import { itemBytes, MAX_ITEM_BYTES } from './item-size.ts';
import { capText, replyTextOf } from './mail/content.ts';

/**
 * A complaint's correspondence as the API pages it. Each email in or out is one item of the
 * complaint's partition (`MAIL#<time>#<id>` received, `MAIL#OUT#<key>` sent once); its list line
 * is that item without its bodies (text, HTML) and with a short preview, so a page of lines stays
 * small however large or many the messages are; one body is read at a time, by the line's `key`.
 */

/** Lines in one page of the correspondence (the complaint's first page, and each "more"). */
export const CORRESPONDENCE_PAGE_LINES = 50;
/** Characters of the preview on each line (the sender's own words, without the quoted mail). */
export const PREVIEW_CHARS = 200;
/** The attributes only a line's body shows. */
const BODY_ATTRIBUTES = ['text', 'html'] as const;
/** Room kept under DynamoDB's item limit for what is written with a line besides its view. */
const LINE_MARGIN_BYTES = 16 * 1024;

/** The preview of a message's text: the sender's own words, whole characters, at most 200. */
export function previewOf(text: string): string {
  return capText(replyTextOf(text) || text, PREVIEW_CHARS).text;
}

/** Where a line is in the list: newest first by time, then by its sort key (ties). */
export interface LinePosition {
  readonly at: string;
  /** The item's sort key after `MAIL#`. */
  readonly key: string;
}

/** The line's `key` (its body's address): its sort key after `MAIL#`, base64url. */
export function lineKeyOf(sortKeyAfterMail: string): string {
  return Buffer.from(sortKeyAfterMail, 'utf8').toString('base64url');
}

/** The sort key after `MAIL#` a line's `key` stands for; undefined when it is not one of ours. */
export function sortKeyOfLineKey(key: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,1400}$/.test(key)) return undefined;
  const decoded = Buffer.from(key, 'base64url').toString('utf8');
  // Received lines are `<ISO time>#<id>`, sent ones `OUT#<once key>`: nothing else is a line.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a key with control characters is refused
  if (!/^(\d{4}-\d\d-\d\dT[^#]+#|OUT#)[^\u0000-\u001f]+$/.test(decoded)) return undefined;
  return lineKeyOf(decoded) === key ? decoded : undefined;
}

/** The cursor for the lines after `last` (older ones): opaque to clients. */
export function cursorAfter(last: LinePosition): string {
  return Buffer.from(JSON.stringify([last.at, last.key]), 'utf8').toString('base64url');
}

/** The position a cursor stands for; undefined when it is not a cursor this API gave. */
export function positionOfCursor(cursor: string): LinePosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [at, key] = value as unknown[];
    if (typeof at !== 'string' || typeof key !== 'string' || !sortKeyOfLineKey(lineKeyOf(key))) {
      return undefined;
    }
    return { at, key };
  } catch {
    return undefined;
  }
}

/** Whether line `a` comes before `b` in the list (newer, or as new and later in key order). */
export function isNewer(a: LinePosition, b: LinePosition): boolean {
  return a.at === b.at ? a.key > b.key : a.at > b.at;
}

/**
 * A line of the list: the item's fields (extensible: a flag intake adds later shows as it is)
 * but its bodies, with its preview and its `key`.
 */
export function listLineOf(item: Readonly<Record<string, unknown>>, sortKeyAfterMail: string) {
  const line: Record<string, unknown> = { ...item };
  for (const attribute of BODY_ATTRIBUTES) delete line[attribute];
  delete line.onceKey;
  const text = typeof item.text === 'string' ? item.text : '';
  const preview = typeof item.preview === 'string' ? item.preview : text ? previewOf(text) : undefined;
  return {
    ...line,
    key: lineKeyOf(sortKeyAfterMail),
    ...(preview ? { preview } : {}),
    ...(typeof item.html === 'string' ? { hasHtml: true } : {}),
  };
}

/**
 * A received message's line (correspondence or mail log) made to fit one DynamoDB item with
 * `otherBytes` of keys and fields besides it, with room to spare. Intake's caps (text 20,000
 * characters, HTML 60,000, 50 attachments) keep every line well under it — 60,000 Chinese
 * characters of HTML are 180 KB, the text 60 KB, the attachment list at most 75 KB — so this
 * changes nothing but a line no cap foresaw: its HTML is left out first (as too large; the text
 * stays), then its text is cut.
 */
export function fitMailLine<T extends { text?: string; html?: string }>(line: T, otherBytes = 0): T {
  const budget = MAX_ITEM_BYTES - LINE_MARGIN_BYTES - otherBytes;
  if (itemBytes(line) <= budget) return line;
  const { html: _html, ...withoutHtml } = line;
  const lighter = { ...withoutHtml, htmlOmitted: 'too-large' } as unknown as T;
  if (itemBytes(lighter) <= budget || typeof lighter.text !== 'string') return lighter;
  // A UTF-16 unit is 1 to 3 bytes of UTF-8: cutting a quarter of the excess in units each round
  // never cuts much more than needed, and a few rounds get under the budget.
  let cut = { ...lighter, textTruncated: true };
  for (let round = 0; round < 40 && itemBytes(cut) > budget; round++) {
    const over = itemBytes(cut) - budget;
    cut = {
      ...cut,
      text: capText(cut.text ?? '', Math.max(0, (cut.text ?? '').length - Math.ceil(over / 4))).text,
    };
  }
  return cut;
}
