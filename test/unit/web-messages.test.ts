import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '#config/catalogue.ts';
import { ROLES } from '#config/roles.ts';
import { STEP_IDS } from '#config/workflow.ts';
import { NewComplaintInput } from '#domain/complaint.ts';
import { DECISION_SCHEMAS, EARLY_DONE_NEEDS_NOTE } from '#domain/decisions.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';
import { en } from '../../web/src/messages/en.ts';
import { zhHans } from '../../web/src/messages/zh-Hans.ts';
import { zhHant } from '../../web/src/messages/zh-Hant.ts';
import {
  dayMonthYear,
  fromServer,
  hkIso,
  parseDayMonthYear,
  validateComplaint,
} from '../../web/src/validation.ts';

/** The web app's three message catalogues, and that its pages take every text from them. */
const CATALOGUES = { 'zh-Hant': zhHant, 'zh-Hans': zhHans, en } as const;
const SOURCE = join(PROJECT_ROOT, 'web', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.tsx')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('the web app’s message catalogues', () => {
  it('have the same keys in 繁體中文, 简体中文 and English, none empty, with the same placeholders', () => {
    const keys = Object.keys(zhHant).sort();
    for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
      expect(Object.keys(catalogue).sort(), lang).toEqual(keys);
      for (const [key, text] of Object.entries(catalogue)) {
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
        const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect(placeholders(text), `${lang} ${key}`).toEqual(
          placeholders(zhHant[key as keyof typeof zhHant]),
        );
      }
    }
  });

  it('name every step, role and channel the API can return', () => {
    for (const step of STEP_IDS) expect(zhHant, step).toHaveProperty([`step.${step}`]);
    for (const role of ROLES) expect(zhHant, role).toHaveProperty([`role.${role}`]);
    for (const channel of CHANNELS) expect(zhHant, channel).toHaveProperty([`channel.${channel}`]);
  });

  it('leave no Chinese text in the components: every word comes from a catalogue', () => {
    for (const file of sourceFiles(SOURCE)) {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      expect(code.match(/[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+/g) ?? [], file).toEqual([]);
    }
  });
});

describe('the web app’s field checks', () => {
  const draft = {
    channel: 'phone',
    area: 'kowloon-east',
    ownerName: '',
    phone: '',
    email: 'not-an-email',
    language: 'zh-Hant',
    building: '',
    unit: '',
    category: '',
    content: ' ',
    keyPointsNoted: false,
    requestClarified: false,
    apologyGiven: false,
    explanationGiven: false,
    attachments: [],
    submissionId: 'draft-0001',
  };

  it('find the problems the API would, at the same fields', () => {
    const local = validateComplaint(draft);
    const server = NewComplaintInput.safeParse({
      channel: draft.channel,
      area: draft.area,
      owner: { name: draft.ownerName, email: draft.email },
      content: draft.content,
    });
    expect(server.success).toBe(false);
    const serverFields = new Set(server.error?.issues.map((issue) => issue.path.join('.')));
    for (const field of serverFields) expect(local, field).toHaveProperty([field]);
    expect(local).toEqual({
      'owner.name': 'error.required',
      'owner.email': 'error.email',
      content: 'error.required',
    });
  });

  it('accept and refuse the phone numbers, email addresses and lengths the API does', () => {
    const filled = { ...draft, ownerName: '陳大文', content: '浴室天花板滲水', phone: '+852 2345 6789' };
    const cases: Partial<typeof draft>[] = [
      { phone: '2345 6789' },
      { phone: '(852) 2345-6789' },
      { phone: '12345' },
      { phone: 'call me' },
      { phone: '', email: 'chan@example.com' },
      { phone: '', email: 'chan@example.c' },
      { phone: '', email: 'chan@example' },
      { phone: '', email: '陳@例子.香港' },
      { phone: '', email: `${'a'.repeat(250)}@example.com` },
      { ownerName: 'x'.repeat(100) },
      { ownerName: 'x'.repeat(101) },
      { content: 'x'.repeat(20_001) },
      { building: 'x'.repeat(101) },
      { unit: 'x'.repeat(50) },
      { unit: 'x'.repeat(51) },
    ];
    for (const change of cases) {
      const d = { ...filled, ...change };
      const server = NewComplaintInput.safeParse({
        channel: d.channel,
        area: d.area,
        owner: {
          name: d.ownerName,
          ...(d.phone ? { phone: d.phone } : {}),
          ...(d.email ? { email: d.email } : {}),
        },
        content: d.content,
        building: d.building,
        unit: d.unit,
      });
      const serverFields = [...new Set(server.error?.issues.map((issue) => issue.path.join('.')) ?? [])];
      expect(Object.keys(validateComplaint(d)).sort(), JSON.stringify(change)).toEqual(serverFields.sort());
    }
  });

  it('turn every English message of the API’s decision checks into a translated one', () => {
    const bad = [
      {},
      { action: 'nonsense' },
      { action: 'sign', opinion: '', category: 'x', department: 'y' },
      { plannedStart: 'tomorrow', plannedCompletion: '2026-01-01T00:00:00+08:00' },
      { plannedStart: '2026-12-02T10:00:00+08:00', plannedCompletion: '2026-12-01T10:00:00+08:00' },
      { rating: 'meh', comments: 'x'.repeat(5001) },
      { reached: 'perhaps' },
    ];
    const messages = new Set<string>();
    for (const schema of Object.values(DECISION_SCHEMAS)) {
      for (const body of bad) {
        const result = schema.safeParse(body);
        if (!result.success) for (const issue of result.error.issues) messages.add(issue.message);
      }
    }
    expect(messages.size).toBeGreaterThan(5);
    for (const message of messages) {
      expect(fromServer([{ field: 'f', message }]).f, message).not.toBe('error.invalid');
    }
    expect(fromServer([{ field: 'plannedCompletion', message: 'Give a time in the future' }])).toEqual({
      plannedCompletion: 'error.future',
    });
  });

  it('read a datetime-local value as Hong Kong time', () => {
    expect(hkIso('2026-12-01T10:00')).toBe('2026-12-01T10:00:00+08:00');
    expect(Date.parse(hkIso('2026-12-01T10:00') ?? '')).toBe(Date.parse('2026-12-01T02:00:00Z'));
    expect(hkIso('tomorrow')).toBeUndefined();
  });

  it('read dd/mm/yyyy HH:mm (24-hour) as Hong Kong time, and say why another text is not one', () => {
    expect(parseDayMonthYear('07/12/2026 18:30')).toEqual({ iso: '2026-12-07T18:30:00+08:00' });
    expect(parseDayMonthYear(' 7/2/2027  9:05 ')).toEqual({ iso: '2027-02-07T09:05:00+08:00' });
    expect(parseDayMonthYear('29/02/2028 00:00')).toEqual({ iso: '2028-02-29T00:00:00+08:00' });
    for (const text of ['12/07/2026, 06:30 PM', '2026-12-07T18:30', '07/12/2026', 'tomorrow', ''])
      expect(parseDayMonthYear(text), text).toEqual({ problem: 'error.datetimeFormat' });
    for (const text of ['31/02/2026 10:00', '29/02/2027 10:00', '07/13/2026 10:00', '07/12/2026 24:00'])
      expect(parseDayMonthYear(text), text).toEqual({ problem: 'error.noSuchDate' });
    expect(dayMonthYear(new Date('2026-12-07T10:30:00Z'))).toBe('07/12/2026 18:30');
  });

  it('ask for the note the API wants when work was done before its committed start', () => {
    expect(fromServer([{ field: 'note', message: EARLY_DONE_NEEDS_NOTE }])).toEqual({
      note: 'error.earlyNote',
    });
  });
});
