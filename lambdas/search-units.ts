import { createHash } from 'node:crypto';
import * as z from 'zod';
import { listEstates } from '#adapters/directory.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseQuery } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger } from '#commons/powertools.ts';
import { AREAS } from '#config/areas.ts';
import { mayReadDirectory } from '#domain/access.ts';
import { decodeCursor, encodeCursor } from '#domain/cursor.ts';
import { MIN_QUERY_CHARS, planSearch } from '#domain/directory/search.ts';
import { unitView } from '#domain/directory/views.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '#domain/errors.ts';
import { BUILDING_CODE_PATTERN, DIRECTORY_LIMITS, ESTATE_ID_PATTERN } from '#domain/fields.ts';
import { textString } from '#domain/text.ts';
import { runSearch } from '#services/directory-search.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const Query = z.object({
  q: textString()
    .trim()
    .max(DIRECTORY_LIMITS.query, `Keep the search under ${DIRECTORY_LIMITS.query} characters`)
    .optional(),
  estate: z.string().regex(ESTATE_ID_PATTERN, 'Choose the estate by its id (e.g. laguna-city)').optional(),
  building: z
    .string()
    .transform((code) => code.trim().toUpperCase())
    .pipe(z.string().regex(BUILDING_CODE_PATTERN, 'Choose the building by its code (e.g. 5, B, KS)'))
    .optional(),
  area: z.string().max(64).optional(),
  lang: z.enum(['zh-Hant', 'zh-Hans', 'en'], 'Choose one of: zh-Hant, zh-Hans, en').default('zh-Hant'),
  limit: z.coerce.number('Give the page size as a number').int().min(1).max(100).default(25),
  nextToken: z.string().max(3000).optional(),
});

const Position = z
  .object({
    s: z.number().int().min(0).max(1000),
    k: z.string().max(1200).optional(),
    d: z.string().length(16),
  })
  .strict();
const CURSOR_KIND = 'directory-units';

/**
 * `GET /api/directory/units?q=&estate=&building=&area=&limit=&nextToken=&lang=`: units of the
 * register by estate, building, unit, resident name, phone or email (lambdas/domain/directory/
 * search.ts), in the areas the caller reads (head office: every area), paged. Each answer is the
 * unit with its residents and their contacts. Queries and term partitions only, never a Scan.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const query = parseQuery(event, Query);
  const readable = AREAS.map((a) => a.id).filter((area) => mayReadDirectory(caller, area));
  if (query.area !== undefined && !AREAS.some((a) => a.id === query.area)) {
    throw new ValidationError([
      { field: 'area', message: `Choose one of the areas: ${AREAS.map((a) => a.id).join(', ')}` },
    ]);
  }
  if (query.area && !readable.includes(query.area)) {
    throw new ForbiddenError(
      `You work in ${caller.area}; the register of ${query.area} is read by its own office`,
    );
  }
  if (query.building && !query.estate) {
    throw new ValidationError([{ field: 'building', message: 'Choose the estate of the building too' }]);
  }
  if (!query.q && !query.estate) {
    throw new ValidationError([
      {
        field: 'q',
        message: 'Search by estate, building, unit, resident’s name, phone or email, or choose an estate',
      },
    ]);
  }
  const areas = query.area ? [query.area] : readable;
  let estates = (await listEstates(TABLE_NAME)).filter((estate) => areas.includes(estate.area));
  if (query.estate) {
    const estate = estates.find((e) => e.id === query.estate);
    if (!estate) {
      const anywhere = (await listEstates(TABLE_NAME)).find((e) => e.id === query.estate);
      if (anywhere) throw new ForbiddenError(`The register of ${anywhere.area} is read by its own office`);
      throw new NotFoundError(`No estate ${query.estate}`);
    }
    if (query.building && !estate.buildings[query.building]) {
      throw new ValidationError([
        { field: 'building', message: `${estate.id} has no building ${query.building}` },
      ]);
    }
    estates = [estate];
  }
  const plan = planSearch(query.q ?? '', {
    areas: query.estate ? [...new Set(estates.map((e) => e.area))] : areas,
    estates,
    ...(query.estate ? { estateFilter: true } : {}),
    ...(query.building ? { building: query.building } : {}),
  });
  if (plan.sources.length === 0 && query.q && [...query.q].length < MIN_QUERY_CHARS) {
    throw new ValidationError([{ field: 'q', message: `Type at least ${MIN_QUERY_CHARS} characters` }]);
  }
  // The cursor belongs to this search: another query's (or area's) position means nothing here.
  const digest = createHash('sha256')
    .update(JSON.stringify([query.q ?? '', query.estate, query.building, areas]))
    .digest('hex')
    .slice(0, 16);
  let after: { s: number; k?: string } | undefined;
  if (query.nextToken) {
    const position = decodeCursor(CURSOR_KIND, query.nextToken, Position);
    if (position.d !== digest || position.s >= plan.sources.length) {
      throw new ValidationError([
        {
          field: 'nextToken',
          message: 'This nextToken belongs to another search: search again from the first page',
        },
      ]);
    }
    after = { s: position.s, ...(position.k ? { k: position.k } : {}) };
  }
  const byId = new Map(estates.map((e) => [e.id, e]));
  const page = await runSearch(TABLE_NAME, plan, byId, { limit: query.limit, ...(after ? { after } : {}) });
  logger.info('Register searched', {
    sources: plan.sources.length,
    answers: page.units.length,
    more: !!page.next,
  });
  return json(200, {
    items: page.units.flatMap((unit) => {
      const estate = byId.get(unit.estateId);
      return estate ? [unitView(unit, estate, query.lang)] : [];
    }),
    ...(page.next ? { nextToken: encodeCursor(CURSOR_KIND, { ...page.next, d: digest }) } : {}),
  });
}, apiErrors());
