import { describe, expect, it } from 'vitest';
import { STAFF_ROLES } from '#config/roles.ts';
import { isMailReviewer, MAIL_REVIEW_ROLES } from '#domain/access.ts';
import {
  attachmentIndex,
  downloadContentType,
  MAIL_ATTACHMENT_FOLDER,
  mailAttachmentDownload,
} from '#domain/attachments.ts';
import { MAIL_ATTACHMENT_PREFIX, planAttachments } from '#domain/mail/intake.ts';

/** Which attachment of received mail staff may download, as GET .../mail/{mailId}/attachments/{index} decides. */
const SES_ID = '0f3c9a1b2d4e5f60718293a4b5c6d7e8';
const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
const planned = planAttachments(
  [
    {
      filename: '傳真第1頁.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
      inline: false,
      content: pdf,
    },
    {
      filename: 'invoice.pdf.exe',
      contentType: 'application/x-msdownload',
      size: 4,
      inline: false,
      content: Buffer.from('MZ\x90\x00'),
    },
    {
      filename: 'page.html',
      contentType: 'text/html',
      size: 10,
      inline: false,
      content: Buffer.from('<b>x</b>'),
    },
  ] as Parameters<typeof planAttachments>[0],
  { sesMessageId: SES_ID, bucket: 'attachments' },
).map((p) => p.meta);
const mail = { sesMessageId: SES_ID, attachments: planned };

describe('downloads of received mail’s attachments', () => {
  it('are looked for where intake stores them', () => {
    expect(MAIL_ATTACHMENT_FOLDER).toBe(MAIL_ATTACHMENT_PREFIX);
  });

  it('offer a stored fax page under its own name and type', () => {
    expect(mailAttachmentDownload(mail, 0)).toEqual({
      ok: true,
      key: planned[0]?.key,
      name: '傳真第1頁.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
    });
  });

  it('never offer an executable, and serve what a browser could render as a page as an opaque file', () => {
    expect(planned[1]?.executable).toBe(true);
    expect(mailAttachmentDownload(mail, 1)).toEqual({ ok: false, problem: 'executable' });
    expect(mailAttachmentDownload(mail, 2)).toMatchObject({
      ok: true,
      contentType: 'application/octet-stream',
    });
    expect(downloadContentType('image/svg+xml')).toBe('application/octet-stream');
    expect(downloadContentType('Image/TIFF; name="p1.tif"')).toBe('image/tiff');
  });

  it('refuse what was not stored, what is not there, and keys outside the message’s own folder', () => {
    expect(mailAttachmentDownload(mail, 3)).toEqual({ ok: false, problem: 'no-such-attachment' });
    const withheld = planAttachments(
      [
        { filename: 'a.pdf', contentType: 'application/pdf', size: 4, inline: false, content: pdf },
      ] as Parameters<typeof planAttachments>[0],
      { sesMessageId: SES_ID, bucket: 'attachments', withhold: 'virus-verdict' },
    ).map((p) => p.meta);
    expect(mailAttachmentDownload({ sesMessageId: SES_ID, attachments: withheld }, 0)).toEqual({
      ok: false,
      problem: 'not-stored',
    });
    for (const key of [
      'uploads/kowloon-east/0b9f6f0e-6a55-4b8e-9d3b-2f7c1c2e8a11',
      `mail/other-message/01-a.pdf`,
      `mail/${SES_ID}/../other/01-a.pdf`,
      `incoming/${SES_ID}`,
    ]) {
      const forged = {
        sesMessageId: SES_ID,
        attachments: [{ ...planned[0], key } as (typeof planned)[number]],
      };
      expect(mailAttachmentDownload(forged, 0), key).toEqual({ ok: false, problem: 'not-stored' });
    }
  });

  it('read an index from the route as digits only', () => {
    expect(attachmentIndex('0')).toBe(0);
    expect(attachmentIndex('12')).toBe(12);
    for (const raw of [undefined, '', '-1', '1.5', '1e2', ' 1', '0x1', '9999'])
      expect(attachmentIndex(raw), raw).toBeUndefined();
  });
});

describe('the web app’s Mail page', () => {
  it('is offered to exactly the roles the mail API serves', () => {
    // The app's navigation and GET /api/mail both ask isMailReviewer.
    const offered = STAFF_ROLES.filter((role) => isMailReviewer({ role, area: 'kowloon-east' }));
    expect([...offered].sort()).toEqual([...MAIL_REVIEW_ROLES].sort());
  });
});
