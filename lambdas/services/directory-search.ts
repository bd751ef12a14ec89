import { getUnits, queryContacts, queryEstateUnits, queryTerms } from '#adapters/directory.ts';
import type { Estate, Unit } from '#domain/directory/register.ts';
import { answeredAt, type SearchPlan } from '#domain/directory/search.ts';

/**
 * Runs a search plan (lambdas/domain/directory/search.ts) one page at a time: its sources in
 * order, each read from where the previous page stopped. A page ends when it has `limit` units,
 * when the sources are read out, or when `maxExamined` items have been looked at (a query that
 * matches little of much: the page then comes back short, with the position to go on from, so
 * no request reads without bound).
 */

/** Where a page stopped: the source, and the last position read in it. */
export interface SearchPosition {
  readonly s: number;
  readonly k?: string;
}

export interface SearchPage {
  readonly units: Unit[];
  readonly next?: SearchPosition;
}

export async function runSearch(
  table: string,
  plan: SearchPlan,
  estates: ReadonlyMap<string, Estate>,
  options: { readonly limit: number; readonly after?: SearchPosition; readonly maxExamined?: number },
): Promise<SearchPage> {
  const units: Unit[] = [];
  const maxExamined = options.maxExamined ?? 1_000;
  let examined = 0;
  const pageSize = Math.min(100, Math.max(20, options.limit * 2));
  const answered = (index: number, position: string, unit: Unit | undefined) => {
    const estate = unit && estates.get(unit.estateId);
    return unit !== undefined && estate !== undefined && answeredAt(plan, index, position, unit, estate);
  };

  for (let index = options.after?.s ?? 0; index < plan.sources.length; index++) {
    const source = plan.sources[index];
    if (!source) continue;
    let after = index === options.after?.s ? options.after.k : undefined;
    if (source.kind === 'unit') {
      if (after !== undefined) continue;
      // Consecutive unit sources (a unit in each of many buildings) are read 25 at a time.
      const batch: { index: number; unitId: string }[] = [];
      for (let j = index; j < plan.sources.length && batch.length < 25; j++) {
        const next = plan.sources[j];
        if (next?.kind !== 'unit') break;
        batch.push({ index: j, unitId: next.unitId });
      }
      const found = await getUnits(
        table,
        batch.map((b) => b.unitId),
      );
      for (const { index: at, unitId } of batch) {
        examined += 1;
        const unit = found.get(unitId);
        if (answered(at, unitId, unit) && unit) units.push(unit);
        index = at;
        if ((units.length >= options.limit || examined >= maxExamined) && at + 1 < plan.sources.length) {
          return { units, next: { s: at + 1 } };
        }
      }
      continue;
    }
    for (;;) {
      let rows: { position: string; unit: Unit | undefined }[];
      let more: boolean;
      if (source.kind === 'estate') {
        const page = await queryEstateUnits(table, source.estateId, {
          prefix: source.prefix,
          ...(after ? { after } : {}),
          limit: pageSize,
        });
        rows = page.units;
        more = page.more;
      } else {
        const page =
          source.kind === 'terms'
            ? await queryTerms(table, {
                partition: source.partition,
                prefix: source.prefix,
                ...(after ? { after } : {}),
                limit: pageSize,
              })
            : await queryContacts(table, {
                kind: source.contact,
                value: source.value,
                ...(after ? { after } : {}),
                limit: pageSize,
              });
        const found = await getUnits(
          table,
          page.terms.map((term) => term.unitId),
        );
        rows = page.terms.map((term) => ({ position: term.position, unit: found.get(term.unitId) }));
        more = page.more;
      }
      for (const [i, row] of rows.entries()) {
        examined += 1;
        after = row.position;
        if (answered(index, row.position, row.unit) && row.unit) units.push(row.unit);
        const lastOfAll = i === rows.length - 1 && !more && index === plan.sources.length - 1;
        if ((units.length >= options.limit || examined >= maxExamined) && !lastOfAll) {
          return { units, next: { s: index, k: row.position } };
        }
      }
      if (!more || rows.length === 0) break;
    }
  }
  return { units };
}
