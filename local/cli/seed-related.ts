import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TABLE } from '#config/table.ts';
import type { RelatedThresholds } from '#config/workflow.ts';
import type { RegisterUnitRef } from '#domain/complaint.ts';
import { ESTATES_PK, estatePk, unitSk } from '#domain/directory/keys.ts';
import { type Estate, unitIdOf } from '#domain/directory/register.ts';
import { recogniseUnit } from '#domain/directory/unit-address.ts';
import { areaMonthPk, complaintPk, RECORD_SK } from '#domain/keys.ts';
import { type RelatedPointer, relatedFlagsOf, relatedPointerItems } from '#domain/related.ts';

/**
 * `npm run seed`, after the register and the complaints: ties each seeded complaint whose
 * building and unit are in the register to its unit, as intake's routing ties an owner's email
 * (`registerUnit`), and indexes it as `openComplaint` would — its related-complaint pointers and
 * its repeat and cluster flags, computed in receiving order — so the complaint pages, the
 * report and the estates' yearly statistics have something to show in a demo. Reads the
 * complaints back from the area/month index (Query, never Scan).
 */
export interface LinkResult {
  readonly complaints: number;
  readonly linked: number;
  readonly repeats: number;
  readonly clusters: number;
  readonly ms: number;
}

interface Row {
  ref: string;
  receivedAt: string;
  area: string;
  building?: string;
  unit?: string;
  category?: string;
}

const CONCURRENCY = 8;

export async function linkSeededComplaints(
  db: DynamoDBDocumentClient,
  table: string,
  options: { months: readonly string[]; areas: readonly string[]; thresholds: RelatedThresholds; now?: Date },
): Promise<LinkResult> {
  const started = Date.now();
  const estates = (await queryAll(db, {
    TableName: table,
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': ESTATES_PK },
  })) as unknown as Estate[];
  const rows: Row[] = [];
  for (const area of options.areas) {
    for (const month of options.months) {
      rows.push(
        ...((await queryAll(db, {
          TableName: table,
          IndexName: TABLE.index.complaintsByAreaMonth.name,
          KeyConditionExpression: 'GSI2PK = :pk',
          ExpressionAttributeValues: { ':pk': areaMonthPk(area, `${month}-01`) },
          ProjectionExpression: '#ref, receivedAt, area, building, #unit, category',
          ExpressionAttributeNames: { '#ref': 'ref', '#unit': 'unit' },
        })) as unknown as Row[]),
      );
    }
  }
  // Each complaint's register unit, when its building and unit are the register's.
  const candidates = new Map<string, { row: Row; unit: RegisterUnitRef; sk: string }>();
  for (const row of rows) {
    if (!row.building || !row.unit) continue;
    const estate = estates.find((e) => e.area === row.area && row.building?.startsWith(e.name.zhHant));
    if (!estate) continue;
    const rest = row.building.slice(estate.name.zhHant.length);
    const parts = recogniseUnit(`${rest}${row.unit}`, {
      buildings: Object.values(estate.buildings).map((b) => ({ code: b.code, names: [b.name.zhHant] })),
    });
    const building = parts?.building ? estate.buildings[parts.building] : undefined;
    if (!parts || !building) continue;
    candidates.set(row.ref, {
      row,
      sk: unitSk(building.code, parts.floor, parts.flat),
      unit: {
        id: unitIdOf(estate.id, building.code, parts.floor, parts.flat),
        estateId: estate.id,
        estate: estate.name.zhHant,
        buildingCode: building.code,
        building: building.name.zhHant,
        unit: row.unit,
      },
    });
  }
  // Only units the register has (about one flat in twenty is not written in).
  const keys = [
    ...new Map(
      [...candidates.values()].map((c) => [c.unit.id, { PK: estatePk(c.unit.estateId), SK: c.sk }]),
    ).values(),
  ];
  const registered = new Set<string>();
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + 100);
    while (pending.length) {
      const answer = await db.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ProjectionExpression: 'id' } } }),
      );
      for (const item of answer.Responses?.[table] ?? []) registered.add(String(item.id));
      pending = (answer.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  const linked = [...candidates.values()]
    .filter((c) => registered.has(c.unit.id))
    .sort((a, b) => a.row.receivedAt.localeCompare(b.row.receivedAt));

  // The flags in receiving order, as each complaint would have been flagged when it opened.
  const byUnit = new Map<string, RelatedPointer[]>();
  const byBuilding = new Map<string, RelatedPointer[]>();
  const now = options.now ?? new Date();
  let repeats = 0;
  let clusters = 0;
  const writes: (() => Promise<void>)[] = [];
  const pointerItems: Record<string, unknown>[] = [];
  for (const { row, unit } of linked) {
    const record = {
      ref: row.ref,
      receivedAt: row.receivedAt,
      area: row.area,
      registerUnit: unit,
      ...(row.category ? { category: row.category } : {}),
    };
    const buildingKey = `${unit.estateId}.${unit.buildingCode}`;
    const flags = relatedFlagsOf(
      record,
      { unit: byUnit.get(unit.id) ?? [], building: byBuilding.get(buildingKey) ?? [] },
      options.thresholds,
      now,
    );
    if (flags.repeatOf?.length) repeats += 1;
    if (flags.cluster) clusters += 1;
    const items = relatedPointerItems(record);
    pointerItems.push(...items);
    const pointer = items[0] as unknown as RelatedPointer;
    byUnit.set(unit.id, [...(byUnit.get(unit.id) ?? []), pointer]);
    const inBuilding = byBuilding.get(buildingKey) ?? [];
    inBuilding.push(pointer);
    byBuilding.set(buildingKey, inBuilding);
    writes.push(async () => {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { PK: complaintPk(row.ref), SK: RECORD_SK },
          UpdateExpression: 'SET registerUnit = :unit, relatedFlags = :flags',
          ExpressionAttributeValues: { ':unit': unit, ':flags': flags },
        }),
      );
    });
  }
  for (let i = 0; i < pointerItems.length; i += 25) {
    const batch = pointerItems.slice(i, i + 25);
    writes.push(async () => {
      let pending = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length) {
        const answer = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (answer.UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    });
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < writes.length) await writes[next++]?.();
    }),
  );
  return { complaints: rows.length, linked: linked.length, repeats, clusters, ms: Date.now() - started };
}

async function queryAll(
  db: DynamoDBDocumentClient,
  input: ConstructorParameters<typeof QueryCommand>[0],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
