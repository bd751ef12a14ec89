import { LocalStackError } from './listen.ts';

/**
 * The local stand-in for EventBridge Scheduler: runs the report function at the times the
 * deployed schedules would (lib/constructs/reports.ts) — the 1st of each month and, when
 * asked, every Monday, at `REPORT_TIME` company time (UTC+8) — with the same input, including
 * the scheduled time that names the report. Workflow time may run scaled (TIME_SCALE): the
 * wait is shortened by the same factor, and re-checked at least every hour of real time so
 * timers never exceed Node's 24.8-day limit.
 */
export type ReportKind = 'month' | 'week';

export interface LocalSchedulerOptions {
  readonly kinds: readonly ReportKind[];
  /** `HH:MM`, company time. */
  readonly time: string;
  /** Company time's offset from UTC. @default 480 (Hong Kong, Taiwan, mainland China) */
  readonly utcOffsetMinutes?: number;
  /** Workflow time runs this many times faster. @default 1 */
  readonly timeScale?: number;
  readonly invoke: (event: { kind: ReportKind; scheduledTime: string }) => Promise<unknown>;
  readonly log: (line: string) => void;
}

export interface LocalScheduler {
  /** The next run of each schedule (workflow time). */
  next(): { kind: ReportKind; at: string }[];
  stop(): void;
}

const MAX_REAL_WAIT_MS = 3600_000;

export function startLocalScheduler(options: LocalSchedulerOptions): LocalScheduler {
  const offset = (options.utcOffsetMinutes ?? 480) * 60_000;
  const scale = options.timeScale ?? 1;
  const [hour, minute] = options.time.split(':').map(Number) as [number, number];
  const timers = new Map<ReportKind, ReturnType<typeof setTimeout>>();
  const due = new Map<ReportKind, number>();
  let stopped = false;

  const schedule = (kind: ReportKind, at: number) => {
    due.set(kind, at);
    const wait = Math.max(0, Math.min((at - Date.now()) / scale, MAX_REAL_WAIT_MS));
    const timer = setTimeout(() => {
      if (stopped) return;
      if (Date.now() < at) {
        schedule(kind, at);
        return;
      }
      const scheduledTime = new Date(at).toISOString().replace(/\.000Z$/, 'Z');
      options.log(`Scheduler: ${kind}ly report (scheduled ${scheduledTime})`);
      options
        .invoke({ kind, scheduledTime })
        .catch((error: Error) => options.log(`Scheduler: the ${kind}ly report failed: ${error.message}`))
        .finally(() => {
          if (!stopped) schedule(kind, nextRun(kind, at + 60_000, hour, minute, offset));
        });
    }, wait);
    timer.unref();
    timers.set(kind, timer);
  };

  for (const kind of options.kinds) schedule(kind, nextRun(kind, Date.now(), hour, minute, offset));
  return {
    next: () => [...due].map(([kind, at]) => ({ kind, at: new Date(at).toISOString() })),
    stop: () => {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
    },
  };
}

/** The first run of a schedule at or after `from` (ms): the 1st of a month, or a Monday, at hh:mm local. */
export function nextRun(
  kind: ReportKind,
  from: number,
  hour: number,
  minute: number,
  offsetMs: number,
): number {
  const local = new Date(from + offsetMs);
  const at = (y: number, m: number, d: number) => Date.UTC(y, m, d, hour, minute) - offsetMs;
  if (kind === 'month') {
    const thisMonth = at(local.getUTCFullYear(), local.getUTCMonth(), 1);
    return thisMonth >= from ? thisMonth : at(local.getUTCFullYear(), local.getUTCMonth() + 1, 1);
  }
  const daysToMonday = (8 - local.getUTCDay()) % 7;
  const candidate = at(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + daysToMonday);
  return candidate >= from ? candidate : candidate + 7 * 86_400_000;
}

/** `REPORT_SCHEDULE`: monthly (default), weekly, monthly,weekly, or off. */
export function reportKindsFrom(raw: string | undefined): ReportKind[] {
  const kinds: ReportKind[] = [];
  for (const entry of (raw ?? 'monthly').split(',').map((e) => e.trim().toLowerCase())) {
    if (entry === '' || entry === 'off' || entry === 'none') continue;
    const kind = ({ monthly: 'month', month: 'month', weekly: 'week', week: 'week' } as const)[
      entry as 'monthly'
    ] as ReportKind | undefined;
    if (!kind)
      throw new LocalStackError(`REPORT_SCHEDULE=${raw}: use monthly, weekly, monthly,weekly or off`);
    if (!kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
}

/** `REPORT_TIME`: HH:MM, default 08:00. */
export function reportTimeFrom(raw: string | undefined): string {
  const time = raw?.trim() || '08:00';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
    throw new LocalStackError(`REPORT_TIME=${raw} is not a time of day: use HH:MM, e.g. 08:00`);
  }
  return time;
}

export interface DailyScheduleOptions {
  /** What the schedule is, for the log (`retention`). */
  readonly name: string;
  /** `HH:MM`, company time. */
  readonly time: string;
  /** Company time's offset from UTC. @default 480 */
  readonly utcOffsetMinutes?: number;
  /** Workflow time runs this many times faster. @default 1 */
  readonly timeScale?: number;
  readonly invoke: (event: { scheduledTime: string }) => Promise<unknown>;
  readonly log: (line: string) => void;
}

/**
 * A daily schedule, as EventBridge Scheduler's `cron(mm hh * * ? *)` runs it (the retention job,
 * lib/constructs/retention.ts): at `time` company time every day, with the scheduled time as
 * the event's clock; scaled and re-checked as the report schedules are.
 */
export function startDailySchedule(options: DailyScheduleOptions): { next(): string; stop(): void } {
  const offset = (options.utcOffsetMinutes ?? 480) * 60_000;
  const scale = options.timeScale ?? 1;
  const [hour, minute] = options.time.split(':').map(Number) as [number, number];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let due = 0;
  let stopped = false;
  const schedule = (at: number) => {
    due = at;
    const wait = Math.max(0, Math.min((at - Date.now()) / scale, MAX_REAL_WAIT_MS));
    timer = setTimeout(() => {
      if (stopped) return;
      if (Date.now() < at) {
        schedule(at);
        return;
      }
      const scheduledTime = new Date(at).toISOString().replace(/\.000Z$/, 'Z');
      options.log(`Scheduler: ${options.name} (scheduled ${scheduledTime})`);
      options
        .invoke({ scheduledTime })
        .catch((error: Error) => options.log(`Scheduler: ${options.name} failed: ${error.message}`))
        .finally(() => {
          if (!stopped) schedule(nextDailyRun(at + 60_000, hour, minute, offset));
        });
    }, wait);
    timer.unref();
  };
  schedule(nextDailyRun(Date.now(), hour, minute, offset));
  return {
    next: () => new Date(due).toISOString(),
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** The first daily run at or after `from` (ms), at hh:mm local. */
export function nextDailyRun(from: number, hour: number, minute: number, offsetMs: number): number {
  const local = new Date(from + offsetMs);
  const today =
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hour, minute) - offsetMs;
  return today >= from ? today : today + 86_400_000;
}

/** `RETENTION_TIME`: HH:MM (default 03:30), or `off`. */
export function retentionTimeFrom(raw: string | undefined): string | undefined {
  const time = raw?.trim().toLowerCase();
  if (time === 'off' || time === 'none') return undefined;
  if (!time) return '03:30';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
    throw new LocalStackError(`RETENTION_TIME=${raw} is not a time of day: use HH:MM, e.g. 03:30, or off`);
  }
  return time;
}

/** `TRIAGE_TIME`: HH:MM (default config/triage.ts `time`), or `off`. */
export function triageTimeFrom(raw: string | undefined, fallback: string): string | undefined {
  const time = raw?.trim().toLowerCase();
  if (time === 'off' || time === 'none') return undefined;
  if (!time) return fallback;
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
    throw new LocalStackError(`TRIAGE_TIME=${raw} is not a time of day: use HH:MM, e.g. 03:45, or off`);
  }
  return time;
}
