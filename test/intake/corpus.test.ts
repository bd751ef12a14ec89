import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '#domain/mail/classify.ts';
import { parseMessage } from '#domain/mail/parse.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';

/**
 * The shared mail corpus: 40 real messages from public projects' test suites and mailing-list
 * archives (Big5, GB2312/GBK/GB18030, ks_c_5601, ISO-2022-JP, auto-replies, bounces,
 * malformed MIME), each with the values it must parse to (../shared/mail-corpus/expected.json).
 */
const CORPUS = resolve(PROJECT_ROOT, '..', 'shared', 'mail-corpus');

interface Expected {
  file: string;
  from: string | null;
  fromName: string | null;
  subject: string | null;
  isAutoReply: boolean;
  isBounce: boolean;
  attachments: string[];
  bodyContains: string | null;
  note?: string;
}

const expected = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8')) as Expected[];

async function read(file: string) {
  const parsed = await parseMessage(readFileSync(join(CORPUS, 'messages', file)));
  return { parsed, classification: classify(parsed) };
}

/** The decoded text, or the HTML with its tags stripped, as expected.json's bodyContains reads it. */
const bodyOf = (parsed: Awaited<ReturnType<typeof read>>['parsed']) =>
  `${parsed.text}\n${(parsed.html ?? '').replace(/<[^>]+>/g, '')}`;

describe('every message of the mail corpus', () => {
  it('holds the 40 messages the manifest lists', () => {
    expect(expected).toHaveLength(40);
  });

  it.each(expected.map((e) => [e.file, e] as const))('%s parses to its expected values', async (_file, e) => {
    const { parsed, classification } = await read(e.file);
    expect(parsed.from?.address ?? null, 'from').toBe(e.from);
    if (e.fromName !== null) expect(parsed.from?.name ?? '', 'fromName').toBe(e.fromName);
    if (e.subject !== null) expect(parsed.subject, 'subject').toBe(e.subject);
    expect(classification.isAutoReply, 'isAutoReply').toBe(e.isAutoReply);
    expect(classification.isBounce, 'isBounce').toBe(e.isBounce);
    expect(
      parsed.attachments.flatMap((a) => (a.filename ? [a.filename] : [])),
      'attachments',
    ).toEqual(e.attachments);
    if (e.bodyContains !== null) expect(bodyOf(parsed), 'bodyContains').toContain(e.bodyContains);
  });
});

describe('where expected.json marks a parser weakness', () => {
  it('reads the body of a message whose declared boundary differs from the one it uses (038)', async () => {
    // mailparser alone (like Python's email) finds no text and no HTML at all here.
    const { parsed } = await read('038-malformed-boundary-mismatch.eml');
    expect(parsed.repaired).toBe('boundary');
    expect(parsed.html).toContain('calorsolar.tk');
    expect(parsed.text.length).toBeGreaterThan(100);
  });

  it('joins multibyte characters split across encoded words as far as the bytes allow (039)', async () => {
    // Kopano's "good" outcome is ☺ vų. ?뮘; the byte that cannot be decoded shows as U+FFFD.
    const { parsed } = await read('039-malformed-split-multibyte-ew.eml');
    expect(parsed.subject).toBe('☺ vų. \uFFFD뮘');
  });

  it('keeps a double-encoded Big5 subject as sent rather than guessing (018)', async () => {
    // The stored bytes are already mojibake; "repairing" them would corrupt correct Latin-1 text.
    const { parsed } = await read('018-big5-empty-cte-yahoo-hk.eml');
    expect(parsed.subject?.startsWith('4d8119¡@')).toBe(true);
  });

  it('lists a bounce’s unnamed delivery report and original message as parts without a name (029)', async () => {
    const { parsed } = await read('029-bounce-postfix-zammad.eml');
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [undefined, 'message/rfc822'],
    ]);
  });
});

describe('mailing-list mail', () => {
  it('is bulk (never answered) but not an auto-reply', async () => {
    const { classification } = await read('005-gb2312-outlook-reply.eml');
    expect(classification).toMatchObject({ isBulk: true, isAutoReply: false, kind: 'bulk' });
  });

  it('gives the real author when a list rewrote From for DMARC (014)', async () => {
    const { ownerOf } = await import('#domain/mail/content.ts');
    const { parsed } = await read('014-gb2312-via-list-dmarc-from.eml');
    expect(ownerOf(parsed)?.address).toBe('wenyehai@huawei.com');
    expect(ownerOf(parsed)?.name).toBe('wenyehai');
  });
});
