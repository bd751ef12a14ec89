import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import { buildMime, type OutgoingMail } from '#domain/mime.ts';
import { ses } from './clients.ts';

/** Sends a raw MIME message through SES (raw, so our own headers such as Auto-Submitted go out). */
export async function sendMail(mail: OutgoingMail): Promise<string> {
  const result = await ses().send(
    new SendRawEmailCommand({ RawMessage: { Data: Buffer.from(buildMime(mail), 'utf8') } }),
  );
  return result.MessageId ?? '';
}
