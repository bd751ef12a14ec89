import { describe, expect, it } from 'vitest';
import { mayWriteToOwner } from '#domain/access.ts';
import { fieldErrors } from '#domain/complaint.ts';
import { ownerMessageMail } from '#domain/emails.ts';
import { parseMessage } from '#domain/mail/parse.ts';
import { buildMime } from '#domain/mime.ts';
import {
  decideOnClaim,
  type OwnerMessageClaim,
  OwnerMessageInput,
  ownerMessageFingerprint,
  STALE_CLAIM_MS,
} from '#domain/owner-message.ts';
import { DEFAULT_OWNER_MESSAGE_SUBJECT, replySubject, subjectWithRef } from '#domain/owner-subject.ts';

/**
 * The email staff write to the owner from the complaint page: its subject (our reference in it),
 * its bilingual frame around staff's words, its threading headers, the request's per-field
 * problems, who may send it, and what a repeated submission does.
 */
const RECORD = {
  ref: 'KE-2611-0042',
  area: 'kowloon-east',
  owner: { name: '陳大文', email: 'chan@example.com', language: 'zh-Hant' as const },
};
const WORDS = '陳先生您好：\n工程部明天上午十時會到府上檢查浴室天花板。\n如不方便請回覆此電郵。';

describe('the email written to the owner', () => {
  it('puts our reference before the subject staff typed, once', () => {
    const mail = ownerMessageMail({ record: RECORD, subject: 'Re: 浴室天花板漏水', text: WORDS });
    expect(mail.subject).toBe('[KE-2611-0042] Re: 浴室天花板漏水');
    // An answer to one of our emails has it already: not twice.
    expect(
      subjectWithRef(RECORD.ref, 'Re: [KE-2611-0042] 已收到您的投訴 We have received your complaint'),
    ).toBe('Re: [KE-2611-0042] 已收到您的投訴 We have received your complaint');
    // Another complaint's reference first would thread the reply there: ours goes in front.
    expect(subjectWithRef(RECORD.ref, 'Re: [KE-2611-0007] 升降機')).toBe(
      '[KE-2611-0042] Re: [KE-2611-0007] 升降機',
    );
    // No subject: the bilingual default.
    expect(ownerMessageMail({ record: RECORD, subject: '  ', text: WORDS }).subject).toBe(
      `[KE-2611-0042] ${DEFAULT_OWNER_MESSAGE_SUBJECT}`,
    );
  });

  it('frames staff’s words in both languages: greeting, the area’s office, the reference and how to keep it', () => {
    const { text, html } = ownerMessageMail({ record: RECORD, subject: '', text: WORDS });
    const lines = text.split('\n');
    expect(lines.slice(0, 2)).toEqual(['親愛的陳大文業主：', 'Dear 陳大文,']);
    expect(text).toContain(`\n${WORDS}\n`);
    // Staff's words appear once: they are not translated, and not repeated per language.
    expect(text.split('工程部明天上午十時').length).toBe(2);
    expect(lines).toContain('九龍東管理處');
    expect(lines).toContain('Kowloon East Management Office');
    expect(text).toContain(
      '投訴參考編號：KE-2611-0042。回覆此電郵時，請保留主旨中的參考編號 [KE-2611-0042]。',
    );
    expect(text).toContain('When you reply, please keep the reference [KE-2611-0042] in the subject.');
    expect(html).toContain('<p lang="zh-Hant">親愛的陳大文業主：</p>');
    expect(html).toContain('<p lang="en">Dear 陳大文,</p>');
    expect(html).toContain('工程部明天上午十時會到府上檢查浴室天花板。');
  });

  it('writes the frame in simplified characters for an owner who chose them, never the owner’s name or staff’s words', () => {
    const { text } = ownerMessageMail({
      record: { ...RECORD, owner: { name: '李業華', email: 'lee@example.com', language: 'zh-Hans' } },
      subject: '',
      text: '這是職員寫的繁體字。',
    });
    expect(text.split('\n')[0]).toBe('亲爱的李業華业主：');
    expect(text).toContain('九龙东管理处');
    expect(text).toContain('投诉参考编号：KE-2611-0042');
    expect(text).toContain('這是職員寫的繁體字。');
    expect(
      ownerMessageMail({
        record: { ...RECORD, owner: { name: '李業華', email: 'lee@example.com', language: 'zh-Hans' } },
        subject: '',
        text: '好',
      }).subject,
    ).toBe('[KE-2611-0042] 有关您的投诉 About your complaint');
  });

  it('escapes what staff wrote in the HTML part', () => {
    const { html } = ownerMessageMail({
      record: RECORD,
      subject: '<b>x</b>',
      text: '<script>alert(1)</script> & 🏠',
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; 🏠');
    expect(html).toContain('<title>[KE-2611-0042] &lt;b&gt;x&lt;/b&gt;</title>');
  });

  it('goes out as a reply to the owner’s last email (In-Reply-To, References), as a person’s message, not an automatic one', async () => {
    const content = ownerMessageMail({ record: RECORD, subject: 'Re: 浴室天花板漏水', text: WORDS });
    const raw = buildMime({
      from: 'complaints@estate.example',
      to: ['chan@example.com'],
      replyTo: 'complaints@estate.example',
      ...content,
      messageId: 'KE-2611-0042.6f1c2a8e-1d7b-4c39-9a3e-0c5d1f2b3a4c@estate.example',
      inReplyTo: 'CAF=owner-message-1@mail.example.com',
      automatic: false,
    });
    const parsed = await parseMessage(Buffer.from(raw, 'utf8'));
    expect(parsed.subject).toBe('[KE-2611-0042] Re: 浴室天花板漏水');
    expect(parsed.messageId).toBe('KE-2611-0042.6f1c2a8e-1d7b-4c39-9a3e-0c5d1f2b3a4c@estate.example');
    expect(parsed.inReplyTo).toEqual(['CAF=owner-message-1@mail.example.com']);
    expect(parsed.references).toEqual(['CAF=owner-message-1@mail.example.com']);
    expect(parsed.replyTo.map((a) => a.address)).toEqual(['complaints@estate.example']);
    expect(parsed.text).toContain('工程部明天上午十時會到府上檢查浴室天花板。');
    expect(parsed.text).toContain('Dear 陳大文,');
    // Staff wrote it: no Auto-Submitted (RFC 3834), which the owner's mail would treat as a robot's.
    expect(parsed.headers.has('auto-submitted')).toBe(false);
    expect(parsed.headers.has('x-auto-response-suppress')).toBe(false);
    // The product's own notices still say they are automatic.
    const notice = await parseMessage(
      Buffer.from(
        buildMime({
          from: 'a@estate.example',
          to: ['b@example.com'],
          ...content,
          messageId: 'x@estate.example',
        }),
      ),
    );
    expect(notice.headers.get('auto-submitted')).toEqual(['auto-replied']);
  });
});

describe('the subject staff are offered', () => {
  it('answers the owner’s subject with Re: once, whatever language their client wrote it in', () => {
    expect(replySubject('浴室天花板漏水')).toBe('Re: 浴室天花板漏水');
    expect(replySubject('Re: [KE-2611-0042] 已收到您的投訴')).toBe('Re: [KE-2611-0042] 已收到您的投訴');
    expect(replySubject('回覆：[KE-2611-0042] 處理方案')).toBe('回覆：[KE-2611-0042] 處理方案');
    expect(replySubject('AW: Wasserschaden')).toBe('AW: Wasserschaden');
    expect(replySubject('  ')).toBe('');
    // An owner's long subject is cut to what staff may send, whole characters.
    expect([...replySubject('漏'.repeat(500))]).toHaveLength(200);
  });
});

describe('the request', () => {
  const errorsOf = (body: unknown) => {
    const result = OwnerMessageInput.safeParse(body);
    return result.success ? [] : fieldErrors(result.error);
  };
  const valid = { subject: 'Re: 漏水', text: WORDS, submissionId: 'b9d1c7f0-0d5c-4c4e-9a59-1c2b3d4e5f60' };

  it('takes a subject (optional), the words and the client’s id for this message', () => {
    expect(errorsOf(valid)).toEqual([]);
    expect(errorsOf({ text: WORDS, submissionId: valid.submissionId })).toEqual([]);
  });

  it('names each field with its problem', () => {
    expect(errorsOf({ ...valid, text: ' \n\u200b ' })).toEqual([
      { field: 'text', message: 'Write the message to the owner' },
    ]);
    expect(errorsOf({ ...valid, text: '字'.repeat(5001) })).toEqual([
      { field: 'text', message: 'Keep the message under 5,000 characters' },
    ]);
    expect(errorsOf({ ...valid, text: '字'.repeat(5000) })).toEqual([]);
    expect(errorsOf({ ...valid, subject: '漏'.repeat(201) })).toEqual([
      { field: 'subject', message: 'Keep the subject under 200 characters' },
    ]);
    // A line break in a header would start another header (Bcc: …): refused.
    expect(errorsOf({ ...valid, subject: 'Hello\r\nBcc: everyone@example.com' })).toEqual([
      { field: 'subject', message: 'Write the subject on one line' },
    ]);
    expect(errorsOf({ ...valid, submissionId: undefined }).map((e) => e.field)).toEqual(['submissionId']);
    expect(errorsOf({ ...valid, submissionId: 'short' }).map((e) => e.field)).toEqual(['submissionId']);
    expect(errorsOf({ ...valid, text: 42 })).toEqual([
      { field: 'text', message: 'Write the message to the owner' },
    ]);
  });
});

describe('who may write to the owner', () => {
  it('is the staff who talk to owners, of the complaint’s area; head office in every area', () => {
    const ke = { area: 'kowloon-east' };
    for (const role of ['reception', 'followup', 'supervisor']) {
      expect(mayWriteToOwner({ role, area: 'kowloon-east' }, ke), role).toBe(true);
      expect(mayWriteToOwner({ role, area: 'hk-island' }, ke), role).toBe(false);
    }
    for (const role of ['customer-service', 'manager']) {
      expect(mayWriteToOwner({ role, area: 'hk-island' }, ke), role).toBe(true);
    }
    for (const role of ['department', 'clerk', 'owner', 'nobody']) {
      expect(mayWriteToOwner({ role, area: 'kowloon-east' }, ke), role).toBe(false);
    }
  });
});

describe('a submission sent again', () => {
  const now = new Date('2026-12-07T10:00:00Z');
  const fingerprint = ownerMessageFingerprint('KE-2611-0042', { subject: 'Re: 漏水', text: WORDS });
  const claim = (over: Partial<OwnerMessageClaim>): OwnerMessageClaim => ({
    ref: 'KE-2611-0042',
    by: 'followup.kowloon-east',
    submissionId: 'b9d1c7f0',
    fingerprint,
    status: 'sending',
    claimedAt: now.toISOString(),
    messageId: 'x@estate.example',
    ...over,
  });

  it('answers with the message sent, waits for one being sent, and sends again only what did not go out', () => {
    expect(decideOnClaim(claim({ status: 'sent' }), fingerprint, now)).toEqual({ action: 'replay' });
    expect(decideOnClaim(claim({}), fingerprint, now)).toEqual({ action: 'wait' });
    const died = new Date(now.getTime() + STALE_CLAIM_MS + 1);
    expect(decideOnClaim(claim({}), fingerprint, died)).toEqual({ action: 'retake' });
    expect(decideOnClaim(claim({ status: 'failed' }), 'other words', now)).toEqual({ action: 'retake' });
  });

  it('refuses the same id with other words: it would silently drop what changed', () => {
    const other = ownerMessageFingerprint('KE-2611-0042', { subject: 'Re: 漏水', text: `${WORDS}！` });
    expect(other).not.toBe(fingerprint);
    expect(decideOnClaim(claim({ status: 'sent' }), other, now)).toMatchObject({ action: 'refuse' });
    expect(decideOnClaim(claim({}), other, now)).toMatchObject({ action: 'refuse' });
  });
});
