import { getRecord } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { mayWriteToOwner } from '#domain/access.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import { OwnerMessageInput } from '#domain/owner-message.ts';
import { sendOwnerMessage } from '#services/owner-message.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `POST /api/complaints/{ref}/messages`: staff of the complaint's area write to the owner from
 * the complaint page (services/owner-message.ts). 201 with the message's correspondence line,
 * also for a repeat of a submission already sent: the client sees the same answer as the first
 * time, and the owner gets one email.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const ref = event.pathParameters?.ref ?? '';
  const record = await getRecord(TABLE_NAME, ref);
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!mayWriteToOwner(caller, record)) {
    throw new ForbiddenError(
      "The owner is written to by the reception, follow-up staff or supervisor of the complaint's area, customer service or the manager",
    );
  }
  const input = parseBody(event, OwnerMessageInput);
  const { line, sent, threaded } = await sendOwnerMessage(TABLE_NAME, record, input, caller);
  // The subject, the words and the address are the owner's business: none of them is logged.
  logger.info('Owner emailed from the app', { ref, role: caller.role, sent, threaded });
  if (sent) metrics.addMetric('OwnerMessagesSent', 'Count', 1);
  return json(201, { ref, message: line });
}, apiErrors());
