import * as z from 'zod';
import { listEstates } from '#adapters/directory.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseQuery } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { AREAS } from '#config/areas.ts';
import { mayReadDirectory } from '#domain/access.ts';
import { estateView } from '#domain/directory/views.ts';
import { ForbiddenError, ValidationError } from '#domain/errors.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const Query = z.object({
  area: z.string().max(64).optional(),
  lang: z.enum(['zh-Hant', 'zh-Hans', 'en'], 'Choose one of: zh-Hant, zh-Hans, en').default('zh-Hant'),
});

/**
 * `GET /api/directory/estates?area=&lang=`: the estates of the register in the areas the caller
 * reads (head office: every area), each with its buildings and owners' organisations — what the
 * estate → building → unit pickers start from. One Query of the estates' partition.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const query = parseQuery(event, Query);
  if (query.area !== undefined && !AREAS.some((a) => a.id === query.area)) {
    throw new ValidationError([
      { field: 'area', message: `Choose one of the areas: ${AREAS.map((a) => a.id).join(', ')}` },
    ]);
  }
  if (query.area && !mayReadDirectory(caller, query.area)) {
    throw new ForbiddenError(
      `You work in ${caller.area}; the register of ${query.area} is read by its own office`,
    );
  }
  const estates = (await listEstates(TABLE_NAME))
    .filter((estate) => (query.area ? estate.area === query.area : mayReadDirectory(caller, estate.area)))
    .sort((a, b) => a.area.localeCompare(b.area) || a.id.localeCompare(b.id));
  return json(200, { items: estates.map((estate) => estateView(estate, query.lang)) });
}, apiErrors());
