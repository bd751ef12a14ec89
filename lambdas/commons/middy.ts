import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, metrics, tracingMiddleware } from './powertools.ts';

/**
 * A handler with the Powertools middlewares every handler gets, then any of its own;
 * `.handler()` comes last. Events are never logged: they carry owners' personal data.
 */
export function withPowertools<TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
  ...extra: MiddlewareObj<TEvent, TResult>[]
) {
  let chain = middy<TEvent, TResult>();
  const tracing = tracingMiddleware();
  if (tracing) chain = chain.use(tracing as MiddlewareObj<TEvent, TResult>);
  chain = chain
    .use(logMetrics(metrics))
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }));
  for (const middleware of extra) chain = chain.use(middleware);
  return chain.handler(handler);
}
