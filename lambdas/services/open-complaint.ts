import { createHash } from 'node:crypto';
import {
  appendAuditEventOnce,
  claimSubmission,
  getSubmission,
  nextSequence,
  putNewComplaint,
} from '#adapters/complaints.ts';
import { indexComplaint } from '#adapters/search-index.ts';
import { type StartResult, startExecution } from '#adapters/workflow.ts';
import { workflowSettings } from '#commons/environment.ts';
import { areaById } from '#config/areas.ts';
import { actorOf } from '#domain/audit.ts';
import {
  type ComplaintRecord,
  flagsFor,
  formatRef,
  type NewComplaintInput,
  newComplaintRecord,
  refSequenceScope,
  type Signature,
} from '#domain/complaint.ts';
import { dueTable } from '#domain/deadlines.ts';
import { StateConflictError } from '#domain/errors.ts';
import { indexRelated } from './related-complaints.ts';
import { startFaxPagesReading } from './start-fax-reading.ts';

export interface OpenComplaintDeps {
  readonly table: string;
  readonly stateMachineArn: string;
  /**
   * The OCR function (read-fax-pages), where faxes arrive: a complaint that needs transcription
   * is recorded with `ocr` pending and the function started on it, without waiting.
   */
  readonly ocrFunction?: string;
}

/**
 * Opens a complaint: a reference number, the Form 17 record, the first audit line, and its
 * workflow — one Standard execution named by the reference, so starting it twice is harmless.
 * Used by the staff API (phone, walk-in, letter, fax) and by email intake.
 */
export async function openComplaint(
  deps: OpenComplaintDeps,
  input: NewComplaintInput,
  receivedBy: Signature,
  options: OpenComplaintOptions = {},
): Promise<ComplaintRecord> {
  const ref = options.ref ?? (await allocateRef(deps.table, input.area, receivedBy.at));
  const record: ComplaintRecord = {
    ...newComplaintRecord(ref, input, receivedBy, flagsFor(input, options)),
    ...options.extra,
  };
  const readFax = Boolean(deps.ocrFunction && record.flags.needsTranscription);
  if (readFax) record.ocr = { status: 'pending', requestedAt: receivedBy.at };
  // A given reference may already have its record: the same message or submission again.
  if (!(await putNewComplaint(deps.table, record)) && !options.ref) {
    throw new Error(`Complaint ${ref} exists already: its reference was allocated twice`);
  }
  // The first audit line and the workflow's start do not depend on each other. The line is
  // keyed by the complaint, so an attempt that stopped after the record (or whose answer was
  // lost) writes it on the retry, once.
  await Promise.all([
    // The search's terms (written again, the same items, on a retry).
    indexComplaint(deps.table, undefined, record),
    appendAuditEventOnce(
      deps.table,
      {
        ref,
        at: receivedBy.at,
        ...actorOf(receivedBy),
        action: 'complaint-received',
        details: {
          channel: input.channel,
          checklist: record.checklist,
          flags: record.flags,
          ...options.details,
        },
      },
      'complaint-received',
    ),
    // Its register unit's related complaints first (none: nothing is read), so the repeat or
    // cluster is on the record before the workflow opens a task from it (domain/related.ts).
    indexRelated(deps.table, record, workflowSettings().related, {
      // At the time of receipt, so a retried opening writes its audit lines once.
      now: new Date(receivedBy.at),
      actor: { by: receivedBy.by, role: receivedBy.role },
    })
      .then(() => startWorkflow(deps, record, new Date()))
      .then((started) => {
        // The execution is named by the reference: it exists, so the workflow runs.
        if (started === 'already-exists' && !options.ref) {
          throw new Error(`A workflow named ${ref} exists already: its reference was allocated twice`);
        }
      }),
  ]);
  // After the workflow's start: the OCR's result lands on a record whose task is coming.
  if (readFax && deps.ocrFunction) await startFaxPagesReading(deps.table, deps.ocrFunction, ref);
  return record;
}

/**
 * Opens a complaint once per submission. The client names each submission (the web app: one id
 * per draft), so a repeat — the user retrying after a 5xx, or a lost answer — gets the complaint
 * the first attempt opened (same reference, same time of receipt), and whatever that attempt did
 * not finish is finished now. The same id with other details is refused: it would silently drop
 * what changed.
 */
export async function openSubmittedComplaint(
  deps: OpenComplaintDeps,
  input: NewComplaintInput,
  receivedBy: Signature,
  submissionId: string,
  /** Record fields beside the input (a register unit picked): part of what the submission is. */
  extra?: Partial<ComplaintRecord>,
): Promise<ComplaintRecord> {
  const fingerprint = createHash('sha256')
    // The unit by its id: a unit renamed between two attempts is the same submission.
    .update(JSON.stringify(extra?.registerUnit ? [input, extra.registerUnit.id] : input))
    .digest('base64url');
  const submission =
    (await getSubmission(deps.table, receivedBy.by, submissionId)) ??
    (await claimSubmission(deps.table, {
      by: receivedBy.by,
      submissionId,
      ref: await allocateRef(deps.table, input.area, receivedBy.at),
      fingerprint,
      receivedAt: receivedBy.at,
    }));
  if (submission.fingerprint !== fingerprint) {
    throw new StateConflictError(
      `This submission was already recorded as ${submission.ref} with other details: check that complaint, or start a new one`,
    );
  }
  return openComplaint(
    deps,
    input,
    { ...receivedBy, at: submission.receivedAt },
    { ref: submission.ref, ...(extra ? { extra } : {}) },
  );
}

export interface OpenComplaintOptions {
  /** Intake could not make out the request: the workflow starts with clarification. */
  readonly unclear?: boolean;
  /** A fax whose words are only on its pages: the workflow starts with its transcription. */
  readonly needsTranscription?: boolean;
  /** More for the first audit line. */
  readonly details?: Record<string, unknown>;
  /**
   * A reference chosen beforehand (allocateRef). Opening is then idempotent: a record or
   * execution that already exists under it is taken as this complaint's, not an error.
   */
  readonly ref?: string;
  /** Further record fields (e.g. what intake keeps of the email). */
  readonly extra?: Partial<ComplaintRecord>;
}

/** The next reference number of an area for a complaint received at `receivedAt`. */
export async function allocateRef(table: string, areaId: string, receivedAt: string): Promise<string> {
  const area = areaById(areaId);
  if (!area) throw new Error(`Unknown area ${areaId}`);
  const at = new Date(receivedAt);
  const sequence = await nextSequence(table, refSequenceScope(area.code, at));
  return formatRef(area.code, at, sequence);
}

/** Starts the complaint's workflow: one execution, named by its reference. */
export async function startWorkflow(
  deps: OpenComplaintDeps,
  record: ComplaintRecord,
  now: Date,
): Promise<StartResult> {
  const input = {
    ref: record.ref,
    area: record.area,
    flags: record.flags,
    step: { due: dueTable({ now, area: record.area, settings: workflowSettings() }) },
  };
  // The execution, named by the reference, is the record that the workflow started (its
  // start date is in its history): no second write to the complaint for it.
  return startExecution(deps.stateMachineArn, record.ref, input);
}
