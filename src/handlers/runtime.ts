import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { CallCounter } from '../adapters/aws/call-counter';
import { createEcrClientPool } from '../adapters/aws/clients';
import { EcrRegistry } from '../adapters/aws/ecr';
import { EventBridgePublisher } from '../adapters/aws/eventbridge-publisher';
import { S3ReportStore } from '../adapters/aws/s3-report-store';
import type { JanitorConfig } from '../config';
import { loadConfig } from '../config';
import { ConfigError } from '../domain/errors';
import type { EventPublisher, ReportStore } from '../ports/report';

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
  /** The report bucket; throws when the function has none configured. */
  reportStore(): ReportStore;
  publisher(): EventPublisher;
}

let cached: Runtime | undefined;

/**
 * The container's runtime, built on first use from the environment. A bad setting fails here, at
 * cold start, with the parameter's name.
 */
export function runtime(): Runtime {
  if (cached) return cached;
  const config = loadConfig(process.env);
  const counter = new CallCounter();
  const clientFor = createEcrClientPool({ counter });
  const registries = new Map<string, EcrRegistry>();
  let store: ReportStore | undefined;
  let publisher: EventPublisher | undefined;
  cached = {
    config,
    counter,
    registry(region) {
      let registry = registries.get(region);
      if (!registry) {
        registry = new EcrRegistry({ client: clientFor(region), region });
        registries.set(region, registry);
      }
      return registry;
    },
    reportStore() {
      if (!config.reportBucket) throw new ConfigError('REPORT_BUCKET is not set: the scheduled audit needs the stack\'s report bucket');
      if (!store) {
        const s3 = new S3Client({ retryMode: 'adaptive' });
        counter.attach(s3);
        store = new S3ReportStore(s3, config.reportBucket);
      }
      return store;
    },
    publisher() {
      if (!publisher) {
        const events = new EventBridgeClient({ retryMode: 'adaptive' });
        counter.attach(events);
        publisher = new EventBridgePublisher(events, config.reportBus);
      }
      return publisher;
    },
  };
  return cached;
}

/** Forgets the container's runtime (tests change the environment between cases). */
export function resetRuntime(): void {
  cached = undefined;
}

/** Wraps a plain handler with Powertools: Lambda context and the event id in every log line, EMF metrics flushed at the end. */
export function withPowertools<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return middy(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}
