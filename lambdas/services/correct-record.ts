import { randomUUID } from 'node:crypto';
import { putItems } from '#adapters/clients.ts';
import { auditEventItem, getRecord, writeCorrection } from '#adapters/complaints.ts';
import { indexComplaint } from '#adapters/search-index.ts';
import { workflowSettings } from '#commons/environment.ts';
import { logger } from '#commons/powertools.ts';
import type { ComplaintRecord, Signature } from '#domain/complaint.ts';
import {
  CHANGED_MEANWHILE,
  type CorrectionInput,
  correctionEvents,
  correctionStateProblem,
  type FieldChange,
  planCorrection,
} from '#domain/corrections.ts';
import { StateConflictError } from '#domain/errors.ts';
import { indexRelated } from './related-complaints.ts';
import { registerUnitIn } from './unit-routing.ts';

export interface CorrectedRecord {
  readonly ref: string;
  /** The record's version after the correction: what the next one names. */
  readonly version: number;
  readonly changes: readonly FieldChange[];
}

/**
 * Corrects fields of a complaint's record (owner, contacts, second contact, building, unit,
 * category, content, the register unit) with a reason: the one place staff change those fields after intake, so
 * whatever must follow a change of them (a search index of owners and content) is called here,
 * after the write. Who may correct which field is the caller's business (access.ts
 * correctionRefusal).
 *
 * The audit lines go first, one per changed field with its old and new value, then the record,
 * in one write conditional on nobody having changed it meanwhile (adapters writeCorrection):
 * whatever happens between the two, no value is overwritten without its line. A correction that
 * loses leaves lines the timeline does not show (its id is not among the record's applied ones).
 * DynamoDB Local (dynalite) has no transactions, so the two cannot be one write.
 */
export async function correctRecord(
  table: string,
  record: ComplaintRecord,
  input: CorrectionInput,
  actor: Signature,
): Promise<CorrectedRecord> {
  // A unit is named by its id: the register says what it is, and that it is in the complaint's area.
  const unitId = input.changes.registerUnit;
  const registerUnit = unitId ? await registerUnitIn(table, unitId, record.area) : undefined;
  const plan = planCorrection(record, input, registerUnit ? { registerUnit } : {});
  const id = randomUUID();
  const events = correctionEvents(record.ref, plan, { id, reason: input.reason }, actor);
  await putItems(
    table,
    // Numbered in the form's order, so the timeline lists the fields as the form does.
    events.map((event, i) =>
      auditEventItem(event, `correction.${id}.${String(i).padStart(2, '0')}.${String(event.details?.field)}`),
    ),
  );
  if (!(await writeCorrection(table, record, plan, id))) {
    // Lost to another change: say which, from the record as it is now.
    const now = await getRecord(table, record.ref, { consistent: true });
    throw new StateConflictError((now && correctionStateProblem(now)) ?? CHANGED_MEANWHILE);
  }
  // The complaint search's terms follow the fields (old ones stop matching): from the record as
  // written, so a change made meanwhile by another write is indexed too.
  const corrected = await getRecord(table, record.ref, { consistent: true });
  if (corrected) await indexComplaint(table, record, corrected);
  // The related-complaint pointers and flags follow the unit and category (domain/related.ts).
  if (
    corrected &&
    (corrected.category !== record.category || corrected.registerUnit?.id !== record.registerUnit?.id)
  ) {
    // The correction stands whatever happens here: a failure is logged, not answered as one.
    await indexRelated(table, corrected, workflowSettings().related, {
      ...(record.registerUnit ? { previousUnit: record.registerUnit } : {}),
      actor: { by: actor.by, role: actor.role },
    }).catch((error: unknown) =>
      logger.error('Related complaints not indexed after the correction', {
        ref: record.ref,
        error: (error as Error).name,
      }),
    );
  }
  return { ref: record.ref, version: plan.version, changes: plan.changes };
}
