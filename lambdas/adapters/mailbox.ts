import { ImapFlow } from 'imapflow';

/**
 * The company's mailbox over IMAP (imapflow), for intake where SES does not receive mail.
 * Only what the poller needs: the messages waiting in one folder, oldest first, each read
 * whole, and a move out of that folder once the message is safely handed over.
 */
export interface MailboxConfig {
  /** `imaps://host[:993]` (TLS), or `imap://host[:143]` with STARTTLS required (plain text on loopback only). */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** The folder new mail arrives in. @default 'INBOX' */
  readonly folder?: string;
  /** Where a message goes once intake has it; created when missing. @default 'Complaints/Received' */
  readonly doneFolder?: string;
}

export interface MailboxMessage {
  readonly uid: number;
  readonly raw: Buffer;
  /** When the server received it (INTERNALDATE). */
  readonly receivedAt: Date;
}

export interface OpenMailbox {
  /** UIDs of the messages in the folder, oldest first, at most `limit`. */
  pending(limit: number): Promise<number[]>;
  /** The message, whole; undefined when it is gone (another client moved it). */
  read(uid: number): Promise<MailboxMessage | undefined>;
  /** Moves the message to the done folder, so no later poll reads it again. */
  markDone(uid: number): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_FOLDER = 'INBOX';
export const DEFAULT_DONE_FOLDER = 'Complaints/Received';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** imapflow's connection options for a mailbox URL. */
export function connectionOptions(url: string): {
  host: string;
  port: number;
  secure: boolean;
  doSTARTTLS?: boolean;
} {
  const parsed = new URL(url);
  if (parsed.protocol !== 'imaps:' && parsed.protocol !== 'imap:') {
    throw new Error(`Mailbox URL must be imaps:// or imap://, not ${parsed.protocol}`);
  }
  const secure = parsed.protocol === 'imaps:';
  const host = parsed.hostname;
  const port = parsed.port ? Number(parsed.port) : secure ? 993 : 143;
  if (secure) return { host, port, secure };
  // Credentials never cross a network in clear: STARTTLS or nothing, except on this machine.
  return LOOPBACK.has(host)
    ? { host, port, secure, doSTARTTLS: false }
    : { host, port, secure, doSTARTTLS: true };
}

export async function openMailbox(config: MailboxConfig): Promise<OpenMailbox> {
  const folder = config.folder ?? DEFAULT_FOLDER;
  const doneFolder = config.doneFolder ?? DEFAULT_DONE_FOLDER;
  const client = new ImapFlow({
    ...connectionOptions(config.url),
    auth: { user: config.username, pass: config.password },
    // Its log lines carry addresses and subjects: personal data stays out of ours.
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 20_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  await client.connect();
  // Folder names are written with `/` between levels; servers use their own delimiter
  // (dovecot's maildir `.`, Exchange and Gmail `/`).
  let done = doneFolder;
  try {
    const boxes = await client.list();
    const delimiter = boxes.find((box) => box.delimiter)?.delimiter ?? '/';
    done = doneFolder.split('/').join(delimiter);
    if (!boxes.some((box) => box.path === done)) await client.mailboxCreate(done);
  } catch (error) {
    await client.logout().catch(() => undefined);
    throw error;
  }
  const lock = await client.getMailboxLock(folder);
  return {
    async pending(limit) {
      // Flagged \Deleted by someone and not yet expunged: not ours to take in.
      const uids = (await client.search({ deleted: false }, { uid: true })) || [];
      return [...uids].sort((a, b) => a - b).slice(0, limit);
    },
    async read(uid) {
      const message = await client.fetchOne(
        String(uid),
        { uid: true, source: true, internalDate: true },
        { uid: true },
      );
      if (message === false || !message.source) return undefined;
      const receivedAt = message.internalDate ? new Date(message.internalDate) : new Date();
      return { uid, raw: message.source, receivedAt };
    },
    async markDone(uid) {
      const moved = await client.messageMove(String(uid), done, { uid: true });
      if (!moved) throw new Error(`Could not move message ${uid} to ${done}`);
    },
    async close() {
      lock.release();
      await client.logout().catch(() => client.close());
    },
  };
}
