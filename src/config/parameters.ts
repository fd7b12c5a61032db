// The stack's parameters (serverless.yml): their defaults as the framework passes them, and the check
// of the weekly run's, which shape the state machine and reach no function.
import * as z from 'zod';
import { ConfigError } from '../domain/errors';
import {
  DEFAULT_ARCHIVE_AFTER_DAYS,
  DEFAULT_BATCH_SIZE,
  DEFAULT_BULK_TAGS,
  DEFAULT_CONCURRENCY,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_DRY_RUN,
  DEFAULT_EVENT_HANDLER_CONCURRENCY,
  DEFAULT_GUARD,
  DEFAULT_GUARD_HORIZON_DAYS,
  DEFAULT_IN_USE_SCAN,
  DEFAULT_OPT_OUT_TAG,
  DEFAULT_PRICE_PER_GB_MONTH,
  DEFAULT_REPORT_BUS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SCHEDULE,
  DEFAULT_TOLERATED_FAILURE_PERCENT,
  DEFAULT_UNTAGGED_DAYS,
  DEFAULT_WORKERS,
  MAX_BATCH_SIZE,
  MAX_WORKERS,
} from '../domain/defaults';
import { nonEmpty } from './fields';

/**
 * The stack's parameters (serverless.yml) and their defaults as the framework passes them, text; empty
 * means unset (off, none, or the deploy region). `serverless.yml` takes its `params.default` from here
 * (scripts/serverless-defaults.cjs), and `loadConfig` (janitor.ts) reads an unset variable as its default:
 * one set of numbers, from src/domain/defaults.ts.
 */
export const PARAMETER_DEFAULTS = {
  defaultDays: String(DEFAULT_UNTAGGED_DAYS),
  dryRun: String(DEFAULT_DRY_RUN),
  /** e.g. 30: untagged rules that wait longer are shortened to it; empty: off. */
  maxUntaggedDays: '',
  /** Comma-separated; empty means the deploy region. */
  regions: '',
  /** Comma-separated repository-name globs. */
  exclude: '',
  optOutTag: DEFAULT_OPT_OUT_TAG,
  /** When the weekly state machine starts. */
  schedule: DEFAULT_SCHEDULE,
  /** Repositories per shard of the weekly run. */
  batchSize: String(DEFAULT_BATCH_SIZE),
  /** Shards of the weekly run at the same time. */
  workers: String(DEFAULT_WORKERS),
  /** Percent of repositories whose shards may fail before the weekly map stops. */
  toleratedFailurePercent: String(DEFAULT_TOLERATED_FAILURE_PERCENT),
  pricePerGbMonth: DEFAULT_PRICE_PER_GB_MONTH.toFixed(2),
  /** Empty means no e-mail. */
  reportEmail: '',
  reportBus: DEFAULT_REPORT_BUS,
  concurrency: String(DEFAULT_CONCURRENCY),
  /** e.g. DescribeImages=18/5,GetLifecyclePolicy=18; empty: adaptive retry only. */
  rateLimits: '',
  /** Comma-separated tag keys to group costs by (e.g. team,cost-center); the name prefix always. */
  costAllocationTagKeys: '',
  archiveAfterDays: String(DEFAULT_ARCHIVE_AFTER_DAYS),
  /** USD per GB-month of ECR archive storage; empty: archive savings are not priced. */
  archivePricePerGbMonth: '',
  connectionTimeoutMs: String(DEFAULT_CONNECTION_TIMEOUT_MS),
  requestTimeoutMs: String(DEFAULT_REQUEST_TIMEOUT_MS),
  /** Reserved concurrency of each event handler. */
  eventHandlerConcurrency: String(DEFAULT_EVENT_HANDLER_CONCURRENCY),
  /** Empty: this is the home stack; a region name: this is a forwarder to that region. */
  homeRegion: '',
  guard: DEFAULT_GUARD,
  guardHorizonDays: String(DEFAULT_GUARD_HORIZON_DAYS),
  /** s3://bucket/key of a list of images in use (EKS, other accounts); empty: none. */
  inUseListS3Uri: '',
  /** The in-use guard's workload sources, comma-separated (ecs,lambda,events,…), all or none. */
  inUseScan: DEFAULT_IN_USE_SCAN,
  bulkTags: String(DEFAULT_BULK_TAGS),
  /** The organization's central report bucket (docs/deploy.md, Organization rollout); empty: not part of an organization rollout. */
  centralBucket: '',
  /** The organization's central event bus ARN; empty: not part of an organization rollout. */
  centralBusArn: '',
} as const satisfies Record<string, string>;

/**
 * The settings of the weekly run's state machine. No function reads them: they shape the Distributed
 * Map at deploy time, so they are checked here, by `serverless package`, and nowhere else.
 */
export interface WeeklyRunParameters {
  /** Repositories per shard (the map's `ItemBatcher.MaxItemsPerBatch`). @default {@link DEFAULT_BATCH_SIZE} */
  batchSize: number;
  /** Shards that run at the same time (the map's `MaxConcurrency`). @default {@link DEFAULT_WORKERS} */
  workers: number;
  /**
   * Repositories whose shards may fail, in percent of all, before the map stops (`ToleratedFailurePercentage`,
   * which Step Functions applies to items: a failed shard counts all of its repositories). @default {@link DEFAULT_TOLERATED_FAILURE_PERCENT}
   */
  toleratedFailurePercent: number;
}

/** A whole number from `min` to `max`, with a message that says both. */
const wholeNumber = (min: number, max: number, why: string) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}${why}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, `must be a whole number from ${min} to ${max}${why}`)
        .max(max, `must be a whole number from ${min} to ${max}${why}`),
    );

const weeklyRunSchema = z.object({
  batchSize: wholeNumber(1, MAX_BATCH_SIZE, ' (repositories per shard; a shard must finish within one 15-minute invocation)'),
  workers: wholeNumber(1, MAX_WORKERS, ' (shards at the same time; see "Sizing the weekly run" in docs/weekly-run.md)'),
  toleratedFailurePercent: wholeNumber(0, 100, ' (percent of repositories whose shards may fail before the map stops)'),
});

/**
 * Checks the weekly run's parameters as `serverless.yml` passes them (strings; empty means the
 * default) and returns them as numbers for the state machine.
 *
 * @example const { batchSize } = loadWeeklyRunParameters({ batchSize: '200', workers: '', toleratedFailurePercent: '10' });
 * @throws ConfigError naming every invalid parameter and the range it must be in
 */
export function loadWeeklyRunParameters(params: Readonly<Record<keyof WeeklyRunParameters, string | undefined>>): WeeklyRunParameters {
  const raw = {
    batchSize: nonEmpty(params.batchSize) ?? PARAMETER_DEFAULTS.batchSize,
    workers: nonEmpty(params.workers) ?? PARAMETER_DEFAULTS.workers,
    toleratedFailurePercent: nonEmpty(params.toleratedFailurePercent) ?? PARAMETER_DEFAULTS.toleratedFailurePercent,
  };
  const result = weeklyRunSchema.safeParse(raw);
  if (!result.success) {
    const problems = [
      ...new Set(
        result.error.issues.map((issue) => {
          const key = issue.path[0] as keyof WeeklyRunParameters;
          return `parameter ${key} (${JSON.stringify(raw[key])}) ${issue.message}`;
        }),
      ),
    ];
    throw new ConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return result.data;
}
