import { describe, expect, it } from 'vitest';
import { type ComplaintRecord, newComplaintRecord } from '#domain/complaint.ts';
import { CorrectionInput, planCorrection } from '#domain/corrections.ts';
import type { Estate, Resident, Unit } from '#domain/directory/register.ts';
import {
  MAX_SUGGESTION_PROBES,
  ownerFromResident,
  registerUnitRef,
  routingOf,
  unitProbes,
} from '#domain/directory/register-match.ts';
import { ValidationError } from '#domain/errors.ts';

/**
 * Tying complaints to the estate register: the unit a sender's registered contact points at
 * (one unit routes, several only offer), the register units a complaint's text names, and
 * staff setting the unit by a correction.
 */
const stamp = { by: 'supervisor.hk-island', role: 'supervisor', at: '2026-12-01T00:00:00.000Z' };

function estate(
  id: string,
  name: Estate['name'],
  buildings: Record<string, string>,
  area = 'hk-island',
): Estate {
  return {
    id,
    area,
    name,
    style: 'HK',
    buildings: Object.fromEntries(
      Object.entries(buildings).map(([code, zhHant]) => [code, { code, name: { zhHant } }]),
    ),
    organisations: [],
    version: 1,
    created: stamp,
    updated: stamp,
  };
}

const resident = (id: string, role: 'owner' | 'tenant', language: Resident['language']): Resident => ({
  id,
  name: role === 'owner' ? '李家欣' : 'Tenant Wong',
  role,
  phones: ['9876 5432'],
  emails: ['lee@example.com'],
  faxes: [],
  language,
});

function unit(estateId: string, building: string, floor: string, flat: string, residents: Resident[]): Unit {
  return {
    id: `${estateId}.${building}.${floor}-${flat}`,
    estateId,
    area: 'hk-island',
    building,
    floor,
    flat,
    residents,
    version: 1,
    created: stamp,
    updated: stamp,
  };
}

const horizons = estate(
  'south-horizons',
  { zhHant: '海怡半島', en: 'South Horizons' },
  { '5': '第五座', '3': '第三座' },
);
const taikoo = estate(
  'taikoo-shing',
  { zhHant: '太古城', en: 'Taikoo Shing' },
  { '5': '金星閣', '7': '第七座' },
);
const estates = new Map([horizons, taikoo].map((e) => [e.id, e]));

describe('routing by the sender’s registered contact', () => {
  it('routes to the one unit the contact is at, as the unit’s owner in their language', () => {
    const tenant = resident('r000002', 'tenant', 'en');
    const owner = resident('r000001', 'owner', 'zh-Hans');
    const flat = unit('south-horizons', '5', '18', 'A', [tenant, owner]);
    const routing = routingOf(
      [
        { unit: flat, resident: tenant },
        { unit: flat, resident: owner },
      ],
      estates,
    );
    expect(routing).toEqual({
      kind: 'matched',
      area: 'hk-island',
      registerUnit: {
        id: 'south-horizons.5.18-A',
        estateId: 'south-horizons',
        estate: '海怡半島',
        buildingCode: '5',
        building: '第五座',
        unit: '18樓A室',
      },
      resident: owner,
    });
  });

  it('picks no unit when the contact is at several, and keeps them as candidates in order', () => {
    const owner = resident('r000001', 'owner', 'en');
    const routing = routingOf(
      [
        { unit: unit('south-horizons', '3', '9', 'C', [owner]), resident: owner },
        { unit: unit('south-horizons', '3', '7', 'B', [owner]), resident: owner },
      ],
      estates,
    );
    expect(routing.kind).toBe('unknown');
    expect(routing.kind === 'unknown' && routing.candidates.map((c) => c.id)).toEqual([
      'south-horizons.3.7-B',
      'south-horizons.3.9-C',
    ]);
    expect(routingOf([], estates)).toEqual({ kind: 'unknown', candidates: [] });
  });

  it('takes the registered name and language, and fills a fax’s missing contacts from the register', () => {
    const owner = resident('r000001', 'owner', 'zh-Hans');
    expect(ownerFromResident({ name: 'Karen Lee', email: 'karen+home@example.com' }, owner)).toEqual({
      name: '李家欣',
      email: 'karen+home@example.com',
      phone: '9876 5432',
      language: 'zh-Hans',
    });
    expect(ownerFromResident({ name: '傳真 Fax' }, owner)).toEqual({
      name: '李家欣',
      email: 'lee@example.com',
      phone: '9876 5432',
      language: 'zh-Hans',
    });
  });
});

describe('units a complaint’s text names', () => {
  it('looks the written unit up in the estate the text names, at the building written', () => {
    expect(unitProbes('海怡半島第五座18樓A室的走廊漏水', [horizons, taikoo])).toEqual([
      { unitId: 'south-horizons.5.18-A', estateId: 'south-horizons', text: '第五座18樓A室' },
    ]);
    expect(
      unitProbes('Flat B, 12/F, Block 3, South Horizons', [horizons, taikoo]).map((p) => p.unitId),
    ).toEqual(['south-horizons.3.12-B']);
  });

  it('reads a building written by its register name as that estate’s, and a code as every estate’s with it', () => {
    expect(unitProbes('金星閣15樓C室滲水', [horizons, taikoo]).map((p) => p.unitId)).toEqual([
      'taikoo-shing.5.15-C',
    ]);
    // Written as one estate names its building: that estate's, not the other's block 5.
    expect(unitProbes('第五座18樓A室', [horizons, taikoo]).map((p) => p.unitId)).toEqual([
      'south-horizons.5.18-A',
    ]);
    // Written by a code only: every estate with the building.
    expect(unitProbes('5座18樓A室', [horizons, taikoo]).map((p) => p.unitId)).toEqual([
      'south-horizons.5.18-A',
      'taikoo-shing.5.18-A',
    ]);
  });

  it('tries each building of the estates for a unit written without its building, within a bound', () => {
    expect(unitProbes('海怡半島7樓之2', [horizons, taikoo]).map((p) => p.unitId)).toEqual([
      'south-horizons.3.7-2',
      'south-horizons.5.7-2',
    ]);
    const many = estate(
      'big',
      { zhHant: '大屋苑' },
      Object.fromEntries(Array.from({ length: 60 }, (_, i) => [String(i + 1), `第${i + 1}座`])),
    );
    expect(unitProbes('12樓B室', [many])).toHaveLength(MAX_SUGGESTION_PROBES);
  });

  it('finds nothing in text without a unit (phone numbers, dates, amounts)', () => {
    expect(unitProbes('請致電 9123 4567，12月3日前維修，費用$1,500', [horizons, taikoo])).toEqual([]);
  });
});

describe('setting the register unit by a correction', () => {
  const complaint = (overrides: Partial<ComplaintRecord> = {}): ComplaintRecord => ({
    ...newComplaintRecord(
      'HKI-2612-0001',
      {
        channel: 'email',
        area: 'hk-island',
        owner: { name: '張小姐', email: 'c@example.com' },
        content: '漏水',
      },
      { by: 'email-intake', role: 'system', at: '2026-12-07T02:00:00.000Z' },
      { needsClarification: false, acknowledge: 'email' },
    ),
    currentStep: 'supervisorReview',
    unitUnknown: true,
    ...overrides,
  });
  const flat = registerUnitRef(unit('south-horizons', '5', '18', 'A', []), horizons);
  const input = (registerUnit: string | null) =>
    CorrectionInput.parse({ version: 0, reason: '業主來電確認單位', changes: { registerUnit } });

  it('writes the unit as the register has it and clears the unit-unknown flag and candidates', () => {
    const plan = planCorrection(complaint(), input('south-horizons.5.18-A'), { registerUnit: flat });
    expect(plan.changes).toEqual([{ field: 'registerUnit', from: null, to: 'south-horizons.5.18-A' }]);
    expect(plan.writes).toEqual([
      { path: ['registerUnit'], value: flat, expected: undefined, expectedLeaves: ['id'] },
      { path: ['unitUnknown'], value: undefined, expected: undefined, expectedLeaves: [] },
      { path: ['unitCandidates'], value: undefined, expected: undefined, expectedLeaves: [] },
    ]);
  });

  it('refuses a unit the register does not have in the complaint’s area, naming the field', () => {
    expect(() => planCorrection(complaint(), input('south-horizons.5.19-A'))).toThrow(ValidationError);
    try {
      planCorrection(complaint(), input('south-horizons.5.19-A'));
    } catch (error) {
      expect((error as ValidationError).errors[0]?.field).toBe('changes.registerUnit');
    }
    expect(
      CorrectionInput.safeParse({ version: 0, reason: 'x', changes: { registerUnit: '18A' } }).success,
    ).toBe(false);
  });

  it('clears a unit, leaving the flags as they were', () => {
    const plan = planCorrection(complaint({ registerUnit: flat, unitUnknown: undefined }), input(null));
    expect(plan.writes).toEqual([
      { path: ['registerUnit'], value: undefined, expected: flat, expectedLeaves: ['id'] },
    ]);
  });
});
