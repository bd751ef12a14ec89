import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { searchItemChanges, searchItemKeys, searchPk } from '#domain/search.ts';
import { dynamo, putAndDeleteItems } from './clients.ts';

/** BatchWriteItem's 25 items a request; this many requests at once per complaint. */
const BATCH = 25;
const PARALLEL_BATCHES = 4;

type Indexed = Pick<
  ComplaintRecord,
  'ref' | 'area' | 'receivedAt' | 'owner' | 'building' | 'unit' | 'content' | 'registerUnit'
>;

/**
 * Brings a complaint's search items (domain/search.ts) from what `before` had to what `after`
 * has: a new complaint (no `before`) writes them all, a correction only what changed, a move to
 * another area deletes them there and writes them here. Each item is the key alone and the ref:
 * it is theirs alone to write, so a retry writes the same items again.
 */
export async function indexComplaint(
  table: string,
  before: Indexed | undefined,
  after: Indexed,
): Promise<void> {
  const { remove, add } = searchItemChanges(before, after);
  const put = add.map((key) => ({ ...key, type: 'search-term', ref: after.ref }));
  const all = [...put.map((item) => ({ put: item })), ...remove.map((key) => ({ remove: key }))];
  const batches: (typeof all)[] = [];
  for (let i = 0; i < all.length; i += BATCH) batches.push(all.slice(i, i + BATCH));
  for (let i = 0; i < batches.length; i += PARALLEL_BATCHES) {
    await Promise.all(
      batches.slice(i, i + PARALLEL_BATCHES).map((batch) =>
        putAndDeleteItems(table, {
          put: batch.flatMap((c) => ('put' in c ? [c.put] : [])),
          remove: batch.flatMap((c) => ('remove' in c ? [c.remove] : [])),
        }),
      ),
    );
  }
}

/** Deletes every search item of a complaint (retention's erasure, for one). */
export async function unindexComplaint(table: string, record: Indexed): Promise<void> {
  await putAndDeleteItems(table, { put: [], remove: searchItemKeys(record) });
}

/** Where a search stands in the index: below this sort key (descending), nothing is read yet. */
export interface SearchRange {
  /** Highest sort key allowed (exclusive): a page's cursor, or just above `to`. */
  readonly below: string;
  /** Lowest sort key allowed (inclusive): `from`. */
  readonly atLeast: string;
}

/** Counts the index pages a request reads, to bound its work. */
export interface ReadBudget {
  pages: number;
  readonly maxPages: number;
}

/** Keys a read asks for: a seek reads few of them before the next seek. */
const PAGE = 100;

/** One term's complaints in one area, newest first, read a page at a time. */
class TermStream {
  private buffer: string[] = [];
  private startKey: Record<string, unknown> | undefined;
  private done = false;
  /** The highest sort key still wanted (inclusive), lowered as the merge moves down. */
  private ceiling: string;
  private readonly table: string;
  private readonly pk: string;
  private readonly range: SearchRange;
  private readonly budget: ReadBudget;

  constructor(table: string, pk: string, range: SearchRange, budget: ReadBudget) {
    this.table = table;
    this.pk = pk;
    this.range = range;
    this.budget = budget;
    this.ceiling = range.below;
  }

  /** The next sort key (without consuming it); undefined when the term has no more; null when out of budget. */
  async head(): Promise<string | undefined | null> {
    while (this.buffer.length === 0 && !this.done) {
      if (this.budget.pages >= this.budget.maxPages) return null;
      this.budget.pages++;
      const page = await dynamo().send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': this.pk, ':from': this.range.atLeast, ':to': this.ceiling },
          ProjectionExpression: 'SK',
          ScanIndexForward: false,
          Limit: PAGE,
          ...(this.startKey ? { ExclusiveStartKey: this.startKey } : {}),
        }),
      );
      // BETWEEN includes its upper bound: the range's `below` is exclusive.
      this.buffer = (page.Items ?? []).map((i) => i.SK as string).filter((sk) => sk < this.range.below);
      this.startKey = page.LastEvaluatedKey;
      if (!this.startKey) this.done = true;
    }
    return this.buffer[0];
  }

  /**
   * Drops every key above `bound` (descending order). When all it holds is above, it seeks: the
   * next read starts at `bound` instead of paging through the keys between (a common term's
   * partition holds most complaints; the rare term sets the pace).
   */
  async skipAbove(bound: string): Promise<string | undefined | null> {
    const keep = this.buffer.findIndex((sk) => sk <= bound);
    if (keep >= 0) {
      this.buffer = this.buffer.slice(keep);
      return this.buffer[0];
    }
    this.buffer = [];
    if (bound < this.ceiling && !this.done) {
      this.ceiling = bound;
      this.startKey = undefined;
    } else if (bound < this.ceiling) {
      return undefined;
    }
    return this.head();
  }

  take(): void {
    this.buffer.shift();
  }
}

/**
 * The complaints of one area that have every term, newest first: a merge of the terms' sorted
 * ranges (each advanced to the lowest head among them until all agree). Yields sort keys
 * (`receivedAt#ref`); yields `{ stoppedAt }` and ends when the budget ran out, saying how far
 * down it had searched (every match above that was yielded).
 */
export async function* areaMatches(
  table: string,
  area: string,
  terms: readonly string[],
  range: SearchRange,
  budget: ReadBudget,
): AsyncGenerator<string | { stoppedAt: string }> {
  const streams = terms.map((term) => new TermStream(table, searchPk(area, term), range, budget));
  let floor = range.below;
  for (;;) {
    const heads = await Promise.all(streams.map((s) => s.skipAbove(floor)));
    if (heads.some((h) => h === undefined)) return;
    if (heads.some((h) => h === null)) {
      yield { stoppedAt: floor };
      return;
    }
    const lowest = [...(heads as string[])].sort()[0] as string;
    if ((heads as string[]).every((h) => h === lowest)) {
      yield lowest;
      for (const s of streams) s.take();
      floor = lowest;
      continue;
    }
    floor = lowest;
  }
}
