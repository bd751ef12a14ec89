import { createHash } from 'node:crypto';
import type { SESEventRecord, SESReceiptStatus } from 'aws-lambda';

/**
 * Mail taken from the company's own mailbox (IMAP), where SES does not receive: what SES's
 * receipt rule would have said about each message, made from the message itself, so that the
 * intake function reads it exactly as it reads SES's (lambdas/services/intake-mail.ts).
 */

export interface HeaderLine {
  readonly name: string;
  readonly value: string;
}

/** Header lines up to the first blank line, unfolded, values as sent (as SES lists them). */
export function headerLines(raw: Buffer): HeaderLine[] {
  const text = raw.subarray(0, Math.min(raw.length, 256 * 1024)).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end === -1 ? text : text.slice(0, end);
  const headers: { name: string; value: string }[] = [];
  for (const line of block.split(/\r?\n/)) {
    const last = headers[headers.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

/**
 * The id a mailbox message is known by, in place of SES's message id: a digest of its bytes.
 * IMAP messages never change, so the same message read again (a poll after a crash, the same
 * mailbox rebuilt with new UIDs) has the same id, and intake takes the second delivery for a
 * retry of the first: one complaint. 40 hex characters, as S3 keys and mail-log ids want.
 */
export function mailboxMessageId(raw: Buffer): string {
  return `imap${createHash('sha256').update(raw).digest('hex').slice(0, 36)}`;
}

type Verdict = SESReceiptStatus['status'];

export interface MailboxVerdicts {
  readonly spf: Verdict;
  readonly dkim: Verdict;
  readonly dmarc: Verdict;
}

/** What an RFC 8601 result means in SES's words. */
function verdictOf(result: string | undefined): Verdict | undefined {
  switch (result?.toLowerCase()) {
    case 'pass':
      return 'PASS';
    case 'fail':
    case 'softfail':
    case 'hardfail':
      return 'FAIL';
    case 'temperror':
    case 'permerror':
      return 'PROCESSING_FAILED';
    case 'none':
    case 'neutral':
    case 'policy':
      return 'GRAY';
    default:
      return undefined;
  }
}

/**
 * SPF, DKIM and DMARC as the company's own mail server found them, from the
 * Authentication-Results headers it added (RFC 8601). Only headers naming `trustedAuthServId`
 * count: anyone can write an Authentication-Results header into a message, and a receiving
 * server removes or ignores those that claim its own id. Without a trusted id, or a header
 * from it, every verdict is GRAY: the sender is not verified (the complaint is still opened,
 * but not acknowledged by email: lambdas/domain/mail/authentication.ts).
 */
export function authenticationVerdicts(
  headers: readonly HeaderLine[],
  trustedAuthServId: string | undefined,
): MailboxVerdicts {
  const found: { spf?: Verdict; dkim?: Verdict; dmarc?: Verdict } = {};
  if (trustedAuthServId) {
    const trusted = trustedAuthServId.toLowerCase();
    for (const header of headers) {
      if (header.name.toLowerCase() !== 'authentication-results') continue;
      // authserv-id [version] ; method=result ... ; method=result ...
      const [authServ = '', ...results] = header.value.replace(/\([^)]*\)/g, ' ').split(';');
      if (authServ.trim().split(/\s+/)[0]?.toLowerCase() !== trusted) continue;
      for (const result of results) {
        const match = /^\s*(spf|dkim|dmarc)\s*=\s*([a-z]+)/i.exec(result);
        const method = match?.[1]?.toLowerCase() as keyof typeof found | undefined;
        const verdict = verdictOf(match?.[2]);
        if (!method || !verdict) continue;
        // A message may carry several DKIM signatures: one that passes is enough.
        if (found[method] !== 'PASS') found[method] = verdict;
      }
    }
  }
  return { spf: found.spf ?? 'GRAY', dkim: found.dkim ?? 'GRAY', dmarc: found.dmarc ?? 'GRAY' };
}

const ADDRESS = /[^\s<>,;"]+@[^\s<>,;"]+/g;

/** Addresses in a header value, lower case. */
function addressesIn(value: string): string[] {
  return (value.match(ADDRESS) ?? []).map((address) => address.toLowerCase());
}

/**
 * Which of our intake addresses a message was delivered to: the envelope recipient the
 * delivering server recorded (Delivered-To, X-Original-To), else our addresses among To and Cc,
 * else the mailbox's own (the first intake address): a Bcc to it names none of them.
 */
export function intakeRecipients(
  headers: readonly HeaderLine[],
  intakeAddresses: readonly string[],
): string[] {
  const ours = new Set(intakeAddresses.map((address) => address.toLowerCase()));
  const named = (names: readonly string[]) => [
    ...new Set(
      headers
        .filter((header) => names.includes(header.name.toLowerCase()))
        .flatMap((header) => addressesIn(header.value))
        .filter((address) => ours.has(address)),
    ),
  ];
  const envelope = named(['delivered-to', 'x-original-to']);
  if (envelope.length) return envelope;
  const visible = named(['to', 'cc']);
  if (visible.length) return visible;
  return intakeAddresses.slice(0, 1).map((address) => address.toLowerCase());
}

/** The envelope sender the delivering server recorded (Return-Path), as SES's `mail.source`. */
function envelopeSender(headers: readonly HeaderLine[]): string {
  const returnPath = headers.find((header) => header.name.toLowerCase() === 'return-path')?.value ?? '';
  return addressesIn(returnPath)[0] ?? '';
}

export interface MailboxArrival {
  readonly raw: Buffer;
  /** When the mailbox's server received it (IMAP INTERNALDATE): the same on every read. */
  readonly receivedAt: Date;
  readonly intakeAddresses: readonly string[];
  readonly trustedAuthServId?: string;
  /** The intake function the event is for. */
  readonly functionArn: string;
}

/**
 * The event SES would have given the intake function for this message. Spam and virus
 * verdicts are DISABLED: the company's mail server filtered before the mailbox, and what it
 * let through is left for staff to judge, as SES's PASS would be.
 */
export function sesRecordForMailbox(arrival: MailboxArrival): SESEventRecord {
  const headers = headerLines(arrival.raw);
  const first = (name: string) => headers.find((header) => header.name.toLowerCase() === name)?.value;
  const recipients = intakeRecipients(headers, arrival.intakeAddresses);
  const verdicts = authenticationVerdicts(headers, arrival.trustedAuthServId);
  const timestamp = arrival.receivedAt.toISOString();
  const source = envelopeSender(headers);
  return {
    eventSource: 'aws:ses',
    eventVersion: '1.0',
    ses: {
      mail: {
        timestamp,
        source,
        messageId: mailboxMessageId(arrival.raw),
        destination: recipients,
        headersTruncated: false,
        headers,
        commonHeaders: {
          returnPath: source,
          from: first('from') ? [first('from') as string] : [],
          to: first('to') ? [first('to') as string] : [],
          date: first('date') ?? timestamp,
          messageId: first('message-id') ?? '',
          subject: first('subject') ?? '',
        },
      },
      receipt: {
        timestamp,
        processingTimeMillis: 0,
        recipients,
        spamVerdict: { status: 'DISABLED' },
        virusVerdict: { status: 'DISABLED' },
        spfVerdict: { status: verdicts.spf },
        dkimVerdict: { status: verdicts.dkim },
        dmarcVerdict: { status: verdicts.dmarc },
        dmarcPolicy: 'none',
        action: { type: 'Lambda', functionArn: arrival.functionArn, invocationType: 'Event' },
      },
    },
  } as SESEventRecord;
}
