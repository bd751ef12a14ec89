import { randomBytes } from 'node:crypto';
import {
  appendAuditEventOnce,
  auditEventItem,
  getEvents,
  getPartition,
  putOwnerLink,
  updateRecord,
} from '#adapters/complaints.ts';
import { appUrl, mailFrom, staffAddress, workflowSettings } from '#commons/environment.ts';
import { type AuditEvent, SYSTEM_ACTOR } from '#domain/audit.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { type DueTable, dueInstant } from '#domain/deadlines.ts';
import { type OwnerMailKind, ownerMail, progressMissingMail } from '#domain/emails.ts';
import { DEFAULT_FLOOD_LIMIT_PER_HOUR } from '#domain/mail/intake-options.ts';
import { mailboxOf } from '#domain/mail/limits.ts';
import { freshUpdate } from '#domain/progress.ts';
import { factsOfAcknowledgementSent } from '#domain/record-facts.ts';
import { takeHourlySlot } from './mail-limits.ts';
import { sendOnce } from './send-once.ts';
import { dueFor } from './steps.ts';

/** Which owner step answers an email of this kind through its link. */
const ANSWER_STEP: Partial<Record<OwnerMailKind, 'ownerPlanResponse' | 'satisfactionCallback'>> = {
  plan: 'ownerPlanResponse',
  'satisfaction-request': 'satisfactionCallback',
};

/** The step the record is at once the email is out; a pause notice leaves it where it is. */
const CURRENT_STEP: Partial<Record<OwnerMailKind, string>> = {
  acknowledgement: 'acknowledgement',
  plan: 'ownerPlanResponse',
  'satisfaction-request': 'satisfactionCallback',
  closing: 'closing',
};

export interface OwnerNotice {
  readonly due: DueTable;
  /** The owner has this email: sent now, or by an earlier attempt of a retried invocation. */
  readonly emailed: boolean;
  /** Sent by this call. */
  readonly sent: boolean;
}

/**
 * Emails the owner (procedure steps 2, 5, 8 and the closing note), bilingual, once per
 * complaint and round. The plan and the satisfaction request carry a single-use link that
 * lets the owner answer without logging in; it names the step, never the task token. An
 * owner with only a phone number gets no email: the follow-up task is a phone call.
 */
export async function notifyOwner(
  table: string,
  input: { readonly ref: string; readonly kind: OwnerMailKind },
  now = new Date(),
  limits: { readonly acknowledgementsPerHour: number } = {
    acknowledgementsPerHour: DEFAULT_FLOOD_LIMIT_PER_HOUR,
  },
): Promise<OwnerNotice> {
  // The record with the emails sent once, strongly read: an email an earlier attempt sent is
  // found there (sendOnce), in the same read.
  const { record, sentMail } = await getPartition(table, input.ref, { consistent: true });
  if (!record) throw new Error(`No complaint ${input.ref}`);
  const due = dueFor(record, now);
  const answerStep = ANSWER_STEP[input.kind];
  // The instant the owner's task will be due (it is stored from the same table).
  const answerBy = answerStep ? dueInstant(due, answerStep, now) : undefined;
  // Plans are re-sent after an objection or a reopen; each round is its own email.
  const round =
    input.kind === 'plan'
      ? record.objectionCount + record.reopenCount
      : input.kind === 'satisfaction-request'
        ? record.reopenCount
        : input.kind === 'pause'
          ? (record.pauses?.length ?? 0)
          : input.kind === 'progress'
            ? (record.progress?.notices ?? 0)
            : 0;

  // Keyed by the email, so a retried invocation writes the line once.
  const action = `owner-${input.kind}-sent`;
  const eventKey = `${action}.${round}`;
  const sentEvent = (at: string): AuditEvent => ({
    ref: record.ref,
    at,
    actor: SYSTEM_ACTOR,
    role: SYSTEM_ACTOR,
    action,
    details: { round, ...(answerBy ? { answerBy } : {}) },
  });
  let sent = false;
  let sentAt: string | undefined;
  const onceKey = `owner:${input.kind}:${round}`;
  const sentBefore = sentMail.some((mail) => mail.onceKey === onceKey);
  const withheld =
    input.kind === 'acknowledgement' && record.owner.email && !sentBefore
      ? await acknowledgementWithheld(table, record, limits.acknowledgementsPerHour, now)
      : undefined;
  if (input.kind === 'progress' && !freshUpdate(record.progress)) {
    await tellSupervisorNoUpdate(table, record, round, sentMail, now);
  }
  if (withheld) {
    // Said once on the timeline, however often the step is retried (read only when withheld).
    if (!(await getEvents(table, record.ref)).some((event) => event.action === withheld)) {
      await appendAuditEventOnce(
        table,
        { ref: record.ref, at: now.toISOString(), actor: SYSTEM_ACTOR, role: SYSTEM_ACTOR, action: withheld },
        withheld,
      );
    }
  } else if (record.owner.email) {
    const linkUrl = answerStep ? await ownerLink(table, record, answerStep, now) : undefined;
    const result = await sendOnce({
      table,
      ref: record.ref,
      key: onceKey,
      to: [record.owner.email],
      content: ownerMail({
        kind: input.kind,
        record,
        ...(linkUrl ? { linkUrl } : {}),
        ...(answerBy ? { answerBy } : {}),
      }),
      kind: input.kind,
      audience: 'owner',
      replyTo: mailFrom(),
      sentMail,
      // Sent now: its audit line goes with its correspondence line.
      alsoOnceSent: (at) => [auditEventItem(sentEvent(at), eventKey)],
    });
    sent = result.sent;
    // Sent now, or by an attempt that failed after sending: what follows is written either way.
    if (result.sent || result.alreadySent) sentAt = result.at ?? now.toISOString();
  }
  await updateRecord(
    table,
    record.ref,
    CURRENT_STEP[input.kind] ? { currentStep: CURRENT_STEP[input.kind] } : {},
    sentAt && input.kind === 'acknowledgement' ? factsOfAcknowledgementSent(sentAt) : undefined,
  );
  // Sent by an earlier attempt: its audit line is written here unless that attempt wrote it.
  if (sentAt && !sent) await appendAuditEventOnce(table, sentEvent(sentAt), eventKey);
  return { due, emailed: Boolean(sentAt), sent };
}

/**
 * The department gave no line for this progress notice (domain/progress.ts): the area's
 * supervisor is emailed, once per notice, and the timeline says so.
 */
async function tellSupervisorNoUpdate(
  table: string,
  record: ComplaintRecord,
  round: number,
  sentMail: Parameters<typeof sendOnce>[0]['sentMail'],
  now: Date,
): Promise<void> {
  const missing: AuditEvent = {
    ref: record.ref,
    at: now.toISOString(),
    actor: SYSTEM_ACTOR,
    role: SYSTEM_ACTOR,
    action: 'progress-update-missing',
    details: { round, department: record.department },
  };
  await sendOnce({
    table,
    ref: record.ref,
    key: `progress-missing:${round}`,
    to: [staffAddress('supervisor', record.area)],
    content: progressMissingMail({
      ref: record.ref,
      department: record.department,
      complaintUrl: `${appUrl()}/complaints/${encodeURIComponent(record.ref)}`,
    }),
    kind: 'progress-missing',
    audience: 'staff',
    sentMail,
    alsoOnceSent: () => [auditEventItem(missing, `progress-update-missing.${round}`)],
  });
  await appendAuditEventOnce(table, missing, `progress-update-missing.${round}`);
}

/**
 * Why a complaint's acknowledgement is not emailed, as its timeline action: the sender of the
 * email that opened it was not authenticated (the address may be someone else's), or the
 * address had its hour's acknowledgements. Only complaints email intake opened are limited: a
 * person opened the others, or released them from review. Counted under the reference, so a
 * retried step is not counted twice.
 */
async function acknowledgementWithheld(
  table: string,
  record: ComplaintRecord,
  limit: number,
  now: Date,
): Promise<string | undefined> {
  if (record.email?.senderVerified === false) return 'acknowledgement-withheld-unverified-sender';
  if (record.receivedBy.role !== SYSTEM_ACTOR || !record.owner.email) return undefined;
  const allowed = await takeHourlySlot(table, {
    scope: 'ACKS',
    subject: mailboxOf(record.owner.email),
    id: record.ref,
    limit,
    at: now.toISOString(),
  });
  return allowed ? undefined : 'acknowledgement-withheld-limit';
}

/** A new single-use link for the owner to answer `step`, valid for the configured days. */
async function ownerLink(table: string, record: ComplaintRecord, step: string, now: Date): Promise<string> {
  const id = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + workflowSettings().ownerLinkDays * 86_400_000).toISOString();
  await putOwnerLink(table, { id, ref: record.ref, step, expiresAt, language: record.owner.language });
  return `${appUrl()}/owner/${id}`;
}
