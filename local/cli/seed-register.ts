import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { AREAS, type AreaSpec } from '#config/areas.ts';
import type { Language } from '#domain/complaint.ts';
import { ESTATES_PK, estatePk, estateSk, unitSk } from '#domain/directory/keys.ts';
import { pointersOf } from '#domain/directory/pointers.ts';
import {
  type Building,
  codeFromName,
  defaultStyle,
  type Estate,
  type Resident,
  type Unit,
  unitIdOf,
} from '#domain/directory/register.ts';
import { canonicalFloor, recogniseUnit } from '#domain/directory/unit-address.ts';
import { ESTATES, NOISY, prng } from './seed-data.ts';

/**
 * A realistic estate register for the demo areas, written straight into the table as the API
 * would have left it (estates with their buildings and owners' organisation, units with their
 * owners and tenants, every unit's search terms and contacts, an audit line per estate): the
 * estates and blocks the seeded complaints name (seed-data.ts ESTATES), each block of 40 floors
 * (`floors`) with flats A–H, so the complaints' buildings and units are in the register, and the
 * chronically noisy owner's email finds their unit. Deterministic: the same options give the
 * same register.
 */
export interface RegisterSeedOptions {
  /** Floors of each block (1 up to this). @default 40 */
  readonly floors?: number;
  /** Flats of each floor (A onwards). @default 8 */
  readonly flats?: number;
  /** PRNG seed. @default 20261207 */
  readonly seed?: number;
}

export interface RegisterSeedResult {
  readonly estates: number;
  readonly buildings: number;
  readonly units: number;
  readonly residents: number;
  readonly items: number;
  readonly ms: number;
}

/** Each demo estate's id and English name, and the English names and codes of named blocks. */
const ENGLISH: Record<string, { id: string; en: string; blocks?: Record<string, [string, string]> }> = {
  海濱花園: { id: 'hoi-bun-gardens', en: 'Hoi Bun Gardens' },
  麗港城: { id: 'laguna-city', en: 'Laguna City' },
  德福花園: { id: 'telford-gardens', en: 'Telford Gardens' },
  淘大花園: { id: 'amoy-gardens', en: 'Amoy Gardens' },
  太古城: {
    id: 'taikoo-shing',
    en: 'Taikoo Shing',
    blocks: {
      金星閣: ['KS', 'Kam Sing Mansion'],
      海天閣: ['HT', 'Hoi Tien Mansion'],
      明宮閣: ['MK', 'Ming Kung Mansion'],
      銀星閣: ['NS', 'Ngan Sing Mansion'],
      翠榕閣: ['CY', 'Chui Yung Mansion'],
      紫樺閣: ['TW', 'Tsz Wah Mansion'],
      恒山閣: ['HS', 'Hang Shan Mansion'],
      華山閣: ['WS', 'Wah Shan Mansion'],
      天山閣: ['TS', 'Tien Shan Mansion'],
      高山閣: ['KO', 'Ko Shan Mansion'],
    },
  },
  海怡半島: { id: 'south-horizons', en: 'South Horizons' },
  杏花邨: { id: 'heng-fa-chuen', en: 'Heng Fa Chuen' },
  康怡花園: { id: 'kornhill-gardens', en: 'Kornhill Gardens' },
};

/** Hong Kong surnames with their romanisation, roughly as common as they are. */
const SURNAMES: readonly [string, string][] = [
  ['陳', 'Chan'],
  ['李', 'Lee'],
  ['張', 'Cheung'],
  ['黃', 'Wong'],
  ['何', 'Ho'],
  ['林', 'Lam'],
  ['吳', 'Ng'],
  ['劉', 'Lau'],
  ['梁', 'Leung'],
  ['鄭', 'Cheng'],
  ['謝', 'Tse'],
  ['郭', 'Kwok'],
  ['羅', 'Law'],
  ['麥', 'Mak'],
  ['葉', 'Yip'],
  ['馮', 'Fung'],
  ['曾', 'Tsang'],
  ['蔡', 'Choi'],
  ['彭', 'Pang'],
  ['蕭', 'Siu'],
  ['潘', 'Poon'],
  ['袁', 'Yuen'],
  ['蘇', 'So'],
  ['盧', 'Lo'],
];
const GIVEN: readonly [string, string][] = [
  ['大文', 'Tai Man'],
  ['美玲', 'Mei Ling'],
  ['志強', 'Chi Keung'],
  ['嘉欣', 'Ka Yan'],
  ['家明', 'Ka Ming'],
  ['淑儀', 'Shuk Yee'],
  ['國輝', 'Kwok Fai'],
  ['慧敏', 'Wai Man'],
  ['偉傑', 'Wai Kit'],
  ['秀英', 'Sau Ying'],
  ['子健', 'Tsz Kin'],
  ['詠詩', 'Wing Sze'],
  ['俊賢', 'Chun Yin'],
  ['小明', 'Siu Ming'],
  ['振華', 'Chun Wah'],
  ['麗珍', 'Lai Chun'],
  ['浩然', 'Ho Yin'],
  ['凱琳', 'Hoi Lam'],
  ['建國', 'Kin Kwok'],
  ['潔瑩', 'Kit Ying'],
];
const ENGLISH_GIVEN = [
  'Peter',
  'Mary',
  'David',
  'Karen',
  'Michael',
  'Winnie',
  'Eric',
  'Joyce',
  'Kenneth',
  'Grace',
];

const SEED_STAMP = { by: 'seed', role: 'system', at: '2026-01-01T00:00:00.000Z' };

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)] as T;
}

function demoEstates(area: AreaSpec): readonly (readonly [string, readonly string[]])[] {
  const known = ESTATES[area.id];
  if (known) return known;
  // An area the demo list does not know: two estates of generic blocks.
  return [
    [`${area.name.zhHant}花園`, ['第一座', '第二座', '第三座', '第四座']],
    [`${area.name.zhHant}廣場`, ['A座', 'B座', 'C座']],
  ];
}

function estateOf(area: AreaSpec, zhHant: string, blocks: readonly string[], index: number): Estate {
  const english = ENGLISH[zhHant];
  const id = english?.id ?? `${area.id}-estate-${index + 1}`;
  const buildings: Record<string, Building> = {};
  for (const block of blocks) {
    const named = english?.blocks?.[block];
    const code = named?.[0] ?? codeFromName(block) ?? `B${Object.keys(buildings).length + 1}`;
    const en = named?.[1] ?? (/^[A-Z]/.test(code) ? `Block ${code}` : `Block ${code}`);
    buildings[code] = { code, name: { zhHant: block, en } };
  }
  return {
    id,
    area: area.id,
    name: { zhHant, ...(english ? { en: english.en } : {}) },
    style: defaultStyle(area.id),
    buildings,
    organisations: [
      {
        id: 'o000001',
        kind: 'owners-corporation',
        name: {
          zhHant: `${zhHant}業主立案法團`,
          ...(english ? { en: `The Incorporated Owners of ${english.en}` } : {}),
        },
        email: `ioc@${id}.example.org`,
        language: 'zh-Hant',
      },
    ],
    version: 1 + Object.keys(buildings).length,
    created: SEED_STAMP,
    updated: SEED_STAMP,
  };
}

function residentOf(
  r: () => number,
  id: string,
  role: Resident['role'],
  surname?: [string, string],
): Resident {
  const family = surname ?? pick(r, SURNAMES);
  const roll = r();
  const language: Language = roll < 0.8 ? 'zh-Hant' : roll < 0.9 ? 'en' : 'zh-Hans';
  const [given, givenEn] = pick(r, GIVEN);
  const name = language === 'en' ? `${pick(r, ENGLISH_GIVEN)} ${family[1]}` : `${family[0]}${given}`;
  const mobile = `${pick(r, ['9', '6', '5'])}${String(Math.floor(r() * 1e7)).padStart(7, '0')}`;
  const phones = [`${mobile.slice(0, 4)} ${mobile.slice(4)}`];
  if (r() < 0.2) phones.push(`2${String(Math.floor(r() * 1e7)).padStart(7, '0')}`);
  const handle = `${family[1].toLowerCase()}.${givenEn.toLowerCase().replace(' ', '')}${Math.floor(r() * 100)}`;
  const emails = r() < 0.7 ? [`${handle}@${pick(r, ['example.com', 'example.net', 'example.org'])}`] : [];
  const faxes = r() < 0.03 ? [`3${String(Math.floor(r() * 1e7)).padStart(7, '0')}`] : [];
  return { id, name, role, phones, emails, faxes, language };
}

function residentsOf(r: () => number): Resident[] {
  const owner = residentOf(r, 'r000001', 'owner');
  const residents = [owner];
  // A second owner of the family (same surname), a tenant when the owners let the flat.
  if (r() < 0.3)
    residents.push(
      residentOf(
        r,
        'r000002',
        'owner',
        SURNAMES.find(([zh]) => owner.name.startsWith(zh)),
      ),
    );
  if (r() < 0.25) residents.push(residentOf(r, 'r000003', 'tenant'));
  return residents;
}

/** Every item of the register for the areas of config/areas.ts, estate by estate. */
export function* registerItems(options: RegisterSeedOptions = {}): Generator<Record<string, unknown>[]> {
  const r = prng(options.seed ?? 20261207);
  const floors = options.floors ?? 40;
  const flats = 'ABCDEFGHJKLMNPQR'.slice(0, options.flats ?? 8).split('');
  const noisy = recogniseUnit(`${NOISY.building}${NOISY.unit}`);
  for (const area of AREAS) {
    for (const [index, [zhHant, blocks]] of demoEstates(area).entries()) {
      const estate = estateOf(area, zhHant, blocks, index);
      const items: Record<string, unknown>[] = [
        { PK: ESTATES_PK, SK: estateSk(estate.id), type: 'estate', ...estate },
        {
          PK: estatePk(estate.id),
          SK: `EVENT#${estate.id}|${SEED_STAMP.at}#seed`,
          type: 'directory-event',
          estateId: estate.id,
          target: estate.id,
          at: SEED_STAMP.at,
          actor: 'seed',
          role: 'system',
          action: 'estate-created',
          details: { area: estate.area, name: estate.name, style: estate.style, seeded: true },
        },
      ];
      for (const building of Object.values(estate.buildings)) {
        for (let level = 1; level <= floors; level++) {
          const floor = canonicalFloor(String(level)) ?? String(level);
          for (const flat of flats) {
            // About one flat in twenty is not in the register yet (a new owner not yet written in).
            if (r() < 0.05) continue;
            let residents = residentsOf(r);
            const isNoisy =
              zhHant === NOISY.building.slice(0, zhHant.length) &&
              noisy?.building === building.code &&
              noisy.floor === floor &&
              noisy.flat === flat;
            if (isNoisy) {
              residents = [
                {
                  id: 'r000001',
                  name: NOISY.name,
                  role: 'owner',
                  phones: [],
                  emails: [NOISY.email],
                  faxes: [],
                  language: 'zh-Hant',
                },
              ];
            }
            const unit: Unit = {
              id: unitIdOf(estate.id, building.code, floor, flat),
              estateId: estate.id,
              area: estate.area,
              building: building.code,
              floor,
              flat,
              residents,
              version: 1,
              created: SEED_STAMP,
              updated: SEED_STAMP,
            };
            items.push(
              { PK: estatePk(estate.id), SK: unitSk(building.code, floor, flat), type: 'unit', ...unit },
              ...pointersOf(unit, estate.style),
            );
          }
        }
      }
      yield items;
    }
  }
}

/** Writes the register (BatchWriteItem, a few requests in flight); seeding again rewrites the same items. */
export async function seedRegister(
  db: DynamoDBDocumentClient,
  table: string,
  options: RegisterSeedOptions = {},
  progress: (units: number) => void = () => undefined,
): Promise<RegisterSeedResult> {
  const started = Date.now();
  let estates = 0;
  let buildings = 0;
  let units = 0;
  let residents = 0;
  let items = 0;
  const inFlight = new Set<Promise<void>>();
  const write = async (batch: Record<string, unknown>[]) => {
    let pending = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length; attempt++) {
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (result.UnprocessedItems?.[table] ?? []) as typeof pending;
      if (pending.length)
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
    }
  };
  for (const estateItems of registerItems(options)) {
    for (const item of estateItems) {
      if (item.type === 'estate') {
        estates += 1;
        buildings += Object.keys(item.buildings as object).length;
      } else if (item.type === 'unit') {
        units += 1;
        residents += (item.residents as unknown[]).length;
      }
    }
    for (let i = 0; i < estateItems.length; i += 25) {
      const promise = write(estateItems.slice(i, i + 25)).finally(() => inFlight.delete(promise));
      inFlight.add(promise);
      if (inFlight.size >= 8) await Promise.race(inFlight);
    }
    items += estateItems.length;
    progress(units);
  }
  await Promise.all(inFlight);
  return { estates, buildings, units, residents, items, ms: Date.now() - started };
}
