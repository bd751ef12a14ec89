import type { WithdrawalChannel } from '#config/procedure-names.ts';
/** The complaint as `GET /api/complaints/{ref}` returns it (docs/openapi.json `Complaint`). */
export interface Signature {
  readonly by: string;
  readonly role: string;
  readonly at: string;
  /** The signer's display name then. */
  readonly name?: string;
}

export interface OpenTask {
  readonly id: string;
  readonly step: string;
  readonly role: string;
  readonly area: string;
  /** A department step's department: only its people answer it. */
  readonly department?: string;
  readonly dueAt: string;
  readonly createdAt?: string;
  readonly overdue: boolean;
  readonly late?: { step: string; level: string };
  /** On a *Resolve workflow error* task: the state that failed after its retries, and why. */
  readonly failure?: { state: string; step?: string; error?: { Error?: string; Cause?: string } };
  /** The owner's newest emails while the step waits for their answer (from the correspondence). */
  readonly ownerReplies?: OwnerReply[];
  readonly ownerRepliesMore?: boolean;
  /** A step that is a phone call to the owner: its calls so far (the call log). */
  readonly call?: { readonly unreachedAfter: number; readonly attempts: CallAttempt[] };
  /** The step's clock is paused: why, and until when (or until an event, the note says which). */
  readonly paused?: { readonly reason: string; readonly until?: string; readonly note?: string };
}

/** One call to the owner on a task (docs/openapi.json `CallAttempt`). */
export interface CallAttempt {
  readonly taskId: string;
  readonly step: string;
  readonly attempt: number;
  readonly calledAt: string;
  readonly number: string;
  readonly result: 'reached' | 'no-answer' | 'wrong-number';
  readonly notes?: string;
  readonly by: string;
  readonly byName?: string;
  readonly role: string;
  readonly loggedAt: string;
}

/** An owner's email shown on the task waiting for their answer (docs/openapi.json `Task`). */
export interface OwnerReply {
  readonly id?: string;
  readonly key?: string;
  readonly at: string;
  readonly subject: string;
  readonly excerpt: string;
  readonly from?: string;
}

export interface TimelineEvent {
  readonly at: string;
  readonly actor: string;
  /** The staff member's display name then. */
  readonly actorName?: string;
  readonly role: string;
  readonly action: string;
  readonly details?: Record<string, unknown>;
}

/** An attachment of received mail as intake lists it (docs/openapi.json `MailAttachment`). */
export interface MailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly inline?: boolean;
  /** An executable or macro document: kept as evidence, never offered for download. */
  readonly executable: boolean;
  readonly key?: string;
  /** Why intake did not store it (it is only in the raw message). */
  readonly notStored?: string;
}

/**
 * One email in or out on the complaint (docs/openapi.json `Correspondence`): a line of the list
 * has no bodies; `GET …/correspondence/{key}` answers it with `text` (and `html`).
 */
export interface Mail {
  readonly id: string;
  readonly key: string;
  readonly preview?: string;
  readonly text?: string;
  readonly htmlOmitted?: string;
  readonly at: string;
  readonly direction?: 'in' | 'out';
  readonly kind?: string;
  readonly audience?: string;
  readonly to?: string[];
  readonly from?: string;
  readonly fromName?: string;
  readonly subject?: string;
  /** Received mail: the SES message id, which with the day of `at` makes the mail-log id. */
  readonly sesMessageId?: string;
  readonly attachments?: MailAttachment[];
  /** Received mail whose sender SES's checks did not verify (absent when verified). */
  readonly verified?: false;
  /** An email staff wrote to the owner (`kind: staff-message`): who wrote it. */
  readonly sentBy?: { readonly by: string; readonly role: string; readonly name?: string };
  /** Sent: the Message-ID of the owner's email it answers. */
  readonly inReplyTo?: string;
}

/** A complaint's unit of the estate register (its names in 繁體, as when it was set). */
export interface RegisterUnitRef {
  readonly id: string;
  readonly estateId: string;
  readonly estate: string;
  readonly buildingCode: string;
  readonly building: string;
  readonly unit: string;
}

export interface Complaint {
  readonly ref: string;
  /** A step's pause; `approval: 'requested'` while it waits for the supervisor (Approve pause). */
  readonly pause?: {
    readonly reason: string;
    readonly until?: string;
    readonly note?: string;
    readonly approval?: string;
  };
  readonly receivedAt: string;
  readonly channel: string;
  readonly area: string;
  readonly building?: string;
  readonly unit?: string;
  readonly owner: {
    name: string;
    phone?: string;
    email?: string;
    language: string;
    secondContact?: { name?: string; phone?: string; email?: string };
  };
  readonly content: string;
  readonly category?: string;
  /** The category and department suggested for the supervisor's review (issue 19 §3). */
  readonly suggestion?: {
    readonly category: string;
    readonly department: string;
    readonly confidence: number;
    readonly departmentConfidence: number;
    readonly modelTrainedAt?: string;
    readonly outcome?: { readonly category: string; readonly department: string };
  };
  /** What OCR read off a faxed complaint's pages, for the Transcribe fax task (issue 19 §2). */
  readonly ocr?: {
    readonly status: 'pending' | 'done' | 'failed';
    readonly pages?: readonly { readonly text: string; readonly confidence: number }[];
    readonly suggestion?: Partial<
      Record<
        'ownerName' | 'phone' | 'building' | 'unit' | 'content',
        { readonly value: string; readonly confidence: number }
      >
    >;
    readonly reason?: string;
    readonly message?: string;
  };
  readonly receivedBy: Signature;
  /** Retention erased the owner's personal data (lambdas/domain/retention.ts). */
  readonly personalDataErased?: { readonly at: string; readonly reason: string; readonly years: number };
  readonly checklist: Record<string, boolean | undefined>;
  readonly attachments?: { key: string; name: string; contentType: string; size: number }[];
  readonly status: 'open' | 'closed';
  /** Ended early: withdrawn by the owner, or referred elsewhere (lambdas/domain/ending.ts). */
  readonly ending?: Signature &
    (
      | { readonly kind: 'withdrawn'; readonly how: WithdrawalChannel; readonly reason: string }
      | { readonly kind: 'referred'; readonly to: string; readonly reason: string }
    );
  readonly currentStep: string;
  /** Progress notices while work is in progress (lambdas/domain/progress.ts). */
  readonly progress?: {
    readonly nextAt?: string;
    readonly notices: number;
    readonly updates: readonly (Signature & { readonly text: string })[];
  };
  readonly progressOff?: Signature & { readonly reason: string };
  readonly outcome?: string;
  readonly clarifiedPurpose?: string;
  readonly supervisorReview?: Signature & { opinion: string };
  readonly rejection?: Signature & { reason: string };
  /** Customer service closed it after a workflow step failed (outcome `closed-by-error`). */
  readonly closedByError?: Signature & { reason: string; failedState?: string };
  readonly department?: string;
  readonly workOrder?: { number: string; issuedAt: string };
  readonly commitment?: Signature & { plannedStart: string; plannedCompletion: string };
  readonly actualCompletion?: string;
  readonly satisfaction?: Signature & { rating: string; comments?: string };
  readonly closingSignature?: Signature & { note?: string };
  readonly filed?: Signature & { location?: string };
  readonly objectionCount: number;
  readonly reopenCount: number;
  readonly escalationCount: number;
  /** How many times the record was corrected: what a correction names (0 before the first). */
  readonly version?: number;
  readonly tasks: OpenTask[];
  /** Repeat and cluster as found when its unit or category was set (issue 16 §4). */
  readonly relatedFlags?: RelatedFlags;
  /** The estate register's unit, once intake matched the sender or staff picked it. */
  readonly registerUnit?: RegisterUnitRef;
  /** Intake could not tie the sender to one registered unit: reception picks it. */
  readonly unitUnknown?: boolean;
  readonly unitCandidates?: readonly RegisterUnitRef[];
  /** With no register unit: the units of its area its text names, and intake's candidates. */
  readonly unitSuggestions?: readonly (RegisterUnitRef & { source: 'text' | 'contact'; text?: string })[];
  /** A register unit's related complaints (GET /api/complaints/{ref}). */
  readonly related?: {
    readonly unitHistory: RelatedLine[];
    readonly openInBuilding: RelatedLine[];
    readonly openInEstate: RelatedLine[];
    readonly flags?: RelatedFlags;
    readonly thresholds: {
      repeatDays: number;
      clusterUnits: number;
      clusterDays: number;
      historyDays: number;
    };
    readonly truncated?: boolean;
  };
  readonly timeline: TimelineEvent[];
  /** Older timeline lines about received email left out (they are on the correspondence). */
  readonly timelineMailOmitted?: number;
  /** The newest page of the correspondence, newest first. */
  readonly correspondence: Mail[];
  /** The cursor for older lines: `GET …/correspondence?before=`. */
  readonly correspondenceNext?: string;
}

export interface RelatedFlags {
  readonly repeatOf?: string[];
  readonly cluster?: { units: number; refs: string[]; since: string };
  readonly thresholds: { repeatDays: number; clusterUnits: number; clusterDays: number };
  readonly checkedAt: string;
}

export interface RelatedLine {
  readonly ref: string;
  readonly receivedAt: string;
  readonly category?: string;
  readonly status: 'open' | 'closed';
  readonly building: string;
  readonly unit: string;
  readonly unitId: string;
}
