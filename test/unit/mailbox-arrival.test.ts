import { describe, expect, it } from 'vitest';
import {
  authenticationVerdicts,
  headerLines,
  intakeRecipients,
  mailboxMessageId,
  sesRecordForMailbox,
} from '#domain/mail/mailbox.ts';

const INTAKE = ['complaints@estate.example', 'fax@estate.example'];
const raw = (headers: string[]) => Buffer.from(`${headers.join('\r\n')}\r\n\r\nbody\r\n`);

describe('a mailbox message read as SES would have seen it', () => {
  it('believes only the Authentication-Results of the mail server it is told to trust', () => {
    const headers = headerLines(
      raw([
        'Authentication-Results: mx.estate.example;\r\n spf=softfail (sender IP is 192.0.2.1) smtp.mailfrom=example.hk;\r\n dkim=fail header.d=example.hk; dkim=pass header.d=example.hk; dmarc=pass',
        'Authentication-Results: forged.example; spf=pass; dkim=pass; dmarc=pass',
      ]),
    );
    expect(authenticationVerdicts(headers, 'mx.estate.example')).toEqual({
      spf: 'FAIL',
      dkim: 'PASS',
      dmarc: 'PASS',
    });
    expect(authenticationVerdicts(headers, 'MX.Estate.Example').dkim).toBe('PASS');
    // Nobody trusted, or the trusted server said nothing: nothing is verified.
    expect(authenticationVerdicts(headers, undefined)).toEqual({ spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY' });
    expect(authenticationVerdicts(headers, 'other.example')).toEqual({
      spf: 'GRAY',
      dkim: 'GRAY',
      dmarc: 'GRAY',
    });
  });

  it('maps RFC 8601 results to SES verdicts', () => {
    const verdictsOf = (results: string) =>
      authenticationVerdicts(
        headerLines(raw([`Authentication-Results: mx.estate.example; ${results}`])),
        'mx.estate.example',
      );
    expect(verdictsOf('spf=temperror; dkim=none; dmarc=fail')).toEqual({
      spf: 'PROCESSING_FAILED',
      dkim: 'GRAY',
      dmarc: 'FAIL',
    });
    expect(verdictsOf('spf=neutral; dkim=permerror; dmarc=none').spf).toBe('GRAY');
  });

  it('is addressed to the intake address the delivering server recorded, else the ones it names, else the mailbox', () => {
    expect(
      intakeRecipients(
        headerLines(raw(['Delivered-To: Fax@Estate.Example', 'To: complaints@estate.example'])),
        INTAKE,
      ),
    ).toEqual(['fax@estate.example']);
    expect(
      intakeRecipients(
        headerLines(raw(['To: "客服" <complaints@estate.example>, someone@else.example'])),
        INTAKE,
      ),
    ).toEqual(['complaints@estate.example']);
    expect(intakeRecipients(headerLines(raw(['To: undisclosed-recipients:;'])), INTAKE)).toEqual([
      'complaints@estate.example',
    ]);
  });

  it('has the same id however often it is read, and another id when its bytes differ', () => {
    const message = raw(['From: a@example.hk', 'Subject: 漏水']);
    expect(mailboxMessageId(message)).toBe(mailboxMessageId(Buffer.from(message)));
    expect(mailboxMessageId(message)).not.toBe(
      mailboxMessageId(raw(['From: a@example.hk', 'Subject: 漏水 '])),
    );
    // S3 keys and mail-log ids take it as SES's own message ids.
    expect(mailboxMessageId(message)).toMatch(/^[a-z0-9]{40}$/);
  });

  it('becomes the SES event intake reads: its arrival time, envelope sender, recipients and verdicts', () => {
    const record = sesRecordForMailbox({
      raw: raw([
        'Return-Path: <bounce+chan@example.hk>',
        'Authentication-Results: mx.estate.example; spf=pass; dkim=pass; dmarc=pass',
        'From: chan@example.hk',
        'To: complaints@estate.example',
        'Message-ID: <a1@example.hk>',
      ]),
      receivedAt: new Date('2026-11-02T01:02:03Z'),
      intakeAddresses: INTAKE,
      trustedAuthServId: 'mx.estate.example',
      functionArn: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:intake-email',
    });
    expect(record.ses.mail).toMatchObject({
      timestamp: '2026-11-02T01:02:03.000Z',
      source: 'bounce+chan@example.hk',
      destination: ['complaints@estate.example'],
    });
    expect(record.ses.receipt).toMatchObject({
      recipients: ['complaints@estate.example'],
      spamVerdict: { status: 'DISABLED' },
      virusVerdict: { status: 'DISABLED' },
      spfVerdict: { status: 'PASS' },
      dkimVerdict: { status: 'PASS' },
      dmarcVerdict: { status: 'PASS' },
    });
  });
});
