/**
 * What the complaint record and the mail log keep of a received message. Its own module so that
 * the complaint record (domain/complaint.ts) can name these without importing intake.ts, which
 * itself builds a NewComplaintInput.
 */

/** What became of a received message (the mail log's `outcome`). */
export const MAIL_OUTCOMES = [
  'complaint-opened',
  'threaded',
  'auto-reply',
  'bounce',
  'bulk',
  'own-address',
  'duplicate',
  'held',
  'quarantined',
  'releasing',
  'released',
] as const;
export type MailOutcome = (typeof MAIL_OUTCOMES)[number];

/** An attachment as the record and correspondence describe it; the bytes are in S3. */
export interface AttachmentMeta {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly inline: boolean;
  /** Executables and macro documents: kept as evidence, never to be opened. */
  readonly executable: boolean;
  readonly bucket?: string;
  readonly key?: string;
  /** Why it was not stored (the raw message still has it). */
  readonly notStored?: 'too-many' | 'too-large' | 'virus-verdict' | 'automatic-message';
}

/** What the complaint record keeps of the email that opened it. */
export interface IncomingEmailSummary {
  readonly sesMessageId: string;
  readonly messageId?: string;
  readonly subject: string;
  readonly from?: string;
  readonly rawMessage: { readonly bucket: string; readonly key: string };
  /** The number a fax gateway gave as the sender's. */
  readonly faxNumber?: string;
  /** A closed complaint this message answered (a new one was opened for it). */
  readonly relatedRef?: string;
  /** Released by staff from the mail log (held or quarantined before). */
  readonly releasedFrom?: MailOutcome;
}
