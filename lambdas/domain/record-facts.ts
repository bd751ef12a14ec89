import { type LadderLevel, STEPS, type StepId } from '#config/workflow.ts';
import type { Signature } from './complaint.ts';

/**
 * Summary facts the handlers keep on the complaint's RECORD item as they act, so that the
 * periodic report measures timeliness, deadlines and escalations from the record alone, in one
 * pass over the area/month index, without reading every complaint's audit trail:
 *
 * - `acknowledgedAt`: when the owner was first told the complaint was received (email sent, or
 *   reached by phone); reception's in-person apology counts as acknowledgement at receipt;
 * - `committedCompletion`: the department's first committed completion (what the owner was
 *   told), kept when a later escalation moves `commitment.plannedCompletion`;
 * - `deadlines`: one entry per deadline a step met or missed (steps with a lateness rule only),
 *   `<step>:met` or `<step>:missed`;
 * - `escalations`: one entry per ladder event, `<level>:<event>[:<who>]` — raised at a level,
 *   resolved, passed up (escalated), closed, timed out — with who acted.
 *
 * Entries are short strings rather than maps: the report reads every complaint of a month, and
 * these are most of what it reads. The audit trail stays the full story, with the times.
 *
 * Appending to a list or adding to a counter is not idempotent, and Step Functions retries a
 * handler whose answer was lost after its write: so each such update names its cause (a
 * `FactCause`, e.g. the task that opened or ran late), the record keeps the causes it applied
 * (`factsApplied`, a string set), and an update whose cause is there already adds nothing.
 */
export type DeadlineFact = `${StepId}:${'met' | 'missed'}`;

export type EscalationEvent = 'raised' | 'resolved' | 'escalated' | 'closed' | 'timed-out';

export type EscalationFact =
  | `${LadderLevel}:${EscalationEvent}`
  | `${LadderLevel}:${EscalationEvent}:${string}`;

export function deadlineFact(step: StepId, met: boolean): DeadlineFact {
  return `${step}:${met ? 'met' : 'missed'}`;
}

export function escalationFact(level: LadderLevel, event: EscalationEvent, by?: string): EscalationFact {
  return by ? `${level}:${event}:${by}` : `${level}:${event}`;
}

/** `supervisorReview:met` → its step and whether it was met. */
export function parseDeadlineFact(fact: string): { step: string; met: boolean } {
  const colon = fact.lastIndexOf(':');
  return { step: fact.slice(0, colon), met: fact.slice(colon + 1) === 'met' };
}

/** `supervisor:resolved:supervisor.kowloon-east` → level, event and who. */
export function parseEscalationFact(fact: string): { level: string; event: string; by?: string } {
  const first = fact.indexOf(':');
  const second = fact.indexOf(':', first + 1);
  const level = fact.slice(0, first);
  if (second < 0) return { level, event: fact.slice(first + 1) };
  return { level, event: fact.slice(first + 1, second), by: fact.slice(second + 1) };
}

/** Counters on the record that facts add to (the complaint page shows them). */
export type RecordCounter = 'escalationCount';

/** What an update adds to the record besides its plain fields. */
export interface RecordFacts {
  /** Set only when the record does not have them yet (`if_not_exists`). */
  readonly setOnce?: Readonly<Record<string, string>>;
  readonly deadlines?: readonly DeadlineFact[];
  readonly escalations?: readonly EscalationFact[];
  /** Added to the record's counters (`ADD`), not set from a value read earlier. */
  readonly counters?: Readonly<Partial<Record<RecordCounter, number>>>;
}

export const NO_FACTS: RecordFacts = {};

/**
 * Entries each fact list of a record keeps, and causes its `factsApplied` set keeps. The
 * workflow bounds them already: a fact needs a human step's turn, an execution lasts a year at
 * most and records 25,000 events at most (a manager reminded every business day for a year adds
 * about 250 of each). Only a pathological loop (steps of one minute, a person answering
 * escalations back and forth) comes near, and the record shares its 400 KB item with the
 * complaint's text and attachment list: past these caps the report's facts of that complaint
 * stop growing (the record says `factsCapped`), its counters and the audit trail go on.
 */
export const MAX_LIST_FACTS = 300;
export const MAX_FACT_CAUSES = 900;

/** How many facts a record has now: what factsWithinCaps measures an update against. */
export interface FactCounts {
  readonly deadlines: number;
  readonly escalations: number;
  readonly causes: number;
}

/**
 * An update's facts as a record with `counts` may still take: each list's entries up to
 * MAX_LIST_FACTS; a record with MAX_FACT_CAUSES causes takes only its counters (no cause is
 * added then, so the retry guard cannot grow the set either). `capped`: something was left out.
 */
export function factsWithinCaps(
  facts: RecordFacts,
  counts: FactCounts,
): { facts: RecordFacts; capped: boolean; causeAllowed: boolean } {
  const room = (list: 'deadlines' | 'escalations') => Math.max(0, MAX_LIST_FACTS - counts[list]);
  const deadlines = facts.deadlines?.slice(0, room('deadlines'));
  const escalations = facts.escalations?.slice(0, room('escalations'));
  const capped =
    (deadlines?.length ?? 0) < (facts.deadlines?.length ?? 0) ||
    (escalations?.length ?? 0) < (facts.escalations?.length ?? 0);
  const causeAllowed = counts.causes < MAX_FACT_CAUSES;
  return {
    facts: {
      ...(facts.setOnce ? { setOnce: facts.setOnce } : {}),
      ...(deadlines?.length && causeAllowed ? { deadlines } : {}),
      ...(escalations?.length && causeAllowed ? { escalations } : {}),
      ...(facts.counters ? { counters: facts.counters } : {}),
    },
    capped: capped || (!causeAllowed && Boolean(facts.deadlines?.length || facts.escalations?.length)),
    causeAllowed,
  };
}

export function hasFacts(facts: RecordFacts | undefined): facts is RecordFacts {
  return Boolean(
    facts &&
      (Object.keys(facts.setOnce ?? {}).length ||
        facts.deadlines?.length ||
        facts.escalations?.length ||
        Object.keys(facts.counters ?? {}).length),
  );
}

/**
 * What a fact update is applied once for, kept in the record's `factsApplied` set: what
 * happened to which task — `opened` (an escalation task: raised), `answered` (a person's
 * decision), `late` (its deadline passed), `sent-up` (its decision put the complaint on the
 * ladder). The task is named by its id's suffix (the reference is the record's own), so the set
 * stays small: a complaint has tens of such events at most.
 */
export type FactCause = `${'opened' | 'answered' | 'late' | 'sent-up'}:${string}`;

export function factCause(event: 'opened' | 'answered' | 'late' | 'sent-up', taskId: string): FactCause {
  return `${event}:${taskId.slice(taskId.lastIndexOf('.') + 1)}`;
}

/** One more escalation on the record's counter (a step overdue, or sent up the ladder; not the manager's reminders). */
export const ESCALATION_COUNTED = { counters: { escalationCount: 1 } } as const satisfies RecordFacts;

/** The ladder level an escalation step belongs to; undefined for other steps. */
export function ladderLevelOf(step: string): LadderLevel | undefined {
  switch (step) {
    case 'escalationSupervisor':
      return 'supervisor';
    case 'escalationCustomerService':
      return 'customer-service';
    case 'escalationManager':
      return 'manager';
    default:
      return undefined;
  }
}

/** Whether running past a step's due time is a lateness (it has somewhere to escalate to). */
export function hasDeadline(step: string): step is StepId {
  return step in STEPS && STEPS[step as StepId].lateGoesTo !== undefined;
}

/** Facts of a person completing a task (staff API or the owner's link). */
export function factsOfCompletion(
  task: { readonly step: StepId; readonly dueAt: string },
  input: unknown,
  decision: { readonly action?: string },
  actor: Signature,
): RecordFacts {
  const setOnce: Record<string, string> = {};
  const deadlines: DeadlineFact[] = [];
  const escalations: EscalationFact[] = [];
  if (hasDeadline(task.step)) {
    deadlines.push(deadlineFact(task.step, Date.parse(actor.at) <= Date.parse(task.dueAt)));
  }
  const fields = (input ?? {}) as { reached?: unknown; plannedCompletion?: unknown };
  if (task.step === 'acknowledgeCall' && fields.reached === true) setOnce.acknowledgedAt = actor.at;
  if (task.step === 'departmentCommitment' && typeof fields.plannedCompletion === 'string') {
    setOnce.committedCompletion = fields.plannedCompletion;
  }
  const level = ladderLevelOf(task.step);
  const event = ESCALATION_DECISIONS[decision.action ?? ''];
  if (level && event) escalations.push(escalationFact(level, event, actor.by));
  // A level sending the complaint up counts as an escalation, added (not read and set) so a
  // retried completion counts once under its cause.
  const escalated = level !== undefined && event === 'escalated';
  return {
    ...(Object.keys(setOnce).length ? { setOnce } : {}),
    ...(deadlines.length ? { deadlines } : {}),
    ...(escalations.length ? { escalations } : {}),
    ...(escalated ? ESCALATION_COUNTED : {}),
  };
}

const ESCALATION_DECISIONS: Record<string, EscalationEvent | undefined> = {
  resolve: 'resolved',
  escalate: 'escalated',
  close: 'closed',
};

/**
 * Facts of a step missing its deadline (the workflow's `step-overdue` and `manager-reminded`):
 * the late step missed it; a ladder level that missed its own deadline also timed out there.
 */
export function factsOfOverdue(overdueStep: string | null | undefined): RecordFacts {
  if (!overdueStep || !hasDeadline(overdueStep)) return NO_FACTS;
  const level = ladderLevelOf(overdueStep);
  return {
    deadlines: [deadlineFact(overdueStep, false)],
    ...(level ? { escalations: [escalationFact(level, 'timed-out')] } : {}),
  };
}

/** Facts of a task opening: an escalation task (not a reminder) is the complaint raised to a level. */
export function factsOfTaskOpened(step: string, reminder: boolean): RecordFacts {
  const level = ladderLevelOf(step);
  if (!level || reminder) return NO_FACTS;
  return { escalations: [escalationFact(level, 'raised')] };
}

/** Facts of the owner's acknowledgement email going out. */
export function factsOfAcknowledgementSent(at: string): RecordFacts {
  return { setOnce: { acknowledgedAt: at } };
}
