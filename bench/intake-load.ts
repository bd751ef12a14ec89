import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import nodemailer, { type Transporter } from 'nodemailer';

/**
 * The intake benchmark's SMTP senders, run in a process of their own so that sending does not
 * take the event loop of the local stack it measures (as a real mail server's would not).
 *
 * The process opens `senders` pooled nodemailer transports of one connection each to the SMTP
 * intake on 127.0.0.1 and, on command over IPC, sends complaint n from sender s, answering with
 * the wall-clock time its 250 came back. Times are `performance.timeOrigin + performance.now()`
 * in both processes, so they compare across processes on one machine (a monotonic clock each,
 * anchored to the same wall clock).
 */
export interface Senders {
  /**
   * Sends complaint `n` from `from` over sender `sender`'s connection; resolves with the
   * wall-clock time (ms) the SMTP intake accepted it (250), rejects when it did not.
   */
  send(sender: number, n: number, from: string): Promise<number>;
  /** Closes the connections and lets the process end; kills it if it has not within a second. */
  close(): Promise<void>;
  /** Kills the process now (idempotent): on error, on timeout, after the result. */
  kill(): void;
}

/** The same clock in every process on this machine, in ms. */
export const wallClockNow = () => performance.timeOrigin + performance.now();

type Command =
  | { readonly open: { readonly port: number; readonly senders: number } }
  | {
      readonly send: {
        readonly id: number;
        readonly sender: number;
        readonly n: number;
        readonly from: string;
      };
    }
  | { readonly close: true };
type Reply =
  | { readonly sent: { readonly id: number; readonly acceptedAt: number } }
  | { readonly failed: { readonly id: number; readonly error: string } };

const CLOSE_GRACE_MS = 1000;

/** Starts the senders' process (this file) against the SMTP intake on 127.0.0.1:`port`. */
export function startSenders(options: { readonly port: number; readonly senders: number }): Senders {
  assertOptions(options);
  const child: ChildProcess = spawn(process.execPath, [import.meta.filename, '--senders-child'], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const kill = () => {
    if (alive()) child.kill('SIGKILL');
  };
  const waiting = new Map<number, { resolve: (at: number) => void; reject: (error: Error) => void }>();
  let gone: Error | undefined;
  const failAll = (error: Error) => {
    gone ??= error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  child.on('message', (reply: Reply) => {
    if ('sent' in reply) {
      waiting.get(reply.sent.id)?.resolve(reply.sent.acceptedAt);
      waiting.delete(reply.sent.id);
    } else {
      waiting.get(reply.failed.id)?.reject(new Error(`SMTP sender: ${reply.failed.error}`));
      waiting.delete(reply.failed.id);
    }
  });
  child.on('error', (error) => failAll(error));
  child.on('exit', (code, signal) => failAll(new Error(`SMTP senders' process exited (${signal ?? code})`)));
  const command = (message: Command) => {
    if (gone) throw gone;
    child.send(message);
  };
  command({ open: { port: options.port, senders: options.senders } });

  let nextId = 0;
  return {
    send: (sender, n, from) =>
      new Promise<number>((resolve, reject) => {
        if (gone) {
          reject(gone);
          return;
        }
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        command({ send: { id, sender, n, from } });
      }),
    close: async () => {
      if (!alive()) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const grace = setTimeout(kill, CLOSE_GRACE_MS);
      if (child.connected) child.send({ close: true } satisfies Command);
      else kill();
      await exited;
      clearTimeout(grace);
    },
    kill,
  };
}

function assertOptions(options: { readonly port: number; readonly senders: number }): void {
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)
    throw new Error(`the SMTP port must be an integer from 1 to 65535, not ${options.port}`);
  if (!Number.isInteger(options.senders) || options.senders < 1)
    throw new Error(`the number of senders must be a positive integer, not ${options.senders}`);
}

/** A plain complaint as a webmail client sends it: UTF-8, Chinese subject and text. */
function complaintMessage(from: string, n: number): Buffer {
  const subject = `大廈${n}號升降機故障`;
  const body = `管理處你好：\n\n第${n}座大堂升降機由昨晚開始停止運作，長者上落非常困難，請盡快安排維修。\n\n業主 陳先生`;
  return Buffer.from(
    [
      `From: =?UTF-8?B?${Buffer.from('陳先生').toString('base64')}?= <${from}>`,
      'To: complaints@estate.example',
      `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${randomUUID()}@mail.example.com>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(body).toString('base64'),
      '',
    ].join('\r\n'),
  );
}

function runSenders(): void {
  let transports: Transporter[] = [];
  const reply = (message: Reply) => process.send?.(message);
  process.on('message', (message: Command) => {
    if ('open' in message) {
      assertOptions(message.open);
      // Loopback only; one connection per sender, kept open between its complaints.
      transports = Array.from({ length: message.open.senders }, () =>
        nodemailer.createTransport({
          host: '127.0.0.1',
          port: message.open.port,
          secure: false,
          ignoreTLS: true,
          pool: true,
          maxConnections: 1,
        }),
      );
    } else if ('send' in message) {
      const { id, sender, n, from } = message.send;
      const transport = transports[sender];
      if (!transport) {
        reply({ failed: { id, error: `no sender ${sender} (${transports.length} open)` } });
        return;
      }
      transport
        .sendMail({ envelope: { from, to: ['complaints@estate.example'] }, raw: complaintMessage(from, n) })
        .then(
          () => reply({ sent: { id, acceptedAt: wallClockNow() } }),
          (error: Error) => reply({ failed: { id, error: error.message } }),
        );
    } else {
      for (const transport of transports) transport.close();
      process.exit(0);
    }
  });
}

if (import.meta.main && process.argv.includes('--senders-child')) {
  // Orphaned (the benchmark died): stop rather than keep sending to a stack nobody measures.
  process.on('disconnect', () => process.exit(1));
  runSenders();
}
