import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { htmlToText } from './content.ts';
import type { MailAddress, ParsedMessage } from './message.ts';

/**
 * Parses received mail into a ParsedMessage (./message.ts), whatever charset or client it came
 * from. mailparser does the decoding; this module only normalises its answer and repairs what
 * it cannot read.
 */

/** HTML longer than this is not turned into text by the parser (the raw message keeps it all). */
const MAX_HTML_TO_PARSE = 2 * 1024 * 1024;

export class UnparseableMessageError extends Error {
  override name = 'UnparseableMessageError';
}

/**
 * Parses a raw RFC 5322 message. Throws UnparseableMessageError when there is no message to
 * speak of (no header block at all, or the parser gives up).
 */
export async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  if (!hasHeaderBlock(raw)) throw new UnparseableMessageError('No header block');
  let parsed: ParsedMail;
  try {
    parsed = await parse(raw);
  } catch (error) {
    throw new UnparseableMessageError(`Parser failed: ${(error as Error).name}`);
  }
  let repaired: ParsedMessage['repaired'];
  // A multipart whose declared boundary never occurs in the body reads as empty; senders that
  // do this (old bulk mailers, broken gateways) still use one boundary consistently.
  if (isEmptyMultipart(parsed)) {
    const fixed = repairBoundary(raw);
    if (fixed) {
      const reparsed = await parse(fixed).catch(() => undefined);
      if (reparsed && !isEmptyMultipart(reparsed)) {
        parsed = reparsed;
        repaired = 'boundary';
      }
    }
  }
  return normalise(parsed, raw, repaired);
}

/**
 * A message that could not be parsed, as text: what staff release from quarantine when the
 * raw bytes were never a MIME message (the raw object stays in S3 either way).
 */
export function bodyOnlyMessage(raw: Buffer): ParsedMessage {
  return {
    replyTo: [],
    to: [],
    cc: [],
    inReplyTo: [],
    references: [],
    text: raw.subarray(0, 256 * 1024).toString('utf8'),
    headers: new Map(),
    contentType: 'text/plain',
    contentTypeParams: {},
    charsets: [],
    attachments: [],
  };
}

/**
 * Charset labels real senders write that the decoder does not know, and what they mean.
 * Python's email package labels Big5 headers `big5_tw` (its codec's name); some Taiwanese
 * webmail and old Outlook builds write `x-x-big5`. Big5-HKSCS is the superset: Hong Kong
 * owners' characters decode too.
 */
const CHARSET_ALIASES: ReadonlyArray<readonly [RegExp, string]> = [[/big5[_-]tw|x-x-big5/i, 'big5-hkscs']];
const ALIAS_PATTERN = new RegExp(CHARSET_ALIASES.map(([label]) => label.source).join('|'), 'i');

/**
 * Renames unknown charset labels in encoded words (`=?label?B?`) and `charset=` parameters
 * only; the bytes of the text are untouched. A message with none is returned as it is.
 */
export function withKnownCharsets(raw: Buffer): Buffer {
  // Most mail names no Big5 at all: skip copying a large message into a string for nothing.
  if (!['big5', 'BIG5', 'Big5'].some((word) => raw.includes(word))) return raw;
  const text = raw.toString('latin1');
  if (!ALIAS_PATTERN.test(text)) return raw;
  let fixed = text;
  for (const [label, charset] of CHARSET_ALIASES) {
    fixed = fixed
      .replace(new RegExp(`=\\?(?:${label.source})\\?([bq])\\?`, 'gi'), `=?${charset}?$1?`)
      .replace(new RegExp(`(charset\\s*=\\s*"?)(?:${label.source})\\b`, 'gi'), `$1${charset}`);
  }
  return Buffer.from(fixed, 'latin1');
}

function parse(raw: Buffer): Promise<ParsedMail> {
  return simpleParser(withKnownCharsets(raw), {
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    maxHtmlLengthToParse: MAX_HTML_TO_PARSE,
  });
}

function hasHeaderBlock(raw: Buffer): boolean {
  const head = raw.subarray(0, 64 * 1024).toString('latin1');
  return /^[!-9;-~]+[ \t]*:/m.test(head.split(/\r?\n\r?\n/, 1)[0] ?? '');
}

function isEmptyMultipart(parsed: ParsedMail): boolean {
  const type = parsed.headers.get('content-type') as { value?: string } | undefined;
  return (
    String(type?.value ?? '').startsWith('multipart/') &&
    !parsed.text?.trim() &&
    !parsed.html &&
    parsed.attachments.length === 0
  );
}

/**
 * Rewrites the top-level boundary parameter to the delimiter the body actually uses, when the
 * two differ. Bytes are kept as they are (latin1 round-trips every byte).
 */
export function repairBoundary(raw: Buffer): Buffer | undefined {
  const text = raw.toString('latin1');
  const split = /\r?\n\r?\n/.exec(text);
  if (!split) return undefined;
  const header = text.slice(0, split.index);
  const body = text.slice(split.index);
  const declared = /(boundary\s*=\s*)("([^"]*)"|[^;\s]+)/i.exec(header);
  const used = /^--(\S{1,200})[ \t]*\r?$/m.exec(body);
  if (!declared || !used?.[1]) return undefined;
  const current = declared[3] ?? declared[2];
  const boundary = used[1].replace(/--$/, '');
  if (boundary === current || body.includes(`\n--${current}`)) return undefined;
  const fixedHeader = `${header.slice(0, declared.index)}${declared[1]}"${boundary}"${header.slice(declared.index + declared[0].length)}`;
  return Buffer.from(fixedHeader + body, 'latin1');
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  const visit = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      // Longer than RFC 5321's 254 is no address, only a way to fill the records we keep.
      else if (entry.address && entry.address.length <= 254)
        out.push({ address: entry.address, name: (entry.name ?? '').trim() });
    }
  };
  for (const object of [value ?? []].flat()) visit(object.value);
  return out;
}

function messageIds(value: string | string[] | undefined): string[] {
  return [value ?? []]
    .flat()
    .flatMap((v) => v.match(/<[^<>\s]+>|[^<>\s,]+@[^<>\s,]+/g) ?? [])
    .map(normaliseMessageId)
    .filter((id): id is string => id !== undefined);
}

/** A Message-ID without brackets or white space; undefined when it is not one. */
export function normaliseMessageId(value: string | undefined): string | undefined {
  const id = value?.trim().replace(/^<|>$/g, '').trim();
  return id && /^[^\s<>]{1,250}$/.test(id) ? id : undefined;
}

function headerMap(parsed: ParsedMail): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines) {
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    const name = key.toLowerCase();
    map.set(name, [...(map.get(name) ?? []), value]);
  }
  return map;
}

/**
 * An attachment's media type as RFC 6838 writes it (type and subtype of at most 127 characters
 * each), lower case; anything else is unknown bytes. A Content-Type line may be 64 KB long, and
 * every attachment's type is kept on the record.
 */
function mediaType(declared: string | false | undefined): string {
  // mailparser gives `false` for an empty Content-Type value.
  const type = (declared || '').trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(type)
    ? type
    : 'application/octet-stream';
}

function declaredCharsets(raw: Buffer): string[] {
  // Only the MIME headers matter; they sit in the first part of a message (before big parts).
  const text = raw.subarray(0, Math.min(raw.length, 512 * 1024)).toString('latin1');
  const found = new Set<string>();
  for (const match of text.matchAll(/charset\s*=\s*"?([A-Za-z0-9_.:-]+)/gi)) {
    found.add(String(match[1]).toLowerCase());
  }
  for (const match of text.matchAll(/=\?([A-Za-z0-9_.:-]+?)(\*[^?]*)?\?[bq]\?/gi)) {
    found.add(String(match[1]).toLowerCase());
  }
  return [...found];
}

function normalise(parsed: ParsedMail, raw: Buffer, repaired: ParsedMessage['repaired']): ParsedMessage {
  const type = parsed.headers.get('content-type') as
    | { value?: string; params?: Record<string, string> }
    | undefined;
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(type?.params ?? {})) params[name.toLowerCase()] = String(value);
  const from = addresses(parsed.from)[0];
  const messageId = normaliseMessageId(parsed.messageId);
  const date = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : undefined;
  return {
    ...(from ? { from } : {}),
    replyTo: addresses(parsed.replyTo),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    ...(parsed.subject !== undefined && parsed.headers.has('subject') ? { subject: parsed.subject } : {}),
    ...(messageId ? { messageId } : {}),
    inReplyTo: messageIds(parsed.inReplyTo),
    references: messageIds(parsed.references),
    ...(date ? { date } : {}),
    // mailparser turns HTML into text only when it is the root part or there is no alternative.
    text: parsed.text?.trim() ? parsed.text : typeof parsed.html === 'string' ? htmlToText(parsed.html) : '',
    ...(typeof parsed.html === 'string' && parsed.html ? { html: parsed.html } : {}),
    headers: headerMap(parsed),
    contentType: String(type?.value ?? 'text/plain').toLowerCase(),
    contentTypeParams: params,
    charsets: declaredCharsets(raw),
    attachments: parsed.attachments.map((a) => ({
      ...(a.filename ? { filename: a.filename } : {}),
      contentType: mediaType(a.contentType),
      size: a.size ?? a.content.length,
      content: a.content,
      inline: a.contentDisposition === 'inline' || Boolean(a.related && a.contentId),
      ...(a.contentId ? { contentId: a.contentId.replace(/^<|>$/g, '') } : {}),
    })),
    ...(repaired ? { repaired } : {}),
  };
}
