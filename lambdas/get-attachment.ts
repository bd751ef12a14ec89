import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3 } from '#adapters/clients.ts';
import { getRecord } from '#adapters/complaints.ts';
import { getIncomingMail } from '#adapters/correspondence.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { PRESIGNED_URL_MINUTES } from '#config/attachments.ts';
import { maySeeArea } from '#domain/access.ts';
import {
  attachmentIndex,
  contentDisposition,
  type MailAttachment,
  mailAttachmentDownload,
} from '#domain/attachments.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const ATTACHMENTS_BUCKET = requireEnv('ATTACHMENTS_BUCKET');

/** The mail log's id of a message, `<UTC day>.<SES message id>` (domain/mail/intake.ts mailIdOf). */
const MAIL_ID = /^(\d{4}-\d{2}-\d{2})\.([A-Za-z0-9_-]{1,128})$/;

interface FileToSign {
  readonly key: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
}

/**
 * A short-lived download URL for one of a complaint's files, for staff who may see the
 * complaint (its area; head office every area):
 * - `GET /api/complaints/{ref}/attachments/{index}`: a scan uploaded with the complaint
 *   (`uploads/`);
 * - `GET /api/complaints/{ref}/mail/{mailId}/attachments/{index}`: an attachment of an email or
 *   fax received on the complaint (`mail/`), e.g. the pages reception transcribes. Executables
 *   and macro documents are never handed out; files intake did not store are only in the raw
 *   message.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const ref = event.pathParameters?.ref ?? '';
  const rawIndex = event.pathParameters?.index;
  const record = await getRecord(TABLE_NAME, ref);
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!maySeeArea(caller, record.area)) throw new ForbiddenError(`Complaint ${ref} belongs to another area`);
  const index = attachmentIndex(rawIndex);
  const mailId = event.pathParameters?.mailId;
  const file =
    mailId === undefined
      ? uploadedScan(record, index, rawIndex)
      : await mailAttachment(ref, mailId, index, rawIndex);

  const expiresIn = PRESIGNED_URL_MINUTES * 60;
  const url = await getSignedUrl(
    s3(),
    new GetObjectCommand({
      Bucket: ATTACHMENTS_BUCKET,
      Key: file.key,
      ResponseContentType: file.contentType,
      ResponseContentDisposition: contentDisposition(file.name),
    }),
    { expiresIn },
  );
  return json(200, {
    name: file.name,
    contentType: file.contentType,
    size: file.size,
    url,
    expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
  });
}, apiErrors());

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
  ref: string,
  mailId: string,
  index: number | undefined,
  rawIndex: string | undefined,
): Promise<FileToSign> {
  const id = MAIL_ID.exec(mailId);
  const mail =
    id?.[1] && id[2]
      ? await getIncomingMail(TABLE_NAME, ref, { day: id[1], sesMessageId: id[2] })
      : undefined;
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
