import type SMTPConnection from 'nodemailer/lib/smtp-connection';

/**
 * Sending through the company's own SMTP relay (nodemailer's SMTP connection), where SES does
 * not send (AWS China). The message is the raw MIME the SES path sends, unchanged; one
 * connection per message, as a function sends a few at a time. nodemailer is loaded by the first
 * message sent this way, not at init: a function deployed with SES never loads it.
 */
export interface RelayConfig {
  /** `smtps://host[:465]` (TLS) or `smtp://host[:587]` (STARTTLS required; plain text on loopback only). */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** nodemailer's connection options for a relay URL. */
export function relayConnection(url: string) {
  const parsed = new URL(url);
  if (parsed.protocol !== 'smtps:' && parsed.protocol !== 'smtp:') {
    throw new Error(`Relay URL must be smtps:// or smtp://, not ${parsed.protocol}`);
  }
  const secure = parsed.protocol === 'smtps:';
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    // Credentials and owners' mail never cross a network in clear.
    requireTLS: !secure && !LOOPBACK.has(parsed.hostname),
    ignoreTLS: !secure && LOOPBACK.has(parsed.hostname),
    connectionTimeout: 20_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  };
}

/** The bare address of a From such as `"物業客服" <complaints@example.com>`. */
export function envelopeAddress(from: string): string {
  return /<([^<>\s]+@[^<>\s]+)>/.exec(from)?.[1] ?? from.trim();
}

/** Sends one raw message; resolves with the relay's queue id (its answer to DATA). */
export async function sendThroughRelay(
  config: RelayConfig,
  envelope: { from: string; to: readonly string[] },
  raw: Buffer,
): Promise<string> {
  const { default: Connection } = await import('nodemailer/lib/smtp-connection');
  const connection = new Connection(relayConnection(config.url));
  const failed = new Promise<never>((_resolve, reject) => connection.once('error', reject));
  failed.catch(() => undefined);
  try {
    await Promise.race([new Promise<void>((resolve) => connection.connect(() => resolve())), failed]);
    if (config.username && config.password) {
      const { username: user, password: pass } = config;
      await Promise.race([
        new Promise<void>((resolve, reject) =>
          connection.login({ user, pass }, (error) => (error ? reject(error) : resolve())),
        ),
        failed,
      ]);
    }
    const info = await Promise.race([
      new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) =>
        connection.send(
          { from: envelopeAddress(envelope.from), to: envelope.to.map(envelopeAddress) },
          raw,
          (error, sent) => (error ? reject(error) : resolve(sent)),
        ),
      ),
      failed,
    ]);
    return /\b(?:queued as|id=)\s*([^\s]+)/i.exec(info.response ?? '')?.[1] ?? '';
  } finally {
    connection.quit();
  }
}
