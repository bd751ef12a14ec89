import { getRecord } from '#adapters/complaints.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { mayAddNote } from '#domain/access.ts';
import { NoteInput } from '#domain/corrections.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import { signatureOf } from '#domain/staff.ts';
import { addNote } from '#services/internal-notes.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `POST /api/complaints/{ref}/notes`: an internal note on the complaint's timeline, signed by
 * the caller; never sent to the owner (services/internal-notes.ts).
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const ref = event.pathParameters?.ref ?? '';
  const record = await getRecord(TABLE_NAME, ref);
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!mayAddNote(caller, record)) throw new ForbiddenError(`Complaint ${ref} belongs to another area`);
  const input = parseBody(event, NoteInput);
  const note = await addNote(TABLE_NAME, ref, input, signatureOf(caller));
  // The note's words stay out of the log: they may name the owner.
  logger.info('Internal note added', { ref, number: note.details?.number });
  metrics.addMetric('InternalNotesAdded', 'Count', 1);
  const { at, actor, actorName, role, action, details } = note;
  return json(201, { at, actor, ...(actorName ? { actorName } : {}), role, action, details });
}, apiErrors());
