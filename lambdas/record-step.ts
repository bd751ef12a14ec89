import { z } from 'zod';
import { appendAuditEvent } from '#adapters/records.ts';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import { requireEnv } from './commons/config.ts';
import { withPowertools } from './commons/middy.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const RecordStepInput = z.object({
  ref: z.string().min(1),
  action: z.string().min(1),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** Writes what the workflow itself did (a timeout, an escalation) to the audit trail. */
export const handler = withPowertools(async (event: unknown) => {
  const input = RecordStepInput.parse(event);
  const at = new Date().toISOString();
  await appendAuditEvent(TABLE_NAME, {
    ref: input.ref,
    at,
    actor: SYSTEM_ACTOR,
    role: SYSTEM_ACTOR,
    action: input.action,
    ...(input.details ? { details: input.details } : {}),
  });
  return { recordedAt: at };
});
