/**
 * Key layout of the estate register in the single table (config/table.ts; the design and its
 * access patterns are in docs/data-model.md, "Estate register"). No index of its own: every
 * lookup is a GetItem or a Query of the table.
 *
 * - estate            PK=DIRECTORY#ESTATES   SK=ESTATE#<estate id>   (its buildings and owners' organisations inside)
 * - unit              PK=ESTATE#<estate id>  SK=UNIT#<building>#<floor rank>#<flat rank>  (its residents inside)
 * - audit line        PK=ESTATE#<estate id>  SK=EVENT#<estate, building or unit id>|<iso time>#<seq>
 * - search term       PK=DIRTERM#<area>#<first two characters>  SK=<folded name>|<unit id>|<resident id>
 * - contact           PK=DIRCONTACT#<email|phone|fax>:<value>   SK=<unit id>|<resident id>
 *
 * Search terms and contacts are pointers derived from the units: written before the unit,
 * removed after it no longer has them, and checked against the unit whenever read, so a pointer
 * a crash left behind never answers. They are the only items of the register ever deleted
 * (DIRECTORY_POINTER_PREFIXES: the only keys the register's writer may delete, lib/access.ts).
 */
export const ESTATES_PK = 'DIRECTORY#ESTATES';
export const estateSk = (estateId: string) => `ESTATE#${estateId}`;
export const estatePk = (estateId: string) => `ESTATE#${estateId}`;
export const UNIT_SK_PREFIX = 'UNIT#';

/**
 * A floor's place in order: basements (deepest first), lower ground, ground, upper ground,
 * cockloft, the numbered floors, the roof.
 */
export function floorRank(floor: string): string {
  const basement = /^B(\d)$/.exec(floor);
  if (basement) return `a${9 - Number(basement[1])}`;
  const words: Record<string, string> = { LG: 'b', G: 'c', UG: 'd', M: 'e', RF: 'g' };
  const word = words[floor];
  if (word) return word;
  return `f${floor.padStart(3, '0')}`;
}

/** A flat's place in order: numbers by value, then letters. */
export function flatRank(flat: string | undefined): string {
  if (!flat) return '-';
  return /^\d+$/.test(flat) ? `n${flat.padStart(4, '0')}` : `x${flat}`;
}

export const unitSk = (building: string, floor: string, flat?: string) =>
  `${UNIT_SK_PREFIX}${building}#${floorRank(floor)}#${flatRank(flat)}`;

/** The sort-key prefix of an estate's units, or of one building's. */
export const estateUnitsPrefix = (building: string | undefined) =>
  building ? `${UNIT_SK_PREFIX}${building}#` : UNIT_SK_PREFIX;

export const directoryEventSk = (targetId: string, at: string, seq: string) =>
  `EVENT#${targetId}|${at}#${seq}`;
export const directoryEventsPrefix = (targetId: string) => `EVENT#${targetId}|`;

export const TERM_PK_PREFIX = 'DIRTERM#';
export const CONTACT_PK_PREFIX = 'DIRCONTACT#';

/** Partition of a term: its area and first two characters (a query has at least two). */
export const termPk = (area: string, term: string) =>
  `${TERM_PK_PREFIX}${area}#${[...term].slice(0, 2).join('')}`;
export const termSk = (term: string, unitId: string, residentId: string) => `${term}|${unitId}|${residentId}`;

export const contactPk = (kind: string, value: string) => `${CONTACT_PK_PREFIX}${kind}:${value}`;
export const contactSk = (unitId: string, residentId: string) => `${unitId}|${residentId}`;

/** The partition-key prefix of the estates' own partitions: their units and audit lines. */
export const ESTATE_PARTITION_PREFIX = 'ESTATE#';

/** Partition-key prefixes of the register's derived pointers: the only register items ever deleted. */
export const DIRECTORY_POINTER_PREFIXES = [TERM_PK_PREFIX, CONTACT_PK_PREFIX] as const;

/** A register import's job (lambdas/domain/directory/import-job.ts): one item, its own partition. */
export const IMPORT_JOB_PK_PREFIX = 'IMPORTJOB#';
export const importJobPk = (jobId: string) => `${IMPORT_JOB_PK_PREFIX}${jobId}`;
export const IMPORT_JOB_SK = 'JOB';
