import * as z from 'zod';
import { intakeSettings, requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { AREAS } from '#config/areas.ts';
import { TABLE } from '#config/table.ts';
import { type IntakeDeps, releaseMail } from '#services/intake-mail.ts';

const DEPS: IntakeDeps = {
  table: requireEnv('TABLE_NAME'),
  stateMachineArn: requireEnv('STATE_MACHINE_ARN'),
  rawMailBucket: requireEnv('RAW_MAIL_BUCKET'),
  rawMailPrefix: requireEnv('RAW_MAIL_PREFIX'),
  attachmentsBucket: requireEnv('ATTACHMENTS_BUCKET'),
  ownerContactIndex: TABLE.index.complaintsByOwnerContact.name,
  settings: intakeSettings(),
};

const AREA_IDS = AREAS.map((a) => a.id) as [string, ...string[]];

const ReleaseInput = z.object({
  /** The area the complaint belongs to, when staff know better than the intake address. */
  area: z.enum(AREA_IDS, { error: `Choose one of the areas: ${AREA_IDS.join(', ')}` }).optional(),
});

/**
 * `POST /api/mail/{id}/release`: a held or quarantined message (or one taken for an automatic
 * reply) becomes a complaint as if it had arrived normally: reference, record, workflow, and
 * the owner's acknowledgement. Attachments of a message with a virus verdict stay in the raw
 * message only. 201 with the reference; 409 when it was released already or is not waiting.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const input = parseBody(event, ReleaseInput);
  const { ref, item } = await releaseMail(DEPS, event.pathParameters?.id ?? '', caller, input);
  logger.info('Mail released', { ref, sesMessageId: item.sesMessageId, from: item.outcome });
  metrics.addMetric('MailReleased', 'Count', 1);
  return json(201, { ref, links: { complaint: `/api/complaints/${ref}` } });
}, apiErrors());
