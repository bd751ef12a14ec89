import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * Deployed, tracing is on, and Powertools' Tracer with the X-Ray SDK is loaded by a handler's
 * first invocation instead of its init (lambdas/commons/powertools.ts, docs/cold-starts.md):
 * the SDK clients the handler creates in its body are still traced, and nothing is loaded when
 * tracing is off.
 */
const XRAY_MIDDLEWARE = 'XRaySDKInstrumentation';
const saved = { ...process.env };

async function freshCommons(env: Record<string, string | undefined>) {
  vi.resetModules();
  Object.assign(process.env, env);
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete process.env[name];
  const powertools = await import('#commons/powertools.ts');
  const { withPowertools } = await import('#commons/middy.ts');
  return { ...powertools, withPowertools };
}

const context = {
  functionName: 'lazy-tracing',
  awsRequestId: 'request-1',
  invokedFunctionArn: 'arn:aws:lambda:ap-east-1:123456789012:function:lazy-tracing',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

function traced(client: DynamoDBClient): boolean {
  return client.middlewareStack.identify().some((name) => name.startsWith(XRAY_MIDDLEWARE));
}

afterEach(() => {
  process.env = { ...saved };
  vi.resetModules();
});

describe('X-Ray tracing loaded on first invocation', () => {
  it('traces the SDK clients a handler creates in its body, with tracing on as deployed', async () => {
    const { tracer, withPowertools } = await freshCommons({
      POWERTOOLS_TRACE_ENABLED: undefined,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: 'lazy-tracing',
      AWS_REGION: 'ap-east-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      // The X-Ray SDK only logs a missing segment outside Lambda; no daemon is contacted.
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    });
    // At init: nothing loaded yet, so a client made now would go untraced.
    expect(traced(tracer.captureAWSv3Client(new DynamoDBClient({})))).toBe(false);
    let inBody: DynamoDBClient | undefined;
    const handler = withPowertools(async () => {
      inBody = tracer.captureAWSv3Client(new DynamoDBClient({}));
      return 'done';
    });
    await expect(handler({}, context)).resolves.toBe('done');
    expect(inBody && traced(inBody)).toBe(true);
  });

  it('loads no tracer when tracing is off (the local stack)', async () => {
    const { tracer, tracingMiddleware, withPowertools } = await freshCommons({
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    expect(tracingMiddleware()).toBeUndefined();
    let inBody: DynamoDBClient | undefined;
    await withPowertools(async () => {
      inBody = tracer.captureAWSv3Client(new DynamoDBClient({}));
    })({}, context);
    expect(inBody && traced(inBody)).toBe(false);
  });
});
