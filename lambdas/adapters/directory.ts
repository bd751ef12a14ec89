import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  contactPk,
  directoryEventSk,
  directoryEventsPrefix,
  ESTATES_PK,
  estatePk,
  estateSk,
  estateUnitsPrefix,
  unitSk,
} from '#domain/directory/keys.ts';
import {
  type Pointer,
  type PointerKey,
  pointersMissingFrom,
  pointersOf,
} from '#domain/directory/pointers.ts';
import {
  type AddressStyle,
  type Building,
  type ContactKind,
  contactsOf,
  type Estate,
  parseUnitId,
  type Resident,
  type Stamp,
  type Unit,
} from '#domain/directory/register.ts';
import { assertItemFits } from '#domain/item-size.ts';
import {
  dynamo,
  getItems,
  putAndDeleteItems,
  putItem,
  putItems,
  queryAll,
  writeIfCondition,
} from './clients.ts';

/**
 * The estate register's storage (key design: lambdas/domain/directory/keys.ts and
 * docs/data-model.md). Everything here is a GetItem, a Query or a conditional write of the one
 * table: no Scan, no transaction (the local DynamoDB has none), no index of its own.
 *
 * Writes of a unit go in an order that keeps search and contact lookups right whatever fails
 * between them (`saveUnit`): the unit's new pointers first, then the unit (conditional on the
 * version read), then the removal of the pointers it no longer has. A pointer is only ever read
 * together with its unit and checked against it.
 */

const KEY_ATTRIBUTES = ['PK', 'SK', 'type'] as const;

function strip<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const key of KEY_ATTRIBUTES) delete copy[key];
  return copy as T;
}

// ---- Estates ---------------------------------------------------------------------------------

const estateItem = (estate: Estate) => ({
  PK: ESTATES_PK,
  SK: estateSk(estate.id),
  type: 'estate',
  ...estate,
});

/** Every estate of the register (one partition: a company has tens of estates, not thousands). */
export async function listEstates(table: string): Promise<Estate[]> {
  const items = await queryAll({
    TableName: table,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
    ExpressionAttributeValues: { ':pk': ESTATES_PK, ':sk': 'ESTATE#' },
  });
  return items.map((item) => strip<Estate>(item));
}

export async function getEstate(table: string, estateId: string): Promise<Estate | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: table, Key: { PK: ESTATES_PK, SK: estateSk(estateId) } }),
  );
  return Item ? strip<Estate>(Item) : undefined;
}

/** Stores a new estate; false when one with its id exists. */
export async function putNewEstate(table: string, estate: Estate): Promise<boolean> {
  const item = estateItem(estate);
  assertItemFits(item, `Estate ${estate.id}`);
  return writeIfCondition(
    new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }),
  );
}

/** Writes the edited estate if it is still at `version`; false when it changed meanwhile. */
export async function replaceEstate(table: string, estate: Estate, version: number): Promise<boolean> {
  const item = estateItem(estate);
  assertItemFits(item, `Estate ${estate.id}`);
  return writeIfCondition(
    new PutCommand({
      TableName: table,
      Item: item,
      ConditionExpression: 'attribute_exists(PK) AND version = :version',
      ExpressionAttributeValues: { ':version': version },
    }),
  );
}

export type BuildingWrite = { ok: true; estate: Estate } | { ok: false };

/**
 * Adds a building to its estate, or renames one, in one conditional UpdateItem of the estate's
 * `buildings` map: two staff adding buildings at once both land, a code is added once, and the
 * estate never holds more than `maxBuildings`. Raises the estate's version.
 */
export async function writeBuilding(
  table: string,
  estateId: string,
  building: Building,
  options: { readonly adding: boolean; readonly maxBuildings: number; readonly stamp: Stamp },
): Promise<BuildingWrite> {
  const condition = options.adding
    ? 'attribute_exists(PK) AND attribute_not_exists(buildings.#code) AND size(buildings) < :max'
    : 'attribute_exists(PK) AND attribute_exists(buildings.#code)';
  try {
    const { Attributes } = await dynamo().send(
      new UpdateCommand({
        TableName: table,
        Key: { PK: ESTATES_PK, SK: estateSk(estateId) },
        UpdateExpression: 'SET buildings.#code = :building, updated = :stamp ADD version :one',
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#code': building.code },
        ExpressionAttributeValues: {
          ':building': building,
          ':stamp': options.stamp,
          ':one': 1,
          ...(options.adding ? { ':max': options.maxBuildings } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ? { ok: true, estate: strip<Estate>(Attributes) } : { ok: false };
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return { ok: false };
    throw error;
  }
}

// ---- Units -----------------------------------------------------------------------------------

const unitItem = (unit: Unit) => ({
  PK: estatePk(unit.estateId),
  SK: unitSk(unit.building, unit.floor, unit.flat),
  type: 'unit',
  ...unit,
});

function unitKeyOf(unitId: string): { PK: string; SK: string } | undefined {
  const parts = parseUnitId(unitId);
  return parts
    ? { PK: estatePk(parts.estateId), SK: unitSk(parts.building, parts.floor, parts.flat) }
    : undefined;
}

export async function getUnit(table: string, unitId: string): Promise<Unit | undefined> {
  const key = unitKeyOf(unitId);
  if (!key) return undefined;
  const { Item } = await dynamo().send(new GetCommand({ TableName: table, Key: key }));
  return Item ? strip<Unit>(Item) : undefined;
}

/** Units by id, in parallel GetItems (a page of search answers at most); missing ones left out. */
export async function getUnits(table: string, unitIds: readonly string[]): Promise<Map<string, Unit>> {
  const units = await Promise.all([...new Set(unitIds)].map((id) => getUnit(table, id)));
  return new Map(units.filter((u): u is Unit => u !== undefined).map((u) => [u.id, u]));
}

/** A page of an estate's units (or a building's, by `prefix`), in building, floor, flat order. */
export async function queryEstateUnits(
  table: string,
  estateId: string,
  options: { readonly prefix: string; readonly after?: string; readonly limit: number },
): Promise<{ units: { position: string; unit: Unit }[]; more: boolean }> {
  const page = await dynamo().send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': estatePk(estateId), ':prefix': options.prefix },
      Limit: options.limit,
      ...(options.after ? { ExclusiveStartKey: { PK: estatePk(estateId), SK: options.after } } : {}),
    }),
  );
  return {
    units: (page.Items ?? []).map((item) => ({ position: String(item.SK), unit: strip<Unit>(item) })),
    more: page.LastEvaluatedKey !== undefined,
  };
}

/** Every unit of an estate (the pages of one Query of its partition): what an import compares against. */
export async function estateUnits(table: string, estateId: string): Promise<Unit[]> {
  const items = await queryAll({
    TableName: table,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': estatePk(estateId), ':prefix': estateUnitsPrefix(undefined) },
  });
  return items.map((item) => strip<Unit>(item));
}

/** A page of the contact pointers of one email, phone or fax: the units they point at. */
export async function queryContacts(
  table: string,
  options: {
    readonly kind: ContactKind;
    readonly value: string;
    readonly after?: string;
    readonly limit: number;
  },
): Promise<{ terms: { position: string; unitId: string }[]; more: boolean }> {
  const partition = contactPk(options.kind, options.value);
  const page = await dynamo().send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ProjectionExpression: 'SK, unitId',
      Limit: options.limit,
      ...(options.after ? { ExclusiveStartKey: { PK: partition, SK: options.after } } : {}),
    }),
  );
  return {
    terms: (page.Items ?? []).map((item) => ({ position: String(item.SK), unitId: String(item.unitId) })),
    more: page.LastEvaluatedKey !== undefined,
  };
}

/** A page of search terms starting with `prefix` in one term partition. */
export async function queryTerms(
  table: string,
  options: {
    readonly partition: string;
    readonly prefix: string;
    readonly after?: string;
    readonly limit: number;
  },
): Promise<{ terms: { position: string; unitId: string }[]; more: boolean }> {
  const page = await dynamo().send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': options.partition, ':prefix': options.prefix },
      ProjectionExpression: 'SK, unitId',
      Limit: options.limit,
      ...(options.after ? { ExclusiveStartKey: { PK: options.partition, SK: options.after } } : {}),
    }),
  );
  return {
    terms: (page.Items ?? []).map((item) => ({ position: String(item.SK), unitId: String(item.unitId) })),
    more: page.LastEvaluatedKey !== undefined,
  };
}

// ---- Pointers: search terms and contacts ---------------------------------------------------

/** Puts and deletes pointer items (BatchWriteItem): their writer may delete nothing else (lib/access.ts). */
export async function writePointers(
  table: string,
  changes: { readonly put: readonly Pointer[]; readonly remove: readonly PointerKey[] },
): Promise<void> {
  await putAndDeleteItems(table, changes);
}

export type UnitWrite = 'written' | 'conflict';

/**
 * Writes a unit and its pointers: a new unit (`before` undefined) only if none has its id, an
 * edited one only if it is still at `before.version`. New pointers go first and old ones go
 * last, so a failure between the steps leaves at worst a pointer too many (which its unit then
 * does not confirm), never a unit that cannot be found. A write that loses to another one takes
 * back the pointers it added (except those the winner has too).
 */
export async function saveUnit(
  table: string,
  after: Unit,
  before: Unit | undefined,
  country: AddressStyle,
): Promise<UnitWrite> {
  const item = unitItem(after);
  assertItemFits(item, `Unit ${after.id}`);
  const wanted = pointersOf(after, country);
  const had = before ? pointersOf(before, country) : [];
  const added = pointersMissingFrom(wanted, had);
  await writePointers(table, { put: added, remove: [] });
  const written = await writeIfCondition(
    new PutCommand({
      TableName: table,
      Item: item,
      ...(before
        ? {
            ConditionExpression: 'attribute_exists(PK) AND version = :version',
            ExpressionAttributeValues: { ':version': before.version },
          }
        : { ConditionExpression: 'attribute_not_exists(PK)' }),
    }),
  );
  if (!written) {
    const winner = await getUnit(table, after.id);
    const kept = winner ? pointersOf(winner, country) : [];
    await writePointers(table, { put: [], remove: pointersMissingFrom(added, kept) });
    return 'conflict';
  }
  await writePointers(table, { put: [], remove: pointersMissingFrom(had, wanted) });
  return 'written';
}

/** Runs `work` on every item, at most `concurrency` at a time; the results in the items' order. */
async function inParallel<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/**
 * BatchWriteItem's 25 items a request, this many requests at once: a bulk write's pace (20,000
 * units took 159 s one PutItem each, 82 s at 8 batches at once, 41 s at 32, bench/directory.ts).
 * 800 items in flight is within an on-demand table's first burst; what it throttles comes back
 * unprocessed and is written again (clients.ts putAndDeleteItems).
 */
const BATCH_ITEMS = 25;
const BATCHES_AT_ONCE = 32;

async function writePointersInBatches(
  table: string,
  changes: { readonly put: readonly Pointer[]; readonly remove: readonly PointerKey[] },
): Promise<void> {
  const chunks: { put: Pointer[]; remove: PointerKey[] }[] = [];
  for (let i = 0; i < changes.put.length; i += BATCH_ITEMS) {
    chunks.push({ put: changes.put.slice(i, i + BATCH_ITEMS), remove: [] });
  }
  for (let i = 0; i < changes.remove.length; i += BATCH_ITEMS) {
    chunks.push({ put: [], remove: changes.remove.slice(i, i + BATCH_ITEMS) });
  }
  await inParallel(chunks, BATCHES_AT_ONCE, (chunk) => writePointers(table, chunk));
}

export interface BulkUnitWrite {
  readonly after: Unit;
  /** The unit as read, for an edit; undefined for a new unit. */
  readonly before?: Unit;
  readonly country: AddressStyle;
}

/**
 * saveUnit() for many units at once, in the same order of steps so that lookups stay right
 * whatever fails between them: every unit's new pointers first, then the units, then the
 * pointers the written units no longer have, all by BatchWriteItem (25 a request, several
 * requests at once: one conditional PutItem a unit is five times slower). A batch has no
 * condition, so each batch of units is preceded by a read of their versions (BatchGetItem): a
 * unit that another write changed since the import read it (or created, for a new one) is not
 * written, its added pointers taken back (except those the winner has too), and answered among
 * the conflicts. What is left is a window of one round trip, where saveUnit() has none.
 */
export async function saveUnits(
  table: string,
  writes: readonly BulkUnitWrite[],
): Promise<{ written: BulkUnitWrite[]; conflicts: BulkUnitWrite[] }> {
  const planned = writes.map((write) => {
    assertItemFits(unitItem(write.after), `Unit ${write.after.id}`);
    const wanted = pointersOf(write.after, write.country);
    const had = write.before ? pointersOf(write.before, write.country) : [];
    return { write, wanted, had, added: pointersMissingFrom(wanted, had) };
  });
  await writePointersInBatches(table, { put: planned.flatMap((p) => p.added), remove: [] });
  const chunks: (typeof planned)[] = [];
  for (let i = 0; i < planned.length; i += BATCH_ITEMS) chunks.push(planned.slice(i, i + BATCH_ITEMS));
  const outcomes = (
    await inParallel(chunks, BATCHES_AT_ONCE, async (chunk) => {
      // BatchWriteItem takes no condition: each unit's version is read just before its batch,
      // and a unit another write changed (or created) since the import read it is left out.
      const found = await getItems(
        table,
        chunk.map((p) => ({
          PK: estatePk(p.write.after.estateId),
          SK: unitSk(p.write.after.building, p.write.after.floor, p.write.after.flat),
        })),
        { projection: 'SK, #version', names: { '#version': 'version' } },
      );
      const versions = new Map(found.map((item) => [String(item.SK), Number(item.version)]));
      const fresh = chunk.map((p) => {
        const now = versions.get(unitSk(p.write.after.building, p.write.after.floor, p.write.after.flat));
        return p.write.before ? now === p.write.before.version : now === undefined;
      });
      await putAndDeleteItems(table, {
        put: chunk.filter((_, i) => fresh[i]).map((p) => unitItem(p.write.after)),
        remove: [],
      });
      return fresh;
    })
  ).flat();
  const won = planned.filter((_, i) => outcomes[i]);
  const lost = planned.filter((_, i) => !outcomes[i]);
  const takenBack: PointerKey[] = [];
  for (const p of lost) {
    const winner = await getUnit(table, p.write.after.id);
    const kept = winner ? pointersOf(winner, p.write.country) : [];
    takenBack.push(...pointersMissingFrom(p.added, kept));
  }
  await writePointersInBatches(table, {
    put: [],
    remove: [...takenBack, ...won.flatMap((p) => pointersMissingFrom(p.had, p.wanted))],
  });
  return { written: won.map((p) => p.write), conflicts: lost.map((p) => p.write) };
}

// ---- Contacts → residents → units --------------------------------------------------------------

export interface ContactMatch {
  readonly unit: Unit;
  readonly resident: Resident;
}

/**
 * The residents who have this contact, with their units: what intake routes a sender's email
 * (or a fax's number) by. `value` is contactValue()'s. Each pointer is checked against its unit:
 * only residents the unit still has, with the contact still theirs, are answered.
 */
export async function residentsByContact(
  table: string,
  kind: ContactKind,
  value: string,
  country: AddressStyle,
): Promise<ContactMatch[]> {
  const pointers = await queryAll({
    TableName: table,
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': contactPk(kind, value) },
  });
  const units = await getUnits(
    table,
    pointers.map((p) => String(p.unitId)),
  );
  const matches: ContactMatch[] = [];
  for (const pointer of pointers) {
    const unit = units.get(String(pointer.unitId));
    if (!unit) continue;
    const still = contactsOf(unit, country).some(
      (c) => c.kind === kind && c.value === value && c.residentId === pointer.residentId,
    );
    const resident = unit.residents.find((r) => r.id === pointer.residentId);
    if (still && resident) matches.push({ unit, resident });
  }
  return matches;
}

// ---- Audit -----------------------------------------------------------------------------------

export interface DirectoryEvent {
  readonly estateId: string;
  /** The estate, building (`<estate>.<code>`) or unit id the line is about. */
  readonly target: string;
  readonly at: string;
  readonly actor: string;
  readonly role: string;
  readonly action:
    | 'estate-created'
    | 'estate-updated'
    | 'building-added'
    | 'building-updated'
    | 'unit-created'
    | 'unit-updated';
  readonly details?: Record<string, unknown>;
}

const eventItem = (event: DirectoryEvent) => ({
  PK: estatePk(event.estateId),
  SK: directoryEventSk(event.target, event.at, randomUUID().slice(0, 8)),
  type: 'directory-event',
  ...event,
});

/** Appends a line to the register's audit trail (in the estate's partition, by what it is about). */
export async function appendDirectoryEvent(table: string, event: DirectoryEvent): Promise<void> {
  await putItem({ TableName: table, Item: eventItem(event) });
}

/**
 * Appends many lines at once, as appendDirectoryEvent() does one (BatchWriteItem, 25 a request,
 * several requests at once): an import's line for each unit it wrote. Each line's key is new
 * (a random suffix), so an unconditional put never overwrites one.
 */
export async function appendDirectoryEvents(table: string, events: readonly DirectoryEvent[]): Promise<void> {
  const chunks: DirectoryEvent[][] = [];
  for (let i = 0; i < events.length; i += BATCH_ITEMS) chunks.push(events.slice(i, i + BATCH_ITEMS));
  await inParallel(chunks, BATCHES_AT_ONCE, (chunk) => putItems(table, chunk.map(eventItem)));
}

/** The newest audit lines about an estate, building or unit, newest first. */
export async function directoryHistory(
  table: string,
  estateId: string,
  target: string,
  limit: number,
): Promise<DirectoryEvent[]> {
  const page = await dynamo().send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': estatePk(estateId), ':prefix': directoryEventsPrefix(target) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (page.Items ?? []).map((item) => strip<DirectoryEvent>(item));
}
