import * as z from 'zod';
import { overdueTasksFor, queryAreaMonth } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { CATEGORY_IDS, CHANNELS } from '#config/catalogue.ts';
import { STAFF_ROLES } from '#config/roles.ts';
import { TABLE } from '#config/table.ts';
import { visibleAreas } from '#domain/access.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { fieldErrors } from '#domain/complaint.ts';
import { decodeCursor, encodeCursor } from '#domain/cursor.ts';
import { ForbiddenError, ValidationError } from '#domain/errors.ts';
import { areaMonthPk } from '#domain/keys.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const AREA_MONTH_INDEX = TABLE.index.complaintsByAreaMonth.name;
const OPEN_TASKS_INDEX = TABLE.index.openTasksByRoleArea.name;
/** How far back the list reaches; older complaints are in the periodic reports. */
const MONTHS_BACK = 24;
/** No complaint is older than the product. */
const EARLIEST = '2000-01-01T00:00:00.000Z';

const Query = z.object({
  status: z.enum(['open', 'closed']).optional(),
  area: z.string().optional(),
  channel: z.enum(CHANNELS).optional(),
  category: z.enum(CATEGORY_IDS).optional(),
  /** `true`: only complaints with an overdue step; `false`: only those without. */
  overdue: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  /** Opaque (#domain/cursor.ts): where the previous page ended. */
  nextToken: z.string().optional(),
});

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
 * for head-office roles. Each item says whether a step of it is overdue (from the open-tasks
 * index, read only up to now: the overdue tasks, few by design).
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
  const overdueRefs = new Set(
    (
      await Promise.all(
        areas.flatMap((area) =>
          STAFF_ROLES.map((role) => overdueTasksFor(TABLE_NAME, OPEN_TASKS_INDEX, role, area, now)),
        ),
      )
    )
      .flat()
      .map((task) => task.ref),
  );
  const newestFirst = (a: ComplaintRecord, b: ComplaintRecord) =>
    b.receivedAt.localeCompare(a.receivedAt) || b.ref.localeCompare(a.ref);
  const matches = (r: ComplaintRecord) =>
    (!query.status || r.status === query.status) &&
    (!query.channel || r.channel === query.channel) &&
    (!query.category || r.category === query.category) &&
    (!query.overdue || overdueRefs.has(r.ref) === (query.overdue === 'true')) &&
    (!after || r.receivedAt < after.at || (r.receivedAt === after.at && r.ref < after.ref));

  const items: ComplaintRecord[] = [];
  const start = after ? new Date(after.at) : now;
  for (let back = 0; back < MONTHS_BACK && items.length <= query.limit; back++) {
    const month = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - back, 15)).toISOString();
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
  return json(200, {
    items: page.map((r) => ({
      ref: r.ref,
      receivedAt: r.receivedAt,
      channel: r.channel,
      area: r.area,
      building: r.building,
      unit: r.unit,
      category: r.category,
      status: r.status,
      currentStep: r.currentStep,
      outcome: r.outcome,
      ownerName: r.owner.name,
      overdue: overdueRefs.has(r.ref),
    })),
    ...(items.length > query.limit && last
      ? { nextToken: encodeCursor(CURSOR_KIND, { at: last.receivedAt, ref: last.ref }) }
      : {}),
  });
}, apiErrors());
