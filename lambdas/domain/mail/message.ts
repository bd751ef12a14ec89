/**
 * A received message as intake uses it: decoded addresses, subject, text and HTML, the
 * threading headers and the attachments, whatever charset or client it came from (Big5,
 * Big5-HKSCS, GB2312 labels on GBK bytes, GB18030, ISO-2022-JP, ks_c_5601...), as parse.ts
 * makes it. Its own module so that the parser and the content rules (content.ts), which the
 * parser uses, can both name it without importing each other.
 */
export interface MailAddress {
  readonly address: string;
  /** Decoded display name, '' when there is none. */
  readonly name: string;
}

export interface ParsedAttachment {
  /** Decoded file name; undefined for unnamed parts (e.g. a bounce's message/rfc822). */
  readonly filename?: string;
  readonly contentType: string;
  readonly size: number;
  readonly content: Buffer;
  /** Shown in the body (Content-Disposition inline, or a Content-ID in multipart/related). */
  readonly inline: boolean;
  readonly contentId?: string;
}

export interface ParsedMessage {
  readonly from?: MailAddress;
  readonly replyTo: readonly MailAddress[];
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  /** Decoded subject; undefined when the message has no Subject header. */
  readonly subject?: string;
  /** Message-ID without angle brackets. */
  readonly messageId?: string;
  readonly inReplyTo: readonly string[];
  readonly references: readonly string[];
  readonly date?: string;
  /** The text/plain part, or the text of the HTML part when there is no plain one. */
  readonly text: string;
  /** The HTML part as sent (not sanitised: see content.ts before showing it anywhere). */
  readonly html?: string;
  /** Header values by lower-case name, unfolded, as sent (encoded words left alone). */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  /** The top-level media type, lower case, e.g. `multipart/report`. */
  readonly contentType: string;
  /** Parameters of the top-level Content-Type, lower-case names. */
  readonly contentTypeParams: Readonly<Record<string, string>>;
  /** Charsets declared anywhere in the message, lower case (for the owner's script). */
  readonly charsets: readonly string[];
  readonly attachments: readonly ParsedAttachment[];
  /** Set when the message had to be repaired before its parts could be read. */
  readonly repaired?: 'boundary';
}
