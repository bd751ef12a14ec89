import { requireEnv } from '#commons/environment.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { readComplaintFax } from '#services/fax-reading.ts';

const DEPS = { table: requireEnv('TABLE_NAME'), attachmentsBucket: requireEnv('ATTACHMENTS_BUCKET') };

/**
 * OCR of a faxed complaint (issue 19 §1): started by intake with `{ ref }` once it has opened a
 * complaint that needs transcription (an asynchronous invocation: intake and the owner's
 * acknowledgement never wait for it), it reads the complaint's files and stores `ocr` on its
 * record (lambdas/services/fax-reading.ts). Logs carry the reference, outcome and page count
 * only: the pages' words are personal data.
 */
export const handler = withPowertools(async (event: unknown) => {
  const ref = (event as { ref?: unknown } | null)?.ref;
  if (typeof ref !== 'string' || !ref) throw new Error('Not a complaint: { ref } expected');
  const started = Date.now();
  const ocr = await readComplaintFax(DEPS, ref);
  logger.info('Fax pages read', {
    ref,
    status: ocr?.status ?? 'skipped',
    ...(ocr?.status === 'failed' ? { reason: ocr.reason } : {}),
    ...(ocr?.status === 'done' ? { pages: ocr.pages.length } : {}),
    ms: Date.now() - started,
  });
  if (ocr?.status === 'done') metrics.addMetric('FaxesRead', 'Count', 1);
  if (ocr?.status === 'failed') metrics.addMetric('FaxesUnread', 'Count', 1);
  return { status: ocr?.status ?? 'skipped' };
});
