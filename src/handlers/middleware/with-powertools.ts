import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, metrics } from '../runtime/powertools';

/**
 * Counts and logs a failure before Lambda retries the event. Registered after logMetrics, so its
 * onError runs first (middy runs onError in reverse order) and the metric is flushed with the rest.
 */
const recordFailure: middy.MiddlewareObj = {
  onError: (request) => {
    metrics.addMetric('Errors', MetricUnit.Count, 1);
    logger.error('invocation failed; Lambda will retry it, then send it to the dead-letter queue', { error: request.error as Error });
  },
};

/**
 * Wraps a function's handler with Powertools: the Lambda context and the event id in every log line,
 * EMF metrics flushed at the end, and a failure counted (`Errors`) and logged before it is rethrown.
 *
 * @example export const handler = withPowertools(lazily(() => makeHandler(deps)));
 */
export function withPowertools<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return middy(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(recordFailure);
}
