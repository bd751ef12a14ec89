/** The complaint as `GET /api/complaints/{ref}` returns it (docs/openapi.json `Complaint`). */
export interface Signature {
  readonly by: string;
  readonly role: string;
  readonly at: string;
}

export interface OpenTask {
  readonly id: string;
  readonly step: string;
  readonly role: string;
  readonly area: string;
  readonly dueAt: string;
  readonly overdue: boolean;
  readonly late?: { step: string; level: string };
  /** The owner's newest emails while the step waits for their answer (from the correspondence). */
  readonly ownerReplies?: OwnerReply[];
  readonly ownerRepliesMore?: boolean;
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
}

export interface Complaint {
  readonly ref: string;
  readonly receivedAt: string;
  readonly channel: string;
  readonly area: string;
  readonly building?: string;
  readonly unit?: string;
  readonly owner: { name: string; phone?: string; email?: string; language: string };
  readonly content: string;
  readonly category?: string;
  readonly receivedBy: Signature;
  readonly checklist: Record<string, boolean | undefined>;
  readonly attachments?: { key: string; name: string; contentType: string; size: number }[];
  readonly status: 'open' | 'closed';
  readonly currentStep: string;
  readonly outcome?: string;
  readonly clarifiedPurpose?: string;
  readonly supervisorReview?: Signature & { opinion: string };
  readonly rejection?: Signature & { reason: string };
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
  readonly tasks: OpenTask[];
  readonly timeline: TimelineEvent[];
  /** Older timeline lines about received email left out (they are on the correspondence). */
  readonly timelineMailOmitted?: number;
  /** The newest page of the correspondence, newest first. */
  readonly correspondence: Mail[];
  /** The cursor for older lines: `GET …/correspondence?before=`. */
  readonly correspondenceNext?: string;
}
