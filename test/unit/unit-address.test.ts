import { describe, expect, it } from 'vitest';
import { foldForMatch, foldScript, foldWidth } from '#domain/directory/fold.ts';
import {
  canonicalFloor,
  parseUnitQuery,
  readNumber,
  recogniseUnit,
  recogniseUnits,
  unitKey,
} from '#domain/directory/unit-address.ts';
import fixture from '../fixtures/unit-addresses.json' with { type: 'json' };

/**
 * The unit recogniser on addresses as owners write them in Hong Kong, Taiwan and the mainland
 * (test/fixtures/unit-addresses.json), and on numbers that must never be read as a unit.
 */
const partsOf = (text: string) => {
  const unit = recogniseUnit(text);
  if (!unit) return null;
  return {
    ...(unit.building !== undefined ? { building: unit.building } : {}),
    floor: unit.floor,
    ...(unit.flat !== undefined ? { flat: unit.flat } : {}),
  };
};

describe('the unit recogniser on real-world address forms', () => {
  it('has at least 40 forms, from Hong Kong, Taiwan and the mainland', () => {
    const forms = fixture.units.filter((form) => form.expect !== null);
    expect(forms.length).toBeGreaterThanOrEqual(40);
    for (const region of ['HK', 'TW', 'CN']) {
      expect(forms.filter((form) => form.region === region).length, region).toBeGreaterThanOrEqual(8);
    }
  });

  for (const form of fixture.units) {
    it(`reads ${form.region} 「${form.text}」 as ${form.expect ? unitKey(form.expect) : 'no unit'}`, () => {
      expect(partsOf(form.text)).toEqual(form.expect);
    });
  }

  for (const negative of fixture.negatives) {
    it(`reads no unit in a ${negative.what}: 「${negative.text}」`, () => {
      expect(recogniseUnits(negative.text)).toEqual([]);
    });
  }
});

describe('the canonical unit key', () => {
  it('is one key for one unit however it is written', () => {
    const keys = [
      '第5座18樓A室',
      '第五座十八樓A室',
      'Block 5, 18/F, Flat A',
      'Flat A, 18th Floor, Tower 5',
      '５座１８楼Ａ室',
      '5座18層A',
    ].map((text) => recogniseUnit(text)?.key);
    expect(new Set(keys)).toEqual(new Set(['5|18|A']));
  });

  it('keeps flats apart that differ only in a leading zero of the floor, not of the flat', () => {
    expect(recogniseUnit('12樓03室')?.key).toBe(recogniseUnit('12樓3室')?.key);
    expect(recogniseUnit('12樓03室')?.key).not.toBe(recogniseUnit('1樓203室')?.key);
  });

  it('says where in the text the unit was written, as written', () => {
    const text = '你好，我住第五座１８樓Ａ室，浴室漏水';
    const unit = recogniseUnit(text);
    expect(unit?.text).toBe('第五座１８樓Ａ室');
    expect(text.slice(unit?.start, unit?.end)).toBe('第五座１８樓Ａ室');
  });

  it('reads a named block of the register as its code, when told its names', () => {
    const buildings = [
      { code: 'KS', names: ['金星閣', 'Kam Sing Mansion'] },
      { code: 'HT', names: ['海天閣'] },
    ];
    expect(recogniseUnit('太古城金星閣15樓C室', { buildings })?.key).toBe('KS|15|C');
    expect(recogniseUnit('Flat C, 15/F, Kam Sing Mansion, Taikoo Shing', { buildings })?.key).toBe('KS|15|C');
    expect(recogniseUnit('太古城金星閣15樓C室')?.key).toBe('|15|C');
  });

  it('lists every unit of a text, the most complete first', () => {
    const units = recogniseUnits('樓上12樓B室漏水到我家第三座11樓B室');
    expect(units.map((unit) => unit.key)).toEqual(['3|11|B', '|12|B']);
  });
});

describe('numbers and floors', () => {
  it('reads Chinese numerals as people write them', () => {
    expect(readNumber('十八')).toBe(18);
    expect(readNumber('十')).toBe(10);
    expect(readNumber('二十三')).toBe(23);
    expect(readNumber('廿三')).toBe(23);
    expect(readNumber('一百零二')).toBe(102);
    expect(readNumber('一五零二')).toBe(1502);
    expect(readNumber('兩')).toBe(2);
    expect(readNumber('樓')).toBeUndefined();
  });

  it('reads the floors that are words', () => {
    expect(['地下', 'G/F', 'Ground Floor', 'g/f'].map(canonicalFloor)).toEqual(['G', 'G', 'G', 'G']);
    expect(['閣樓', 'Cockloft'].map(canonicalFloor)).toEqual(['M', 'M']);
    expect(['地庫', 'B1', 'B1/F', '負1樓', 'B2'].map(canonicalFloor)).toEqual(['B1', 'B1', 'B1', 'B1', 'B2']);
    expect(['天台', 'R/F', 'LG/F', 'UG/F', '十八樓', '18/F', '018'].map(canonicalFloor)).toEqual([
      'RF',
      'RF',
      'LG',
      'UG',
      '18',
      '18',
      '18',
    ]);
    expect(['0', '樓', 'abc', '999'].map(canonicalFloor)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reads the short forms staff type into a search box', () => {
    expect(parseUnitQuery('12B')).toEqual({ floor: '12', flat: 'B' });
    expect(parseUnitQuery('12-b')).toEqual({ floor: '12', flat: 'B' });
    expect(parseUnitQuery('1502')).toEqual({ floor: '15', flat: '2' });
    expect(parseUnitQuery('7-2')).toEqual({ floor: '7', flat: '2' });
    expect(parseUnitQuery('第五座18樓A室')).toMatchObject({ building: '5', floor: '18', flat: 'A' });
    expect(parseUnitQuery('陳大文')).toBeUndefined();
    expect(parseUnitQuery('91234567')).toBeUndefined();
  });
});

describe('folding for matching', () => {
  it('folds full-width forms one unit for one, and Traditional to Simplified', () => {
    expect(foldWidth('１８樓Ａ室／Ｆ　')).toBe('18樓A室/F ');
    expect(foldScript('陳大文 海濱花園 第三座 12樓')).toBe('陈大文 海滨花园 第三座 12楼');
    expect(foldForMatch('陳 大文')).toBe(foldForMatch('陈大文'));
    expect(foldForMatch('Chan Tai-man')).toBe('chan tai man');
  });
});
