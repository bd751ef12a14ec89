import * as z from 'zod';
import { AREAS, areaById } from '#config/areas.ts';
import { LANGUAGES, type Language, OwnerEmail, OwnerPhone } from '../complaint.ts';
import {
  BUILDING_CODE_PATTERN,
  ESTATE_ID_PATTERN,
  FLAT_PATTERN,
  DIRECTORY_LIMITS as LIMITS,
} from '../fields.ts';
import { lazily } from '../lazy.ts';
import { mailboxOf } from '../mail/limits.ts';
import { textString } from '../text.ts';
import { foldScript } from './fold.ts';
import { canonicalBuilding, canonicalFlat, canonicalFloor, recogniseUnits, unitKey } from './unit-address.ts';

/**
 * The estate register: estates (屋苑 / 小區, each in one area), their buildings (座 / 棟), the
 * units of a building (floor and flat), the owners and tenants of a unit with their contacts,
 * and each estate's owners' organisations (業主立案法團 / 業委會 / 管委會). Pure: the types,
 * what the API accepts (zod, with the limits of lambdas/domain/fields.ts), and what is derived
 * from them — ids, labels, contact keys. Stored by lambdas/adapters/directory.ts; the key design
 * and access patterns are in docs/data-model.md.
 *
 * A unit's identity is its address: `<estate id>.<building code>.<floor>[-<flat>]`, e.g.
 * `laguna-city.5.18-A`. Two records of one flat cannot exist (the id is the key), a re-import of
 * the same row finds the same unit, and a complaint's `unit.id` reads as an address. Floor and
 * flat are therefore fixed once a unit exists (a wrong one is a unit that does not exist: create
 * the right one); the label, the residents and their contacts are edited.
 */

/** A name in the register's languages: 繁體 always, 简体 and English where the estate has them. */
export interface RegisterNames {
  readonly zhHant: string;
  readonly zhHans?: string;
  readonly en?: string;
}

/** How an estate writes its units (12樓B室 / 7樓之2 / 1502室), by where it is. */
export const ADDRESS_STYLES = ['HK', 'TW', 'CN'] as const;
export type AddressStyle = (typeof ADDRESS_STYLES)[number];

/** Owners' organisations: 業主立案法團 (HK), 管理委員會 (TW), 業主委員會 (CN), or a residents' association. */
export const ORGANISATION_KINDS = [
  'owners-corporation',
  'management-committee',
  'owners-committee',
  'residents-association',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const ORGANISATION_KIND_NAMES: Record<
  OrganisationKind,
  { en: string; zhHant: string; zhHans: string }
> = {
  'owners-corporation': { en: 'Owners’ corporation', zhHant: '業主立案法團', zhHans: '业主立案法团' },
  'management-committee': { en: 'Management committee', zhHant: '管理委員會', zhHans: '管理委员会' },
  'owners-committee': { en: 'Owners’ committee', zhHant: '業主委員會', zhHans: '业主委员会' },
  'residents-association': { en: 'Residents’ association', zhHant: '居民協會', zhHans: '居民协会' },
};

export const RESIDENT_ROLES = ['owner', 'tenant'] as const;
export type ResidentRole = (typeof RESIDENT_ROLES)[number];

export interface Organisation {
  readonly id: string;
  readonly kind: OrganisationKind;
  readonly name: RegisterNames;
  readonly email?: string;
  readonly phone?: string;
  /** The language its statistics and letters are written in. */
  readonly language: Language;
}

export interface Building {
  readonly code: string;
  readonly name: RegisterNames;
}

/** Who changed a register item last, and when. */
export interface Stamp {
  readonly by: string;
  readonly role: string;
  readonly at: string;
}

export interface Estate {
  readonly id: string;
  readonly area: string;
  readonly name: RegisterNames;
  readonly address?: RegisterNames;
  readonly style: AddressStyle;
  /** Buildings by code. */
  readonly buildings: Readonly<Record<string, Building>>;
  readonly organisations: readonly Organisation[];
  /** Raised by every change, buildings included; an edit of the estate names the one it read. */
  readonly version: number;
  readonly created: Stamp;
  readonly updated: Stamp;
}

export interface Resident {
  readonly id: string;
  readonly name: string;
  readonly role: ResidentRole;
  /** As typed, checked against the phone pattern; compared by canonicalPhone(). */
  readonly phones: readonly string[];
  /** Lower case. */
  readonly emails: readonly string[];
  readonly faxes: readonly string[];
  readonly language: Language;
}

export interface Unit {
  readonly id: string;
  readonly estateId: string;
  /** The estate's area, kept on the unit so every read can be authorised without the estate. */
  readonly area: string;
  readonly building: string;
  readonly floor: string;
  readonly flat?: string;
  /** How staff wrote the unit, when the generated label (unitLabel) does not fit. */
  readonly label?: string;
  readonly residents: readonly Resident[];
  readonly version: number;
  readonly created: Stamp;
  readonly updated: Stamp;
}

// ---- Ids -----------------------------------------------------------------------------------

/** `laguna-city.5.18-A`: the estate, the building's code, the floor and the flat. */
export function unitIdOf(estateId: string, building: string, floor: string, flat?: string): string {
  return `${estateId}.${building}.${floor}${flat ? `-${flat}` : ''}`;
}

const UNIT_ID =
  /^([a-z0-9][a-z0-9-]{1,39})\.([A-Z0-9]{1,10}(?:-[A-Z0-9]{1,5})?)\.([A-Z0-9]{1,4})(?:-([A-Z0-9]{1,4}))?$/;

/** The parts of a unit id, or undefined when it is not one. */
export function parseUnitId(
  id: string,
): { estateId: string; building: string; floor: string; flat?: string } | undefined {
  const match = UNIT_ID.exec(id);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  if (canonicalFloor(match[3]) !== match[3]) return undefined;
  return { estateId: match[1], building: match[2], floor: match[3], ...(match[4] ? { flat: match[4] } : {}) };
}

/** `laguna-city.5`: a building's id, as audit lines name it. */
export const buildingIdOf = (estateId: string, code: string) => `${estateId}.${code}`;

/** A new resident's or organisation's id within its unit or estate: short and random. */
export function newLocalId(
  prefix: 'r' | 'o',
  taken: ReadonlySet<string>,
  random: () => number = Math.random,
): string {
  const space = 36 ** 6;
  // From a random start, the next free id: always ends, whatever the random source gives.
  for (let n = Math.floor(random() * space), tries = 0; tries <= taken.size; n = (n + 1) % space, tries++) {
    const id = `${prefix}${n.toString(36).padStart(6, '0')}`;
    if (!taken.has(id)) return id;
  }
  throw new Error('No free id');
}

// ---- Labels --------------------------------------------------------------------------------

type LabelLanguage = 'zh-Hant' | 'zh-Hans' | 'en';

const FLOOR_WORDS: Record<string, { zh: string; en: string }> = {
  G: { zh: '地下', en: 'G/F' },
  LG: { zh: '低層地下', en: 'LG/F' },
  UG: { zh: '高層地下', en: 'UG/F' },
  M: { zh: '閣樓', en: 'Cockloft' },
  RF: { zh: '天台', en: 'Roof' },
};

function floorWords(floor: string, style: AddressStyle): { zh: string; en: string } {
  const word = FLOOR_WORDS[floor];
  if (word) return word;
  const basement = /^B(\d)$/.exec(floor);
  if (basement) return { zh: `地庫${basement[1]}樓`, en: `B${basement[1]}/F` };
  return { zh: `${floor}樓`, en: style === 'HK' ? `${floor}/F` : `${floor}F` };
}

/**
 * A unit as the estate writes it, in a language: 12樓B室 / 12楼B室 / Flat B, 12/F in Hong
 * Kong; 7樓之2 / 7F-2 in Taiwan; 1502室 / Room 1502 on the mainland (a numbered flat).
 */
export function unitLabel(
  unit: { readonly floor: string; readonly flat?: string; readonly label?: string },
  style: AddressStyle,
  language: LabelLanguage,
): string {
  if (unit.label) return language === 'zh-Hans' ? foldScript(unit.label) : unit.label;
  const floor = floorWords(unit.floor, style);
  const flat = unit.flat;
  const numericFloor = /^\d+$/.test(unit.floor);
  let zh: string;
  let en: string;
  if (!flat) {
    zh = floor.zh;
    en = floor.en;
  } else if (style === 'TW' && /^\d+$/.test(flat)) {
    zh = `${floor.zh}之${flat}`;
    en = `${numericFloor ? `${unit.floor}F` : floor.en}-${flat}`;
  } else if (style === 'CN' && numericFloor && /^\d+$/.test(flat)) {
    const room = `${unit.floor}${flat.padStart(2, '0')}`;
    zh = `${room}室`;
    en = `Room ${room}`;
  } else {
    zh = `${floor.zh}${flat}室`;
    en = `Flat ${flat}, ${floor.en}`;
  }
  if (language === 'en') return en;
  return language === 'zh-Hans' || style === 'CN' ? foldScript(zh) : zh;
}

/** A name in a language, falling back to 繁體. */
export function nameIn(names: RegisterNames, language: LabelLanguage): string {
  if (language === 'en') return names.en ?? names.zhHant;
  if (language === 'zh-Hans') return names.zhHans ?? foldScript(names.zhHant);
  return names.zhHant;
}

// ---- Contacts ------------------------------------------------------------------------------

const COUNTRY_CODES: Record<string, string> = { HK: '852', TW: '886', CN: '86' };

/**
 * A phone or fax number as compared: its international digits (`85291234567`). A number
 * written without its country code is read as the estate's country's (Hong Kong's 8 digits,
 * Taiwan's 0-prefixed numbers, the mainland's 11-digit mobiles and 0-prefixed lines); `+` or
 * `00` means it has one.
 */
export function canonicalPhone(value: string, country: AddressStyle): string {
  const trimmed = value.trim();
  let digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return digits;
  if (digits.startsWith('00')) return digits.slice(2);
  const code = COUNTRY_CODES[country] ?? '852';
  if (country === 'HK' && digits.length === 8) return `${code}${digits}`;
  if (country === 'CN' && digits.length === 11 && digits.startsWith('1')) return `${code}${digits}`;
  if ((country === 'TW' || country === 'CN') && digits.startsWith('0')) {
    digits = digits.slice(1);
    return `${code}${digits}`;
  }
  if (digits.startsWith(code) && digits.length > code.length + 6) return digits;
  return `${code}${digits}`;
}

/** The digits people type for a number at home: without the country code (Taiwan and the mainland's lines with their 0). */
export function nationalPhone(international: string): string {
  if (international.startsWith('852') && international.length === 11) return international.slice(3);
  if (international.startsWith('886')) return `0${international.slice(3)}`;
  if (international.startsWith('86') && international.length === 13) return international.slice(2);
  if (international.startsWith('86')) return `0${international.slice(2)}`;
  return international;
}

/** The kinds of contact intake can look a resident up by. */
export const CONTACT_KINDS = ['email', 'phone', 'fax'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/**
 * The value a contact is looked up by: an email's mailbox (lower case, without a `+tag`, Gmail's
 * dots ignored, as the mail limits count it), a phone's or fax's international digits.
 */
export function contactValue(kind: ContactKind, value: string, country: AddressStyle): string {
  return kind === 'email' ? mailboxOf(value) : canonicalPhone(value, country);
}

/** Every contact of a unit's residents, once each: what the contact lookup indexes. */
export function contactsOf(
  unit: Pick<Unit, 'residents'>,
  country: AddressStyle,
): { kind: ContactKind; value: string; residentId: string }[] {
  const seen = new Set<string>();
  const contacts: { kind: ContactKind; value: string; residentId: string }[] = [];
  for (const resident of unit.residents) {
    const all: [ContactKind, readonly string[]][] = [
      ['email', resident.emails],
      ['phone', resident.phones],
      ['fax', resident.faxes],
    ];
    for (const [kind, values] of all) {
      for (const raw of values) {
        const value = contactValue(kind, raw, country);
        const key = `${kind}:${value}:${resident.id}`;
        if (!value || seen.has(key)) continue;
        seen.add(key);
        contacts.push({ kind, value, residentId: resident.id });
      }
    }
  }
  return contacts;
}

// ---- What the API accepts ------------------------------------------------------------------

const text = (max: number, what: string) =>
  textString().trim().min(1, `Enter ${what}`).max(max, `Keep ${what} under ${max} characters`);

const optionalText = (max: number, what: string) =>
  textString().trim().max(max, `Keep ${what} under ${max} characters`).optional();

const Names = (max: number, what: string) =>
  z.object({
    zhHant: text(max, `the ${what} in Traditional Chinese`),
    zhHans: optionalText(max, `the ${what} in Simplified Chinese`),
    en: optionalText(max, `the ${what} in English`),
  });

const Area = lazily(() =>
  z
    .string()
    .refine(
      (id) => areaById(id) !== undefined,
      `Choose one of the areas: ${AREAS.map((a) => a.id).join(', ')}`,
    ),
);

const LanguageInput = lazily(() => z.enum(LANGUAGES, `Choose one of: ${LANGUAGES.join(', ')}`));

export const OrganisationInput = lazily(() =>
  z.object({
    /** Kept when editing an organisation; a new one gets one. */
    id: z
      .string()
      .regex(/^o[0-9a-z]{6}$/, 'Keep the id the organisation came with, or leave it out for a new one')
      .optional(),
    kind: z.enum(ORGANISATION_KINDS, `Choose one of: ${ORGANISATION_KINDS.join(', ')}`),
    name: Names(LIMITS.organisationName, 'organisation’s name'),
    email: OwnerEmail.optional(),
    phone: OwnerPhone.optional(),
    language: LanguageInput.default('zh-Hant'),
  }),
);
export type OrganisationInput = z.infer<typeof OrganisationInput>;

const Organisations = lazily(() =>
  z
    .array(OrganisationInput)
    .max(
      LIMITS.organisationsPerEstate,
      `An estate has at most ${LIMITS.organisationsPerEstate} owners’ organisations`,
    ),
);

export const NewEstateInput = lazily(() =>
  z.object({
    id: z
      .string()
      .regex(
        ESTATE_ID_PATTERN,
        'Use 2–40 lower-case letters, digits and dashes, starting with a letter or digit (e.g. laguna-city)',
      ),
    area: Area,
    name: Names(LIMITS.estateName, 'estate’s name'),
    address: Names(LIMITS.address, 'address').optional(),
    style: z.enum(ADDRESS_STYLES, `Choose one of: ${ADDRESS_STYLES.join(', ')}`).optional(),
    organisations: Organisations.optional(),
  }),
);
export type NewEstateInput = z.infer<typeof NewEstateInput>;

export const EstatePatch = lazily(() =>
  z.object({
    /** The version the editor read: a stale one is a 409. */
    version: z.number('Send the version of the estate you edited').int().min(1),
    area: z.never('An estate stays in its area: create it again in the other area').optional(),
    name: Names(LIMITS.estateName, 'estate’s name').optional(),
    address: Names(LIMITS.address, 'address').optional(),
    style: z.enum(ADDRESS_STYLES, `Choose one of: ${ADDRESS_STYLES.join(', ')}`).optional(),
    organisations: Organisations.optional(),
  }),
);
export type EstatePatch = z.infer<typeof EstatePatch>;

/** The address style of an area's estates, from its calendar (HK, TW or CN). */
export function defaultStyle(area: string): AddressStyle {
  return areaById(area)?.calendar ?? 'HK';
}

/**
 * The code a building is known by, from its name when the name has one (第五座 → 5, Block 5 →
 * 5, B座 → B, 3栋2单元 → 3-2); a named block (金星閣) needs one given.
 */
export function codeFromName(name: string): string | undefined {
  for (const probe of [`${name}1樓A室`, `${name}, 1/F, Flat A`]) {
    const unit = recogniseUnits(probe).find((u) => u.building !== undefined);
    if (unit?.building && BUILDING_CODE_PATTERN.test(unit.building)) return unit.building;
  }
  return undefined;
}

export const BuildingInput = lazily(() =>
  z
    .object({
      code: z
        .string()
        .trim()
        .transform((code) => canonicalBuilding(code))
        .pipe(
          z
            .string()
            .regex(
              BUILDING_CODE_PATTERN,
              'Use letters and digits, an entrance after a dash (e.g. 5, B, 3-2, KS)',
            ),
        )
        .optional(),
      name: Names(LIMITS.buildingName, 'building’s name'),
    })
    .transform((building, context) => {
      const code =
        building.code ?? codeFromName(building.name.zhHant) ?? codeFromName(building.name.en ?? '');
      if (!code) {
        context.addIssue({
          code: 'custom',
          path: ['code'],
          message: `Give ${building.name.zhHant} a code of letters and digits (e.g. KS for 金星閣): its name has no number or letter`,
        });
        return z.NEVER;
      }
      return { code, name: building.name };
    }),
);
export type BuildingInput = z.infer<typeof BuildingInput>;

export const BuildingPatch = lazily(() =>
  z.object({
    code: z.never('A building keeps its code (its units’ ids carry it)').optional(),
    name: Names(LIMITS.buildingName, 'building’s name'),
  }),
);
export type BuildingPatch = z.infer<typeof BuildingPatch>;

export const ResidentInput = lazily(() =>
  z.object({
    /** Kept when editing a resident; a new one gets one. */
    id: z
      .string()
      .regex(/^r[0-9a-z]{6}$/, 'Keep the id the resident came with, or leave it out for a new one')
      .optional(),
    name: text(LIMITS.residentName, 'the resident’s name'),
    role: z.enum(RESIDENT_ROLES, `Choose one of: ${RESIDENT_ROLES.join(', ')}`),
    phones: z
      .array(OwnerPhone)
      .max(LIMITS.phonesPerResident, `Give at most ${LIMITS.phonesPerResident} phone numbers`)
      .default([]),
    emails: z
      .array(OwnerEmail)
      .max(LIMITS.emailsPerResident, `Give at most ${LIMITS.emailsPerResident} email addresses`)
      .default([]),
    faxes: z
      .array(OwnerPhone)
      .max(LIMITS.faxesPerResident, `Give at most ${LIMITS.faxesPerResident} fax numbers`)
      .default([]),
    language: LanguageInput.default('zh-Hant'),
  }),
);
export type ResidentInput = z.infer<typeof ResidentInput>;

const Residents = lazily(() =>
  z
    .array(ResidentInput)
    .max(LIMITS.residentsPerUnit, `A unit has at most ${LIMITS.residentsPerUnit} residents`)
    .refine(
      (residents) => {
        const ids = residents.flatMap((r) => (r.id ? [r.id] : []));
        return new Set(ids).size === ids.length;
      },
      { message: 'Each resident appears once' },
    ),
);

const Floor = lazily(() =>
  z
    .string()
    .trim()
    .transform((floor, context) => {
      const canonical = canonicalFloor(floor);
      if (!canonical) {
        context.addIssue({
          code: 'custom',
          message: 'Write the floor as 18, 18/F, 十八樓, G/F, 地下, 閣樓, B1 or RF',
        });
        return z.NEVER;
      }
      return canonical;
    }),
);

const Flat = lazily(() =>
  z
    .string()
    .trim()
    .transform((flat) =>
      canonicalFlat(flat.replace(/[室房號号]$/, '').replace(/^(?:flat|unit|room|rm)\s*/i, '')),
    )
    .pipe(
      z.string().regex(FLAT_PATTERN, 'Write the flat as letters and digits (A, 3, 03, A1), or leave it out'),
    ),
);

export const NewUnitInput = lazily(() =>
  z.object({
    estate: z.string().regex(ESTATE_ID_PATTERN, 'Choose the estate by its id'),
    building: z
      .string()
      .trim()
      .transform((code) => canonicalBuilding(code))
      .pipe(z.string().regex(BUILDING_CODE_PATTERN, 'Choose the building by its code (e.g. 5, B, KS)')),
    floor: Floor,
    flat: Flat.optional(),
    label: optionalText(LIMITS.unitLabel, 'the unit’s label'),
    residents: Residents.default([]),
  }),
);
export type NewUnitInput = z.infer<typeof NewUnitInput>;

export const UnitPatch = lazily(() =>
  z.object({
    version: z.number('Send the version of the unit you edited').int().min(1),
    estate: z.never('A unit keeps its estate, building, floor and flat: they are its address').optional(),
    building: z.never('A unit keeps its estate, building, floor and flat: they are its address').optional(),
    floor: z.never('A unit keeps its estate, building, floor and flat: they are its address').optional(),
    flat: z.never('A unit keeps its estate, building, floor and flat: they are its address').optional(),
    /** An empty label goes back to the generated one. */
    label: textString()
      .trim()
      .max(LIMITS.unitLabel, `Keep the unit’s label under ${LIMITS.unitLabel} characters`)
      .optional(),
    /** The unit's residents as they now are: those left out have moved out. */
    residents: Residents.optional(),
  }),
);
export type UnitPatch = z.infer<typeof UnitPatch>;

// ---- Building the items --------------------------------------------------------------------

function cleanNames(names: {
  zhHant: string;
  zhHans?: string | undefined;
  en?: string | undefined;
}): RegisterNames {
  return {
    zhHant: names.zhHant,
    ...(names.zhHans ? { zhHans: names.zhHans } : {}),
    ...(names.en ? { en: names.en } : {}),
  };
}

function organisationsOf(
  inputs: readonly OrganisationInput[],
  existing: readonly Organisation[],
  random?: () => number,
): Organisation[] {
  const taken = new Set(existing.map((o) => o.id));
  return inputs.map((input) => {
    const id = input.id && taken.has(input.id) ? input.id : newLocalId('o', taken, random);
    taken.add(id);
    return {
      id,
      kind: input.kind,
      name: cleanNames(input.name),
      ...(input.email ? { email: input.email.toLowerCase() } : {}),
      ...(input.phone ? { phone: input.phone } : {}),
      language: input.language,
    };
  });
}

export function newEstate(input: NewEstateInput, stamp: Stamp, random?: () => number): Estate {
  return {
    id: input.id,
    area: input.area,
    name: cleanNames(input.name),
    ...(input.address ? { address: cleanNames(input.address) } : {}),
    style: input.style ?? defaultStyle(input.area),
    buildings: {},
    organisations: organisationsOf(input.organisations ?? [], [], random),
    version: 1,
    created: stamp,
    updated: stamp,
  };
}

/** The estate with a patch applied (buildings are edited on their own). */
export function patchedEstate(
  estate: Estate,
  patch: EstatePatch,
  stamp: Stamp,
  random?: () => number,
): Estate {
  return {
    ...estate,
    ...(patch.name ? { name: cleanNames(patch.name) } : {}),
    ...(patch.address ? { address: cleanNames(patch.address) } : {}),
    ...(patch.style ? { style: patch.style } : {}),
    ...(patch.organisations
      ? { organisations: organisationsOf(patch.organisations, estate.organisations, random) }
      : {}),
    version: estate.version + 1,
    updated: stamp,
  };
}

export function buildingOf(input: { code: string; name: BuildingPatch['name'] }): Building {
  return { code: input.code, name: cleanNames(input.name) };
}

function residentsOf(
  inputs: readonly ResidentInput[],
  existing: readonly Resident[],
  random?: () => number,
): Resident[] {
  const taken = new Set(existing.map((r) => r.id));
  return inputs.map((input) => {
    const id = input.id && taken.has(input.id) ? input.id : newLocalId('r', taken, random);
    taken.add(id);
    return {
      id,
      name: input.name,
      role: input.role,
      phones: [...new Set(input.phones)],
      emails: [...new Set(input.emails.map((email) => email.toLowerCase()))],
      faxes: [...new Set(input.faxes)],
      language: input.language,
    };
  });
}

export function newUnit(input: NewUnitInput, estate: Estate, stamp: Stamp, random?: () => number): Unit {
  return {
    id: unitIdOf(estate.id, input.building, input.floor, input.flat),
    estateId: estate.id,
    area: estate.area,
    building: input.building,
    floor: input.floor,
    ...(input.flat ? { flat: input.flat } : {}),
    ...(input.label ? { label: input.label } : {}),
    residents: residentsOf(input.residents, [], random),
    version: 1,
    created: stamp,
    updated: stamp,
  };
}

export function patchedUnit(unit: Unit, patch: UnitPatch, stamp: Stamp, random?: () => number): Unit {
  const { label: _label, ...withoutLabel } = unit;
  const label = patch.label === undefined ? unit.label : patch.label || undefined;
  return {
    ...withoutLabel,
    ...(label ? { label } : {}),
    ...(patch.residents ? { residents: residentsOf(patch.residents, unit.residents, random) } : {}),
    version: unit.version + 1,
    updated: stamp,
  };
}

/**
 * What an edit changed on an estate, for its audit line: each field changed, with its old and
 * new value (names and styles of an estate are no one's personal data), and the organisations
 * added, removed or changed by id.
 */
export function estateChanges(before: Estate, after: Estate): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const field of ['name', 'address', 'style'] as const) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      changes[field] = { from: before[field] ?? null, to: after[field] ?? null };
    }
  }
  const old = new Map(before.organisations.map((o) => [o.id, o]));
  const now = new Map(after.organisations.map((o) => [o.id, o]));
  const organisations = {
    added: after.organisations.filter((o) => !old.has(o.id)).map((o) => o.id),
    removed: before.organisations.filter((o) => !now.has(o.id)).map((o) => o.id),
    changed: after.organisations
      .filter((o) => old.has(o.id) && JSON.stringify(old.get(o.id)) !== JSON.stringify(o))
      .map((o) => o.id),
  };
  if (organisations.added.length || organisations.removed.length || organisations.changed.length) {
    changes.organisations = organisations;
  }
  return changes;
}

/** The canonical key of a unit of the register, as the recogniser reads one from text. */
export function registerUnitKey(unit: Pick<Unit, 'building' | 'floor' | 'flat'>): string {
  return unitKey(unit);
}

// ---- Audit ---------------------------------------------------------------------------------

/**
 * What changed, for the audit line: the fields of the register that changed, with old and new
 * values where they are about the estate, and only the resident's id and the names of the fields
 * where they are about a person (an audit line outlives a tenant who moved out; their name and
 * contacts should not).
 */
export function residentChanges(
  before: readonly Resident[],
  after: readonly Resident[],
): { added: string[]; removed: string[]; changed: { id: string; fields: string[] }[] } {
  const old = new Map(before.map((r) => [r.id, r]));
  const now = new Map(after.map((r) => [r.id, r]));
  const fields = ['name', 'role', 'phones', 'emails', 'faxes', 'language'] as const;
  return {
    added: after.filter((r) => !old.has(r.id)).map((r) => r.id),
    removed: before.filter((r) => !now.has(r.id)).map((r) => r.id),
    changed: after.flatMap((r) => {
      const previous = old.get(r.id);
      if (!previous) return [];
      const changed = fields.filter((f) => JSON.stringify(previous[f]) !== JSON.stringify(r[f]));
      return changed.length ? [{ id: r.id, fields: [...changed] }] : [];
    }),
  };
}
