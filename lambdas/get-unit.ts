import * as z from 'zod';
import { directoryHistory, getEstate, getUnit } from '#adapters/directory.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseQuery } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { mayReadDirectory } from '#domain/access.ts';
import { unitView } from '#domain/directory/views.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
/** Audit lines shown with a unit, the newest. */
const HISTORY = 50;

const Query = z.object({
  lang: z.enum(['zh-Hant', 'zh-Hans', 'en'], 'Choose one of: zh-Hant, zh-Hans, en').default('zh-Hant'),
});

/**
 * `GET /api/directory/units/{id}`: one unit of the register with its residents and their
 * contacts, and the newest lines of its audit trail (who changed what, when), for staff who
 * read its area's register.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const { lang } = parseQuery(event, Query);
  const id = event.pathParameters?.id ?? '';
  const unit = await getUnit(TABLE_NAME, id);
  if (!unit) throw new NotFoundError(`No unit ${id} in the register`);
  if (!mayReadDirectory(caller, unit.area)) {
    throw new ForbiddenError(
      `You work in ${caller.area}; the register of ${unit.area} is read by its own office`,
    );
  }
  const estate = await getEstate(TABLE_NAME, unit.estateId);
  if (!estate) throw new NotFoundError(`No estate ${unit.estateId} in the register`);
  const history = await directoryHistory(TABLE_NAME, unit.estateId, unit.id, HISTORY);
  return json(200, { ...unitView(unit, estate, lang), history });
}, apiErrors());
