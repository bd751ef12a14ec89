import * as z from 'zod';
import { requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { metrics } from '#commons/powertools.ts';
import { issueWorkOrder } from '#services/work-orders.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const WorkOrderInput = z.object({ ref: z.string().min(1), area: z.string().min(1) });

/**
 * Procedure step 4: a numbered work order (通知單) to the department the supervisor named,
 * by email to the department's address; the department's commitment task follows. A reopened
 * complaint gets a new number (`WO-<ref>-2`, ...).
 */
export const handler = withPowertools(async (event: unknown) => {
  const { ref } = WorkOrderInput.parse(event);
  const { due, workOrder, sent } = await issueWorkOrder(TABLE_NAME, ref);
  if (sent) metrics.addMetric('WorkOrdersIssued', 'Count', 1);
  return { due, workOrder };
});
