import type { LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { tracer } from '#commons/powertools.ts';
import { s3 } from './clients.ts';

/**
 * The OCR of a complaint's faxed pages (issue 19): its start, an asynchronous invocation of
 * read-fax-pages with the complaint's reference (Lambda queues it and retries a failed run), and
 * the files it reads, from the attachments bucket.
 */
let lambdaClient: LambdaClient | undefined;

export async function startFaxReading(functionName: string, ref: string): Promise<void> {
  // Loaded on the first fax, not at intake's cold start (most mail is not a fax).
  const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
  lambdaClient ??= tracer.captureAWSv3Client(new LambdaClient({}));
  const result = await lambdaClient.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify({ ref })),
    }),
  );
  if (result.StatusCode !== 202)
    throw new Error(`The OCR function's invocation answered ${result.StatusCode}, not 202`);
}

/** One stored file's bytes. */
export async function getFileBytes(bucket: string, key: string): Promise<Uint8Array> {
  const object = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!object.Body) throw new Error(`File ${key} has no body`);
  return object.Body.transformToByteArray();
}
