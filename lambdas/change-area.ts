import { getRecord } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { mayChangeArea } from '#domain/access.ts';
import { AreaChangeInput } from '#domain/area-change.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import { moveComplaintToArea } from '#services/move-complaint.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `POST /api/complaints/{ref}/area`: moves a complaint that landed in the wrong area (email
 * intake gives it the intake address's default area) to the right one, with its open task
 * (services/move-complaint.ts). The workflow's next tasks open in the new area too: create-task
 * takes the area from the record.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const ref = event.pathParameters?.ref ?? '';
  const record = await getRecord(TABLE_NAME, ref);
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!mayChangeArea(caller, record)) {
    throw new ForbiddenError(
      'A complaint is moved by the reception or supervisor of its area, customer service or the manager',
    );
  }
  const input = parseBody(event, AreaChangeInput);
  const { from, tasksMoved, unitLeft } = await moveComplaintToArea(TABLE_NAME, record, input, caller);
  // The reason is staff's own words and may name the owner: it stays out of the log.
  logger.info('Complaint moved to another area', {
    ref,
    from,
    to: input.area,
    tasksMoved: tasksMoved.length,
  });
  metrics.addMetric('ComplaintsMovedArea', 'Count', 1);
  return json(200, { ref, area: input.area, from, tasksMoved, ...(unitLeft ? { unitLeft } : {}) });
}, apiErrors());
