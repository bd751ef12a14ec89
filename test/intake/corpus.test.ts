import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '#domain/mail/classify.ts';
import { parseMessage } from '#domain/mail/parse.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';

/**
 * The mail corpus: real messages from public projects' test suites and mailing-list archives
 * (Big5, GB2312/GBK/GB18030, ks_c_5601, ISO-2022-JP, auto-replies, bounces, malformed MIME),
 * each with the values it must parse to.
 *
 * The MIT/BSD/Apache-2.0 messages are bundled (test/fixtures/mail-corpus, ATTRIBUTION.md) so a
 * fresh clone always runs them. The whole corpus of 40 lives outside the repository, in
 * ../shared/mail-corpus (MAIL_CORPUS_DIR points elsewhere); when it is there, the rest run too.
 */
const BUNDLED = join(PROJECT_ROOT, 'test', 'fixtures', 'mail-corpus');
const SHARED = process.env.MAIL_CORPUS_DIR ?? resolve(PROJECT_ROOT, '..', 'shared', 'mail-corpus');
const sharedPresent = existsSync(join(SHARED, 'expected.json'));
const sharedName = relative(PROJECT_ROOT, SHARED);

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

const expectedIn = (corpus: string) =>
  JSON.parse(readFileSync(join(corpus, 'expected.json'), 'utf8')) as Expected[];
const bundled = expectedIn(BUNDLED);
const shared = sharedPresent ? expectedIn(SHARED) : [];
const bundledFiles = new Set(bundled.map((e) => e.file));
const sharedOnly = shared.filter((e) => !bundledFiles.has(e.file));

console.info(
  sharedPresent
    ? `Mail corpus: the ${bundled.length} bundled messages and the other ${sharedOnly.length} of ${sharedName}`
    : `Mail corpus: the ${bundled.length} bundled messages only (${sharedName} is absent; its tests are skipped)`,
);

/** A message by name: the bundled copy when there is one, else the shared corpus's. */
const pathOf = (file: string) => join(bundledFiles.has(file) ? BUNDLED : SHARED, 'messages', file);

async function read(file: string) {
  const parsed = await parseMessage(readFileSync(pathOf(file)));
  return { parsed, classification: classify(parsed) };
}

/** A test that needs a message only the shared corpus holds. */
const withShared = (file: string) => (bundledFiles.has(file) || sharedPresent ? it : it.skip);

/** The decoded text, or the HTML with its tags stripped, as expected.json's bodyContains reads it. */
const bodyOf = (parsed: Awaited<ReturnType<typeof read>>['parsed']) =>
  `${parsed.text}\n${(parsed.html ?? '').replace(/<[^>]+>/g, '')}`;

async function expectParsesTo(e: Expected): Promise<void> {
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
}

describe(`the ${bundled.length} bundled messages (test/fixtures/mail-corpus)`, () => {
  it('are the messages its expected.json lists, each with its attribution', () => {
    expect(readdirSync(join(BUNDLED, 'messages')).sort()).toEqual([...bundledFiles].sort());
    const attribution = readFileSync(join(BUNDLED, 'ATTRIBUTION.md'), 'utf8');
    for (const file of bundledFiles) expect(attribution, file).toContain(`| ${file} |`);
  });

  it.each(bundled.map((e) => [e.file, e] as const))('%s parses to its expected values', async (_file, e) => {
    await expectParsesTo(e);
  });
});

describe.runIf(sharedPresent)(`the 40 messages of ${sharedName}`, () => {
  it('holds the 40 messages the manifest lists', () => {
    expect(shared).toHaveLength(40);
  });

  it('matches the bundled copies byte for byte, and their expected values', () => {
    for (const e of bundled) {
      const copy = readFileSync(join(BUNDLED, 'messages', e.file));
      expect(copy.equals(readFileSync(join(SHARED, 'messages', e.file))), e.file).toBe(true);
      expect(
        shared.find((s) => s.file === e.file),
        e.file,
      ).toEqual(e);
    }
  });

  it.each(sharedOnly.map((e) => [e.file, e] as const))(
    '%s parses to its expected values',
    async (_file, e) => {
      await expectParsesTo(e);
    },
  );
});

describe('where expected.json marks a parser weakness', () => {
  withShared('038-malformed-boundary-mismatch.eml')(
    'reads the body of a message whose declared boundary differs from the one it uses (038)',
    async () => {
      // mailparser alone (like Python's email) finds no text and no HTML at all here.
      const { parsed } = await read('038-malformed-boundary-mismatch.eml');
      expect(parsed.repaired).toBe('boundary');
      expect(parsed.html).toContain('calorsolar.tk');
      expect(parsed.text.length).toBeGreaterThan(100);
    },
  );

  withShared('039-malformed-split-multibyte-ew.eml')(
    'joins multibyte characters split across encoded words as far as the bytes allow (039)',
    async () => {
      // Kopano's "good" outcome is ☺ vų. ?뮘; the byte that cannot be decoded shows as U+FFFD.
      const { parsed } = await read('039-malformed-split-multibyte-ew.eml');
      expect(parsed.subject).toBe('☺ vų. \uFFFD뮘');
    },
  );

  withShared('018-big5-empty-cte-yahoo-hk.eml')(
    'keeps a double-encoded Big5 subject as sent rather than guessing (018)',
    async () => {
      // The stored bytes are already mojibake; "repairing" them would corrupt correct Latin-1 text.
      const { parsed } = await read('018-big5-empty-cte-yahoo-hk.eml');
      expect(parsed.subject?.startsWith('4d8119¡@')).toBe(true);
    },
  );

  withShared('029-bounce-postfix-zammad.eml')(
    'lists a bounce’s unnamed delivery report and original message as parts without a name (029)',
    async () => {
      const { parsed } = await read('029-bounce-postfix-zammad.eml');
      expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
        [undefined, 'message/rfc822'],
      ]);
    },
  );
});

describe('mailing-list mail', () => {
  withShared('005-gb2312-outlook-reply.eml')('is bulk (never answered) but not an auto-reply', async () => {
    const { classification } = await read('005-gb2312-outlook-reply.eml');
    expect(classification).toMatchObject({ isBulk: true, isAutoReply: false, kind: 'bulk' });
  });

  withShared('014-gb2312-via-list-dmarc-from.eml')(
    'gives the real author when a list rewrote From for DMARC (014)',
    async () => {
      const { ownerOf } = await import('#domain/mail/content.ts');
      const { parsed } = await read('014-gb2312-via-list-dmarc-from.eml');
      expect(ownerOf(parsed)?.address).toBe('wenyehai@huawei.com');
      expect(ownerOf(parsed)?.name).toBe('wenyehai');
    },
  );
});
