import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ASYNC_MAX_PAYLOAD_BYTES,
  type LocalLambdaApi,
  startLambdaApi,
} from '../../local/runtime/lambda-api.ts';
import type { LocalHandler } from '../../local/runtime/lambda-runtime.ts';

/**
 * The local Lambda Invoke API answers the SDK as Lambda does: an event invocation 202 at once
 * and run afterwards, a failed one run twice more; a synchronous one with its result or its
 * error; an unknown function and an event over 1 MB refused.
 */
let lambda: LocalLambdaApi | undefined;
afterEach(async () => {
  await lambda?.stop();
  lambda = undefined;
});

const clientOf = (api: LocalLambdaApi) =>
  new LambdaClient({
    endpoint: api.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:worker';

describe('the local Lambda Invoke API', () => {
  it('answers an event invocation 202 before the function runs, and runs a failing one three times in all', async () => {
    const seen: unknown[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handlers = new Map<string, LocalHandler>([
      [
        'worker',
        async (event) => {
          await gate;
          seen.push(event);
          throw new Error('not today');
        },
      ],
    ]);
    const lines: string[] = [];
    lambda = await startLambdaApi({ port: 0, handlers, log: (l) => lines.push(l), retryDelayMs: 10 });
    const answer = await clientOf(lambda).send(
      new InvokeCommand({
        FunctionName: ARN,
        InvocationType: 'Event',
        Payload: Buffer.from('{"jobId":"j1"}'),
      }),
    );
    expect(answer.StatusCode).toBe(202);
    expect(seen).toEqual([]);
    release();
    await lambda.settled();
    expect(seen).toEqual([{ jobId: 'j1' }, { jobId: 'j1' }, { jobId: 'j1' }]);
    expect(lines.at(-1)).toContain('failed 3 times');
  });

  it('answers a synchronous invocation with the result, or the error as Lambda reports it', async () => {
    const handlers = new Map<string, LocalHandler>([
      ['echo', async (event) => ({ got: event })],
      ['broken', async () => Promise.reject(new TypeError('bad input'))],
    ]);
    lambda = await startLambdaApi({ port: 0, handlers, log: () => undefined });
    const client = clientOf(lambda);
    const ok = await client.send(
      new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"a":1}') }),
    );
    expect(ok.StatusCode).toBe(200);
    expect(JSON.parse(Buffer.from(ok.Payload ?? []).toString())).toEqual({ got: { a: 1 } });
    const failed = await client.send(
      new InvokeCommand({ FunctionName: 'broken', Payload: Buffer.from('{}') }),
    );
    expect(failed.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(failed.Payload ?? []).toString())).toEqual({
      errorType: 'TypeError',
      errorMessage: 'bad input',
    });
  });

  it('refuses an unknown function and an event over 1 MB, as Lambda does', async () => {
    lambda = await startLambdaApi({
      port: 0,
      handlers: new Map([['worker', async () => null]]),
      log: () => undefined,
    });
    const client = clientOf(lambda);
    await expect(
      client.send(
        new InvokeCommand({ FunctionName: 'nobody', InvocationType: 'Event', Payload: Buffer.from('{}') }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const big = Buffer.from(JSON.stringify({ x: 'a'.repeat(ASYNC_MAX_PAYLOAD_BYTES) }));
    await expect(
      client.send(new InvokeCommand({ FunctionName: 'worker', InvocationType: 'Event', Payload: big })),
    ).rejects.toMatchObject({ name: 'RequestEntityTooLargeException' });
  });
});
