import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import { optionalEnv } from '#commons/environment.ts';
import { buildMime, type OutgoingMail } from '#domain/mime.ts';
import { ses } from './clients.ts';

/**
 * Sends a raw MIME message (raw, so our own headers such as Auto-Submitted go out): through
 * SES, or, where SES does not send (AWS China), through the company's SMTP relay when
 * MAIL_RELAY_URL is set (its credentials in the secret MAIL_RELAY_SECRET names).
 */
export async function sendMail(mail: OutgoingMail): Promise<string> {
  const raw = Buffer.from(buildMime(mail), 'utf8');
  const relayUrl = optionalEnv('MAIL_RELAY_URL');
  if (relayUrl) return sendThroughCompanyRelay(relayUrl, mail, raw);
  const result = await ses().send(new SendRawEmailCommand({ RawMessage: { Data: raw } }));
  return result.MessageId ?? '';
}

/** Loaded on first use only: the SES deployments never evaluate the SMTP client. */
async function sendThroughCompanyRelay(url: string, mail: OutgoingMail, raw: Buffer): Promise<string> {
  const [{ sendThroughRelay }, { credentials }] = await Promise.all([
    import('./smtp-relay.ts'),
    import('./secrets.ts'),
  ]);
  const secretArn = optionalEnv('MAIL_RELAY_SECRET');
  // A relay that accepts this network's functions without a login has no secret.
  const login = secretArn ? await credentials(secretArn) : {};
  return sendThroughRelay({ url, ...login }, { from: mail.from, to: mail.to }, raw);
}
