// The configuration of the janitor's functions from their environment: every setting, its variable
// and parameter, its check, and the weekly steps' report bucket.
import * as z from 'zod';
import { checkCostAllocationTagKeys } from '../domain/cost-groups';
import { ConfigError } from '../domain/errors';
import { parseInUseScan, type WorkloadSource } from '../domain/in-use';
import { POLICY_LIMITS } from '../domain/policy';
import { REGION_NAME } from '../domain/region';
import { parseRateLimits, type RateLimits } from '../adapters/aws/rate-limiter';
import {
  MAX_ARCHIVE_AFTER_DAYS,
  MAX_CONCURRENCY,
  MAX_DEPLOYED_UNTAGGED_DAYS,
  MAX_GUARD_HORIZON_DAYS,
  MAX_TAG_KEY_LENGTH,
} from '../domain/defaults';
import { TOPIC_ARN, list, milliseconds, nonEmpty, parsedBy, price } from './fields';
import { PARAMETER_DEFAULTS } from './parameters';

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
/** An S3 bucket name without dots (a dotted name breaks virtual-hosted HTTPS). */
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const BUS = /^(default|[A-Za-z0-9._\-/]{1,256}|arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]+)$/;

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
