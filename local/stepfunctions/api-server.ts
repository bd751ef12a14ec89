import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LocalStepFunctions, SfnServiceError } from './engine.ts';

/**
 * The Step Functions JSON API (awsJson1_0, `X-Amz-Target: AWSStepFunctions.<Operation>`) on
 * loopback, so handlers use `@aws-sdk/client-sfn` unchanged through AWS_ENDPOINT_URL_SFN.
 */
const OPERATIONS: Record<string, (sfn: LocalStepFunctions, body: never) => unknown> = {
  // Answered once the execution is on disk: a started complaint survives a kill of the stack.
  StartExecution: async (sfn, body) => {
    const started = sfn.startExecution(body);
    await sfn.persisted(started.executionArn);
    return started;
  },
  DescribeExecution: (sfn, body) => sfn.describeExecution(body),
  GetExecutionHistory: (sfn, body) => sfn.getExecutionHistory(body),
  ListExecutions: (sfn, body) => sfn.listExecutions(body),
  ListStateMachines: (sfn, body) => sfn.listStateMachines(body),
  DescribeStateMachine: (sfn, body) => sfn.describeStateMachine(body),
  DescribeStateMachineForExecution: (sfn, body) => sfn.describeStateMachineForExecution(body),
  // Answered once the redriven execution is on disk, as StartExecution is.
  RedriveExecution: async (sfn, body: { executionArn?: string }) => {
    const redriven = await sfn.redriveExecution(body);
    await sfn.persisted(body.executionArn ?? '');
    return redriven;
  },
  StopExecution: (sfn, body) => sfn.stopExecution(body),
  SendTaskSuccess: (sfn, body) => sfn.sendTaskSuccess(body),
  SendTaskFailure: (sfn, body) => sfn.sendTaskFailure(body),
  SendTaskHeartbeat: (sfn, body) => sfn.sendTaskHeartbeat(body),
};

export function stepFunctionsApi(sfn: LocalStepFunctions) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body, (_key, value) =>
        value instanceof Date ? value.getTime() / 1000 : value,
      );
      response.writeHead(status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': crypto.randomUUID(),
      });
      response.end(text);
    };
    if (request.method === 'GET') {
      send(200, sfn.executionsSummary());
      return;
    }
    const run = OPERATIONS[operation];
    if (!run) {
      send(400, {
        __type: 'UnknownOperationException',
        message: `The local stack does not implement ${operation || target}`,
      });
      return;
    }
    let body: unknown;
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {
      send(400, { __type: 'SerializationException', message: 'Request body is not JSON' });
      return;
    }
    try {
      send(200, toWire(await run(sfn, body as never)));
    } catch (error) {
      if (error instanceof SfnServiceError) {
        send(error.statusCode, { __type: error.type, message: error.message });
      } else {
        send(500, { __type: 'InternalFailure', message: (error as Error).message });
      }
    }
  };
}

/** Timestamps go over the wire as epoch seconds, as the real service sends them. */
function toWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        (k.endsWith('Date') || k === 'timestamp') && typeof v === 'string' ? Date.parse(v) / 1000 : toWire(v),
      ]),
    );
  }
  return value;
}
