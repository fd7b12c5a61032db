import * as z from 'zod';
import { DEFAULT_ARCHIVE_AFTER_DAYS, MAX_ARCHIVE_AFTER_DAYS } from './domain/archive';
import { checkCostAllocationTagKeys } from './domain/cost-groups';
import { ConfigError } from './domain/errors';
import { DEFAULT_GUARD_HORIZON_DAYS } from './domain/in-use';
import { DEFAULT_UNTAGGED_DAYS, POLICY_LIMITS } from './domain/policy';
import { REGION_NAME } from './domain/region';
import { DEFAULT_OPT_OUT_TAG } from './domain/selection';
import { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE } from './domain/weekly';
import { DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './adapters/aws/timeouts';
import { parseRateLimits, type RateLimits } from './adapters/aws/rate-limiter';

/** Every setting of the deployed janitor, typed and validated once per container. */
export interface JanitorConfig {
  /** Days after push that untagged images expire. @default 7 */
  defaultDays: number;
  /** Audit and report only; never write a policy. @default false */
  dryRun: boolean;
  /**
   * When set, untagged rules that expire images later than this many days after push are shortened
   * to it (and it is the lint's limit for `UntaggedRetentionLong`). @default undefined (off; the lint uses 30)
   */
  maxUntaggedDays: number | undefined;
  /** Regions the scheduled audit covers. @default the deploy region */
  regions: string[];
  /** Repository-name globs never changed. @default [] */
  exclude: string[];
  /** Repositories tagged with this key = true are never changed. @default 'ecr-janitor:opt-out' */
  optOutTag: string;
  /** USD per GB-month of storage. @default 0.10 */
  pricePerGbMonth: number;
  /** Repositories read at the same time. @default 8 */
  concurrency: number;
  /** The bucket for report artifacts (scheduled audit only). */
  reportBucket: string | undefined;
  /** The event bus for report events: a name or ARN. @default 'default' */
  reportBus: string;
  /** Client-side limits per ECR operation. @default none (adaptive retry only) */
  rateLimits: RateLimits;
  /** Milliseconds an AWS connection may take to open. @default 3000 */
  connectionTimeoutMs: number;
  /** Milliseconds an AWS call's attempt may wait for its answer. @default 10000 */
  requestTimeoutMs: number;
  /** The janitor's own function roles (names or ARNs), whose policy writes are not drift. */
  janitorRoles: string[];
  /**
   * The scheduled audit's own role ARN: the report warns in each region whose pull-time update
   * exclusion list lacks it. @default undefined (no check)
   */
  auditRoleArn: string | undefined;
  /** Tag keys the report groups costs by, besides the name prefix. @default [] */
  costAllocationTagKeys: string[];
  /** Days without a pull after which an image counts as archivable. @default 90 */
  archiveAfterDays: number;
  /** USD per GB-month of archive storage; unset: archive savings are not priced. @default undefined */
  archivePricePerGbMonth: number | undefined;
  /** The stack's SNS topic for the weekly summary e-mail. @default undefined (no e-mail) */
  reportTopicArn: string | undefined;
  /** The region the stack (and its report bucket) is deployed in, for the report link. */
  deployRegion: string | undefined;
  /** `on`: never write a policy that would remove an image in use; `off`: only report it. @default 'on' */
  guard: 'on' | 'off';
  /** Days ahead the guard evaluates policies for images in use. @default 7 */
  guardHorizonDays: number;
  /** An S3 object (`s3://bucket/key`) listing images in use outside ECS and Lambda (EKS, other accounts). @default undefined */
  inUseListS3Uri: string | undefined;
  /**
   * Read each region's repository tags in bulk with the Resource Groups Tagging API; false: with
   * `ListTagsForResource` per repository (an emulator without the tagging API). @default true
   */
  bulkTags: boolean;
}

/** Each setting: its environment variable, the serverless.yml parameter that sets it, and its check. */
const SETTINGS = {
  defaultDays: { env: 'DEFAULT_DAYS', param: 'defaultDays' },
  dryRun: { env: 'DRY_RUN', param: 'dryRun' },
  bulkTags: { env: 'BULK_TAGS', param: 'bulkTags' },
  maxUntaggedDays: { env: 'MAX_UNTAGGED_DAYS', param: 'maxUntaggedDays' },
  regions: { env: 'REGIONS', param: 'regions' },
  exclude: { env: 'EXCLUDE', param: 'exclude' },
  optOutTag: { env: 'OPT_OUT_TAG', param: 'optOutTag' },
  pricePerGbMonth: { env: 'PRICE_PER_GB_MONTH', param: 'pricePerGbMonth' },
  concurrency: { env: 'CONCURRENCY', param: 'concurrency' },
  rateLimits: { env: 'RATE_LIMITS', param: 'rateLimits' },
  connectionTimeoutMs: { env: 'CONNECTION_TIMEOUT_MS', param: 'connectionTimeoutMs' },
  requestTimeoutMs: { env: 'REQUEST_TIMEOUT_MS', param: 'requestTimeoutMs' },
  reportBucket: { env: 'REPORT_BUCKET', param: "(the stack's report bucket)" },
  reportBus: { env: 'REPORT_BUS', param: 'reportBus' },
  janitorRoles: { env: 'JANITOR_ROLES', param: "(the stack's function roles)" },
  auditRoleArn: { env: 'AUDIT_ROLE_ARN', param: "(the stack's audit role)" },
  costAllocationTagKeys: { env: 'COST_ALLOCATION_TAG_KEYS', param: 'costAllocationTagKeys' },
  archiveAfterDays: { env: 'ARCHIVE_AFTER_DAYS', param: 'archiveAfterDays' },
  archivePricePerGbMonth: { env: 'ARCHIVE_PRICE_PER_GB_MONTH', param: 'archivePricePerGbMonth' },
  reportTopicArn: { env: 'REPORT_TOPIC_ARN', param: "(the stack's report topic, with reportEmail)" },
  deployRegion: { env: 'AWS_REGION', param: '(the deploy region)' },
  guard: { env: 'GUARD', param: 'guard' },
  guardHorizonDays: { env: 'GUARD_HORIZON_DAYS', param: 'guardHorizonDays' },
  inUseListS3Uri: { env: 'IN_USE_LIST_S3_URI', param: 'inUseListS3Uri' },
} as const;

const ROLE = /^(arn:aws[a-z-]*:iam::\d{12}:role\/.+|[\w+=,.@-]{1,64})$/;
/** An IAM role ARN, path allowed: what ECR accepts in a pull-time update exclusion. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
/** A decimal price (no hex, no exponent): `0.10`, `0.07`. */
const PRICE = /^\d+(\.\d+)?$/;
const BUS = /^(default|[A-Za-z0-9._\-/]{1,256}|arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]+)$/;

/** The trimmed value, or undefined when unset or blank (a parameter left empty takes its default). */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const milliseconds = z
  .string()
  .regex(/^\d+$/, 'must be a whole number of milliseconds')
  .transform(Number)
  .pipe(z.number().int().min(100, 'must be at least 100 (ms)').max(600_000, 'must be at most 600000 (10 minutes)'));

const schema = z.object({
  defaultDays: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of days, 1 or more')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be 1 or more').max(36_500, 'must be at most 36500')),
  dryRun: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true'),
  bulkTags: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true'),
  maxUntaggedDays: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of days, or empty to leave untagged rules as they are')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, 'must be 1 or more')
        .max(POLICY_LIMITS.maxInteger, `must be at most ${POLICY_LIMITS.maxInteger} (ECR's largest countNumber)`),
    )
    .optional(),
  // Each region once: a region listed twice would be audited and remediated twice, doubling the totals.
  regions: z
    .string()
    .transform((v) => [...new Set(list(v))])
    .pipe(z.array(z.string().regex(REGION_NAME, 'is not an AWS region name such as eu-west-1')).min(1, 'must name at least one region')),
  exclude: z.string().transform(list),
  optOutTag: z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters (an AWS tag key)'),
  pricePerGbMonth: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a price such as 0.10')
    .transform(Number),
  concurrency: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be 1 or more').max(64, 'must be at most 64')),
  rateLimits: z.string().transform((text, ctx) => {
    try {
      return parseRateLimits(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
  connectionTimeoutMs: milliseconds,
  requestTimeoutMs: milliseconds,
  reportBucket: z.string().optional(),
  reportBus: z.string().regex(BUS, 'must be "default", an event bus name or an event bus ARN'),
  janitorRoles: z
    .string()
    .transform(list)
    .pipe(z.array(z.string().regex(ROLE, 'must list IAM role names or role ARNs'))),
  auditRoleArn: z.string().regex(ROLE_ARN, 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/ecr-janitor-audit').optional(),
  costAllocationTagKeys: z.string().transform((text, ctx) => {
    const checked = checkCostAllocationTagKeys(list(text));
    if (checked.ok) return checked.keys;
    ctx.addIssue({ code: 'custom', message: `is not a comma-separated list of tag keys: ${checked.problem}` });
    return z.NEVER;
  }),
  archiveAfterDays: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of days, 1 or more')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be 1 or more').max(MAX_ARCHIVE_AFTER_DAYS, `must be at most ${MAX_ARCHIVE_AFTER_DAYS}`)),
  archivePricePerGbMonth: z
    .string()
    .regex(PRICE, 'must be a price such as 0.07 (USD per GB-month of archive storage), or empty to leave archive savings unpriced')
    .transform(Number)
    .optional(),
  reportTopicArn: z.string().regex(TOPIC_ARN, 'must be an SNS topic ARN').optional(),
  deployRegion: z.string().optional(),
  guard: z.enum(['on', 'off'], { error: 'must be on or off' }),
  guardHorizonDays: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of days, 0 or more')
    .transform(Number)
    .pipe(z.number().int().max(3650, 'must be at most 3650')),
  inUseListS3Uri: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/, 'must be an S3 object URI such as s3://my-bucket/ecr/in-use.txt')
    .optional(),
});

/**
 * Reads and validates the configuration from environment variables; fails fast with the name of
 * the parameter (and its variable) that is wrong and what it must be.
 *
 * @example const config = loadConfig(process.env);
 * @throws ConfigError naming every invalid setting
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): JanitorConfig {
  const raw = {
    defaultDays: env.DEFAULT_DAYS ?? String(DEFAULT_UNTAGGED_DAYS),
    dryRun: (env.DRY_RUN ?? 'false').trim().toLowerCase(),
    bulkTags: (nonEmpty(env.BULK_TAGS) ?? 'true').toLowerCase(),
    // Unset or empty: off.
    maxUntaggedDays: nonEmpty(env.MAX_UNTAGGED_DAYS),
    regions: env.REGIONS !== undefined && env.REGIONS.trim() !== '' ? env.REGIONS : (env.AWS_REGION ?? ''),
    exclude: env.EXCLUDE ?? '',
    optOutTag: env.OPT_OUT_TAG ?? DEFAULT_OPT_OUT_TAG,
    pricePerGbMonth: env.PRICE_PER_GB_MONTH ?? '0.10',
    concurrency: env.CONCURRENCY ?? '8',
    rateLimits: env.RATE_LIMITS ?? '',
    connectionTimeoutMs: nonEmpty(env.CONNECTION_TIMEOUT_MS) ?? String(DEFAULT_CONNECTION_TIMEOUT_MS),
    requestTimeoutMs: nonEmpty(env.REQUEST_TIMEOUT_MS) ?? String(DEFAULT_REQUEST_TIMEOUT_MS),
    reportBucket: env.REPORT_BUCKET,
    reportBus: env.REPORT_BUS === undefined || env.REPORT_BUS.trim() === '' ? 'default' : env.REPORT_BUS.trim(),
    janitorRoles: env.JANITOR_ROLES ?? '',
    // Unset or empty: no pull-time exclusion check (the CLI, or a function deployed without the variable).
    auditRoleArn: nonEmpty(env.AUDIT_ROLE_ARN),
    costAllocationTagKeys: env.COST_ALLOCATION_TAG_KEYS ?? '',
    archiveAfterDays: nonEmpty(env.ARCHIVE_AFTER_DAYS) ?? String(DEFAULT_ARCHIVE_AFTER_DAYS),
    // Unset or empty: no archive price is invented, so the archive saving stays unpriced.
    archivePricePerGbMonth: nonEmpty(env.ARCHIVE_PRICE_PER_GB_MONTH),
    reportTopicArn: nonEmpty(env.REPORT_TOPIC_ARN),
    deployRegion: nonEmpty(env.AWS_REGION),
    guard: (nonEmpty(env.GUARD) ?? 'on').toLowerCase(),
    guardHorizonDays: nonEmpty(env.GUARD_HORIZON_DAYS) ?? String(DEFAULT_GUARD_HORIZON_DAYS),
    // Unset or empty: no list.
    inUseListS3Uri: nonEmpty(env.IN_USE_LIST_S3_URI),
  };
  const result = schema.safeParse(raw);
  const archivePrice = result.success ? result.data.archivePricePerGbMonth : undefined;
  if (result.success && archivePrice !== undefined && archivePrice > result.data.pricePerGbMonth) {
    const { env: variable, param } = SETTINGS.archivePricePerGbMonth;
    throw new ConfigError(
      `invalid configuration:\n  - parameter ${param} (${variable}=${JSON.stringify(raw.archivePricePerGbMonth)}) must not be above pricePerGbMonth (${result.data.pricePerGbMonth}): archive storage is never priced above standard storage`,
    );
  }
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path[0] as keyof typeof SETTINGS;
      const setting = SETTINGS[key];
      return `parameter ${setting.param} (${setting.env}=${JSON.stringify(raw[key])}) ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  const { maxUntaggedDays, defaultDays } = result.data;
  if (maxUntaggedDays !== undefined && maxUntaggedDays < defaultDays) {
    throw new ConfigError(
      `invalid configuration:\n  - parameter maxUntaggedDays (MAX_UNTAGGED_DAYS=${JSON.stringify(raw.maxUntaggedDays)}) must be at least defaultDays (${defaultDays}): the default rule itself would break it`,
    );
  }
  return {
    ...result.data,
    maxUntaggedDays,
    reportBucket: result.data.reportBucket,
    auditRoleArn: result.data.auditRoleArn,
    archivePricePerGbMonth: result.data.archivePricePerGbMonth,
    reportTopicArn: result.data.reportTopicArn,
    deployRegion: result.data.deployRegion,
    inUseListS3Uri: result.data.inUseListS3Uri,
  };
}

/** The settings of the weekly run's steps: the whole configuration, with the report bucket they all need. */
export type WeeklyConfig = JanitorConfig & { reportBucket: string };

/**
 * The configuration of a weekly step (Plan, a shard, Aggregate): as {@link loadConfig}, and the
 * report bucket required, since every step reads or writes its run's objects there.
 *
 * @throws ConfigError naming REPORT_BUCKET when it is unset, or the first bad setting
 */
export function loadWeeklyConfig(env: Record<string, string | undefined>): WeeklyConfig {
  const config = loadConfig(env);
  const { reportBucket } = config;
  if (reportBucket === undefined || reportBucket.trim() === '') {
    throw new ConfigError(
      "invalid configuration:\n  - REPORT_BUCKET is not set: the weekly run keeps its plan, shard results and reports in the stack's report bucket",
    );
  }
  return { ...config, reportBucket };
}

/**
 * The settings of the weekly run's state machine. No function reads them: they shape the Distributed
 * Map at deploy time, so they are checked here, by `serverless package`, and nowhere else.
 */
export interface WeeklyRunParameters {
  /** Repositories per shard (the map's `ItemBatcher.MaxItemsPerBatch`). @default 200 */
  batchSize: number;
  /** Shards that run at the same time (the map's `MaxConcurrency`). @default 4 */
  workers: number;
  /**
   * Repositories whose shards may fail, in percent of all, before the map stops (`ToleratedFailurePercentage`,
   * which Step Functions applies to items: a failed shard counts all of its repositories). @default 10
   */
  toleratedFailurePercent: number;
}

/** Shards run at once by default: four Lambda functions reading ECR, each at its client-side rate. */
export const DEFAULT_WORKERS = 4;
/**
 * The most shards at once: every worker reads ECR at its own client-side rate, so the account's rate
 * (not the map) bounds the run; beyond this the workers would only be throttled.
 */
export const MAX_WORKERS = 100;
/** Repositories whose shards may fail before the map stops, in percent. @default 10 */
export const DEFAULT_TOLERATED_FAILURE_PERCENT = 10;

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
    batchSize: nonEmpty(params.batchSize) ?? String(DEFAULT_BATCH_SIZE),
    workers: nonEmpty(params.workers) ?? String(DEFAULT_WORKERS),
    toleratedFailurePercent: nonEmpty(params.toleratedFailurePercent) ?? String(DEFAULT_TOLERATED_FAILURE_PERCENT),
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
