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
