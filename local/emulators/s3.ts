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
  /**
   * The handlers sign requests in workflow time (TIME_SCALE above 1), ahead of the real time
   * this server keeps. @default false
   */
  signedInWorkflowTime?: boolean;
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
  const app = s3rver.callback() as NonNullable<Parameters<typeof createServer>[1]>;
  // S3 refuses a request signed more than 15 minutes from its own time. Under TIME_SCALE the
  // handlers sign in workflow time, hours or days ahead within a second: a header-signed
  // request is taken as signed now (s3rver does not verify header signatures in any case).
  // Presigned URLs keep their date: dated ahead, they only expire later here.
  const server = createServer(
    options.signedInWorkflowTime
      ? (request, response) => {
          if (request.headers.authorization && request.headers['x-amz-date']) {
            request.headers['x-amz-date'] = amzDate(new Date());
          }
          app(request, response);
        }
      : app,
  );
  const port = await listenOnLoopback(server, options.port, 'S3', 'S3_PORT');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => closeServer(server),
  };
}

/** `20261207T013000Z`: SigV4's date format. */
function amzDate(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
