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
 * The X-Ray SDK behind Powertools' Tracer installs async hooks that follow every promise of
 * the process, whether or not anything is traced. Deployed, tracing is on (CDK sets
 * Tracing.ACTIVE) and it is loaded as always; with POWERTOOLS_TRACE_ENABLED=false (the local
 * stack, which has no X-Ray daemon) it is never imported, and the SDK clients go untraced.
 */
const tracing = process.env.POWERTOOLS_TRACE_ENABLED === 'false' ? undefined : await loadTracing();

export const tracer: HandlerTracer = tracing?.tracer ?? { captureAWSv3Client: (client) => client };

/** Powertools' handler segment middleware, or none when tracing is off. */
export function tracingMiddleware(): MiddlewareObj | undefined {
  return tracing?.middleware();
}

async function loadTracing() {
  const [{ Tracer }, { captureLambdaHandler }] = await Promise.all([
    import('@aws-lambda-powertools/tracer'),
    import('@aws-lambda-powertools/tracer/middleware'),
  ]);
  const tracer = new Tracer({ serviceName });
  return {
    tracer: tracer as HandlerTracer,
    middleware: () => captureLambdaHandler(tracer, { captureResponse: false }),
  };
}
