import { appendAuditEventOnce, claimNoteNumber } from '#adapters/complaints.ts';
import type { AuditEvent } from '#domain/audit.ts';
import { actorOf } from '#domain/audit.ts';
import type { Signature } from '#domain/complaint.ts';
import { NOTE_ACTION, type NoteInput } from '#domain/corrections.ts';
import { StateConflictError } from '#domain/errors.ts';
import { NOTE_LIMITS } from '#domain/fields.ts';

/**
 * Adds an internal note to a complaint: a line of its timeline, signed, never sent to the owner
 * nor shown on the owner's pages (they show no timeline). A note is kept also on a filed
 * complaint (a call after filing is still worth noting): it adds to the record, never changes it.
 * The complaint takes NOTE_LIMITS.perComplaint notes, counted atomically on its record.
 */
export async function addNote(
  table: string,
  ref: string,
  input: NoteInput,
  actor: Signature,
): Promise<AuditEvent> {
  const number = await claimNoteNumber(table, ref, NOTE_LIMITS.perComplaint);
  if (number === undefined) {
    throw new StateConflictError(
      `Complaint ${ref} has ${NOTE_LIMITS.perComplaint} internal notes, the most it takes`,
    );
  }
  const note: AuditEvent = {
    ref,
    at: actor.at,
    ...actorOf(actor),
    action: NOTE_ACTION,
    details: { note: input.text, number },
  };
  // Keyed by its number: the place is the note's, whatever the clock says.
  await appendAuditEventOnce(table, note, `note.${number}`);
  return note;
}
