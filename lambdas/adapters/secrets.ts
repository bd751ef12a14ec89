import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';

/**
 * Secrets Manager's GetSecretValue, for the mailbox's and the SMTP relay's credentials. The
 * project carries no Secrets Manager client, and this is its only call: one signed JSON request
 * (SigV4, the signer the SDK's own clients use) with the function's credentials from the
 * runtime. The endpoint follows the SDK's variable (`AWS_ENDPOINT_URL_SECRETS_MANAGER`), else
 * the region's, in AWS China too (`amazonaws.com.cn`).
 */

/** Values are kept this long per container, so a changed password is picked up within minutes. */
const CACHE_MS = 5 * 60_000;
const cache = new Map<string, { value: Record<string, unknown>; until: number }>();

const bytes = (data: SourceData): string | Buffer =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer
      ? Buffer.from(data)
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);

/** SHA-256 and its HMAC, as the signer wants them, from node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function endpointFor(region: string): URL {
  const configured = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  if (configured) return new URL(configured);
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://secretsmanager.${region}.${suffix}/`);
}

export class SecretError extends Error {
  override name = 'SecretError';
}

/** The secret's JSON value (a SecretString holding an object), e.g. `{"username","password"}`. */
export async function secretJson(secretId: string): Promise<Record<string, unknown>> {
  const cached = cache.get(secretId);
  if (cached && cached.until > Date.now()) return cached.value;
  // A secret named by ARN is in the ARN's region (arn:<partition>:secretsmanager:<region>:...);
  // one named by name, in the function's own.
  const region = (secretId.startsWith('arn:') && secretId.split(':')[3]) || process.env.AWS_REGION || '';
  const endpoint = endpointFor(region);
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) throw new SecretError('No AWS credentials to read the secret with');
  const signer = new SignatureV4({
    service: 'secretsmanager',
    region,
    sha256: Sha256,
    credentials: {
      accessKeyId,
      secretAccessKey,
      ...(process.env.AWS_SESSION_TOKEN ? { sessionToken: process.env.AWS_SESSION_TOKEN } : {}),
    },
  });
  const body = JSON.stringify({ SecretId: secretId });
  const signed = await signer.sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: endpoint.pathname,
    headers: {
      host: endpoint.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
    },
    body,
  });
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: signed.headers,
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const answer = (await response.json().catch(() => ({}))) as { SecretString?: string; __type?: string };
  if (!response.ok) {
    // The error's type only (ResourceNotFoundException, AccessDeniedException): never the value.
    throw new SecretError(`GetSecretValue failed: ${response.status} ${answer.__type ?? ''}`.trim());
  }
  let value: unknown;
  try {
    value = JSON.parse(answer.SecretString ?? '');
  } catch {
    value = undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new SecretError(
      'The secret is not a JSON object: set it to {"username": "...", "password": "..."}',
    );
  }
  cache.set(secretId, { value: value as Record<string, unknown>, until: Date.now() + CACHE_MS });
  return value as Record<string, unknown>;
}

/** `username` and `password` of a credentials secret, both required. */
export async function credentials(secretId: string): Promise<{ username: string; password: string }> {
  const value = await secretJson(secretId);
  const { username, password } = value;
  if (typeof username !== 'string' || !username || typeof password !== 'string' || !password) {
    throw new SecretError('The secret needs "username" and "password" (strings)');
  }
  return { username, password };
}
