import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '#commons/http.ts';
import { parseBody } from '#commons/http.ts';
import { AreaChangeInput } from '#domain/area-change.ts';
import { NewComplaintInput } from '#domain/complaint.ts';
import { DECISION_SCHEMAS } from '#domain/decisions.ts';
import { capText, oneLine } from '#domain/mail/content.ts';
import { complaintFromMessage } from '#domain/mail/intake.ts';
import { intakeSettingsFrom } from '#domain/mail/intake-options.ts';
import { parseMessage } from '#domain/mail/parse.ts';
import { OWNER_ANSWER_SCHEMAS } from '#domain/owner-link.ts';
import { RectificationUpdate } from '#domain/report/rectification-update.ts';
import { cleanText, groupedDigits } from '#domain/text.ts';
import { hostileString } from '../security/hostile.ts';

/**
 * Free text is kept the same way on every channel (lambdas/domain/text.ts): NUL and the other
 * hidden controls, bidirectional overrides and isolates and lone surrogates never reach a
 * record, whether staff typed it, an owner answered through their link or it came by email.
 */

/** What must never be kept (written out here, apart from the code). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B\u202A-\u202E\u2066-\u2069\uFEFF]/;
const keptWell = (text: string) => !FORBIDDEN.test(text) && text.isWellFormed();

const DISGUISED = '\u202e陳\u0000大\u2066文\u2069\ud800';
const event = (body: unknown) => ({ body: JSON.stringify(body), isBase64Encoded: false }) as ApiEvent;

describe('cleanText', () => {
  it('removes hidden and disguising characters and keeps every real character', () => {
    expect(cleanText(DISGUISED)).toBe('陳大文');
    expect(cleanText('invoice\u202egpj.exe')).toBe('invoicegpj.exe');
    expect(cleanText('a\udc00b\ud83d')).toBe('ab');
    // A pair stays whole; a NUL between its halves goes and the pair is whole again.
    expect(cleanText('😀 \ud83d\u0000\ude00')).toBe('😀 😀');
    // Tabs and line breaks, the direction marks, HKSCS compatibility ideographs: kept as they are.
    expect(cleanText('一\t二\r\n三\u200e四\u200f')).toBe('一\t二\r\n三\u200e四\u200f');
    expect(cleanText('\uf907\ufa0a')).toBe('\uf907\ufa0a');
  });

  it('leaves well-formed text without hidden characters, only ever removing, idempotently', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const clean = cleanText(text);
        expect(keptWell(clean)).toBe(true);
        expect(cleanText(clean)).toBe(clean);
        let at = 0;
        for (const unit of clean) at = text.indexOf(unit, at) + unit.length;
        expect(at).toBeGreaterThan(clean.length ? 0 : -1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the same text on every channel', () => {
  const complaint = {
    channel: 'phone',
    area: 'kowloon-east',
    owner: { name: DISGUISED, phone: '+852 9123 4567' },
    content: `樓上${DISGUISED}漏水`,
    building: `\u202d海濱花園${'\u0000'}`,
    unit: '12樓\u2067B室',
  };

  it('staff API bodies: complaints, task decisions, area moves, rectification items', () => {
    expect(parseBody(event(complaint), NewComplaintInput)).toMatchObject({
      owner: { name: '陳大文' },
      content: '樓上陳大文漏水',
      building: '海濱花園',
      unit: '12樓B室',
    });
    expect(
      parseBody(event({ action: 'reject', reason: DISGUISED }), DECISION_SCHEMAS.supervisorReview),
    ).toEqual({ action: 'reject', reason: '陳大文' });
    expect(
      parseBody(event({ content: DISGUISED, owner: { name: DISGUISED } }), DECISION_SCHEMAS.transcribeFax),
    ).toMatchObject({ content: '陳大文', owner: { name: '陳大文' } });
    expect(parseBody(event({ area: 'hk-island', reason: DISGUISED }), AreaChangeInput).reason).toBe('陳大文');
    expect(parseBody(event({ version: 1, note: DISGUISED }), RectificationUpdate).note).toBe('陳大文');
  });

  it('refuses a required field that was only hidden characters', () => {
    expect(NewComplaintInput.safeParse({ ...complaint, content: '\u202e\u0000\ud800' }).success).toBe(false);
    expect(
      NewComplaintInput.safeParse({ ...complaint, owner: { ...complaint.owner, name: '\u2066' } }).success,
    ).toBe(false);
  });

  it('owners’ answers through their link', () => {
    expect(
      parseBody(event({ action: 'object', comments: DISGUISED }), OWNER_ANSWER_SCHEMAS.ownerPlanResponse),
    ).toEqual({ action: 'object', comments: '陳大文' });
    expect(
      parseBody(
        event({ rating: 'satisfied', comments: DISGUISED }),
        OWNER_ANSWER_SCHEMAS.satisfactionCallback,
      ),
    ).toEqual({ rating: 'satisfied', comments: '陳大文' });
  });

  it('email intake: the owner’s name, the subject and the text', async () => {
    const raw = Buffer.from(
      [
        `From: =?utf-8?B?${Buffer.from('\u202e陳大文\u2069').toString('base64')}?= <chan@example.com>`,
        'To: complaints@estate.example',
        `Subject: =?utf-8?B?${Buffer.from('漏水\u2066通知').toString('base64')}?=`,
        'Message-ID: <bidi@example.com>',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        // UTF-8 cannot carry a lone surrogate: mail has the other hidden characters only.
        `樓上${DISGUISED.replace('\ud800', '')}漏水`,
        '',
      ].join('\r\n'),
      'utf8',
    );
    const settings = intakeSettingsFrom({ INTAKE_ADDRESSES: 'complaints@estate.example' });
    const made = complaintFromMessage(await parseMessage(raw), { settings, area: 'kowloon-east' });
    expect(made.input.owner.name).toBe('陳大文');
    expect(made.input.content).toBe('漏水通知\n\n樓上陳大文漏水');
  });

  it('whatever the text, what the API keeps and what intake keeps are clean the same way', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const parsed = NewComplaintInput.safeParse({
          ...complaint,
          content: text,
          owner: { ...complaint.owner, name: text },
        });
        if (parsed.success) {
          expect(keptWell(parsed.data.content)).toBe(true);
          expect(keptWell(parsed.data.owner.name)).toBe(true);
          expect(parsed.data.content).toBe(cleanText(text).trim());
        }
        expect(keptWell(capText(text).text)).toBe(true);
        expect(keptWell(oneLine(text, 100))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('groupedDigits', () => {
  it('writes whole numbers as toLocaleString("en") does, without Intl', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (n) => {
        expect(groupedDigits(n)).toBe(n.toLocaleString('en'));
      }),
    );
    expect(groupedDigits(20_000)).toBe('20,000');
  });
});
