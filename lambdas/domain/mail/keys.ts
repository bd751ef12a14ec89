/**
 * Keys of the items email intake adds to the single table (config/table.ts):
 * - message link   PK=MSGID#<Message-ID, lower case>  SK=MSGID: which complaint a message we
 *   sent (`ses-sent:<SES message id>`) or received belongs to (threading), and, for received
 *   ones, which delivery claimed it (duplicates). Messages without a Message-ID are claimed as
 *   `ses:<SES message id>`.
 * - mail log       PK=MAILLOG#<day>  SK=MSG#<SES message id> (lambdas/domain/keys.ts): every
 *   message received and its outcome. Held and quarantined ones carry GSI1 keys
 *   (`MAILREVIEW#<status>#<area>`, received time) while they wait for staff, like open tasks.
 * - limit counter  PK=FLOOD#<mailbox> | ACKS#<mailbox> | REPLIES#<ref>  SK=HOUR#<yyyy-mm-ddThh> |
 *   TOTAL: how many new complaints a sender opened, acknowledgements an address was sent,
 *   replies a complaint took, in an hour or in all, with the ids counted (domain/mail/limits.ts).
 */
export const messageLinkKey = (messageId: string) => ({
  PK: `MSGID#${messageId.toLowerCase()}`,
  SK: 'MSGID',
});

/**
 * SES replaces the Message-ID of what we send with `<SES message id>@<region>.amazonses.com`
 * (or `@email.amazonses.com`), so a message we sent is linked by its SES message id, and a
 * Message-ID of that form is looked up the same way. Our own Message-IDs carry the reference
 * itself (`<ref>.<uuid>@<our domain>`) where they survive (the local SES keeps them).
 */
export const SENT_LINK_PREFIX = 'ses-sent:';

export function linkIdFor(messageId: string): string {
  const ses = /^([^@]+)@(?:[a-z0-9-]+\.)*amazonses\.com$/i.exec(messageId);
  return ses?.[1] ? `${SENT_LINK_PREFIX}${ses[1]}` : messageId;
}

export const mailReviewPk = (status: string, area: string) => `MAILREVIEW#${status}#${area}`;
export const mailReviewSk = (receivedAt: string, sesMessageId: string) => `${receivedAt}#${sesMessageId}`;

/** What a limit counts (domain/mail/limits.ts): new complaints, acknowledgements, replies. */
export type LimitScope = 'FLOOD' | 'ACKS' | 'REPLIES';

/** A limit's counter for one sender, address or complaint: an hour's window, or the total. */
export const limitCounterKey = (scope: LimitScope, subject: string, window: { hour: string } | 'total') => ({
  PK: `${scope}#${subject}`,
  SK: window === 'total' ? 'TOTAL' : `HOUR#${window.hour}`,
});
