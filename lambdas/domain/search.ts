import type { ComplaintRecord } from './complaint.ts';

/**
 * The complaint search (`GET /api/complaints?q=`): which terms a complaint is found by, how a
 * query becomes terms, and the exact check a found complaint must then pass.
 *
 * The index is an inverted one in the complaints table (docs/data-model.md): one small item per
 * (area, term, complaint), its sort key the complaint's time of receipt, so each term's
 * complaints are a range read newest first, and a query of several terms is a merge of sorted
 * ranges. Terms are:
 * - the reference, the owner's and second contact's phone (its last 8 digits: typed with or
 *   without spaces, brackets, dashes or +852 it is the same number) and email, whole;
 * - words: Latin letters and digits as words of 2 or more, and Chinese (any CJK script) as
 *   overlapping pairs of characters (bigrams), since Chinese has no spaces between words: 漏水
 *   is a term of 浴室天花板漏水, and 天花板 finds it as 天花 + 花板. Words are taken from the
 *   owner's name, the building and unit, the email and the first CONTENT_INDEXED characters of
 *   the content.
 * Terms only narrow the search: every complaint they find is then checked against the query
 * itself (`matchesQuery`), so a query means "each of its words appears in the complaint", and a
 * pair of bigrams that happen to meet in two different words is not a match.
 */

/** The content is indexed this far (characters); what an owner writes first says what it is about. */
export const CONTENT_INDEXED = 2_000;
/** At most this many terms per complaint: a bound on the items one complaint writes. */
export const MAX_TERMS = 600;
/** Longest query accepted, in characters. */
export const MAX_QUERY_CHARS = 100;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const RUNS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|[\p{L}\p{N}]+/gu;

/** Case, full-width forms and compatibility characters folded (NFKC), lower case. */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Words of a text as index terms: Latin/digit words of 2+ characters, CJK character pairs. */
export function wordTerms(text: string): string[] {
  const terms: string[] = [];
  for (const [run] of normalise(text).matchAll(RUNS)) {
    if (CJK.test(run[0] ?? '')) {
      const chars = [...run];
      for (let i = 0; i + 1 < chars.length; i++) terms.push(`${chars[i]}${chars[i + 1]}`);
    } else if (run.length >= 2) {
      terms.push(run);
    }
  }
  return terms;
}

/** A phone number's digits, and the last 8 of them: the local number whatever prefix was typed. */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}
const phoneTerm = (phone: string) => `tel:${phoneDigits(phone).slice(-8)}`;
const emailTerm = (email: string) => `mail:${normalise(email.trim())}`;
const refTerm = (ref: string) => `ref:${normalise(ref)}`;

/** A reference as the product writes them (domain/complaint.ts formatRef): area code, YYMM, sequence (KE-2612-0042). */
const REF_PATTERN = /^[a-z]{1,4}-\d{4}-\d{4,6}$/i;
/** A query that is a phone number: digits with the separators people type, 6+ digits. */
const PHONE_QUERY = /^\+?[\d\s()-]+$/;

type Searchable = Pick<ComplaintRecord, 'ref' | 'owner' | 'building' | 'unit' | 'content' | 'registerUnit'>;

/** The terms a complaint is found by, distinct, at most MAX_TERMS. */
export function termsOfComplaint(record: Searchable): string[] {
  const terms = new Set<string>([refTerm(record.ref)]);
  const contacts = [record.owner, record.owner.secondContact].filter((c) => c !== undefined);
  for (const contact of contacts) {
    if (contact.phone && phoneDigits(contact.phone).length >= 6) terms.add(phoneTerm(contact.phone));
    if (contact.email) terms.add(emailTerm(contact.email));
  }
  const texts = [
    ...contacts.flatMap((c) => [c.name ?? '', c.email ?? '']),
    record.building ?? '',
    record.unit ?? '',
    record.registerUnit ? `${record.registerUnit.estate} ${record.registerUnit.building}` : '',
    record.content.slice(0, CONTENT_INDEXED),
  ];
  for (const text of texts) {
    for (const term of wordTerms(text)) {
      if (terms.size >= MAX_TERMS) return [...terms];
      terms.add(term);
    }
  }
  return [...terms];
}

/** A query, read: the index terms to look up, and the words every complaint found must contain. */
export interface SearchQuery {
  readonly kind: 'ref' | 'phone' | 'email' | 'words';
  readonly terms: readonly string[];
  /** Normalised words (phone: its last 8 digits) that `matchesQuery` checks. */
  readonly words: readonly string[];
}

export type ParsedQuery = { ok: true; query: SearchQuery } | { ok: false; message: string };

/** Reads `q`; a query with nothing to look up (one Chinese character, one letter) says so. */
export function parseQuery(q: string): ParsedQuery {
  const text = q.trim();
  if (!text) return { ok: false, message: 'Type what to search for' };
  if ([...text].length > MAX_QUERY_CHARS)
    return { ok: false, message: `Search for at most ${MAX_QUERY_CHARS} characters` };
  if (REF_PATTERN.test(text))
    return { ok: true, query: { kind: 'ref', terms: [refTerm(text)], words: [normalise(text)] } };
  if (PHONE_QUERY.test(text) && phoneDigits(text).length >= 6) {
    const digits = phoneDigits(text).slice(-8);
    return { ok: true, query: { kind: 'phone', terms: [`tel:${digits}`], words: [digits] } };
  }
  if (/^\S+@\S+$/.test(text)) {
    return { ok: true, query: { kind: 'email', terms: [emailTerm(text)], words: [normalise(text)] } };
  }
  const words = normalise(text).split(/\s+/).filter(Boolean);
  const terms = [...new Set(words.flatMap(wordTerms))];
  if (!terms.length) {
    return {
      ok: false,
      message: 'Type at least two characters of a word (two Chinese characters, or two letters or digits)',
    };
  }
  return { ok: true, query: { kind: 'words', terms, words } };
}

/** Everything of a complaint a word of a query may appear in, normalised, spaces dropped. */
function haystack(record: Searchable): string {
  const contacts = [record.owner, record.owner.secondContact].filter((c) => c !== undefined);
  return normalise(
    [
      record.ref,
      ...contacts.flatMap((c) => [c.name ?? '', c.email ?? '', c.phone ? phoneDigits(c.phone) : '']),
      record.building ?? '',
      record.unit ?? '',
      record.registerUnit ? `${record.registerUnit.estate}${record.registerUnit.building}` : '',
      record.content,
    ].join('\n'),
  ).replace(/[ \t]+/g, '');
}

/** The exact check: every word of the query is in the complaint (a phone: one of its numbers). */
export function matchesQuery(record: Searchable, query: SearchQuery): boolean {
  if (query.kind === 'phone') {
    const contacts = [record.owner, record.owner.secondContact].filter((c) => c !== undefined);
    return contacts.some((c) => c.phone !== undefined && phoneDigits(c.phone).endsWith(query.words[0] ?? ''));
  }
  if (query.kind === 'ref') return normalise(record.ref) === query.words[0];
  if (query.kind === 'email') {
    const contacts = [record.owner, record.owner.secondContact].filter((c) => c !== undefined);
    return contacts.some((c) => c.email !== undefined && normalise(c.email.trim()) === query.words[0]);
  }
  const text = haystack(record);
  return query.words.every((word) => text.includes(word));
}

/** The index's sort key for a complaint: newest first is descending order. */
export const searchSk = (receivedAt: string, ref: string) => `${receivedAt}#${ref}`;
export const searchPk = (area: string, term: string) => `SEARCH#${area}#${term}`;

/** The index items a complaint has in its area, by key; `termsOfComplaint` decides which. */
export function searchItemKeys(record: Searchable & Pick<ComplaintRecord, 'area' | 'receivedAt'>) {
  return termsOfComplaint(record).map((term) => ({
    PK: searchPk(record.area, term),
    SK: searchSk(record.receivedAt, record.ref),
  }));
}

/**
 * What a change of a complaint does to its index items: the items to delete (terms it no longer
 * has, or all of them in an area it left) and the ones to write.
 */
export function searchItemChanges(
  before: (Searchable & Pick<ComplaintRecord, 'area' | 'receivedAt'>) | undefined,
  after: Searchable & Pick<ComplaintRecord, 'area' | 'receivedAt'>,
): { remove: { PK: string; SK: string }[]; add: { PK: string; SK: string }[] } {
  const key = (k: { PK: string; SK: string }) => `${k.PK}\n${k.SK}`;
  const old = new Map((before ? searchItemKeys(before) : []).map((k) => [key(k), k]));
  const next = new Map(searchItemKeys(after).map((k) => [key(k), k]));
  return {
    remove: [...old].filter(([k]) => !next.has(k)).map(([, v]) => v),
    add: [...next].filter(([k]) => !old.has(k)).map(([, v]) => v),
  };
}
