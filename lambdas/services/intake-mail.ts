import type { SESEventRecord } from 'aws-lambda';
import { putItems } from '#adapters/clients.ts';
import { correspondenceItem, getPartition, getRecord, putCorrespondence } from '#adapters/complaints.ts';
import {
  addOwnerReplyToTask,
  beginRelease,
  claimMessage,
  countComplaintsSince,
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
import { ForbiddenError, NotFoundError, StateConflictError } from '#domain/errors.ts';
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
  isOwnAddress,
} from '#domain/mail/intake-options.ts';
import type { ParsedMessage } from '#domain/mail/message.ts';
import { bodyOnlyMessage, parseMessage, UnparseableMessageError } from '#domain/mail/parse.ts';
import type { AttachmentMeta, IncomingEmailSummary, MailOutcome } from '#domain/mail/received-mail.ts';
import type { StaffMember } from '#domain/staff.ts';
import { allocateRef, openComplaint } from './open-complaint.ts';

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
  /** ComplaintsByOwnerContact: new complaints per sender, for the flood limit. */
  readonly ownerContactIndex: string;
  readonly settings: IntakeSettings;
}

export interface IntakeResult {
  readonly sesMessageId: string;
  readonly outcome: MailOutcome;
  readonly reason?: string;
  readonly ref?: string;
  readonly bytes: number;
}

/** The mail-log line's fields that come from SES, before the message is read. */
interface Arrival {
  readonly id: string;
  readonly sesMessageId: string;
  readonly receivedAt: string;
  readonly area: string;
  readonly recipients: readonly string[];
  readonly rawMessage: { bucket: string; key: string; bytes: number };
  readonly verdicts: Record<string, string>;
}

const INTAKE_SIGNATURE = { by: 'email-intake', role: SYSTEM_ACTOR };
const HOUR_MS = 3600_000;
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

/** The steps that wait for the owner's answer: an emailed answer is put on the task for staff. */
const OWNER_ANSWER_STEPS: readonly string[] = ['ownerPlanResponse', 'satisfactionCallback'];

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
  const hints = threadHints(message, classification, deps.settings.ownDomain);
  // A message that answers nothing and is no automatic one is almost surely a new complaint:
  // its sender's recent complaints are counted while the claim is made.
  const likelyNew = !classification.kind && !hints.subjectRef && hints.messageIds.length === 0;
  const holding = likelyNew ? holdReason(deps, arrival, message) : undefined;
  holding?.catch(() => undefined);

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
    if (thread) await fileOnComplaint(deps, arrival, message, thread.record, classification.kind, claimKey);
    return log(message, classification.kind, {
      ...(classification.reason ? { reason: classification.reason } : {}),
      ...(thread ? { ref: thread.ref } : {}),
    });
  }
  if (thread && thread.record.status === 'open') {
    await fileOnComplaint(deps, arrival, message, thread.record, 'reply', claimKey);
    await putReplyOnOwnerStep(deps, arrival, message, thread.record);
    return log(message, 'threaded', { ref: thread.ref });
  }

  if (!claimedRef) {
    const hold = await (holding ?? holdReason(deps, arrival, message));
    if (hold) return log(message, 'held', { reason: hold });
  }
  const ref =
    claimedRef ??
    (await linkClaimToRef(
      deps.table,
      claimKey,
      await allocateRef(deps.table, arrival.area, arrival.receivedAt),
    ));
  const outcome = { ref, ...(thread ? { reason: 'previous-complaint-closed' } : {}) };
  await openFromMessage(
    deps,
    {
      arrival,
      message,
      ref,
      area: arrival.area,
      receivedBy: { ...INTAKE_SIGNATURE, at: arrival.receivedAt },
      // A message about a closed complaint is a new complaint that refers to it.
      ...(thread ? { relatedRef: thread.ref } : {}),
    },
    // The mail-log line is written with the correspondence, once the complaint exists.
    [mailLogRecord(mailLogLine(arrival, message, 'complaint-opened', outcome))],
  );
  return resultOf(arrival, 'complaint-opened', outcome);
}

/** Why a new complaint should wait for staff instead of being opened and acknowledged. */
async function holdReason(
  deps: IntakeDeps,
  arrival: Arrival,
  message: ParsedMessage,
): Promise<string | undefined> {
  if (isFaxGateway(deps.settings, message.from?.address)) return undefined;
  const owner = ownerOf(message, deps.settings.intakeAddresses);
  if (!owner) return 'no-sender';
  if (isNoReplyAddress(owner.address)) return 'no-reply-sender';
  const since = new Date(Date.parse(arrival.receivedAt) - HOUR_MS).toISOString();
  const recent = await countComplaintsSince(
    deps.table,
    deps.ownerContactIndex,
    `OWNER#email:${owner.address}`,
    since,
  );
  return recent >= deps.settings.floodLimitPerHour ? 'flood' : undefined;
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

/** The message as one line of the complaint's correspondence (direction in). */
function correspondenceOf(
  arrival: Pick<Arrival, 'sesMessageId' | 'receivedAt' | 'rawMessage'>,
  view: MessageView,
  kind: string,
  attachments: readonly AttachmentMeta[],
  fromOwner: boolean,
) {
  return {
    id: `in.${arrival.sesMessageId}`,
    at: arrival.receivedAt,
    direction: 'in',
    audience: 'owner',
    kind,
    fromOwner,
    ...view,
    sesMessageId: arrival.sesMessageId,
    attachments,
    rawMessage: { bucket: arrival.rawMessage.bucket, key: arrival.rawMessage.key },
  };
}

/** Files a message on a complaint it belongs to: correspondence, audit line, threading link. */
async function fileOnComplaint(
  deps: IntakeDeps,
  arrival: Arrival,
  message: ParsedMessage,
  record: ComplaintRecord,
  kind: AutomaticKind | 'reply',
  claimKey: string,
): Promise<void> {
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
    putCorrespondence(deps.table, ref, correspondenceOf(arrival, view, kind, attachments, fromOwner)),
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
 * When the workflow waits for the owner's answer to the plan or to the satisfaction request,
 * an emailed answer goes on that task (and the timeline), where the follow-up staff answering
 * the task read it. Free text never completes the task by itself: a person records the answer.
 */
async function putReplyOnOwnerStep(
  deps: IntakeDeps,
  arrival: Arrival,
  message: ParsedMessage,
  record: ComplaintRecord,
): Promise<void> {
  if (!OWNER_ANSWER_STEPS.includes(record.currentStep)) return;
  const { tasks } = await getPartition(deps.table, record.ref);
  const waiting = tasks.filter((t) => t.status === 'open' && OWNER_ANSWER_STEPS.includes(t.step));
  const view = viewOf(message);
  const excerpt = capText(replyTextOf(view.text) || view.text, 2000).text;
  for (const task of waiting) {
    const added = await addOwnerReplyToTask(deps.table, task, {
      sesMessageId: arrival.sesMessageId,
      at: arrival.receivedAt,
      subject: view.subject,
      excerpt,
      ...(view.from ? { from: view.from } : {}),
    });
    if (!added) continue;
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
  readonly receivedBy: Signature;
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
  };
  await openComplaint(
    { table: deps.table, stateMachineArn: deps.stateMachineArn },
    made.input,
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
      },
      extra: { email, ...(attachments.length ? { mailAttachments: attachments } : {}) },
    },
  );
  // The correspondence line and what the caller files with it (the mail-log line), in one
  // request: each is keyed by the message, so a retry writes the same lines again.
  await Promise.all([
    putItems(deps.table, [
      correspondenceItem(ref, correspondenceOf(arrival, view, 'complaint', attachments, true)),
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
function mailLogLine(
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
  return item;
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
    // Received when it arrived; by the person who let it through.
    receivedBy: { by: staff.username, role: staff.role, at: item.receivedAt },
    releasedFrom,
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
      action: 'mail-released',
      details: { mailId: id, releasedFrom, ...(item.reason ? { reason: item.reason } : {}) },
    },
    item.sesMessageId,
  );
  await finishRelease(deps.table, item, { ref, at: now.toISOString() });
  return { ref, item };
}
