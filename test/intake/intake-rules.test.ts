import { describe, expect, it } from 'vitest';
import { senderAuthenticated } from '#domain/mail/authentication.ts';
import { classify } from '#domain/mail/classify.ts';
import {
  htmlToText,
  isExecutable,
  languageOf,
  ownerOf,
  refInOurMessageId,
  refInSubject,
  replyTextOf,
  sanitiseHtml,
} from '#domain/mail/content.ts';
import { complaintFromMessage, threadHints, viewOf } from '#domain/mail/intake.ts';
import {
  acknowledgementLimitFrom,
  intakeSettingsFrom,
  isInternalSender,
} from '#domain/mail/intake-options.ts';
import { limitCounterKey } from '#domain/mail/keys.ts';
import { hourlyAllowance, hourWindowOf, mailboxOf, previousHourWindowOf } from '#domain/mail/limits.ts';
import { parseMessage } from '#domain/mail/parse.ts';
import {
  big5OutlookComplaint,
  dsnBounce,
  faxGatewayMessage,
  gb2312FoxmailComplaint,
  outlookAutoReplyZh,
  PDF_PAGE,
  TIFF_PAGE,
} from './messages.ts';

const settings = intakeSettingsFrom({
  INTAKE_ADDRESSES: 'complaints@estate.example,fax@estate.example',
  FAX_GATEWAY_ADDRESSES: 'gateway@faxmail.example,@efax.example',
});

describe('owners’ complaints from Chinese mail clients', () => {
  it('decodes a Big5 Outlook complaint: name, subject and text, HTML without its script, 繁體', async () => {
    const m = await parseMessage(
      big5OutlookComplaint({
        from: 'chan.taiman@example.com.hk',
        name: '陳大文',
        subject: '海濱花園三座升降機故障',
        body: '大堂升降機由昨晚開始停止運作，長者上落非常困難，請盡快安排維修。\n三座12樓B室',
      }),
    );
    expect(m.from).toEqual({ address: 'chan.taiman@example.com.hk', name: '陳大文' });
    expect(m.subject).toBe('海濱花園三座升降機故障');
    expect(m.text).toContain('長者上落非常困難');
    const view = viewOf(m);
    expect(view.html).toContain('長者上落非常困難');
    expect(view.html).not.toContain('script');
    expect(languageOf(m, m.text)).toBe('zh-Hant');
    const made = complaintFromMessage(m, { settings, area: 'kowloon-east' });
    expect(made.input).toMatchObject({
      channel: 'email',
      owner: { name: '陳大文', email: 'chan.taiman@example.com.hk', language: 'zh-Hant' },
    });
    expect(made.input.content).toBe(
      '海濱花園三座升降機故障\n\n大堂升降機由昨晚開始停止運作，長者上落非常困難，請盡快安排維修。\n三座12樓B室',
    );
    expect(made).toMatchObject({ unclear: false, needsTranscription: false });
  });

  it('decodes Big5 whatever the sender calls it: big5_tw (Python), x-x-big5 (old webmail)', async () => {
    const subject = Buffer.from('=?big5_tw?b?p+u2RKFHr0Srx7p8pPQ=?=');
    // 請派人檢查漏水 in Big5, base64.
    const body = Buffer.from('vdCso6RIwMusZLp8pPQ=');
    const m = await parseMessage(
      Buffer.concat([
        Buffer.from('From: chan.taiman@example.com\r\nSubject: '),
        subject,
        Buffer.from('\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset="x-x-big5"\r\n'),
        Buffer.from('Content-Transfer-Encoding: base64\r\n\r\n'),
        body,
        Buffer.from('\r\n'),
      ]),
    );
    expect(m.subject).toBe('投訴：浴室漏水');
    expect(m.text.trim()).toBe('請派人檢查漏水');
  });

  it('decodes the Cantonese characters of Big5-HKSCS that Hong Kong owners write', async () => {
    const m = await parseMessage(
      big5OutlookComplaint({
        from: 'cheung@example.com.hk',
        name: '張生',
        subject: '升降機壞咗三日',
        body: '部升降機壞咗三日，啲長者落唔到街，冇人理㗎？嘅確要快啲嚟整，唔該晒。我喺三座。',
      }),
    );
    expect(m.subject).toBe('升降機壞咗三日');
    expect(m.text).toContain(
      '部升降機壞咗三日，啲長者落唔到街，冇人理㗎？嘅確要快啲嚟整，唔該晒。我喺三座。',
    );
  });

  it('decodes a GB2312-labelled Foxmail complaint with GBK-only characters, and answers in 简体', async () => {
    const m = await parseMessage(
      gb2312FoxmailComplaint({
        from: 'wang.wei@163.com',
        name: '王伟',
        subject: '楼上漏水，请尽快处理',
        body: '我住在3座15楼，楼上单位的浴室漏水已经一个星期，天花板发霉。镕',
      }),
    );
    expect(m.from?.name).toBe('王伟');
    expect(m.subject).toBe('楼上漏水，请尽快处理');
    expect(m.text).toContain('天花板发霉。镕');
    expect(complaintFromMessage(m, { settings, area: 'kowloon-east' }).input.owner.language).toBe('zh-Hans');
  });
});

describe('automatic messages', () => {
  it('takes Outlook’s Chinese out-of-office answer (自動回覆, X-Auto-Response-Suppress) for an auto-reply', async () => {
    const m = await parseMessage(
      outlookAutoReplyZh({
        from: 'chan.taiman@example.com.hk',
        name: '陳大文',
        inReplyTo: 'KE-2611-0001.0d6f2c4e-8a8e-4b8f-9a49-1d2f9b7b6a10@estate.example',
        subject: '[KE-2611-0001] 已收到您的投訴 We have received your complaint',
      }),
    );
    const c = classify(m);
    expect(c).toMatchObject({ isAutoReply: true, isBounce: false, kind: 'auto-reply' });
    expect(threadHints(m, c, 'estate.example')).toMatchObject({
      subjectRef: 'KE-2611-0001',
      ourRefs: ['KE-2611-0001'],
    });
  });

  it('takes a delivery status notification for a bounce and finds our message inside it', async () => {
    const original = 'HKI-2611-0007.6c3f7d0a-2f0e-4d7c-8f55-0b8c1f6e2a90@estate.example';
    const m = await parseMessage(
      dsnBounce({
        to: 'complaints@estate.example',
        originalMessageId: original,
        failedRecipient: 'gone@example.com',
      }),
    );
    const c = classify(m, { mailFrom: '' });
    expect(c).toMatchObject({ isBounce: true, isAutoReply: false, kind: 'bounce' });
    const hints = threadHints(m, c, 'estate.example');
    expect(hints.messageIds).toContain(original);
    expect(hints.ourRefs).toEqual(['HKI-2611-0007']);
  });

  it('does not take a person’s reply about a thank-you email for an automatic one', async () => {
    const m = await parseMessage(
      Buffer.from(
        'From: owner@example.com\r\nSubject: Re: Thank you for your email\r\nMessage-ID: <a@b>\r\n\r\n我仍未收到回覆。\r\n',
      ),
    );
    expect(classify(m).kind).toBeUndefined();
  });
});

describe('faxes', () => {
  it('makes a gateway’s PDF a fax for transcription, with the number the gateway gives and no owner address', async () => {
    const m = await parseMessage(
      faxGatewayMessage({
        from: 'gateway@faxmail.example',
        subject: 'Fax from +852 2345 6789 (2 pages)',
        cover: 'You have received a fax.',
        file: { name: 'fax-0001.pdf', type: 'application/pdf', content: PDF_PAGE },
      }),
    );
    const made = complaintFromMessage(m, { settings, area: 'kowloon-east' });
    expect(made).toMatchObject({ needsTranscription: true, unclear: false, faxNumber: '+852 2345 6789' });
    expect(made.input.channel).toBe('fax');
    expect(made.input.owner.email).toBeUndefined();
    expect(made.input.content).toContain('傳真待謄寫');
  });

  it('makes an owner’s mail with only a TIFF and no text a fax too, keeping the owner’s address', async () => {
    const m = await parseMessage(
      faxGatewayMessage({
        from: 'lee@example.com',
        subject: '',
        file: { name: 'scan.tif', type: 'image/tiff', content: TIFF_PAGE },
      }),
    );
    const made = complaintFromMessage(m, { settings, area: 'hk-island' });
    expect(made).toMatchObject({
      needsTranscription: true,
      input: { channel: 'fax', owner: { email: 'lee@example.com' } },
    });
  });

  it('keeps an email with words and a PDF an email', async () => {
    const m = await parseMessage(
      faxGatewayMessage({
        from: 'lee@example.com',
        subject: '管理費單有誤',
        cover: '附上本月管理費單，金額重複計算。',
        file: { name: 'bill.pdf', type: 'application/pdf', content: PDF_PAGE },
      }),
    );
    expect(complaintFromMessage(m, { settings, area: 'hk-island' })).toMatchObject({
      needsTranscription: false,
      input: { channel: 'email' },
    });
  });
});

describe('content kept from a message', () => {
  it('sanitises HTML: no scripts, handlers, styles, images or javascript: links; links open safely', () => {
    const { html } = sanitiseHtml(
      '<p onclick="x()">水管<b>爆裂</b></p><img src="https://tracker.example/p.gif"><style>p{}</style><script>alert(1)</script><a href="javascript:alert(1)">x</a><a href="https://example.com/photo">相片</a><iframe src="https://evil"></iframe>',
    );
    expect(html).toBe(
      '<p>水管<b>爆裂</b></p><a target="_blank" rel="noopener noreferrer nofollow">x</a><a href="https://example.com/photo" target="_blank" rel="noopener noreferrer nofollow">相片</a>',
    );
  });

  it('turns HTML into readable text', () => {
    expect(htmlToText('<style>x{}</style><p>第一段&nbsp;A&amp;B</p><div>第二段<br>換行 &#x4e2d;</div>')).toBe(
      '第一段 A&B\n第二段\n換行 中',
    );
  });

  it('flags executables by name, type or content', () => {
    const plain = Buffer.from('hello');
    expect(
      isExecutable({ filename: 'invoice.pdf.exe', contentType: 'application/pdf', content: plain }),
    ).toBe(true);
    expect(
      isExecutable({ filename: '報價.docm', contentType: 'application/octet-stream', content: plain }),
    ).toBe(true);
    expect(
      isExecutable({ filename: 'photo.jpg', contentType: 'image/jpeg', content: Buffer.from('MZ\x90\x00') }),
    ).toBe(true);
    expect(isExecutable({ filename: 'photo.jpg', contentType: 'image/jpeg', content: plain })).toBe(false);
  });

  it('finds our reference in a subject, with ASCII or full-width brackets, and in our Message-IDs', () => {
    expect(refInSubject('回覆: [KE-2611-0042] 已收到您的投訴')).toBe('KE-2611-0042');
    expect(refInSubject('RE:【HKI-2612-0003】處理方案')).toBe('HKI-2612-0003');
    expect(refInSubject('KE-2611-0042 without brackets')).toBeUndefined();
    expect(
      refInOurMessageId('KE-2611-0042.0d6f2c4e-8a8e-4b8f-9a49-1d2f9b7b6a10@estate.example', 'estate.example'),
    ).toBe('KE-2611-0042');
    expect(
      refInOurMessageId('KE-2611-0042.0d6f2c4e-8a8e-4b8f-9a49-1d2f9b7b6a10@evil.example', 'estate.example'),
    ).toBe(undefined);
  });

  it('keeps the owner’s words of a reply without the quoted message', () => {
    expect(
      replyTextOf('可以接受，謝謝。\n\n寄件者: complaints@estate.example\n主旨: 處理方案\n> 舊內容'),
    ).toBe('可以接受，謝謝。');
    expect(replyTextOf('OK for me.\n\nOn Mon, 1 Dec 2026 at 10:00, Estate wrote:\n> plan')).toBe(
      'OK for me.',
    );
  });

  it('answers the Reply-To of a web form sending from a no-reply address', async () => {
    const m = await parseMessage(
      Buffer.from(
        'From: Estate website <no-reply@forms.example>\r\nReply-To: "Ho Ka Yan" <ho.ky@example.com>\r\nSubject: x\r\n\r\nbody\r\n',
      ),
    );
    expect(ownerOf(m)).toEqual({ address: 'ho.ky@example.com', name: 'Ho Ka Yan' });
  });
});

describe('who is answered', () => {
  it('never one of our own addresses, even when a message names it in Reply-To', async () => {
    const m = await parseMessage(
      Buffer.from(
        'From: "Chan" <chan@example.com>\r\nReply-To: complaints@estate.example\r\nSubject: x\r\n\r\nbody\r\n',
      ),
    );
    expect(ownerOf(m, settings.intakeAddresses)).toEqual({ address: 'chan@example.com', name: 'Chan' });
    expect(complaintFromMessage(m, { settings, area: 'kowloon-east' }).input.owner.email).toBe(
      'chan@example.com',
    );
  });
});

describe('intake settings', () => {
  it('map intake addresses to areas, default to the first area, and hold floods after 5 an hour', () => {
    const s = intakeSettingsFrom({
      INTAKE_ADDRESSES: 'Complaints@estate.example,hki@estate.example',
      INTAKE_AREA_BY_ADDRESS: '{"hki@estate.example":"hk-island"}',
    });
    expect(s).toMatchObject({
      intakeAddresses: ['complaints@estate.example', 'hki@estate.example'],
      ownDomain: 'estate.example',
      areaByAddress: { 'hki@estate.example': 'hk-island' },
      defaultArea: 'kowloon-east',
      floodLimitPerHour: 5,
    });
  });

  it('refuse a wrong value with a message naming the variable', () => {
    expect(() => intakeSettingsFrom({})).toThrow(/INTAKE_ADDRESSES/);
    expect(() =>
      intakeSettingsFrom({
        INTAKE_ADDRESSES: 'a@estate.example',
        INTAKE_AREA_BY_ADDRESS: '{"a@estate.example":"mars"}',
      }),
    ).toThrow(/INTAKE_AREA_BY_ADDRESS: "mars"/);
    expect(() =>
      intakeSettingsFrom({
        INTAKE_ADDRESSES: 'a@estate.example',
        INTAKE_AREA_BY_ADDRESS: '{"b@estate.example":"hk-island"}',
      }),
    ).toThrow(/not one of INTAKE_ADDRESSES/);
    expect(() =>
      intakeSettingsFrom({ INTAKE_ADDRESSES: 'a@estate.example', FLOOD_LIMIT_PER_HOUR: '0' }),
    ).toThrow(/FLOOD_LIMIT_PER_HOUR/);
    expect(() =>
      intakeSettingsFrom({ INTAKE_ADDRESSES: 'a@estate.example', FAX_GATEWAY_ADDRESSES: 'nope' }),
    ).toThrow(/FAX_GATEWAY_ADDRESSES/);
  });
});

describe('mail limits', () => {
  it('name an hour’s window by its UTC hour, and the one before it across midnight and new year', () => {
    expect(hourWindowOf('2026-11-03T09:59:59.999Z')).toBe('2026-11-03T09');
    expect(hourWindowOf('2026-11-03T10:00:00.000Z')).toBe('2026-11-03T10');
    expect(previousHourWindowOf('2026-11-03T10:00:00.000Z')).toBe('2026-11-03T09');
    expect(previousHourWindowOf('2027-01-01T00:30:00.000Z')).toBe('2026-12-31T23');
    expect(limitCounterKey('FLOOD', 'a@example.com', { hour: '2026-11-03T09' })).toEqual({
      PK: 'FLOOD#a@example.com',
      SK: 'HOUR#2026-11-03T09',
    });
    expect(limitCounterKey('REPLIES', 'KE-2611-0001', 'total')).toEqual({
      PK: 'REPLIES#KE-2611-0001',
      SK: 'TOTAL',
    });
  });

  it('allow the limit in a window after a quiet hour, and what the last 60 minutes leave after a busy one', () => {
    expect(hourlyAllowance(5, 0, '2026-11-03T10:00:00.000Z')).toBe(5);
    // Five at the end of the hour before: none just after the turn (a fixed window would allow five more).
    expect(hourlyAllowance(5, 5, '2026-11-03T10:00:01.000Z')).toBe(0);
    expect(hourlyAllowance(5, 5, '2026-11-03T10:30:00.000Z')).toBe(2);
    expect(hourlyAllowance(5, 5, '2026-11-03T10:59:59.000Z')).toBe(4);
    expect(hourlyAllowance(5, 50, '2026-11-03T10:30:00.000Z')).toBe(0);
    expect(hourlyAllowance(20, 4, '2026-11-03T10:45:00.000Z')).toBe(19);
  });

  it('keep a limit per mailbox: case, +tags and Gmail’s dots make no new address', () => {
    expect(mailboxOf(' Victim+1@Example.com')).toBe('victim@example.com');
    expect(mailboxOf('v.i.c.t.i.m+x@googlemail.com')).toBe('victim@gmail.com');
    expect(mailboxOf('first.last@example.com')).toBe('first.last@example.com');
    expect(mailboxOf('+only@example.com')).toBe('+only@example.com');
  });

  it('read the acknowledgement and reply limits, with their defaults, and refuse what a counter cannot hold', () => {
    const base = { INTAKE_ADDRESSES: 'complaints@estate.example' };
    expect(intakeSettingsFrom(base)).toMatchObject({
      floodLimitPerHour: 5,
      acknowledgementLimitPerHour: 5,
      replyLimitPerHour: 20,
      replyLimitTotal: 200,
      internalDomains: [],
    });
    expect(acknowledgementLimitFrom({ FLOOD_LIMIT_PER_HOUR: '8' })).toBe(8);
    expect(acknowledgementLimitFrom({ FLOOD_LIMIT_PER_HOUR: '8', ACKNOWLEDGEMENT_LIMIT_PER_HOUR: '3' })).toBe(
      3,
    );
    expect(intakeSettingsFrom({ ...base, REPLY_LIMIT_PER_HOUR: '4', REPLY_LIMIT_TOTAL: '9' })).toMatchObject({
      replyLimitPerHour: 4,
      replyLimitTotal: 9,
    });
    expect(() => intakeSettingsFrom({ ...base, REPLY_LIMIT_TOTAL: '5000' })).toThrow(
      /REPLY_LIMIT_TOTAL "5000"/,
    );
    expect(() => intakeSettingsFrom({ ...base, ACKNOWLEDGEMENT_LIMIT_PER_HOUR: '1.5' })).toThrow(
      /ACKNOWLEDGEMENT_LIMIT_PER_HOUR/,
    );
  });
});

describe('who sent a message', () => {
  const verdicts = (spf: string, dkim: string, dmarc: string) => ({ spf, dkim, dmarc });

  it('is authenticated when DMARC did not fail and SPF or DKIM passed, as large mailbox providers decide', () => {
    expect(senderAuthenticated(verdicts('PASS', 'PASS', 'PASS'))).toBe(true);
    expect(senderAuthenticated(verdicts('FAIL', 'PASS', 'PASS'))).toBe(true);
    expect(senderAuthenticated(verdicts('PASS', 'FAIL', 'GRAY'))).toBe(true);
    expect(senderAuthenticated(verdicts('GRAY', 'PASS', 'PROCESSING_FAILED'))).toBe(true);
    // The From domain says the message is not its own, whatever SPF and DKIM passed for.
    expect(senderAuthenticated(verdicts('PASS', 'PASS', 'FAIL'))).toBe(false);
    // Neither SPF nor DKIM vouches for it.
    expect(senderAuthenticated(verdicts('FAIL', 'FAIL', 'GRAY'))).toBe(false);
    expect(senderAuthenticated(verdicts('GRAY', 'PROCESSING_FAILED', 'GRAY'))).toBe(false);
    expect(senderAuthenticated(verdicts('DISABLED', 'DISABLED', 'DISABLED'))).toBe(false);
  });

  it('is one of our own staff or departments when the address is in their patterns’ domains', () => {
    const s = intakeSettingsFrom({
      INTAKE_ADDRESSES: 'complaints@estate.example',
      STAFF_EMAIL_PATTERN: '{role}.{area}@staff.estate.example',
      DEPARTMENT_EMAIL_PATTERN: '{department}@{area}.works.example',
    });
    expect(s.internalDomains).toEqual(['staff.estate.example', '*.works.example']);
    expect(isInternalSender(s, 'Supervisor.Kowloon-East@STAFF.estate.example')).toBe(true);
    expect(isInternalSender(s, 'engineering@kowloon-east.works.example')).toBe(true);
    expect(isInternalSender(s, 'owner@estate.example.com')).toBe(false);
    expect(isInternalSender(s, 'someone@evil-staff.estate.example.net')).toBe(false);
    expect(isInternalSender(s, 'engineering@works.example')).toBe(false);
    expect(isInternalSender(s, undefined)).toBe(false);
  });
});
