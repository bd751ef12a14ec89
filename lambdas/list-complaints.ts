import * as z from 'zod';
import { overdueTasksFor, queryAreaMonth } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { CATEGORY_IDS, CHANNELS } from '#config/catalogue.ts';
import { STAFF_ROLES } from '#config/roles.ts';
import { TABLE } from '#config/table.ts';
import { isOwnDepartmentsWork, mayListOwnerContacts, visibleAreas } from '#domain/access.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { fieldErrors } from '#domain/complaint.ts';
import { complaintListItem } from '#domain/complaint-list.ts';
import { decodeCursor, encodeCursor } from '#domain/cursor.ts';
import { ForbiddenError, ValidationError } from '#domain/errors.ts';
import { areaMonthPk } from '#domain/keys.ts';
import { MAX_QUERY_CHARS, parseQuery, searchSk } from '#domain/search.ts';
import { searchComplaints } from '#services/complaint-search.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const AREA_MONTH_INDEX = TABLE.index.complaintsByAreaMonth.name;
const OPEN_TASKS_INDEX = TABLE.index.openTasksByRoleArea.name;
/** How far back the list reaches; older complaints are in the periodic reports. */
const MONTHS_BACK = 24;
/** No complaint is older than the product. */
const EARLIEST = '2000-01-01T00:00:00.000Z';

const Query = z
  .object({
    status: z.enum(['open', 'closed']).optional(),
    area: z.string().optional(),
    channel: z.enum(CHANNELS).optional(),
    category: z.enum(CATEGORY_IDS).optional(),
    /** `true`: only complaints with an overdue step; `false`: only those without. */
    overdue: z.enum(['true', 'false']).optional(),
    /** Words, a reference, a phone number or an email: domain/search.ts. */
    q: z.string().max(MAX_QUERY_CHARS, `Search for at most ${MAX_QUERY_CHARS} characters`).optional(),
    /** Received on or after this company date (Hong Kong), YYYY-MM-DD. */
    from: z.iso.date('Give the first day as YYYY-MM-DD').optional(),
    /** Received on or before this company date, YYYY-MM-DD. */
    to: z.iso.date('Give the last day as YYYY-MM-DD').optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    /** Opaque (#domain/cursor.ts): where the previous page ended. */
    nextToken: z.string().optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    path: ['to'],
    message: 'The last day is before the first day: give a last day on or after it',
  });

/** Company dates are Hong Kong's (UTC+8 all year, as domain/business-calendar.ts): a day's first instant in UTC. */
const COMPANY_OFFSET_MS = 8 * 3_600_000;
const dayStart = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) - COMPANY_OFFSET_MS).toISOString();
const dayAfter = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000 - COMPANY_OFFSET_MS).toISOString();

/** Where a page ended: the last item's time of receipt and reference (two may share a time). */
const Position = z
  .object({
    at: z.iso.datetime().refine((at) => at >= EARLIEST && Date.parse(at) <= Date.now() + 86_400_000),
    ref: z.string().max(40),
  })
  .strict();
const CURSOR_KIND = 'complaints';

/**
 * `GET /api/complaints?status=&area=&channel=&category=&overdue=`: newest first, paged. Reads
 * the area/month index month by month (Query, never Scan), in the caller's area — every area
 * for head-office roles. Each item says whether a step of it is overdue, and since when (from the
 * open-tasks index, read only up to now: the overdue tasks, few by design), and carries what the
 * CSV export writes (domain/complaint-list.ts).
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const parsed = Query.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const query = parsed.data;
  const after = query.nextToken ? decodeCursor(CURSOR_KIND, query.nextToken, Position) : undefined;
  const visible = visibleAreas(caller);
  if (query.area && !visible.includes(query.area))
    throw new ForbiddenError(`You cannot list complaints of ${query.area}`);
  const areas = query.area ? [query.area] : visible;
  const now = new Date();
  // A complaint has one open task: the overdue ones, by complaint.
  const overdueTasks = new Map(
    (
      await Promise.all(
        areas.flatMap((area) =>
          STAFF_ROLES.map((role) => overdueTasksFor(TABLE_NAME, OPEN_TASKS_INDEX, role, area, now)),
        ),
      )
    )
      .flat()
      .map((task) => [task.ref, task]),
  );
  const newestFirst = (a: ComplaintRecord, b: ComplaintRecord) =>
    b.receivedAt.localeCompare(a.receivedAt) || b.ref.localeCompare(a.ref);
  const since = query.from ? dayStart(query.from) : EARLIEST;
  const before = query.to ? dayAfter(query.to) : undefined;
  // A department's people list their own department's complaints only.
  const filters = (r: ComplaintRecord) =>
    isOwnDepartmentsWork(caller, r) &&
    (!query.status || r.status === query.status) &&
    (!query.channel || r.channel === query.channel) &&
    (!query.category || r.category === query.category) &&
    (!query.overdue || overdueTasks.has(r.ref) === (query.overdue === 'true'));
  const listed = (records: readonly ComplaintRecord[], nextPosition?: { at: string; ref: string }) =>
    json(200, {
      items: records.map((r) =>
        complaintListItem(r, {
          overdueTask: overdueTasks.get(r.ref),
          withContacts: mayListOwnerContacts(caller),
        }),
      ),
      ...(nextPosition ? { nextToken: encodeCursor(CURSOR_KIND, nextPosition) } : {}),
    });

  if (query.q !== undefined) {
    const parsedQuery = parseQuery(query.q);
    if (!parsedQuery.ok) throw new ValidationError([{ field: 'q', message: parsedQuery.message }]);
    const cursor = after ? searchSk(after.at, after.ref) : undefined;
    // The index's sort keys are `receivedAt#ref`: `~` sorts after every reference character.
    const ceiling = before ? `${before}` : `${new Date(now.getTime() + 86_400_000).toISOString()}~`;
    const result = await searchComplaints({
      table: TABLE_NAME,
      areas,
      query: parsedQuery.query,
      range: { below: cursor && cursor < ceiling ? cursor : ceiling, atLeast: since },
      limit: query.limit,
      keep: filters,
    });
    return listed(result.records, result.next);
  }

  const matches = (r: ComplaintRecord) =>
    filters(r) &&
    r.receivedAt >= since &&
    (!before || r.receivedAt < before) &&
    (!after || r.receivedAt < after.at || (r.receivedAt === after.at && r.ref < after.ref));

  const items: ComplaintRecord[] = [];
  // Newest month first: from the page's cursor, or the range's last day, or now.
  const startAt = [after?.at, before, now.toISOString()]
    .filter((at): at is string => at !== undefined)
    .sort()[0] as string;
  const start = new Date(startAt);
  const firstMonth = since.slice(0, 7);
  for (let back = 0; back < MONTHS_BACK && items.length <= query.limit; back++) {
    const month = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - back, 15)).toISOString();
    if (month.slice(0, 7) < firstMonth) break;
    for (const area of areas) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await queryAreaMonth(TABLE_NAME, AREA_MONTH_INDEX, areaMonthPk(area, month), {
          limit: 200,
          ...(startKey ? { startKey } : {}),
        });
        items.push(...page.items.filter(matches));
        startKey = page.lastKey;
      } while (startKey);
    }
  }
  items.sort(newestFirst);
  const page = items.slice(0, query.limit);
  const last = page[page.length - 1];
  return listed(
    page,
    items.length > query.limit && last ? { at: last.receivedAt, ref: last.ref } : undefined,
  );
}, apiErrors());
