import fc from 'fast-check';
import sanitizeHtml from 'sanitize-html';
import { describe, expect, it } from 'vitest';
import { NewComplaintInput } from '#domain/complaint.ts';
import { classify } from '#domain/mail/classify.ts';
import {
  isNoReplyAddress,
  MAX_ATTACHMENT_BYTES,
  MAX_HTML_CHARS,
  MAX_SUBJECT_CHARS,
  MAX_TEXT_CHARS,
  ownerOf,
  replyTextOf,
} from '#domain/mail/content.ts';
import {
  type ComplaintFromMessage,
  complaintFromMessage,
  type MessageView,
  planAttachments,
  threadHints,
  viewOf,
} from '#domain/mail/intake.ts';
import {
  areaForRecipients,
  intakeSettingsFrom,
  isFaxGateway,
  isOwnAddress,
} from '#domain/mail/intake-options.ts';
import type { ParsedMessage } from '#domain/mail/message.ts';
import { parseMessage, UnparseableMessageError } from '#domain/mail/parse.ts';
import { type AttachmentMeta, MAIL_OUTCOMES, type MailOutcome } from '#domain/mail/received-mail.ts';
import { hostileString, markupProblems, PAYLOADS } from './hostile.ts';

/**
 * Email intake against hostile mail: huge headers, thousands of headers, deep MIME nesting,
 * wrong and unknown charsets, broken base64 and quoted-printable, NUL bytes, a 40 MB
 * attachment, script-laden HTML, and bodies built to make regular expressions backtrack.
 * Whatever arrives, intake decides (a complaint, an automatic message, held or quarantined
 * with a reason) and never throws; what it keeps is capped, HTML is sanitised, and what a
 * message opens passes the same validation as a complaint reception logs.
 */

const settings = intakeSettingsFrom({
  INTAKE_ADDRESSES: 'complaints@estate.example,fax@estate.example',
  FAX_GATEWAY_ADDRESSES: 'gateway@faxmail.example,@efax.example',
});

interface Decision {
  readonly outcome: MailOutcome;
  readonly reason?: string;
  readonly message?: ParsedMessage;
  readonly view?: MessageView;
  readonly attachments?: readonly { meta: AttachmentMeta; content?: unknown }[];
  readonly made?: ComplaintFromMessage;
}

/**
 * What intake decides for raw bytes, without its I/O: lambdas/services/intake-mail.ts
 * (receiveMessage) with no earlier message to thread to, no duplicate and no flood. Every
 * domain function the service calls on a message is called here.
 */
async function decide(raw: Buffer, mailFrom = 'sender@example.com'): Promise<Decision> {
  let message: ParsedMessage;
  try {
    message = await parseMessage(raw);
  } catch (error) {
    if (error instanceof UnparseableMessageError) return { outcome: 'quarantined', reason: 'unparseable' };
    throw error;
  }
  const view = viewOf(message);
  const attachments = planAttachments(message.attachments, { sesMessageId: 'ses-1', bucket: 'attachments' });
  const seen = { message, view, attachments };
  if (isOwnAddress(settings, message.from?.address)) return { outcome: 'own-address', ...seen };
  const classification = classify(message, { mailFrom });
  const hints = threadHints(message, classification, settings.ownDomain);
  replyTextOf(view.text);
  if (classification.kind) {
    return {
      outcome: classification.kind,
      ...(classification.reason ? { reason: classification.reason } : {}),
      ...seen,
    };
  }
  if (!isFaxGateway(settings, message.from?.address)) {
    const owner = ownerOf(message, settings.intakeAddresses);
    if (!owner) return { outcome: 'held', reason: 'no-sender', ...seen };
    if (isNoReplyAddress(owner.address)) return { outcome: 'held', reason: 'no-reply-sender', ...seen };
  }
  const area = areaForRecipients(
    settings,
    message.to.map((a) => a.address),
  );
  const made = complaintFromMessage(message, { settings, area });
  // No earlier complaint exists here: a reference in the subject finds nothing, as for a stranger's.
  return {
    outcome: 'complaint-opened',
    ...seen,
    made,
    ...(hints.subjectRef ? { reason: 'unknown-ref' } : {}),
  };
}

/** DynamoDB's item limit; what one message adds to an item must leave room for the rest. */
const ITEM_BYTES = 400 * 1024;
const codePoints = (text: string) => [...text].length;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const SANITISED = {
  tags: new Set(sanitizeHtml.defaults.allowedTags.filter((tag) => tag !== 'wbr')),
  attributes: new Set(['href', 'title', 'target', 'rel', 'colspan', 'rowspan', 'lang', 'dir']),
};

/** The properties every decision has, whatever the message was. */
function expectSafeDecision(decision: Decision): void {
  expect(MAIL_OUTCOMES).toContain(decision.outcome);
  if (decision.outcome === 'quarantined' || decision.outcome === 'held') expect(decision.reason).toBeTruthy();
  const { view, attachments, made } = decision;
  if (!view || !attachments) return;

  expect(codePoints(view.subject)).toBeLessThanOrEqual(MAX_SUBJECT_CHARS);
  expect(view.text.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
  expect(codePoints(view.fromName ?? '')).toBeLessThanOrEqual(100);
  expect(view.to.length).toBeLessThanOrEqual(20);
  for (const address of [view.from ?? '', ...view.to]) expect(address.length).toBeLessThanOrEqual(254);
  expect(view.messageId?.length ?? 0).toBeLessThanOrEqual(250);
  for (const text of [view.subject, view.text, view.fromName ?? '']) expect(text).not.toMatch(CONTROL);
  if (view.html !== undefined) {
    expect(view.html.length).toBeLessThanOrEqual(MAX_HTML_CHARS);
    expect(markupProblems(view.html, SANITISED)).toEqual([]);
  }

  for (const { meta, content } of attachments) {
    expect(codePoints(meta.filename)).toBeLessThanOrEqual(120);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters must not reach an S3 key
    expect(meta.filename).not.toMatch(/[/\\\u0000-\u001f]/);
    expect(meta.contentType.length).toBeLessThanOrEqual(255);
    if (meta.size > MAX_ATTACHMENT_BYTES) {
      expect(meta.notStored).toBe('too-large');
      expect(content).toBeUndefined();
    }
  }
  // The correspondence line keeps the view and the attachment list in one item.
  const line = Buffer.byteLength(JSON.stringify({ ...view, attachments: attachments.map((a) => a.meta) }));
  expect(line).toBeLessThan(ITEM_BYTES - 16 * 1024);

  if (made) {
    const checked = NewComplaintInput.safeParse(made.input);
    // A gateway's fax comes with no owner contact (reception transcribes it): the one allowed gap.
    const issues = checked.success
      ? []
      : checked.error.issues.filter(
          (issue) =>
            !(
              made.input.channel === 'fax' &&
              issue.path.join('.') === 'owner.phone' &&
              !made.input.owner.email
            ),
        );
    expect(issues).toEqual([]);
    expect(made.input.content).not.toMatch(CONTROL);
    expect(codePoints(made.input.owner.name)).toBeLessThanOrEqual(100);
    const record = Buffer.byteLength(
      JSON.stringify({ ...made.input, mailAttachments: attachments.map((a) => a.meta) }),
    );
    expect(record).toBeLessThan(ITEM_BYTES - 32 * 1024);
  }
}

// ----- Generators of hostile messages -------------------------------------------------------

const CRLF = '\r\n';
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const utf8Latin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

const charset = fc.constantFrom(
  'utf-8',
  'UTF-8',
  'big5',
  'big5-hkscs',
  'gb2312',
  'gbk',
  'gb18030',
  'iso-2022-jp',
  'ks_c_5601-1987',
  'utf-7',
  'utf-16',
  'x-klingon',
  'us-ascii',
  'windows-1252',
  '',
  '"utf-8',
  'utf-8"; charset="big5',
);

const hostileHtml = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<p onclick="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" jav&#x09;ascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt&colon;alert(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="https://example.com/" onmouseover="alert(1)">ok</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<style>body{background:url(javascript:alert(1))}</style>',
        '<script>alert(1)</script>',
        '<script src=//evil.example></script>',
        '<scr<script>ipt>alert(1)</script>',
        '<img src=x onerror=alert(1)>',
        '<svg onload=alert(1)><use href="data:image/svg+xml,x"/></svg>',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        '<form action="javascript:alert(1)"><button formaction="javascript:alert(2)">go</button></form>',
        '<table background="javascript:alert(1)"><tr><td colspan="2" onmouseover="x">c</td></tr></table>',
        '<div style="behavior:url(x.htc)">styled</div>',
        '<!--<script>alert(1)</script>-->',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        '<textarea><script>alert(1)</script></textarea>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<base href="javascript:alert(1)//">',
        '<object data="x.swf"></object><embed src="x.swf">',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        '<a href="x" target="_self" rel="opener">rel</a>',
        '<b lang="zh-HK" dir="rtl">粗體</b>',
        '<p',
        '<a href="',
        '</',
        '<',
        '>',
        '&',
        '&#0;',
        '&#x110000;',
        '\u0000',
      ),
      hostileString,
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

/** Bytes in a transfer encoding, sometimes broken the ways real mail breaks them. */
const encodedBody = fc
  .record({
    text: fc.oneof(hostileString, hostileHtml),
    bytes: fc.uint8Array({ maxLength: 300 }),
    useBytes: fc.boolean(),
    encoding: fc.constantFrom(
      '7bit',
      '8bit',
      'base64',
      'quoted-printable',
      'binary',
      'x-uuencode',
      'bogus',
      '',
    ),
    damage: fc.constantFrom('none', 'none', 'truncate', 'garbage', 'nul'),
    cut: fc.nat(),
  })
  .map(({ text, bytes, useBytes, encoding, damage, cut }) => {
    const payload = useBytes ? Buffer.from(bytes) : Buffer.from(text, 'utf8');
    let body =
      encoding === 'base64'
        ? (payload.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF)
        : encoding === 'quoted-printable'
          ? [...payload]
              .map((b) =>
                b >= 0x21 && b <= 0x7e && b !== 0x3d
                  ? String.fromCharCode(b)
                  : `=${b.toString(16).toUpperCase().padStart(2, '0')}`,
              )
              .join('')
          : payload.toString('latin1');
    if (damage === 'truncate' && body.length) body = body.slice(0, cut % body.length);
    if (damage === 'garbage') body += encoding === 'base64' ? '=!!*%=\u00ff' : '=E4=B=\r\n=';
    if (damage === 'nul') body = body.replace(/(.{7})/g, '$1\u0000');
    return { encoding, body };
  });

const fileName = fc.oneof(
  fc.constantFrom(
    'invoice.pdf',
    'scan.tif',
    'a.pdf.exe',
    '..\\..\\boot.ini',
    '../../etc/passwd',
    'CON',
    '',
    '.htaccess',
    'x'.repeat(300),
  ),
  hostileString,
);

/** A Content-Disposition, with a file name written plainly, as an encoded word, or per RFC 2231. */
const disposition = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    'Content-Disposition: inline',
    'Content-Disposition: attachment',
    'Content-Disposition: ;;;',
  ),
  fc
    .tuple(
      fc.constantFrom('attachment', 'inline', 'bogus'),
      fileName,
      fc.constantFrom('plain', 'word', '2231'),
    )
    .map(([kind, name, style]) =>
      style === 'plain'
        ? `Content-Disposition: ${kind}; filename="${utf8Latin1(name)}"`
        : style === 'word'
          ? `Content-Disposition: ${kind}; filename="=?utf-8?B?${Buffer.from(name).toString('base64')}?="`
          : `Content-Disposition: ${kind}; filename*=UTF-8''${encodeURIComponent(name.replace(/[\ud800-\udfff]/g, ''))}`,
    ),
);

const mediaType = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('text/plain', 'text/html') },
  fc.constantFrom(
    'text/plain',
    'text/html',
    'application/pdf',
    'image/tiff',
    'image/png',
    'application/octet-stream',
    'application/x-msdownload',
    'message/rfc822',
    'message/delivery-status',
    'text/rfc822-headers',
    'text',
    '/',
    '',
    'multipart/mixed',
  ),
  fc.nat({ max: 3000 }).map((n) => `application/${'x'.repeat(n)}`),
  hostileString.map(utf8Latin1),
);

const leafPart = fc
  .record({
    type: mediaType,
    charset,
    disposition,
    body: encodedBody,
    extra: fc.array(hostileString, { maxLength: 2 }),
  })
  .map(({ type, charset, disposition, body, extra }) =>
    [
      `Content-Type: ${type}${charset ? `; charset=${charset}` : ''}`,
      ...(body.encoding ? [`Content-Transfer-Encoding: ${body.encoding}`] : []),
      ...(disposition ? [disposition] : []),
      ...extra.map((value, i) => `X-Extra-${i}: ${utf8Latin1(value).replace(/[\r\n]/g, ' ')}`),
      '',
      body.body,
    ].join(CRLF),
  );

const boundaryArb = fc.oneof(
  fc.string({
    unit: fc.constantFrom(..."abcXYZ0123456789'()+_,-./:=?".split('')),
    minLength: 1,
    maxLength: 70,
  }),
  fc.constantFrom('', ' ', 'a b', '"', '--', 'x'.repeat(200)),
);

/** A MIME tree: a leaf, or a multipart whose boundary may be declared wrong or never closed. */
const { part } = fc.letrec<{ part: string }>((tie) => ({
  part: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafPart,
    fc
      .record({
        subtype: fc.constantFrom(
          'mixed',
          'alternative',
          'related',
          'report; report-type=delivery-status',
          'digest',
          'x-bogus',
        ),
        boundary: boundaryArb,
        declared: fc.option(boundaryArb, { nil: undefined }),
        children: fc.array(tie('part'), { maxLength: 4 }),
        closed: fc.boolean(),
        preamble: fc.option(hostileString, { nil: undefined }),
      })
      .map(({ subtype, boundary, declared, children, closed, preamble }) =>
        [
          `Content-Type: multipart/${subtype}; boundary="${declared ?? boundary}"`,
          '',
          ...(preamble ? [utf8Latin1(preamble)] : []),
          ...children.flatMap((child) => [`--${boundary}`, child]),
          ...(closed ? [`--${boundary}--`] : []),
        ].join(CRLF),
      ),
  ),
}));

const address = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('chan.taiman@example.com.hk', 'wong@example.cn', 'lee+estate@mail.example.tw'),
  },
  fc.constantFrom(
    'chan.taiman@example.com.hk',
    'owner+tag@example.com',
    'complaints@estate.example',
    'gateway@faxmail.example',
    'no-reply@forms.example',
    'MAILER-DAEMON@mx.example',
    '@',
    '<>',
    'a b@c d',
    'foo',
    'x@y',
    '"quoted,comma"@example.com',
    'a@b.c\u0000d',
    `${'a'.repeat(300)}@example.com`,
    '陳@例子.香港',
  ),
  hostileString.map((s) => `${s}@example.com`),
);

const displayName = fc.oneof(
  fc.constant(''),
  hostileString.map((s) => `"${utf8Latin1(s).replace(/[\r\n"\\]/g, ' ')}"`),
  hostileString.map((s) => `=?utf-8?B?${Buffer.from(s).toString('base64')}?=`),
  fc.constantFrom(
    '=?x-klingon?B?AAAA?=',
    '=?utf-8?B?5L2g5aW?=',
    '=?utf-8?Q?=E4=BD=?=',
    '=?big5?B?pqc=?= via Residents',
    '\u200b',
    '"\u200b\ufeff"',
  ),
);

const topHeaders = fc.record(
  {
    from: fc.tuple(displayName, address).map(([name, a]) => `From: ${name} <${utf8Latin1(a)}>`),
    bareFrom: address.map((a) => `From: ${utf8Latin1(a)}`),
    replyTo: fc.tuple(displayName, address).map(([name, a]) => `Reply-To: ${name} <${utf8Latin1(a)}>`),
    to: fc.array(address, { maxLength: 30 }).map((list) => `To: ${list.map(utf8Latin1).join(', ')}`),
    subject: fc.oneof(
      hostileString.map((s) => `Subject: ${utf8Latin1(s).replace(/[\r\n]/g, ' ')}`),
      fc
        .tuple(charset, hostileString)
        .map(([cs, s]) => `Subject: =?${cs || 'utf-8'}?B?${Buffer.from(s).toString('base64')}?=`),
      fc.constantFrom(
        'Subject: =?utf-8?B?5L2g5aW?=',
        'Subject: Re: [KE-2611-0001] 升降機',
        'Subject: 自動回覆: x',
        'Subject: Undelivered Mail',
      ),
    ),
    messageId: fc.oneof(
      fc.constantFrom(
        'Message-ID: <a@b>',
        'Message-ID: <>',
        'Message-ID: no-brackets',
        `Message-ID: <${'m'.repeat(400)}@x>`,
      ),
      hostileString.map((s) => `Message-ID: <${utf8Latin1(s).replace(/[\r\n]/g, '')}>`),
    ),
    inReplyTo: fc
      .array(hostileString, { maxLength: 30 })
      .map(
        (ids) => `In-Reply-To: ${ids.map((id) => `<${utf8Latin1(id).replace(/[\r\n]/g, '')}>`).join(' ')}`,
      ),
    automatic: fc.constantFrom(
      'X-Mailer: Foxmail 7.2',
      'Importance: high',
      'Content-Language: zh-HK',
      'Auto-Submitted: auto-replied',
      'Auto-Submitted: no',
      'Precedence: bulk',
      'List-Id: <residents.lists.example>',
      'X-Autoreply: yes',
      'Return-Path: <>',
      'X-Failed-Recipients: gone@example.com',
    ),
    junk: fc.array(
      fc.tuple(
        fc.string({ unit: fc.constantFrom(...'abcXYZ-_:!~'.split('')), minLength: 1, maxLength: 20 }),
        hostileString,
      ),
      { maxLength: 20 },
    ),
  },
  { requiredKeys: [] },
);

/** A whole message, then perhaps damaged: cut short, NUL bytes, bare LF, a leading mbox line. */
const hostileMessage = fc
  .record({
    headers: topHeaders,
    mime: fc.boolean(),
    body: part,
    damage: fc.constantFrom('none', 'none', 'none', 'truncate', 'nul', 'lf', 'mbox'),
    cut: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ headers, mime, body, damage, cut }) => {
    const { junk = [], ...named } = headers;
    const lines = [
      ...Object.values(named),
      ...junk.map(([name, value]) => `${name}: ${utf8Latin1(value).replace(/[\r\n]/g, ' ')}`),
      ...(mime ? ['MIME-Version: 1.0'] : []),
    ];
    let raw = `${lines.join(CRLF)}${CRLF}${body}${CRLF}`;
    if (damage === 'truncate') raw = raw.slice(0, Math.floor(raw.length * cut));
    if (damage === 'nul') raw = raw.replace(/(.{13})/gs, '$1\u0000');
    if (damage === 'lf') raw = raw.replace(/\r\n/g, '\n');
    if (damage === 'mbox') raw = `From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n${raw}`;
    return latin1(raw);
  });

// ----- Properties ---------------------------------------------------------------------------

describe('email intake with hostile mail', () => {
  it('decides every message — complaint, automatic, held or quarantined with a reason — and keeps it capped and sanitised', async () => {
    await fc.assert(
      fc.asyncProperty(hostileMessage, async (raw) => {
        expectSafeDecision(await decide(raw));
      }),
      { numRuns: 1000 },
    );
  });

  it('sanitises any HTML body: no script, style, frame, image, handler or script URL survives', async () => {
    await fc.assert(
      fc.asyncProperty(hostileHtml, fc.constantFrom('text/html', 'multipart'), async (html, shape) => {
        const body =
          shape === 'text/html'
            ? `Content-Type: text/html; charset=utf-8${CRLF}${CRLF}${html}`
            : `Content-Type: multipart/alternative; boundary="b"${CRLF}${CRLF}--b${CRLF}Content-Type: text/html; charset=utf-8${CRLF}${CRLF}${html}${CRLF}--b--`;
        const decision = await decide(
          Buffer.from(
            `From: Chan <chan@example.com>${CRLF}Subject: html${CRLF}MIME-Version: 1.0${CRLF}${body}${CRLF}`,
          ),
        );
        expectSafeDecision(decision);
        // Handlers and script URLs in attributes are markupProblems' to find; as text they are harmless.
        expect(decision.view?.html ?? '').not.toMatch(
          /<\/?(script|style|iframe|img|svg|object|embed|form|meta|base|link)\b/i,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('email intake with oversized and malformed mail', () => {
  const head = `From: Chan Tai Man <chan@example.com>${CRLF}To: complaints@estate.example${CRLF}Message-ID: <big@example.com>${CRLF}`;

  it('quarantines a message whose header is 1 MB, or decides it', async () => {
    for (const header of [`Subject: ${'x'.repeat(1024 * 1024)}`, `X-Big: ${'y'.repeat(1024 * 1024)}`]) {
      const decision = await decide(latin1(`${head}${header}${CRLF}${CRLF}body`));
      expectSafeDecision(decision);
    }
    const folded = `Subject: ${Array.from({ length: 21_000 }, () => 'z'.repeat(48)).join(`${CRLF} `)}`;
    expectSafeDecision(await decide(latin1(`${head}${folded}${CRLF}${CRLF}body`)));
  });

  it('decides a message with 5,000 headers', async () => {
    const headers = Array.from(
      { length: 5000 },
      (_, i) => `${i % 2 ? 'Received' : `X-Header-${i}`}: from relay${i}.example`,
    );
    const decision = await decide(
      latin1(`${head}Subject: many${CRLF}${headers.join(CRLF)}${CRLF}${CRLF}lift broken`),
    );
    expectSafeDecision(decision);
    expect(decision.made?.input.content).toContain('lift broken');
  });

  it('finds the text of a multipart nested 200 deep, and quarantines one nested 2,000 deep', async () => {
    const nested = (depth: number) => {
      let inner = `Content-Type: text/plain; charset=utf-8${CRLF}${CRLF}升降機壞咗${CRLF}`;
      for (let i = depth; i > 0; i--) {
        inner = `Content-Type: multipart/mixed; boundary="b${i}"${CRLF}${CRLF}--b${i}${CRLF}${inner}--b${i}--${CRLF}`;
      }
      return latin1(`${head}Subject: deep${CRLF}MIME-Version: 1.0${CRLF}${utf8Latin1(inner)}`);
    };
    const deep = await decide(nested(200));
    expectSafeDecision(deep);
    expect(deep.made?.input.content).toContain('升降機壞咗');
    const deeper = await decide(nested(2000));
    expectSafeDecision(deeper);
    expect(deeper.outcome).toBe('quarantined');
  });

  it('stores nothing of a 40 MB attachment, and says why', async () => {
    const b64 = (
      Buffer.alloc(40 * 1024 * 1024, 0x25)
        .toString('base64')
        .match(/.{1,76}/g) ?? []
    ).join(CRLF);
    const raw = latin1(
      [
        `${head}Subject: fax pages`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="zz"',
        '',
        '--zz',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'see the attached pages',
        '--zz',
        'Content-Type: application/pdf; name="pages.pdf"',
        'Content-Disposition: attachment; filename="pages.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        b64,
        '--zz--',
        '',
      ].join(CRLF),
    );
    const decision = await decide(raw);
    expectSafeDecision(decision);
    expect(decision.outcome).toBe('complaint-opened');
    expect(decision.attachments?.map((a) => a.meta)).toEqual([
      expect.objectContaining({ filename: 'pages.pdf', size: 40 * 1024 * 1024, notStored: 'too-large' }),
    ]);
  });

  it('decides a message with 900 attachments with long names and a 60,000-character Chinese HTML body', async () => {
    const name = '報價單'.repeat(40);
    const parts = Array.from({ length: 900 }, (_, i) =>
      [
        '--zz',
        `Content-Type: application/pdf; name="=?utf-8?B?${Buffer.from(`${name}${i}.pdf`).toString('base64')}?="`,
        'Content-Disposition: attachment',
        '',
        '%PDF-1.4',
      ].join(CRLF),
    );
    const html = `<p>${'漏水'.repeat(29_990)}</p>`;
    const raw = latin1(
      [
        `${head}Subject: attachments`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="zz"',
        '',
        '--zz',
        'Content-Type: text/html; charset=utf-8',
        '',
        utf8Latin1(html),
        ...parts,
        '--zz--',
        '',
      ].join(CRLF),
    );
    expectSafeDecision(await decide(raw));
  });

  it('decides tiny and empty attachments (no file header to sniff)', async () => {
    for (const content of ['', 'M', 'MZ', 'PDF']) {
      const raw = latin1(
        [
          `${head}Subject: tiny`,
          'MIME-Version: 1.0',
          'Content-Type: multipart/mixed; boundary="zz"',
          '',
          '--zz',
          'Content-Type: application/octet-stream; name="a.bin"',
          'Content-Disposition: attachment; filename="a.bin"',
          '',
          content,
          '--zz--',
          '',
        ].join(CRLF),
      );
      expectSafeDecision(await decide(raw));
    }
  });

  it('keeps to linear time on bodies and names built to make regular expressions backtrack', async () => {
    const size = 256 * 1024;
    const cases: [string, string][] = [
      ['spaces before the end of a plain text', `Content-Type: text/plain${CRLF}${CRLF}${' '.repeat(size)}x`],
      ['tabs before the end of a plain text', `Content-Type: text/plain${CRLF}${CRLF}${'\t'.repeat(size)}x`],
      ...['<', '<!--', '<script>', '<style x', '<td', '<br', '<title>'].map((run): [string, string] => [
        `an HTML-only body of ${run} without an end`,
        `Content-Type: multipart/mixed; boundary="b"${CRLF}${CRLF}--b${CRLF}Content-Type: text/html${CRLF}${CRLF}${run.repeat(Math.ceil(size / run.length))}${CRLF}--b--`,
      ]),
    ];
    for (const [what, body] of cases) {
      const started = performance.now();
      expectSafeDecision(
        await decide(latin1(`${head}Subject: slow${CRLF}MIME-Version: 1.0${CRLF}${body}${CRLF}`)),
      );
      expect(performance.now() - started, what).toBeLessThan(3000);
    }
    const spacedName = `From: "a${`${CRLF} ${' '.repeat(900)}`.repeat(250)}b via x" <chan@example.com>`;
    const started = performance.now();
    expectSafeDecision(await decide(latin1(`${spacedName}${CRLF}Subject: name${CRLF}${CRLF}body`)));
    expect(performance.now() - started, 'a display name of 225,000 spaces').toBeLessThan(3000);
  });

  it('keeps every payload in a subject, a name and a body as text, never as markup', async () => {
    for (const payload of PAYLOADS) {
      const raw = Buffer.from(
        `From: =?utf-8?B?${Buffer.from(payload).toString('base64')}?= <chan@example.com>${CRLF}Subject: =?utf-8?B?${Buffer.from(payload).toString('base64')}?=${CRLF}Content-Type: text/html; charset=utf-8${CRLF}${CRLF}<p>${payload}</p>`,
      );
      expectSafeDecision(await decide(raw));
    }
  });
});
