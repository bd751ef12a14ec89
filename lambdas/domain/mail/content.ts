import sanitizeHtml from 'sanitize-html';
import * as z from 'zod';
import type { Language } from '#domain/complaint.ts';
import { cleanText } from '#domain/text.ts';
import { lazily } from '../lazy.ts';
import type { MailAddress, ParsedAttachment, ParsedMessage } from './message.ts';

/**
 * What of a received message is kept on the complaint, and in what shape: text capped (the raw
 * message stays whole in S3), HTML sanitised so no page that shows it can run a script or load
 * a tracking image, attachments described (and executables flagged), the owner's address and
 * script chosen the way a person reading the message would.
 */

/** Characters of text kept on the record and on the correspondence (NewComplaintInput's limit). */
export const MAX_TEXT_CHARS = 20_000;
/** Sanitised HTML kept on the correspondence; longer HTML is left out (the text stays). */
export const MAX_HTML_CHARS = 60_000;
/** HTML longer than this is not sanitised at all (its text is already there). */
const MAX_HTML_TO_SANITISE = 1_000_000;
/** Attachments stored per message, and the largest stored. */
export const MAX_ATTACHMENTS = 25;
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
/** Characters of a name or subject kept. */
const MAX_NAME_CHARS = 100;
export const MAX_SUBJECT_CHARS = 500;

/** Text capped to `max` characters (whole code points), and whether it was cut. */
export function capText(text: string, max = MAX_TEXT_CHARS): { text: string; truncated: boolean } {
  const clean = cleanText(text)
    .replace(/\r\n?/g, '\n')
    // Each run of blanks is matched once, whatever follows it (`/[ \t]+\n/` would rescan a long
    // run from each of its characters: minutes on a body of a few hundred kilobytes of spaces).
    .replace(/[ \t]+(\n|(?![ \t]))/g, (run, end: string) => (end === '\n' ? '\n' : run))
    .replace(/\n{4,}/g, '\n\n\n')
    .trim();
  if (clean.length <= max) return { text: clean, truncated: false };
  const cut = [...clean.slice(0, max)];
  // A lone high surrogate at the end would be half a character.
  if (/[\uD800-\uDBFF]$/.test(cut[cut.length - 1] ?? '')) cut.pop();
  return { text: cut.join(''), truncated: true };
}

/** A one-line, capped header value (subject, display name) safe to store and show. */
export function oneLine(value: string | undefined, max: number): string {
  return [
    ...cleanText(value ?? '')
      .replace(/\s+/g, ' ')
      .trim(),
  ]
    .slice(0, max)
    .join('');
}

/**
 * HTML safe to show in the staff app: formatting, tables and links only. No scripts, styles,
 * forms, frames or event handlers; no images (remote ones are tracking beacons, inline ones are
 * stored as attachments); links open in a new tab without a referrer.
 */
export function sanitiseHtml(html: string | undefined): { html?: string; omitted?: 'too-large' } {
  if (!html) return {};
  if (html.length > MAX_HTML_TO_SANITISE) return { omitted: 'too-large' };
  const clean = sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.filter((tag) => tag !== 'wbr'),
    allowedAttributes: {
      a: ['href', 'title', 'target', 'rel'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
      '*': ['lang', 'dir'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer nofollow' }),
    },
    allowedSchemesAppliedToAttributes: ['href'],
  }).trim();
  if (clean.length > MAX_HTML_CHARS) return { omitted: 'too-large' };
  return clean ? { html: clean } : {};
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  middot: '·',
  laquo: '«',
  raquo: '»',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  copy: '©',
  reg: '®',
  yen: '¥',
};

/**
 * The text of an HTML body, for messages that have no text/plain part the parser could use
 * (an alternative with only HTML). Blocks become lines; scripts, styles and tags go.
 */
export function htmlToText(html: string): string {
  // Tags are matched up to the next `<` or `>` (`[^<>]*`), never to the end of the text and back:
  // a body of unclosed `<` would otherwise take time quadratic in its length.
  return withoutHiddenBlocks(html.slice(0, MAX_HTML_TO_SANITISE))
    .replace(/<br\b[^<>]*>/gi, '\n')
    .replace(/<\/(p|div|tr|li|h[1-6]|table|blockquote|pre|section|article)\s*>/gi, '\n')
    .replace(/<(td|th)\b[^<>]*>/gi, ' ')
    .replace(/<[^<>]*>/g, '')
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (entity, name: string) => {
      if (name.startsWith('#')) {
        const code =
          name[1]?.toLowerCase() === 'x' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
          ? String.fromCodePoint(code)
          : '';
      }
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * HTML without its scripts, styles, head, title and comments, in one pass. A block whose
 * closing tag never comes is left to the tag stripping, as before; and once a closing tag is
 * known to be missing it is not searched for again (searching from each of a body's thousands
 * of unclosed `<script>` to its end would take time quadratic in its length).
 */
function withoutHiddenBlocks(html: string): string {
  const opening = /<(script|style|head|title)\b[^<>]*>|<!--/gi;
  const unclosed = new Set<string>();
  let text = '';
  let from = 0;
  for (let open = opening.exec(html); open; open = opening.exec(html)) {
    const name = open[1]?.toLowerCase() ?? '!--';
    if (unclosed.has(name)) continue;
    const closing = open[1] ? new RegExp(`</${name}\\s*>`, 'gi') : /-->/g;
    closing.lastIndex = opening.lastIndex;
    if (!closing.exec(html)) {
      unclosed.add(name);
      continue;
    }
    text += html.slice(from, open.index);
    from = opening.lastIndex = closing.lastIndex;
  }
  return text + html.slice(from);
}

// In a module of its own, without this one's dependencies: the web app reads it too.
export { refInSubject } from './subject-ref.ts';

/** A reference in one of our Message-IDs: `<ref>.<uuid>@<our domain>`. */
export function refInOurMessageId(messageId: string, domain: string): string | undefined {
  const match = /^([A-Z]{1,6}-\d{4}-\d{4,6})\.[0-9a-f-]{36}@(.+)$/i.exec(messageId);
  return match && match[2]?.toLowerCase() === domain.toLowerCase() ? match[1]?.toUpperCase() : undefined;
}

const NO_REPLY = /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noreply[-_.].*)$/i;
/** "Chan Tai Man via Residents" <residents@lists.example>: a list rewrote From (DMARC mitigation). */
const VIA = /^(.*?)\s+(via|through|經由|经由)\s+\S.*$/i;
/** An owner's address as reception may enter it (OwnerInput's rule): one intake can answer. */
const ANSWERABLE = lazily(() => z.email().max(254));

/**
 * Who to answer: the Reply-To when the message has one (where a person's client would send a
 * reply: web forms send from no-reply addresses with the owner in Reply-To, and mailing lists
 * that rewrite From for DMARC keep the author there), else From. The name is From's display
 * name without a list's "via ..." suffix, else Reply-To's, else the address's local part.
 */
export function ownerOf(m: ParsedMessage, ownAddresses: readonly string[] = []): MailAddress | undefined {
  // Our own address is never the owner's (an answer there would come back to intake), and an
  // address reception could not enter (OwnerInput) cannot be answered either.
  const usable = (address: string) =>
    !ownAddresses.includes(address.toLowerCase()) && ANSWERABLE.safeParse(address.trim()).success;
  const from = m.from && usable(m.from.address) ? m.from : undefined;
  const replyTo = m.replyTo.find((r) => usable(r.address));
  const address = (replyTo ?? from)?.address.trim().toLowerCase();
  if (!address) return undefined;
  // Shortened before the "via" pattern reads it: a name is a header line, up to 1 MB of it.
  const fromName = from?.name
    ? oneLine(from.name, 4 * MAX_NAME_CHARS)
        .replace(VIA, '$1')
        .replace(/^["']|["']$/g, '')
    : '';
  const separateReplyTo = replyTo && replyTo.address.toLowerCase() !== from?.address.toLowerCase();
  // The first name that is still a name once control and zero-width characters are gone.
  const name =
    [separateReplyTo ? replyTo.name : '', fromName, replyTo?.name ?? '', address.split('@')[0] ?? '']
      .map((candidate) => oneLine(candidate, MAX_NAME_CHARS))
      .find(Boolean) ?? address;
  return { address, name };
}

export function isNoReplyAddress(address: string | undefined): boolean {
  return NO_REPLY.test((address ?? '').split('@')[0] ?? '');
}

/** Characters that differ between the scripts, as a quick vote on which one the owner writes. */
const SIMPLIFIED_ONLY =
  '这们个来说时对会过还发后问间样经话见现进么为与东车长门马鸟电请业处务关于从网楼层单户报维修环卫梯气费让给没';
const TRADITIONAL_ONLY =
  '這們個來說時對會過還發後問間樣經話見現進麼為與東車長門馬鳥電請業處務關於從網樓層單戶報維修環衛梯氣費讓給沒';

/**
 * The owner's written language, for the acknowledgement: 简体 when the message was written in
 * a mainland charset or in simplified characters, else 繁體 (the default, and also for
 * English-only mail: every email is bilingual).
 */
export function languageOf(m: ParsedMessage, text: string): Language {
  let simplified = 0;
  let traditional = 0;
  for (const char of text.slice(0, 5000)) {
    if (SIMPLIFIED_ONLY.includes(char)) simplified += 1;
    else if (TRADITIONAL_ONLY.includes(char)) traditional += 1;
  }
  if (simplified !== traditional) return simplified > traditional ? 'zh-Hans' : 'zh-Hant';
  if (m.charsets.some((c) => /^(gb2312|gbk|gb18030|hz-gb-2312|x-gbk|cp936|euc-cn)$/.test(c)))
    return 'zh-Hans';
  return 'zh-Hant';
}

const EXECUTABLE_EXTENSIONS = new Set([
  'exe',
  'com',
  'scr',
  'pif',
  'bat',
  'cmd',
  'msi',
  'msp',
  'mst',
  'dll',
  'cpl',
  'jar',
  'js',
  'jse',
  'vbs',
  'vbe',
  'wsf',
  'wsh',
  'ps1',
  'psm1',
  'hta',
  'lnk',
  'reg',
  'sh',
  'app',
  'apk',
  'dmg',
  'iso',
  'img',
  'vhd',
  'vhdx',
  'xll',
  'docm',
  'xlsm',
  'pptm',
  'one',
  'chm',
  'gadget',
  'scf',
  'url',
]);
const EXECUTABLE_TYPES =
  /^application\/(x-msdownload|x-ms-dos-executable|x-dosexec|x-executable|x-msi|x-sh|x-bat|java-archive|x-java-archive|vnd\.microsoft\.portable-executable|hta|x-ms-shortcut|vnd\.ms-htmlhelp)$/;

/** Executables and macro documents: stored (they are evidence) but flagged, never opened inline. */
export function isExecutable(
  attachment: Pick<ParsedAttachment, 'filename' | 'contentType' | 'content'>,
): boolean {
  const extension = /\.([A-Za-z0-9]{1,10})\s*$/.exec(attachment.filename ?? '')?.[1]?.toLowerCase();
  if (extension && EXECUTABLE_EXTENSIONS.has(extension)) return true;
  if (EXECUTABLE_TYPES.test(attachment.contentType)) return true;
  const head = attachment.content.subarray(0, 4);
  // A file shorter than four bytes has no magic number to read (and readUInt32BE would throw).
  const magic = head.length === 4 ? head.readUInt32BE(0) : undefined;
  // "MZ" (Windows PE), ELF, Mach-O: whatever the name says.
  return (
    (head[0] === 0x4d && head[1] === 0x5a) ||
    magic === 0x7f454c46 ||
    magic === 0xcffaedfe ||
    magic === 0xfeedfacf
  );
}

/** A fax page image: PDF or TIFF, by type or by name. */
export function isFaxDocument(attachment: Pick<ParsedAttachment, 'filename' | 'contentType'>): boolean {
  if (/^(application\/pdf|image\/tiff?|application\/x-pdf)$/.test(attachment.contentType)) return true;
  return (
    attachment.contentType === 'application/octet-stream' &&
    /\.(pdf|tiff?)\s*$/i.test(attachment.filename ?? '')
  );
}

/** A file name safe as the last part of an S3 key and in a Content-Disposition. */
export function safeFileName(name: string | undefined, index: number, contentType: string): string {
  const fallback = `attachment-${index + 1}${extensionFor(contentType)}`;
  const cleaned = [
    ...(name ?? '')
      .normalize('NFC')
      .replace(/[\\/]/g, '_')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters never belong in a key
      .replace(/[\u0000-\u001f\u007f"<>|:*?#%{}^~[\]`]/g, '_')
      .replace(/^\.+/, '')
      .trim(),
  ]
    .slice(0, 120)
    .join('');
  return cleaned || fallback;
}

function extensionFor(contentType: string): string {
  const known: Record<string, string> = {
    'application/pdf': '.pdf',
    'image/tiff': '.tif',
    'image/jpeg': '.jpg',
    'image/png': '.png',
    'message/rfc822': '.eml',
    'text/plain': '.txt',
  };
  return known[contentType] ?? '';
}

/** A phone or fax number in a gateway's subject or cover text, e.g. "Fax from +852 2345 6789". */
export function faxNumberIn(...texts: (string | undefined)[]): string | undefined {
  for (const text of texts) {
    const match = /(\+?\d[\d -]{6,20}\d)/.exec(text ?? '');
    const digits = match?.[1]?.replace(/\D/g, '') ?? '';
    if (match?.[1] && digits.length >= 7 && digits.length <= 15) return match[1].trim();
  }
  return undefined;
}

/** Whether a message's text says nothing (a fax gateway's empty body, a lone signature dash). */
export function isBlank(text: string): boolean {
  return text.replace(/[\s\-_=.*~>|]+/g, '').length === 0;
}

/** Where a reply's quoted original starts, in the clients our owners use. */
const QUOTE_HEADER =
  /^(on .{1,200} wrote:|-{2,}\s*(original message|原始郵件|原始邮件|原始訊息)\s*-{2,}|_{10,}|(from|寄件者|寄件人|发件人|發件人|差出人)\s*[:：].*|在\s?.{1,80}(寫道|写道)[:：]?|.{1,80}於.{1,60}寫道[:：]?)\s*$/im;

/** The words an owner wrote in a reply, without the quoted message below them. */
export function replyTextOf(text: string): string {
  const cut = QUOTE_HEADER.exec(text);
  const own = cut ? text.slice(0, cut.index) : text;
  return own
    .split('\n')
    .filter((line) => !line.startsWith('>'))
    .join('\n')
    .trim();
}
