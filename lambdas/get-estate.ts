import * as z from 'zod';
import { directoryHistory, getEstate } from '#adapters/directory.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseQuery } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { mayReadDirectory } from '#domain/access.ts';
import { estateView } from '#domain/directory/views.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const HISTORY = 50;

const Query = z.object({
  lang: z.enum(['zh-Hant', 'zh-Hans', 'en'], 'Choose one of: zh-Hant, zh-Hans, en').default('zh-Hant'),
});

/** `GET /api/directory/estates/{id}`: one estate with its buildings, organisations and the newest lines of its audit trail. */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const { lang } = parseQuery(event, Query);
  const id = event.pathParameters?.id ?? '';
  const estate = await getEstate(TABLE_NAME, id);
  if (!estate) throw new NotFoundError(`No estate ${id} in the register`);
  if (!mayReadDirectory(caller, estate.area)) {
    throw new ForbiddenError(
      `You work in ${caller.area}; the register of ${estate.area} is read by its own office`,
    );
  }
  const history = await directoryHistory(TABLE_NAME, estate.id, estate.id, HISTORY);
  return json(200, { ...estateView(estate, lang), history });
}, apiErrors());
