import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SESEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { journalBacklog, SmtpJournal } from '../../local/mail/smtp-journal.ts';

/**
 * The SMTP intake's journal (local/mail/smtp-journal.ts) is what makes a 250 a promise: an accepted
 * message's event is kept until the intake handler took it in, across a kill, and a restart
 * delivers exactly the ones not taken in, in the order they were accepted. Event files put into
 * the directory by hand (a redriven dead letter) are delivered too, and removed once taken in.
 */
let dir = '';
const journals: SmtpJournal[] = [];

function open(): SmtpJournal {
  const journal = new SmtpJournal(dir);
  journals.push(journal);
  return journal;
}

function eventOf(messageId: string): SESEvent {
  return { Records: [{ ses: { mail: { messageId } } }] } as unknown as SESEvent;
}

const all = () => true;
const ids = (journal: SmtpJournal) => journal.entries(all).map((entry) => entry.messageId);

describe('SMTP journal', () => {
  afterEach(() => {
    for (const journal of journals.splice(0)) {
      try {
        journal.close();
      } catch {
        // Closed by the test already.
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps what was accepted and not taken in across a restart, in order, and nothing else', () => {
    dir = mkdtempSync(join(tmpdir(), 'smtp-journal-'));
    const first = open();
    for (const id of ['m1', 'm2', 'm3', 'm4']) first.accepted(id, eventOf(id));
    first.done('m2');
    first.done('m4');
    // No close: the process is killed here.

    const second = open();
    expect(ids(second)).toEqual(['m1', 'm3']);
    expect(second.entries(all)[0]?.event).toEqual(eventOf('m1'));
    expect(journalBacklog(dir)).toBe(2);
    // Opening rewrote the log with the pending entries only.
    const lines = readFileSync(join(dir, 'accepted.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);

    second.done('m1');
    second.done('m3');
    second.close();
    expect(ids(open())).toEqual([]);
    expect(journalBacklog(dir)).toBe(0);
  });

  it('keeps pending what is done after close (the stack stopping), and refuses to accept then', () => {
    dir = mkdtempSync(join(tmpdir(), 'smtp-journal-'));
    const first = open();
    first.accepted('m1', eventOf('m1'));
    first.close();
    first.done('m1');
    expect(() => first.accepted('m2', eventOf('m2'))).toThrow(/journal is closed/);
    expect(ids(open())).toEqual(['m1']);
  });

  it('skips a last line the kill cut short (its 250 was never sent) and reads the rest', () => {
    dir = mkdtempSync(join(tmpdir(), 'smtp-journal-'));
    const first = open();
    first.accepted('m1', eventOf('m1'));
    first.close();
    appendFileSync(join(dir, 'accepted.jsonl'), '{"accepted":"m2","event":{"Rec');
    expect(ids(open())).toEqual(['m1']);
  });

  it('delivers an event file put there by hand, once, and removes it when taken in', () => {
    dir = mkdtempSync(join(tmpdir(), 'smtp-journal-'));
    const journal = open();
    journal.accepted('m1', eventOf('m1'));
    writeFileSync(join(dir, 'm9.json'), JSON.stringify({ error: 'Error', event: eventOf('m9') }));
    // The same message in the log and in a file is one delivery.
    writeFileSync(join(dir, 'm1.json'), JSON.stringify({ event: eventOf('m1') }));
    writeFileSync(join(dir, 'notes.json'), '{"not":"an event"}');
    expect(ids(journal).sort()).toEqual(['m1', 'm9']);
    expect(journal.entries((id) => id !== 'm9').map((entry) => entry.messageId)).toEqual(['m1']);
    expect(journalBacklog(dir)).toBe(2);

    journal.done('m9');
    journal.done('m1');
    expect(existsSync(join(dir, 'm9.json'))).toBe(false);
    expect(existsSync(join(dir, 'm1.json'))).toBe(false);
    expect(existsSync(join(dir, 'notes.json'))).toBe(true);
    expect(ids(journal)).toEqual([]);
  });
});
