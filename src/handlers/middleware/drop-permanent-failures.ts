import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import { errorCode } from '../../domain/errors';
import { logger, metrics } from '../runtime/powertools';

/** An event that can never be handled, acknowledged rather than retried: logged, counted as `EventsDropped`. */
export interface Dropped {
  status: 'dropped';
  /** The error's code (`RepositoryNotFoundException`, `InvalidInputError` …). */
  code: string;
  reason: string;
}

/**
 * Error codes that mean the event can never be handled, however often it is retried: a repository
 * deleted right after the call (`terraform destroy` deletes the policy, then the repository;
 * short-lived CI repositories), a request ECR refuses as invalid, or an event the handler refuses
 * (`InvalidInputError`: a time in the future). Throttling, 5xx and network errors are not among
 * them: those throw, and Lambda retries the event.
 */
const PERMANENT_CODES: ReadonlySet<string> = new Set([
  'RepositoryNotFoundException',
  'InvalidParameterException',
  'ValidationException',
  'InvalidInputError',
]);

/**
 * The middleware that turns a permanent failure (see `PERMANENT_CODES`) into an acknowledged
 * {@link Dropped} response, logged as a warning and counted as `EventsDropped`, instead of a throw that
 * Lambda would retry twice and then send to the dead-letter queue with an alarm. Every other error
 * is thrown as it was.
 *
 * @example middy(handleEvent).use(dropPermanentFailures())
 */
export function dropPermanentFailures(): middy.MiddlewareObj<unknown, unknown> {
  return {
    onError: (request) => {
      const code = errorCode(request.error);
      if (!PERMANENT_CODES.has(code)) return;
      const reason = request.error?.message ?? String(request.error);
      logger.warn('dropping an event that cannot succeed on retry', { code, reason });
      metrics.addMetric('EventsDropped', MetricUnit.Count, 1);
      const dropped: Dropped = { status: 'dropped', code, reason };
      request.response = dropped;
    },
  };
}
