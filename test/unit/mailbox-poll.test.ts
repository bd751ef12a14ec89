import type { SESEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { OpenMailbox } from '#adapters/mailbox.ts';
import { pollMailbox } from '#services/mailbox-poll.ts';

/** A mailbox in memory: what the poller did to it, in order. */
function fakeMailbox(count: number) {
  const inbox = new Map<number, Buffer>();
  for (let uid = 1; uid <= count; uid++) {
    inbox.set(uid, Buffer.from(`From: owner${uid}@example.hk\r\nSubject: ${uid}\r\n\r\nbody ${uid}\r\n`));
  }
  const steps: string[] = [];
  let closed = false;
  const mailbox: OpenMailbox = {
    async pending(limit) {
      return [...inbox.keys()].slice(0, limit);
    },
    async read(uid) {
      const raw = inbox.get(uid);
      return raw ? { uid, raw, receivedAt: new Date('2026-11-02T01:00:00Z') } : undefined;
    },
    async markDone(uid) {
      steps.push(`move ${uid}`);
      inbox.delete(uid);
    },
    async close() {
      closed = true;
    },
  };
  return { mailbox, inbox, steps, closed: () => closed };
}

function depsFor(
  box: ReturnType<typeof fakeMailbox>,
  overrides: Partial<Parameters<typeof pollMailbox>[0]> = {},
) {
  return {
    openMailbox: async () => box.mailbox,
    storeRaw: async (key: string) => {
      box.steps.push(`store ${key.slice(0, 9)}`);
    },
    handOff: async (event: SESEvent) => {
      box.steps.push(`hand ${event.Records[0]?.ses.mail.messageId.slice(0, 4)}`);
    },
    rawMailPrefix: 'incoming/',
    intakeAddresses: ['complaints@estate.example'],
    intakeFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:intake-email',
    ...overrides,
  };
}

describe('a poll of the company mailbox', () => {
  it('stores each message, hands it to intake, and only then moves it out of the folder', async () => {
    const box = fakeMailbox(2);
    const result = await pollMailbox(depsFor(box));
    expect(box.steps).toEqual([
      'store incoming/',
      'hand imap',
      'move 1',
      'store incoming/',
      'hand imap',
      'move 2',
    ]);
    expect(result.handedOver).toHaveLength(2);
    expect(result.more).toBe(false);
    expect(box.inbox.size).toBe(0);
    expect(box.closed()).toBe(true);
  });

  it('leaves a message it could not hand over in the folder, and still takes the others', async () => {
    const box = fakeMailbox(3);
    let calls = 0;
    const result = await pollMailbox(
      depsFor(box, {
        handOff: async () => {
          calls += 1;
          if (calls === 2) throw new Error('Lambda throttled');
        },
      }),
    );
    expect(result.failed).toEqual([2]);
    expect(result.handedOver).toHaveLength(2);
    expect([...box.inbox.keys()]).toEqual([2]);
  });

  it('never moves a message whose raw copy could not be stored', async () => {
    const box = fakeMailbox(1);
    const result = await pollMailbox(
      depsFor(box, {
        storeRaw: async () => {
          throw new Error('S3 unavailable');
        },
      }),
    );
    expect(result.failed).toEqual([1]);
    expect(box.inbox.size).toBe(1);
  });

  it('takes at most a batch, and begins no message with too little time left, saying more wait', async () => {
    const box = fakeMailbox(5);
    const batch = await pollMailbox(depsFor(box, { batchSize: 2 }));
    expect(batch.handedOver).toHaveLength(2);
    expect(batch.more).toBe(true);

    let left = 100_000;
    const timed = await pollMailbox(
      depsFor(box, {
        timeLeftMs: () => {
          left -= 40_000;
          return left;
        },
      }),
    );
    // 60 s left for the first message, 20 s (under the 30 s reserve) for the second.
    expect(timed.handedOver).toHaveLength(1);
    expect(timed.more).toBe(true);
    expect(box.inbox.size).toBe(2);
  });
});
