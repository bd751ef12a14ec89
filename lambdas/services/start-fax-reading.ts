import { updateRecord } from '#adapters/complaints.ts';
import { startFaxReading } from '#adapters/ocr-jobs.ts';
import { logger } from '#commons/powertools.ts';
import { recordOcrOf } from '#domain/ocr/record.ts';

// Apart from fax-reading.ts: what intake loads to start the OCR, without the OCR engine.
/**
 * Starts the OCR of a complaint just opened, without waiting for it. Intake goes on whatever
 * happens: a start Lambda refused leaves the record's `ocr` failed, and the clerk transcribes.
 */
export async function startFaxPagesReading(table: string, functionName: string, ref: string): Promise<void> {
  try {
    await startFaxReading(functionName, ref);
  } catch (error) {
    logger.error('OCR not started', { ref, error: (error as Error).name });
    await updateRecord(table, ref, {
      ocr: recordOcrOf({ status: 'failed', reason: 'engine' }, new Date().toISOString()),
    });
  }
}
