import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import S3rver from 's3rver';
import { closeServer, listenOnLoopback } from '../runtime/listen.ts';

export interface LocalS3 {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * S3 on s3rver (it checks signatures against the S3RVER/S3RVER key pair), persisted in a
 * directory. Its Koa app is served from our own HTTP server so a port in use is reported
 * like every other service's, instead of crashing the process.
 */
export async function startS3(options: {
  port: number;
  directory: string;
  buckets: string[];
  /** Bucket configuration documents (S3 XML, e.g. a CORSConfiguration), by bucket name. */
  bucketConfigs?: Readonly<Record<string, readonly string[]>>;
}): Promise<LocalS3> {
  mkdirSync(options.directory, { recursive: true });
  const s3rver = new S3rver({
    directory: options.directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({
      name,
      configs: [...(options.bucketConfigs?.[name] ?? [])],
    })),
  }) as S3rver & { configureBuckets(): Promise<void>; callback(): Parameters<typeof createServer>[1] };
  await s3rver.configureBuckets();
  const server = createServer(s3rver.callback());
  const port = await listenOnLoopback(server, options.port, 'S3', 'S3_PORT');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => closeServer(server),
  };
}
