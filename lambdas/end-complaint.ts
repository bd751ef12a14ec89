import { getRecord } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { complaintRefusal, endingRefusal, maySeeComplaint } from '#domain/access.ts';
import { EndingInput } from '#domain/ending.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import { signatureOf } from '#domain/staff.ts';
import { endComplaint } from '#services/end-complaint.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `POST /api/complaints/{ref}/ending`: the owner withdraws the complaint (staff record it from a
 * call, a visit or a letter), or the supervisor refers a matter that is not the company's, to
 * whom it belongs. The complaint goes to its closing note, which tells the owner, and is filed:
 * nothing is deleted (services/end-complaint.ts). 409 once it is closing, filed or ended.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const ref = event.pathParameters?.ref ?? '';
  const record = await getRecord(TABLE_NAME, ref, { consistent: true });
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!maySeeComplaint(caller, record)) throw new ForbiddenError(complaintRefusal(caller, record));
  const input = parseBody(event, EndingInput);
  const refusal = endingRefusal(caller, input.kind, record);
  if (refusal) throw new ForbiddenError(refusal);
  const ended = await endComplaint(TABLE_NAME, record, input, signatureOf(caller));
  // The kind only: the reason is staff's (or the owner's) own words.
  logger.info('Complaint ended early', { ref, kind: ended.kind, tasksEnded: ended.tasksEnded.length });
  const withdrawn = input.kind === 'withdrawn';
  metrics.addMetric(withdrawn ? 'ComplaintsWithdrawn' : 'ComplaintsReferred', 'Count', 1);
  return json(200, ended);
}, apiErrors());
