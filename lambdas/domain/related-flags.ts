import type { RelatedThresholds } from '#config/workflow.ts';

/** What the record keeps of the rules' verdict when it was indexed (Form 17, the report). */
export interface RelatedFlags {
  /** Earlier complaints of the same unit and category within `repeatDays`, newest first. */
  readonly repeatOf?: readonly string[];
  /** The building's units with this category within `clusterDays`, this complaint's included. */
  readonly cluster?: {
    readonly units: number;
    readonly refs: readonly string[];
    readonly since: string;
  };
  /** The thresholds applied, so a reader sees what "repeat" meant then. */
  readonly thresholds: Pick<RelatedThresholds, 'repeatDays' | 'clusterUnits' | 'clusterDays'>;
  readonly checkedAt: string;
}

const DAY_MS = 86_400_000;

/** The instant `days` days before `at` (ISO): the start of a rule's window, inclusive. */
export function windowStart(at: string, days: number): string {
  return new Date(Date.parse(at) - days * DAY_MS).toISOString();
}

/** An earlier complaint of a unit as the repeat rule reads it (a related pointer, a review's line). */
export interface UnitComplaint {
  readonly ref: string;
  readonly receivedAt: string;
  readonly unitId: string;
  readonly category?: string;
  /** The complaint was moved to another unit since: it no longer counts. */
  readonly moved?: boolean;
}

/**
 * A repeat: an earlier complaint (received at or before this one, at most `repeatDays` days
 * before, the boundary included) of the same unit about the same category. A complaint without
 * a category repeats nothing yet (the supervisor gives it one, and it is checked again then).
 */
export function repeatOf(
  record: {
    readonly ref: string;
    readonly receivedAt: string;
    readonly category?: string | undefined;
    readonly registerUnit?: { readonly id: string } | undefined;
  },
  earlier: readonly UnitComplaint[],
  thresholds: Pick<RelatedThresholds, 'repeatDays'>,
): string[] {
  const unit = record.registerUnit;
  if (!unit || !record.category) return [];
  const from = windowStart(record.receivedAt, thresholds.repeatDays);
  return earlier
    .filter(
      (p) =>
        p.moved !== true &&
        p.ref !== record.ref &&
        p.unitId === unit.id &&
        p.category === record.category &&
        p.receivedAt >= from &&
        p.receivedAt <= record.receivedAt,
    )
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || b.ref.localeCompare(a.ref))
    .map((p) => p.ref);
}
