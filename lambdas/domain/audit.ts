/** One line of the audit trail: the signatures and steps of the paper Form 17. */
export interface AuditEvent {
  readonly ref: string;
  readonly at: string;
  /** Username of a staff member, or `system` for the workflow itself. */
  readonly actor: string;
  /** The staff member's display name then (their token's `name` claim), for the timeline and Form 17. */
  readonly actorName?: string;
  readonly role: string;
  readonly action: string;
  readonly details?: Record<string, unknown>;
}

export const SYSTEM_ACTOR = 'system';

/** Who an audit line is by, from a signature: the login id, the role and the display name then. */
export function actorOf(signature: {
  readonly by: string;
  readonly role: string;
  readonly name?: string;
}): Pick<AuditEvent, 'actor' | 'role' | 'actorName'> {
  return {
    actor: signature.by,
    role: signature.role,
    ...(signature.name ? { actorName: signature.name } : {}),
  };
}

/** The line of one call to the owner (the call log, domain/calls.ts): the timeline and Form 17 read it. */
export const CALL_ACTION = 'owner-called';

/**
 * Timeline lines intake writes for each email received on a complaint (one or two per message):
 * as many as owners and their mail servers send, and each also a line of the correspondence.
 */
export const MAIL_EVENT_ACTIONS: ReadonlySet<string> = new Set([
  'owner-email-received',
  'owner-answer-by-email',
  'auto-reply-received',
  'email-bounced',
  'bulk-mail-received',
]);

/** Mail lines the timeline shows, the newest; older ones are on the correspondence only. */
export const TIMELINE_MAIL_EVENTS = 50;
/** Characters of an excerpt a timeline line shows (the email itself is on the correspondence). */
const TIMELINE_EXCERPT_CHARS = 200;

/**
 * The timeline as the complaint page shows it, oldest first: every line of the workflow (the
 * signatures of Form 17, bounded by the workflow itself), and of the lines about received email
 * only the newest 50, their excerpts short; `omitted` counts the mail lines left out.
 */
export function boundedTimeline(events: readonly AuditEvent[]): {
  timeline: AuditEvent[];
  omitted: number;
} {
  const sorted = [...events].sort((a, b) => a.at.localeCompare(b.at));
  const mail = sorted.filter((e) => MAIL_EVENT_ACTIONS.has(e.action));
  const shown = new Set(mail.slice(-TIMELINE_MAIL_EVENTS));
  const timeline = sorted
    .filter((e) => !MAIL_EVENT_ACTIONS.has(e.action) || shown.has(e))
    .map((e) => (typeof e.details?.excerpt === 'string' ? shortExcerpt(e, e.details.excerpt) : e));
  return { timeline, omitted: mail.length - shown.size };
}

function shortExcerpt(event: AuditEvent, excerpt: string): AuditEvent {
  const chars = [...excerpt];
  if (chars.length <= TIMELINE_EXCERPT_CHARS) return event;
  return {
    ...event,
    details: { ...event.details, excerpt: `${chars.slice(0, TIMELINE_EXCERPT_CHARS).join('')}…` },
  };
}
