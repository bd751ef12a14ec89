import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { closeServer, LocalStackError, listenOnLoopback } from '../../local/runtime/listen.ts';

/**
 * Fault injection for the local stack: a loopback HTTP proxy in front of each emulator that
 * answers a share of requests with the errors the real service sends under load, in the wire
 * format its SDK client parses (so the SDK's own retries, then Lambda's and Step Functions',
 * handle them as on AWS). A fault strikes either before the request is forwarded (the service
 * never applied it) or after (it was applied and only the answer was lost) — the second kind
 * is what breaks code that is not idempotent. A seeded PRNG decides, so a run can be repeated.
 */

export type FaultService = 'dynamodb' | 's3' | 'ses';
export type FaultPhase = 'before' | 'after';

export const FAULT_SERVICES: readonly FaultService[] = ['dynamodb', 's3', 'ses'];

export interface FaultOptions {
  /** Share of requests that fail, 0–1 (0.05: one in twenty). */
  readonly rate: number;
  /** Seed of the PRNG that picks the requests, the kinds and the phases. */
  readonly seed: number;
  /** Services whose requests fail. @default all three */
  readonly services?: readonly FaultService[];
  /**
   * Services whose 5xx faults may also strike after the request was applied (the response is
   * lost). Throttling never does: AWS refuses a throttled request before acting on it.
   * SES is left out by default: it has no idempotency token, so a send whose answer was lost
   * can only be sent again or not at all (see docs/operations.md, Recovery).
   * @default ['dynamodb', 's3']
   */
  readonly lostResponses?: readonly FaultService[];
  /**
   * Short outages, as throttling comes on AWS: a fault starts one with this chance, and for
   * `ms` every request to that service fails. They outlast the SDK's own three attempts, so
   * the handlers fail and their retries (Lambda's, Step Functions', the client's) take over.
   * @default none
   */
  readonly outages?: { readonly chance: number; readonly ms: number };
  /**
   * Whether faults strike a service's requests now (a test turning them on for one step, then
   * off to see the retry succeed). @default always
   */
  readonly when?: (service: FaultService) => boolean;
}

/** Faults injected so far: service → error code → phase → count; and requests seen. */
export interface FaultCounts {
  readonly requests: Record<FaultService, number>;
  readonly injected: Record<FaultService, Record<string, Record<FaultPhase, number>>>;
  /** Outages started, and the requests that failed during them (also counted in `injected`). */
  readonly outages: Record<FaultService, { started: number; failed: number }>;
  readonly total: number;
}

export interface FaultProxies {
  /** Where handlers should send each service's requests (the proxy, or the emulator itself). */
  readonly endpoints: Record<FaultService, string>;
  counts(): FaultCounts;
  stop(): Promise<void>;
}

interface FaultKind {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** May the service have applied the request before failing? (5xx: yes; throttling: no.) */
  readonly mayBeApplied: boolean;
}

const KINDS: Record<FaultService, readonly FaultKind[]> = {
  dynamodb: [
    {
      status: 400,
      code: 'ThrottlingException',
      message: 'Rate of requests exceeds the allowed throughput.',
      mayBeApplied: false,
    },
    {
      status: 400,
      code: 'ProvisionedThroughputExceededException',
      message:
        'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
      mayBeApplied: false,
    },
    { status: 500, code: 'InternalServerError', message: 'Internal server error', mayBeApplied: true },
  ],
  s3: [
    { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.', mayBeApplied: false },
    {
      status: 500,
      code: 'InternalError',
      message: 'We encountered an internal error. Please try again.',
      mayBeApplied: true,
    },
  ],
  ses: [
    { status: 400, code: 'Throttling', message: 'Maximum sending rate exceeded.', mayBeApplied: false },
    {
      status: 500,
      code: 'InternalFailure',
      message: 'The request processing has failed because of an unknown error.',
      mayBeApplied: true,
    },
  ],
};

/**
 * Puts a fault proxy in front of each service named in `options.services`; without options,
 * hands the emulators' endpoints back unchanged (the local stack's normal case).
 */
export async function withFaults(
  options: FaultOptions | undefined,
  endpoints: Record<FaultService, string>,
): Promise<FaultProxies> {
  const requests: FaultCounts['requests'] = { dynamodb: 0, s3: 0, ses: 0 };
  const injected: FaultCounts['injected'] = { dynamodb: {}, s3: {}, ses: {} };
  const outages: FaultCounts['outages'] = {
    dynamodb: { started: 0, failed: 0 },
    s3: { started: 0, failed: 0 },
    ses: { started: 0, failed: 0 },
  };
  let total = 0;
  const counts = (): FaultCounts => structuredClone({ requests, injected, outages, total });
  if (!options) return { endpoints, counts, stop: async () => undefined };
  if (!(options.rate >= 0 && options.rate <= 1)) {
    throw new LocalStackError(`Fault rate ${options.rate} must be between 0 and 1`);
  }
  if (!Number.isInteger(options.seed))
    throw new LocalStackError(`Fault seed ${options.seed} must be an integer`);
  if (options.outages && !(options.outages.chance >= 0 && options.outages.ms > 0)) {
    throw new LocalStackError('Fault outages need a chance of 0–1 and a length in ms above 0');
  }
  const services = options.services ?? FAULT_SERVICES;
  const lostResponses = new Set(options.lostResponses ?? ['dynamodb', 's3']);
  const random = mulberry32(options.seed);
  const proxied = { ...endpoints };
  const stops: (() => Promise<void>)[] = [];
  for (const service of services) {
    let outageUntil = 0;
    const proxy = await startProxy(service, new URL(endpoints[service]), (request) => {
      requests[service] += 1;
      if (!faultable(service, request)) return undefined;
      if (options.when && !options.when(service)) return undefined;
      const now = Date.now();
      if (now < outageUntil) {
        outages[service].failed += 1;
      } else {
        if (random() >= options.rate) return undefined;
        if (options.outages && random() < options.outages.chance) {
          outageUntil = now + options.outages.ms;
          outages[service].started += 1;
        }
      }
      const kinds = KINDS[service];
      const kind = kinds[Math.floor(random() * kinds.length)] as FaultKind;
      const phase: FaultPhase =
        kind.mayBeApplied && lostResponses.has(service) && random() < 0.5 ? 'after' : 'before';
      const byCode = injected[service][kind.code] ?? { before: 0, after: 0 };
      byCode[phase] += 1;
      injected[service][kind.code] = byCode;
      total += 1;
      return { kind, phase };
    });
    proxied[service] = proxy.endpoint;
    stops.push(proxy.stop);
  }
  return {
    endpoints: proxied,
    counts,
    stop: async () => {
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}

/** One line per service and error code, for test output and logs. */
export function describeFaults(counts: FaultCounts): string {
  const lines = [`faults injected: ${counts.total}`];
  for (const service of FAULT_SERVICES) {
    const kinds = Object.entries(counts.injected[service]);
    const detail = kinds
      .map(([code, by]) => `${code} ${by.before} before + ${by.after} after (response lost)`)
      .join(', ');
    const outages = counts.outages[service];
    const during = outages.started
      ? `; ${outages.started} outage(s), ${outages.failed} requests failed during them`
      : '';
    lines.push(`  ${service}: ${counts.requests[service]} requests; ${detail || 'no faults'}${during}`);
  }
  return lines.join('\n');
}

/** Requests a fault may strike: the API calls, not a browser's CORS preflight or the outbox page. */
function faultable(service: FaultService, request: IncomingMessage): boolean {
  if (request.method === 'OPTIONS') return false;
  return service !== 'ses' || request.method === 'POST';
}

async function startProxy(
  service: FaultService,
  target: URL,
  decide: (request: IncomingMessage) => { kind: FaultKind; phase: FaultPhase } | undefined,
): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server = createServer((request, response) => {
    const fault = decide(request);
    if (fault?.phase === 'before') {
      // The service never sees it: read the body so the client is not cut off, then refuse.
      request.resume();
      request.on('end', () => sendFault(service, fault.kind, request, response));
      return;
    }
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        // Forwarded as signed: the Host header stays the proxy's, which is what the client signed.
        headers: request.headers,
        agent,
      },
      (answer) => {
        if (fault) {
          // Applied by the service; the answer is lost on the way back.
          answer.resume();
          answer.on('end', () => sendFault(service, fault.kind, request, response));
          return;
        }
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`fault proxy: ${error.message}`);
    });
    request.pipe(upstream);
  });
  const port = await listenOnLoopback(server, 0, `${service} fault proxy`, 'faults');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      await closeServer(server);
      agent.destroy();
    },
  };
}

/** The error as the service sends it: JSON for DynamoDB, REST XML for S3, query XML for SES. */
function sendFault(
  service: FaultService,
  kind: FaultKind,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const requestId = randomUUID();
  let headers: Record<string, string>;
  let body: string;
  if (service === 'dynamodb') {
    headers = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': kind.code,
    };
    body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${kind.code}`, message: kind.message });
  } else if (service === 's3') {
    headers = { 'content-type': 'application/xml', 'x-amz-request-id': requestId };
    body =
      request.method === 'HEAD'
        ? ''
        : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${kind.code}</Code><Message>${kind.message}</Message><RequestId>${requestId}</RequestId><HostId>local-fault-proxy</HostId></Error>`;
  } else {
    headers = { 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
    body = `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${kind.status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${kind.code}</Code><Message>${kind.message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  }
  response.writeHead(kind.status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same sequence. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
