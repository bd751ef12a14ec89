/**
 * TIME_SCALE for the local stack: workflow time runs `scale` times faster than the wall
 * clock. The engine shortens task timeouts by the same factor, and `Date` is replaced in this
 * process so that handlers computing deadlines ("one working day from now") see the same
 * accelerated time. Sign-in tokens keep real time (see realNow), or they would expire in
 * seconds.
 */
const RealDate = Date;

/** Wall-clock milliseconds, whatever the scaled clock says. */
export function realNow(): number {
  return Math.round(performance.timeOrigin + performance.now());
}

/**
 * `realStart`: the wall-clock moment scaled time starts from; threads hosting functions pass
 * the stack's, so every clock in the process shows the same time.
 */
export function installScaledClock(
  scale: number,
  realStart = realNow(),
  /** The workflow time at `realStart` (tests start on a chosen day, e.g. before a holiday). */
  workflowStart = realStart,
): () => void {
  if (scale === 1 && workflowStart === realStart) return () => undefined;
  const scaledNow = () => Math.round(workflowStart + (realNow() - realStart) * scale);
  class ScaledDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(scaledNow());
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return scaledNow();
    }
  }
  globalThis.Date = ScaledDate as DateConstructor;
  return () => {
    globalThis.Date = RealDate;
  };
}
