import { randomUUID } from 'node:crypto';

/**
 * A raw MIME message for SES SendRawEmail: UTF-8 throughout (subjects as RFC 2047 encoded
 * words, bodies base64), plain text and HTML alternatives, and our own headers such as
 * `Auto-Submitted: auto-replied` (RFC 3834) so owners' mail systems do not answer it.
 */
export interface OutgoingMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly replyTo?: string;
  /** Our Message-ID (without brackets); replies carry it in In-Reply-To for threading. */
  readonly messageId: string;
  readonly inReplyTo?: string;
  /**
   * Sent by the product itself (every notice and report): `Auto-Submitted: auto-replied` and
   * `X-Auto-Response-Suppress: All`, so no out-of-office answers it (RFC 3834). False for what a
   * person wrote (an email staff write to the owner): an owner's away notice then tells staff
   * when the owner is back. @default true
   */
  readonly automatic?: boolean;
  readonly headers?: Record<string, string>;
  readonly date?: Date;
  /** Files after the text and HTML (e.g. a report's CSV): the message becomes multipart/mixed. */
  readonly attachments?: readonly MailAttachment[];
}

export interface MailAttachment {
  /** Shown to the recipient; may be non-ASCII (encoded per RFC 2231). */
  readonly filename: string;
  /** e.g. `text/csv; charset=UTF-8`. */
  readonly contentType: string;
  readonly content: Buffer | string;
}

export function newMessageId(ref: string, domain: string): string {
  return `${ref}.${randomUUID()}@${domain}`;
}

export function encodeWord(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  // Encoded words are limited to 75 characters: split on whole characters, never mid-UTF-8.
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(`=?UTF-8?B?${Buffer.from(chunk).toString('base64')}?=`);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(`=?UTF-8?B?${Buffer.from(chunk).toString('base64')}?=`);
  return words.join('\r\n ');
}

function base64Lines(text: string | Buffer): string {
  return (
    (typeof text === 'string' ? Buffer.from(text, 'utf8') : text)
      .toString('base64')
      .match(/.{1,76}/g)
      ?.join('\r\n') ?? ''
  );
}

function assertHeaderSafe(name: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new Error(`Header ${name} must not contain a line break`);
}

export function buildMime(mail: OutgoingMail): string {
  const boundary = `=_alt_${randomUUID()}`;
  const headers: [string, string][] = [
    ['From', mail.from],
    ['To', mail.to.join(', ')],
    ['Subject', encodeWord(mail.subject)],
    ['Date', (mail.date ?? new Date()).toUTCString().replace('GMT', '+0000')],
    ['Message-ID', `<${mail.messageId}>`],
    ['MIME-Version', '1.0'],
  ];
  if (mail.automatic !== false) {
    headers.push(['Auto-Submitted', 'auto-replied'], ['X-Auto-Response-Suppress', 'All']);
  }
  if (mail.replyTo) headers.push(['Reply-To', mail.replyTo]);
  if (mail.inReplyTo) {
    headers.push(['In-Reply-To', `<${mail.inReplyTo}>`], ['References', `<${mail.inReplyTo}>`]);
  }
  for (const [name, value] of Object.entries(mail.headers ?? {})) headers.push([name, value]);
  for (const [name, value] of headers) {
    if (name !== 'Subject') assertHeaderSafe(name, value);
  }
  const alternative = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(mail.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(mail.html),
    `--${boundary}--`,
  ];
  const head = headers.map(([name, value]) => `${name}: ${value}`);
  if (!mail.attachments?.length) {
    return [
      ...head,
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      ...alternative,
      '',
    ].join('\r\n');
  }
  const mixed = `=_mixed_${randomUUID()}`;
  return [
    ...head,
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
    '',
    `--${mixed}`,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    ...alternative,
    ...mail.attachments.flatMap((file) => {
      assertHeaderSafe('attachment content type', file.contentType);
      return [
        `--${mixed}`,
        `Content-Type: ${file.contentType}; name="${asciiFilename(file.filename)}"`,
        `Content-Disposition: attachment; filename="${asciiFilename(file.filename)}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines(file.content),
      ];
    }),
    `--${mixed}--`,
    '',
  ].join('\r\n');
}

/** An ASCII stand-in for clients that ignore RFC 2231's `filename*`. */
function asciiFilename(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\]/g, '_');
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
