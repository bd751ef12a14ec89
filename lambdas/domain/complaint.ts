import * as z from 'zod';
import { AREAS, areaById } from '#config/areas.ts';
import { CATEGORY_IDS, CHANNELS, type Channel, type DEPARTMENT_IDS } from '#config/catalogue.ts';
import {
  type PauseReason,
  SATISFACTION_RATINGS,
  type SatisfactionRating,
  type WithdrawalChannel,
} from '#config/procedure-names.ts';
import type { Outcome, PausableStep, StepId } from '#config/workflow.ts';
import { type Attachment, AttachmentsInput } from './attachments.ts';
import { EMAIL_PATTERN, FIELD_LIMITS, PHONE_PATTERN } from './fields.ts';
import { lazily } from './lazy.ts';
import type { AttachmentMeta, IncomingEmailSummary } from './mail/received-mail.ts';
import type { RecordOcr } from './ocr/record.ts';
import type { RelatedFlags } from './related-flags.ts';
import { groupedDigits, textString } from './text.ts';
import type { RecordedSuggestion } from './triage/model.ts';

/** Languages owners are written to in; 繁體中文 is the default. */
export const LANGUAGES = ['zh-Hant', 'zh-Hans', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** An owner's phone and email as staff type them: one rule and one message wherever they are asked. */
export const OwnerPhone = lazily(() =>
  z.string().trim().regex(PHONE_PATTERN, 'Enter a phone number of 7–20 digits, e.g. +852 2345 6789'),
);
export const OwnerEmail = lazily(() =>
  z
    .email({ pattern: EMAIL_PATTERN, error: 'Enter an email address like name@example.com' })
    .max(FIELD_LIMITS.email),
);

export const OwnerInput = lazily(() =>
  z
    .object({
      name: textString()
        .trim()
        .min(1, 'Enter the owner’s name')
        .max(FIELD_LIMITS.ownerName, `Keep the name under ${FIELD_LIMITS.ownerName} characters`),
      phone: OwnerPhone.optional(),
      email: OwnerEmail.optional(),
      language: z.enum(LANGUAGES).optional(),
    })
    .refine((owner) => owner.phone || owner.email, {
      message: 'Give a phone number or an email address so the owner can be contacted',
      path: ['phone'],
    }),
);

/** What reception records (or intake derives) when a complaint arrives. */
export const NewComplaintInput = lazily(() =>
  z.object({
    channel: z.enum(CHANNELS, `Choose one of: ${CHANNELS.join(', ')}`),
    area: z
      .string()
      .refine(
        (id) => areaById(id) !== undefined,
        `Choose one of the areas: ${AREAS.map((a) => a.id).join(', ')}`,
      ),
    owner: OwnerInput,
    content: textString()
      .trim()
      .min(1, 'Write down the complaint’s key points')
      .max(FIELD_LIMITS.content, `Keep the content under ${groupedDigits(FIELD_LIMITS.content)} characters`),
    category: z.enum(CATEGORY_IDS, `Choose one of: ${CATEGORY_IDS.join(', ')}`).optional(),
    building: textString().trim().max(FIELD_LIMITS.building).optional(),
    unit: textString().trim().max(FIELD_LIMITS.unit).optional(),
    /** The procedure's reception checklist (PROCEDURE.md §3–4). */
    checklist: z
      .object({
        keyPointsNoted: z.boolean(),
        requestClarified: z.boolean(),
        apologyGiven: z.boolean(),
        explanationGiven: z.boolean(),
      })
      .partial()
      .optional(),
    /** Scanned letters and faxes, already uploaded (POST /api/attachments). */
    attachments: AttachmentsInput.optional(),
  }),
);
export type NewComplaintInput = z.infer<typeof NewComplaintInput>;

export type AcknowledgeBy = 'email' | 'call' | 'none';

export interface WorkflowFlags {
  readonly needsClarification: boolean;
  readonly acknowledge: AcknowledgeBy;
  /** A fax whose words are only on its pages: reception transcribes it first. */
  readonly needsTranscription?: boolean;
}

export interface Signature {
  readonly by: string;
  readonly role: string;
  readonly at: string;
  /** The signer's display name when they signed (the token's `name` claim), shown before the login id. */
  readonly name?: string;
}

/** How a complaint ended early, as the record keeps it (Form 17 prints it). */
export type ComplaintEnding = Signature &
  (
    | { readonly kind: 'withdrawn'; readonly how: WithdrawalChannel; readonly reason: string }
    | { readonly kind: 'referred'; readonly to: string; readonly reason: string }
  );

/**
 * A step whose clock is paused (domain/pause.ts): why, until when (or until an event), and the
 * business minutes its deadline had left, which it gets again when it resumes.
 */
export interface StepPause extends Signature {
  readonly step: PausableStep;
  readonly reason: PauseReason;
  readonly note?: string;
  /** The resume date; absent: until an event (at most PAUSE_LIMITS.maxDays). */
  readonly until?: string;
  readonly remainingMinutes: number;
  /**
   * A department's pause longer than `pauseApprovalDays` (domain/pause.ts): `requested` while it
   * waits for the supervisor (the clock keeps `remainingMinutes`), then `approved` or `refused`.
   */
  readonly approval?: 'requested' | 'approved' | 'refused';
}

/** A pause that ended: when, and the business minutes the clock stood still. */
export interface PastPause extends StepPause {
  readonly resumedAt: string;
  readonly pausedMinutes: number;
}

/** The department's line for the owner's progress notice (domain/progress.ts). */
export interface ProgressUpdate extends Signature {
  readonly text: string;
}

/**
 * Progress notices while work is in progress (issue 17 §3): when the next is due, the notices
 * sent, the department's newest lines, and whether the supervisor turned them off.
 */
export interface ComplaintProgress {
  /** When work in progress next stops for a notice; absent: none planned. */
  readonly nextAt?: string;
  /** When the department was last asked for a line (the progress update task opened). */
  readonly requestedAt?: string;
  readonly notices: number;
  /** Newest last, at most PROGRESS_LIMITS.kept. */
  readonly updates: readonly ProgressUpdate[];
}

/** A complaint's pointer to a unit of the estate register, with the names as they were then. */
export interface RegisterUnitRef {
  /** The unit's register id, `<estate id>.<building code>.<unit key>` (domain/directory/keys.ts). */
  readonly id: string;
  readonly estateId: string;
  /** The estate's, building's and unit's names at the time (繁體), for lists and Form 17. */
  readonly estate: string;
  readonly buildingCode: string;
  readonly building: string;
  readonly unit: string;
}

export interface ComplaintRecord {
  readonly ref: string;
  readonly receivedAt: string;
  readonly channel: Channel;
  readonly area: string;
  /** The building and unit as the owner or staff wrote them (what Form 17 prints). */
  readonly building?: string;
  readonly unit?: string;
  /**
   * The estate register's unit the complaint is about, once known: matched at intake from the
   * sender's registered contact, or picked by staff (lambdas/domain/directory). Kept beside the
   * written `building`/`unit` text, which stays as the owner gave it.
   */
  readonly registerUnit?: RegisterUnitRef;
  /** Intake could not tie the sender to a registered contact: reception is to pick the unit. */
  readonly unitUnknown?: boolean;
  /**
   * With `unitUnknown`: the units the sender's contact is registered at when it is registered at
   * several (a landlord's flats, a family's shared email), for reception to pick from.
   */
  readonly unitCandidates?: readonly RegisterUnitRef[];
  /** Repeat and cluster, as found when the complaint's unit or category was last set (domain/related.ts). */
  readonly relatedFlags?: RelatedFlags;
  readonly owner: {
    name: string;
    phone?: string;
    email?: string;
    language: Language;
    /** Someone else to reach the owner by (a correction adds it: domain/corrections.ts). */
    secondContact?: SecondContact;
  };
  readonly content: string;
  readonly category?: string;
  readonly receivedBy: Signature;
  readonly checklist: NonNullable<NewComplaintInput['checklist']>;
  readonly attachments?: Attachment[];
  /** Files that came with an emailed or faxed complaint, in the attachments bucket under `mail/`. */
  readonly mailAttachments?: readonly AttachmentMeta[];
  /** The email a complaint came from (raw message in S3 under its SES message id). */
  readonly email?: IncomingEmailSummary;
  readonly flags: WorkflowFlags;
  status: 'open' | 'closed';
  currentStep: StepId | 'acknowledgement' | 'work-order' | 'closing' | 'filed' | 'received';
  outcome?: Outcome;
  clarifiedPurpose?: string;
  supervisorReview?: Signature & { opinion: string };
  rejection?: Signature & { reason: string };
  /** The step whose clock is paused now (domain/pause.ts). */
  pause?: StepPause;
  /** Pauses that ended, oldest first (Form 17, the report's time paused). */
  pauses?: readonly PastPause[];
  /** It ended before its procedure did: withdrawn by the owner, or referred (domain/ending.ts). */
  ending?: ComplaintEnding;
  /** Progress notices to the owner while work is in progress (domain/progress.ts). */
  progress?: ComplaintProgress;
  /**
   * The supervisor turned this complaint's progress notices off, and why. Apart from `progress`,
   * which the workflow rewrites, so neither write loses the other.
   */
  progressOff?: Signature & { readonly reason: string };
  /** Customer service ended it after a workflow step failed (outcome `closed-by-error`). */
  closedByError?: Signature & { reason: string; failedState?: string };
  department?: (typeof DEPARTMENT_IDS)[number];
  /** The category and department suggested from its words for the supervisor's review (domain/triage). */
  suggestion?: RecordedSuggestion;
  /** The faxed or scanned pages read by OCR for the Transcribe fax task (domain/ocr/record.ts). */
  ocr?: RecordOcr;
  workOrder?: { number: string; issuedAt: string };
  commitment?: { plannedStart: string; plannedCompletion: string } & Signature;
  actualCompletion?: string;
  satisfaction?: { rating: SatisfactionRating; comments?: string } & Signature;
  closingSignature?: Signature & { note?: string };
  filed?: Signature & { location?: string };
  objectionCount: number;
  reopenCount: number;
  escalationCount: number;
  /**
   * How many times staff corrected the record (domain/corrections.ts): the version a correction
   * names to be applied, absent (0) until the first.
   */
  version?: number;
  /**
   * The corrections applied, by id: each writes its audit lines before it changes the record, and
   * the timeline shows the lines of these only (one that lost a race changed nothing).
   */
  correctionIds?: string[];
  /** Internal notes added to the complaint (their count: each is an audit line). */
  noteCount?: number;
  /**
   * The deadline of the step the complaint waits on, as its task was opened with it (the
   * workflow times the task out at `dueAt`): lists and exports read it here instead of reading
   * each complaint's tasks. Current while `step` is `currentStep` and the complaint is open.
   */
  currentDue?: CurrentDue;
  /**
   * Set when retention erased the owners' personal data (domain/retention.ts): the owner's name
   * and the content are empty, contacts, mail and attachments gone; the rest is as it was.
   */
  readonly personalDataErased?: { readonly at: string; readonly reason: 'retention'; readonly years: number };
}

/** The open step's deadline as the record carries it (ComplaintRecord.currentDue). */
export interface CurrentDue {
  readonly step: StepId;
  readonly taskId: string;
  readonly dueAt: string;
  /** On a ladder level for a missed deadline: when the step it stands for went overdue. */
  readonly overdueSince?: string;
}

/** The current step's deadline, if the record's is still the one it waits on. */
export function currentDueOf(record: Pick<ComplaintRecord, 'status' | 'currentStep' | 'currentDue'>) {
  const due = record.currentDue;
  return record.status === 'open' && due && due.step === record.currentStep ? due : undefined;
}

/** Characters of a complaint's content that lists, exports and My tasks show as its summary. */
export const SUMMARY_CHARS = 120;

/**
 * The content as one line for lists and My tasks: its blanks and line breaks as single spaces,
 * cut (by characters as people count them, never inside a surrogate pair) with an ellipsis.
 */
export function contentSummary(content: string, maxChars = SUMMARY_CHARS): string {
  const line = content.replace(/\s+/gu, ' ').trim();
  const characters = Array.from(line);
  return characters.length <= maxChars
    ? line
    : `${characters
        .slice(0, maxChars - 1)
        .join('')
        .trimEnd()}…`;
}

/** The owner's second contact: a name, and a phone or an email to reach them by. */
export interface SecondContact {
  name?: string;
  phone?: string;
  email?: string;
}

export { SATISFACTION_RATINGS, type SatisfactionRating };

/**
 * How the workflow starts for a new complaint: clarify first when reception could not
 * clarify the request; acknowledge by email, or by a phone call when only a phone is known,
 * unless reception already apologised to the owner in person or on the phone.
 */
export function flagsFor(
  input: NewComplaintInput,
  options: { unclear?: boolean; needsTranscription?: boolean } = {},
): WorkflowFlags {
  const needsClarification = options.unclear === true || input.checklist?.requestClarified === false;
  const apologisedInPerson =
    (input.channel === 'phone' || input.channel === 'walk-in') && input.checklist?.apologyGiven === true;
  const acknowledge: AcknowledgeBy = apologisedInPerson ? 'none' : input.owner.email ? 'email' : 'call';
  return {
    needsClarification,
    acknowledge,
    ...(options.needsTranscription ? { needsTranscription: true } : {}),
  };
}

/** `KE-2611-0042`: the area's code, the year and month received (Hong Kong time), a sequence. */
export function formatRef(areaCode: string, receivedAt: Date, sequence: number): string {
  const local = new Date(receivedAt.getTime() + 8 * 3600_000);
  const yymm = `${String(local.getUTCFullYear()).slice(2)}${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
  return `${areaCode}-${yymm}-${String(sequence).padStart(4, '0')}`;
}

export function refSequenceScope(areaCode: string, receivedAt: Date): string {
  return formatRef(areaCode, receivedAt, 0).slice(0, -5);
}

export function newComplaintRecord(
  ref: string,
  input: NewComplaintInput,
  receivedBy: Signature,
  flags: WorkflowFlags,
): ComplaintRecord {
  return {
    ref,
    receivedAt: receivedBy.at,
    channel: input.channel,
    area: input.area,
    ...(input.building ? { building: input.building } : {}),
    ...(input.unit ? { unit: input.unit } : {}),
    owner: {
      name: input.owner.name,
      ...(input.owner.phone ? { phone: input.owner.phone } : {}),
      ...(input.owner.email ? { email: input.owner.email.toLowerCase() } : {}),
      language: input.owner.language ?? 'zh-Hant',
    },
    content: input.content,
    ...(input.category ? { category: input.category } : {}),
    receivedBy,
    checklist: input.checklist ?? {},
    ...(input.attachments?.length ? { attachments: input.attachments } : {}),
    flags,
    status: 'open',
    currentStep: 'received',
    objectionCount: 0,
    reopenCount: 0,
    escalationCount: 0,
  };
}

/** Field-level messages for a failed validation, as the API returns them. */
export function fieldErrors(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : 'body',
    message: issue.message,
  }));
}
