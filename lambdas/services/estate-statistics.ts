import { getEstate } from '#adapters/directory.ts';
import { allRelatedPointers, relatedRecords } from '#adapters/related.ts';
import type { Language } from '#domain/complaint.ts';
import type { Estate } from '#domain/directory/register.ts';
import { NotFoundError } from '#domain/errors.ts';
import {
  type EstateStatistics,
  estateStatistics,
  estateStatisticsCsv,
  estateStatisticsHtml,
  type StatisticsRow,
  statisticsLanguage,
  yearRange,
} from '#domain/estate-statistics.ts';
import { relatedEstatePk } from '#domain/related.ts';

export interface EstateStatisticsAnswer {
  readonly estate: Estate;
  readonly statistics: EstateStatistics;
  readonly html: string;
  readonly csv: string;
}

/**
 * An estate's yearly statistics: the estate's related-complaint pointers of the year (one
 * Query, all pages: domain/related.ts), the complaints' records (BatchGetItem, only dates,
 * category, status, unit and rating), each checked to be still about a unit of this estate,
 * counted (domain/estate-statistics.ts) and written as HTML and CSV in the organisation's
 * language unless another is asked.
 */
export async function estateStatisticsOf(
  table: string,
  estateId: string,
  year: number,
  options: { language?: Language; now?: Date } = {},
): Promise<EstateStatisticsAnswer> {
  const estate = await getEstate(table, estateId);
  if (!estate) throw new NotFoundError(`No estate ${estateId} in the register`);
  const pointers = (await allRelatedPointers(table, relatedEstatePk(estate.id), yearRange(year))).filter(
    (p) => p.moved !== true,
  );
  const records = await relatedRecords(
    table,
    pointers.map((p) => p.ref),
  );
  const rows: StatisticsRow[] = records.flatMap((r) =>
    r.registerUnit?.estateId === estate.id
      ? [
          {
            ref: r.ref,
            receivedAt: r.receivedAt,
            ...(r.category ? { category: r.category } : {}),
            status: r.status,
            ...(r.closedAt ? { closedAt: r.closedAt } : {}),
            ...(r.satisfaction?.rating ? { rating: r.satisfaction.rating as StatisticsRow['rating'] } : {}),
            buildingCode: r.registerUnit.buildingCode,
          },
        ]
      : [],
  );
  const statistics = estateStatistics(estate, year, rows, {
    language: statisticsLanguage(estate, options.language),
    now: options.now ?? new Date(),
  });
  return { estate, statistics, html: estateStatisticsHtml(statistics), csv: estateStatisticsCsv(statistics) };
}
