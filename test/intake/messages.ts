import { randomUUID } from 'node:crypto';

/**
 * Raw messages as owners' mail clients write them, for intake tests: Outlook in Hong Kong and
 * Taiwan (Big5), Foxmail and NetEase in the mainland (GB2312), Outlook's Chinese out-of-office
 * reply, a Postfix delivery status notification, a fax gateway's PDF or TIFF. Bytes are in the
 * charset named, as the clients send them.
 */

const maps = new Map<string, Map<string, number[]>>();

/**
 * Cantonese characters of HKSCS (Hong Kong Supplementary Character Set), which Hong Kong
 * owners' Windows writes into "big5" mail and which the WHATWG/ICU big5 decoder lacks. Bytes
 * as the HKSCS-2008 table gives them.
 */
const HKSCS: Record<string, number[]> = {
  咗: [0x9d, 0xf7],
  啲: [0x9d, 0xf8],
  㗎: [0x9d, 0xee],
  嘅: [0xfb, 0x48],
  喺: [0x9d, 0xf6],
  嘢: [0x9d, 0xcf],
  嚟: [0x91, 0xc1],
};

/** Encodes text in a legacy CJK charset (big5, gbk, gb18030) by inverting the WHATWG decoder. */
export function legacyEncode(text: string, charset: 'big5' | 'gbk' | 'gb18030'): Buffer {
  let map = maps.get(charset);
  if (!map) {
    map = new Map();
    const decoder = new TextDecoder(charset);
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        const char = decoder.decode(Uint8Array.of(lead, trail));
        if (char.length === 1 && char !== '\uFFFD' && !map.has(char)) map.set(char, [lead, trail]);
      }
    }
    maps.set(charset, map);
  }
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) bytes.push(code);
    else {
      const encoded = map.get(char) ?? (charset === 'big5' ? HKSCS[char] : undefined);
      if (!encoded) throw new Error(`${char} has no ${charset} encoding`);
      bytes.push(...encoded);
    }
  }
  return Buffer.from(bytes);
}

const b64Lines = (bytes: Buffer) =>
  bytes
    .toString('base64')
    .replace(/.{1,76}/g, '$&\r\n')
    .trimEnd();

/** An RFC 2047 encoded word in a legacy charset, as Outlook and Foxmail write headers. */
export function encodedWord(
  text: string,
  charset: 'big5' | 'gbk' | 'gb18030',
  label: string = charset,
): string {
  return `=?${label}?B?${legacyEncode(text, charset).toString('base64')}?=`;
}

export function newMessageId(domain = 'mail.example.com'): string {
  return `${randomUUID()}@${domain}`;
}

function date(): string {
  return new Date().toUTCString().replace('GMT', '+0000');
}

/** Outlook (Hong Kong / Taiwan): Big5 display name and subject, multipart/alternative in Big5. */
export function big5OutlookComplaint(input: {
  from: string;
  name: string;
  subject: string;
  body: string;
  messageId?: string;
  to?: string;
}): Buffer {
  const boundary = `_000_${randomUUID().replace(/-/g, '')}_`;
  const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"></head><body><p>${input.body.replace(/\n/g, '<br>')}</p><script>alert(1)</script></body></html>`;
  return Buffer.concat([
    Buffer.from(
      [
        `From: ${encodedWord(input.name, 'big5')} <${input.from}>`,
        `To: ${input.to ?? 'complaints@estate.example'}`,
        `Subject: ${encodedWord(input.subject, 'big5')}`,
        `Date: ${date()}`,
        `Message-ID: <${input.messageId ?? newMessageId('outlook.com.hk')}>`,
        'Content-Language: zh-HK',
        'X-MS-Has-Attach: ',
        'MIME-Version: 1.0',
        `Content-Type: multipart/alternative; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset="big5"',
        'Content-Transfer-Encoding: base64',
        '',
        b64Lines(legacyEncode(input.body, 'big5')),
        '',
        `--${boundary}`,
        'Content-Type: text/html; charset="big5"',
        'Content-Transfer-Encoding: base64',
        '',
        b64Lines(legacyEncode(html, 'big5')),
        '',
        `--${boundary}--`,
        '',
      ].join('\r\n'),
      'latin1',
    ),
  ]);
}

/** Foxmail / NetEase (mainland): GB2312 labels, quoted-printable GB bytes in the body. */
export function gb2312FoxmailComplaint(input: {
  from: string;
  name: string;
  subject: string;
  body: string;
  messageId?: string;
}): Buffer {
  const qp = [...legacyEncode(input.body, 'gbk')]
    .map((byte) =>
      byte === 0x0a
        ? '\r\n'
        : byte >= 0x21 && byte <= 0x7e && byte !== 0x3d
          ? String.fromCharCode(byte)
          : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('')
    .replace(/[^\r\n]{70}(?=[^\r\n])/g, '$&=\r\n');
  return Buffer.from(
    [
      `From: "${encodedWord(input.name, 'gbk', 'gb2312')}" <${input.from}>`,
      'To: "complaints" <complaints@estate.example>',
      `Subject: ${encodedWord(input.subject, 'gbk', 'gb2312')}`,
      `Date: ${date()}`,
      `Message-ID: <${input.messageId ?? newMessageId('foxmail.com')}>`,
      'X-Mailer: Foxmail 7.2.25.228[cn]',
      'Mime-Version: 1.0',
      'Content-Type: text/plain; charset="gb2312"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      qp,
      '',
    ].join('\r\n'),
    'latin1',
  );
}

/** Outlook's Chinese out-of-office answer: no Auto-Submitted, only Exchange's own headers. */
export function outlookAutoReplyZh(input: {
  from: string;
  name: string;
  inReplyTo: string;
  subject: string;
}) {
  const body = '我現正休假，將於下星期一回到辦公室。如有急事，請致電 2345 6789。';
  return Buffer.from(
    [
      `From: =?utf-8?B?${Buffer.from(input.name).toString('base64')}?= <${input.from}>`,
      'To: complaints@estate.example',
      `Subject: =?utf-8?B?${Buffer.from(`自動回覆: ${input.subject}`).toString('base64')}?=`,
      `Date: ${date()}`,
      `Message-ID: <${newMessageId('hkmail.example')}>`,
      `In-Reply-To: <${input.inReplyTo}>`,
      `References: <${input.inReplyTo}>`,
      'X-Auto-Response-Suppress: All',
      'X-MS-Exchange-Inbox-Rules-Loop: owner@example.com',
      'Content-Type: text/plain; charset="utf-8"',
      'Content-Transfer-Encoding: base64',
      '',
      b64Lines(Buffer.from(body)),
      '',
    ].join('\r\n'),
  );
}

/** A Postfix delivery status notification (RFC 3464) for one of our messages. */
export function dsnBounce(input: { to: string; originalMessageId: string; failedRecipient: string }) {
  const boundary = `${randomUUID()}/mx.example.net`;
  return Buffer.from(
    [
      'Return-Path: <>',
      'From: MAILER-DAEMON@mx.example.net (Mail Delivery System)',
      `To: ${input.to}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Date: ${date()}`,
      `Message-ID: <${newMessageId('mx.example.net')}>`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Description: Notification',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'This is the mail system at host mx.example.net.',
      '',
      "I'm sorry to have to inform you that your message could not",
      'be delivered to one or more recipients.',
      '',
      `<${input.failedRecipient}>: host mx.example.net said: 550 5.1.1 User unknown`,
      '',
      `--${boundary}`,
      'Content-Description: Delivery report',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.net',
      '',
      `Final-Recipient: rfc822; ${input.failedRecipient}`,
      'Action: failed',
      'Status: 5.1.1',
      '',
      `--${boundary}`,
      'Content-Description: Undelivered Message Headers',
      'Content-Type: text/rfc822-headers',
      '',
      `From: ${input.to}`,
      `To: ${input.failedRecipient}`,
      `Message-ID: <${input.originalMessageId}>`,
      'Subject: =?UTF-8?B?5bey5pS25Yiw5oKo55qE5oqV6Ki0?=',
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

/** A minimal one-page PDF, as a fax gateway attaches it. */
export const PDF_PAGE = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** The first bytes of a little-endian TIFF (a fax page image). */
export const TIFF_PAGE = Buffer.concat([
  Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0, 0, 0]),
  Buffer.alloc(64),
]);

/** A fax-to-email gateway's message: a cover line or nothing, and the fax as PDF or TIFF. */
export function faxGatewayMessage(input: {
  from: string;
  to?: string;
  subject: string;
  cover?: string;
  file: { name: string; type: string; content: Buffer };
}): Buffer {
  const boundary = `fax-${randomUUID()}`;
  return Buffer.from(
    [
      `From: Fax Gateway <${input.from}>`,
      `To: ${input.to ?? 'fax@estate.example'}`,
      `Subject: ${input.subject}`,
      `Date: ${date()}`,
      `Message-ID: <${newMessageId('faxmail.example')}>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=us-ascii',
      '',
      input.cover ?? '',
      '',
      `--${boundary}`,
      `Content-Type: ${input.file.type}; name="${input.file.name}"`,
      `Content-Disposition: attachment; filename="${input.file.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      b64Lines(input.file.content),
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}
