import { DIRECTORY_LIMITS } from '../fields.ts';
import { foldForMatch, foldScript, foldWidth } from './fold.ts';
import { contactSk, estateUnitsPrefix, termPk, termSk, unitSk } from './keys.ts';
import {
  type AddressStyle,
  type ContactKind,
  canonicalPhone,
  contactsOf,
  contactValue,
  type Estate,
  nationalPhone,
  type RegisterNames,
  type Unit,
  unitIdOf,
  unitLabel,
} from './register.ts';
import { type BuildingHint, parseUnitQuery, recogniseUnit, type UnitParts } from './unit-address.ts';

/**
 * Searching the register without a Scan (docs/data-model.md, "Estate register"): what a query
 * reads (its sources, in order), and what a unit must be to be an answer. Pure; the adapter
 * (lambdas/adapters/directory.ts) runs the sources and pages through them.
 *
 * The register keeps a search term for each resident's name (in partitions by area and the
 * term's first two characters), and a contact pointer for each email, phone and fax. A query is
 * read as, in this order:
 * 1. estates it names (海濱花園, Laguna City): the search stays within them;
 * 2. a building of those estates it names (第三座, 金星閣, Block 3);
 * 3. a unit (12樓B室, Flat B 12/F, 12B, 1502): one GetItem for each building it can be in;
 * 4. an email, or a phone number typed whole: the contact pointers, exactly;
 * 5. else, with nothing left, the estate's (or building's) units in order;
 * 6. else the first word left is looked up as the start of a resident's name (陳大, wong), and
 *    every other word must appear somewhere on the unit (its estate, building, label,
 *    residents' names, phones, emails). Estates whose name starts with the query come first.
 * A term item only points at a unit: each unit read is checked against the query again, so a
 * term left behind by an edit never answers, and a unit found under several terms is answered
 * once, at the first of them (`firstPosition`).
 */

/** What a query reads, one after the other. */
export type Source =
  /** One unit, by id (estate, building, floor and flat all known). */
  | { readonly kind: 'unit'; readonly unitId: string; readonly estateId: string }
  /** An estate's units, or one building's, in building, floor and flat order. */
  | { readonly kind: 'estate'; readonly estateId: string; readonly prefix: string }
  /** The search terms of an area starting with `prefix`. */
  | { readonly kind: 'terms'; readonly area: string; readonly partition: string; readonly prefix: string }
  /** The residents with this email, phone or fax (contactValue()'s value), whatever their area. */
  | { readonly kind: 'contact'; readonly contact: ContactKind; readonly value: string };

export interface SearchPlan {
  readonly sources: readonly Source[];
  /** A unit answers only in these areas (contacts are looked up across areas). */
  readonly areas: ReadonlySet<string>;
  /** A unit answers only when it is in one of these estates (undefined: any the caller sees). */
  readonly estateIds?: ReadonlySet<string>;
  /** …and in this building (a code) of its estate. */
  readonly building?: string;
  /** …and every one of these folded words appears on it. */
  readonly words: readonly string[];
}

export interface SearchScope {
  /** The areas the caller may search, in order. */
  readonly areas: readonly string[];
  /** The estates of those areas (already narrowed by an `estate` filter, if any). */
  readonly estates: readonly Estate[];
  /** An `estate` filter was given: only `estates`, even for a query that names none. */
  readonly estateFilter?: boolean;
  /** A `building` filter (a code), with `estateFilter`. */
  readonly building?: string;
}

/** A query's words must say something: one character finds a tenth of Hong Kong's surnames. */
export const MIN_QUERY_CHARS = 2;

/** The text a name is compared in, positions kept (width, script and case folded only). */
function foldKeepingPositions(text: string): string {
  return foldScript(foldWidth(text)).toLowerCase();
}

function namesOf(names: RegisterNames): string[] {
  return [names.zhHant, names.zhHans, names.en].filter((n): n is string => Boolean(n?.trim()));
}

/** Cuts every occurrence of the names out of `text` (by position: `folded` is `text` folded). */
function cutNames(
  text: string,
  folded: string,
  names: readonly string[],
): { text: string; folded: string; found: boolean } {
  let out = text;
  let outFolded = folded;
  let found = false;
  for (const name of [...names].sort((a, b) => b.length - a.length)) {
    const probe = foldKeepingPositions(name).trim();
    if (probe.length < 2) continue;
    let at = outFolded.indexOf(probe);
    while (at >= 0) {
      found = true;
      const blank = ' '.repeat(probe.length);
      out = `${out.slice(0, at)}${blank}${out.slice(at + probe.length)}`;
      outFolded = `${outFolded.slice(0, at)}${blank}${outFolded.slice(at + probe.length)}`;
      at = outFolded.indexOf(probe);
    }
  }
  return { text: out, folded: outFolded, found };
}

/** The plan of a query (see the module's comment); a query of no words reads nothing. */
export function planSearch(query: string, scope: SearchScope): SearchPlan {
  let text = query.slice(0, DIRECTORY_LIMITS.query);
  let folded = foldKeepingPositions(text);
  let estates = [...scope.estates];
  let narrowed = scope.estateFilter === true;

  // 1. Estates named.
  const named = estates.filter((estate) => {
    const cut = cutNames(text, folded, namesOf(estate.name));
    return cut.found;
  });
  if (named.length) {
    for (const estate of named) ({ text, folded } = cutNames(text, folded, namesOf(estate.name)));
    estates = named;
    narrowed = true;
  }

  // 2. A building of those estates named (only when the estates are known).
  let building = scope.building;
  if (narrowed && !building) {
    for (const estate of estates) {
      for (const candidate of Object.values(estate.buildings)) {
        const cut = cutNames(text, folded, namesOf(candidate.name));
        if (cut.found) {
          ({ text, folded } = cut);
          building = candidate.code;
          break;
        }
      }
      if (building) break;
    }
  }

  // 3. A unit.
  const hints: BuildingHint[] = estates.flatMap((estate) =>
    Object.values(estate.buildings).map((b) => ({ code: b.code, names: namesOf(b.name) })),
  );
  const written = narrowed ? recogniseUnit(text, { buildings: hints }) : recogniseUnit(text);
  let unit: UnitParts | undefined;
  if (written) {
    unit = written;
    text = `${text.slice(0, written.start)}${' '.repeat(written.end - written.start)}${text.slice(written.end)}`;
  } else {
    unit = parseUnitQuery(text);
    if (unit) text = '';
  }
  if (unit?.building) building = unit.building;
  const estateIds = narrowed ? new Set(estates.map((e) => e.id)) : undefined;
  const areas = new Set(estateIds ? estates.map((e) => e.area) : scope.areas);
  const filters = { areas, ...(estateIds ? { estateIds } : {}), ...(building ? { building } : {}) };

  if (unit?.flat !== undefined || (unit && building)) {
    // Each estate of the scope holding the building (or, with none named, each of its
    // buildings) has the unit at one id: a GetItem each, no index.
    const parts = unit;
    const sources: Source[] = estates.flatMap((estate) =>
      Object.values(estate.buildings)
        .filter((candidate) => !building || candidate.code === building)
        .map(
          (candidate): Source => ({
            kind: 'unit',
            estateId: estate.id,
            unitId: unitIdOf(estate.id, candidate.code, parts.floor, parts.flat),
          }),
        ),
    );
    const others = foldForMatch(text)
      .split(' ')
      .filter((word) => word.length > 0);
    return { sources, ...filters, words: others };
  }

  // An email or a phone number, typed whole: the contact lookup.
  const left = text.trim();
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(left)) {
    return {
      sources: [{ kind: 'contact', contact: 'email', value: contactValue('email', left, 'HK') }],
      ...filters,
      words: [],
    };
  }
  if (/^\+?[\d\s()-]+$/.test(left) && left.replace(/\D/g, '').length >= 7) {
    const styles = [...new Set(estates.filter((e) => areas.has(e.area)).map((e) => e.style))];
    const values = [
      ...new Set((styles.length ? styles : (['HK'] as const)).map((style) => canonicalPhone(left, style))),
    ];
    const sources = values.flatMap((value) =>
      (['phone', 'fax'] as const).map((contact): Source => ({ kind: 'contact', contact, value })),
    );
    return { sources, ...filters, words: [] };
  }

  const words = foldForMatch(text)
    .split(' ')
    .filter((word) => word.length > 0);
  if (words.length === 0) {
    if (!narrowed) return { sources: [], ...filters, words };
    const sources = estates.map(
      (estate): Source => ({ kind: 'estate', estateId: estate.id, prefix: estateUnitsPrefix(building) }),
    );
    return { sources, ...filters, words };
  }

  const [first, ...rest] = words;
  const driver = first ?? '';
  const sources: Source[] = [];
  // Type-ahead on an estate's name: its units first.
  if (!narrowed && words.length === 1) {
    for (const estate of estates) {
      if (namesOf(estate.name).some((name) => foldForMatch(name).startsWith(driver))) {
        sources.push({ kind: 'estate', estateId: estate.id, prefix: estateUnitsPrefix(undefined) });
      }
    }
  }
  if ([...driver].length >= MIN_QUERY_CHARS) {
    for (const area of areas) {
      sources.push({ kind: 'terms', area, partition: termPk(area, driver), prefix: driver });
    }
  }
  return { sources, ...filters, words: rest };
}

// ---- A unit's terms and text ---------------------------------------------------------------

export interface SearchTerm {
  readonly term: string;
  /** The resident the term is about; `-` for the unit's own. */
  readonly residentId: string;
}

/** Longest term kept: enough for a name or an address; longer ones are found by their start. */
const MAX_TERM_CHARS = 60;

/** A name's terms: the whole name, and from each word on (`siu ming` of `wong siu ming`). */
export function nameTerms(name: string): string[] {
  const folded = foldForMatch(name);
  const words = folded.split(' ').filter(Boolean);
  const terms = new Set<string>();
  for (let i = 0; i < words.length; i++) terms.add(words.slice(i).join(' '));
  return [...terms]
    .map((term) => [...term].slice(0, MAX_TERM_CHARS).join(''))
    .filter((term) => [...term].length >= MIN_QUERY_CHARS);
}

/**
 * Every term a unit is found by: its residents' names (see nameTerms). Phones, faxes and emails
 * are found through the contact pointers, exactly; a unit by its id.
 */
export function searchTermsOf(unit: Pick<Unit, 'residents'>): SearchTerm[] {
  const terms = new Map<string, SearchTerm>();
  for (const resident of unit.residents) {
    for (const term of nameTerms(resident.name)) {
      const clean = term.replaceAll('|', ' ');
      terms.set(`${clean}|${resident.id}`, { term: clean, residentId: resident.id });
    }
  }
  return [...terms.values()];
}

/** Everything written on a unit, folded: what the query's other words must each be found in. */
export function unitText(unit: Unit, estate: Estate): string {
  const building = estate.buildings[unit.building];
  const parts = [
    ...namesOf(estate.name),
    ...(building ? namesOf(building.name) : []),
    unit.building,
    unitLabel(unit, estate.style, 'zh-Hant'),
    unitLabel(unit, estate.style, 'en'),
    `${unit.floor}${unit.flat ?? ''}`,
    `${unit.floor}-${unit.flat ?? ''}`,
  ];
  for (const resident of unit.residents) {
    parts.push(resident.name, ...resident.emails);
    for (const phone of [...resident.phones, ...resident.faxes]) {
      const international = canonicalPhone(phone, estate.style);
      parts.push(international, nationalPhone(international));
    }
  }
  return parts.map(foldForMatch).join('\n');
}

/**
 * The positions at which a source holds a unit (sort keys, or the unit's id), sorted: where the
 * adapter may meet it. Empty when the source does not hold it.
 */
export function positionsIn(source: Source, unit: Unit, country: AddressStyle): string[] {
  if (source.kind === 'unit') return source.unitId === unit.id ? [unit.id] : [];
  if (source.kind === 'estate') {
    if (source.estateId !== unit.estateId) return [];
    const sk = unitSk(unit.building, unit.floor, unit.flat);
    return sk.startsWith(source.prefix) ? [sk] : [];
  }
  if (source.kind === 'contact') {
    return contactsOf(unit, country)
      .filter((c) => c.kind === source.contact && c.value === source.value)
      .map((c) => contactSk(unit.id, c.residentId))
      .sort();
  }
  if (source.area !== unit.area) return [];
  return searchTermsOf(unit)
    .filter(({ term }) => termPk(unit.area, term) === source.partition)
    .map(({ term, residentId }) => termSk(term, unit.id, residentId))
    .filter((sk) => sk.startsWith(source.prefix))
    .sort();
}

/** Whether a unit answers the plan at all (estates, building, every other word). */
export function answers(plan: SearchPlan, unit: Unit, estate: Estate): boolean {
  if (!plan.areas.has(unit.area)) return false;
  if (plan.estateIds && !plan.estateIds.has(unit.estateId)) return false;
  if (plan.building && unit.building !== plan.building) return false;
  if (plan.words.length === 0) return true;
  const written = unitText(unit, estate);
  return plan.words.every(
    (word) => written.includes(word) || written.includes(word.replace(/\D/g, '') || '\u0000'),
  );
}

/**
 * Whether the unit, met in source `index` at `position`, is answered there: it answers the plan,
 * and this is the first place of the plan's sources that holds it (so a unit under two terms, or
 * under an estate and a term, is answered once, whichever page each is on).
 */
export function answeredAt(
  plan: SearchPlan,
  index: number,
  position: string,
  unit: Unit,
  estate: Estate,
): boolean {
  if (!answers(plan, unit, estate)) return false;
  for (let i = 0; i < plan.sources.length; i++) {
    const source = plan.sources[i];
    if (!source) continue;
    const positions = positionsIn(source, unit, estate.style);
    if (positions.length === 0) continue;
    return i === index && positions[0] === position;
  }
  return false;
}
