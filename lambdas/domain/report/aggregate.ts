import { AREAS } from '#config/areas.ts';
import { type LadderLevel, STEP_IDS, type StepId, type WorkflowSettings } from '#config/workflow.ts';
import { calendarFor } from '#domain/deadlines.ts';
import { parseDeadlineFact, parseEscalationFact } from '#domain/record-facts.ts';
import { isOverdue, overdueFrom } from '#domain/tasks.ts';
import type { Period } from './period.ts';

/**
 * The periodic report's figures, aggregated in one pass: each complaint of the period is seen
 * once (streamed page by page from the area/month index) and leaves only counters behind, so
 * memory does not grow with the number of complaints. What does grow is bounded by the estate,
 * not the period: one counter per owner contact, unit and building/category seen.
 *
 * Figures are kept for the whole company and for each area (`scopes`), with the previous
 * period's counts for the trend.
 */

/** The attributes of a complaint record the report reads (a projection of the RECORD item). */
export interface ReportRow {
  readonly ref: string;
  readonly receivedAt: string;
  readonly channel: string;
  readonly area: string;
  readonly building?: string;
  readonly unit?: string;
  readonly category?: string;
  readonly department?: string;
  readonly status: 'open' | 'closed';
  readonly outcome?: string;
  readonly flags?: { readonly needsClarification?: boolean; readonly acknowledge?: string };
  readonly acknowledgedAt?: string;
  readonly supervisorReview?: { readonly at?: string };
  readonly commitment?: { readonly plannedCompletion?: string };
  readonly committedCompletion?: string;
  readonly actualCompletion?: string;
  readonly satisfaction?: { readonly rating?: string };
  readonly reopenCount?: number;
  readonly closedAt?: string;
  /** `<step>:met|missed` (lambdas/domain/record-facts.ts). */
  readonly deadlines?: readonly string[];
  /** `<level>:<event>[:<who>]`. */
  readonly escalations?: readonly string[];
  /** The owner's contact key (GSI3PK): email or phone digits; never printed. */
  readonly GSI3PK?: string;
  /** Pauses of a step's clock that ended (domain/pause.ts), and the one running now. */
  readonly pauses?: readonly { readonly reason: string; readonly pausedMinutes?: number }[];
  readonly pause?: { readonly reason: string; readonly at: string };
  /** Progress notices sent to the owner (domain/progress.ts). */
  readonly progress?: { readonly notices?: number };
}

/** Time a step's clock stood still (issue 17 §2): business minutes, the pauses, the complaints. */
export interface PausedTime {
  complaints: number;
  pauses: number;
  minutes: number;
}

/** What the previous period contributes: counts only (a narrower projection). */
export type PreviousRow = Pick<
  ReportRow,
  'area' | 'channel' | 'category' | 'department' | 'building' | 'unit' | 'satisfaction'
>;

/** An open task from the open-tasks index (GSI1). */
export interface OpenTaskRow {
  readonly ref: string;
  readonly area: string;
  readonly step: string;
  readonly role: string;
  readonly createdAt: string;
  readonly dueAt: string;
  readonly late?: {
    readonly step?: string;
    readonly level?: string;
    readonly overdue?: string | null;
    readonly reason?: string;
  };
  /** On a ladder level for a missed deadline: when that step went overdue (domain/tasks.ts). */
  readonly overdueSince?: string;
}

export const RATINGS = ['satisfied', 'basically-satisfied', 'dissatisfied', 'no-answer'] as const;
export type Rating = (typeof RATINGS)[number];
export type RatingCounts = Record<Rating | 'pending', number>;

export const LADDER_LEVELS: readonly LadderLevel[] = ['supervisor', 'customer-service', 'manager'];

/** Upper bounds (business minutes) of the time histograms: 1 h, 4 h, 1 day, 2 days, 5 days, more. */
export const TIME_BUCKETS = [60, 240, 540, 1080, 2700] as const;

/** Keys used when a complaint has no category or department yet (not yet signed, or rejected). */
export const UNCATEGORISED = 'uncategorised';
export const UNASSIGNED = 'unassigned';
export const COMPANY = 'company';

export interface Trend {
  current: number;
  previous: number;
}

export interface Timing {
  /** Complaints measured (the event happened). */
  measured: number;
  /** Complaints where it has not happened yet (still open). */
  pending: number;
  totalMinutes: number;
  maxMinutes: number;
  /** Measured within the step's target (business minutes of config/workflow.ts). */
  withinTarget: number;
  /** Counts per TIME_BUCKETS bucket (one more bucket than bounds). */
  buckets: number[];
}

export interface DeadlineShare {
  met: number;
  missed: number;
}

export interface LevelStats {
  raised: number;
  resolved: number;
  escalated: number;
  closed: number;
  timedOut: number;
  /** Who resolved (or closed) at this level: username → count. */
  resolvers: Record<string, number>;
}

export interface CompletionStats {
  /** Complaints with a committed completion. */
  committed: number;
  onTime: number;
  late: number;
  /** Business minutes late, summed over the late ones. */
  lateMinutes: number;
  /** Open, not done, committed completion passed. */
  overdue: number;
  /** Open, not done, committed completion still ahead. */
  notDue: number;
  /** The committed completion was moved after the first commitment. */
  extended: number;
}

export interface ScopeStats {
  received: Trend;
  channels: Record<string, Trend>;
  categories: Record<string, Trend>;
  departments: Record<string, Trend>;
  areas: Record<string, Trend>;
  status: { open: number; closed: number };
  outcomes: Record<string, number>;
  acknowledgement: Timing;
  signature: Timing;
  completion: CompletionStats;
  completionByDepartment: Record<string, { onTime: number; late: number }>;
  deadlinesByStep: Record<string, DeadlineShare>;
  deadlinesByDepartment: Record<string, DeadlineShare>;
  escalations: Record<string, LevelStats>;
  escalatedComplaints: number;
  reopened: { complaints: number; reopens: number };
  satisfaction: RatingCounts;
  satisfactionPrevious: RatingCounts;
  satisfactionByArea: Record<string, RatingCounts>;
  satisfactionByDepartment: Record<string, RatingCounts>;
  satisfactionByCategory: Record<string, RatingCounts>;
  openPastDeadline: number;
  /** Time paused by category and by reason; a pause running at the report's end counts to then. */
  pausedByCategory: Record<string, PausedTime>;
  pausedByReason: Record<string, PausedTime>;
  progressNotices: number;
}

/** One period's counts, kept for the next period's trend (`counts.json` beside a report). */
export interface PeriodCounts {
  readonly version: 1;
  readonly period: string;
  readonly rows: number;
  readonly scopes: Record<
    string,
    {
      readonly received: number;
      readonly channels: Record<string, number>;
      readonly categories: Record<string, number>;
      readonly departments: Record<string, number>;
      readonly areas: Record<string, number>;
      readonly satisfaction: Partial<RatingCounts>;
    }
  >;
  /** `area|building|category` → complaints. */
  readonly buildingCategories: readonly (readonly [string, number])[];
  /** hash53(`area|building|unit`) → complaints. */
  readonly units: readonly (readonly [number, number])[];
}

/** Per-complaint measures, for the CSV of the underlying rows. */
export interface RowMeasures {
  readonly acknowledgementMinutes?: number;
  readonly signatureMinutes?: number;
  readonly committedCompletion?: string;
  readonly completion?: 'on-time' | 'late' | 'overdue' | 'not-due';
  readonly lateMinutes?: number;
  readonly deadlinesMet: number;
  readonly deadlinesMissed: number;
  /** Highest ladder level the complaint was raised to. */
  readonly highestLevel?: LadderLevel;
}

export interface LocationCount {
  readonly area: string;
  readonly building: string;
  readonly unit?: string;
  readonly category?: string;
  count: number;
  previous: number;
  /** Most recent references (at most REFS_KEPT). */
  refs: string[];
  departments: Record<string, number>;
  categories: Record<string, number>;
}

export interface OpenPastDeadline {
  readonly ref: string;
  readonly area: string;
  /** The step the complaint now waits on, and the role holding it. */
  readonly step: string;
  readonly role: string;
  readonly dueAt: string;
  readonly since: string;
  /** When it went overdue: the current step's due time, or the missed step's on the ladder. */
  readonly overdueSince?: string;
  /** The step whose deadline was missed, when the complaint is on the escalation ladder. */
  readonly lateStep?: string;
  /** Business minutes since it went overdue (`overdueSince`). */
  readonly overdueMinutes: number;
}

export interface ReopenedComplaint {
  readonly ref: string;
  readonly area: string;
  readonly category?: string;
  readonly reopenCount: number;
}

/** At most this many example references per counter (evidence for rectification items). */
export const REFS_KEPT = 10;
/** At most this many complaints listed by name in a section (reopened, past deadline). */
export const LIST_KEPT = 30;

export interface AggregatorOptions {
  readonly period: Period;
  readonly previous: Period;
  /** When the report is made: "open past deadline" and "not yet due" are as of this instant. */
  readonly now: Date;
  readonly settings: WorkflowSettings;
  /** Areas to keep a scope for, in order (others seen in the data are added after). */
  readonly areas?: readonly string[];
}

export class ReportAggregator {
  readonly options: AggregatorOptions;
  readonly scopes = new Map<string, ScopeStats>();
  /**
   * Complaints per owner this period, by a 53-bit hash of the contact key (most owners
   * complain once: a number per owner, not a string); the key itself once they complain twice.
   */
  readonly #owners = new CountTable();
  readonly #repeatOwners = new Map<number, string>();
  /** `area|building|category` → counts (recurring problems at a building). */
  readonly buildingCategories = new Map<string, LocationCount>();
  /**
   * Units with two or more complaints: `area|building|unit` → counts. A unit's first complaint
   * is kept compactly (`#unitFirst`, by hash) until a second arrives, so most units cost a
   * number, not an object.
   */
  readonly units = new Map<string, LocationCount>();
  readonly #unitCounts = new CountTable();
  readonly #unitFirst = new Map<number, string>();
  /** `area|category` → recent refs and departments (evidence for category items). */
  readonly categoryEvidence = new Map<string, { refs: string[]; departments: Record<string, number> }>();
  readonly previousBuildingCategories = new Map<string, number>();
  readonly previousUnits = new CountTable();
  readonly reopened: ReopenedComplaint[] = [];
  readonly openPastDeadline: OpenPastDeadline[] = [];
  rows = 0;
  previousRows = 0;
  readonly #seenTasks = new Set<string>();

  constructor(options: AggregatorOptions) {
    this.options = options;
    this.#scope(COMPANY);
    for (const area of options.areas ?? AREAS.map((a) => a.id)) this.#scope(area);
  }

  /** One complaint of the period. Returns its measures (for the CSV row). */
  add(row: ReportRow): RowMeasures {
    this.rows += 1;
    const targets = this.#targets(row);
    const scopes = this.#scopesOf(row.area);
    const calendar = calendarFor(row.area);
    const received = new Date(row.receivedAt);
    const category = row.category ?? UNCATEGORISED;
    const department = row.department ?? UNASSIGNED;
    const rejected = row.outcome === 'rejected';

    let acknowledgementMinutes: number | undefined;
    if (row.flags?.acknowledge === 'none') acknowledgementMinutes = 0;
    else if (row.acknowledgedAt) {
      acknowledgementMinutes = calendar.businessMinutesBetween(received, new Date(row.acknowledgedAt));
    }
    const signedAt = row.supervisorReview?.at;
    const signatureMinutes = signedAt
      ? calendar.businessMinutesBetween(received, new Date(signedAt))
      : undefined;

    const committed = row.committedCompletion ?? row.commitment?.plannedCompletion;
    let completion: RowMeasures['completion'];
    let lateMinutes: number | undefined;
    if (committed) {
      if (row.actualCompletion) {
        if (Date.parse(row.actualCompletion) <= Date.parse(committed)) completion = 'on-time';
        else {
          completion = 'late';
          lateMinutes = calendar.businessMinutesBetween(new Date(committed), new Date(row.actualCompletion));
        }
      } else if (row.status === 'open') {
        completion = Date.parse(committed) < this.options.now.getTime() ? 'overdue' : 'not-due';
      }
    }
    const extended =
      committed !== undefined &&
      row.commitment?.plannedCompletion !== undefined &&
      row.commitment.plannedCompletion !== committed;

    const deadlines = (row.deadlines ?? []).map(parseDeadlineFact);
    const escalations = (row.escalations ?? []).map(parseEscalationFact);
    let deadlinesMet = 0;
    let deadlinesMissed = 0;
    for (const fact of deadlines) {
      if (fact.met) deadlinesMet += 1;
      else deadlinesMissed += 1;
    }
    let highestLevel: LadderLevel | undefined;
    for (const fact of escalations) {
      if (fact.event !== 'raised') continue;
      const level = fact.level as LadderLevel;
      if (!highestLevel || LADDER_LEVELS.indexOf(level) > LADDER_LEVELS.indexOf(highestLevel)) {
        highestLevel = level;
      }
    }
    const rating = rejected ? undefined : ((row.satisfaction?.rating as Rating | undefined) ?? 'pending');
    // Every pause with its business minutes; one still running counts to the report's end.
    const pauses = [
      ...(row.pauses ?? []).map((p) => ({ reason: p.reason, minutes: p.pausedMinutes ?? 0 })),
      ...(row.pause
        ? [
            {
              reason: row.pause.reason,
              minutes: calendar.businessMinutesBetween(new Date(row.pause.at), this.options.now),
            },
          ]
        : []),
    ];

    for (const scope of scopes) {
      scope.received.current += 1;
      bump(scope.channels, row.channel);
      bump(scope.categories, category);
      bump(scope.departments, department);
      bump(scope.areas, row.area);
      scope.status[row.status === 'closed' ? 'closed' : 'open'] += 1;
      if (row.outcome) scope.outcomes[row.outcome] = (scope.outcomes[row.outcome] ?? 0) + 1;
      if (!rejected) {
        time(scope.acknowledgement, acknowledgementMinutes, targets.acknowledgement, row.status === 'open');
        time(scope.signature, signatureMinutes, targets.signature, row.status === 'open');
      }
      if (committed) {
        const c = scope.completion;
        c.committed += 1;
        if (extended) c.extended += 1;
        if (completion === 'on-time' || completion === 'late') {
          const byDepartment = entry(scope.completionByDepartment, department, newCompletion);
          if (completion === 'on-time') {
            c.onTime += 1;
            byDepartment.onTime += 1;
          } else {
            c.late += 1;
            c.lateMinutes += lateMinutes ?? 0;
            byDepartment.late += 1;
          }
        } else if (completion === 'overdue') c.overdue += 1;
        else if (completion === 'not-due') c.notDue += 1;
      }
      for (const fact of deadlines) {
        const share = entry(scope.deadlinesByStep, fact.step, newShare);
        share[fact.met ? 'met' : 'missed'] += 1;
        if (fact.step === 'departmentCommitment' || fact.step === 'workInProgress') {
          const byDepartment = entry(scope.deadlinesByDepartment, department, newShare);
          byDepartment[fact.met ? 'met' : 'missed'] += 1;
        }
      }
      if (escalations.length) {
        if (highestLevel) scope.escalatedComplaints += 1;
        for (const fact of escalations) {
          const level = entry(scope.escalations, fact.level, newLevel);
          if (fact.event === 'raised') level.raised += 1;
          else if (fact.event === 'resolved' || fact.event === 'closed') {
            level[fact.event] += 1;
            const who = fact.by ?? 'unknown';
            level.resolvers[who] = (level.resolvers[who] ?? 0) + 1;
          } else if (fact.event === 'escalated') level.escalated += 1;
          else if (fact.event === 'timed-out') level.timedOut += 1;
        }
      }
      if (pauses.length) {
        const byCategory = entry(scope.pausedByCategory, category, newPaused);
        byCategory.complaints += 1;
        const reasons = new Set<string>();
        for (const pause of pauses) {
          byCategory.pauses += 1;
          byCategory.minutes += pause.minutes;
          const byReason = entry(scope.pausedByReason, pause.reason, newPaused);
          byReason.pauses += 1;
          byReason.minutes += pause.minutes;
          if (!reasons.has(pause.reason)) byReason.complaints += 1;
          reasons.add(pause.reason);
        }
      }
      scope.progressNotices += row.progress?.notices ?? 0;
      if (row.reopenCount) {
        scope.reopened.complaints += 1;
        scope.reopened.reopens += row.reopenCount;
      }
      if (rating) {
        scope.satisfaction[rating] += 1;
        bumpRating(scope.satisfactionByArea, row.area, rating);
        bumpRating(scope.satisfactionByDepartment, department, rating);
        bumpRating(scope.satisfactionByCategory, category, rating);
      }
    }

    if (row.GSI3PK) {
      const owner = hash53(row.GSI3PK);
      const count = this.#owners.add(owner, 1);
      if (count === 2) this.#repeatOwners.set(owner, row.GSI3PK);
    }
    if (row.building) {
      const buildingKey = locationKey(row.area, row.building);
      record(
        this.#location(this.buildingCategories, `${buildingKey}|${category}`, row.area, row.building, {
          category,
        }),
        row.ref,
        department,
        category,
      );
      if (row.unit) {
        const key = `${buildingKey}|${normalise(row.unit)}`;
        const hash = hash53(key);
        const count = this.#unitCounts.add(hash, 1);
        if (count === 1) this.#unitFirst.set(hash, `${row.ref}\t${department}\t${category}`);
        else {
          const unit = this.#location(this.units, key, row.area, row.building, { unit: row.unit });
          if (count === 2) {
            const [ref = '', firstDepartment = '', firstCategory = ''] = (
              this.#unitFirst.get(hash) ?? ''
            ).split('\t');
            this.#unitFirst.delete(hash);
            record(unit, ref, firstDepartment, firstCategory);
          }
          record(unit, row.ref, department, category);
        }
      }
    }
    const evidenceKey = `${row.area}|${category}`;
    let evidence = this.categoryEvidence.get(evidenceKey);
    if (evidence === undefined) {
      evidence = { refs: [], departments: {} };
      this.categoryEvidence.set(evidenceKey, evidence);
    }
    keepRecent(evidence.refs, row.ref);
    evidence.departments[department] = (evidence.departments[department] ?? 0) + 1;
    if (row.reopenCount && this.reopened.length < LIST_KEPT) {
      this.reopened.push({
        ref: row.ref,
        area: row.area,
        reopenCount: row.reopenCount,
        ...(row.category ? { category: row.category } : {}),
      });
    }

    return {
      deadlinesMet,
      deadlinesMissed,
      ...(acknowledgementMinutes !== undefined ? { acknowledgementMinutes } : {}),
      ...(signatureMinutes !== undefined ? { signatureMinutes } : {}),
      ...(committed ? { committedCompletion: committed } : {}),
      ...(completion ? { completion } : {}),
      ...(lateMinutes !== undefined ? { lateMinutes } : {}),
      ...(highestLevel ? { highestLevel } : {}),
    };
  }

  /** One complaint of the previous period: counts for the trend. */
  addPrevious(row: PreviousRow): void {
    this.previousRows += 1;
    const category = row.category ?? UNCATEGORISED;
    const department = row.department ?? UNASSIGNED;
    for (const scope of this.#scopesOf(row.area)) {
      scope.received.previous += 1;
      bumpPrevious(scope.channels, row.channel);
      bumpPrevious(scope.categories, category);
      bumpPrevious(scope.departments, department);
      bumpPrevious(scope.areas, row.area);
      const rating = row.satisfaction?.rating as Rating | undefined;
      if (rating && rating in scope.satisfactionPrevious) scope.satisfactionPrevious[rating] += 1;
    }
    if (row.building) {
      const buildingKey = locationKey(row.area, row.building);
      const bc = `${buildingKey}|${category}`;
      this.previousBuildingCategories.set(bc, (this.previousBuildingCategories.get(bc) ?? 0) + 1);
      if (row.unit) {
        const u = hash53(`${buildingKey}|${normalise(row.unit)}`);
        this.previousUnits.add(u, 1);
      }
    }
  }

  /**
   * This period's counts, as the next report needs them for its trend (stored beside the report
   * as `counts.json`): what addPrevious would have counted, without reading the rows again.
   */
  periodCounts(): PeriodCounts {
    const scopes: PeriodCounts['scopes'] = {};
    for (const [id, scope] of this.scopes) {
      const current = (trends: Record<string, Trend>) =>
        Object.fromEntries(
          Object.entries(trends)
            .filter(([, trend]) => trend.current > 0)
            .map(([key, trend]) => [key, trend.current]),
        );
      scopes[id] = {
        received: scope.received.current,
        channels: current(scope.channels),
        categories: current(scope.categories),
        departments: current(scope.departments),
        areas: current(scope.areas),
        satisfaction: { ...scope.satisfaction },
      };
    }
    return {
      version: 1,
      period: this.options.period.key,
      rows: this.rows,
      scopes,
      buildingCategories: [...this.buildingCategories].map(([key, location]) => [key, location.count]),
      units: [...this.#unitCounts.entries()],
    };
  }

  /** The previous period's counts from its report's `counts.json`, instead of its rows. */
  usePrevious(counts: PeriodCounts): void {
    this.previousRows = counts.rows;
    for (const [id, previous] of Object.entries(counts.scopes)) {
      const scope = this.#scope(id);
      scope.received.previous = previous.received;
      const into = (trends: Record<string, Trend>, values: Record<string, number>) => {
        for (const [key, n] of Object.entries(values)) entry(trends, key, newTrend).previous = n;
      };
      into(scope.channels, previous.channels);
      into(scope.categories, previous.categories);
      into(scope.departments, previous.departments);
      into(scope.areas, previous.areas);
      for (const rating of RATINGS) scope.satisfactionPrevious[rating] = previous.satisfaction[rating] ?? 0;
    }
    for (const [key, n] of counts.buildingCategories) this.previousBuildingCategories.set(key, n);
    for (const [hash, n] of counts.units) this.previousUnits.add(hash, n);
  }

  /**
   * An open task, whatever month its complaint came in: the complaint is past its deadline when
   * the task is overdue now — by the rule My tasks and the complaints list apply
   * (domain/tasks.ts isOverdue): past its due time, or a ladder level standing for a step that
   * missed its deadline, late from then until that step is done — and by as long.
   */
  addOpenTask(task: OpenTaskRow): void {
    if (this.#seenTasks.has(task.ref)) return;
    const now = this.options.now;
    if (!isOverdue({ status: 'open', dueAt: task.dueAt, overdueSince: task.overdueSince }, now)) return;
    const since = overdueFrom(task);
    const lateStep = task.overdueSince ? task.late?.step : undefined;
    this.#seenTasks.add(task.ref);
    for (const scope of [this.#scope(COMPANY), this.#scope(task.area)]) scope.openPastDeadline += 1;
    this.openPastDeadline.push({
      ref: task.ref,
      area: task.area,
      step: task.step,
      role: task.role,
      dueAt: task.dueAt,
      since: task.createdAt,
      overdueSince: since,
      ...(lateStep ? { lateStep } : {}),
      overdueMinutes: calendarFor(task.area).businessMinutesBetween(new Date(since), now),
    });
  }

  /** The scopes (company first, then areas in order) as plain data. */
  scopeData(): Record<string, ScopeStats> {
    return Object.fromEntries(this.scopes);
  }

  /** Owners (by contact key) with at least `min` complaints this period, most first. */
  repeatOwners(min = 2): { key: string; count: number }[] {
    const found: { key: string; count: number }[] = [];
    for (const [hash, key] of this.#repeatOwners) {
      const count = this.#owners.get(hash);
      if (count >= min) found.push({ key, count });
    }
    return found.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  }

  /** Locations (building/category or unit) at or over a threshold, with their previous counts. */
  recurring(kind: 'building' | 'unit', threshold: number): LocationCount[] {
    const counts = kind === 'building' ? this.buildingCategories : this.units;
    const found: LocationCount[] = [];
    for (const [key, location] of counts) {
      if (location.count < threshold) continue;
      location.previous =
        (kind === 'building'
          ? this.previousBuildingCategories.get(key)
          : this.previousUnits.get(hash53(key))) ?? 0;
      found.push(location);
    }
    return found.sort((a, b) => b.count - a.count || a.building.localeCompare(b.building));
  }

  /** Complaints this period about a rectification subject (a category in an area, a location, a unit). */
  subjectCount(subject: {
    kind: 'category' | 'location' | 'unit';
    area: string;
    category?: string;
    building?: string;
    unit?: string;
  }): number {
    if (subject.kind === 'category') {
      return this.scopes.get(subject.area)?.categories[subject.category ?? UNCATEGORISED]?.current ?? 0;
    }
    const building = locationKey(subject.area, subject.building ?? '');
    if (subject.kind === 'location') {
      return this.buildingCategories.get(`${building}|${subject.category ?? UNCATEGORISED}`)?.count ?? 0;
    }
    return this.#unitCounts.get(hash53(`${building}|${normalise(subject.unit ?? '')}`));
  }

  /** Open complaints past their deadline, longest overdue first. */
  pastDeadline(limit = LIST_KEPT): OpenPastDeadline[] {
    return [...this.openPastDeadline]
      .sort((a, b) => b.overdueMinutes - a.overdueMinutes || a.since.localeCompare(b.since))
      .slice(0, limit);
  }

  /** The company's scope and an area's, in one array kept per area (no allocation per row). */
  readonly #pairs = new Map<string, readonly ScopeStats[]>();
  #scopesOf(area: string): readonly ScopeStats[] {
    let pair = this.#pairs.get(area);
    if (!pair) {
      pair = [this.#scope(COMPANY), this.#scope(area)];
      this.#pairs.set(area, pair);
    }
    return pair;
  }

  #scope(id: string): ScopeStats {
    let scope = this.scopes.get(id);
    if (!scope) {
      scope = newScope();
      this.scopes.set(id, scope);
    }
    return scope;
  }

  #location(
    map: Map<string, LocationCount>,
    key: string,
    area: string,
    building: string,
    detail: { unit?: string; category?: string },
  ): LocationCount {
    let location = map.get(key);
    if (location === undefined) {
      location = {
        area,
        building,
        ...detail,
        count: 0,
        previous: 0,
        refs: [],
        departments: {},
        categories: {},
      };
      map.set(key, location);
    }
    return location;
  }

  /** Business-minute targets of the acknowledgement and of the supervisor's signature. */
  #targets(row: ReportRow): { acknowledgement: number; signature: number } {
    const minutes = this.options.settings.businessMinutes;
    const clarify = row.flags?.needsClarification ? minutes.clarify : 0;
    const call = row.flags?.acknowledge === 'call' ? minutes.acknowledgeCall : 0;
    return {
      acknowledgement: clarify + minutes.acknowledgeCall,
      signature: clarify + call + minutes.supervisorReview,
    };
  }
}

/** Steps whose deadlines the report tracks, in procedure order. */
export const DEADLINE_STEPS: readonly StepId[] = STEP_IDS;

/** A location key: area, then the building (and unit) normalised, so `3座` and ` 3座 ` agree. */
export function locationKey(area: string, building: string, unit?: string): string {
  return unit === undefined
    ? `${area}|${normalise(building)}`
    : `${area}|${normalise(building)}|${normalise(unit)}`;
}

/**
 * Counts by 53-bit hash in two typed arrays (open addressing, linear probing): a number and a
 * count per key, about 12 bytes, where a Map of boxed numbers takes several times that. The
 * report keeps one per owner and per unit, the counters that grow with the estate.
 */
export class CountTable {
  #keys = new Float64Array(1024);
  #counts = new Uint32Array(1024);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Adds `n` to the key's count; returns the new count. */
  add(key: number, n: number): number {
    if ((this.#size + 1) * 10 > this.#keys.length * 7) this.#grow();
    const slot = this.#slot(this.#keys, key || 1);
    if (this.#keys[slot] === 0) {
      this.#keys[slot] = key || 1;
      this.#size += 1;
    }
    this.#counts[slot] = (this.#counts[slot] ?? 0) + n;
    return this.#counts[slot] ?? 0;
  }

  get(key: number): number {
    const slot = this.#slot(this.#keys, key || 1);
    return this.#keys[slot] === 0 ? 0 : (this.#counts[slot] ?? 0);
  }

  *entries(): Generator<[number, number]> {
    for (let i = 0; i < this.#keys.length; i++) {
      const key = this.#keys[i] ?? 0;
      if (key !== 0) yield [key, this.#counts[i] ?? 0];
    }
  }

  #slot(keys: Float64Array, key: number): number {
    const mask = keys.length - 1;
    let slot = (key % keys.length) & mask;
    while (keys[slot] !== 0 && keys[slot] !== key) slot = (slot + 1) & mask;
    return slot;
  }

  #grow(): void {
    const keys = this.#keys;
    const counts = this.#counts;
    this.#keys = new Float64Array(keys.length * 2);
    this.#counts = new Uint32Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] ?? 0;
      if (key === 0) continue;
      const slot = this.#slot(this.#keys, key);
      this.#keys[slot] = key;
      this.#counts[slot] = counts[i] ?? 0;
    }
  }
}

/**
 * A 53-bit hash of a string (cyrb53): collisions among a million keys are about one in ten
 * thousand, so per-owner and per-unit counters can be numbers rather than strings.
 */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The canonical form of a building or unit: NFKC (full-width letters and digits to ASCII), no
 * spaces, upper case. Most names are canonical already and are returned as they are.
 */
export function normalise(text: string): string {
  if (!/[\s\u3000\uff01-\uff5ea-z]/.test(text)) return text;
  return text.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** The share met of a deadline count, or undefined when nothing was due. */
export function shareMet(share: DeadlineShare | undefined): number | undefined {
  if (!share) return undefined;
  const total = share.met + share.missed;
  return total === 0 ? undefined : share.met / total;
}

/** Satisfied or basically satisfied, of those who answered (no answer and pending excluded). */
export function satisfiedShare(counts: RatingCounts): number | undefined {
  const answered = counts.satisfied + counts['basically-satisfied'] + counts.dissatisfied;
  return answered === 0 ? undefined : (counts.satisfied + counts['basically-satisfied']) / answered;
}

export function totalDeadlines(shares: Record<string, DeadlineShare>): DeadlineShare {
  const total = { met: 0, missed: 0 };
  for (const share of Object.values(shares)) {
    total.met += share.met;
    total.missed += share.missed;
  }
  return total;
}

function newScope(): ScopeStats {
  return {
    received: { current: 0, previous: 0 },
    channels: {},
    categories: {},
    departments: {},
    areas: {},
    status: { open: 0, closed: 0 },
    outcomes: {},
    acknowledgement: newTiming(),
    signature: newTiming(),
    completion: { committed: 0, onTime: 0, late: 0, lateMinutes: 0, overdue: 0, notDue: 0, extended: 0 },
    completionByDepartment: {},
    deadlinesByStep: {},
    deadlinesByDepartment: {},
    escalations: {},
    escalatedComplaints: 0,
    reopened: { complaints: 0, reopens: 0 },
    satisfaction: newRatings(),
    satisfactionPrevious: newRatings(),
    satisfactionByArea: {},
    satisfactionByDepartment: {},
    satisfactionByCategory: {},
    openPastDeadline: 0,
    pausedByCategory: {},
    pausedByReason: {},
    progressNotices: 0,
  };
}

const newPaused = (): PausedTime => ({ complaints: 0, pauses: 0, minutes: 0 });

function newTiming(): Timing {
  return {
    measured: 0,
    pending: 0,
    totalMinutes: 0,
    maxMinutes: 0,
    withinTarget: 0,
    buckets: new Array(TIME_BUCKETS.length + 1).fill(0),
  };
}

export function newRatings(): RatingCounts {
  return { satisfied: 0, 'basically-satisfied': 0, dissatisfied: 0, 'no-answer': 0, pending: 0 };
}

function newLevel(): LevelStats {
  return { raised: 0, resolved: 0, escalated: 0, closed: 0, timedOut: 0, resolvers: {} };
}

function time(timing: Timing, minutes: number | undefined, target: number, open: boolean): void {
  if (minutes === undefined) {
    if (open) timing.pending += 1;
    return;
  }
  timing.measured += 1;
  timing.totalMinutes += minutes;
  if (minutes > timing.maxMinutes) timing.maxMinutes = minutes;
  if (minutes <= target) timing.withinTarget += 1;
  let bucket = TIME_BUCKETS.findIndex((bound) => minutes <= bound);
  if (bucket < 0) bucket = TIME_BUCKETS.length;
  timing.buckets[bucket] = (timing.buckets[bucket] ?? 0) + 1;
}

/** The record's entry for a key, made (by `make`) when it is not there yet. */
function entry<T>(record: Record<string, T>, key: string, make: () => T): T {
  let value = record[key];
  if (value === undefined) {
    value = make();
    record[key] = value;
  }
  return value;
}

const newTrend = (): Trend => ({ current: 0, previous: 0 });
const newShare = (): DeadlineShare => ({ met: 0, missed: 0 });
const newCompletion = () => ({ onTime: 0, late: 0 });

function bump(map: Record<string, Trend>, key: string): void {
  entry(map, key, newTrend).current += 1;
}

function bumpPrevious(map: Record<string, Trend>, key: string): void {
  entry(map, key, newTrend).previous += 1;
}

function bumpRating(map: Record<string, RatingCounts>, key: string, rating: Rating | 'pending'): void {
  entry(map, key, newRatings)[rating] += 1;
}

function record(location: LocationCount, ref: string, department: string, category: string): void {
  location.count += 1;
  keepRecent(location.refs, ref);
  location.departments[department] = (location.departments[department] ?? 0) + 1;
  location.categories[category] = (location.categories[category] ?? 0) + 1;
}

/**
 * Keeps the REFS_KEPT most recent references, newest first. References number complaints in
 * the order an area received them, so they sort by time; keeping them by value (not in the
 * order rows happen to be read) makes a report the same however its pages arrive.
 */
function keepRecent(refs: string[], ref: string): void {
  if (refs.length >= REFS_KEPT && ref <= (refs.at(-1) ?? '')) return;
  if (refs.includes(ref)) return;
  let at = refs.findIndex((kept) => kept < ref);
  if (at < 0) at = refs.length;
  refs.splice(at, 0, ref);
  if (refs.length > REFS_KEPT) refs.pop();
}
