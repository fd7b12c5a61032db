import * as z from 'zod';
import { checkCostAllocationTagKeys } from './domain/cost-groups';
import { ConfigError } from './domain/errors';
import { parseInUseScan, type WorkloadSource } from './domain/in-use';
import { POLICY_LIMITS } from './domain/policy';
import { REGION_NAME } from './domain/region';
import { parseRateLimits, type RateLimits } from './adapters/aws/rate-limiter';
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
  MAX_ARCHIVE_AFTER_DAYS,
  MAX_BATCH_SIZE,
  MAX_CONCURRENCY,
  MAX_DEPLOYED_UNTAGGED_DAYS,
  MAX_GUARD_HORIZON_DAYS,
  MAX_PRICE_PER_GB_MONTH,
  MAX_TAG_KEY_LENGTH,
  MAX_TIMEOUT_MS,
  MAX_WORKERS,
  MIN_TIMEOUT_MS,
} from './domain/defaults';
import { readPricePerGbMonth } from './domain/money';

/** Every setting of the deployed janitor, typed and validated once per container. */
export interface JanitorConfig {
  /** Days after push that untagged images expire. @default {@link DEFAULT_UNTAGGED_DAYS} */
  defaultDays: number;
  /** Audit and report only; never write a policy. @default {@link DEFAULT_DRY_RUN} */
  dryRun: boolean;
  /**
   * The enforced maximum untagged age (parameter `maxUntaggedDays`): untagged rules expiring images later are shortened to it,
   * and the weekly lint warns above it. @default undefined (off; the lint uses `DEFAULT_LINT_MAX_UNTAGGED_DAYS`)
   */
  enforcedMaxUntaggedDays: number | undefined;
  /** Regions the scheduled audit covers. @default the deploy region */
  regions: string[];
  /** Repository-name globs never changed. @default [] */
  exclude: string[];
  /** Repositories tagged with this key = true are never changed. @default {@link DEFAULT_OPT_OUT_TAG} */
  optOutTag: string;
  /** USD per GB-month of storage. @default {@link DEFAULT_PRICE_PER_GB_MONTH} */
  pricePerGbMonth: number;
  /** Repositories read at the same time. @default {@link DEFAULT_CONCURRENCY} */
  concurrency: number;
  /** The bucket for report artifacts (scheduled audit only). */
  reportBucket: string | undefined;
  /** The table where onPolicyChanged keeps the newest team write per repository and its repair lease. @default undefined (the stack sets it) */
  repairTable: string | undefined;
  /** The event bus for report events: a name or ARN. @default {@link DEFAULT_REPORT_BUS} */
  reportBus: string;
  /** Client-side limits per ECR operation. @default none (adaptive retry only) */
  rateLimits: RateLimits;
  /** Milliseconds an AWS connection may take to open. @default {@link DEFAULT_CONNECTION_TIMEOUT_MS} */
  connectionTimeoutMs: number;
  /** Milliseconds an AWS call's attempt may wait for its answer. @default {@link DEFAULT_REQUEST_TIMEOUT_MS} */
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
  /** Days without a pull after which an image counts as archivable. @default {@link DEFAULT_ARCHIVE_AFTER_DAYS} */
  archiveAfterDays: number;
  /** USD per GB-month of archive storage; unset: archive savings are not priced. @default undefined */
  archivePricePerGbMonth: number | undefined;
  /** The stack's SNS topic for the weekly summary e-mail. @default undefined (no e-mail) */
  reportTopicArn: string | undefined;
  /** The region the stack (and its report bucket) is deployed in, for the report link. */
  deployRegion: string | undefined;
  /** `on`: never write a policy that would remove an image in use; `off`: only report it. @default {@link DEFAULT_GUARD} */
  guard: 'on' | 'off';
  /** Days ahead the guard evaluates policies for images in use. @default {@link DEFAULT_GUARD_HORIZON_DAYS} */
  guardHorizonDays: number;
  /** An S3 object (`s3://bucket/key`) listing images in use outside ECS and Lambda (EKS, other accounts). @default undefined */
  inUseListS3Uri: string | undefined;
  /** The workload sources the in-use guard reads in every region. @default {@link DEFAULT_IN_USE_SCAN} (every source) */
  inUseScan: WorkloadSource[];
  /**
   * Read each region's repository tags in bulk with the Resource Groups Tagging API; false: with
   * `ListTagsForResource` per repository (an emulator without the tagging API). @default {@link DEFAULT_BULK_TAGS}
   */
  bulkTags: boolean;
  /**
   * The organization's central bucket: the weekly run also writes its JSON report there, under
   * `accounts/<accountId>/`. @default undefined (not part of an organization rollout)
   */
  centralBucket: string | undefined;
  /** This account's id (the stack's `AWS::AccountId`): the central bucket's folder. Required with centralBucket. */
  accountId: string | undefined;
}

/**
 * The stack's parameters (serverless.yml) and their defaults as the framework passes them, text; empty
 * means unset (off, none, or the deploy region). `serverless.yml` takes its `params.default` from here
 * (scripts/serverless-defaults.cjs), and {@link loadConfig} reads an unset variable as its default:
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
  repairTable: { env: 'REPAIR_TABLE', param: "(the stack's repair table)" },
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
  inUseScan: { env: 'IN_USE_SCAN', param: 'inUseScan' },
  centralBucket: { env: 'CENTRAL_BUCKET', param: 'centralBucket' },
  accountId: { env: 'ACCOUNT_ID', param: "(the stack's account)" },
} as const;

const ROLE = /^(arn:aws[a-z-]*:iam::\d{12}:role\/.+|[\w+=,.@-]{1,64})$/;
/** An IAM role ARN, path allowed: what ECR accepts in a pull-time update exclusion. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
/** An S3 bucket name without dots (a dotted name breaks virtual-hosted HTTPS). */
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
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
  .pipe(
    z
      .number()
      .int()
      .min(MIN_TIMEOUT_MS, `must be at least ${MIN_TIMEOUT_MS} (ms)`)
      .max(MAX_TIMEOUT_MS, `must be at most ${MAX_TIMEOUT_MS} (10 minutes)`),
  );

/**
 * A price in USD per GB-month by the one price grammar ({@link readPricePerGbMonth}); `example`
 * and `what` go into the message.
 */
const price = (example: string, what: string) =>
  z.string().transform((text, ctx) => {
    const read = readPricePerGbMonth(text);
    if (read.ok) return read.usdPerGbMonth;
    ctx.addIssue({
      code: 'custom',
      message:
        read.problem === 'above-maximum'
          ? `must be at most ${MAX_PRICE_PER_GB_MONTH} (USD per GB-month; is it in the right unit?)`
          : `must be a price such as ${example} (${what}: a decimal number from 0 to ${MAX_PRICE_PER_GB_MONTH}, digits and one decimal point only)`,
    });
    return z.NEVER;
  });

/** Text read by `parse`; the message of what it throws is the setting's problem. */
const parsedBy = <T>(parse: (text: string) => T) =>
  z.string().transform((text, ctx) => {
    try {
      return parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const schema = z.object({
  defaultDays: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of days, 1 or more')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be 1 or more').max(MAX_DEPLOYED_UNTAGGED_DAYS, `must be at most ${MAX_DEPLOYED_UNTAGGED_DAYS}`)),
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
  optOutTag: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(MAX_TAG_KEY_LENGTH, `must be at most ${MAX_TAG_KEY_LENGTH} characters (an AWS tag key)`),
  pricePerGbMonth: price('0.10', 'USD per GB-month of storage'),
  concurrency: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be 1 or more').max(MAX_CONCURRENCY, `must be at most ${MAX_CONCURRENCY}`)),
  rateLimits: parsedBy(parseRateLimits),
  connectionTimeoutMs: milliseconds,
  requestTimeoutMs: milliseconds,
  reportBucket: z.string().optional(),
  repairTable: z.string().optional(),
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
  archivePricePerGbMonth: price('0.07', 'USD per GB-month of archive storage, or empty to leave archive savings unpriced').optional(),
  reportTopicArn: z.string().regex(TOPIC_ARN, 'must be an SNS topic ARN').optional(),
  deployRegion: z.string().optional(),
  guard: z.enum(['on', 'off'], { error: 'must be on or off' }),
  guardHorizonDays: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of days, 0 or more')
    .transform(Number)
    .pipe(z.number().int().max(MAX_GUARD_HORIZON_DAYS, `must be at most ${MAX_GUARD_HORIZON_DAYS}`)),
  inUseListS3Uri: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/, 'must be an S3 object URI such as s3://my-bucket/ecr/in-use.txt')
    .optional(),
  inUseScan: parsedBy(parseInUseScan),
  centralBucket: z
    .string()
    .regex(
      BUCKET,
      'must be an S3 bucket name (3 to 63 lowercase letters, digits and hyphens), or empty when the account is not part of an organization rollout',
    )
    .optional(),
  accountId: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
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
    defaultDays: env.DEFAULT_DAYS ?? PARAMETER_DEFAULTS.defaultDays,
    dryRun: (env.DRY_RUN ?? PARAMETER_DEFAULTS.dryRun).trim().toLowerCase(),
    bulkTags: (nonEmpty(env.BULK_TAGS) ?? PARAMETER_DEFAULTS.bulkTags).toLowerCase(),
    // Unset or empty: off.
    maxUntaggedDays: nonEmpty(env.MAX_UNTAGGED_DAYS),
    regions: env.REGIONS !== undefined && env.REGIONS.trim() !== '' ? env.REGIONS : (env.AWS_REGION ?? ''),
    exclude: env.EXCLUDE ?? '',
    optOutTag: env.OPT_OUT_TAG ?? PARAMETER_DEFAULTS.optOutTag,
    pricePerGbMonth: env.PRICE_PER_GB_MONTH ?? PARAMETER_DEFAULTS.pricePerGbMonth,
    concurrency: env.CONCURRENCY ?? PARAMETER_DEFAULTS.concurrency,
    rateLimits: env.RATE_LIMITS ?? '',
    connectionTimeoutMs: nonEmpty(env.CONNECTION_TIMEOUT_MS) ?? PARAMETER_DEFAULTS.connectionTimeoutMs,
    requestTimeoutMs: nonEmpty(env.REQUEST_TIMEOUT_MS) ?? PARAMETER_DEFAULTS.requestTimeoutMs,
    reportBucket: env.REPORT_BUCKET,
    repairTable: nonEmpty(env.REPAIR_TABLE),
    reportBus: nonEmpty(env.REPORT_BUS) ?? PARAMETER_DEFAULTS.reportBus,
    janitorRoles: env.JANITOR_ROLES ?? '',
    // Unset or empty: no pull-time exclusion check (the CLI, or a function deployed without the variable).
    auditRoleArn: nonEmpty(env.AUDIT_ROLE_ARN),
    costAllocationTagKeys: env.COST_ALLOCATION_TAG_KEYS ?? '',
    archiveAfterDays: nonEmpty(env.ARCHIVE_AFTER_DAYS) ?? PARAMETER_DEFAULTS.archiveAfterDays,
    // Unset or empty: no archive price is invented, so the archive saving stays unpriced.
    archivePricePerGbMonth: nonEmpty(env.ARCHIVE_PRICE_PER_GB_MONTH),
    reportTopicArn: nonEmpty(env.REPORT_TOPIC_ARN),
    deployRegion: nonEmpty(env.AWS_REGION),
    guard: (nonEmpty(env.GUARD) ?? PARAMETER_DEFAULTS.guard).toLowerCase(),
    guardHorizonDays: nonEmpty(env.GUARD_HORIZON_DAYS) ?? PARAMETER_DEFAULTS.guardHorizonDays,
    // Unset or empty: no list.
    inUseListS3Uri: nonEmpty(env.IN_USE_LIST_S3_URI),
    inUseScan: nonEmpty(env.IN_USE_SCAN) ?? PARAMETER_DEFAULTS.inUseScan,
    // Unset or empty: not part of an organization rollout.
    centralBucket: nonEmpty(env.CENTRAL_BUCKET),
    accountId: nonEmpty(env.ACCOUNT_ID),
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
  if (result.data.centralBucket !== undefined && result.data.accountId === undefined) {
    throw new ConfigError(
      `invalid configuration:\n  - ACCOUNT_ID is not set: with parameter centralBucket (CENTRAL_BUCKET=${JSON.stringify(raw.centralBucket)}) the report's copy goes under accounts/<ACCOUNT_ID>/; the stack sets it to its AWS::AccountId`,
    );
  }
  const { maxUntaggedDays: enforcedMaxUntaggedDays, ...data } = result.data;
  if (enforcedMaxUntaggedDays !== undefined && enforcedMaxUntaggedDays < data.defaultDays) {
    throw new ConfigError(
      `invalid configuration:\n  - parameter maxUntaggedDays (MAX_UNTAGGED_DAYS=${JSON.stringify(raw.maxUntaggedDays)}) must be at least defaultDays (${data.defaultDays}): the default rule itself would break it`,
    );
  }
  return {
    ...data,
    enforcedMaxUntaggedDays,
    reportBucket: result.data.reportBucket,
    repairTable: result.data.repairTable,
    auditRoleArn: result.data.auditRoleArn,
    archivePricePerGbMonth: result.data.archivePricePerGbMonth,
    reportTopicArn: result.data.reportTopicArn,
    deployRegion: result.data.deployRegion,
    inUseListS3Uri: result.data.inUseListS3Uri,
    centralBucket: result.data.centralBucket,
    accountId: result.data.accountId,
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

/** The settings of the organization's report (the consolidator function). */
export interface OrgReportConfig {
  /** The central bucket: the members' reports under `accounts/`, the organization's under `org/`. */
  centralBucket: string;
  /** The central event bus, by ARN: the organization's report event goes there. */
  centralEventBusArn: string;
  /** An SNS topic for the short e-mail. @default undefined (no e-mail) */
  reportTopicArn: string | undefined;
  /** The function's region (the bucket's and the bus's). */
  region: string;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
}

const orgReportSchema = z.object({
  CENTRAL_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be the central bucket's name"),
  CENTRAL_EVENT_BUS_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]+$/, "must be the central event bus's ARN"),
  REPORT_TOPIC_ARN: z.string().regex(TOPIC_ARN, 'must be an SNS topic ARN, or empty for no e-mail').optional(),
  AWS_REGION: z.string().regex(REGION_NAME, 'must be the region the function runs in'),
  CONNECTION_TIMEOUT_MS: milliseconds,
  REQUEST_TIMEOUT_MS: milliseconds,
});

/**
 * The consolidator's configuration from its environment: `CENTRAL_BUCKET`, `CENTRAL_EVENT_BUS_ARN`,
 * `REPORT_TOPIC_ARN` (optional) and the Lambda's `AWS_REGION`.
 *
 * @throws ConfigError naming every variable that is missing or wrong
 * @example const config = loadOrgReportConfig(process.env);
 */
export function loadOrgReportConfig(env: Readonly<Record<string, string | undefined>>): OrgReportConfig {
  const raw = {
    CENTRAL_BUCKET: env.CENTRAL_BUCKET?.trim() ?? '',
    CENTRAL_EVENT_BUS_ARN: env.CENTRAL_EVENT_BUS_ARN?.trim() ?? '',
    REPORT_TOPIC_ARN: nonEmpty(env.REPORT_TOPIC_ARN),
    AWS_REGION: env.AWS_REGION?.trim() ?? '',
    CONNECTION_TIMEOUT_MS: nonEmpty(env.CONNECTION_TIMEOUT_MS) ?? String(DEFAULT_CONNECTION_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: nonEmpty(env.REQUEST_TIMEOUT_MS) ?? String(DEFAULT_REQUEST_TIMEOUT_MS),
  };
  const result = orgReportSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0]) as keyof typeof raw;
      return `${key}=${JSON.stringify(raw[key] ?? '')} ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration of the organization's report:\n  - ${problems.join('\n  - ')}`);
  }
  const d = result.data;
  return {
    centralBucket: d.CENTRAL_BUCKET,
    centralEventBusArn: d.CENTRAL_EVENT_BUS_ARN,
    reportTopicArn: d.REPORT_TOPIC_ARN,
    region: d.AWS_REGION,
    connectionTimeoutMs: d.CONNECTION_TIMEOUT_MS,
    requestTimeoutMs: d.REQUEST_TIMEOUT_MS,
  };
}
