import { getIncomingMail } from '#adapters/correspondence.ts';
import { downloadUrl } from '#adapters/files.ts';
import { PRESIGNED_URL_MINUTES } from '#config/attachments.ts';
import { attachmentIndex, type MailAttachment, mailAttachmentDownload } from '#domain/attachments.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';

/** The mail log's id of a message, `<UTC day>.<SES message id>` (domain/mail/intake.ts mailIdOf). */
const MAIL_ID = /^(\d{4}-\d{2}-\d{2})\.([A-Za-z0-9_-]{1,128})$/;

interface FileToSign {
  readonly key: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
}

export interface AttachmentDownload {
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly url: string;
  readonly expiresAt: string;
}

/**
 * A short-lived download link for one of a complaint's files: a scan uploaded with it (no
 * `mailId`), or an attachment of an email or fax received on it. Who may see the complaint is
 * the caller's business. Executables and macro documents are never handed out (403); a file
 * intake did not store is only in the raw message (404).
 */
export async function attachmentDownload(
  deps: { readonly table: string; readonly bucket: string },
  record: Pick<ComplaintRecord, 'ref' | 'attachments'>,
  which: { readonly index: string | undefined; readonly mailId?: string | undefined },
): Promise<AttachmentDownload> {
  const index = attachmentIndex(which.index);
  const file =
    which.mailId === undefined
      ? uploadedScan(record, index, which.index)
      : await mailAttachment(deps.table, record.ref, which.mailId, index, which.index);
  const expiresIn = PRESIGNED_URL_MINUTES * 60;
  const url = await downloadUrl(deps.bucket, file.key, {
    expiresIn,
    contentType: file.contentType,
    filename: file.name,
  });
  return {
    name: file.name,
    contentType: file.contentType,
    size: file.size,
    url,
    expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
  };
}

function uploadedScan(
  record: { ref: string; attachments?: readonly FileToSign[] },
  index: number | undefined,
  rawIndex: string | undefined,
): FileToSign {
  const attachment = index === undefined ? undefined : record.attachments?.[index];
  if (!attachment) throw new NotFoundError(`Complaint ${record.ref} has no attachment ${rawIndex}`);
  return attachment;
}

async function mailAttachment(
  table: string,
  ref: string,
  mailId: string,
  index: number | undefined,
  rawIndex: string | undefined,
): Promise<FileToSign> {
  const id = MAIL_ID.exec(mailId);
  const mail =
    id?.[1] && id[2] ? await getIncomingMail(table, ref, { day: id[1], sesMessageId: id[2] }) : undefined;
  if (!mail) throw new NotFoundError(`Complaint ${ref} received no message ${mailId}`);
  const download =
    index === undefined
      ? ({ ok: false, problem: 'no-such-attachment' } as const)
      : mailAttachmentDownload(
          { sesMessageId: mail.sesMessageId, attachments: mail.attachments as MailAttachment[] | undefined },
          index,
        );
  if (download.ok) return download;
  if (download.problem === 'executable') {
    throw new ForbiddenError(
      'This attachment is an executable or macro document: it is kept as evidence and not offered for download',
    );
  }
  if (download.problem === 'not-stored') {
    throw new NotFoundError(
      `Attachment ${rawIndex} of message ${mailId} was not stored (too many, too large, or withheld); it is only in the raw message`,
    );
  }
  throw new NotFoundError(`Message ${mailId} has no attachment ${rawIndex}`);
}
