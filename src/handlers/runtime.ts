import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { CallCounter } from '../adapters/aws/call-counter';
import { createEcrRegistryPool } from '../adapters/aws/clients';
import type { EcrRegistry } from '../adapters/aws/ecr';
import type { JanitorConfig } from '../config';
import { loadConfig } from '../config';

/** Structured JSON logs for every handler. */
export const logger = new Logger({ serviceName: 'ecr-janitor' });
/** EMF metrics for every handler. */
export const metrics = new Metrics({ namespace: 'EcrJanitor', serviceName: 'ecr-janitor' });

/** What the handlers use, built once per container. */
export interface Runtime {
  config: JanitorConfig;
  counter: CallCounter;
  /** The ECR adapter of a region (clients are reused across invocations). */
  registry(region: string): EcrRegistry;
}

let cached: Runtime | undefined;

/**
 * The container's runtime, built on first use from the environment. Only what every function
 * needs lives here: the weekly run's adapters (S3, EventBridge, SNS) are in weekly-runtime.ts so the event
 * handlers' bundles do not carry those SDK clients. A bad setting fails here, at
 * cold start, with the parameter's name.
 */
export function runtime(): Runtime {
  if (cached) return cached;
  const config = loadConfig(process.env);
  const counter = new CallCounter();
  const registry = createEcrRegistryPool({
    counter,
    rateLimits: config.rateLimits,
    connectionTimeoutMs: config.connectionTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  cached = { config, counter, registry };
  return cached;
}

/** Forgets the container's runtime (tests change the environment between cases). */
export function resetRuntime(): void {
  cached = undefined;
}

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

/** Wraps a plain handler with Powertools: Lambda context and the event id in every log line, EMF metrics flushed at the end. */
export function withPowertools<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return middy(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(recordFailure);
}

/**
 * A handler built on its first invocation: the function's configuration is read and its clients
 * made once per container, at cold start, and a bad setting fails that invocation with its name.
 *
 * @example export const handler = withPowertools(lazily(() => makeHandler(planDeps(loadWeeklyConfig(process.env)))));
 */
export function lazily<E, R>(build: () => (event: E, context: Context) => Promise<R>): (event: E, context: Context) => Promise<R> {
  let built: ((event: E, context: Context) => Promise<R>) | undefined;
  return (event, context) => {
    built ??= build();
    return built(event, context);
  };
}
