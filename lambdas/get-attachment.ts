import { getRecord } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { complaintRefusal, maySeeComplaint } from '#domain/access.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import { attachmentDownload } from '#services/attachment-downloads.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const ATTACHMENTS_BUCKET = requireEnv('ATTACHMENTS_BUCKET');

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
  const record = await getRecord(TABLE_NAME, ref);
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!maySeeComplaint(caller, record)) throw new ForbiddenError(complaintRefusal(caller, record));
  const download = await attachmentDownload({ table: TABLE_NAME, bucket: ATTACHMENTS_BUCKET }, record, {
    index: event.pathParameters?.index,
    mailId: event.pathParameters?.mailId,
  });
  return json(200, download);
}, apiErrors());
