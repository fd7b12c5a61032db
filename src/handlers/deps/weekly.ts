import { S3Client } from '@aws-sdk/client-s3';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { CallCounter } from '../../adapters/aws/call-counter';
import { baseClientConfig, createEcrClientPool, createEcrRegistryPool, createTaggingClient } from '../../adapters/aws/clients';
import { EventBridgePublisher } from '../../adapters/aws/eventbridge-publisher';
import { createRegistrySettings } from '../../adapters/aws/ecr-registry-settings';
import { EXCLUSION_CHECK_MAX_ATTEMPTS, EcrPullTimeExclusionCheck } from '../../adapters/aws/pull-time-exclusions';
import { S3ReportStore } from '../../adapters/aws/s3-report-store';
import { SnsNotifier } from '../../adapters/aws/sns-notifier';
import { TaggingApiTagIndex } from '../../adapters/aws/tagging';
import { reportRenderer } from '../../adapters/render/report-renderer';
import { DEFAULT_KEEP_PULLED_DAYS, DEFAULT_LINT_MAX_UNTAGGED_DAYS, DEFAULT_ROLLBACK_MARGIN, FALLBACK_REGION } from '../../domain/defaults';
import type { WeeklyConfig } from '../../config';
import type { AggregateDeps } from '../../use-cases/weekly/aggregate';
import type { ShardDeps } from '../../use-cases/weekly/audit-shard';
import type { PlanDeps, PlanSettings } from '../../use-cases/weekly/plan';
import { deployedInUse } from './in-use';

// The adapters of the weekly run's three functions, built once per container from the function's
// configuration. Every AWS client of a function shares the configured timeouts; the registries'
// calls (ECR, tagging, the in-use sources) go to the counter the report shows, the bucket's to `storage`.

function shared(config: WeeklyConfig) {
  const counter = new CallCounter();
  const region = config.deployRegion ?? config.regions[0] ?? FALLBACK_REGION;
  const timeouts = { connectionTimeoutMs: config.connectionTimeoutMs, requestTimeoutMs: config.requestTimeoutMs };
  const s3 = new S3Client({ ...baseClientConfig({ region, ...timeouts }), followRegionRedirects: true });
  // The bucket's calls are counted apart: the report's apiCalls are the registries' calls.
  const storage = new CallCounter();
  storage.attach(s3);
  return { counter, region, timeouts, s3, storage, store: new S3ReportStore(s3, config.reportBucket, region) };
}

/** Plan's adapters: the registries with their bulk tag readers and settings (creation templates …), the in-use sources, the bucket. */
export function planDeps(config: WeeklyConfig): PlanDeps & { bucket: string; settings: (now: number) => PlanSettings } {
  const { counter, timeouts, s3, store } = shared(config);
  const registry = createEcrRegistryPool({ counter, rateLimits: config.rateLimits, ...timeouts });
  const registries = config.regions.map((region) => {
    if (!config.bulkTags) return { reader: registry(region) };
    const tagging = createTaggingClient({ region, ...timeouts });
    counter.attach(tagging);
    return { reader: registry(region), tags: new TaggingApiTagIndex({ client: tagging, region }) };
  });
  return {
    registries,
    registrySettings: config.regions.map((region) => createRegistrySettings({ region, counter, ...timeouts })),
    bucket: config.reportBucket,
    store,
    counter,
    inUse: deployedInUse(config, counter, () => s3),
    settings: (now) => ({
      now,
      days: config.defaultDays,
      lintMaxUntaggedDays: config.enforcedMaxUntaggedDays ?? DEFAULT_LINT_MAX_UNTAGGED_DAYS,
      ...(config.enforcedMaxUntaggedDays === undefined ? {} : { enforcedMaxUntaggedDays: config.enforcedMaxUntaggedDays }),
      pricePerGbMonth: config.pricePerGbMonth,
      selection: { optOutTag: config.optOutTag, exclude: config.exclude },
      costAllocationTagKeys: config.costAllocationTagKeys,
      archiveAfterDays: config.archiveAfterDays,
      archivePricePerGbMonth: config.archivePricePerGbMonth ?? null,
      apply: !config.dryRun,
      // The stack's ledger function records what lifecycle policies do in the bucket: every run reads it.
      readLedger: true,
      guard: { mode: config.guard, horizonDays: config.guardHorizonDays },
      // The weekly run advises a policy per repository and writes the advice file next to the report.
      advice: { keepPulledDays: DEFAULT_KEEP_PULLED_DAYS, rollbackMargin: DEFAULT_ROLLBACK_MARGIN },
    }),
  };
}

/** The ledger function's adapters: the bucket, and the regions whose events it records. */
export function ledgerDeps(config: WeeklyConfig): { store: S3ReportStore; regions: readonly string[] } {
  return { store: shared(config).store, regions: config.regions };
}

/** A shard's adapters: the registries (rate-limited as configured: the per-worker rate) and the bucket. */
export function shardDeps(config: WeeklyConfig): ShardDeps & { concurrency: number } {
  const { counter, timeouts, store } = shared(config);
  const registry = createEcrRegistryPool({ counter, rateLimits: config.rateLimits, ...timeouts });
  return {
    registry: (region) => ({ reader: registry(region), writer: registry(region) }),
    store,
    counter,
    concurrency: config.concurrency,
  };
}

/** Aggregate's adapters: the bucket, the report bus, the e-mail topic, the pull-time check. */
export function aggregateDeps(config: WeeklyConfig): AggregateDeps {
  const { counter, region, timeouts, s3, store } = shared(config);
  const clientConfig = baseClientConfig({ region, ...timeouts });
  const events = new EventBridgeClient(clientConfig);
  counter.attach(events);
  let notifier: SnsNotifier | undefined;
  if (config.reportTopicArn !== undefined) {
    const sns = new SNSClient(clientConfig);
    counter.attach(sns);
    notifier = new SnsNotifier(sns, config.reportTopicArn);
  }
  const publisher = new EventBridgePublisher(events, config.reportBus);
  // The central bucket is in the home region too (the organization stack's); the client follows a redirect if not.
  const { centralBucket, accountId } = config;
  const central =
    centralBucket === undefined || accountId === undefined ? undefined : { store: new S3ReportStore(s3, centralBucket, region), accountId };
  const publish = { store, publisher, renderer: reportRenderer, ...(notifier ? { notifier } : {}), ...(central ? { central } : {}) };
  const roleArn = config.auditRoleArn;
  const check = new EcrPullTimeExclusionCheck(createEcrClientPool({ counter, maxAttempts: EXCLUSION_CHECK_MAX_ATTEMPTS, ...timeouts }));
  return { store, publish, counter, ...(roleArn === undefined ? {} : { pullTimes: { check, roleArn } }) };
}
