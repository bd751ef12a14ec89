import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One logger, metrics and tracer for every handler. Owners' personal data never goes in a
 * log line: log references, ids and counts, not names, phones, emails or message bodies.
 */
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'complaints';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Complaints',
  // Its notices (such as "no metrics to publish") follow the log level like every other line.
  logger,
});
export const tracer = new Tracer({ serviceName });
