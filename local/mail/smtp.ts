import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SESEvent } from 'aws-lambda';
import libmime from 'libmime';
import { SMTPServer } from 'smtp-server';
import { closeServer, listenOnLoopback } from '../runtime/listen.ts';
import { SmtpJournal } from './smtp-journal.ts';

/** SES accepts messages up to 40 MB; so does the local intake. */
const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;
/**
 * Lambda retries a failed event invocation twice, about one and then two minutes later, before
 * the event goes to the dead-letter queue. Locally the waits are seconds (with jitter, as
 * Lambda's), so a burst of failures settles while a person or a test watches.
 */
const RETRY_DELAYS_MS = [1_000, 2_000];
/** How often the journal is looked at for events put there by hand (a local redrive). */
const JOURNAL_POLL_MS = 2_000;
/** Events replayed from the journal at once after a restart, so a backlog does not swamp intake. */
const REPLAY_CONCURRENCY = 16;

export interface LocalSmtpOptions {
  readonly port: number;
  readonly intakeAddresses: readonly string[];
  readonly rawMailBucket: string;
  readonly rawMailPrefix: string;
  readonly s3: S3Client;
  /** Directory for events whose handler failed after its retries (the local dead-letter queue). */
  readonly deadLetterDir: string;
  /**
   * Directory of accepted messages' events not yet taken in by the intake handler
   * (smtp-journal.ts): journalled before the SMTP client hears 250, marked done once the
   * handler succeeded (or the event was dead-lettered), replayed at start. An event file put
   * here by hand is delivered within seconds: that is how dead letters are redriven locally.
   * @default `smtp-journal` beside the dead-letter directory
   */
  readonly journalDir?: string;
  /** Waits before Lambda's two retries of a failed event invocation. @default [1000, 2000] */
  readonly retryDelaysMs?: readonly number[];
  readonly invokeIntake: (event: SESEvent) => Promise<unknown>;
  readonly intakeFunctionArn: string;
  readonly log: (line: string) => void;
}

export interface LocalSmtp {
  readonly port: number;
  /** Resolves when every accepted message has been handed to the intake handler. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * SES receiving, locally: an SMTP server for the intake addresses that does what the receipt
 * rule does on AWS — stores the raw message in S3, then invokes the intake handler with the
 * SES event (verdicts PASS, unless an `X-Local-Verdict` header asks for another) as an event
 * invocation, with Lambda's retries and a dead-letter directory, so a message that keeps
 * failing is kept and visible. A message is accepted (250) only once it is in S3 and its event
 * in the journal, so a crash of the local stack at any moment loses nothing it accepted: the
 * next start delivers what the journal still holds.
 */
export async function startSmtp(options: LocalSmtpOptions): Promise<LocalSmtp> {
  const accepted = new Set(options.intakeAddresses.map((a) => a.toLowerCase()));
  const journalDir = options.journalDir ?? join(dirname(options.deadLetterDir), 'smtp-journal');
  const journal = new SmtpJournal(journalDir);
  const inFlight = new Map<string, Promise<void>>();
  const retryDelaysMs = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  let stopping = false;
  const abort = new AbortController();

  const start = (messageId: string, event: SESEvent) => {
    if (inFlight.has(messageId)) return;
    const delivery = deliver({ ...options, journal, retryDelaysMs }, event, messageId, {
      stopping: () => stopping,
      signal: abort.signal,
    }).finally(() => inFlight.delete(messageId));
    inFlight.set(messageId, delivery);
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    banner: 'local SES inbound',
    logger: false,
    onRcptTo(address, _session, callback) {
      if (accepted.has(address.address.toLowerCase())) {
        callback();
        return;
      }
      const error = new Error(`Mailbox unavailable: ${address.address} is not an intake address`) as Error & {
        responseCode: number;
      };
      error.responseCode = 550;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return callback();
        const raw = Buffer.concat(chunks);
        const messageId = sesMessageId();
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        options.s3
          .send(
            new PutObjectCommand({
              Bucket: options.rawMailBucket,
              Key: `${options.rawMailPrefix}${messageId}`,
              Body: raw,
              ContentType: 'message/rfc822',
            }),
          )
          .then(async () => {
            const event = sesEvent({
              raw,
              messageId,
              mailFrom,
              recipients,
              functionArn: options.intakeFunctionArn,
            });
            // Journalled before the 250: from here on the message cannot be lost.
            journal.accepted(messageId, event);
            callback(null, `Ok: queued as ${messageId}`);
            start(messageId, event);
          })
          .catch((error: Error) => {
            options.log(`SMTP: could not store message: ${error.message}`);
            const failure = new Error('Temporary failure storing the message, try again') as Error & {
              responseCode: number;
            };
            failure.responseCode = 451;
            callback(failure);
          });
      });
    },
  });
  const port = await listenOnLoopback(server.server, options.port, 'SMTP intake', 'SMTP_PORT').catch(
    (error: unknown) => {
      journal.close();
      throw error;
    },
  );

  // What the journal holds now was accepted before a stop or crash, or put there by hand.
  const notStarted = (messageId: string) => !inFlight.has(messageId);
  const backlog = journal.entries(notStarted);
  if (backlog.length) options.log(`SMTP: delivering ${backlog.length} accepted message(s) from the journal`);
  let replayed = false;
  const replaying = (async () => {
    for (let i = 0; i < backlog.length && !stopping; i += REPLAY_CONCURRENCY) {
      for (const entry of backlog.slice(i, i + REPLAY_CONCURRENCY)) start(entry.messageId, entry.event);
      await Promise.allSettled([...inFlight.values()]);
    }
    replayed = true;
  })();
  const poll = setInterval(() => {
    if (stopping || !replayed) return;
    for (const entry of journal.entries(notStarted)) start(entry.messageId, entry.event);
  }, JOURNAL_POLL_MS);
  poll.unref();

  return {
    port,
    async idle() {
      await replaying;
      while (inFlight.size) await Promise.allSettled([...inFlight.values()]);
    },
    async stop() {
      // Deliveries waiting to retry stay in the journal for the next start.
      stopping = true;
      clearInterval(poll);
      abort.abort();
      await replaying;
      await Promise.allSettled([...inFlight.values()]);
      await closeServer(server.server);
      journal.close();
    },
  };
}

async function deliver(
  options: LocalSmtpOptions & { journal: SmtpJournal; retryDelaysMs: readonly number[] },
  event: SESEvent,
  messageId: string,
  control: { stopping: () => boolean; signal: AbortSignal },
): Promise<void> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt <= options.retryDelaysMs.length; attempt++) {
    if (attempt > 0) {
      // Lambda's retries come later, not at once; jitter spreads a burst of them.
      const base = options.retryDelaysMs[attempt - 1] ?? 0;
      try {
        await sleep(base / 2 + Math.random() * base, undefined, { signal: control.signal });
      } catch {
        return; // Stopping: the event stays in the journal for the next start.
      }
    }
    try {
      await options.invokeIntake(event);
      // Delivered: a kill before the entry goes only delivers it again, which intake ignores
      // (the same SES message id).
      options.journal.done(messageId);
      return;
    } catch (error) {
      lastError = error as Error;
      // A failure caused by the stack stopping under the handler is not the message's fault.
      if (control.stopping()) return;
    }
  }
  mkdirSync(options.deadLetterDir, { recursive: true });
  writeFileSync(
    join(options.deadLetterDir, `${messageId}.json`),
    JSON.stringify({ error: lastError?.name, message: lastError?.message, event }, null, 2),
  );
  options.journal.done(messageId);
  options.log(
    `SMTP: intake failed ${options.retryDelaysMs.length + 1} times for ${messageId}; event kept in ${options.deadLetterDir}`,
  );
}

/** SES message ids are 20+ lowercase alphanumerics; S3 keys use them as is. */
function sesMessageId(): string {
  return randomBytes(20).toString('hex');
}

/** The event SES passes to a Lambda action, built from the raw message's headers. */
export function sesEvent(input: {
  raw: Buffer;
  messageId: string;
  mailFrom: string;
  recipients: string[];
  functionArn: string;
  /** When SES received it. @default now */
  receivedAt?: string;
}): SESEvent {
  const headers = parseHeaders(input.raw);
  const first = (name: string) => headers.find((h) => h.name.toLowerCase() === name)?.value;
  const decoded = (name: string) => {
    const value = first(name);
    return value === undefined ? undefined : libmime.decodeWords(value);
  };
  const list = (name: string) => {
    const value = decoded(name);
    return value ? value.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((s) => s.trim()) : [];
  };
  const now = input.receivedAt ?? new Date().toISOString();
  const pass = { status: 'PASS' as const };
  // SES scans every message; locally a test or a person asks for a verdict with a header such
  // as `X-Local-Verdict: spam=FAIL`, `virus=FAIL` or `spf=FAIL dkim=FAIL dmarc=FAIL` (each PASS unless
  // asked; honoured here only: on AWS, SES computes them).
  const verdict = (name: string) => {
    const asked = new RegExp(`\\b${name}\\s*=\\s*(PASS|FAIL|GRAY|PROCESSING_FAILED)`, 'i').exec(
      first('x-local-verdict') ?? '',
    )?.[1];
    return asked ? { status: asked.toUpperCase() as 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' } : pass;
  };
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: now,
            source: input.mailFrom,
            messageId: input.messageId,
            destination: input.recipients,
            headersTruncated: false,
            headers,
            commonHeaders: {
              returnPath: input.mailFrom,
              from: list('from'),
              to: list('to'),
              ...(first('reply-to') ? { replyTo: list('reply-to') } : {}),
              date: first('date') ?? now,
              messageId: first('message-id') ?? '',
              subject: decoded('subject') ?? '',
            },
          },
          receipt: {
            timestamp: now,
            processingTimeMillis: 1,
            recipients: input.recipients,
            spamVerdict: verdict('spam'),
            virusVerdict: verdict('virus'),
            spfVerdict: verdict('spf'),
            dkimVerdict: verdict('dkim'),
            dmarcVerdict: verdict('dmarc'),
            action: { type: 'Lambda', functionArn: input.functionArn, invocationType: 'Event' },
          },
        },
      },
    ],
  } as SESEvent;
}

/** Header lines up to the first blank line, unfolded, values as sent (SES does the same). */
function parseHeaders(raw: Buffer): { name: string; value: string }[] {
  const text = raw.subarray(0, Math.min(raw.length, 256 * 1024)).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end === -1 ? text : text.slice(0, end);
  const headers: { name: string; value: string }[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length) {
      const last = headers[headers.length - 1] as { name: string; value: string };
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}
