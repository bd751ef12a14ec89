import * as z from 'zod';
import { CATEGORY_IDS } from '#config/catalogue.ts';
import { type AuditEvent, actorOf } from './audit.ts';
import type { ComplaintRecord, RegisterUnitRef, SecondContact, Signature } from './complaint.ts';
import { parseUnitId } from './directory/register.ts';
import { StateConflictError, ValidationError } from './errors.ts';
import {
  CLEARABLE_FIELDS,
  CORRECTABLE_FIELDS,
  CORRECTION_LIMITS,
  type CorrectableField,
  EMAIL_PATTERN,
  FIELD_LIMITS,
  NOTE_LIMITS,
  PHONE_PATTERN,
} from './fields.ts';
import { lazily } from './lazy.ts';
import { groupedDigits, textString } from './text.ts';

/**
 * Corrections of a complaint's record after intake, and internal notes: what staff send, the
 * rules a correction must keep, and the audit lines it leaves. A correction never overwrites a
 * value without a line saying what it was, what it became, who changed it and why.
 */

/** The audit action of one corrected field; of an internal note. */
export const CORRECTION_ACTION = 'record-corrected';
export const NOTE_ACTION = 'note-added';

const PHONE_MESSAGE = 'Enter a phone number of 7–20 digits, e.g. +852 2345 6789';
const EMAIL_MESSAGE = 'Enter an email address like name@example.com';
const OWNER_CONTACT_MESSAGE = 'Give a phone number or an email address so the owner can be contacted';
const SECOND_CONTACT_MESSAGE = 'Give the second contact’s phone number or email address';
const UNIT_ID_MESSAGE = 'Choose a unit of the register by its id, e.g. laguna-city.5.18-A';

const phone = lazily(() => z.string({ error: PHONE_MESSAGE }).trim().regex(PHONE_PATTERN, PHONE_MESSAGE));
const email = lazily(() =>
  z
    .string({ error: EMAIL_MESSAGE })
    .trim()
    .max(FIELD_LIMITS.email, `Keep the email address under ${FIELD_LIMITS.email} characters`)
    .regex(EMAIL_PATTERN, EMAIL_MESSAGE)
    .transform((address) => address.toLowerCase()),
);
const limitedText = (what: string, max: number) =>
  textString({ error: `Write the ${what} as text` })
    .trim()
    .max(max, `Keep the ${what} under ${groupedDigits(max)} characters`);

/** A field that may be emptied: `null` or an empty string clears it. */
function clearable<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) => (value === '' || (typeof value === 'string' && value.trim() === '') ? null : value),
    schema.nullable(),
  );
}

const CHANGE_SCHEMAS = lazily(
  () =>
    ({
      ownerName: limitedText('name', FIELD_LIMITS.ownerName).min(1, 'Enter the owner’s name'),
      ownerPhone: clearable(phone),
      ownerEmail: clearable(email),
      secondContactName: clearable(limitedText('name', CORRECTION_LIMITS.secondContactName)),
      secondContactPhone: clearable(phone),
      secondContactEmail: clearable(email),
      building: clearable(limitedText('building', FIELD_LIMITS.building)),
      unit: clearable(limitedText('unit', FIELD_LIMITS.unit)),
      category: z.enum(CATEGORY_IDS, { error: `Choose one of the categories: ${CATEGORY_IDS.join(', ')}` }),
      content: limitedText('content', FIELD_LIMITS.content).min(1, 'Write down the complaint’s key points'),
      registerUnit: clearable(
        z
          .string({ error: UNIT_ID_MESSAGE })
          .trim()
          .refine((id) => parseUnitId(id) !== undefined, UNIT_ID_MESSAGE),
      ),
    }) satisfies Record<CorrectableField, z.ZodType>,
);

/** `POST /api/complaints/{ref}/corrections`: the values to correct, the version they correct, and why. */
export const CorrectionInput = lazily(() =>
  z.object({
    version: z
      .number({ error: 'Give the version of the record you corrected (the complaint’s `version`)' })
      .int('Give the version of the record you corrected (the complaint’s `version`)')
      .min(0, 'Give the version of the record you corrected (the complaint’s `version`)'),
    reason: textString({ error: 'Write why the record is corrected' })
      .trim()
      .min(1, 'Write why the record is corrected')
      .max(
        CORRECTION_LIMITS.reason,
        `Keep the reason under ${groupedDigits(CORRECTION_LIMITS.reason)} characters`,
      ),
    changes: z
      .strictObject(
        Object.fromEntries(CORRECTABLE_FIELDS.map((field) => [field, CHANGE_SCHEMAS[field].optional()])) as {
          [F in CorrectableField]: z.ZodOptional<(typeof CHANGE_SCHEMAS)[F]>;
        },
        {
          error: (issue) =>
            issue.code === 'unrecognized_keys'
              ? `Correct only these fields: ${CORRECTABLE_FIELDS.join(', ')}`
              : 'Send the values to correct as an object, e.g. {"ownerPhone": "+852 2345 6789"}',
        },
      )
      .refine((changes) => Object.keys(changes).length > 0, {
        message: 'Give at least one value to correct',
        // Said only of an object that is otherwise right: an unknown field is its own problem.
        when: (payload) => payload.issues.length === 0,
      }),
  }),
);
export type CorrectionInput = z.infer<typeof CorrectionInput>;

/** `POST /api/complaints/{ref}/notes`: an internal note. */
export const NoteInput = lazily(() =>
  z.object({
    text: textString({ error: 'Write the note' })
      .trim()
      .min(1, 'Write the note')
      .max(NOTE_LIMITS.text, `Keep the note under ${groupedDigits(NOTE_LIMITS.text)} characters`),
  }),
);
export type NoteInput = z.infer<typeof NoteInput>;

/** The version a correction names: how many corrections the record has had. */
export function recordVersion(record: Pick<ComplaintRecord, 'version'>): number {
  return record.version ?? 0;
}

/** Each correctable field's value on a record (undefined: not recorded). */
export function correctableValues(record: ComplaintRecord): Record<CorrectableField, string | undefined> {
  const second = record.owner.secondContact;
  return {
    ownerName: record.owner.name,
    ownerPhone: record.owner.phone,
    ownerEmail: record.owner.email,
    secondContactName: second?.name,
    secondContactPhone: second?.phone,
    secondContactEmail: second?.email,
    building: record.building,
    unit: record.unit,
    category: record.category,
    content: record.content,
    registerUnit: record.registerUnit?.id,
  };
}

/** One field a correction changed: its old and new value (null: empty). */
export interface FieldChange {
  readonly field: CorrectableField;
  readonly from: string | null;
  readonly to: string | null;
}

/**
 * One attribute a correction writes, by its path in the record, with the value it must still
 * have for the write to apply (undefined: absent). A new value of undefined removes it. The owner's
 * second contact is written as one map, since it may not exist yet.
 */
export interface AttributeWrite {
  readonly path: readonly string[];
  readonly value: unknown;
  readonly expected: unknown;
  /**
   * For a map: the leaves compared (the second contact's name, phone and email by default; a
   * register unit by its id). None: written whatever it was (what follows from another write).
   */
  readonly expectedLeaves?: readonly string[];
}

export interface CorrectionPlan {
  readonly changes: readonly FieldChange[];
  readonly writes: readonly AttributeWrite[];
  /** The owner as corrected (for the owner-contact index key). */
  readonly owner: ComplaintRecord['owner'];
  readonly expectedVersion: number;
  readonly version: number;
}

const OWNER_PATHS: Partial<Record<CorrectableField, 'name' | 'phone' | 'email'>> = {
  ownerName: 'name',
  ownerPhone: 'phone',
  ownerEmail: 'email',
};
const SECOND_CONTACT_PATHS: Partial<Record<CorrectableField, keyof SecondContact>> = {
  secondContactName: 'name',
  secondContactPhone: 'phone',
  secondContactEmail: 'email',
};
const RECORD_PATHS: Partial<Record<CorrectableField, 'building' | 'unit' | 'category' | 'content'>> = {
  building: 'building',
  unit: 'unit',
  category: 'category',
  content: 'content',
};

/**
 * Why the record cannot be corrected now, whoever asks: a filed record is kept as filed; a fax
 * waiting for its transcription is filled in by it (the transcription writes the owner's details
 * and the content from what it read, and would undo a correction made while it is written).
 * The adapter's write checks the same conditions atomically.
 */
export function correctionStateProblem(
  record: Pick<ComplaintRecord, 'ref' | 'status' | 'currentStep' | 'version'>,
): string | undefined {
  if (record.status === 'closed' || record.currentStep === 'filed') {
    return `Complaint ${record.ref} is filed: its record stays as it was filed and is not corrected; add an internal note instead`;
  }
  if (record.currentStep === 'transcribeFax') {
    return `Complaint ${record.ref}'s fax is waiting to be transcribed, which fills in these fields: correct them after the transcription`;
  }
  if (recordVersion(record) >= CORRECTION_LIMITS.perComplaint) {
    return `Complaint ${record.ref} has been corrected ${CORRECTION_LIMITS.perComplaint} times, the most a record takes: add an internal note instead`;
  }
  return undefined;
}

/** The message of a correction that lost to another change of the record. */
export const CHANGED_MEANWHILE =
  'The record was changed by someone else since you opened it: reload it and make your correction again';

/**
 * What a correction changes on this record, checked: a StateConflictError when it corrects a
 * version the record is no longer at (someone else corrected it meanwhile) or the record is in
 * no state to be corrected; a ValidationError when nothing would change or the owner would be
 * left with no way to be reached.
 */
export function planCorrection(
  record: ComplaintRecord,
  input: CorrectionInput,
  resolved: {
    /** The register unit `changes.registerUnit` names, as the register has it (services/correct-record.ts). */
    readonly registerUnit?: RegisterUnitRef;
  } = {},
): CorrectionPlan {
  const problem = correctionStateProblem(record);
  if (problem) throw new StateConflictError(problem);
  const expectedVersion = recordVersion(record);
  if (input.version !== expectedVersion) throw new StateConflictError(CHANGED_MEANWHILE);

  const current = correctableValues(record);
  const requested = input.changes as Partial<Record<CorrectableField, string | null>>;
  const changes: FieldChange[] = [];
  for (const field of CORRECTABLE_FIELDS) {
    if (!(field in requested)) continue;
    const to = requested[field] ?? null;
    const from = current[field] ?? null;
    if (to === null && !CLEARABLE_FIELDS.includes(field)) continue; // the schema refuses it; kept safe
    if (to !== from) changes.push({ field, from, to });
  }
  if (!changes.length) {
    throw new ValidationError([
      { field: 'changes', message: 'Nothing to correct: every value given is as recorded' },
    ]);
  }

  const next = { ...current };
  for (const change of changes) next[change.field] = change.to ?? undefined;
  const errors: { field: string; message: string }[] = [];
  if (!next.ownerPhone && !next.ownerEmail) {
    const cleared = changes.find((c) => c.field === 'ownerEmail' && c.to === null)
      ? 'ownerEmail'
      : 'ownerPhone';
    errors.push({ field: `changes.${cleared}`, message: OWNER_CONTACT_MESSAGE });
  }
  if (next.secondContactName && !next.secondContactPhone && !next.secondContactEmail) {
    errors.push({ field: 'changes.secondContactPhone', message: SECOND_CONTACT_MESSAGE });
  }
  if (errors.length) throw new ValidationError(errors);

  const secondContact: SecondContact = {
    ...(next.secondContactName ? { name: next.secondContactName } : {}),
    ...(next.secondContactPhone ? { phone: next.secondContactPhone } : {}),
    ...(next.secondContactEmail ? { email: next.secondContactEmail } : {}),
  };
  const owner: ComplaintRecord['owner'] = {
    name: next.ownerName ?? record.owner.name,
    ...(next.ownerPhone ? { phone: next.ownerPhone } : {}),
    ...(next.ownerEmail ? { email: next.ownerEmail } : {}),
    language: record.owner.language,
    ...(Object.keys(secondContact).length ? { secondContact } : {}),
  };

  const writes: AttributeWrite[] = [];
  let secondContactChanged = false;
  for (const change of changes) {
    if (change.field === 'registerUnit') {
      const unit = change.to === null ? undefined : resolved.registerUnit;
      if (change.to !== null && unit?.id !== change.to) {
        throw new ValidationError([
          {
            field: 'changes.registerUnit',
            message: `No unit ${change.to} in the register of ${record.area}`,
          },
        ]);
      }
      writes.push({
        path: ['registerUnit'],
        value: unit,
        expected: record.registerUnit,
        expectedLeaves: ['id'],
      });
      if (unit) {
        // The unit is known now: reception's flag and intake's candidates have done their part.
        writes.push({ path: ['unitUnknown'], value: undefined, expected: undefined, expectedLeaves: [] });
        writes.push({ path: ['unitCandidates'], value: undefined, expected: undefined, expectedLeaves: [] });
      }
      continue;
    }
    const ownerPath = OWNER_PATHS[change.field];
    const recordPath = RECORD_PATHS[change.field];
    const value = change.to ?? undefined;
    const expected = change.from ?? undefined;
    if (ownerPath) writes.push({ path: ['owner', ownerPath], value, expected });
    else if (recordPath) writes.push({ path: [recordPath], value, expected });
    else if (SECOND_CONTACT_PATHS[change.field]) secondContactChanged = true;
  }
  if (secondContactChanged) {
    writes.push({
      path: ['owner', 'secondContact'],
      value: owner.secondContact,
      expected: record.owner.secondContact,
    });
  }
  return { changes, writes, owner, expectedVersion, version: expectedVersion + 1 };
}

/** The audit lines of a correction: one per changed field, each with the reason. */
export function correctionEvents(
  ref: string,
  plan: CorrectionPlan,
  correction: { readonly id: string; readonly reason: string },
  actor: Signature,
): AuditEvent[] {
  return plan.changes.map((change) => ({
    ref,
    at: actor.at,
    ...actorOf(actor),
    action: CORRECTION_ACTION,
    details: {
      field: change.field,
      from: change.from,
      to: change.to,
      reason: correction.reason,
      correction: correction.id,
      version: plan.version,
    },
  }));
}

/**
 * The audit trail without the lines of corrections that never applied: a correction writes its
 * lines first and then changes the record on condition that nobody else did meanwhile, so the
 * lines of one that lost (or whose writer stopped between the two) stand for no change.
 */
export function withoutUnappliedCorrections<E extends Pick<AuditEvent, 'action' | 'details'>>(
  events: readonly E[],
  record: Pick<ComplaintRecord, 'correctionIds'>,
): E[] {
  const applied = new Set(record.correctionIds ?? []);
  return events.filter(
    (event) => event.action !== CORRECTION_ACTION || applied.has(String(event.details?.correction)),
  );
}
