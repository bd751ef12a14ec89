import type { NewComplaintInput } from '#domain/complaint.ts';
import type { Classification } from './classify.ts';
import {
  capText,
  faxNumberIn,
  isBlank,
  isExecutable,
  isFaxDocument,
  languageOf,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  MAX_SUBJECT_CHARS,
  oneLine,
  ownerOf,
  refInOurMessageId,
  refInSubject,
  safeFileName,
  sanitiseHtml,
} from './content.ts';
import { type IntakeSettings, isFaxGateway } from './intake-options.ts';
import type { ParsedAttachment, ParsedMessage } from './message.ts';
import type { AttachmentMeta, MailOutcome } from './received-mail.ts';

/**
 * What intake makes of a parsed message: the complaint it opens, the complaint it belongs to,
 * and what the mail log and the correspondence keep of it. Pure: the service does the I/O.
 */

/** Outcomes staff review: held (flood, no usable sender) and quarantined (spam, virus, unreadable). */
export const REVIEW_STATUSES = ['held', 'quarantined'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** Outcomes staff may turn into a complaint: a person may have written these after all. */
export const RELEASABLE: readonly MailOutcome[] = ['held', 'quarantined', 'auto-reply', 'bulk'];

/** Where email attachments go in the attachments bucket (uploads from the web app are under `uploads/`). */
export const MAIL_ATTACHMENT_PREFIX = 'mail/';

/**
 * Attachments listed on the record and the correspondence, stored or not: the list shares a
 * DynamoDB item (400 KB) with the message's text and HTML, and a message may have 1,000 parts.
 * The raw message keeps the rest.
 */
export const MAX_ATTACHMENTS_LISTED = 50;

/** A message's attachments, in order, with where each is stored (or why not); the first 50. */
export function planAttachments(
  attachments: readonly ParsedAttachment[],
  options: { sesMessageId: string; bucket: string; withhold?: AttachmentMeta['notStored'] },
): { meta: AttachmentMeta; content?: ParsedAttachment }[] {
  return attachments.slice(0, MAX_ATTACHMENTS_LISTED).map((attachment, index) => {
    const filename = safeFileName(attachment.filename, index, attachment.contentType);
    const base = {
      filename,
      contentType: attachment.contentType,
      size: attachment.size,
      inline: attachment.inline,
      executable: isExecutable(attachment),
    };
    const notStored: AttachmentMeta['notStored'] =
      options.withhold ??
      (index >= MAX_ATTACHMENTS
        ? 'too-many'
        : attachment.size > MAX_ATTACHMENT_BYTES
          ? 'too-large'
          : undefined);
    if (notStored) return { meta: { ...base, notStored } };
    const key = `${MAIL_ATTACHMENT_PREFIX}${options.sesMessageId}/${String(index + 1).padStart(2, '0')}-${filename}`;
    return { meta: { ...base, bucket: options.bucket, key }, content: attachment };
  });
}

/** What the mail log and the correspondence show of a message. */
export interface MessageView {
  readonly from?: string;
  readonly fromName?: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly messageId?: string;
  readonly text: string;
  readonly textTruncated: boolean;
  readonly html?: string;
  readonly htmlOmitted?: 'too-large';
  readonly repaired?: 'boundary';
}

export function viewOf(m: ParsedMessage): MessageView {
  const text = capText(m.text);
  const html = sanitiseHtml(m.html);
  return {
    ...(m.from ? { from: m.from.address.toLowerCase(), fromName: oneLine(m.from.name, 100) } : {}),
    to: [...m.to, ...m.cc].map((a) => a.address.toLowerCase()).slice(0, 20),
    subject: oneLine(m.subject, MAX_SUBJECT_CHARS),
    ...(m.messageId ? { messageId: m.messageId } : {}),
    text: text.text,
    textTruncated: text.truncated,
    ...(html.html ? { html: html.html } : {}),
    ...(html.omitted ? { htmlOmitted: html.omitted } : {}),
    ...(m.repaired ? { repaired: m.repaired } : {}),
  };
}

export interface ComplaintFromMessage {
  readonly input: NewComplaintInput;
  readonly unclear: boolean;
  readonly needsTranscription: boolean;
  /** The number a fax gateway says the fax came from, when it says. */
  readonly faxNumber?: string;
}

/**
 * The complaint a new message opens. Channel `fax` when a fax gateway sent it, or when it is
 * only PDF/TIFF pages with no text; a fax whose words are only in its pages needs reception to
 * transcribe it. The content is the subject and the text; a message with neither is opened
 * for clarification. A gateway's fax has no owner address: reception finds the owner from the
 * pages, and the workflow acknowledges by phone.
 */
export function complaintFromMessage(
  m: ParsedMessage,
  options: { settings: IntakeSettings; area: string },
): ComplaintFromMessage {
  const fromGateway = isFaxGateway(options.settings, m.from?.address);
  const documents = m.attachments.filter((a) => !a.inline);
  const onlyFaxPages = documents.length > 0 && documents.every(isFaxDocument);
  const text = capText(m.text).text;
  const subject = oneLine(m.subject, MAX_SUBJECT_CHARS);
  const blank = isBlank(text);
  const pages = documents.filter(isFaxDocument).length;
  const isFax = fromGateway || (onlyFaxPages && blank);
  // A gateway's body is its cover note: the owner's words are on the pages.
  const needsTranscription = isFax && (blank || (fromGateway && pages > 0));
  const faxNumber = fromGateway ? faxNumberIn(subject, m.from?.name, text) : undefined;
  const owner = fromGateway ? undefined : ownerOf(m, options.settings.intakeAddresses);

  const parts = [
    subject,
    needsTranscription
      ? `【傳真待謄寫 Fax to transcribe】${pages} 個附件 attachment(s)${faxNumber ? `；來自 from ${faxNumber}` : ''}`
      : '',
    blank ? '' : text,
  ].filter(Boolean);
  const content = capText(
    parts.length ? parts.join('\n\n') : '（電郵沒有內容 The email had no subject or text）',
  ).text;
  return {
    input: {
      channel: isFax ? 'fax' : 'email',
      area: options.area,
      owner: owner
        ? { name: owner.name, email: owner.address, language: languageOf(m, `${subject}\n${text}`) }
        : ({
            name: `傳真 Fax${faxNumber ? ` ${faxNumber}` : ''}`,
            language: languageOf(m, `${subject}\n${text}`),
          } as NewComplaintInput['owner']),
      content,
    },
    unclear: !isFax && parts.length === 0,
    needsTranscription,
    ...(faxNumber ? { faxNumber } : {}),
  };
}

/** Where a message may belong: the reference in its subject, and the Message-IDs it answers. */
export interface ThreadHints {
  readonly subjectRef?: string;
  /** In-Reply-To first, then References newest first; at most 10. */
  readonly messageIds: readonly string[];
  /** References found in our own Message-IDs among them (`<ref>.<uuid>@<our domain>`). */
  readonly ourRefs: readonly string[];
}

export function threadHints(
  m: ParsedMessage,
  classification: Classification,
  ownDomain: string,
): ThreadHints {
  const ids = [...m.inReplyTo, ...[...m.references].reverse()];
  // A bounce answers nothing itself: the message that bounced is inside it.
  if (classification.isBounce) ids.push(...embeddedMessageIds(m));
  const messageIds = [...new Set(ids)].slice(0, 10);
  const ourRefs = [
    ...new Set(
      [...messageIds, ...(classification.isBounce ? ourIdsInText(m, ownDomain) : [])]
        .map((id) => refInOurMessageId(id, ownDomain))
        .filter((ref): ref is string => ref !== undefined),
    ),
  ];
  const subjectRef = refInSubject(m.subject) ?? (classification.isBounce ? embeddedSubjectRef(m) : undefined);
  return { ...(subjectRef ? { subjectRef } : {}), messageIds, ourRefs };
}

function embeddedText(m: ParsedMessage): string {
  return m.attachments
    .filter((a) => a.contentType === 'message/rfc822' || a.contentType === 'text/rfc822-headers')
    .map((a) => a.content.subarray(0, 64 * 1024).toString('utf8'))
    .join('\n');
}

function embeddedMessageIds(m: ParsedMessage): string[] {
  return [...embeddedText(m).matchAll(/^message-id:\s*<([^<>\s]+)>/gim)].map((match) => String(match[1]));
}

function embeddedSubjectRef(m: ParsedMessage): string | undefined {
  const subject = /^subject:\s*(.*)$/im.exec(embeddedText(m))?.[1];
  return refInSubject(subject);
}

function ourIdsInText(m: ParsedMessage, ownDomain: string): string[] {
  const domain = ownDomain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`[A-Z]{1,6}-\\d{4}-\\d{4,6}\\.[0-9a-f-]{36}@${domain}`, 'gi');
  return [...`${m.text}\n${embeddedText(m)}`.matchAll(pattern)].map((match) => match[0]);
}

/** The mail API's id of a logged message: its day and SES message id. */
export function mailIdOf(receivedAt: string, sesMessageId: string): string {
  return `${receivedAt.slice(0, 10)}.${sesMessageId}`;
}

export function parseMailId(id: string): { day: string; sesMessageId: string } | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})\.([A-Za-z0-9_-]{1,128})$/.exec(id);
  return match?.[1] && match[2] ? { day: match[1], sesMessageId: match[2] } : undefined;
}
