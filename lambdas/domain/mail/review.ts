/**
 * Staff review of mail that did not become a complaint by itself: held (a flood from one
 * sender, too many replies to one complaint, our own staff's address, no address to answer),
 * quarantined (spam or virus verdict, unreadable), or taken for an automatic message. Who reviews which area's mail: domain/access.ts mayReviewMail.
 */

/** Fields of a mail-log line the list shows (the message itself is behind GET /api/mail/{id}). */
export const MAIL_SUMMARY_FIELDS = [
  'id',
  'receivedAt',
  'area',
  /** The area of the address it was sent to, when the sender's unit put it in another. */
  'sentToArea',
  'outcome',
  'reason',
  'ref',
  'releasedRef',
  'from',
  'fromName',
  'subject',
  'attachments',
  'verdicts',
  'releasedBy',
  'releasedAt',
] as const;

export function mailSummary(item: Record<string, unknown>, snippetChars = 200): Record<string, unknown> {
  const summary: Record<string, unknown> = {};
  for (const field of MAIL_SUMMARY_FIELDS) if (item[field] !== undefined) summary[field] = item[field];
  if (typeof item.text === 'string' && item.text)
    summary.snippet = [...item.text].slice(0, snippetChars).join('');
  return summary;
}
