/**
 * The reference number in a subject: `[KE-2611-0042]` as our emails write it, also with
 * full-width brackets (［］, 【】) that Chinese input methods produce. Email intake threads a
 * message by it; the email staff write to the owner is given one (domain/owner-subject.ts).
 */
export function refInSubject(subject: string | undefined): string | undefined {
  const match = /[[［【]\s*([A-Z]{1,6}-\d{4}-\d{4,6})\s*[\]］】]/.exec(subject ?? '');
  return match?.[1];
}
