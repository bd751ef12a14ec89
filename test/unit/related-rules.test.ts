import { describe, expect, it } from 'vitest';
import { DEFAULT_RELATED_THRESHOLDS, workflowSettingsFrom } from '#config/workflow.ts';
import type { RegisterUnitRef } from '#domain/complaint.ts';
import {
  clusterDraftItem,
  clusterOf,
  type RelatedPointer,
  relatedFlagsOf,
  relatedPointerItems,
  repeatOf,
} from '#domain/related.ts';

/** Repeat and cluster rules (issue 16 §4) at their boundaries. */
const DAY = 86_400_000;
const AT = '2026-12-07T04:00:00.000Z';
const daysBefore = (days: number, ms = 0) => new Date(Date.parse(AT) - days * DAY - ms).toISOString();

const unitRef = (flat: string, building = '5'): RegisterUnitRef => ({
  id: `laguna-city.${building}.18-${flat}`,
  estateId: 'laguna-city',
  estate: '麗港城',
  buildingCode: building,
  building: `第${building}座`,
  unit: `18樓${flat}室`,
});
const pointer = (ref: string, receivedAt: string, unit: RegisterUnitRef, category?: string, moved = false) =>
  relatedPointerItems(
    { ref, receivedAt, area: 'kowloon-east', registerUnit: unit, ...(category ? { category } : {}) },
    { moved },
  )[0] as unknown as RelatedPointer;
const record = (unit: RegisterUnitRef, category: string | null = 'water-leak') => ({
  ref: 'KE-2612-0100',
  receivedAt: AT,
  area: 'kowloon-east',
  registerUnit: unit,
  ...(category ? { category } : {}),
});

describe('a repeat: same unit, same category, within N days', () => {
  const unit = unitRef('A');
  it('counts one exactly N days earlier, not one a millisecond older', () => {
    const pointers = [
      pointer('KE-1', daysBefore(30), unit, 'water-leak'),
      pointer('KE-2', daysBefore(30, 1), unit, 'water-leak'),
    ];
    expect(repeatOf(record(unit), pointers, { repeatDays: 30 })).toEqual(['KE-1']);
  });
  it('ignores another category, another unit, the complaint itself and moved pointers', () => {
    const pointers = [
      pointer('KE-1', daysBefore(1), unit, 'noise'),
      pointer('KE-2', daysBefore(1), unitRef('B'), 'water-leak'),
      pointer('KE-2612-0100', AT, unit, 'water-leak'),
      pointer('KE-3', daysBefore(2), unit, 'water-leak', true),
      pointer('KE-4', daysBefore(3), unit, 'water-leak'),
    ];
    expect(repeatOf(record(unit), pointers, { repeatDays: 30 })).toEqual(['KE-4']);
  });
  it('a complaint without a category repeats nothing yet', () => {
    expect(
      repeatOf(record(unit, null), [pointer('KE-1', daysBefore(1), unit, 'water-leak')], { repeatDays: 30 }),
    ).toEqual([]);
  });
  it('is newest first', () => {
    const pointers = [
      pointer('KE-1', daysBefore(9), unit, 'water-leak'),
      pointer('KE-2', daysBefore(2), unit, 'water-leak'),
    ];
    expect(repeatOf(record(unit), pointers, { repeatDays: 30 })).toEqual(['KE-2', 'KE-1']);
  });
});

describe('a cluster: at least K units of one building, same category, within N days', () => {
  const thresholds = { clusterUnits: 3, clusterDays: 14 };
  it('is K units counting this one; K − 1 is not', () => {
    const two = [pointer('KE-1', daysBefore(1), unitRef('B'), 'water-leak')];
    expect(clusterOf(record(unitRef('A')), two, thresholds)).toBeUndefined();
    const three = [...two, pointer('KE-2', daysBefore(14), unitRef('C'), 'water-leak')];
    expect(clusterOf(record(unitRef('A')), three, thresholds)).toEqual({
      units: 3,
      refs: ['KE-2', 'KE-1', 'KE-2612-0100'],
      since: daysBefore(14),
    });
  });
  it('leaves out what is older than N days, another building, another category', () => {
    const pointers = [
      pointer('KE-1', daysBefore(1), unitRef('B'), 'water-leak'),
      pointer('KE-2', daysBefore(14, 1), unitRef('C'), 'water-leak'),
      pointer('KE-3', daysBefore(1), unitRef('D', '6'), 'water-leak'),
      pointer('KE-4', daysBefore(1), unitRef('E'), 'noise'),
    ];
    expect(clusterOf(record(unitRef('A')), pointers, thresholds)).toBeUndefined();
  });
  it('several complaints of one unit are one unit (a repeat, not a cluster)', () => {
    const pointers = [
      pointer('KE-1', daysBefore(1), unitRef('B'), 'water-leak'),
      pointer('KE-2', daysBefore(2), unitRef('B'), 'water-leak'),
      pointer('KE-3', daysBefore(3), unitRef('A'), 'water-leak'),
    ];
    expect(clusterOf(record(unitRef('A')), pointers, thresholds)).toBeUndefined();
  });
});

describe('the flags and the cluster draft', () => {
  it('records the thresholds applied', () => {
    const flags = relatedFlagsOf(
      record(unitRef('A')),
      { unit: [pointer('KE-1', daysBefore(1), unitRef('A'), 'water-leak')], building: [] },
      DEFAULT_RELATED_THRESHOLDS,
      new Date(AT),
    );
    expect(flags).toMatchObject({ repeatOf: ['KE-1'], thresholds: { repeatDays: 90, clusterUnits: 3 } });
    expect(flags.cluster).toBeUndefined();
  });
  it('drafts one item per building, category and month, in three languages', () => {
    const cluster = { units: 3, refs: ['KE-1', 'KE-2', 'KE-3'], since: daysBefore(2) };
    const a = clusterDraftItem(
      record(unitRef('A')),
      cluster,
      { clusterUnits: 3, clusterDays: 14 },
      { now: new Date(AT), dueDays: 30 },
    );
    const b = clusterDraftItem(
      record(unitRef('C')),
      cluster,
      { clusterUnits: 3, clusterDays: 14 },
      { now: new Date(AT), dueDays: 30 },
    );
    expect(a?.id).toBe(b?.id);
    expect(a).toMatchObject({
      status: 'draft',
      subject: { kind: 'location', building: '麗港城 第5座', category: 'water-leak' },
      dueDate: '2027-01-06',
    });
    expect(a?.problemDraft.en).toContain('3 units');
    expect(a?.problemDraft['zh-Hant']).toContain('3 個單位');
    expect(a?.problemDraft['zh-Hans']).toContain('3 个单位');
  });
});

describe('WORKFLOW_SETTINGS.related', () => {
  it('defaults, and takes a subset over them', () => {
    expect(workflowSettingsFrom(undefined).related).toEqual(DEFAULT_RELATED_THRESHOLDS);
    expect(workflowSettingsFrom('{"related":{"clusterUnits":5}}').related).toEqual({
      ...DEFAULT_RELATED_THRESHOLDS,
      clusterUnits: 5,
    });
  });
  it('names a wrong one', () => {
    expect(() => workflowSettingsFrom('{"related":{"clusterUnits":1}}')).toThrow(
      'related.clusterUnits must be a whole number from 2 to 1000',
    );
    expect(() => workflowSettingsFrom('{"related":{"days":1}}')).toThrow('related.days is not a threshold');
  });
});
