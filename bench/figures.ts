/** One benchmark figure, as bench/results.json stores it (names are stable across runs). */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The goal the issues set, e.g. `≤ 40`; null when the figure is informative only. */
  readonly goal: string | null;
}

/** Whether a figure meets a goal written as `≤ N` or `≥ N`. */
export function meetsGoal(figure: Figure): boolean | null {
  const match = /^([≤≥])\s*([\d.]+)/.exec(figure.goal ?? '');
  if (!match) return null;
  const limit = Number(match[2]);
  return match[1] === '≤' ? figure.value <= limit : figure.value >= limit;
}
