import * as z from 'zod';
import { requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { metrics } from '#commons/powertools.ts';
import { fileComplaint } from '#services/file-complaint.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const FileRecordInput = z.object({ ref: z.string().min(1) });

/** Procedure step 9: the clerk has filed it; the record is closed. Nothing is deleted. */
export const handler = withPowertools(async (event: unknown) => {
  const { ref } = FileRecordInput.parse(event);
  const filed = await fileComplaint(TABLE_NAME, ref);
  metrics.addMetric('ComplaintsClosed', 'Count', 1);
  return filed;
});
