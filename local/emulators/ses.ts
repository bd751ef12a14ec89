import { createServer } from 'node:net';
import sesModule from 'aws-ses-v2-local';
import { closeServer, LOOPBACK, listenOnLoopback } from '../runtime/listen.ts';

export interface LocalSes {
  /** The SES API endpoint, and the outbox page a person opens in a browser. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** SES sending on aws-ses-v2-local: its page at `/` shows the outbox, `GET /store` as JSON. */
export async function startSes(options: { port: number }): Promise<LocalSes> {
  // aws-ses-v2-local crashes the process on a port in use; probe first so the error is ours.
  const probe = createServer();
  const port = await listenOnLoopback(probe, options.port, 'SES outbox', 'SES_PORT');
  await closeServer(probe);
  // A CommonJS module with `exports.default`: Node's ESM import hands us the exports object.
  type Start = (config: { host: string; port: number }) => Promise<import('node:http').Server>;
  const start = ((sesModule as unknown as { default?: Start }).default ?? sesModule) as Start;
  const server = await start({ host: LOOPBACK, port });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => closeServer(server),
  };
}
