import type { ECRClient } from '@aws-sdk/client-ecr';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { baseClientConfig, createEcrClientPool } from '../adapters/aws/clients';
import { EventBridgePublisher } from '../adapters/aws/eventbridge-publisher';
import { S3ReportStore } from '../adapters/aws/s3-report-store';
import { SnsNotifier } from '../adapters/aws/sns-notifier';
import { reportRenderer } from '../adapters/render/report-renderer';
import { ConfigError } from '../domain/errors';
import type { EventPublisher, ReportNotifier, ReportRenderer, ReportStore } from '../ports/report';
import type { Runtime } from './runtime';

/** The scheduled audit's report adapters, built once per container runtime. */
export interface ReportAdapters {
  store: ReportStore;
  publisher: EventPublisher;
  renderer: ReportRenderer;
  /** The summary e-mail's topic; absent when the stack has no `reportEmail`. */
  notifier?: ReportNotifier;
  /**
   * The ECR client of a region for the pull-time exclusion check: apart from the audit's clients, so
   * its two attempts do not apply to the audit, and its calls do not share their rate limits.
   */
  exclusionsClient(region: string): ECRClient;
}

/**
 * Attempts of the pull-time exclusion check: one retry for a transient failure, no more. An answer
 * that does not come (an emulator without the call answers 500) only costs a report warning, so it
 * must not hold the run up through eight adaptive retries.
 */
export const EXCLUSION_CHECK_MAX_ATTEMPTS = 2;

// Keyed by the runtime, so resetRuntime() (a new runtime) also means new report adapters.
const built = new WeakMap<Runtime, ReportAdapters>();

/**
 * The report bucket and event bus adapters and the pull-time exclusion check's ECR clients of the
 * container, and the renderer of the artifacts. Their calls go through the runtime's counter; the
 * report's own `apiCalls` are taken before it is published, so they hold the audit's ECR calls. Throws when the function has no report bucket configured.
 */
export function reportAdapters(rt: Runtime): ReportAdapters {
  const existing = built.get(rt);
  if (existing) return existing;
  if (!rt.config.reportBucket) throw new ConfigError("REPORT_BUCKET is not set: the scheduled audit needs the stack's report bucket");
  // The report link is built from the stack's own bucket and region, never from an event.
  const bucketRegion = rt.config.deployRegion ?? rt.config.regions[0] ?? 'us-east-1';
  const timeouts = { connectionTimeoutMs: rt.config.connectionTimeoutMs, requestTimeoutMs: rt.config.requestTimeoutMs };
  // The stack's own services, with the same timeouts as ECR: a silent endpoint fails the call, not the invocation.
  const clientConfig = baseClientConfig({ region: bucketRegion, ...timeouts });
  const s3 = new S3Client(clientConfig);
  const events = new EventBridgeClient(clientConfig);
  rt.counter.attach(s3);
  rt.counter.attach(events);
  const adapters: ReportAdapters = {
    store: new S3ReportStore(s3, rt.config.reportBucket, bucketRegion),
    publisher: new EventBridgePublisher(events, rt.config.reportBus),
    renderer: reportRenderer,
    exclusionsClient: createEcrClientPool({ counter: rt.counter, maxAttempts: EXCLUSION_CHECK_MAX_ATTEMPTS, ...timeouts }),
  };
  if (rt.config.reportTopicArn !== undefined) {
    const sns = new SNSClient(clientConfig);
    rt.counter.attach(sns);
    adapters.notifier = new SnsNotifier(sns, rt.config.reportTopicArn);
  }
  built.set(rt, adapters);
  return adapters;
}
