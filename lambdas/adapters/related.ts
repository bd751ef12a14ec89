import type { ComplaintRecord } from '#domain/complaint.ts';
import { complaintPk, RECORD_SK } from '#domain/keys.ts';
import type { RelatedPointer } from '#domain/related.ts';
import { getItems, putItems, queryPages } from './clients.ts';

/**
 * The related-complaint pointers (domain/related.ts; docs/data-model.md "Related complaints"):
 * written whole and unconditionally (a pointer is the complaint's alone, a repeat writes the
 * same again), read one partition over a date range.
 */
export async function putRelatedPointers(table: string, items: readonly Record<string, unknown>[]) {
  if (items.length) await putItems(table, items);
}

/**
 * A partition's pointers received within [from, to], newest first, at most `limit` read (the
 * review's bound on a busy estate: the newest are the ones it shows).
 */
export async function relatedPointers(
  table: string,
  pk: string,
  range: { from: string; to: string },
  limit: number,
): Promise<RelatedPointer[]> {
  const found: RelatedPointer[] = [];
  for await (const page of queryPages({
    TableName: table,
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': pk, ':from': range.from, ':to': `${range.to}#\uffff` },
    ScanIndexForward: false,
    Limit: Math.min(limit, 500),
  })) {
    for (const item of page.Items ?? []) found.push(item as unknown as RelatedPointer);
    if (found.length >= limit) break;
  }
  return found.slice(0, limit);
}

/** What the review shows of each related complaint: never the owner or the text. */
export type RelatedRecord = Pick<
  ComplaintRecord,
  'ref' | 'receivedAt' | 'area' | 'category' | 'status' | 'currentStep' | 'registerUnit' | 'outcome'
> & { closedAt?: string; satisfaction?: { rating?: string } };

const SUMMARY_FIELDS = [
  'ref',
  'receivedAt',
  'area',
  'category',
  'status',
  'currentStep',
  'registerUnit',
  'outcome',
  'closedAt',
  // The rating only: never the owner's comments.
  'satisfaction.rating',
] as const;

/** The records of these complaints (BatchGetItem), only the fields a summary needs. */
export async function relatedRecords(table: string, refs: readonly string[]): Promise<RelatedRecord[]> {
  if (refs.length === 0) return [];
  const parts = [...new Set(SUMMARY_FIELDS.flatMap((field) => field.split('.')))];
  const names = Object.fromEntries(parts.map((part, i) => [`#s${i}`, part]));
  const placeholder = new Map(parts.map((part, i) => [part, `#s${i}`]));
  const projection = SUMMARY_FIELDS.map((field) =>
    field
      .split('.')
      .map((part) => placeholder.get(part))
      .join('.'),
  ).join(', ');
  const items = await getItems(
    table,
    [...new Set(refs)].map((ref) => ({ PK: complaintPk(ref), SK: RECORD_SK })),
    { projection, names },
  );
  return items as unknown as RelatedRecord[];
}

/** Every pointer of a partition received within [from, to): an estate's year, all pages. */
export async function allRelatedPointers(
  table: string,
  pk: string,
  range: { from: string; to: string },
): Promise<RelatedPointer[]> {
  const found: RelatedPointer[] = [];
  for await (const page of queryPages({
    TableName: table,
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': pk, ':from': range.from, ':to': range.to },
  })) {
    for (const item of page.Items ?? []) found.push(item as unknown as RelatedPointer);
  }
  // BETWEEN includes `to` itself; the range is half-open.
  return found.filter((p) => p.receivedAt < range.to);
}
