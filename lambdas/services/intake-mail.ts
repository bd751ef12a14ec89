import type { SESEventRecord } from 'aws-lambda';
import { putItems } from '#adapters/clients.ts';
import { correspondenceItem, getPartition, getRecord, putCorrespondence } from '#adapters/complaints.ts';
import {
  beginRelease,
  claimMessage,
  finishRelease,
  getMailLog,
  getMessageLink,
  getRawMessage,
  linkClaimToRef,
  type MailLogItem,
  mailLogRecord,
  putAttachment,
  putAuditEventOnce,
  putMailLog,
  setReleaseRef,
} from '#adapters/inbound-mail.ts';
import { mayReviewMail } from '#domain/access.ts';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import type { ComplaintRecord, Signature } from '#domain/complaint.ts';
import { fitMailLine, previewOf } from '#domain/correspondence.ts';
import { ownerFromResident, type Routing } from '#domain/directory/register-match.ts';
import { endingStateProblem } from '#domain/ending.ts';
import { ForbiddenError, NotFoundError, StateConflictError } from '#domain/errors.ts';
import { ENDING_LIMITS, FIELD_LIMITS } from '#domain/fields.ts';
import { type SenderVerdicts, senderAuthenticated } from '#domain/mail/authentication.ts';
import { type AutomaticKind, classify } from '#domain/mail/classify.ts';
import { capText, isNoReplyAddress, ownerOf, replyTextOf } from '#domain/mail/content.ts';
import {
  complaintFromMessage,
  viewOf as computeView,
  type MessageView,
  mailIdOf,
  parseMailId,
  planAttachments,
  RELEASABLE,
  type ThreadHints,
  threadHints,
} from '#domain/mail/intake.ts';
import {
  areaForRecipients,
  type IntakeSettings,
  isFaxGateway,
  isInternalSender,
  isOwnAddress,
} from '#domain/mail/intake-options.ts';
import { mailboxOf } from '#domain/mail/limits.ts';
import type { ParsedMessage } from '#domain/mail/message.ts';
import { bodyOnlyMessage, parseMessage, UnparseableMessageError } from '#domain/mail/parse.ts';
import type { AttachmentMeta, IncomingEmailSummary, MailOutcome } from '#domain/mail/received-mail.ts';
import { asksToWithdraw } from '#domain/mail/withdrawal.ts';
import type { StaffMember } from '#domain/staff.ts';
import { OWNER_ANSWER_STEPS, type StoredTask } from '#domain/tasks.ts';
import { endComplaint } from './end-complaint.ts';
import { takeHourlySlot, takeTotalSlot } from './mail-limits.ts';
import { allocateRef, openComplaint } from './open-complaint.ts';
import { routeSender } from './unit-routing.ts';

/**
 * Email intake: what happens to each message SES receives. Every message ends with one line
 * in the mail log saying what became of it; a message opens at most one complaint however
 * often it is delivered; nothing automatic is ever answered.
 */
export interface IntakeDeps {
  readonly table: string;
  readonly stateMachineArn: string;
  readonly rawMailBucket: string;
  readonly rawMailPrefix: string;
  readonly attachmentsBucket: string;
  readonly settings: IntakeSettings;
  /** The OCR function faxes needing transcription are handed to (read-fax-pages). */
  readonly ocrFunction?: string;
}

export interface IntakeResult {
  readonly sesMessageId: string;
  readonly outcome: MailOutcome;
  readonly reason?: string;
  readonly ref?: string;
  readonly bytes: number;
}

/** The mail-log line's fields that come from SES, before the message is read. */
export interface Arrival {
  readonly id: string;
  readonly sesMessageId: string;
  readonly receivedAt: string;
  readonly area: string;
  /** Set when the message went to another area's address than the area it is kept in (routing). */
  readonly sentToArea?: string;
  readonly recipients: readonly string[];
  readonly rawMessage: { bucket: string; key: string; bytes: number };
  readonly verdicts: Record<string, string> & SenderVerdicts;
}

const INTAKE_SIGNATURE = { by: 'email-intake', role: SYSTEM_ACTOR };
/** A release that has not finished in this long was interrupted and may be resumed. */
const STALE_RELEASE_MS = 2 * 60_000;

const AUDIT_ACTION: Record<AutomaticKind | 'reply', string> = {
  reply: 'owner-email-received',
  'auto-reply': 'auto-reply-received',
  bounce: 'email-bounced',
  bulk: 'bulk-mail-received',
};

/** A message's view is sanitised once, however many items show it. */
const views = new WeakMap<ParsedMessage, MessageView>();
function viewOf(message: ParsedMessage): MessageView {
  let view = views.get(message);
  if (!view) {
    view = computeView(message);
    views.set(message, view);
  }
  return view;
}

export async function receiveMessage(deps: IntakeDeps, record: SESEventRecord): Promise<IntakeResult> {
  const { mail, receipt } = record.ses;
  const key = `${deps.rawMailPrefix}${mail.messageId}`;
  const raw = await getRawMessage(deps.rawMailBucket, key);
  const recipients = (receipt.recipients ?? mail.destination ?? []).map((r) => r.toLowerCase());
  const arrival: Arrival = {
    id: mailIdOf(mail.timestamp, mail.messageId),
    sesMessageId: mail.messageId,
    receivedAt: mail.timestamp,
    area: areaForRecipients(deps.settings, recipients),
    recipients,
    rawMessage: { bucket: deps.rawMailBucket, key, bytes: raw.length },
    verdicts: {
      spam: receipt.spamVerdict?.status ?? 'DISABLED',
      virus: receipt.virusVerdict?.status ?? 'DISABLED',
      spf: receipt.spfVerdict?.status ?? 'DISABLED',
      dkim: receipt.dkimVerdict?.status ?? 'DISABLED',
      dmarc: receipt.dmarcVerdict?.status ?? 'DISABLED',
    },
  };
  const log = (
    message: ParsedMessage | undefined,
    outcome: MailOutcome,
    extra: { reason?: string; ref?: string } = {},
  ) => finish(deps, arrival, message, outcome, extra);

  let message: ParsedMessage;
  try {
    message = await parseMessage(raw);
  } catch (error) {
    if (!(error instanceof UnparseableMessageError)) throw error;
    return log(undefined, 'quarantined', { reason: 'unparseable' });
  }
  if (arrival.verdicts.virus === 'FAIL') return log(message, 'quarantined', { reason: 'virus-verdict-fail' });
  if (arrival.verdicts.spam === 'FAIL') return log(message, 'quarantined', { reason: 'spam-verdict-fail' });
  if (isOwnAddress(deps.settings, message.from?.address)) return log(message, 'own-address');

  const classification = classify(message, { mailFrom: mail.source });
  // Our staff and departments write from the app: mail from their addresses is neither an
  // owner's complaint nor an owner's answer, and is never acknowledged. A person looks at it.
  const owner = ownerOf(message, deps.settings.intakeAddresses);
  if (
    !classification.kind &&
    (isInternalSender(deps.settings, message.from?.address) ||
      isInternalSender(deps.settings, owner?.address))
  ) {
    return log(message, 'held', { reason: 'internal-sender' });
  }
  const hints = threadHints(message, classification, deps.settings.ownDomain);
  const authenticated = senderAuthenticated(arrival.verdicts);

  // One outcome per message: the first delivery of a Message-ID claims it. A retry of the same
  // SES event (same SES id) carries on where it stopped; another delivery is a duplicate.
  const claimKey = message.messageId ?? `ses:${arrival.sesMessageId}`;
  const claim = await claimMessage(deps.table, {
    messageId: claimKey,
    sesMessageId: arrival.sesMessageId,
    at: arrival.receivedAt,
  });
  if (!claim.claimed) {
    if (claim.existing.direction === 'out')
      return log(message, 'own-address', { reason: 'our-message-returned' });
    if (claim.existing.sesMessageId !== arrival.sesMessageId) {
      return log(message, 'duplicate', claim.existing.ref ? { ref: claim.existing.ref } : {});
    }
  }
  const claimedRef = claim.claimed ? undefined : claim.existing.ref;

  const thread = await findThread(deps, hints);
  if (classification.kind) {
    if (thread) {
      await fileOnComplaint(deps, arrival, message, thread.record, {
        kind: classification.kind,
        claimKey,
        authenticated,
      });
    }
    return log(message, classification.kind, {
      ...(classification.reason ? { reason: classification.reason } : {}),
      ...(thread ? { ref: thread.ref } : {}),
    });
  }
  if (thread && thread.record.status === 'open') {
    // Past the complaint's reply limits the reply waits for staff and touches nothing.
    if (!(await takeReplySlot(deps, arrival, thread.ref))) {
      return log(message, 'held', { reason: 'reply-flood', ref: thread.ref });
    }
    await fileReply(deps, arrival, message, thread.record, { claimKey, authenticated });
    return log(message, 'threaded', { ref: thread.ref });
  }

  // Counted after the claim, under the SES message id: a duplicate never gets this far, and a
  // retried delivery of this one finds itself counted already.
  if (!claimedRef) {
    const hold = await holdReason(deps, arrival, message);
    if (hold) return log(message, 'held', { reason: hold });
  }
  // A registered sender's complaint opens in their unit's area, whatever address it was sent to.
  const routing = await routeMessage(deps, message, authenticated);
  const area = routing.kind === 'matched' ? routing.area : arrival.area;
  const ref =
    claimedRef ??
    (await linkClaimToRef(deps.table, claimKey, await allocateRef(deps.table, area, arrival.receivedAt)));
  const outcome = { ref, ...(thread ? { reason: 'previous-complaint-closed' } : {}) };
  await openFromMessage(
    deps,
    {
      arrival,
      message,
      ref,
      area,
      routing,
      receivedBy: { ...INTAKE_SIGNATURE, at: arrival.receivedAt },
      authenticated,
      // A message about a closed complaint is a new complaint that refers to it.
      ...(thread ? { relatedRef: thread.ref } : {}),
    },
    // The mail-log line is written with the correspondence, once the complaint exists, in the
    // complaint's area: the office that sees the complaint sees the message that opened it (the
    // address it was sent to is the line's `sentToArea`).
    [
      mailLogRecord(
        mailLogLine(
          area === arrival.area ? arrival : { ...arrival, area, sentToArea: arrival.area },
          message,
          'complaint-opened',
          outcome,
        ),
      ),
    ],
  );
  return resultOf(arrival, 'complaint-opened', outcome);
}

/**
 * The register unit a new complaint's sender is (services/unit-routing.ts): by the owner's
 * address, or a fax gateway's number. A sender SES could not authenticate may be anyone
 * writing as an owner: their unit is only offered to reception (a candidate), never taken, so
 * a forged From neither moves the complaint nor puts the owner's registered details on it.
 */
async function routeMessage(
  deps: IntakeDeps,
  message: ParsedMessage,
  authenticated: boolean,
): Promise<Routing> {
  const fromGateway = isFaxGateway(deps.settings, message.from?.address);
  const made = complaintFromMessage(message, { settings: deps.settings, area: deps.settings.defaultArea });
  const routing = await routeSender(deps.table, {
    ...(!fromGateway && made.input.owner.email ? { email: made.input.owner.email } : {}),
    ...(made.faxNumber ? { faxNumber: made.faxNumber } : {}),
  });
  if (routing.kind === 'matched' && !authenticated && !fromGateway) {
    return { kind: 'unknown', candidates: [routing.registerUnit] };
  }
  return routing;
}

/** A routing kept only if its unit is in `area` (a release into an area staff chose). */
function routingIn(routing: Routing, area: string): Routing {
  return routing.kind === 'matched' && routing.area !== area
    ? { kind: 'unknown', candidates: [routing.registerUnit] }
    : routing;
}

/**
 * Why a new complaint should wait for staff instead of being opened and acknowledged. The
 * flood limit is taken here, atomically, before the complaint is opened.
 */
async function holdReason(
  deps: IntakeDeps,
  arrival: Arrival,
  message: ParsedMessage,
): Promise<string | undefined> {
  if (isFaxGateway(deps.settings, message.from?.address)) return undefined;
  const owner = ownerOf(message, deps.settings.intakeAddresses);
  if (!owner) return 'no-sender';
  if (isNoReplyAddress(owner.address)) return 'no-reply-sender';
  const allowed = await takeHourlySlot(deps.table, {
    scope: 'FLOOD',
    subject: mailboxOf(owner.address),
    id: arrival.sesMessageId,
    limit: deps.settings.floodLimitPerHour,
    at: arrival.receivedAt,
  });
  return allowed ? undefined : 'flood';
}

/** Takes one of the complaint's replies of the hour, then one of its replies in all. */
async function takeReplySlot(
  deps: IntakeDeps,
  arrival: Pick<Arrival, 'sesMessageId' | 'receivedAt'>,
  ref: string,
): Promise<boolean> {
  const slot = { scope: 'REPLIES' as const, subject: ref, id: arrival.sesMessageId };
  return (
    (await takeHourlySlot(deps.table, {
      ...slot,
      limit: deps.settings.replyLimitPerHour,
      at: arrival.receivedAt,
    })) && (await takeTotalSlot(deps.table, { ...slot, limit: deps.settings.replyLimitTotal }))
  );
}

/**
 * Files a reply on its open complaint; an authenticated one is also filed for the tasks waiting
 * for the owner's answer. One whose sender is not authenticated may be anyone's: staff see it
 * marked, and it is never shown where the owner's answer is read.
 */
async function fileReply(
  deps: IntakeDeps,
  arrival: Arrival,
  message: ParsedMessage,
  record: ComplaintRecord,
  options: { claimKey: string; authenticated: boolean },
): Promise<void> {
  const waiting = options.authenticated ? await tasksWaitingOnOwner(deps, record) : [];
  await fileOnComplaint(deps, arrival, message, record, { kind: 'reply', ...options, forTasks: waiting });
  await auditOwnerAnswers(deps, arrival, message, record, waiting);
  await withdrawIfAsked(deps, arrival, message, record, options.authenticated);
}

/**
 * The owner's reply withdraws the complaint (domain/mail/withdrawal.ts): only from the owner's
 * own address, verified (a forged From must not end someone's complaint). A redelivered or
 * second such reply finds it ended already, which is no failure of the intake.
 */
async function withdrawIfAsked(
  deps: IntakeDeps,
  arrival: Arrival,
  message: ParsedMessage,
  record: ComplaintRecord,
  authenticated: boolean,
): Promise<void> {
  const sender = ownerOf(message, deps.settings.intakeAddresses)?.address;
  const fromOwner = Boolean(record.owner.email && record.owner.email === sender);
  const ownWords = replyTextOf(viewOf(message).text);
  if (!authenticated || !fromOwner || !asksToWithdraw(ownWords) || endingStateProblem(record)) return;
  try {
    await endComplaint(
      deps.table,
      record,
      { kind: 'withdrawn', how: 'email', reason: capText(ownWords, ENDING_LIMITS.reason).text },
      { by: 'owner', role: 'owner', at: arrival.receivedAt, name: record.owner.name },
    );
  } catch (error) {
    if (!(error instanceof StateConflictError)) throw error;
  }
}

/**
 * The complaint a message belongs to: the reference in its subject, else a message it answers
 * (In-Reply-To, References; for a bounce, the message inside it) that we sent or received.
 */
async function findThread(
  deps: IntakeDeps,
  hints: ThreadHints,
): Promise<{ ref: string; record: ComplaintRecord } | undefined> {
  const tried = new Set<string>();
  const recordOf = async (ref: string | undefined) => {
    if (!ref || tried.has(ref)) return undefined;
    tried.add(ref);
    const record = await getRecord(deps.table, ref);
    return record ? { ref, record } : undefined;
  };
  const bySubject = await recordOf(hints.subjectRef);
  if (bySubject) return bySubject;
  if (hints.messageIds.length) {
    const links = await Promise.all(hints.messageIds.slice(0, 5).map((id) => getMessageLink(deps.table, id)));
    for (const link of links) {
      const found = await recordOf(link?.ref);
      if (found) return found;
    }
  }
  for (const ref of hints.ourRefs) {
    const found = await recordOf(ref);
    if (found) return found;
  }
  return undefined;
}

async function storeAttachments(
  deps: IntakeDeps,
  message: ParsedMessage,
  sesMessageId: string,
  withhold?: AttachmentMeta['notStored'],
): Promise<AttachmentMeta[]> {
  const plan = planAttachments(message.attachments, {
    sesMessageId,
    bucket: deps.attachmentsBucket,
    ...(withhold ? { withhold } : {}),
  });
  await Promise.all(
    plan.map(({ meta, content }) =>
      content && meta.key
        ? putAttachment(deps.attachmentsBucket, meta.key, content.content, {
            contentType: meta.contentType,
            filename: meta.filename,
            executable: meta.executable,
          })
        : undefined,
    ),
  );
  return plan.map((p) => p.meta);
}

/**
 * The message as one line of the complaint's correspondence (direction in), made to fit its
 * item. `forTasks`: the open tasks waiting on the owner's answer it is shown on (their ids).
 */
export function correspondenceOf(
  arrival: Pick<Arrival, 'sesMessageId' | 'receivedAt' | 'rawMessage'>,
  view: MessageView,
  kind: string,
  attachments: readonly AttachmentMeta[],
  fromOwner: boolean,
  forTasks: readonly StoredTask[] = [],
  authenticated = true,
) {
  return fitMailLine({
    id: `in.${arrival.sesMessageId}`,
    at: arrival.receivedAt,
    direction: 'in',
    audience: 'owner',
    kind,
    fromOwner,
    // The SES checks did not show the sender is who From says (domain/mail/authentication.ts).
    ...(authenticated ? {} : { verified: false }),
    ...view,
    preview: previewOf(view.text),
    sesMessageId: arrival.sesMessageId,
    attachments,
    rawMessage: { bucket: arrival.rawMessage.bucket, key: arrival.rawMessage.key },
    ...(forTasks.length ? { forTasks: forTasks.map((task) => task.id) } : {}),
  });
}

/** Files a message on a complaint it belongs to: correspondence, audit line, threading link. */
async function fileOnComplaint(
  deps: IntakeDeps,
  arrival: Arrival,
  message: ParsedMessage,
  record: ComplaintRecord,
  options: {
    kind: AutomaticKind | 'reply';
    claimKey: string;
    authenticated: boolean;
    forTasks?: readonly StoredTask[];
  },
): Promise<void> {
  const { kind, claimKey, authenticated, forTasks = [] } = options;
  const ref = record.ref;
  const view = viewOf(message);
  const sender = ownerOf(message, deps.settings.intakeAddresses)?.address;
  const fromOwner = Boolean(record.owner.email && record.owner.email === sender);
  const attachments = await storeAttachments(
    deps,
    message,
    arrival.sesMessageId,
    kind === 'reply' ? undefined : 'automatic-message',
  );
  await Promise.all([
    putCorrespondence(
      deps.table,
      ref,
      correspondenceOf(arrival, view, kind, attachments, fromOwner, forTasks, authenticated),
    ),
    putAuditEventOnce(
      deps.table,
      {
        ref,
        at: arrival.receivedAt,
        actor: SYSTEM_ACTOR,
        role: SYSTEM_ACTOR,
        action: AUDIT_ACTION[kind],
        details: {
          sesMessageId: arrival.sesMessageId,
          subject: view.subject,
          fromOwner,
          attachments: attachments.length,
          ...(authenticated ? {} : { senderVerified: false }),
          ...(record.status === 'closed' ? { afterClosing: true } : {}),
        },
      },
      arrival.sesMessageId,
    ),
    // Later messages answering this one find the complaint too.
    linkClaimToRef(deps.table, claimKey, ref),
  ]);
}

/**
 * The open tasks waiting for the owner's answer to the plan or to the satisfaction request, when
 * the workflow is at such a step: an emailed answer is filed for them on the correspondence,
 * where the follow-up staff answering the task read it (the task shows its newest lines). Free
 * text never completes the task by itself: a person records the answer.
 */
async function tasksWaitingOnOwner(deps: IntakeDeps, record: ComplaintRecord): Promise<StoredTask[]> {
  if (!(OWNER_ANSWER_STEPS as readonly string[]).includes(record.currentStep)) return [];
  const { tasks } = await getPartition(deps.table, record.ref);
  return tasks.filter((t) => t.status === 'open' && OWNER_ANSWER_STEPS.includes(t.step));
}

/** The timeline line of an owner's emailed answer, once per message, for each task it answers. */
async function auditOwnerAnswers(
  deps: IntakeDeps,
  arrival: Arrival,
  message: ParsedMessage,
  record: ComplaintRecord,
  waiting: readonly StoredTask[],
): Promise<void> {
  const excerpt = previewOf(viewOf(message).text);
  for (const task of waiting) {
    await putAuditEventOnce(
      deps.table,
      {
        ref: record.ref,
        at: arrival.receivedAt,
        actor: SYSTEM_ACTOR,
        role: SYSTEM_ACTOR,
        action: 'owner-answer-by-email',
        details: { taskId: task.id, step: task.step, sesMessageId: arrival.sesMessageId, excerpt },
      },
      arrival.sesMessageId,
    );
  }
}

interface OpenFromMessage {
  readonly arrival: Pick<Arrival, 'sesMessageId' | 'receivedAt' | 'rawMessage'>;
  readonly message: ParsedMessage;
  readonly ref: string;
  readonly area: string;
  /** The register unit the sender is, or why none is known (routeMessage). */
  readonly routing: Routing;
  readonly receivedBy: Signature;
  /** Whether SES's checks showed the sender is who From says: an unverified one is not acknowledged. */
  readonly authenticated: boolean;
  readonly relatedRef?: string;
  readonly releasedFrom?: MailOutcome;
  readonly withhold?: AttachmentMeta['notStored'];
}

/** Opens the complaint a message is (idempotent under its reference), and files the message on it. */
async function openFromMessage(
  deps: IntakeDeps,
  input: OpenFromMessage,
  alsoOnceOpen: readonly Record<string, unknown>[] = [],
): Promise<void> {
  const { arrival, message, ref } = input;
  const made = complaintFromMessage(message, { settings: deps.settings, area: input.area });
  const { routing } = input;
  const unitFields: Partial<ComplaintRecord> =
    routing.kind === 'matched'
      ? { registerUnit: routing.registerUnit }
      : { unitUnknown: true, ...(routing.candidates.length ? { unitCandidates: routing.candidates } : {}) };
  const complaint =
    routing.kind === 'matched'
      ? {
          ...made.input,
          // The registered owner, in their language; the building and unit as the register
          // writes them (Form 17 and the lists print these).
          owner: ownerFromResident(made.input.owner, routing.resident),
          building: `${routing.registerUnit.estate} ${routing.registerUnit.building}`.slice(
            0,
            FIELD_LIMITS.building,
          ),
          unit: routing.registerUnit.unit.slice(0, FIELD_LIMITS.unit),
        }
      : made.input;
  const view = viewOf(message);
  const attachments = await storeAttachments(deps, message, arrival.sesMessageId, input.withhold);
  const email: IncomingEmailSummary = {
    sesMessageId: arrival.sesMessageId,
    ...(message.messageId ? { messageId: message.messageId } : {}),
    subject: view.subject,
    ...(view.from ? { from: view.from } : {}),
    rawMessage: { bucket: arrival.rawMessage.bucket, key: arrival.rawMessage.key },
    ...(made.faxNumber ? { faxNumber: made.faxNumber } : {}),
    ...(input.relatedRef ? { relatedRef: input.relatedRef } : {}),
    ...(input.releasedFrom ? { releasedFrom: input.releasedFrom } : {}),
    ...(input.authenticated ? {} : { senderVerified: false }),
  };
  await openComplaint(
    {
      table: deps.table,
      stateMachineArn: deps.stateMachineArn,
      ...(deps.ocrFunction ? { ocrFunction: deps.ocrFunction } : {}),
    },
    complaint,
    input.receivedBy,
    {
      ref,
      unclear: made.unclear,
      needsTranscription: made.needsTranscription,
      details: {
        sesMessageId: arrival.sesMessageId,
        attachments: attachments.length,
        ...(input.relatedRef ? { relatedRef: input.relatedRef } : {}),
        ...(input.releasedFrom ? { releasedFrom: input.releasedFrom } : {}),
        ...(input.authenticated ? {} : { senderVerified: false }),
        ...(routing.kind === 'matched'
          ? { registerUnit: routing.registerUnit.id }
          : { unitUnknown: true, unitCandidates: routing.candidates.length }),
      },
      extra: { email, ...(attachments.length ? { mailAttachments: attachments } : {}), ...unitFields },
    },
  );
  // The correspondence line and what the caller files with it (the mail-log line), in one
  // request: each is keyed by the message, so a retry writes the same lines again.
  await Promise.all([
    putItems(deps.table, [
      correspondenceItem(
        ref,
        correspondenceOf(arrival, view, 'complaint', attachments, true, [], input.authenticated),
      ),
      ...alsoOnceOpen,
    ]),
    input.relatedRef
      ? putAuditEventOnce(
          deps.table,
          {
            ref: input.relatedRef,
            at: arrival.receivedAt,
            actor: SYSTEM_ACTOR,
            role: SYSTEM_ACTOR,
            action: 'follow-up-complaint-opened',
            details: { newRef: ref, sesMessageId: arrival.sesMessageId },
          },
          arrival.sesMessageId,
        )
      : undefined,
  ]);
}

/** Writes the mail-log line: every message gets one, whatever became of it. */
async function finish(
  deps: IntakeDeps,
  arrival: Arrival,
  message: ParsedMessage | undefined,
  outcome: MailOutcome,
  extra: { reason?: string; ref?: string },
): Promise<IntakeResult> {
  await putMailLog(deps.table, mailLogLine(arrival, message, outcome, extra));
  return resultOf(arrival, outcome, extra);
}

function resultOf(
  arrival: Arrival,
  outcome: MailOutcome,
  extra: { reason?: string; ref?: string },
): IntakeResult {
  return { sesMessageId: arrival.sesMessageId, outcome, ...extra, bytes: arrival.rawMessage.bytes };
}

/** A message's mail-log line. */
export function mailLogLine(
  arrival: Arrival,
  message: ParsedMessage | undefined,
  outcome: MailOutcome,
  extra: { reason?: string; ref?: string },
): MailLogItem {
  const view = message ? viewOf(message) : undefined;
  const review = outcome === 'held' || outcome === 'quarantined';
  // The complaint keeps what became one; the log keeps enough of the rest to review it.
  const keepText = !(outcome === 'complaint-opened' || outcome === 'threaded' || outcome === 'duplicate');
  const item: MailLogItem = {
    ...arrival,
    outcome,
    ...extra,
    ...(view
      ? {
          ...(view.from ? { from: view.from, fromName: view.fromName } : {}),
          subject: view.subject,
          ...(view.messageId ? { messageId: view.messageId } : {}),
          attachments: planAttachments((message?.attachments ?? []).slice(0, 50), {
            sesMessageId: arrival.sesMessageId,
            bucket: '',
          }).map(({ meta }) => ({
            filename: meta.filename,
            contentType: meta.contentType,
            size: meta.size,
            executable: meta.executable,
          })),
          ...(keepText ? { text: review ? view.text : capText(view.text, 2000).text } : {}),
          ...(review && view.html ? { html: view.html } : {}),
        }
      : {}),
  };
  return fitMailLine(item as MailLogItem & { text?: string; html?: string });
}

/**
 * Staff turn a held, quarantined or automatic-looking message into a complaint. One release
 * wins when two people press at once; an interrupted release can be pressed again.
 */
export async function releaseMail(
  deps: IntakeDeps,
  id: string,
  staff: StaffMember,
  options: { area?: string } = {},
): Promise<{ ref: string; item: MailLogItem }> {
  const key = parseMailId(id);
  const item = key ? await getMailLog(deps.table, key.day, key.sesMessageId) : undefined;
  if (!item) throw new NotFoundError(`No message ${id}`);
  if (!mayReviewMail(staff, item.area)) {
    throw new ForbiddenError(
      `Mail to ${item.area} is reviewed by its reception, supervisor or customer service`,
    );
  }
  if (item.outcome === 'released') {
    throw new StateConflictError(`This message was already released as ${String(item.releasedRef)}`);
  }
  if (!RELEASABLE.includes(item.outcome) && item.outcome !== 'releasing') {
    throw new StateConflictError(`A message whose outcome is ${item.outcome} cannot be released`);
  }
  const area = options.area ?? item.area;
  if (!mayReviewMail(staff, area)) throw new ForbiddenError(`You cannot open complaints for ${area}`);
  const now = new Date();
  await beginRelease(deps.table, item, {
    by: staff.username,
    at: now.toISOString(),
    from: RELEASABLE,
    staleBefore: new Date(now.getTime() - STALE_RELEASE_MS).toISOString(),
  });
  const raw = await getRawMessage(item.rawMessage.bucket, item.rawMessage.key);
  const message = await parseMessage(raw).catch((error: unknown) => {
    if (error instanceof UnparseableMessageError) return bodyOnlyMessage(raw);
    throw error;
  });
  const authenticated = senderAuthenticated(item.verdicts as SenderVerdicts);
  // A reply held past its complaint's reply limits goes where it would have gone, if it can.
  const repliedTo =
    item.reason === 'reply-flood' && item.ref ? await getRecord(deps.table, item.ref) : undefined;
  if (repliedTo?.status === 'open') {
    const arrival = item as unknown as Arrival;
    const claimKey = message.messageId ?? `ses:${item.sesMessageId}`;
    await fileReply(deps, arrival, message, repliedTo, { claimKey, authenticated });
    await putAuditEventOnce(
      deps.table,
      {
        ref: repliedTo.ref,
        at: now.toISOString(),
        actor: staff.username,
        role: staff.role,
        ...(staff.name ? { actorName: staff.name } : {}),
        action: 'mail-released',
        details: { mailId: id, releasedFrom: 'held', reason: 'reply-flood' },
      },
      item.sesMessageId,
    );
    await finishRelease(deps.table, item, { ref: repliedTo.ref, at: now.toISOString() });
    return { ref: repliedTo.ref, item };
  }
  // Released where staff chose: the sender's unit only if it is there.
  const routing = routingIn(await routeMessage(deps, message, authenticated), area);
  const ref =
    typeof item.releasedRef === 'string'
      ? item.releasedRef
      : await setReleaseRef(deps.table, item, await allocateRef(deps.table, area, item.receivedAt));
  const releasedFrom = (
    typeof item.previousOutcome === 'string' ? item.previousOutcome : item.outcome
  ) as MailOutcome;
  await openFromMessage(deps, {
    arrival: item,
    message,
    ref,
    area,
    routing,
    // Received when it arrived; by the person who let it through.
    receivedBy: { by: staff.username, role: staff.role, at: item.receivedAt },
    releasedFrom,
    authenticated,
    ...(item.reason === 'virus-verdict-fail' ? { withhold: 'virus-verdict' as const } : {}),
  });
  if (message.messageId) await linkClaimToRef(deps.table, message.messageId, ref);
  await putAuditEventOnce(
    deps.table,
    {
      ref,
      at: now.toISOString(),
      actor: staff.username,
      role: staff.role,
      ...(staff.name ? { actorName: staff.name } : {}),
      action: 'mail-released',
      details: { mailId: id, releasedFrom, ...(item.reason ? { reason: item.reason } : {}) },
    },
    item.sesMessageId,
  );
  await finishRelease(deps.table, item, { ref, at: now.toISOString() });
  return { ref, item };
}
