import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CopyObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SESEvent } from 'aws-lambda';
import { tracer } from '#commons/powertools.ts';

/**
 * Moving received mail to the intake function where SES does not hand it over itself: the raw
 * message into the raw-mail bucket (as the receipt rule's S3 action stores it), then an event
 * invocation of intake-email with the SES-shaped event (as its Lambda action invokes it).
 * Clients are kept per region: the forwarder writes to, and invokes in, the home region.
 */
const s3Clients = new Map<string, S3Client>();
const lambdaClients = new Map<string, LambdaClient>();

function s3In(region: string | undefined): S3Client {
  const key = region ?? '';
  let client = s3Clients.get(key);
  if (!client) {
    client = tracer.captureAWSv3Client(new S3Client(region ? { region } : {}));
    s3Clients.set(key, client);
  }
  return client;
}

function lambdaIn(region: string | undefined): LambdaClient {
  const key = region ?? '';
  let client = lambdaClients.get(key);
  if (!client) {
    client = tracer.captureAWSv3Client(new LambdaClient(region ? { region } : {}));
    lambdaClients.set(key, client);
  }
  return client;
}

export interface RawMailLocation {
  readonly bucket: string;
  readonly key: string;
  /** The bucket's region, when not the function's own. */
  readonly region?: string;
}

/** Stores a raw message. The key is the message's id: storing it again writes the same bytes. */
export async function putRawMessage(to: RawMailLocation, raw: Buffer): Promise<void> {
  await s3In(to.region).send(
    new PutObjectCommand({ Bucket: to.bucket, Key: to.key, Body: raw, ContentType: 'message/rfc822' }),
  );
}

/** Copies a raw message between buckets (across regions too), server side: the bytes stay in S3. */
export async function copyRawMessage(
  from: { bucket: string; key: string },
  to: RawMailLocation,
): Promise<void> {
  await s3In(to.region).send(
    new CopyObjectCommand({
      Bucket: to.bucket,
      Key: to.key,
      CopySource: `${from.bucket}/${from.key.split('/').map(encodeURIComponent).join('/')}`,
    }),
  );
}

/**
 * Invokes the intake function asynchronously with the event, as SES's Lambda action does:
 * once Lambda has accepted it (202), its own retries and dead-letter queue keep it.
 * `functionName` is a name or an ARN; an ARN's region is where the invocation goes.
 */
export async function handOffToIntake(functionName: string, event: SESEvent): Promise<void> {
  const region = functionName.startsWith('arn:') ? functionName.split(':')[3] : undefined;
  const result = await lambdaIn(region).send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify(event)),
    }),
  );
  if (result.StatusCode !== 202) throw new Error(`Intake invocation answered ${result.StatusCode}, not 202`);
}
