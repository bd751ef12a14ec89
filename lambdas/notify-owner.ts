import * as z from 'zod';
import { acknowledgementLimit, requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { notifyOwner } from '#services/owner-notices.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const LIMITS = { acknowledgementsPerHour: acknowledgementLimit() };

const NotifyOwnerInput = z.object({
  ref: z.string().min(1),
  area: z.string().min(1),
  kind: z.enum(['acknowledgement', 'plan', 'satisfaction-request', 'closing', 'pause', 'progress']),
});

/**
 * Emails the owner (procedure steps 2, 5, 8 and the closing note), once per complaint and
 * round, with a single-use link where the owner answers (services/owner-notices.ts).
 */
export const handler = withPowertools(async (event: unknown) => {
  const input = NotifyOwnerInput.parse(event);
  const { due, emailed, sent } = await notifyOwner(TABLE_NAME, input, new Date(), LIMITS);
  if (sent) metrics.addMetric('OwnerEmailsSent', 'Count', 1);
  logger.info('Owner notified', { ref: input.ref, kind: input.kind, emailed });
  return { due, emailed };
});
