import type { Language, RegisterUnitRef } from '../complaint.ts';
import { foldScript, foldWidth } from './fold.ts';
import { type Estate, nameIn, type Resident, type Unit, unitIdOf, unitLabel } from './register.ts';
import { type BuildingHint, recogniseUnits } from './unit-address.ts';

/**
 * Tying a complaint to the estate register: by who sent it (intake matches the sender's email,
 * or a fax's number, to a registered resident), and by what it says (the building and unit the
 * owner wrote, read by the recogniser and looked up in the register of the complaint's area).
 * Pure: the adapter (lambdas/adapters/directory.ts) reads the contacts and units.
 */

/** The most units a complaint keeps as candidates, or offers as suggestions. */
export const MAX_UNIT_CANDIDATES = 10;
/** The most register units one complaint's text is looked up at (a GetItem each). */
export const MAX_SUGGESTION_PROBES = 40;

/** A register unit as a complaint points at it, with the names as they are now (繁體). */
export function registerUnitRef(unit: Unit, estate: Estate): RegisterUnitRef {
  const building = estate.buildings[unit.building];
  return {
    id: unit.id,
    estateId: estate.id,
    estate: nameIn(estate.name, 'zh-Hant'),
    buildingCode: unit.building,
    building: building ? nameIn(building.name, 'zh-Hant') : unit.building,
    unit: unitLabel(unit, estate.style, 'zh-Hant'),
  };
}

/** One registered resident with the contact intake knows, and the unit they are of. */
export interface ContactMatch {
  readonly unit: Unit;
  readonly resident: Resident;
}

/** What intake made of a sender: the one unit, or the candidates, or nothing. */
export type Routing =
  | {
      readonly kind: 'matched';
      readonly area: string;
      readonly registerUnit: RegisterUnitRef;
      readonly resident: Resident;
    }
  | { readonly kind: 'unknown'; readonly candidates: readonly RegisterUnitRef[] };

/**
 * The unit a sender's registered contact points at. One unit (however many of its residents
 * share the contact): the complaint is that unit's, in its area, and the owner the resident —
 * the owner when both an owner and a tenant have it. Several units (a landlord of two flats, a
 * family email): reception picks one of them, so the complaint stays where it was sent.
 */
export function routingOf(matches: readonly ContactMatch[], estates: ReadonlyMap<string, Estate>): Routing {
  const byUnit = new Map<string, ContactMatch[]>();
  for (const match of matches) {
    if (!estates.has(match.unit.estateId)) continue;
    byUnit.set(match.unit.id, [...(byUnit.get(match.unit.id) ?? []), match]);
  }
  const units = [...byUnit.values()];
  const first = units[0];
  if (units.length === 1 && first) {
    const resident = first.find((m) => m.resident.role === 'owner')?.resident ?? first[0]?.resident;
    const unit = first[0]?.unit;
    const estate = unit && estates.get(unit.estateId);
    if (resident && unit && estate) {
      return { kind: 'matched', area: unit.area, registerUnit: registerUnitRef(unit, estate), resident };
    }
  }
  const candidates = units
    .flatMap((group) => {
      const unit = group[0]?.unit;
      const estate = unit && estates.get(unit.estateId);
      return unit && estate ? [registerUnitRef(unit, estate)] : [];
    })
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }))
    .slice(0, MAX_UNIT_CANDIDATES);
  return { kind: 'unknown', candidates };
}

/**
 * The owner of an intake complaint from the resident matched: the registered name, the
 * sender's address kept (it is what they wrote from), and the resident's language, which every
 * notice to the owner is written in. A fax's owner gets the resident's contacts, since the
 * gateway gave none.
 */
export function ownerFromResident(
  owner: { readonly name: string; readonly email?: string; readonly phone?: string },
  resident: Resident,
): { name: string; email?: string; phone?: string; language: Language } {
  const email = owner.email ?? resident.emails[0];
  const phone = owner.phone ?? resident.phones[0];
  return {
    name: resident.name,
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    language: resident.language,
  };
}

/** A register unit the complaint's text may mean: its id, and what in the text said so. */
export interface UnitProbe {
  readonly unitId: string;
  readonly estateId: string;
  readonly text: string;
}

const namesOf = (names: { zhHant: string; zhHans?: string; en?: string }) =>
  [names.zhHant, names.zhHans, names.en].filter((n): n is string => Boolean(n?.trim()));

const foldName = (text: string) => foldScript(foldWidth(text)).toLowerCase();

/**
 * The register units a complaint's text may be about, most likely first: each unit the
 * recogniser reads (in the order it ranks them), at each estate of the area that has its
 * building — only the estates the text names when it names any (麗港城第五座18樓A室), only
 * those whose building has the name written when one has (金星閣15樓C室), and each
 * of an estate's buildings when the text gives none (18樓A室). At most MAX_SUGGESTION_PROBES,
 * each one GetItem; a probe finds nothing when no such unit is registered.
 */
export function unitProbes(text: string, estates: readonly Estate[]): UnitProbe[] {
  const folded = foldName(text);
  const named = estates.filter((estate) =>
    namesOf(estate.name).some((name) => name.trim().length >= 2 && folded.includes(foldName(name.trim()))),
  );
  const scope = named.length ? named : estates;
  const hints: BuildingHint[] = scope.flatMap((estate) =>
    Object.values(estate.buildings).map((b) => ({ code: b.code, names: namesOf(b.name) })),
  );
  const probes: UnitProbe[] = [];
  const seen = new Set<string>();
  for (const written of recogniseUnits(text, { buildings: hints })) {
    // A building written by its register name (金星閣, 第五座) is that estate's: the same code
    // elsewhere, named otherwise, is another building.
    const said = foldName(written.text);
    const namedBy = (estate: Estate, code: string) =>
      namesOf(estate.buildings[code]?.name ?? { zhHant: '' }).some(
        (name) => name.trim().length >= 2 && said.includes(foldName(name.trim())),
      );
    const byName = written.building
      ? scope.filter((estate) => namedBy(estate, written.building as string))
      : [];
    for (const estate of byName.length ? byName : scope) {
      const codes = written.building
        ? estate.buildings[written.building]
          ? [written.building]
          : []
        : Object.keys(estate.buildings);
      for (const code of codes) {
        const unitId = unitIdOf(estate.id, code, written.floor, written.flat);
        if (seen.has(unitId)) continue;
        seen.add(unitId);
        probes.push({ unitId, estateId: estate.id, text: written.text });
        if (probes.length >= MAX_SUGGESTION_PROBES) return probes;
      }
    }
  }
  return probes;
}
