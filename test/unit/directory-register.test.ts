import { describe, expect, it } from 'vitest';
import { fieldErrors } from '#domain/complaint.ts';
import { estatePk, floorRank, termPk, unitSk } from '#domain/directory/keys.ts';
import { pointersOf } from '#domain/directory/pointers.ts';
import {
  BuildingInput,
  canonicalPhone,
  codeFromName,
  contactValue,
  type Estate,
  EstatePatch,
  NewEstateInput,
  NewUnitInput,
  nationalPhone,
  newEstate,
  newUnit,
  parseUnitId,
  patchedUnit,
  residentChanges,
  type Unit,
  UnitPatch,
  unitLabel,
} from '#domain/directory/register.ts';
import { answeredAt, planSearch, positionsIn, searchTermsOf } from '#domain/directory/search.ts';
import { DIRECTORY_LIMITS } from '#domain/fields.ts';
import { itemBytes, MAX_ITEM_BYTES } from '#domain/item-size.ts';

/** The register's domain: what it accepts, the ids and labels it derives, its items' sizes, and search plans. */
const stamp = { by: 'supervisor.kowloon-east', role: 'supervisor', at: '2026-12-07T02:00:00.000Z' };
const errorsOf = (result: { success: boolean; error?: unknown }) =>
  result.success ? [] : fieldErrors(result.error as Parameters<typeof fieldErrors>[0]);

function estate(overrides: Partial<Estate> = {}): Estate {
  return {
    ...newEstate(
      { id: 'laguna-city', area: 'kowloon-east', name: { zhHant: '麗港城', en: 'Laguna City' } },
      stamp,
    ),
    buildings: {
      '5': { code: '5', name: { zhHant: '第五座', en: 'Block 5' } },
      KS: { code: 'KS', name: { zhHant: '金星閣', en: 'Kam Sing Mansion' } },
    },
    ...overrides,
  };
}

function unit(input: Partial<NewUnitInput> = {}): Unit {
  const parsed = NewUnitInput.parse({
    estate: 'laguna-city',
    building: '5',
    floor: '18',
    flat: 'A',
    residents: [
      {
        name: '陳大文',
        role: 'owner',
        phones: ['9123 4567'],
        emails: ['Chan.TM@Example.com'],
        language: 'zh-Hant',
      },
      { name: 'Wong Siu Ming', role: 'tenant', phones: ['+852 2345 6789'], language: 'en' },
    ],
    ...input,
  });
  return newUnit(parsed, estate(), stamp, () => 0.5);
}

describe('what the register accepts', () => {
  it('names the field and what to fix for a bad estate', () => {
    const errors = errorsOf(
      NewEstateInput.safeParse({ id: 'Laguna City', area: 'mars', name: { zhHant: '' } }),
    );
    expect(errors.map((e) => e.field).sort()).toEqual(['area', 'id', 'name.zhHant']);
    expect(errors.find((e) => e.field === 'id')?.message).toMatch(/lower-case letters, digits and dashes/);
  });

  it('keeps an estate in its area and a unit at its address', () => {
    expect(errorsOf(EstatePatch.safeParse({ version: 1, area: 'hk-island' }))).toEqual([
      { field: 'area', message: 'An estate stays in its area: create it again in the other area' },
    ]);
    expect(errorsOf(UnitPatch.safeParse({ version: 1, floor: '19' }))[0]?.field).toBe('floor');
  });

  it('reads floors and flats as staff write them, and refuses what is neither', () => {
    const parsed = NewUnitInput.parse({
      estate: 'laguna-city',
      building: 'b',
      floor: '十八樓',
      flat: '03室',
    });
    expect([parsed.building, parsed.floor, parsed.flat]).toEqual(['B', '18', '3']);
    expect(NewUnitInput.parse({ estate: 'laguna-city', building: '5', floor: 'G/F', flat: 'a' }).floor).toBe(
      'G',
    );
    const errors = errorsOf(
      NewUnitInput.safeParse({ estate: 'laguna-city', building: '5', floor: 'lobby', flat: 'A/B' }),
    );
    expect(errors.map((e) => e.field).sort()).toEqual(['flat', 'floor']);
  });

  it('takes a building’s code from its name, and asks for one for a named block', () => {
    expect(['第五座', 'Block 5', 'B座', '3栋2单元', 'Tower 12'].map(codeFromName)).toEqual([
      '5',
      '5',
      'B',
      '3-2',
      '12',
    ]);
    expect(BuildingInput.parse({ name: { zhHant: '第十五座' } }).code).toBe('15');
    expect(errorsOf(BuildingInput.safeParse({ name: { zhHant: '金星閣' } }))).toEqual([
      { field: 'code', message: expect.stringMatching(/Give 金星閣 a code/) },
    ]);
    expect(BuildingInput.parse({ code: 'ks', name: { zhHant: '金星閣' } }).code).toBe('KS');
  });

  it('holds every count to its limit, naming the field', () => {
    const many = Array.from({ length: DIRECTORY_LIMITS.residentsPerUnit + 1 }, () => ({
      name: '陳',
      role: 'owner',
    }));
    expect(errorsOf(UnitPatch.safeParse({ version: 1, residents: many }))[0]?.field).toBe('residents');
    const phones = Array.from({ length: DIRECTORY_LIMITS.phonesPerResident + 1 }, () => '91234567');
    expect(
      errorsOf(UnitPatch.safeParse({ version: 1, residents: [{ name: '陳', role: 'owner', phones }] }))[0]
        ?.field,
    ).toBe('residents.0.phones');
    expect(
      errorsOf(
        UnitPatch.safeParse({ version: 1, residents: [{ name: '陳', role: 'owner', emails: ['nope'] }] }),
      )[0]?.field,
    ).toBe('residents.0.emails.0');
  });
});

describe('ids, labels and contacts', () => {
  it('gives a unit its address as its id, and reads it back', () => {
    const u = unit();
    expect(u.id).toBe('laguna-city.5.18-A');
    expect(parseUnitId(u.id)).toEqual({ estateId: 'laguna-city', building: '5', floor: '18', flat: 'A' });
    expect(parseUnitId('laguna-city.123.3')).toEqual({
      estateId: 'laguna-city',
      building: '123',
      floor: '3',
    });
    expect(['', 'x', 'laguna-city.5', 'laguna-city.5.lobby-A', 'LAGUNA.5.1-A'].map(parseUnitId)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('writes units the way each place does', () => {
    const hk = { floor: '12', flat: 'B' };
    expect(['zh-Hant', 'zh-Hans', 'en'].map((l) => unitLabel(hk, 'HK', l as 'en'))).toEqual([
      '12樓B室',
      '12楼B室',
      'Flat B, 12/F',
    ]);
    expect(unitLabel({ floor: '7', flat: '2' }, 'TW', 'zh-Hant')).toBe('7樓之2');
    expect(unitLabel({ floor: '15', flat: '2' }, 'CN', 'zh-Hans')).toBe('1502室');
    expect(unitLabel({ floor: 'G', flat: 'A' }, 'HK', 'zh-Hant')).toBe('地下A室');
    expect(unitLabel({ floor: 'M' }, 'HK', 'en')).toBe('Cockloft');
    expect(unitLabel({ floor: '3', flat: 'A', label: '三樓前座' }, 'HK', 'zh-Hant')).toBe('三樓前座');
  });

  it('sorts a building’s floors from the basement to the roof', () => {
    const floors = ['RF', '10', 'G', 'B2', '2', 'M', 'LG', 'B1', 'UG'];
    expect([...floors].sort((a, b) => floorRank(a).localeCompare(floorRank(b)))).toEqual([
      'B2',
      'B1',
      'LG',
      'G',
      'UG',
      'M',
      '2',
      '10',
      'RF',
    ]);
    expect(unitSk('5', '2', '10') > unitSk('5', '2', '9')).toBe(true);
  });

  it('compares phone numbers by their international digits, and emails by mailbox', () => {
    expect(canonicalPhone('9123 4567', 'HK')).toBe('85291234567');
    expect(canonicalPhone('+852 9123-4567', 'HK')).toBe('85291234567');
    expect(canonicalPhone('0912-345-678', 'TW')).toBe('886912345678');
    expect(canonicalPhone('13812345678', 'CN')).toBe('8613812345678');
    expect(canonicalPhone('00852 2345 6789', 'CN')).toBe('85223456789');
    expect(nationalPhone('85291234567')).toBe('91234567');
    expect(nationalPhone('886912345678')).toBe('0912345678');
    expect(contactValue('email', 'Chan.TM+complaints@Example.com', 'HK')).toBe('chan.tm@example.com');
  });

  it('records what changed about residents without their names or contacts', () => {
    const before = unit().residents;
    const edited = patchedUnit(
      unit(),
      UnitPatch.parse({
        version: 1,
        residents: [
          { ...before[0], phones: ['9876 5432'] },
          { name: '李美玲', role: 'tenant' },
        ],
      }),
      stamp,
      () => 0.25,
    );
    const changes = residentChanges(before, edited.residents);
    expect(changes).toEqual({
      added: [edited.residents[1]?.id],
      removed: [before[1]?.id],
      changed: [{ id: before[0]?.id, fields: ['phones'] }],
    });
    expect(JSON.stringify(changes)).not.toMatch(/陳|李|9876|9123/);
    expect(edited.version).toBe(2);
  });
});

describe('the register’s items stay under DynamoDB’s 400 KB at every limit', () => {
  const CJK = '滲';
  const email = (i: number) => `${'a'.repeat(240)}${i}@${'b'.repeat(9)}.hk`.slice(0, 254);

  it('an estate with every building and organisation', () => {
    const names = (n: number) => ({ zhHant: CJK.repeat(n), zhHans: CJK.repeat(n), en: 'x'.repeat(n) });
    const full: Estate = {
      ...estate(),
      name: names(DIRECTORY_LIMITS.estateName),
      address: names(DIRECTORY_LIMITS.address),
      buildings: Object.fromEntries(
        Array.from({ length: DIRECTORY_LIMITS.buildingsPerEstate }, (_, i) => {
          const code = `${'B'.repeat(9)}${i}`.slice(-10);
          return [code, { code, name: names(DIRECTORY_LIMITS.buildingName) }];
        }),
      ),
      organisations: Array.from({ length: DIRECTORY_LIMITS.organisationsPerEstate }, (_, i) => ({
        id: `o00000${i}`,
        kind: 'owners-corporation' as const,
        name: names(DIRECTORY_LIMITS.organisationName),
        email: email(i),
        phone: '+852 2345 6789 0000 0',
        language: 'zh-Hant' as const,
      })),
    };
    const bytes = itemBytes({
      PK: 'DIRECTORY#ESTATES',
      SK: `ESTATE#${'e'.repeat(40)}`,
      type: 'estate',
      ...full,
    });
    expect(bytes).toBeLessThan(MAX_ITEM_BYTES);
  });

  it('a unit with every resident and contact', () => {
    const residents = Array.from({ length: DIRECTORY_LIMITS.residentsPerUnit }, (_, i) => ({
      id: `r00000${i}`.slice(0, 7),
      name: CJK.repeat(DIRECTORY_LIMITS.residentName),
      role: 'owner' as const,
      phones: Array.from({ length: DIRECTORY_LIMITS.phonesPerResident }, () => '+852 2345 6789 0000 0'),
      emails: Array.from({ length: DIRECTORY_LIMITS.emailsPerResident }, (_, j) => email(j)),
      faxes: Array.from({ length: DIRECTORY_LIMITS.faxesPerResident }, () => '+852 2345 6789 0000 0'),
      language: 'zh-Hant' as const,
    }));
    const full: Unit = { ...unit(), label: CJK.repeat(DIRECTORY_LIMITS.unitLabel), residents };
    expect(
      itemBytes({ PK: estatePk('e'.repeat(40)), SK: unitSk('B'.repeat(10), '199', 'AAAA'), ...full }),
    ).toBeLessThan(MAX_ITEM_BYTES / 4);
  });
});

describe('search terms and plans', () => {
  it('finds a unit by its residents’ names, and English names from each word on', () => {
    expect(searchTermsOf(unit()).map((t) => t.term)).toEqual(['陈大文', 'wong siu ming', 'siu ming', 'ming']);
  });

  it('points at the unit from each term and contact, in the area’s term partitions', () => {
    const pointers = pointersOf(unit(), 'HK');
    expect(pointers.filter((p) => p.type === 'directory-contact').map((p) => p.PK)).toEqual([
      'DIRCONTACT#email:chan.tm@example.com',
      'DIRCONTACT#phone:85291234567',
      'DIRCONTACT#phone:85223456789',
    ]);
    expect(pointers.find((p) => p.SK.startsWith('siu ming|'))?.PK).toBe(termPk('kowloon-east', 'siu ming'));
  });

  const scope = { areas: ['kowloon-east'], estates: [estate()] };

  it('reads a named estate, building and unit as one unit', () => {
    const plan = planSearch('麗港城第五座18樓A室', scope);
    expect(plan.sources).toEqual([{ kind: 'unit', estateId: 'laguna-city', unitId: 'laguna-city.5.18-A' }]);
    expect(planSearch('Laguna City, Kam Sing Mansion, 15/F, Flat C', scope).sources).toEqual([
      { kind: 'unit', estateId: 'laguna-city', unitId: 'laguna-city.KS.15-C' },
    ]);
  });

  it('reads a unit alone as that unit of each building, a name from its prefix, contacts whole, an estate as its units', () => {
    expect(planSearch('12B', scope).sources).toEqual([
      { kind: 'unit', estateId: 'laguna-city', unitId: 'laguna-city.5.12-B' },
      { kind: 'unit', estateId: 'laguna-city', unitId: 'laguna-city.KS.12-B' },
    ]);
    expect(planSearch('陳大', scope).sources).toEqual([
      { kind: 'terms', area: 'kowloon-east', partition: termPk('kowloon-east', '陈大'), prefix: '陈大' },
    ]);
    expect(planSearch('+852 9123-4567', scope).sources).toEqual([
      { kind: 'contact', contact: 'phone', value: '85291234567' },
      { kind: 'contact', contact: 'fax', value: '85291234567' },
    ]);
    expect(planSearch('Chan.TM+x@Example.com', scope).sources).toEqual([
      { kind: 'contact', contact: 'email', value: 'chan.tm@example.com' },
    ]);
    expect(planSearch('麗港城 第五座', scope)).toMatchObject({
      sources: [{ kind: 'estate', estateId: 'laguna-city', prefix: 'UNIT#5#' }],
      building: '5',
    });
  });

  it('answers a contact’s unit only in the areas searched', () => {
    const plan = planSearch('9123 4567', { areas: ['hk-island'], estates: [] });
    const source = plan.sources[0];
    if (!source) throw new Error('no source');
    const [position] = positionsIn(source, unit(), 'HK');
    expect(position).toBeDefined();
    expect(answeredAt(plan, 0, position ?? '', unit(), estate())).toBe(false);
  });

  it('answers a unit once, at the first place of the plan that holds it', () => {
    const u = patchedUnit(
      unit(),
      UnitPatch.parse({
        version: 1,
        residents: [
          { name: '陳大文', role: 'owner' },
          { name: '陳大明', role: 'owner' },
        ],
      }),
      stamp,
    );
    const plan = planSearch('陳大', scope);
    const source = plan.sources[0];
    if (!source) throw new Error('no source');
    const positions = positionsIn(source, u, 'HK');
    expect(positions).toHaveLength(2);
    expect(positions.map((p) => answeredAt(plan, 0, p, u, estate()))).toEqual([true, false]);
    // A term the unit no longer has (its resident moved out) does not answer.
    expect(answeredAt(plan, 0, `陈大华|${u.id}|r000000`, u, estate())).toBe(false);
  });
});
