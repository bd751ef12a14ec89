import { getItems } from '#adapters/clients.ts';
import { getEstate, getUnits, listEstates, residentsByContact } from '#adapters/directory.ts';
import type { RegisterUnitRef } from '#domain/complaint.ts';
import { estatePk, unitSk } from '#domain/directory/keys.ts';
import {
  ADDRESS_STYLES,
  contactValue,
  type Estate,
  parseUnitId,
  type Unit,
} from '#domain/directory/register.ts';
import {
  type ContactMatch,
  MAX_UNIT_CANDIDATES,
  type Routing,
  registerUnitRef,
  routingOf,
  unitProbes,
} from '#domain/directory/register-match.ts';

/**
 * The register's part in intake and on the complaint page: which unit a sender is (their email,
 * or a fax's number), and which units a complaint's text may be about. GetItems and Queries of
 * the register's items only (lambdas/adapters/directory.ts).
 */

/** Whom a message came from, as intake knows it. */
export interface Sender {
  readonly email?: string;
  /** The number a fax gateway gave as the sender's. */
  readonly faxNumber?: string;
}

async function estatesOf(table: string, matches: readonly ContactMatch[]): Promise<Map<string, Estate>> {
  const ids = [...new Set(matches.map((m) => m.unit.estateId))];
  const estates = await Promise.all(ids.map((id) => getEstate(table, id)));
  return new Map(estates.filter((e): e is Estate => e !== undefined).map((e) => [e.id, e]));
}

/** The residents with a phone or fax number, as any of the register's countries writes it. */
async function byNumber(table: string, kind: 'fax' | 'phone', number: string): Promise<ContactMatch[]> {
  // Each style reads the number its own way, and checks the pointers it finds against the units
  // as that style writes them: an estate's numbers are confirmed by its own style's reading.
  const found = await Promise.all(
    ADDRESS_STYLES.map((style) => residentsByContact(table, kind, contactValue(kind, number, style), style)),
  );
  const seen = new Set<string>();
  return found.flat().filter((m) => {
    const key = `${m.unit.id}|${m.resident.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The unit a sender is registered at: by their email (a mailbox, as the mail limits count it),
 * else for a fax by its number — a registered fax, else a registered phone (owners fax from
 * their home line). Nothing known: `unknown` with no candidates.
 */
export async function routeSender(table: string, sender: Sender): Promise<Routing> {
  let matches: ContactMatch[] = [];
  if (sender.email) {
    matches = await residentsByContact(table, 'email', contactValue('email', sender.email, 'HK'), 'HK');
  }
  if (!matches.length && sender.faxNumber) {
    matches = await byNumber(table, 'fax', sender.faxNumber);
    if (!matches.length) matches = await byNumber(table, 'phone', sender.faxNumber);
  }
  if (!matches.length) return { kind: 'unknown', candidates: [] };
  return routingOf(matches, await estatesOf(table, matches));
}

/**
 * Units by id in one BatchGetItem (the complaint page reads its records so, and no GetItem):
 * missing ones left out.
 */
async function unitsByBatch(table: string, unitIds: readonly string[]): Promise<Map<string, Unit>> {
  const keys = [...new Set(unitIds)].flatMap((id) => {
    const parts = parseUnitId(id);
    return parts
      ? [{ PK: estatePk(parts.estateId), SK: unitSk(parts.building, parts.floor, parts.flat) }]
      : [];
  });
  const items = keys.length ? await getItems(table, keys) : [];
  return new Map(items.map((item) => [String(item.id), item as unknown as Unit]));
}

/** A unit of the register a complaint may be about, and why it is offered. */
export interface UnitSuggestion extends RegisterUnitRef {
  /** `text`: read in the complaint's text; `contact`: the sender's contact is registered there. */
  readonly source: 'text' | 'contact';
  /** What in the text named it. */
  readonly text?: string;
}

/**
 * The register units to offer staff for a complaint not yet tied to one: those its text names
 * (lambdas/domain/directory/register-match.ts unitProbes) that the register of its area has,
 * then the candidates intake kept (units the sender's contact is registered at).
 */
export async function unitSuggestions(
  table: string,
  complaint: {
    readonly area: string;
    readonly content: string;
    readonly building?: string;
    readonly unit?: string;
    readonly unitCandidates?: readonly RegisterUnitRef[];
  },
): Promise<UnitSuggestion[]> {
  const estates = (await listEstates(table)).filter((e) => e.area === complaint.area);
  // What staff wrote in the building and unit fields reads as an address too.
  const text = [complaint.building, complaint.unit, complaint.content].filter(Boolean).join(' ');
  const probes = estates.length ? unitProbes(text, estates) : [];
  const units = await unitsByBatch(
    table,
    probes.map((p) => p.unitId),
  );
  const byId = new Map(estates.map((e) => [e.id, e]));
  const suggestions: UnitSuggestion[] = [];
  for (const probe of probes) {
    const unit = units.get(probe.unitId);
    const estate = unit && byId.get(unit.estateId);
    if (!unit || !estate || unit.area !== complaint.area) continue;
    suggestions.push({ ...registerUnitRef(unit, estate), source: 'text', text: probe.text });
  }
  // A candidate of another area is offered there, once the complaint is moved.
  for (const candidate of complaint.unitCandidates ?? []) {
    if (byId.has(candidate.estateId) && !suggestions.some((s) => s.id === candidate.id)) {
      suggestions.push({ ...candidate, source: 'contact' });
    }
  }
  return suggestions.slice(0, MAX_UNIT_CANDIDATES);
}

/** A register unit by id with its names, when it exists and is in `area` (undefined else). */
export async function registerUnitIn(
  table: string,
  unitId: string,
  area: string,
): Promise<RegisterUnitRef | undefined> {
  const unit = (await getUnits(table, [unitId])).get(unitId);
  if (!unit || unit.area !== area) return undefined;
  const estate = await getEstate(table, unit.estateId);
  return estate && estate.area === area ? registerUnitRef(unit, estate) : undefined;
}
