import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STAFF_ROLES, type StaffRole } from '#config/roles.ts';
import { correctionRefusal, mayAddNote, mayCorrectField, mayCorrectRecord } from '#domain/access.ts';
import { type ComplaintRecord, fieldErrors, newComplaintRecord } from '#domain/complaint.ts';
import {
  CorrectionInput,
  correctionEvents,
  NoteInput,
  planCorrection,
  withoutUnappliedCorrections,
} from '#domain/corrections.ts';
import { StateConflictError, ValidationError } from '#domain/errors.ts';
import { CORRECTABLE_FIELDS, CORRECTION_LIMITS, FIELD_LIMITS, NOTE_LIMITS } from '#domain/fields.ts';
import { itemBytes, MAX_ITEM_BYTES } from '#domain/item-size.ts';
import { changedFields, fromServer, validateCorrection } from '../../web/src/validation.ts';

/** Corrections of a complaint's record and internal notes: who may, what is checked, what is written. */
const HERE = 'kowloon-east';
const THERE = 'hk-island';
const staff = (role: StaffRole, area = HERE) => ({ role, area });

function record(overrides: Partial<ComplaintRecord> = {}): ComplaintRecord {
  return {
    ...newComplaintRecord(
      'KE-2612-0001',
      {
        channel: 'phone',
        area: HERE,
        owner: { name: '陳大文', phone: '+852 9123 4567' },
        content: '浴室天花板漏水',
        building: '海濱花園第三座',
      },
      { by: 'reception.kowloon-east', role: 'reception', at: '2026-12-07T02:00:00.000Z' },
      { needsClarification: false, acknowledge: 'call' },
    ),
    currentStep: 'supervisorReview',
    ...overrides,
  };
}

/** The field errors of a body, as the API's 400 would name them. */
function problems(body: unknown): { field: string; message: string }[] {
  const parsed = CorrectionInput.safeParse(body);
  return parsed.success ? [] : fieldErrors(parsed.error);
}

const body = (changes: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  version: 0,
  reason: '業主來電更正',
  changes,
  ...extra,
});

describe('who may correct a record', () => {
  it('lets reception, follow-up, the supervisor of its area and customer service correct the contacts; nobody else', () => {
    const complaint = record();
    const allowed = STAFF_ROLES.filter((role) => mayCorrectField(staff(role), complaint, 'ownerPhone'));
    expect(allowed.sort()).toEqual(['customer-service', 'followup', 'reception', 'supervisor']);
    // Of another area: only head office's customer service.
    const fromThere = STAFF_ROLES.filter((role) =>
      mayCorrectField(staff(role, THERE), complaint, 'ownerPhone'),
    );
    expect(fromThere).toEqual(['customer-service']);
    expect(mayCorrectRecord(staff('manager'), complaint)).toBe(false);
    expect(mayCorrectRecord(staff('department'), complaint)).toBe(false);
    expect(mayCorrectRecord(staff('clerk'), complaint)).toBe(false);
  });

  it('leaves the content and category to those who fill in and sign the form, not follow-up staff', () => {
    const complaint = record();
    for (const field of ['content', 'category'] as const) {
      const allowed = STAFF_ROLES.filter((role) => mayCorrectField(staff(role), complaint, field));
      expect(allowed.sort(), field).toEqual(['customer-service', 'reception', 'supervisor']);
    }
    expect(correctionRefusal(staff('followup'), complaint, ['ownerPhone', 'content'])).toMatch(
      /followup may not correct content/,
    );
    expect(correctionRefusal(staff('followup'), complaint, ['ownerPhone', 'unit'])).toBeUndefined();
  });

  it('gives the category to the supervisor once they have signed it', () => {
    const signed = record({
      supervisorReview: {
        by: 'supervisor.kowloon-east',
        role: 'supervisor',
        at: '2026-12-07T03:00:00Z',
        opinion: '安排維修',
      },
    });
    expect(mayCorrectField(staff('reception'), signed, 'category')).toBe(false);
    expect(mayCorrectField(staff('supervisor'), signed, 'category')).toBe(true);
    expect(mayCorrectField(staff('customer-service', THERE), signed, 'category')).toBe(true);
    expect(mayCorrectField(staff('reception'), signed, 'content')).toBe(true);
    expect(correctionRefusal(staff('reception'), signed, ['category'])).toBe(
      'The supervisor has signed the category: the supervisor or customer service corrects it',
    );
  });

  it('lets everyone who sees the complaint add a note, nobody of another area but head office, nor another department', () => {
    const given = { area: HERE, department: 'engineering' };
    const member = (role: StaffRole, area = HERE) =>
      role === 'department' ? { ...staff(role, area), department: 'engineering' } : staff(role, area);
    for (const role of STAFF_ROLES) expect(mayAddNote(member(role), given), role).toBe(true);
    expect(mayAddNote({ role: 'department', area: HERE, department: 'cleaning' }, given)).toBe(false);
    expect(STAFF_ROLES.filter((role) => mayAddNote(member(role, THERE), given)).sort()).toEqual([
      'customer-service',
      'manager',
    ]);
  });
});

describe('what a correction must say', () => {
  it('takes a valid correction, an email in lower case and an emptied field as null', () => {
    const parsed = CorrectionInput.parse(
      body({ ownerEmail: ' Chan@Example.COM ', unit: '', secondContactPhone: null, ownerPhone: '2345 6789' }),
    );
    expect(parsed.changes).toEqual({
      ownerEmail: 'chan@example.com',
      unit: null,
      secondContactPhone: null,
      ownerPhone: '2345 6789',
    });
  });

  it('names each field with what to fix', () => {
    expect(problems(body({ ownerPhone: '12' }))).toEqual([
      { field: 'changes.ownerPhone', message: 'Enter a phone number of 7–20 digits, e.g. +852 2345 6789' },
    ]);
    expect(problems(body({ secondContactEmail: 'not-an-address' }))).toEqual([
      { field: 'changes.secondContactEmail', message: 'Enter an email address like name@example.com' },
    ]);
    expect(problems(body({ ownerName: '  ' }))).toEqual([
      { field: 'changes.ownerName', message: 'Enter the owner’s name' },
    ]);
    expect(problems(body({ ownerName: '陳'.repeat(FIELD_LIMITS.ownerName + 1) }))).toEqual([
      { field: 'changes.ownerName', message: 'Keep the name under 100 characters' },
    ]);
    expect(problems(body({ building: '座'.repeat(FIELD_LIMITS.building + 1) }))[0]?.message).toBe(
      'Keep the building under 100 characters',
    );
    expect(problems(body({ unit: '室'.repeat(FIELD_LIMITS.unit + 1) }))[0]?.message).toBe(
      'Keep the unit under 50 characters',
    );
    expect(problems(body({ content: '水'.repeat(FIELD_LIMITS.content + 1) }))[0]?.message).toBe(
      'Keep the content under 20,000 characters',
    );
    expect(problems(body({ content: '' }))[0]?.message).toBe('Write down the complaint’s key points');
    expect(problems(body({ category: 'plumbing' }))).toEqual([
      {
        field: 'changes.category',
        message: expect.stringMatching(/^Choose one of the categories: repairs, water-leak/),
      },
    ]);
    expect(problems(body({ category: null }))[0]?.field).toBe('changes.category');
    expect(problems(body({ area: 'hk-island' }))).toEqual([
      { field: 'changes', message: `Correct only these fields: ${CORRECTABLE_FIELDS.join(', ')}` },
    ]);
    expect(problems(body({}))).toEqual([{ field: 'changes', message: 'Give at least one value to correct' }]);
    expect(problems(body({ unit: '3B' }, { reason: ' ' }))).toEqual([
      { field: 'reason', message: 'Write why the record is corrected' },
    ]);
    expect(problems(body({ unit: '3B' }, { reason: '因'.repeat(CORRECTION_LIMITS.reason + 1) }))).toEqual([
      { field: 'reason', message: 'Keep the reason under 1,000 characters' },
    ]);
    expect(problems({ reason: '更正', changes: { unit: '3B' } })[0]?.field).toBe('version');
  });

  it('limits a note to 2,000 characters, and wants some words', () => {
    expect(NoteInput.safeParse({ text: '已致電業主，約定週二上門。' }).success).toBe(true);
    const long = NoteInput.safeParse({ text: '字'.repeat(NOTE_LIMITS.text + 1) });
    expect(long.success ? [] : fieldErrors(long.error)).toEqual([
      { field: 'text', message: 'Keep the note under 2,000 characters' },
    ]);
    const empty = NoteInput.safeParse({ text: '\u200b ' });
    expect(empty.success ? [] : fieldErrors(empty.error)).toEqual([
      { field: 'text', message: 'Write the note' },
    ]);
  });
});

describe('planning a correction', () => {
  const plan = (r: ComplaintRecord, changes: Record<string, unknown>, version = 0) =>
    planCorrection(r, CorrectionInput.parse(body(changes, { version })));

  it('lists each changed field with its old and new value, and skips what is unchanged', () => {
    const planned = plan(record(), {
      ownerPhone: '+852 6000 1111',
      building: '海濱花園第三座',
      unit: '12樓B室',
      category: 'water-leak',
    });
    expect(planned.changes).toEqual([
      { field: 'ownerPhone', from: '+852 9123 4567', to: '+852 6000 1111' },
      { field: 'unit', from: null, to: '12樓B室' },
      { field: 'category', from: null, to: 'water-leak' },
    ]);
    expect(planned.version).toBe(1);
    expect(planned.writes).toEqual([
      { path: ['owner', 'phone'], value: '+852 6000 1111', expected: '+852 9123 4567' },
      { path: ['unit'], value: '12樓B室', expected: undefined },
      { path: ['category'], value: 'water-leak', expected: undefined },
    ]);
  });

  it('writes the second contact as one map, and an emptied field as removed', () => {
    const planned = plan(record({ unit: '3B' }), {
      secondContactName: '陳太',
      secondContactPhone: '+852 6123 0000',
      unit: null,
    });
    expect(planned.owner.secondContact).toEqual({ name: '陳太', phone: '+852 6123 0000' });
    expect(planned.writes).toEqual([
      { path: ['unit'], value: undefined, expected: '3B' },
      {
        path: ['owner', 'secondContact'],
        value: { name: '陳太', phone: '+852 6123 0000' },
        expected: undefined,
      },
    ]);
  });

  it('refuses a correction of a version the record is no longer at: someone else corrected it', () => {
    expect(() => plan(record({ version: 2 }), { unit: '3B' }, 1)).toThrow(StateConflictError);
    expect(() => plan(record({ version: 2 }), { unit: '3B' }, 1)).toThrow(/changed by someone else/);
    expect(plan(record({ version: 2 }), { unit: '3B' }, 2).version).toBe(3);
  });

  it('refuses a filed record, a fax being transcribed, and a record corrected as often as it may be (409)', () => {
    const filed = record({ status: 'closed', currentStep: 'filed' });
    expect(() => plan(filed, { unit: '3B' })).toThrow(/is filed: its record stays as it was filed/);
    expect(() => plan(record({ currentStep: 'transcribeFax' }), { unit: '3B' })).toThrow(
      /waiting to be transcribed/,
    );
    const full = CORRECTION_LIMITS.perComplaint;
    expect(() => plan(record({ version: full }), { unit: '3B' }, full)).toThrow(/corrected 20 times/);
  });

  it('refuses a correction that changes nothing, or leaves the owner with no contact (400, at the field)', () => {
    const fields = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        if (error instanceof ValidationError) return error.errors;
        throw error;
      }
      return [];
    };
    expect(
      fields(() => plan(record(), { ownerPhone: '+852 9123 4567', building: '海濱花園第三座' })),
    ).toEqual([{ field: 'changes', message: 'Nothing to correct: every value given is as recorded' }]);
    expect(fields(() => plan(record(), { ownerPhone: null }))).toEqual([
      {
        field: 'changes.ownerPhone',
        message: 'Give a phone number or an email address so the owner can be contacted',
      },
    ]);
    // An email given in the same correction keeps the owner reachable.
    expect(plan(record(), { ownerPhone: null, ownerEmail: 'chan@example.com' }).owner).toEqual({
      name: '陳大文',
      email: 'chan@example.com',
      language: 'zh-Hant',
    });
    expect(fields(() => plan(record(), { secondContactName: '陳太' }))).toEqual([
      {
        field: 'changes.secondContactPhone',
        message: 'Give the second contact’s phone number or email address',
      },
    ]);
  });

  it('signs one audit line per changed field, with the reason and the correction it belongs to', () => {
    const planned = plan(record(), { ownerPhone: '+852 6000 1111', unit: '12樓B室' });
    const actor = { by: 'reception.kowloon-east', role: 'reception', at: '2026-12-07T04:00:00.000Z' };
    const events = correctionEvents('KE-2612-0001', planned, { id: 'c1', reason: '業主來電更正' }, actor);
    expect(events).toEqual([
      {
        ref: 'KE-2612-0001',
        at: actor.at,
        actor: 'reception.kowloon-east',
        role: 'reception',
        action: 'record-corrected',
        details: {
          field: 'ownerPhone',
          from: '+852 9123 4567',
          to: '+852 6000 1111',
          reason: '業主來電更正',
          correction: 'c1',
          version: 1,
        },
      },
      expect.objectContaining({
        details: expect.objectContaining({ field: 'unit', from: null, to: '12樓B室' }),
      }),
    ]);
    // The lines of a correction that never applied are not on the timeline.
    const lost = correctionEvents('KE-2612-0001', planned, { id: 'c2', reason: '另一更正' }, actor);
    const note = { action: 'note-added', details: { note: '已致電' } };
    expect(withoutUnappliedCorrections([...events, ...lost, note], { correctionIds: ['c1'] })).toEqual([
      ...events,
      note,
    ]);
  });
});

describe('the web form and the API agree', () => {
  const recorded = {
    ownerName: '陳大文',
    ownerPhone: '+852 9123 4567',
    ownerEmail: '',
    secondContactName: '',
    secondContactPhone: '',
    secondContactEmail: '',
    building: '海濱花園第三座',
    unit: '',
    category: '',
    content: '浴室天花板漏水',
  };

  it('finds at the field what the API would refuse, before anything is sent', () => {
    expect(validateCorrection(recorded, recorded, '更正')).toEqual({ changes: 'correct.error.nothing' });
    expect(validateCorrection({ ...recorded, ownerPhone: '12' }, recorded, '')).toEqual({
      'changes.ownerPhone': 'error.phone',
      reason: 'error.required',
    });
    expect(validateCorrection({ ...recorded, ownerPhone: '' }, recorded, '更正')).toEqual({
      'changes.ownerPhone': 'error.contact',
    });
    expect(validateCorrection({ ...recorded, secondContactName: '陳太' }, recorded, '更正')).toEqual({
      'changes.secondContactPhone': 'correct.error.secondContact',
    });
    expect(validateCorrection({ ...recorded, unit: '室'.repeat(51) }, recorded, '更正')).toEqual({
      'changes.unit': 'error.tooLong',
    });
    // The email is compared as stored, in lower case: a change of case is no change.
    const withEmail = { ...recorded, ownerEmail: 'chan@example.com' };
    expect(changedFields({ ...withEmail, ownerEmail: 'Chan@Example.com' }, withEmail)).toEqual([]);
    expect(validateCorrection({ ...recorded, unit: '12樓B室' }, recorded, '業主電郵寫明')).toEqual({});
  });

  it('shows the API’s own messages as the app’s, by field', () => {
    const messages = (changes: Record<string, unknown>) =>
      fromServer(problems(body(changes)).concat(planProblems(changes)));
    expect(messages({ ownerPhone: '12' })).toEqual({ 'changes.ownerPhone': 'error.phone' });
    expect(messages({ ownerEmail: 'x' })).toEqual({ 'changes.ownerEmail': 'error.email' });
    expect(messages({ category: 'plumbing' })).toEqual({ 'changes.category': 'error.choose' });
    expect(messages({ unit: '室'.repeat(51) })).toEqual({ 'changes.unit': 'error.tooLong' });
    expect(messages({ ownerPhone: null })).toEqual({ 'changes.ownerPhone': 'error.contact' });
    expect(messages({ secondContactName: '陳太' })).toEqual({
      'changes.secondContactPhone': 'correct.error.secondContact',
    });
    expect(messages({ building: '海濱花園第三座' })).toEqual({ changes: 'correct.error.nothing' });
  });

  it('keeps the largest correction line (the content, 20,000 characters before and after) within one item', () => {
    const long = record({ content: '滲'.repeat(FIELD_LIMITS.content) });
    const planned = planCorrection(
      long,
      CorrectionInput.parse({
        version: 0,
        reason: '因'.repeat(CORRECTION_LIMITS.reason),
        changes: { content: '漏'.repeat(FIELD_LIMITS.content) },
      }),
    );
    const actor = { by: 'x'.repeat(128), role: 'customer-service', at: '2026-12-07T04:00:00.000Z' };
    const [line] = correctionEvents(
      long.ref,
      planned,
      { id: randomUUID(), reason: '因'.repeat(1000) },
      actor,
    );
    const item = {
      PK: `C#${long.ref}`,
      SK: `EVENT#${actor.at}#correction.${'0'.repeat(40)}`,
      type: 'event',
      ...line,
    };
    expect(itemBytes(item)).toBeLessThan(MAX_ITEM_BYTES / 2);
  });
});

/** What planning a parsed correction of the test record would refuse, as field errors. */
function planProblems(changes: Record<string, unknown>): { field: string; message: string }[] {
  const parsed = CorrectionInput.safeParse(body(changes));
  if (!parsed.success) return [];
  try {
    planCorrection(record(), parsed.data);
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
}
