import { randomUUID } from 'node:crypto';
import { isMainThread, parentPort, SHARE_ENV, Worker, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import type { FunctionSpec } from '#config/functions.ts';
import {
  provideEnvironments,
  runAsFunction,
  updateVariable,
  type VariableEntries,
} from './function-environment.ts';
import { type LocalHandler, lambdaContext, loadHandler } from './lambda-runtime.ts';
import { installScaledClock } from './scaled-clock.ts';

/**
 * Lambda functions hosted on a thread of their own. On AWS every function runs in containers
 * of its own, beside the API's; here the functions the state machine invokes get a worker
 * thread, so the workflow's steps use the second core instead of queueing behind the API and
 * the SMTP intake on one event loop. The handler modules are loaded in the thread (their SDK
 * clients and module state are the thread's, as a container's are its own), each with its
 * function's own variables (local/runtime/function-environment.ts); events and results cross
 * as the Lambda runtime's do, by value.
 */

interface ThreadData {
  readonly root: string;
  readonly functions: readonly Pick<FunctionSpec, 'id' | 'entry'>[];
  readonly timeScale: number;
  readonly clockStart: number;
  readonly workflowStart: number;
  /** Each function's variables, by function id. */
  readonly environments: [string, VariableEntries][];
}

type Request = { id: number; functionName: string; event: unknown; requestId: string };
/** A variable the stack set after the thread started (the app's URL, once it listens). */
type VariableUpdate = { variable: { name: string; value: string } };
type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string } }
  | { ready: true };

export interface LambdaThread {
  /** A stand-in handler per hosted function: invoking it runs the function on the thread. */
  readonly handlers: ReadonlyMap<string, LocalHandler>;
  /** Sets a variable for the hosted functions that were given it. */
  updateVariable(name: string, value: string): void;
  stop(): Promise<void>;
}

/**
 * Starts a thread hosting `functions`. A thread that dies (an uncaught error in a handler's
 * background work) fails the invocations in flight, as a crashed container would, and a new
 * one takes the next invocation.
 */
export async function startLambdaThread(options: {
  root: string;
  functions: readonly Pick<FunctionSpec, 'id' | 'entry'>[];
  timeScale: number;
  clockStart: number;
  /** Workflow time at `clockStart` (local/runtime/scaled-clock.ts). @default clockStart */
  workflowStart?: number;
  /** Each function's variables, by id. @default none: a function not named reads process.env */
  environments?: ReadonlyMap<string, VariableEntries>;
}): Promise<LambdaThread> {
  const environments = new Map<string, Map<string, string>>();
  for (const { id } of options.functions) {
    const given = options.environments?.get(id);
    if (given) environments.set(id, new Map(given));
  }
  const data = (): ThreadData => ({
    root: options.root,
    functions: options.functions.map(({ id, entry }) => ({ id, entry })),
    timeScale: options.timeScale,
    clockStart: options.clockStart,
    workflowStart: options.workflowStart ?? options.clockStart,
    environments: [...environments].map(([id, variables]) => [id, [...variables]]),
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let stopping = false;
  let worker: Worker | undefined;
  let ready: Promise<Worker> | undefined;

  const spawn = (): Promise<Worker> => {
    // SHARE_ENV: the runtime's variables (region, endpoints) are the process's, as in-process.
    // A new thread (after a crash) starts with the functions' variables as they are now.
    const thread = new Worker(new URL(import.meta.url), { workerData: data(), env: SHARE_ENV });
    worker = thread;
    const started = new Promise<Worker>((resolve, reject) => {
      thread.once('error', reject);
      const onReady = (reply: Reply) => {
        if ('ready' in reply) {
          thread.off('message', onReady);
          thread.off('error', reject);
          resolve(thread);
        }
      };
      thread.on('message', onReady);
    });
    thread.on('message', (reply: Reply) => {
      if ('ready' in reply) return;
      const call = pending.get(reply.id);
      if (!call) return;
      pending.delete(reply.id);
      if (reply.ok) call.resolve(reply.result);
      else call.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    });
    // An error nothing caught (a handler's stray callback throwing) ends the thread, as it
    // ends a Lambda container: what was in flight fails with it, as Lambda.Unknown.
    let crash: Error | undefined;
    thread.on('error', (error) => {
      crash = error;
    });
    thread.on('exit', (code) => {
      if (worker === thread) {
        worker = undefined;
        ready = undefined;
      }
      const reason = crash ? `${crash.name}: ${crash.message}` : `exit code ${code}`;
      for (const [id, call] of pending) {
        pending.delete(id);
        call.reject(
          Object.assign(new Error(`The function's thread stopped (${reason})`), { name: 'Lambda.Unknown' }),
        );
      }
    });
    return started;
  };

  ready = spawn();
  await ready;

  const invoke = async (functionName: string, event: unknown, context: Context): Promise<unknown> => {
    if (stopping) throw Object.assign(new Error('The local stack is stopping'), { name: 'Lambda.Unknown' });
    ready ??= spawn();
    const thread = await ready;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      thread.postMessage({ id, functionName, event, requestId: context.awsRequestId } satisfies Request);
    });
  };

  return {
    handlers: new Map(
      options.functions.map(({ id }) => [
        id,
        (event: unknown, context: Context) => invoke(id, event, context),
      ]),
    ),
    updateVariable: (name, value) => {
      for (const variables of environments.values()) if (variables.has(name)) variables.set(name, value);
      worker?.postMessage({ variable: { name, value } } satisfies VariableUpdate);
    },
    stop: async () => {
      stopping = true;
      await worker?.terminate();
    },
  };
}

/** The thread's side: load the functions, then run each invocation posted to it. */
async function serve(data: ThreadData): Promise<void> {
  installScaledClock(data.timeScale, data.clockStart, data.workflowStart);
  provideEnvironments(new Map(data.environments));
  const handlers = new Map<string, LocalHandler>();
  for (const spec of data.functions) handlers.set(spec.id, await loadHandler(data.root, spec));
  const port = parentPort;
  if (!port) return;
  port.on('message', (message: Request | VariableUpdate) => {
    if ('variable' in message) {
      updateVariable(message.variable.name, message.variable.value);
      return;
    }
    const request = message;
    const handler = handlers.get(request.functionName);
    const context = lambdaContext(request.functionName, request.requestId || randomUUID());
    const run = handler
      ? runAsFunction(request.functionName, () => handler(request.event, context))
      : Promise.reject(new Error(`No function ${request.functionName} on this thread`));
    run.then(
      (result) => port.postMessage({ id: request.id, ok: true, result: result ?? null } satisfies Reply),
      (error: unknown) => {
        const err = error instanceof Error ? error : new Error(String(error));
        port.postMessage({
          id: request.id,
          ok: false,
          error: { name: err.name || 'Error', message: err.message },
        } satisfies Reply);
      },
    );
  });
  port.postMessage({ ready: true } satisfies Reply);
}

if (!isMainThread && (workerData as ThreadData | undefined)?.functions) {
  await serve(workerData as ThreadData);
}
