import { describe, expect, it } from 'vitest';
import {
  MAX_TERMS,
  matchesQuery,
  parseQuery,
  searchItemChanges,
  termsOfComplaint,
  wordTerms,
} from '#domain/search.ts';

const complaint = {
  ref: 'KE-2612-0042',
  area: 'kowloon-east',
  receivedAt: '2026-12-07T02:00:00.000Z',
  building: '海濱花園第三座',
  unit: '12樓B室',
  owner: {
    name: '陳大文',
    phone: '+852 9123 4567',
    email: 'Chan.TaiMan@Example.com',
    language: 'zh-Hant' as const,
  },
  content: '浴室天花板漏水已經一星期。Lift B broken.',
};
const parsed = (q: string) => {
  const result = parseQuery(q);
  if (!result.ok) throw new Error(result.message);
  return result.query;
};

describe('the terms a complaint is found by', () => {
  it('are Chinese character pairs, Latin words of two or more, whole phones, emails and the reference', () => {
    expect(wordTerms('浴室天花板漏水')).toEqual(['浴室', '室天', '天花', '花板', '板漏', '漏水']);
    expect(wordTerms('Lift B broken, ＡＢＣ')).toEqual(['lift', 'broken', 'abc']);
    const terms = termsOfComplaint(complaint);
    expect(terms).toEqual(
      expect.arrayContaining([
        'ref:ke-2612-0042',
        'tel:91234567',
        'mail:chan.taiman@example.com',
        '漏水',
        '陳大',
        'lift',
      ]),
    );
    expect(new Set(terms).size).toBe(terms.length);
  });

  it('are at most MAX_TERMS, however long the content', () => {
    const long = Array.from({ length: 5000 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
    expect(termsOfComplaint({ ...complaint, content: long }).length).toBe(MAX_TERMS);
  });

  it('change by what a correction changed: old phone out, new one in, the rest untouched', () => {
    const after = { ...complaint, owner: { ...complaint.owner, phone: '5555 9876' } };
    const { remove, add } = searchItemChanges(complaint, after);
    expect(remove.map((k) => k.PK)).toEqual(['SEARCH#kowloon-east#tel:91234567']);
    expect(add.map((k) => k.PK)).toEqual(['SEARCH#kowloon-east#tel:55559876']);
    expect(add[0]?.SK).toBe('2026-12-07T02:00:00.000Z#KE-2612-0042');
    // A move: every item leaves the old area and is written in the new one.
    const moved = searchItemChanges(complaint, { ...complaint, area: 'hk-island' });
    expect(moved.remove.length).toBe(termsOfComplaint(complaint).length);
    expect(moved.add.every((k) => k.PK.startsWith('SEARCH#hk-island#'))).toBe(true);
  });
});

describe('a query', () => {
  it('reads a phone however typed as its last 8 digits', () => {
    for (const q of ['9123 4567', '+852 9123 4567', '(852) 9123-4567', '85291234567']) {
      expect(parsed(q), q).toMatchObject({ kind: 'phone', terms: ['tel:91234567'] });
    }
    expect(matchesQuery(complaint, parsed('91234567'))).toBe(true);
    expect(matchesQuery(complaint, parsed('9123 4568'))).toBe(false);
  });

  it('reads a reference and an email whole, in any case', () => {
    expect(parsed('ke-2612-0042')).toMatchObject({ kind: 'ref', terms: ['ref:ke-2612-0042'] });
    expect(matchesQuery(complaint, parsed('KE-2612-0042'))).toBe(true);
    expect(matchesQuery(complaint, parsed('KE-2612-0043'))).toBe(false);
    expect(parsed('CHAN.TAIMAN@example.com')).toMatchObject({ kind: 'email' });
    expect(matchesQuery(complaint, parsed('CHAN.TAIMAN@example.com'))).toBe(true);
  });

  it('of words matches only when every word is in the complaint as typed', () => {
    expect(matchesQuery(complaint, parsed('漏水'))).toBe(true);
    expect(matchesQuery(complaint, parsed('天花板 lift'))).toBe(true);
    expect(matchesQuery(complaint, parsed('12樓B室'))).toBe(true);
    // 天花 and 漏水 are both in it, but not as the one word typed.
    expect(matchesQuery(complaint, parsed('天花漏水'))).toBe(false);
    expect(matchesQuery(complaint, parsed('漏水 電梯'))).toBe(false);
  });

  it('with nothing to look up, or too long, says what to type', () => {
    expect(parseQuery('水')).toEqual({
      ok: false,
      message: expect.stringMatching(/at least two characters/),
    });
    expect(parseQuery('  ')).toEqual({ ok: false, message: 'Type what to search for' });
    expect(parseQuery('字'.repeat(101))).toEqual({
      ok: false,
      message: expect.stringMatching(/at most 100/),
    });
  });
});
