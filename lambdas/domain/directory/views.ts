import {
  type Estate,
  nameIn,
  ORGANISATION_KIND_NAMES,
  type Stamp,
  type Unit,
  unitLabel,
} from './register.ts';

/** The languages the register answers in (names fall back to 繁體). */
export type ViewLanguage = 'zh-Hant' | 'zh-Hans' | 'en';

/** A unit as the API answers it, names in a language. */
export function unitView(unit: Unit, estate: Estate, language: ViewLanguage) {
  const building = estate.buildings[unit.building];
  return {
    id: unit.id,
    estate: nameIn(estate.name, language),
    estateId: estate.id,
    building: building ? nameIn(building.name, language) : unit.building,
    buildingCode: unit.building,
    unit: unitLabel(unit, estate.style, language),
    floor: unit.floor,
    ...(unit.flat ? { flat: unit.flat } : {}),
    area: unit.area,
    residents: unit.residents.map((resident) => ({
      id: resident.id,
      name: resident.name,
      role: resident.role,
      phones: resident.phones,
      emails: resident.emails,
      faxes: resident.faxes,
      language: resident.language,
    })),
    version: unit.version,
  };
}
export type UnitView = ReturnType<typeof unitView>;

const kindName = (kind: keyof typeof ORGANISATION_KIND_NAMES, language: ViewLanguage) => {
  const names = ORGANISATION_KIND_NAMES[kind];
  return language === 'en' ? names.en : language === 'zh-Hans' ? names.zhHans : names.zhHant;
};

/** An estate as the API answers it: names in a language (and all of them), buildings in order. */
export function estateView(estate: Estate, language: ViewLanguage) {
  const buildings = Object.values(estate.buildings).sort((a, b) =>
    a.code.localeCompare(b.code, 'en', { numeric: true }),
  );
  const stamp = (s: Stamp) => ({ by: s.by, role: s.role, at: s.at });
  return {
    id: estate.id,
    area: estate.area,
    name: nameIn(estate.name, language),
    names: estate.name,
    ...(estate.address ? { address: nameIn(estate.address, language), addresses: estate.address } : {}),
    style: estate.style,
    buildings: buildings.map((b) => ({ code: b.code, name: nameIn(b.name, language), names: b.name })),
    organisations: estate.organisations.map((o) => ({
      id: o.id,
      kind: o.kind,
      kindName: kindName(o.kind, language),
      name: nameIn(o.name, language),
      names: o.name,
      ...(o.email ? { email: o.email } : {}),
      ...(o.phone ? { phone: o.phone } : {}),
      language: o.language,
    })),
    version: estate.version,
    created: stamp(estate.created),
    updated: stamp(estate.updated),
  };
}
export type EstateView = ReturnType<typeof estateView>;
