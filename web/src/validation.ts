import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '#config/attachments.ts';
import {
  CALL_LIMITS,
  CORRECTION_LIMITS,
  type CorrectableField,
  EMAIL_PATTERN,
  FIELD_LIMITS,
  NOTE_LIMITS,
  PHONE_PATTERN,
} from '#domain/fields.ts';
import type { MessageKey } from './messages/zh-Hant.ts';

/**
 * Checks done in the browser, field by field, with the app's own (translated) messages, so
 * staff see a problem at the field before anything is sent. The API checks again; its 400
 * answers name the field and say the problem in English, which `fromServer` maps to the same
 * messages.
 */
export type FieldErrors = Record<string, MessageKey>;

/**
 * The problems a form still shows once a field was changed: those the browser found are
 * checked again (`recheck`: the form's check of its new values), so each goes as soon as its
 * field is fixed — or turns into the field's new problem, or goes with a fix elsewhere (an email
 * given clears "give a phone or an email" at the phone); one the API found, which the browser
 * cannot check, goes when its own field is edited. Nothing new appears before the next submit.
 */
export function errorsAfterEdit(
  shown: FieldErrors,
  edited: readonly string[],
  recheck: FieldErrors | undefined,
  fromApi: ReadonlySet<string>,
): FieldErrors {
  const still: FieldErrors = {};
  for (const [field, problem] of Object.entries(shown)) {
    if (recheck && !fromApi.has(field)) {
      const now = recheck[field];
      if (now) still[field] = now;
    } else if (!edited.includes(field)) still[field] = problem;
  }
  return still;
}

export interface ComplaintDraft {
  channel: string;
  area: string;
  ownerName: string;
  phone: string;
  email: string;
  language: string;
  building: string;
  unit: string;
  category: string;
  content: string;
  keyPointsNoted: boolean;
  requestClarified: boolean;
  apologyGiven: boolean;
  explanationGiven: boolean;
  attachments: { key: string; name: string; contentType: string; size: number }[];
  /** The estate register's unit picked (New complaint's unit pickers), sent as `registerUnit`. */
  registerUnit?: { id: string; label: string } | undefined;
  /**
   * Names this draft's submission: sending it again (a retry after an error, or a second click)
   * gives back the complaint it already opened instead of a second one. One per draft.
   */
  submissionId: string;
}

export function validateComplaint(draft: ComplaintDraft): FieldErrors {
  const errors: FieldErrors = {};
  if (!draft.channel) errors.channel = 'error.choose';
  if (!draft.area) errors.area = 'error.choose';
  if (!draft.ownerName.trim()) errors['owner.name'] = 'error.required';
  else if (draft.ownerName.trim().length > FIELD_LIMITS.ownerName) errors['owner.name'] = 'error.tooLong';
  const phone = draft.phone.trim();
  const email = draft.email.trim();
  if (phone && !PHONE_PATTERN.test(phone)) errors['owner.phone'] = 'error.phone';
  if (email && !EMAIL_PATTERN.test(email)) errors['owner.email'] = 'error.email';
  else if (email.length > FIELD_LIMITS.email) errors['owner.email'] = 'error.tooLong';
  if (!phone && !email) errors['owner.phone'] = 'error.contact';
  if (!draft.content.trim()) errors.content = 'error.required';
  else if (draft.content.length > FIELD_LIMITS.content) errors.content = 'error.tooLong';
  if (draft.building.length > FIELD_LIMITS.building) errors.building = 'error.tooLong';
  if (draft.unit.length > FIELD_LIMITS.unit) errors.unit = 'error.tooLong';
  if (draft.attachments.length > MAX_ATTACHMENTS) errors.attachments = 'error.tooMany';
  return errors;
}

/**
 * The fields the *Edit record* form types: all but the register unit, which is picked from the
 * register (the complaint page's unit suggestions) rather than typed.
 */
export type TypedField = Exclude<CorrectableField, 'registerUnit'>;

/** A correction of the record as the *Edit record* form holds it: every field as text ("" empty). */
export type CorrectionValues = Record<TypedField, string>;

/** Longest value of each field of the *Edit record* form (the API's limits, domain/fields.ts). */
const CORRECTION_MAX: Record<TypedField, number> = {
  ownerName: FIELD_LIMITS.ownerName,
  ownerPhone: 20,
  ownerEmail: FIELD_LIMITS.email,
  secondContactName: CORRECTION_LIMITS.secondContactName,
  secondContactPhone: 20,
  secondContactEmail: FIELD_LIMITS.email,
  building: FIELD_LIMITS.building,
  unit: FIELD_LIMITS.unit,
  category: 100,
  content: FIELD_LIMITS.content,
};

/** The form's limit of a field (for `maxLength`). */
export const correctionMax = (field: TypedField) => CORRECTION_MAX[field];

/** The fields whose value differs from the record's (emails compared as stored, in lower case). */
export function changedFields(values: CorrectionValues, recorded: CorrectionValues): TypedField[] {
  const normal = (field: TypedField, value: string) =>
    field.endsWith('Email') ? value.trim().toLowerCase() : value.trim();
  return (Object.keys(values) as TypedField[]).filter(
    (field) => normal(field, values[field]) !== normal(field, recorded[field]),
  );
}

/**
 * The *Edit record* form's problems, by the API's field names (`changes.ownerPhone`, `reason`),
 * as the API would find them: what is empty that may not be, too long, not a phone or email, no
 * way left to reach the owner, or nothing changed.
 */
export function validateCorrection(
  values: CorrectionValues,
  recorded: CorrectionValues,
  reason: string,
): FieldErrors {
  const errors: FieldErrors = {};
  const changed = changedFields(values, recorded);
  if (!changed.length) return { changes: 'correct.error.nothing' };
  for (const field of changed) {
    const value = values[field].trim();
    const key = `changes.${field}`;
    if (value.length > CORRECTION_MAX[field]) errors[key] = 'error.tooLong';
    else if ((field === 'ownerName' || field === 'content' || field === 'category') && !value) {
      errors[key] = field === 'category' ? 'error.choose' : 'error.required';
    } else if (field.endsWith('Phone') && value && !PHONE_PATTERN.test(value)) errors[key] = 'error.phone';
    else if (field.endsWith('Email') && value && !EMAIL_PATTERN.test(value)) errors[key] = 'error.email';
  }
  if (!values.ownerPhone.trim() && !values.ownerEmail.trim()) {
    errors[changed.includes('ownerEmail') ? 'changes.ownerEmail' : 'changes.ownerPhone'] ??= 'error.contact';
  }
  if (
    values.secondContactName.trim() &&
    !values.secondContactPhone.trim() &&
    !values.secondContactEmail.trim()
  ) {
    errors['changes.secondContactPhone'] ??= 'correct.error.secondContact';
  }
  if (!reason.trim()) errors.reason = 'error.required';
  else if (reason.trim().length > CORRECTION_LIMITS.reason) errors.reason = 'error.tooLong';
  return errors;
}

/** An internal note's problem, if any. */
export function noteProblem(text: string): MessageKey | undefined {
  if (!text.trim()) return 'error.required';
  if (text.trim().length > NOTE_LIMITS.text) return 'error.tooLong';
  return undefined;
}

/** The problem with a file reception picked, if any. */
export function fileProblem(file: { type: string; size: number }): MessageKey | undefined {
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(file.type)) return 'error.fileType';
  if (file.size > MAX_ATTACHMENT_BYTES || file.size === 0) return 'error.fileSize';
  return undefined;
}

/** Required text fields of a decision form. */
export function requireText(values: Record<string, string>, fields: string[], errors: FieldErrors = {}) {
  for (const field of fields) if (!values[field]?.trim()) errors[field] = 'error.required';
  return errors;
}

/** `2026-12-01T10:00` (a datetime-local value, read as Hong Kong time) → ISO 8601 with +08:00. */
export function hkIso(local: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return undefined;
  const iso = `${local}:00+08:00`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/** How staff type a date and time, in every language and whatever the browser's locale. */
export const DATE_TIME_PATTERN = '\\d{1,2}/\\d{1,2}/\\d{4} \\d{1,2}:\\d{2}';

/**
 * `07/12/2026 18:30` (day/month/year, 24-hour, Hong Kong time) → ISO 8601 with +08:00, as the
 * API takes it; or why it is not one: not in that shape, or no such date or time (31/02).
 */
export function parseDayMonthYear(
  text: string,
): { iso: string } | { problem: 'error.datetimeFormat' | 'error.noSuchDate' } {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return { problem: 'error.datetimeFormat' };
  const [day, month, year, hour, minute] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  // Date.UTC rolls 31/02 over into March: a date exists only if it comes back unchanged.
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute));
  if (
    hour > 23 ||
    minute > 59 ||
    utc.getUTCFullYear() !== year ||
    utc.getUTCMonth() !== month - 1 ||
    utc.getUTCDate() !== day
  ) {
    return { problem: 'error.noSuchDate' };
  }
  const two = (n: number) => String(n).padStart(2, '0');
  return { iso: `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:00+08:00` };
}

/** How staff type a date, in every language and whatever the browser's locale. */
export const DATE_PATTERN = '\\d{1,2}/\\d{1,2}/\\d{4}';

/**
 * `07/12/2026` (day/month/year) → `2026-12-07`, as the API takes a calendar date; or why it is
 * not one: not in that shape, or no such day (31/02).
 */
export function parseDayMonthYearDate(
  text: string,
): { date: string } | { problem: 'error.dateFormat' | 'error.noSuchDate' } {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!match) return { problem: 'error.dateFormat' };
  const [day, month, year] = match.slice(1).map(Number) as [number, number, number];
  const utc = new Date(Date.UTC(year, month - 1, day));
  if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) {
    return { problem: 'error.noSuchDate' };
  }
  return { date: utc.toISOString().slice(0, 10) };
}

/** `2026-12-07` → `07/12/2026`, as staff read and type a date. */
export function dayMonthYearOf(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : date;
}

/** `11/2026` (month/year) → `2026-11`, or why it is not a month. */
export function parseMonthYear(text: string): { month: string } | { problem: 'error.monthFormat' } {
  const match = /^(\d{1,2})\/(\d{4})$/.exec(text.trim());
  const month = Number(match?.[1]);
  if (!match || month < 1 || month > 12) return { problem: 'error.monthFormat' };
  return { month: `${match[2]}-${String(month).padStart(2, '0')}` };
}

/** `2026-W48` (ISO week), or why it is not one. */
export function parseIsoWeek(text: string): { week: string } | { problem: 'error.weekFormat' } {
  const match = /^(\d{4})-?[Ww](\d{1,2})$/.exec(text.trim());
  const week = Number(match?.[2]);
  if (!match || week < 1 || week > 53) return { problem: 'error.weekFormat' };
  return { week: `${match[1]}-W${String(week).padStart(2, '0')}` };
}

/** An ISO instant as staff type it: `dd/mm/yyyy HH:mm` in Hong Kong time. */
export function dayMonthYear(at: Date): string {
  const [date, time] = hkLocal(at).split('T') as [string, string];
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year} ${time}`;
}

/** ISO instant → a datetime-local value in Hong Kong time. */
export function hkLocal(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16);
}

const SERVER_PROBLEMS: [RegExp, MessageKey][] = [
  // The call log (lambdas/domain/calls.ts), before the general patterns they would also match.
  [/^The call cannot be later than now/, 'error.callFuture'],
  [/^The call must be after the task opened/, 'error.callBeforeTask'],
  [/^Only a call that reached the owner/, 'error.decisionUnreached'],
  [/^A (call that reaches the owner|rating given on the phone)/, 'error.logCall'],
  [/^Nothing to correct/i, 'correct.error.nothing'],
  [/second contact’s phone/i, 'correct.error.secondContact'],
  [/phone number or an email/i, 'error.contact'],
  [/phone number/i, 'error.phone'],
  [/email address/i, 'error.email'],
  [/cannot be done in the future/i, 'error.notFuture'],
  [/in the future/i, 'error.future'],
  [/must come after/i, 'error.after'],
  [/as a date and time|new committed completion/i, 'error.datetime'],
  [/^Keep .* under|^Attach up to/i, 'error.tooLong'],
  [/^Attach (a scan|files)/i, 'error.fileType'],
  [/^Say why the work was done before/i, 'error.earlyNote'],
  [/^Choose|^Say whether/i, 'error.choose'],
  [/^(Write|Enter|Give)/i, 'error.required'],
];

/** The API's field errors as the app's messages, by field. */
export function fromServer(errors: { field: string; message: string }[]): FieldErrors {
  const mapped: FieldErrors = {};
  for (const { field, message } of errors) {
    mapped[field] ??= SERVER_PROBLEMS.find(([pattern]) => pattern.test(message))?.[1] ?? 'error.invalid';
  }
  return mapped;
}

/** A call to the owner as the call panel holds it (`POST /api/tasks/{id}/calls`). */
export interface CallDraft {
  readonly number: string;
  /** `dd/mm/yyyy HH:mm`, Hong Kong time. */
  readonly calledAt: string;
  readonly result: string;
  readonly notes: string;
  /** A reached call's decision fields, by their API names (`decision.rating`). */
  readonly decision: Record<string, string>;
}

/**
 * The call's problems at its fields, as the API would find them (lambdas/domain/calls.ts): a
 * number, a time that is neither later than now nor before the task opened, a result, notes
 * within their limit, and with a reached call the decision fields its step requires.
 */
export function validateCall(
  draft: CallDraft,
  task: { readonly createdAt?: string },
  requiredDecision: readonly string[],
  now = Date.now(),
): FieldErrors {
  const errors: FieldErrors = {};
  const number = draft.number.trim();
  if (!number) errors.number = 'error.required';
  else if (!PHONE_PATTERN.test(number)) errors.number = 'error.phone';
  const at = parseDayMonthYear(draft.calledAt);
  if (!('iso' in at)) errors.calledAt = at.problem;
  else if (Date.parse(at.iso) > now + CALL_LIMITS.clockSkewMinutes * 60_000)
    errors.calledAt = 'error.callFuture';
  else if (task.createdAt && Date.parse(at.iso) < Date.parse(task.createdAt) - 60_000) {
    errors.calledAt = 'error.callBeforeTask';
  }
  if (!draft.result) errors.result = 'error.choose';
  if (draft.notes.length > CALL_LIMITS.notes) errors.notes = 'error.tooLong';
  if (draft.result === 'reached') {
    for (const field of requiredDecision) {
      if (!draft.decision[field]?.trim()) {
        errors[field] = field === 'decision.clarifiedPurpose' ? 'error.required' : 'error.choose';
      }
    }
    for (const [field, value] of Object.entries(draft.decision)) {
      if (value.length > 5000) errors[field] = 'error.tooLong';
    }
  }
  return errors;
}
