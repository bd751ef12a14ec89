import { getRecords } from '#adapters/complaints.ts';
import { areaMatches, type ReadBudget, type SearchRange } from '#adapters/search-index.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { matchesQuery, type SearchQuery } from '#domain/search.ts';

/** At most this many index terms are looked up for one query (the exact check does the rest). */
const MAX_LOOKUP_TERMS = 6;
/** Index pages one request may read before answering with what it found and where it stopped. */
const MAX_INDEX_PAGES = 80;
/** Found complaints are read this many at a time (BatchGetItem), then checked. */
const READ_BATCH = 50;

export interface SearchResult {
  readonly records: ComplaintRecord[];
  /** Where the next page starts (below this receipt time and reference), when there may be more. */
  readonly next?: { at: string; ref: string };
  /** The search read its most before the page was full: it looked this far back. */
  readonly stopped: boolean;
}

/** The terms to look up: the longest ones first (rarer), spread over the query. */
function lookupTerms(query: SearchQuery): string[] {
  if (query.terms.length <= MAX_LOOKUP_TERMS) return [...query.terms];
  return [...query.terms].sort((a, b) => b.length - a.length).slice(0, MAX_LOOKUP_TERMS);
}

const positionOf = (sk: string) => {
  const hash = sk.lastIndexOf('#');
  return { at: sk.slice(0, hash), ref: sk.slice(hash + 1) };
};

/**
 * Complaints of these areas that match the query and `keep`, newest first, up to `limit`: the
 * areas' index matches merged by time, read in batches, each checked exactly (matchesQuery) and
 * by the list's other filters. Bounded: after MAX_INDEX_PAGES index pages it answers what it has,
 * with a cursor where it stopped, so a rare match far back costs more pages, never a long request.
 */
export async function searchComplaints(options: {
  readonly table: string;
  readonly areas: readonly string[];
  readonly query: SearchQuery;
  readonly range: SearchRange;
  readonly limit: number;
  readonly keep: (record: ComplaintRecord) => boolean;
}): Promise<SearchResult> {
  const budget: ReadBudget = { pages: 0, maxPages: MAX_INDEX_PAGES };
  const terms = lookupTerms(options.query);
  const generators = options.areas.map((area) =>
    areaMatches(options.table, area, terms, options.range, budget),
  );
  const heads = await Promise.all(generators.map((g) => g.next()));
  let stoppedAt: string | undefined;
  const found: ComplaintRecord[] = [];

  /** Notes how far down an area searched before its budget ran out, and ends that area. */
  const absorbMarker = (i: number) => {
    const head = heads[i];
    if (!head || head.done || typeof head.value === 'string') return;
    // Every match of that area above here was yielded; below it nothing may be answered.
    if (stoppedAt === undefined || head.value.stoppedAt > stoppedAt) stoppedAt = head.value.stoppedAt;
    heads[i] = { done: true, value: undefined };
  };
  /** The next match of all areas, newest first; undefined when none is left (or it stopped). */
  const nextCandidate = async (): Promise<string | undefined> => {
    for (let i = 0; i < heads.length; i++) absorbMarker(i);
    let best = -1;
    let value: string | undefined;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (
        head &&
        !head.done &&
        typeof head.value === 'string' &&
        (value === undefined || head.value > value)
      ) {
        best = i;
        value = head.value;
      }
    }
    if (best < 0 || value === undefined) return undefined;
    if (stoppedAt !== undefined && value < stoppedAt) return undefined;
    heads[best] = await (generators[best] as (typeof generators)[number]).next();
    // The area's own marker lies below what it yielded before it: this candidate stands.
    absorbMarker(best);
    return value;
  };

  let exhausted = false;
  while (found.length <= options.limit && !exhausted) {
    const batch: string[] = [];
    while (batch.length < READ_BATCH) {
      const candidate = await nextCandidate();
      if (candidate === undefined) {
        exhausted = true;
        break;
      }
      batch.push(candidate);
    }
    if (!batch.length) break;
    const byRef = new Map(
      (
        await getRecords(
          options.table,
          batch.map((sk) => positionOf(sk).ref),
        )
      ).map((r) => [r.ref, r]),
    );
    for (const sk of batch) {
      const record = byRef.get(positionOf(sk).ref);
      // An item whose complaint moved or changed since it was written is checked on the record.
      if (!record || !options.areas.includes(record.area)) continue;
      if (!matchesQuery(record, options.query) || !options.keep(record)) continue;
      if (
        record.receivedAt < options.range.atLeast ||
        `${record.receivedAt}#${record.ref}` >= options.range.below
      )
        continue;
      found.push(record);
      if (found.length > options.limit) break;
    }
  }
  const page = found.slice(0, options.limit);
  const last = page[page.length - 1];
  if (found.length > options.limit && last)
    return { records: page, next: { at: last.receivedAt, ref: last.ref }, stopped: false };
  if (stoppedAt !== undefined) {
    const position =
      last && `${last.receivedAt}#${last.ref}` < stoppedAt
        ? { at: last.receivedAt, ref: last.ref }
        : positionOf(stoppedAt);
    return { records: page, next: position, stopped: true };
  }
  return { records: page, stopped: false };
}
