import { getRecord } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { complaintRefusal, correctionRefusal, mayCorrectRecord, maySeeComplaint } from '#domain/access.ts';
import { CorrectionInput } from '#domain/corrections.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import type { CorrectableField } from '#domain/fields.ts';
import { signatureOf } from '#domain/staff.ts';
import { correctRecord } from '#services/correct-record.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `POST /api/complaints/{ref}/corrections`: corrects fields of the record (owner, contacts,
 * building, unit, category, content) with a reason, for the version the caller saw; each
 * changed field is an audit line with its old and new value (services/correct-record.ts).
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const ref = event.pathParameters?.ref ?? '';
  const record = await getRecord(TABLE_NAME, ref, { consistent: true });
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!maySeeComplaint(caller, record)) throw new ForbiddenError(complaintRefusal(caller, record));
  if (!mayCorrectRecord(caller, record)) {
    throw new ForbiddenError(
      `A ${caller.role} does not correct complaint records: reception, follow-up staff, the supervisor or customer service do`,
    );
  }
  const input = parseBody(event, CorrectionInput);
  const refusal = correctionRefusal(caller, record, Object.keys(input.changes) as CorrectableField[]);
  if (refusal) throw new ForbiddenError(refusal);
  const corrected = await correctRecord(TABLE_NAME, record, input, signatureOf(caller));
  // Field names only: the values are the owner's details, and the reason staff's own words.
  logger.info('Complaint record corrected', {
    ref,
    version: corrected.version,
    fields: corrected.changes.map((change) => change.field),
  });
  metrics.addMetric('ComplaintRecordsCorrected', 'Count', 1);
  return json(200, corrected);
}, apiErrors());
