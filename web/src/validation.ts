import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '#config/attachments.ts';
import { EMAIL_PATTERN, FIELD_LIMITS, PHONE_PATTERN } from '#domain/fields.ts';
import type { MessageKey } from './messages/zh-Hant.ts';

/**
 * Checks done in the browser, field by field, with the app's own (translated) messages, so
 * staff see a problem at the field before anything is sent. The API checks again; its 400
 * answers name the field and say the problem in English, which `fromServer` maps to the same
 * messages.
 */
export type FieldErrors = Record<string, MessageKey>;

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
