import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { LocalStackError } from '../runtime/listen.ts';
import type { ChildMessage, EmulatedService, EmulatorOptions } from './process-child.ts';

export type { EmulatorOptions } from './process-child.ts';

export interface Emulators {
  readonly endpoints: { readonly dynamodb: string; readonly s3: string; readonly ses: string };
  /** DynamoDB requests served so far, by operation (e.g. `PutItem`), for the benchmarks' cost model. */
  dynamoRequests(): Promise<ReadonlyMap<string, number>>;
  /** `mail-sent` (recipients: string[]) for every email the SES outbox accepts. */
  readonly outbox: EventEmitter<{ 'mail-sent': [recipients: string[]] }>;
  /** The emulators' processes (the benchmarks read the CPU each spends). */
  readonly pids: { readonly dynamodb: number; readonly storage: number };
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB in a child process, and S3 and SES in another, so the emulators and the
 * handlers run on different cores, as the services and the Lambdas do on AWS; DynamoDB, the
 * busiest (a complaint makes a dozen and more calls), has an event loop to itself. A port in
 * use or an unwritable directory is reported as the same one-line LocalStackError as before.
 */
export async function startEmulators(options: EmulatorOptions): Promise<Emulators> {
  const started = await Promise.allSettled([
    startChild({ ...options, services: ['dynamodb'] }),
    startChild({ ...options, services: ['s3', 'ses'] }),
  ]);
  const children = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(children.map((child) => child.stop()));
    throw failed.reason;
  }
  const [dynamoChild, storageChild] = children as [EmulatorChild, EmulatorChild];
  const outbox = new EventEmitter<{ 'mail-sent': [recipients: string[]] }>();
  storageChild.process.on('message', (message: ChildMessage) => {
    if (message.type === 'mail-sent') outbox.emit('mail-sent', message.to);
  });
  let nextId = 0;
  return {
    endpoints: {
      dynamodb: dynamoChild.endpoints.dynamodb ?? '',
      s3: storageChild.endpoints.s3 ?? '',
      ses: storageChild.endpoints.ses ?? '',
    },
    outbox,
    pids: { dynamodb: dynamoChild.process.pid ?? 0, storage: storageChild.process.pid ?? 0 },
    dynamoRequests: () => statsOf(dynamoChild.process, nextId++),
    stop: async () => {
      await Promise.all(children.map((child) => child.stop()));
    },
  };
}

interface EmulatorChild {
  readonly process: ChildProcess;
  readonly endpoints: Partial<Record<EmulatedService, string>>;
  stop(): Promise<void>;
}

async function startChild(options: EmulatorOptions): Promise<EmulatorChild> {
  const child = fork(join(import.meta.dirname, 'process-child.ts'), [], {
    execArgv: [],
    // Their own log lines (none, normally) go where the stack's go; crashes are visible.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.connected) child.disconnect();
    await exited;
  };
  const endpoints = await new Promise<Partial<Record<EmulatedService, string>>>((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'ready') {
        child.off('message', onMessage);
        resolve(message.endpoints);
      } else if (message.type === 'error') {
        child.off('message', onMessage);
        reject(message.fixable ? new LocalStackError(message.message) : new Error(message.message));
      }
    };
    child.on('message', onMessage);
    void exited.then((code) =>
      reject(new Error(`The emulators' process exited (code ${code}) while starting`)),
    );
    child.send({ type: 'start', options });
  });
  return { process: child, endpoints, stop };
}

function statsOf(child: ChildProcess, id: number): Promise<ReadonlyMap<string, number>> {
  return new Promise((resolve) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'stats' && message.id === id) {
        child.off('message', onMessage);
        resolve(new Map(message.dynamoRequests));
      }
    };
    child.on('message', onMessage);
    child.send({ type: 'stats', id });
  });
}
