import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { SESEvent } from 'aws-lambda';

/**
 * The SMTP intake's journal: the events of messages accepted (250) and not yet taken in by the
 * intake handler, so a crash of the local stack at any moment loses nothing it accepted.
 *
 * The stack's own entries go into one append-only file, `accepted.jsonl`: a line when a message
 * is accepted, a line when it was taken in (or dead-lettered). Appending to an open file is one
 * cheap system call on the event loop; a file per message cost a create, a rename and a delete,
 * each a hand-off to the thread pool and each slow on this kind of disk, for every email.
 *
 * Event files (`<SES message id>.json`) put into the directory by hand are read as well: that is
 * how a dead letter is redriven, or a raw message replayed (local/cli/replay-mail.ts). Each is
 * deleted once taken in.
 */
export class SmtpJournal {
  private readonly dir: string;
  private readonly log: string;
  private fd: number;
  private closed = false;
  /** The log's size, kept here rather than asked of the disk at every message. */
  private bytes = 0;
  /** Messages read from hand-placed event files: their file goes once they are taken in. */
  private readonly fromFiles = new Set<string>();
  /** Accepted, not yet taken in, from the log (hand-placed files are read from the directory). */
  private readonly pending = new Map<string, SESEvent>();

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    this.log = join(dir, LOG_FILE);
    for (const entry of readLog(this.log)) this.pending.set(entry.messageId, entry.event);
    // What was taken in is dropped, so the file holds only what a restart must deliver.
    this.fd = this.rewrite();
  }

  /** Journals an accepted message's event: call before the 250, which promises it is kept. */
  accepted(messageId: string, event: SESEvent): void {
    this.pending.set(messageId, event);
    this.append({ accepted: messageId, event });
  }

  /**
   * The message was taken in (or dead-lettered): a restart does not deliver it again. After
   * close (a delivery that ended as the stack stopped) it is left pending: the next start
   * delivers it again, which intake recognises by its SES message id.
   */
  done(messageId: string): void {
    if (this.closed) return;
    if (this.pending.delete(messageId)) {
      this.append({ done: messageId });
      if (this.bytes > COMPACT_AT_BYTES) {
        closeSync(this.fd);
        this.fd = this.rewrite();
      }
    }
    if (this.fromFiles.delete(messageId)) rmSync(join(this.dir, `${messageId}.json`), { force: true });
  }

  /** Everything to deliver: the log's pending entries and the event files put here by hand. */
  entries(wanted: (messageId: string) => boolean): JournalEntry[] {
    const entries: JournalEntry[] = [];
    for (const [messageId, event] of this.pending) if (wanted(messageId)) entries.push({ messageId, event });
    for (const entry of readEventFiles(this.dir)) {
      this.fromFiles.add(entry.messageId);
      if (!this.pending.has(entry.messageId) && wanted(entry.messageId)) entries.push(entry);
    }
    return entries;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private append(line: LogLine): void {
    if (this.closed) throw new Error('The SMTP journal is closed: the local stack is stopping');
    this.bytes += writeSync(this.fd, `${JSON.stringify(line)}\n`);
  }

  /** Writes the pending entries to a new log, renamed into place (a kill mid-way leaves the old). */
  private rewrite(): number {
    const lines = [...this.pending].map(
      ([messageId, event]) => `${JSON.stringify({ accepted: messageId, event })}\n`,
    );
    const text = lines.join('');
    writeFileSync(`${this.log}.tmp`, text);
    this.bytes = Buffer.byteLength(text);
    renameSync(`${this.log}.tmp`, this.log);
    return openSync(this.log, 'a');
  }
}

export interface JournalEntry {
  readonly messageId: string;
  readonly event: SESEvent;
}

/**
 * How many accepted messages a journal directory holds that were not taken in yet, read from its
 * files (for tests and tools watching a stack from outside).
 */
export function journalBacklog(dir: string): number {
  if (!existsSync(dir)) return 0;
  const pending = new Set(readLog(join(dir, LOG_FILE)).map((entry) => entry.messageId));
  for (const entry of readEventFiles(dir)) pending.add(entry.messageId);
  return pending.size;
}

const LOG_FILE = 'accepted.jsonl';
/** About 8,000 messages' lines: then the log is rewritten with the pending ones only. */
const COMPACT_AT_BYTES = 16 * 1024 * 1024;

type LogLine = { accepted: string; event: SESEvent } | { done: string };

/** The log's accepted entries not followed by their `done` line, in order of acceptance. */
function readLog(file: string): JournalEntry[] {
  if (!existsSync(file)) return [];
  const pending = new Map<string, SESEvent>();
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (!text) continue;
    let line: Partial<{ accepted: string; event: SESEvent; done: string }>;
    try {
      line = JSON.parse(text);
    } catch {
      continue; // The last line of a log the kill cut short: its 250 was never sent.
    }
    if (line.accepted && line.event) pending.set(line.accepted, line.event);
    else if (line.done) pending.delete(line.done);
  }
  return [...pending].map(([messageId, event]) => ({ messageId, event }));
}

/** Event files put into the directory by hand (a dead-letter file has the same shape). */
function readEventFiles(dir: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.json')) continue;
    try {
      const { event } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { event?: SESEvent };
      const messageId = event?.Records?.[0]?.ses?.mail?.messageId;
      if (event && messageId) entries.push({ messageId, event });
    } catch {
      // Not an event: left alone.
    }
  }
  return entries;
}
