import { describe, expect, it } from 'vitest';
import { fieldErrors } from '#domain/complaint.ts';
import { UnitPatch } from '#domain/directory/register.ts';
import { DIRECTORY_TEXTS } from '../../web/src/messages/directory.ts';
import { type DraftResident, validateResidents } from '../../web/src/staff/residents.ts';
import { fromServer } from '../../web/src/validation.ts';

/**
 * The register pages' texts (web/src/messages/directory.ts) and the *Edit residents* form's own
 * check (web/src/staff/residents.ts): the same keys and placeholders in the three languages, and
 * the form finding at the browser what the API's PATCH /api/directory/units/{id} would refuse —
 * at the same fields, with the same message as the app shows for the API's 400.
 */
const resident = (fields: Partial<DraftResident>): DraftResident => ({
  key: 'k',
  name: '陳大文',
  role: 'owner',
  phones: [],
  emails: [],
  faxes: [],
  language: 'zh-Hant',
  ...fields,
});

/** What the API says of these residents, as the app shows it (by field). */
function apiProblems(residents: DraftResident[]) {
  const parsed = UnitPatch.safeParse({
    version: 1,
    residents: residents.map(({ key: _key, ...r }) => ({
      ...r,
      name: r.name,
      phones: r.phones,
      emails: r.emails,
      faxes: r.faxes,
    })),
  });
  return parsed.success ? {} : fromServer(fieldErrors(parsed.error));
}

describe('the register pages’ texts', () => {
  it('have the same keys and placeholders in 繁體中文, 简体中文 and English, none empty', () => {
    const base = DIRECTORY_TEXTS['zh-Hant'];
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [lang, catalogue] of Object.entries(DIRECTORY_TEXTS)) {
      expect(Object.keys(catalogue).sort(), lang).toEqual(Object.keys(base).sort());
      for (const [key, text] of Object.entries(catalogue)) {
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
        expect(placeholders(text), `${lang} ${key}`).toEqual(placeholders(base[key as keyof typeof base]));
      }
    }
    expect(DIRECTORY_TEXTS.en['nav.directory']).toBe('Directory');
    expect(DIRECTORY_TEXTS['zh-Hant']['nav.directory']).toBe('屋苑名冊');
  });
});

describe('the Edit residents form’s check', () => {
  it('passes residents the API takes', () => {
    const residents = [
      resident({ phones: ['9123 4567'], emails: ['Chan.TM@example.com'] }),
      resident({ name: 'Wong Siu Ming', role: 'tenant', phones: ['+852 2345 6789'], language: 'en' }),
    ];
    expect(validateResidents(residents)).toEqual({});
    expect(apiProblems(residents)).toEqual({});
  });

  it('finds what the API refuses, at the same fields and with the same messages', () => {
    const residents = [
      resident({ name: ' ', phones: ['12', '9123 4567'], emails: ['chan.tm@'] }),
      resident({ emails: ['ok@example.com', ''], faxes: ['fax'] }),
      resident({ name: 'x'.repeat(101) }),
    ];
    const found = validateResidents(residents);
    expect(found).toEqual({
      'residents.0.name': 'error.required',
      'residents.0.phones.0': 'error.phone',
      'residents.0.emails.0': 'error.email',
      'residents.1.emails.1': 'error.email',
      'residents.1.faxes.0': 'error.phone',
      'residents.2.name': 'error.tooLong',
    });
    // The API agrees field for field (an empty email is not an email to it either).
    expect(apiProblems(residents)).toEqual(found);
  });
});
