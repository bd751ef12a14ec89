import { appUrl, mailFrom, optionalEnv, workflowSettings } from '#commons/environment.ts';
import { parseRecipients } from '#domain/report/email.ts';
import { thresholdsFrom } from '#domain/report/rectification.ts';
import type { ReportConfig } from './report-run.ts';

/**
 * The report's configuration from the function's environment: the table and bucket (read at
 * cold start by the handler), the recipients (`REPORT_RECIPIENTS`), the recurrence thresholds
 * (`REPORT_THRESHOLDS`), the sender and the app's address. A wrong value fails naming it.
 */
export function reportConfig(table: string, bucket: string, recipients: string): ReportConfig {
  return {
    table,
    bucket,
    recipients: parseRecipients(recipients),
    mailFrom: mailFrom(),
    appUrl: appUrl(),
    settings: workflowSettings(),
    thresholds: thresholdsFrom(optionalEnv('REPORT_THRESHOLDS')),
  };
}
