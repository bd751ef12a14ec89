import { getRecord } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { complaintRefusal, maySeeComplaint } from '#domain/access.ts';
import { positionOfCursor } from '#domain/correspondence.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '#domain/errors.ts';
import { correspondencePage } from '#services/correspondence-view.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `GET /api/complaints/{ref}/correspondence?before=<cursor>`: a page of the complaint's
 * correspondence older than the cursor (the complaint's `correspondenceNext`, or a page's
 * `next`), newest first, its lines without bodies. Staff who may see the complaint only.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const ref = event.pathParameters?.ref ?? '';
  const cursor = event.queryStringParameters?.before;
  const before = cursor === undefined ? undefined : positionOfCursor(cursor);
  if (cursor !== undefined && !before) {
    throw new ValidationError([{ field: 'before', message: 'Not a cursor this API gave' }]);
  }
  const record = await getRecord(TABLE_NAME, ref);
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!maySeeComplaint(caller, record)) throw new ForbiddenError(complaintRefusal(caller, record));
  return json(200, await correspondencePage(TABLE_NAME, ref, before));
}, apiErrors());
