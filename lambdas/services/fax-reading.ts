import { getRecord, updateRecord } from '#adapters/complaints.ts';
import { getFileBytes } from '#adapters/ocr-jobs.ts';
import { logger } from '#commons/powertools.ts';
import { type RecordOcr, recordOcrOf } from '#domain/ocr/record.ts';
import { readFax } from './read-fax.ts';

export interface FaxReadingDeps {
  readonly table: string;
  readonly attachmentsBucket: string;
}

/**
 * Reads a complaint's faxed or scanned files (the record's `mailAttachments`, then
 * `attachments`, in order) and stores what was read as its `ocr`: done with the pages and the
 * suggested fields, or failed with the reason. The Transcribe fax task is the workflow's either
 * way: this only gives its clerk a start. Undefined when there is nothing to read (no such
 * complaint, or it no longer waits on OCR: a retried event after the result was stored).
 */
export async function readComplaintFax(
  deps: FaxReadingDeps,
  ref: string,
  now: () => Date = () => new Date(),
): Promise<RecordOcr | undefined> {
  const record = await getRecord(deps.table, ref, { consistent: true });
  if (record?.ocr?.status !== 'pending') return undefined;
  const keys = [
    ...(record.mailAttachments ?? []).flatMap((file) => (file.key && !file.executable ? [file.key] : [])),
    ...(record.attachments ?? []).map((file) => file.key),
  ];
  const files = await Promise.all(keys.map((key) => getFileBytes(deps.attachmentsBucket, key)));
  const result = files.length
    ? await readFax(files).catch((error: unknown) => {
        // Whatever else stopped the engine: the clerk transcribes as before.
        logger.error('OCR failed', { ref, error: (error as Error).name });
        return { status: 'failed', reason: 'engine' } as const;
      })
    : ({ status: 'failed', reason: 'noText' } as const);
  const ocr = recordOcrOf(result, now().toISOString());
  await updateRecord(deps.table, ref, { ocr });
  return ocr;
}
