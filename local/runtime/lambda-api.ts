import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { invokeLocal, type LocalHandler } from './lambda-runtime.ts';
import { closeServer, listenOnLoopback } from './listen.ts';

/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/{FunctionName}/invocations`) on loopback, so
 * a handler that starts another function (`@aws-sdk/client-lambda` InvokeCommand, through
 * AWS_ENDPOINT_URL_LAMBDA) runs unchanged locally, with Lambda's rules:
 * - `InvocationType: Event` is answered 202 at once and run afterwards; a run that throws is
 *   run again, at most twice more (Lambda's default for asynchronous invocations), after a
 *   pause; what still fails is logged, as Lambda would drop it without a destination.
 * - `RequestResponse` (the default) answers the function's result, or its error with
 *   `X-Amz-Function-Error: Unhandled`.
 * - An event over Lambda's payload limit (1 MB asynchronous, 6 MB synchronous) is refused with
 *   413 RequestEntityTooLargeException; an unknown function with 404 ResourceNotFoundException.
 * Functions are named by name or ARN (the function id of config/functions.ts is the name).
 */
export const ASYNC_MAX_PAYLOAD_BYTES = 1_048_576;
export const SYNC_MAX_PAYLOAD_BYTES = 6_291_456;
/** Lambda retries an asynchronous invocation that failed twice. */
const ASYNC_RETRIES = 2;

export interface LocalLambdaApiOptions {
  readonly port: number;
  /** Function id → handler. */
  readonly handlers: ReadonlyMap<string, LocalHandler>;
  readonly log: (line: string) => void;
  /** Pause before a failed asynchronous invocation runs again (Lambda: about a minute, then two). @default 1000 ms */
  readonly retryDelayMs?: number;
}

export interface LocalLambdaApi {
  readonly endpoint: string;
  /** Resolves once every asynchronous invocation accepted so far has finished (its retries too). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** `my-fn`, `arn:aws:lambda:region:account:function:my-fn[:qualifier]` or `account:function:my-fn`. */
export function functionNameOf(nameOrArn: string): string {
  const decoded = decodeURIComponent(nameOrArn);
  const parts = decoded.split(':');
  const at = parts.indexOf('function');
  return at >= 0 ? (parts[at + 1] ?? '') : decoded;
}

export async function startLambdaApi(options: LocalLambdaApiOptions): Promise<LocalLambdaApi> {
  const running = new Set<Promise<void>>();
  let stopping = false;
  const delay = options.retryDelayMs ?? 1000;

  const runAsync = (id: string, handler: LocalHandler, event: unknown) => {
    const run = (async () => {
      for (let attempt = 0; attempt <= ASYNC_RETRIES; attempt++) {
        if (attempt > 0) {
          await new Promise((resolve) => setTimeout(resolve, delay * attempt));
          if (stopping) return;
        }
        try {
          await invokeLocal(handler, id, event);
          return;
        } catch (error) {
          options.log(
            `Lambda: ${id} failed (attempt ${attempt + 1} of ${ASYNC_RETRIES + 1}): ${(error as Error).message}`,
          );
        }
      }
      options.log(
        `Lambda: ${id}: the asynchronous invocation failed ${ASYNC_RETRIES + 1} times and is dropped`,
      );
    })();
    running.add(run);
    void run.finally(() => running.delete(run));
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      options.log(`Lambda: ${(error as Error).message}`);
      if (!response.headersSent) fail(response, 500, 'ServiceException', 'The local Lambda API failed');
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const matched = INVOKE_PATH.exec(url.pathname);
    if (request.method !== 'POST' || !matched) {
      fail(response, 400, 'InvalidRequestContentException', `The local Lambda API implements Invoke only`);
      return;
    }
    const id = functionNameOf(matched[1] ?? '');
    const handler = options.handlers.get(id);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (!handler) {
      fail(
        response,
        404,
        'ResourceNotFoundException',
        `Function not found: ${decodeURIComponent(matched[1] ?? '')}`,
      );
      return;
    }
    const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    const limit = type === 'Event' ? ASYNC_MAX_PAYLOAD_BYTES : SYNC_MAX_PAYLOAD_BYTES;
    if (body.length > limit) {
      fail(
        response,
        413,
        'RequestEntityTooLargeException',
        `${type === 'Event' ? 'Async' : 'Request'} payload must be smaller than ${limit} bytes`,
      );
      return;
    }
    let event: unknown;
    try {
      event = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      fail(response, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
      return;
    }
    const requestId = randomUUID();
    if (type === 'Event') {
      if (stopping) {
        fail(response, 503, 'ServiceException', 'The local stack is stopping');
        return;
      }
      runAsync(id, handler, event);
      response.writeHead(202, { 'x-amzn-requestid': requestId }).end();
      return;
    }
    if (type === 'DryRun') {
      response.writeHead(204, { 'x-amzn-requestid': requestId }).end();
      return;
    }
    try {
      const result = await invokeLocal(handler, id, event);
      response
        .writeHead(200, {
          'content-type': 'application/json',
          'x-amzn-requestid': requestId,
          'x-amz-executed-version': '$LATEST',
        })
        .end(JSON.stringify(result));
    } catch (error) {
      response
        .writeHead(200, {
          'content-type': 'application/json',
          'x-amzn-requestid': requestId,
          'x-amz-function-error': 'Unhandled',
          'x-amz-executed-version': '$LATEST',
        })
        .end(JSON.stringify({ errorType: (error as Error).name, errorMessage: (error as Error).message }));
    }
  }

  const port = await listenOnLoopback(server, options.port, 'Lambda', 'LAMBDA_PORT');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    settled: async () => {
      while (running.size) await Promise.allSettled([...running]);
    },
    stop: async () => {
      stopping = true;
      await closeServer(server);
      await Promise.allSettled([...running]);
    },
  };
}

function fail(response: ServerResponse, status: number, type: string, message: string) {
  response
    .writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-errortype': type,
      'x-amzn-requestid': randomUUID(),
    })
    .end(JSON.stringify({ Type: 'User', message }));
}
