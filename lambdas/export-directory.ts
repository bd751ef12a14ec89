import * as z from 'zod';
import { estateUnits, getEstate } from '#adapters/directory.ts';
import { requireEnv } from '#commons/environment.ts';
import {
  type ApiEvent,
  type ApiResult,
  apiErrors,
  callerOf,
  json,
  parseQuery,
  SECURITY_HEADERS,
} from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger } from '#commons/powertools.ts';
import { directoryEditRefusal } from '#domain/access.ts';
import { contentDisposition } from '#domain/attachments.ts';
import { exportCsv, exportXlsx, IMPORT_CONTENT_TYPES, IMPORT_FORMATS } from '#domain/directory/import.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import { ESTATE_ID_PATTERN } from '#domain/fields.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `GET /api/directory/export?estate=<id>&format=csv|xlsx[&building=<code>]`: an estate's units
 * and residents as the import reads them (lambdas/domain/directory/import.ts exportRows), to
 * edit and import again. Every resident's contacts are in it, so it is for those who keep the
 * register (the edit-unit rule), not every reader. Lambda answers at most 6 MB: an estate too
 * large for that is exported building by building (a 413 says so).
 */
const ExportQuery = z.object({
  estate: z.string('Choose the estate').regex(ESTATE_ID_PATTERN, 'Choose the estate by its id'),
  format: z.enum(IMPORT_FORMATS, `Choose one of: ${IMPORT_FORMATS.join(', ')}`).default('xlsx'),
  building: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{1,16}$/, 'Choose the building by its code')
    .transform((code) => code.toUpperCase())
    .optional(),
});

/** Under Lambda's 6 MB answer, with room for the headers (a workbook is sent in base64, 4/3 its size). */
const MAX_ANSWER_BYTES = 5_800_000;

export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const query = parseQuery(event, ExportQuery);
  const estate = await getEstate(TABLE_NAME, query.estate);
  if (!estate) throw new NotFoundError(`No estate ${query.estate} in the register`);
  const refusal = directoryEditRefusal(caller, estate.area, 'units');
  if (refusal) throw new ForbiddenError(refusal);
  const units = (await estateUnits(TABLE_NAME, estate.id)).filter(
    (unit) => !query.building || unit.building === query.building,
  );
  const name = `${estate.id}${query.building ? `-${query.building}` : ''}.${query.format}`;
  const body = query.format === 'csv' ? exportCsv(units) : (await exportXlsx(units)).toString('base64');
  if (Buffer.byteLength(body) > MAX_ANSWER_BYTES) {
    return json(413, {
      message: `${estate.id} is too large to export at once: export it building by building (&building=<code>)`,
    });
  }
  logger.info('Register exported', { estateId: estate.id, units: units.length, format: query.format });
  return {
    statusCode: 200,
    headers: {
      ...SECURITY_HEADERS,
      'content-type':
        query.format === 'csv' ? `${IMPORT_CONTENT_TYPES.csv}; charset=utf-8` : IMPORT_CONTENT_TYPES.xlsx,
      'content-disposition': contentDisposition(name),
      'cache-control': 'no-store',
    },
    body,
    isBase64Encoded: query.format === 'xlsx',
  };
}, apiErrors());
