import * as z from 'zod';
import { getEstate } from '#adapters/directory.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseQuery } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger } from '#commons/powertools.ts';
import { mayMakeEstateStatistics } from '#domain/access.ts';
import { LANGUAGES } from '#domain/complaint.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import { STATISTICS_YEARS } from '#domain/estate-statistics.ts';
import { estateStatisticsOf } from '#services/estate-statistics.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const Query = z.object({
  year: z.coerce
    .number(`Give the year as four digits, e.g. ${new Date().getUTCFullYear()}`)
    .int('Give the year as four digits, e.g. 2026')
    .min(STATISTICS_YEARS.min, `Give a year from ${STATISTICS_YEARS.min} to ${STATISTICS_YEARS.max}`)
    .max(STATISTICS_YEARS.max, `Give a year from ${STATISTICS_YEARS.min} to ${STATISTICS_YEARS.max}`),
  lang: z.enum(LANGUAGES, `Choose a language: ${LANGUAGES.join(', ')}`).optional(),
});

/**
 * `GET /api/directory/estates/{id}/statistics?year=2026[&lang=en]`: an estate's yearly complaint
 * statistics for its owners' organisation (by category, building, month, time to close,
 * satisfaction), in the organisation's language unless `lang` asks another: the figures, the
 * page as HTML (print it to PDF) and the CSV. Customer service and the manager, for the areas
 * they see. Counts only: no owner's name, contact, unit or words.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const query = parseQuery(event, Query);
  const id = event.pathParameters?.id ?? '';
  const estate = await getEstate(TABLE_NAME, id);
  if (!estate) throw new NotFoundError(`No estate ${id} in the register`);
  if (!mayMakeEstateStatistics(caller, estate.area)) {
    throw new ForbiddenError(
      `Estate statistics are made by customer service or the manager for their areas; you are ${caller.role} in ${caller.area}`,
    );
  }
  const answer = await estateStatisticsOf(TABLE_NAME, estate.id, query.year, {
    ...(query.lang ? { language: query.lang } : {}),
  });
  logger.info('Estate statistics made', {
    estateId: estate.id,
    year: query.year,
    complaints: answer.statistics.total,
  });
  return json(200, { statistics: answer.statistics, html: answer.html, csv: answer.csv });
}, apiErrors());
