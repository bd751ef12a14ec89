import { getRectificationItem, replaceRectificationItem } from '#adapters/reports.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { mayEditRectification } from '#domain/access.ts';
import { ForbiddenError, NotFoundError, StateConflictError } from '#domain/errors.ts';
import { applyUpdate, RectificationUpdate } from '#domain/report/rectification-update.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `PATCH /api/rectifications/{id}`: customer service (or the manager) edits a rectification
 * item — the problem, the measures, the department, the due date — approves it, and tracks it
 * to done, with a note on each step. The body names the version edited: a stale one is a 409.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  if (!mayEditRectification(caller)) {
    throw new ForbiddenError(
      `Rectification items are edited by customer service or the manager; you are ${caller.role}`,
    );
  }
  const id = event.pathParameters?.id ?? '';
  const update = parseBody(event, RectificationUpdate);
  const item = await getRectificationItem(TABLE_NAME, id);
  if (!item) throw new NotFoundError(`No rectification item ${id}`);
  const edited = applyUpdate(item, update, {
    by: caller.username,
    role: caller.role,
    at: new Date().toISOString(),
  });
  if (!(await replaceRectificationItem(TABLE_NAME, edited, item.version))) {
    throw new StateConflictError('The item changed while you were editing it: reload it');
  }
  logger.info('Rectification item updated', { itemId: id, status: edited.status, version: edited.version });
  if (edited.status !== item.status) metrics.addMetric(`Rectification_${edited.status}`, 'Count', 1);
  return json(200, edited);
}, apiErrors());
