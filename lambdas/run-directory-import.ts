import { requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { runImportJob } from '#services/directory-import.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const ATTACHMENTS_BUCKET = requireEnv('ATTACHMENTS_BUCKET');

/**
 * The register import's worker: started by import-directory with `{ jobId }` (an asynchronous
 * invocation; Lambda retries a failed run twice), it runs the job
 * (lambdas/services/directory-import.ts runImportJob) and logs its outcome by id and counts.
 */
export const handler = withPowertools(async (event: unknown) => {
  const jobId = (event as { jobId?: unknown } | null)?.jobId;
  if (typeof jobId !== 'string' || !jobId) throw new Error('Not an import job: { jobId } expected');
  const started = Date.now();
  const outcome = await runImportJob({ table: TABLE_NAME, bucket: ATTACHMENTS_BUCKET }, jobId);
  logger.info('Register import run', { job: jobId, outcome, ms: Date.now() - started });
  if (outcome === 'done') metrics.addMetric('DirectoryImportsDone', 'Count', 1);
  if (outcome === 'failed') metrics.addMetric('DirectoryImportsFailed', 'Count', 1);
  return { outcome };
});
