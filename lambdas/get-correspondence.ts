import { getRecord } from '#adapters/complaints.ts';
import { getCorrespondenceLine } from '#adapters/correspondence.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { complaintRefusal, maySeeComplaint } from '#domain/access.ts';
import { listLineOf, sortKeyOfLineKey } from '#domain/correspondence.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * `GET /api/complaints/{ref}/correspondence/{key}`: one email of the complaint's correspondence
 * with its bodies — the text, and the HTML as intake sanitised it — by the `key` of its line.
 * Staff who may see the complaint only.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const ref = event.pathParameters?.ref ?? '';
  const key = event.pathParameters?.key ?? '';
  const record = await getRecord(TABLE_NAME, ref);
  if (!record) throw new NotFoundError(`No complaint ${ref}`);
  if (!maySeeComplaint(caller, record)) throw new ForbiddenError(complaintRefusal(caller, record));
  const sortKey = sortKeyOfLineKey(key);
  const line = sortKey ? await getCorrespondenceLine(TABLE_NAME, ref, sortKey) : undefined;
  if (!line) throw new NotFoundError(`No such email on complaint ${ref}`);
  const { text, html } = line.item;
  return json(200, {
    ...listLineOf(line.item, line.sortKey),
    ...(typeof text === 'string' ? { text } : {}),
    ...(typeof html === 'string' ? { html } : {}),
  });
}, apiErrors());
