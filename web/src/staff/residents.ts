import { DIRECTORY_LIMITS, EMAIL_PATTERN, FIELD_LIMITS, PHONE_PATTERN } from '#domain/fields.ts';
import type { FieldErrors } from '../validation.ts';

/** The contacts a resident has, by the API's field names (lambdas/domain/directory/register.ts ResidentInput). */
export const CONTACTS = ['phones', 'emails', 'faxes'] as const;
export type ContactField = (typeof CONTACTS)[number];

/** A resident as the form holds them; `key` tells the rows apart while they are added and removed. */
export interface DraftResident {
  key: string;
  id?: string;
  name: string;
  role: 'owner' | 'tenant';
  phones: string[];
  emails: string[];
  faxes: string[];
  language: string;
}

/**
 * The form's problems by the API's own field names (`residents.0.emails.1`), as the API would
 * find them: a name, phones and faxes of 7–20 digits, emails like name@example.com (an empty
 * field added is neither).
 */
export function validateResidents(residents: readonly DraftResident[]): FieldErrors {
  const errors: FieldErrors = {};
  residents.forEach((r, i) => {
    const name = r.name.trim();
    if (!name) errors[`residents.${i}.name`] = 'error.required';
    else if ([...name].length > DIRECTORY_LIMITS.residentName)
      errors[`residents.${i}.name`] = 'error.tooLong';
    for (const field of CONTACTS) {
      r[field].forEach((raw, j) => {
        const value = raw.trim();
        const key = `residents.${i}.${field}.${j}`;
        // An empty one is no phone or email to the API either: the same message as its 400.
        if (field === 'emails') {
          if (value.length > FIELD_LIMITS.email) errors[key] = 'error.tooLong';
          else if (!EMAIL_PATTERN.test(value)) errors[key] = 'error.email';
        } else if (!PHONE_PATTERN.test(value)) errors[key] = 'error.phone';
      });
    }
  });
  return errors;
}
