import { createRequire } from 'node:module';
import { LocalStackError } from '../runtime/listen.ts';
import { startDynamo } from './dynamodb.ts';
import { startS3 } from './s3.ts';
import { startSes } from './ses.ts';

/**
 * The emulators' own process (see emulators.ts): DynamoDB, S3 and the SES outbox are services
 * of their own on AWS, and here they get a core of their own instead of sharing the handlers'
 * event loop. Talks to its parent over the IPC channel only.
 */
export interface EmulatorOptions {
  readonly dataDir: { readonly dynamodb: string; readonly s3: string };
  readonly ports: { readonly dynamodb: number; readonly s3: number; readonly ses: number };
  readonly tableName: string;
  readonly buckets: readonly string[];
  readonly bucketConfigs: Readonly<Record<string, readonly string[]>>;
  /** The ones this process runs (emulators.ts gives DynamoDB a process of its own). @default all */
  readonly services?: readonly EmulatedService[];
  /**
   * The stack's TIME_SCALE: above 1, the handlers sign their S3 requests in workflow time, which
   * runs ahead of this process's (see s3.ts). @default 1
   */
  readonly timeScale?: number;
}

export type EmulatedService = 'dynamodb' | 's3' | 'ses';

export type ParentMessage = { type: 'start'; options: EmulatorOptions } | { type: 'stats'; id: number };

export type ChildMessage =
  | { type: 'ready'; endpoints: Partial<Record<EmulatedService, string>> }
  | { type: 'error'; message: string; fixable: boolean }
  | { type: 'stats'; id: number; dynamoRequests: [string, number][] }
  | { type: 'mail-sent'; to: string[] };

const send = (message: ChildMessage) => process.send?.(message);
let stops: (() => Promise<void>)[] = [];
let dynamoRequests: ReadonlyMap<string, number> = new Map();

async function start(options: EmulatorOptions): Promise<void> {
  const services = new Set(options.services ?? ['dynamodb', 's3', 'ses']);
  const endpoints: Partial<Record<EmulatedService, string>> = {};
  try {
    if (services.has('dynamodb')) {
      const dynamo = await startDynamo({
        port: options.ports.dynamodb,
        path: options.dataDir.dynamodb,
        tableName: options.tableName,
      });
      stops.push(() => dynamo.stop());
      dynamoRequests = dynamo.requests;
      endpoints.dynamodb = dynamo.endpoint;
    }
    if (services.has('s3')) {
      const s3 = await startS3({
        port: options.ports.s3,
        directory: options.dataDir.s3,
        buckets: [...options.buckets],
        bucketConfigs: options.bucketConfigs,
        signedInWorkflowTime: (options.timeScale ?? 1) !== 1,
      });
      stops.push(() => s3.stop());
      endpoints.s3 = s3.endpoint;
    }
    if (services.has('ses')) {
      const ses = await startSes({ port: options.ports.ses });
      stops.push(() => ses.stop());
      announceSentMail();
      endpoints.ses = ses.endpoint;
    }
    send({ type: 'ready', endpoints });
  } catch (error) {
    send({
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
      fixable: error instanceof LocalStackError,
    });
    await stop();
  }
}

/**
 * Tells the parent of every email the SES emulator accepts, so "in the outbox" can be waited
 * for (benchmarks, tests) without polling its page. Its store is a module-level list.
 */
function announceSentMail(): void {
  const store = createRequire(import.meta.url)('aws-ses-v2-local/dist/store.js') as {
    getStoreReadonly(): { emails: { destination: { to: string[] } }[] };
  };
  const emails = store.getStoreReadonly().emails;
  const push = emails.push.bind(emails);
  emails.push = (...items) => {
    for (const email of items) send({ type: 'mail-sent', to: [...email.destination.to] });
    return push(...items);
  };
}

async function stop(): Promise<void> {
  const pending = stops.reverse();
  stops = [];
  for (const close of pending) await close().catch(() => undefined);
  process.exit(0);
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'start') void start(message.options);
  else if (message.type === 'stats')
    send({ type: 'stats', id: message.id, dynamoRequests: [...dynamoRequests] });
});
// The parent stopping, or dying (even by SIGKILL), closes the channel: the emulators go with it.
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => undefined);
