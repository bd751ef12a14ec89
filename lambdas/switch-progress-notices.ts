import { getRecord } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger } from '#commons/powertools.ts';
import { complaintRefusal, maySeeComplaint, maySwitchProgressNotices } from '#domain/access.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import { ProgressNoticesInput } from '#domain/progress.ts';
import { signatureOf } from '#domain/staff.ts';
import { switchNotices } from '#services/progress-notices.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `POST /api/complaints/{ref}/progress-notices` `{"off": true, "reason"}` or `{"off": false}`:
 * the area's supervisor (or head office) stops the owner's progress notices for this complaint,
 * saying why, or starts them again (services/progress-notices.ts). 409 when they are so already.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const ref = event.pathParameters?.ref ?? '';
  const record = await getRecord(TABLE_NAME, ref, { consistent: true });
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!maySeeComplaint(caller, record)) throw new ForbiddenError(complaintRefusal(caller, record));
  const input = parseBody(event, ProgressNoticesInput);
  if (!maySwitchProgressNotices(caller, record)) {
    throw new ForbiddenError(
      `Progress notices are turned off or on by the area's supervisor or head office; you are ${caller.role}`,
    );
  }
  const switched = await switchNotices(TABLE_NAME, record, input, signatureOf(caller));
  logger.info('Progress notices switched', { ref, off: switched.off });
  return json(200, switched);
}, apiErrors());
