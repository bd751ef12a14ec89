import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';

/**
 * One logger, metrics and tracer for every handler. Owners' personal data never goes in a
 * log line: log references, ids and counts, not names, phones, emails or message bodies.
 */
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'complaints';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Complaints',
  // Its own notices go through our logger, errors only: "no metrics to publish" would
  // otherwise be a WARN line after every invocation of a handler that records none.
  logger: logger.createChild({ logLevel: 'ERROR' }),
});

/** What the handlers use of Powertools' Tracer. */
export interface HandlerTracer {
  captureAWSv3Client<T>(client: T): T;
}

/**
 * Powertools' Tracer and the X-Ray SDK behind it cost a cold start ~15 ms to load (bench/lambda.ts,
 * docs/cold-starts.md), and the X-Ray SDK installs async hooks that follow every promise of the
 * process. Deployed, tracing is on (CDK sets Tracing.ACTIVE): they are loaded by the handler's
 * first invocation, in the tracing middleware's `before`, so before the handler's body runs and
 * creates its SDK clients (adapters create them on first use), which are then traced as before;
 * the handler's segment, its ColdStart and Service annotations are Powertools' own. With
 * POWERTOOLS_TRACE_ENABLED=false (the local stack, which has no X-Ray daemon) they are never
 * imported, and the SDK clients go untraced.
 */
const tracingOn = process.env.POWERTOOLS_TRACE_ENABLED !== 'false';
let tracing: Awaited<ReturnType<typeof loadTracing>> | undefined;

export const tracer: HandlerTracer = {
  captureAWSv3Client: (client) => (tracing ? tracing.tracer.captureAWSv3Client(client) : client),
};

/** Powertools' handler segment middleware, loading the tracer on first use; none when tracing is off. */
export function tracingMiddleware(): MiddlewareObj | undefined {
  if (!tracingOn) return undefined;
  let segments: MiddlewareObj | undefined;
  return {
    before: async (request) => {
      tracing ??= await loadTracing();
      segments ??= tracing.middleware();
      await segments.before?.(request);
    },
    after: async (request) => {
      await segments?.after?.(request);
    },
    onError: async (request) => {
      await segments?.onError?.(request);
    },
  };
}

async function loadTracing() {
  const [{ Tracer }, { captureLambdaHandler }] = await Promise.all([
    import('@aws-lambda-powertools/tracer'),
    import('@aws-lambda-powertools/tracer/middleware'),
  ]);
  const tracer = new Tracer({ serviceName });
  return {
    tracer: tracer as HandlerTracer,
    middleware: (): MiddlewareObj => captureLambdaHandler(tracer, { captureResponse: false }),
  };
}
