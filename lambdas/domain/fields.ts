import { MAX_CALL_ATTEMPTS } from '#config/workflow.ts';

/**
 * Limits and patterns of the fields staff fill in for a complaint: the API's schemas
 * (domain/complaint.ts) enforce them, and the web app checks them at the field before sending.
 * Kept apart from the zod schemas so the web bundle reads these few values without zod.
 */

/** Longest value of each text field, in characters. */
export const FIELD_LIMITS = {
  ownerName: 100,
  /** RFC 5321's longest forward path. */
  email: 254,
  content: 20_000,
  building: 100,
  unit: 50,
} as const;

/** A phone number as people write it: 7–20 digits, spaces, brackets and dashes, an optional leading +. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 ()-]{6,19}$/;

/**
 * An email address the API accepts: zod's default for `z.email()` (its "practical" pattern),
 * written out here so the web app checks the same thing.
 */
export const EMAIL_PATTERN =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/**
 * The record's fields staff may correct after intake (`POST /api/complaints/{ref}/corrections`),
 * by the names the API, the audit lines and the web form use. The owner's second contact is
 * someone else to reach them by (a family member, a tenant, an office line).
 */
export const CORRECTABLE_FIELDS = [
  'ownerName',
  'ownerPhone',
  'ownerEmail',
  'secondContactName',
  'secondContactPhone',
  'secondContactEmail',
  'building',
  'unit',
  'category',
  'content',
  /** The estate register's unit (its id): set by picking a unit, which clears `unitUnknown`. */
  'registerUnit',
] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

/** Fields a correction may empty (send `null` or ""): the rest always have a value. */
export const CLEARABLE_FIELDS: readonly CorrectableField[] = [
  'ownerPhone',
  'ownerEmail',
  'secondContactName',
  'secondContactPhone',
  'secondContactEmail',
  'building',
  'unit',
  'registerUnit',
];

/** Limits of corrections and internal notes, in characters and counts. */
export const CORRECTION_LIMITS = {
  /** Why a record is corrected: said in a sentence or two. */
  reason: 1000,
  secondContactName: FIELD_LIMITS.ownerName,
  /**
   * Corrections of one complaint. Each keeps the old and new value of every field it changed
   * (the content up to 20,000 characters twice), and the complaint page shows them all: 20
   * keep that page well under what one API answer may carry (6 MB).
   */
  perComplaint: 20,
} as const;

/** Ending a complaint early (withdrawn, referred: domain/ending.ts). */
export const ENDING_LIMITS = {
  /** What the owner said, or why the matter is not the company's. */
  reason: 1000,
  /** To whom a matter is referred: 水務署, the owners' corporation, the police. */
  referredTo: 200,
} as const;

/** Pausing a step's clock (domain/pause.ts). */
export const PAUSE_LIMITS = {
  note: 500,
  /** The longest pause, in calendar days: one "until an event" resumes by itself then. */
  maxDays: 60,
} as const;

export const PROGRESS_LIMITS = {
  /** The department's one-line update for the owner's progress notice. */
  update: 300,
  /** Why the supervisor turns a complaint's progress notices off. */
  reason: 500,
  /** Updates kept on the record (the newest; the timeline has every one). */
  kept: 20,
} as const;

export const NOTE_LIMITS = {
  /** One internal note. */
  text: 2000,
  /** Notes on one complaint, all shown on its timeline. */
  perComplaint: 100,
} as const;

/**
 * Writing to the owner from the app (`POST /api/complaints/{ref}/messages`): the subject staff
 * type (our `[ref]` is put in front of it when it lacks one, so the owner's reply threads back
 * even from a client that drops In-Reply-To) and the words of the message, the bilingual frame
 * of greeting, office and reference added around them.
 */
export const OWNER_MESSAGE_LIMITS = {
  subject: 200,
  text: 5_000,
} as const;

/**
 * The call log (`POST /api/tasks/{id}/calls`): what was said on one call, and the calls one task
 * takes (its attempts are numbered on the task, and each is a line of the complaint's timeline
 * and Form 17's contact record). The number dialled is a phone number as PHONE_PATTERN reads it.
 */
export const CALL_LIMITS = {
  notes: 2000,
  perTask: MAX_CALL_ATTEMPTS,
  /** How far ahead of the server's clock a call's time may be: a PC's clock a little fast. */
  clockSkewMinutes: 5,
} as const;

/**
 * Limits of the estate register (lambdas/domain/directory/register.ts): each text field's
 * longest value in characters, and how many of a thing one item holds, so that an estate with
 * every building and organisation, and a unit with every resident and contact, stay far under
 * DynamoDB's 400 KB (test/unit/directory-register.test.ts measures both at every limit).
 */
export const DIRECTORY_LIMITS = {
  /** An estate's id, chosen by staff: lower-case letters, digits and dashes (`laguna-city`). */
  estateId: 40,
  estateName: 100,
  address: 300,
  /** A building's code within its estate: `5`, `B`, `3-2`, `KS`. */
  buildingCode: 16,
  buildingName: 100,
  buildingsPerEstate: 300,
  organisationsPerEstate: 10,
  organisationName: 200,
  /** How staff write a unit when the generated one does not fit (`7樓之2`, `Shop 3`). */
  unitLabel: 50,
  residentsPerUnit: 20,
  residentName: 100,
  phonesPerResident: 5,
  emailsPerResident: 5,
  faxesPerResident: 3,
  /** A search box's query. */
  query: 100,
} as const;

/** An estate id: what the register's URLs and unit ids carry. */
export const ESTATE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,39}$/;
/** A building code: letters and digits, an entrance after a dash (`3-2`). Upper case. */
export const BUILDING_CODE_PATTERN = /^[A-Z0-9]{1,10}(?:-[A-Z0-9]{1,5})?$/;
/** A flat, canonical: letters and digits (`A`, `12`, `A1`). */
export const FLAT_PATTERN = /^[A-Z0-9]{1,4}$/;
