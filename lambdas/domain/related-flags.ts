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
