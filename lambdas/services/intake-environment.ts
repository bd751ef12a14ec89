import { intakeSettings, requireEnv } from '#commons/environment.ts';
import type { IntakeDeps } from './intake-mail.ts';

/**
 * What email intake needs, read from the function's environment at cold start: the two
 * functions that take mail in (intake-email from SES, release-mail from staff) read it alike.
 */
export function intakeDepsFromEnvironment(): IntakeDeps {
  return {
    table: requireEnv('TABLE_NAME'),
    stateMachineArn: requireEnv('STATE_MACHINE_ARN'),
    rawMailBucket: requireEnv('RAW_MAIL_BUCKET'),
    rawMailPrefix: requireEnv('RAW_MAIL_PREFIX'),
    attachmentsBucket: requireEnv('ATTACHMENTS_BUCKET'),
    settings: intakeSettings(),
    ocrFunction: requireEnv('OCR_FUNCTION'),
  };
}
