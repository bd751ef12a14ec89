import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fitMailLine } from '#domain/correspondence.ts';
import { CORRECTION_LIMITS, NOTE_LIMITS } from '#domain/fields.ts';
import { itemBytes, MAX_ITEM_BYTES } from '#domain/item-size.ts';
import { complaintPk, RECORD_SK } from '#domain/keys.ts';
import { MAX_HTML_CHARS, MAX_SUBJECT_CHARS, MAX_TEXT_CHARS } from '#domain/mail/content.ts';
import { planAttachments, viewOf } from '#domain/mail/intake.ts';
import type { ParsedMessage } from '#domain/mail/message.ts';
import { factsWithinCaps, MAX_FACT_CAUSES, MAX_LIST_FACTS } from '#domain/record-facts.ts';
import { correspondenceOf, mailLogLine } from '#services/intake-mail.ts';

/**
 * The largest items the product writes stay under DynamoDB's 400 KB by their caps alone: an
 * email's correspondence and mail-log lines at every cap at once, in characters that take the
 * most bytes, and the complaint record at every field's limit with its report facts full.
 */
const ASTRAL = '𠀋'; // 4 bytes in UTF-8, 2 UTF-16 units
const CJK = '滲'; // 3 bytes, 1 unit: the most bytes per unit a capped string can hold
const longAddress = (n: number) => `${'a'.repeat(240)}${n}@${'b'.repeat(9)}.hk`.slice(0, 254);

/** A message at every limit and beyond it: what intake keeps of it is capped. */
function hostileMessage(): ParsedMessage {
  return {
    from: { address: longAddress(0), name: ASTRAL.repeat(1000) },
    replyTo: [],
    to: Array.from({ length: 200 }, (_u, i) => ({ address: longAddress(i), name: '' })),
    cc: [],
    subject: ASTRAL.repeat(5000),
    messageId: `${'m'.repeat(240)}@example.hk`,
    inReplyTo: [],
    references: [],
    text: CJK.repeat(1_000_000),
    // As long as sanitising keeps (60,000 units), all of it 3-byte characters.
    html: `<p>${CJK.repeat(MAX_HTML_CHARS - 7)}</p>`,
    headers: new Map(),
    contentType: 'multipart/mixed',
    contentTypeParams: {},
    charsets: ['utf-8'],
    attachments: Array.from({ length: 1000 }, (_u, i) => ({
      filename: `${ASTRAL.repeat(400)}${i}.pdf`,
      contentType: `application/${'x'.repeat(300)}`,
      size: 26 * 1024 * 1024,
      inline: false,
      content: Buffer.alloc(0),
    })),
  } as unknown as ParsedMessage;
}

const ARRIVAL = {
  id: '2026-11-27.0000000000000000000000000000000000000000000000000000000000000000',
  sesMessageId: '0'.repeat(64),
  receivedAt: '2026-11-27T09:00:00.000Z',
  area: 'kowloon-east',
  recipients: Array.from({ length: 50 }, (_u, i) => longAddress(i)),
  rawMessage: {
    bucket: 'raw-mail-bucket-name-of-some-length',
    key: `incoming/${'0'.repeat(64)}`,
    bytes: 40_000_000,
  },
  verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' },
};

describe('an email at every cap', () => {
  const message = hostileMessage();
  const view = viewOf(message);
  const attachments = planAttachments(message.attachments, {
    sesMessageId: ARRIVAL.sesMessageId,
    bucket: 'attachments-bucket',
  }).map((p) => p.meta);

  it('is capped where intake keeps it', () => {
    expect(view.text.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
    expect(view.html?.length).toBeGreaterThan(MAX_HTML_CHARS - 100);
    expect([...view.subject].length).toBe(MAX_SUBJECT_CHARS);
  });

  it('fits its correspondence line in one item by the caps alone, with room to spare', () => {
    const line = correspondenceOf(ARRIVAL, view, 'reply', attachments, true, []);
    const item = {
      PK: complaintPk('KE-2611-0001'),
      SK: `MAIL#${line.at}#${line.id}`,
      type: 'mail',
      ref: 'KE-2611-0001',
      ...line,
    };
    expect(line.html).toBe(view.html);
    expect(line.text).toBe(view.text);
    expect(itemBytes(item)).toBeLessThan(MAX_ITEM_BYTES - 32 * 1024);
  });

  it('fits its held mail-log line (text and HTML kept for review) too', () => {
    const line = mailLogLine(ARRIVAL, message, 'held', { reason: 'flood' });
    expect(line.html).toBe(view.html);
    expect(
      itemBytes({
        PK: 'MAILLOG#2026-11-27',
        SK: `MSG#${ARRIVAL.sesMessageId}`,
        GSI1PK: 'MAILREVIEW#held#kowloon-east',
        GSI1SK: `${ARRIVAL.receivedAt}#${ARRIVAL.sesMessageId}`,
        ...line,
      }),
    ).toBeLessThan(MAX_ITEM_BYTES - 32 * 1024);
  });

  it('would lose its HTML, then text, rather than fail, were a line ever over the limit', () => {
    const huge = { id: 'x', text: CJK.repeat(150_000), html: CJK.repeat(100_000) };
    const fitted = fitMailLine(huge);
    expect(fitted).not.toHaveProperty('html');
    expect(fitted).toMatchObject({ htmlOmitted: 'too-large', textTruncated: true });
    expect(itemBytes(fitted)).toBeLessThanOrEqual(MAX_ITEM_BYTES - 16 * 1024);
    expect(fitted.text?.length).toBeGreaterThan(120_000);
    const small = { id: 'y', text: 'ok' };
    expect(fitMailLine(small)).toBe(small);
  });
});

describe('the complaint record', () => {
  it('at every field’s limit, with its report facts at their caps, fits one item', () => {
    const message = hostileMessage();
    const text = (chars: number) => CJK.repeat(chars);
    const signature = { by: 'x'.repeat(128), role: 'customer-service', at: '2026-11-27T09:00:00.000Z' };
    const record = {
      PK: complaintPk('KE-2611-0001'),
      SK: RECORD_SK,
      type: 'complaint',
      ref: 'KE-2611-0001',
      receivedAt: signature.at,
      channel: 'email',
      area: 'kowloon-east',
      building: text(100),
      unit: text(50),
      owner: {
        name: text(100),
        email: longAddress(1),
        phone: '+852 9123 4567 8901',
        language: 'zh-Hant',
        // Added by a correction (domain/corrections.ts), at its limits.
        secondContact: { name: text(100), phone: '+852 9123 4567 8901', email: longAddress(3) },
      },
      version: CORRECTION_LIMITS.perComplaint,
      correctionIds: Array.from({ length: CORRECTION_LIMITS.perComplaint }, () => randomUUID()),
      noteCount: NOTE_LIMITS.perComplaint,
      content: text(20_000),
      receivedBy: signature,
      checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: true, explanationGiven: true },
      attachments: Array.from({ length: 10 }, (_u, i) => ({
        key: `uploads/kowloon-east/${'0'.repeat(36)}${i}`,
        name: text(200),
        contentType: 'application/pdf',
        size: 26_214_400,
      })),
      mailAttachments: planAttachments(message.attachments, {
        sesMessageId: '0'.repeat(64),
        bucket: 'attachments-bucket',
      }).map((p) => p.meta),
      email: {
        sesMessageId: '0'.repeat(64),
        messageId: 'm'.repeat(250),
        subject: ASTRAL.repeat(MAX_SUBJECT_CHARS),
        from: longAddress(2),
        rawMessage: { bucket: 'raw-mail-bucket', key: `incoming/${'0'.repeat(64)}` },
        relatedRef: 'KE-2611-0002',
      },
      // Every free-text answer of the procedure's steps at its limit (5,000 characters).
      clarifiedPurpose: text(5000),
      supervisorReview: { ...signature, opinion: text(5000) },
      rejection: { ...signature, reason: text(5000) },
      commitment: {
        ...signature,
        plannedStart: signature.at,
        plannedCompletion: signature.at,
        note: text(5000),
      },
      satisfaction: { ...signature, rating: 'dissatisfied', comments: text(5000) },
      closingSignature: { ...signature, note: text(5000) },
      filed: { ...signature, location: text(5000) },
      obstacle: text(5000),
      status: 'open',
      currentStep: 'escalationCustomerService',
      objectionCount: 2,
      reopenCount: 2,
      escalationCount: 123_456,
      acknowledgedAt: signature.at,
      committedCompletion: signature.at,
      deadlines: Array.from({ length: MAX_LIST_FACTS }, () => 'escalationCustomerService:missed'),
      escalations: Array.from({ length: MAX_LIST_FACTS }, () => `customer-service:resolved:${signature.by}`),
      factsApplied: new Set(
        Array.from({ length: MAX_FACT_CAUSES }, (_u, i) => `answered:${String(i).padStart(12, 'x')}`),
      ),
      factsCapped: true,
    };
    expect(itemBytes(record)).toBeLessThan(MAX_ITEM_BYTES - 16 * 1024);
  });
});

describe('the report facts a record keeps', () => {
  it('stop at their caps: an update past them keeps its counters and says the facts were capped', () => {
    const facts = {
      deadlines: ['workInProgress:missed' as const],
      escalations: ['supervisor:timed-out' as const],
      counters: { escalationCount: 1 },
    };
    expect(factsWithinCaps(facts, { deadlines: 0, escalations: 0, causes: 0 })).toEqual({
      facts,
      capped: false,
      causeAllowed: true,
    });
    const full = factsWithinCaps(facts, {
      deadlines: MAX_LIST_FACTS,
      escalations: MAX_LIST_FACTS - 1,
      causes: 10,
    });
    expect(full).toEqual({
      facts: { escalations: ['supervisor:timed-out'], counters: { escalationCount: 1 } },
      capped: true,
      causeAllowed: true,
    });
    const noCauses = factsWithinCaps(facts, { deadlines: 0, escalations: 0, causes: MAX_FACT_CAUSES });
    expect(noCauses).toEqual({
      facts: { counters: { escalationCount: 1 } },
      capped: true,
      causeAllowed: false,
    });
  });
});
