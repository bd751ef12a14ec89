import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { invokeLocal } from '../../local/runtime/lambda-runtime.ts';
import { type LambdaThread, startLambdaThread } from '../../local/runtime/lambda-thread.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';

/**
 * The thread the local stack runs the workflow's functions on (local/runtime/lambda-thread.ts): it must
 * answer, fail and crash as a Lambda function does, and share the stack's clock.
 */
const FIXTURES = 'test/fixtures/thread-functions';
const functions = ['echo', 'fail', 'crash'].map((id) => ({ id, entry: join(FIXTURES, `${id}.ts`) }));

let thread: LambdaThread | undefined;
afterEach(async () => {
  await thread?.stop();
  thread = undefined;
  delete process.env.PUBLIC_APP_URL;
});

const invoke = (id: string, event: unknown) => {
  const handler = thread?.handlers.get(id);
  if (!handler) throw new Error(`no ${id}`);
  return invokeLocal(handler, id, event);
};

describe('functions on a thread of their own', () => {
  it('runs a function with its event and a Lambda context, and sees variables the stack sets later', async () => {
    thread = await startLambdaThread({ root: PROJECT_ROOT, functions, timeScale: 1, clockStart: Date.now() });
    // Set after the thread started, as the stack sets the app's URL once it listens.
    process.env.PUBLIC_APP_URL = 'http://127.0.0.1:3999';
    const answer = (await invoke('echo', { ref: 'KE-2611-0001', n: 1 })) as Record<string, unknown>;
    expect(answer.event).toEqual({ ref: 'KE-2611-0001', n: 1 });
    expect(answer.functionName).toBe('echo');
    expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.timeLeftMs).toBeGreaterThan(29_000);
    expect(answer.appUrl).toBe('http://127.0.0.1:3999');
  });

  it('fails an invocation with the error name and message the function threw, for Retry and Catch', async () => {
    thread = await startLambdaThread({ root: PROJECT_ROOT, functions, timeScale: 1, clockStart: Date.now() });
    await expect(invoke('fail', {})).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Requested resource not found',
    });
    // The thread goes on serving.
    await expect(invoke('echo', { after: 'failure' })).resolves.toMatchObject({
      event: { after: 'failure' },
    });
  });

  it('fails what was in flight when a function crashes its thread, and takes the next invocation on a new one', async () => {
    thread = await startLambdaThread({ root: PROJECT_ROOT, functions, timeScale: 1, clockStart: Date.now() });
    await expect(invoke('crash', {})).rejects.toMatchObject({
      name: 'Lambda.Unknown',
      message: expect.stringContaining('stray callback'),
    });
    await expect(invoke('echo', { after: 'crash' })).resolves.toMatchObject({ event: { after: 'crash' } });
  });

  it("keeps the stack's scaled clock: an hour a second at TIME_SCALE=3600", async () => {
    const clockStart = Date.now() - 2_000;
    thread = await startLambdaThread({ root: PROJECT_ROOT, functions, timeScale: 3600, clockStart });
    const expected = clockStart + (Date.now() - clockStart) * 3600;
    const { now } = (await invoke('echo', {})) as { now: number };
    // Two seconds since the clock started are two hours on the thread's clock.
    expect(Math.abs(now - expected)).toBeLessThan(10 * 60_000);
    expect(now - Date.now()).toBeGreaterThan(90 * 60_000);
  });

  it('refuses invocations once stopped, as the stack does when it stops', async () => {
    thread = await startLambdaThread({ root: PROJECT_ROOT, functions, timeScale: 1, clockStart: Date.now() });
    const echo = thread.handlers.get('echo');
    await thread.stop();
    await expect(echo?.({}, {} as Context)).rejects.toMatchObject({ name: 'Lambda.Unknown' });
  });
});
