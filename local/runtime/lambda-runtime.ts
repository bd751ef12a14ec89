import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { FUNCTION_SPECS, type FunctionSpec } from '#config/functions.ts';
import { runAsFunction } from './function-environment.ts';
import { LocalStackError } from './listen.ts';
import { realNow } from './scaled-clock.ts';

/** A Lambda handler module's `handler` export, as the local stack calls it. */
export type LocalHandler = (event: unknown, context: Context) => Promise<unknown>;

const DEFAULT_TIMEOUT_MS = 30_000;

/** A function's time limit, as CDK gives it (config/functions.ts timeoutSeconds, 30 s by default). */
function timeoutOf(functionName: string): number {
  const seconds = FUNCTION_SPECS.find((spec) => spec.id === functionName)?.timeoutSeconds;
  return seconds ? seconds * 1000 : DEFAULT_TIMEOUT_MS;
}

/** Invocations per function and their total wall time, for the benchmarks' cost model. */
export const invocationStats = new Map<string, { count: number; totalMs: number }>();

/**
 * Invokes a handler in-process the way the Lambda runtime would: the event and the result
 * go through JSON (so nothing that could not cross the wire slips through), with a context
 * object carrying the function's name and a fresh request id, and the function's own
 * variables (local/runtime/function-environment.ts).
 */
export async function invokeLocal(
  handler: LocalHandler,
  functionName: string,
  event: unknown,
): Promise<unknown> {
  const started = realNow();
  try {
    const payload = JSON.parse(JSON.stringify(event ?? null));
    const context = lambdaContext(functionName, randomUUID());
    const result = await runAsFunction(functionName, () => handler(payload, context));
    return result === undefined ? null : JSON.parse(JSON.stringify(result));
  } finally {
    const stats = invocationStats.get(functionName) ?? { count: 0, totalMs: 0 };
    stats.count += 1;
    stats.totalMs += realNow() - started;
    invocationStats.set(functionName, stats);
  }
}

/**
 * The context object Lambda passes a handler: the function's name and ARN, the request id, and
 * the time left. A function's time limit is wall-clock time, as on Lambda: TIME_SCALE speeds up
 * workflow time only (with a scaled clock, 30 s would run out within a millisecond at 86,400×).
 */
export function lambdaContext(functionName: string, awsRequestId: string): Context {
  const started = realNow();
  const timeout = timeoutOf(functionName);
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeout - (realNow() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Imports a function's handler module (config/functions.ts's entry, under `root`) as that
 * function, so what its module scope reads (`const TABLE_NAME = requireEnv(...)`) is its own.
 */
export async function loadHandler(
  root: string,
  spec: Pick<FunctionSpec, 'id' | 'entry'>,
): Promise<LocalHandler> {
  const url = pathToFileURL(join(root, spec.entry)).href;
  const module = (await runAsFunction(spec.id, () => import(url))) as { handler?: LocalHandler };
  if (typeof module.handler !== 'function') {
    throw new LocalStackError(`${spec.entry} does not export a handler (config/functions.ts, '${spec.id}')`);
  }
  return module.handler;
}
