import { foldWidth } from './fold.ts';

/**
 * The unit recogniser: finds the building, floor and flat an owner writes in free text, in the
 * ways Hong Kong, Taiwan and the mainland write them, and reads them as one canonical unit key,
 * so that 「第5座18樓A室」, 「第五座十八樓A室」 and 「Flat A, 18/F, Block 5」 are one unit
 * (`5|18|A`). Pure: it knows no register; `buildings` hints name the register's named blocks
 * (金星閣) so they can be read as theirs (lambdas/domain/directory/register-match.ts).
 *
 * What it reads (test/fixtures/unit-addresses.json has the real-world forms it is held to):
 * - buildings: 第五座 / 5座 / B座, 3栋 / 3棟 / 3幢, 3號樓 / 3号楼 / 3#楼, 2单元 / 2單元 (an
 *   entrance of a mainland building, read as part of the building: `3-2`), Block 3 / Blk 3 /
 *   Tower 2 / Building 5, and a street number before a floor (彌敦道 123號3樓, Taiwan's
 *   100號7樓之2);
 * - floors: 18樓 / 十八楼 / 18層 / 18/F / 18F / 18th Floor / Floor 18, 地下 and G/F (`G`),
 *   閣樓 and cockloft (`M`), LG/F, UG/F, 地庫 / 負1樓 / B1/F (`B1`), 天台 / roof (`RF`);
 * - flats: A室, 03室, 3號, Flat B, Unit 1502, Room 03, 7樓之2 / 5F-2 (Taiwan), 1502室 (the
 *   mainland's floor-and-flat room number: floor 15, flat 02), 5-2-301 (building, entrance,
 *   room), and Flat 12B (floor 12, flat B);
 * - full-width digits and letters, Chinese numerals (十八, 廿三, 一五零二), 繁體 and 简体.
 * A unit needs a floor and a flat, or a floor of a street-numbered building (one flat a floor)
 * or a cockloft. Phone numbers, dates, amounts, times and reference numbers are not units: each
 * part needs its word (座, 樓, 室, Flat, /F ...), which none of them has.
 */

/** A unit read from text: the canonical parts, the key they make, and where it was written. */
export interface RecognisedUnit {
  /** Canonical building: `5`, `B`, `3-2` (building 3, entrance 2), or a hinted building's code. */
  readonly building?: string;
  /** Canonical floor: `18`, `G`, `M` (cockloft), `LG`, `UG`, `B1`, `RF`. */
  readonly floor: string;
  /** Canonical flat: `A`, `2` (leading zeros dropped), `A1`; absent for a one-flat floor. */
  readonly flat?: string;
  /** unitKey() of the parts. */
  readonly key: string;
  /** The text the unit was read from, as written. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** A building of the register, to be recognised by its names (a named block such as 金星閣). */
export interface BuildingHint {
  readonly code: string;
  readonly names: readonly string[];
}

export interface UnitParts {
  readonly building?: string | undefined;
  readonly floor: string;
  readonly flat?: string | undefined;
}

/** `building|floor|flat`, each canonical, empty where unknown: the unit key matching compares. */
export function unitKey(parts: UnitParts): string {
  return `${parts.building ?? ''}|${parts.floor}|${parts.flat ?? ''}`;
}

// ---- Numbers -------------------------------------------------------------------------------

const CHINESE_DIGITS: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  兩: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/**
 * A number written in digits or Chinese numerals: 18, 十八, 二十三, 廿三, 一百零二, and digit by
 * digit as room numbers are read out (一五零二 = 1502). Undefined when it is not one.
 */
export function readNumber(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^[零〇一二兩两三四五六七八九十廿卅百]+$/.test(text)) return undefined;
  if (!/[十廿卅百]/.test(text)) {
    let value = 0;
    for (const char of text) value = value * 10 + (CHINESE_DIGITS[char] ?? 0);
    return value;
  }
  let total = 0;
  let digit: number | undefined;
  for (const char of text) {
    if (char === '百') {
      total += (digit ?? 1) * 100;
      digit = undefined;
    } else if (char === '十') {
      total += (digit ?? 1) * 10;
      digit = undefined;
    } else if (char === '廿' || char === '卅') {
      if (digit !== undefined) return undefined;
      total += char === '廿' ? 20 : 30;
    } else {
      const value = CHINESE_DIGITS[char];
      if (value === undefined || digit !== undefined) {
        if (value === 0) continue;
        return undefined;
      }
      digit = value === 0 ? undefined : value;
    }
  }
  return total + (digit ?? 0);
}

/** A flat as compared: upper case, leading zeros of a number dropped (03 → 3). */
export function canonicalFlat(flat: string): string {
  const upper = foldWidth(flat).trim().toUpperCase();
  const number = readNumber(upper);
  if (number !== undefined) return String(number);
  const withNumber = /^([A-Z]{1,2})0*(\d+)$/.exec(upper);
  if (withNumber) return `${withNumber[1]}${withNumber[2]}`;
  return upper.replace(/^0+(?=\d)/, '');
}

/** A building number or letter as compared: `五` → `5`, `b` → `B`. */
export function canonicalBuilding(building: string): string {
  const folded = foldWidth(building).trim();
  const number = readNumber(folded);
  return number !== undefined ? String(number) : folded.toUpperCase();
}

/** The floors that are words, by how they are written. */
const WORD_FLOORS: readonly (readonly [RegExp, string])[] = [
  [/^(?:低層地下|低层地下|lower\s+ground(?:\s+floor)?|LG\s*\/?\s*F)$/i, 'LG'],
  [/^(?:高層地下|高层地下|upper\s+ground(?:\s+floor)?|UG\s*\/?\s*F)$/i, 'UG'],
  [/^(?:地下|地面|地舖|地铺|地鋪|G\s*\/\s*F|GF|ground\s+floor)$/i, 'G'],
  [/^(?:閣樓|阁楼|cockloft|mezzanine|M\s*\/\s*F)$/i, 'M'],
  [/^(?:天台|天臺|頂樓|顶楼|roof(?:top)?|R\s*\/\s*F)$/i, 'RF'],
  [/^(?:地庫|地库|地下室|basement)$/i, 'B1'],
];

/**
 * A floor as compared: `18`, `G`, `M`, `LG`, `UG`, `B1`, `RF`, from what staff or owners write
 * (18, 十八, 18/F, G/F, 地下, 閣樓, B1, B1/F, 地庫2樓 ...). Undefined when it is not a floor.
 */
export function canonicalFloor(floor: string): string | undefined {
  const text = foldWidth(floor).trim();
  for (const [pattern, canonical] of WORD_FLOORS) if (pattern.test(text)) return canonical;
  const basement =
    /^(?:B|地庫|地库|負|负|basement\s*)(\d{1,2}|[一二兩两三四五])\s*(?:\/?\s*F|樓|楼|層|层)?$/i.exec(text);
  if (basement?.[1]) {
    const level = readNumber(basement[1]);
    return level && level > 0 ? `B${level}` : undefined;
  }
  const numbered = /^(\d{1,3}|[零〇一二兩两三四五六七八九十廿百]{1,5})\s*(?:\/\s*F|F|樓|楼|層|层)?$/i.exec(
    text,
  );
  if (numbered?.[1]) {
    const level = readNumber(numbered[1]);
    return level !== undefined && level > 0 && level < 200 ? String(level) : undefined;
  }
  return undefined;
}

// ---- Parts of an address in text -------------------------------------------------------------

type PartKind = 'building' | 'entrance' | 'floor' | 'flat' | 'room' | 'bareRoom';

interface Part {
  readonly kind: PartKind;
  readonly start: number;
  readonly end: number;
  readonly value: string;
  /** Set on a floor that came with its flat (18樓A室, 7樓之2): the flat. */
  readonly flat?: string;
  /** A building that is a street number (123號): one flat a floor is a unit there. */
  readonly street?: boolean;
  /** A part carrying more than itself: a 5-2-301 triple is building, entrance and room. */
  readonly extra?: readonly Part[];
}

const N_TEXT = '\\d{1,4}|[零〇一二兩两三四五六七八九十廿百]{1,5}';
const SMALL_N_TEXT = '\\d{1,3}|[一二兩两三四五六七八九十]{1,3}';
const N = `(${N_TEXT})`;
const SMALL_N = `(${SMALL_N_TEXT})`;
const FLOOR_WORD = '(?:樓|楼|層|层)';
const SPECIAL_FLOOR_ZH =
  '(?<special>低層地下|低层地下|高層地下|高层地下|地下室|地庫|地库|地下|地面|閣樓|阁楼|天台|天臺|頂樓|顶楼)';
const FLAT_ZH =
  '(?:\\s*(?<flat>[A-Za-z]{1,2}\\d{0,2}(?![A-Za-z])|\\d{1,4}|[一二三四五六七八九十]{1,3})\\s*(?<suffix>室|房|號室|号室|號舖|号铺|號鋪|舖|铺|鋪|號|号|座|單位|单位)?)?';

interface Pattern {
  readonly regex: RegExp;
  readonly read: (match: RegExpMatchArray, start: number, end: number) => Part[];
}

function flatOf(value: string | undefined, suffix: string | undefined): string | undefined {
  if (!value) return undefined;
  const isLetters = /^[A-Za-z]/.test(value);
  // A number after a floor is a flat only with its word (室, 號): 「18樓 3個人」 is no flat.
  if (!isLetters && !suffix) return undefined;
  // A lower-case letter is a flat only with its word: 「18樓a」 is more likely a typo than flat A.
  if (isLetters && value !== value.toUpperCase() && !suffix) return undefined;
  return value;
}

/** Patterns of the parts, most specific first: where two overlap, the earlier-listed one wins a tie. */
const PATTERNS: readonly Pattern[] = [
  {
    // Mainland 5-2-301: building, entrance, room. Not a date (12-03-2026).
    regex: /(?<![\d-])(\d{1,3})-(\d{1,2})-(\d{3,4})(?![\d-])/g,
    read: (m, start, end) => {
      const [b = '', e = '', room = ''] = [m[1], m[2], m[3]];
      const looksLikeDate = /^(19|20)\d\d$/.test(room) && Number(e) <= 12 && Number(b) <= 31;
      if (looksLikeDate) return [];
      return [
        {
          kind: 'building',
          start,
          end,
          value: b,
          extra: [
            { kind: 'entrance', start, end, value: e },
            { kind: 'room', start, end, value: room },
          ],
        },
      ];
    },
  },
  {
    // Taiwan 7樓之2, 5F-2, 5樓-2: the floor and its flat.
    regex: new RegExp(`${N}\\s*(?:樓|楼|F)\\s*(?:之|-)\\s*${SMALL_N}(?![\\d])`, 'g'),
    read: (m, start, end) => [{ kind: 'floor', start, end, value: m[1] ?? '', flat: m[2] ?? '' }],
  },
  {
    // A street-numbered building, only before its floor: 「123號3樓」, 「100號七樓之2」, 「12號閣樓」.
    regex: new RegExp(
      `(\\d{1,4}(?:-\\d{1,4})?[A-Za-z]?)\\s*(?:號|号)(?=\\s*(?:${N}\\s*(?:樓|楼|F)|地下|閣樓|阁楼|地庫|地库|B\\d))`,
      'g',
    ),
    read: (m, start, end) => [{ kind: 'building', start, end, value: m[1] ?? '', street: true }],
  },
  {
    // 第五座, 5座, B座, 3栋, 3棟, 3幢, 3號樓, 3号楼, 3#楼.
    regex: new RegExp(`(?:第\\s*)?(${N_TEXT}|[A-Za-z])\\s*(?:號樓|号楼|#\\s*樓|#\\s*楼|棟|栋|幢|座)`, 'g'),
    read: (m, start, end) => [{ kind: 'building', start, end, value: m[1] ?? '' }],
  },
  {
    // 2单元 / 2單元: an entrance (stair core) of a mainland building.
    regex: new RegExp(`(?:第\\s*)?${SMALL_N}\\s*(?:單元|单元)`, 'g'),
    read: (m, start, end) => [{ kind: 'entrance', start, end, value: m[1] ?? '' }],
  },
  {
    // Floors in Chinese, with the flat that follows: 18樓A室, 十八楼A, 12楼03室, 地下A舖, 閣樓.
    regex: new RegExp(
      `(?<floor>(?<number>${N_TEXT})\\s*${FLOOR_WORD}|${SPECIAL_FLOOR_ZH}|(?:負|负)\\s*(?<basement>${SMALL_N_TEXT})\\s*${FLOOR_WORD})${FLAT_ZH}`,
      'g',
    ),
    read: (m, start, end) => {
      const g = m.groups ?? {};
      const floor = g.number ?? g.special ?? (g.basement ? `B${readNumber(g.basement) ?? ''}` : '');
      const flat = flatOf(g.flat, g.suffix);
      const floorEnd = start + (g.floor ?? '').length;
      return [{ kind: 'floor', start, end: flat ? end : floorEnd, value: floor, ...(flat ? { flat } : {}) }];
    },
  },
  {
    // A mainland room number: 1502室 (floor 15, flat 02), 301房.
    regex: /(?<![\d])(\d{3,4})\s*(?:室|房|號房|号房)/g,
    read: (m, start, end) => [{ kind: 'room', start, end, value: m[1] ?? '' }],
  },
  {
    // Taiwan's basement after a street number: 「789號B1」.
    regex: /(?<=號|号)\s*B(\d)(?![\dA-Za-z])/g,
    read: (m, start, end) => [{ kind: 'floor', start, end, value: `B${m[1] ?? ''}` }],
  },
  {
    // A mainland room number without its word, right after the building or entrance: 「11栋二单元602」.
    // Only counted there (clustersOf); never before a unit of measure, a date or an amount.
    regex: /(?<![\d.,:/-])(\d{3,4})(?![\d.:/%年月日元蚊個个次人号號時时点點分秒萬万千百]|,\d|\s+\d)/g,
    read: (m, start, end) => [{ kind: 'bareRoom', start, end, value: m[1] ?? '' }],
  },
  {
    // Block 3, Blk 3, Tower 2, Building 5, Bldg. 5, House 2.
    regex:
      /\b(?:block|blk|tower|twr|building|bldg|house)\.?\s*(?:no\.?\s*)?(\d{1,3}|[A-Za-z])(?![A-Za-z\d])/gi,
    read: (m, start, end) => {
      const value = m[1] ?? '';
      return /^[a-z]$/.test(value) ? [] : [{ kind: 'building', start, end, value }];
    },
  },
  {
    // 18/F, 18F, 18th Floor, 18 Flr, Floor 18, G/F, Ground Floor, LG/F, UG/F, Cockloft, Roof, B1/F, Basement.
    regex:
      /(?<![\dA-Za-z])(?:(\d{1,3})\s*\/\s*F(?![A-Za-z])|(\d{1,3})F(?![A-Za-z\d])|(\d{1,3})\s*(?:st|nd|rd|th)?\s*(?:floor|flr|fl)\b\.?|(?:floor|flr)\s*(\d{1,3})\b|(LG\s*\/?\s*F|UG\s*\/?\s*F|G\s*\/\s*F|ground\s+floor|lower\s+ground(?:\s+floor)?|upper\s+ground(?:\s+floor)?|cockloft|mezzanine|M\s*\/\s*F|roof(?:top)?|R\s*\/\s*F)(?![A-Za-z])|B(\d)\s*\/?\s*F(?![A-Za-z])|basement(?:\s*(\d))?\b)/gi,
    read: (m, start, end) => {
      const value =
        m[1] ??
        m[2] ??
        m[3] ??
        m[4] ??
        m[5] ??
        (m[6] ? `B${m[6]}` : m[0].toLowerCase().startsWith('basement') ? `B${m[7] ?? 1}` : '');
      return [{ kind: 'floor', start, end, value }];
    },
  },
  {
    // Flat B, Flt 3, Unit 1502, Room 03, Rm 1802, Apt 12B, Suite 5.
    regex:
      /\b(?:flat|flt|unit|room|rm|apt|apartment|suite)\.?\s*(?:no\.?\s*)?(?:#\s*)?([A-Za-z]{1,2}\d{0,2}|\d{1,4}[A-Za-z]?)(?![A-Za-z\d])/gi,
    read: (m, start, end) => {
      const value = m[1] ?? '';
      // A flat is a capital letter or a number: 「a flat rate」 and 「unit of」 are not flats.
      if (/[a-z]/.test(value)) return [];
      const keyword = m[0].toLowerCase();
      const room = /^\d{3,4}$/.test(value) && /^(?:unit|room|rm|suite)/.test(keyword);
      return [{ kind: room ? 'room' : 'flat', start, end, value }];
    },
  },
];

/** What may stand between the parts of one address: separators, and a few short words. */
const JOINER = /^(?:[\s,，、.;:·\-–—()（）]|\b(?:on|at|of|in)\b|的)*$/i;
const MAX_JOINER = 12;

function findParts(text: string): Part[] {
  const found: { part: Part; priority: number }[] = [];
  PATTERNS.forEach((pattern, priority) => {
    for (const match of text.matchAll(pattern.regex)) {
      const start = match.index ?? 0;
      for (const part of pattern.read(match, start, start + match[0].length)) found.push({ part, priority });
    }
  });
  // Overlaps: the one starting first, then the longer, then the more specific pattern.
  found.sort((a, b) => a.part.start - b.part.start || b.part.end - a.part.end || a.priority - b.priority);
  const parts: Part[] = [];
  let reached = 0;
  for (const { part } of found) {
    if (part.start < reached) continue;
    parts.push(part);
    reached = part.end;
  }
  return parts;
}

interface Cluster {
  bareRoom?: Part;
  building?: Part;
  entrance?: Part;
  floor?: Part;
  flat?: Part;
  room?: Part;
  start: number;
  end: number;
}

/** Adjacent parts make one address; a second part of a kind it has starts the next. */
function clustersOf(text: string, parts: readonly Part[]): Cluster[] {
  const clusters: Cluster[] = [];
  let current: Cluster | undefined;
  for (const found of parts) {
    let part = found;
    if (part.kind === 'bareRoom') {
      const follows =
        current !== undefined &&
        current.floor === undefined &&
        current.room === undefined &&
        (current.entrance !== undefined || current.building !== undefined) &&
        /^[\s-]?$/.test(text.slice(current.end, part.start));
      if (!follows) {
        current = undefined;
        continue;
      }
      part = { ...part, kind: 'room' };
    }
    const pieces = [part, ...(part.extra ?? [])];
    const gap = current ? text.slice(current.end, part.start) : '';
    const joins =
      current !== undefined &&
      gap.length <= MAX_JOINER &&
      JOINER.test(gap) &&
      pieces.every((piece) => current?.[piece.kind] === undefined) &&
      !(part.kind === 'room' && current.flat) &&
      !(part.kind === 'flat' && current.room);
    if (!joins || !current) {
      current = { start: part.start, end: part.end };
      clusters.push(current);
    }
    for (const piece of pieces) current[piece.kind] = { ...piece, extra: [] };
    current.end = part.end;
  }
  return clusters;
}

function unitOf(text: string, cluster: Cluster, hinted?: string): RecognisedUnit | undefined {
  let floor = cluster.floor ? canonicalFloor(cluster.floor.value) : undefined;
  let flat = cluster.floor?.flat ?? cluster.flat?.value;
  const room = cluster.room?.value;
  if (room) {
    if (floor === undefined) {
      // 1502 → floor 15, flat 02.
      floor = canonicalFloor(room.slice(0, -2));
      flat = room.slice(-2);
    } else {
      flat = room;
    }
  }
  // 「12樓1203室」, 「Rm 1802, 18/F」: the room number repeats the floor.
  if (floor && flat && /^\d+$/.test(flat) && flat.length === floor.length + 2 && flat.startsWith(floor)) {
    flat = flat.slice(-2);
  }
  if (flat && floor === undefined) {
    // Flat 12B: floor 12, flat B.
    const combined = /^(\d{1,3})([A-Z]{1,2})$/.exec(flat.toUpperCase());
    if (combined?.[1] && combined[2]) {
      floor = canonicalFloor(combined[1]);
      flat = combined[2];
    }
  }
  if (floor === undefined) return undefined;
  const canonical = flat ? canonicalFlat(flat) : undefined;
  const street = cluster.building?.street === true;
  if (!canonical && !street && floor !== 'M') return undefined;
  let building = hinted ?? (cluster.building ? canonicalBuilding(cluster.building.value) : undefined);
  if (building !== undefined && cluster.entrance) {
    building = `${building}-${canonicalBuilding(cluster.entrance.value)}`;
  }
  const parts = { building, floor, flat: canonical };
  return {
    ...(building !== undefined ? { building } : {}),
    floor,
    ...(canonical ? { flat: canonical } : {}),
    key: unitKey(parts),
    text: text.slice(cluster.start, cluster.end),
    start: cluster.start,
    end: cluster.end,
  };
}

/** Register buildings named in the text, with where: each becomes a building part. */
function hintedParts(folded: string, hints: readonly BuildingHint[]): (Part & { code: string })[] {
  const parts: (Part & { code: string })[] = [];
  for (const hint of hints) {
    for (const name of hint.names) {
      const trimmed = foldWidth(name).trim();
      if (trimmed.length < 2) continue;
      let at = folded.toLowerCase().indexOf(trimmed.toLowerCase());
      while (at >= 0) {
        parts.push({
          kind: 'building',
          start: at,
          end: at + trimmed.length,
          value: hint.code,
          code: hint.code,
        });
        at = folded.toLowerCase().indexOf(trimmed.toLowerCase(), at + 1);
      }
    }
  }
  return parts;
}

/**
 * Every unit written in the text, the most complete first (building, floor and flat before a
 * floor and flat), then in the order written. `buildings` names the register's buildings, so a
 * named block (金星閣15樓C室) is read as that building's code.
 */
export function recogniseUnits(
  text: string,
  options: { readonly buildings?: readonly BuildingHint[] } = {},
): RecognisedUnit[] {
  const folded = foldWidth(text);
  const hinted = hintedParts(folded, options.buildings ?? []);
  const parts = findParts(folded);
  // A hinted name replaces a part it overlaps (金星閣 is a building, whatever its characters say).
  const merged = [
    ...parts.filter(
      (part) => !hinted.some((h) => h.start < part.end && part.start < h.end && part.kind === 'building'),
    ),
    ...hinted.filter(
      (h) => !parts.some((part) => part.kind !== 'building' && h.start < part.end && part.start < h.end),
    ),
  ].sort((a, b) => a.start - b.start || b.end - a.end);
  const deduped: Part[] = [];
  let reached = 0;
  for (const part of merged) {
    if (part.start < reached) continue;
    deduped.push(part);
    reached = part.end;
  }
  const units: RecognisedUnit[] = [];
  for (const cluster of clustersOf(folded, deduped)) {
    const code = cluster.building && 'code' in cluster.building ? String(cluster.building.code) : undefined;
    const unit = unitOf(text, cluster, code);
    if (unit) units.push(unit);
  }
  const completeness = (unit: RecognisedUnit) =>
    (unit.building !== undefined ? 2 : 0) + (unit.flat !== undefined ? 1 : 0);
  return units.sort((a, b) => completeness(b) - completeness(a) || a.start - b.start);
}

/** The most complete unit written in the text, or undefined. */
export function recogniseUnit(
  text: string,
  options: { readonly buildings?: readonly BuildingHint[] } = {},
): RecognisedUnit | undefined {
  return recogniseUnits(text, options)[0];
}

/**
 * A search box's unit, in the short forms staff type there besides the written ones: `12B`,
 * `12-B`, `1502` (mainland room), `7-2` (Taiwan floor-flat), `5/18/A`. Undefined when the query
 * is not a unit.
 */
export function parseUnitQuery(query: string): UnitParts | undefined {
  const text = foldWidth(query).trim();
  const written = recogniseUnit(text);
  if (written && written.text.trim().length >= text.length - 1) return written;
  const upper = text.toUpperCase();
  const short = /^(\d{1,3})\s*-?\s*([A-Z]{1,2})$/.exec(upper);
  if (short?.[1] && short[2]) {
    const floor = canonicalFloor(short[1]);
    return floor ? { floor, flat: short[2] } : undefined;
  }
  const room = /^(\d{3,4})$/.exec(upper);
  if (room?.[1]) {
    const floor = canonicalFloor(room[1].slice(0, -2));
    return floor ? { floor, flat: canonicalFlat(room[1].slice(-2)) } : undefined;
  }
  const dashed = /^(\d{1,3})\s*-\s*(\d{1,3})$/.exec(upper);
  if (dashed?.[1] && dashed[2]) {
    const floor = canonicalFloor(dashed[1]);
    return floor ? { floor, flat: canonicalFlat(dashed[2]) } : undefined;
  }
  return undefined;
}
