import * as z from 'zod';
import { ConfigError } from './domain/errors';
import { DEFAULT_GUARD_HORIZON_DAYS } from './domain/in-use';
import { DEFAULT_UNTAGGED_DAYS } from './domain/policy';
import { REGION_NAME } from './domain/region';
import { DEFAULT_OPT_OUT_TAG } from './domain/selection';
import { DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './adapters/aws/timeouts';
import { parseRateLimits, type RateLimits } from './adapters/aws/rate-limiter';

/** Every setting of the deployed janitor, typed and validated once per container. */
export interface JanitorConfig {
  /** Days after push that untagged images expire. @default 7 */
  defaultDays: number;
  /** Audit and report only; never write a policy. @default false */
  dryRun: boolean;
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
  /** `on`: never write a policy that would remove an image in use; `off`: only report it. @default 'on' */
  guard: 'on' | 'off';
  /** Days ahead the guard evaluates policies for images in use. @default 7 */
  guardHorizonDays: number;
  /** An S3 object (`s3://bucket/key`) listing images in use outside ECS and Lambda (EKS, other accounts). @default undefined */
  inUseListS3Uri: string | undefined;
}

/** Each setting: its environment variable, the serverless.yml parameter that sets it, and its check. */
const SETTINGS = {
  defaultDays: { env: 'DEFAULT_DAYS', param: 'defaultDays' },
  dryRun: { env: 'DRY_RUN', param: 'dryRun' },
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
  guard: { env: 'GUARD', param: 'guard' },
  guardHorizonDays: { env: 'GUARD_HORIZON_DAYS', param: 'guardHorizonDays' },
  inUseListS3Uri: { env: 'IN_USE_LIST_S3_URI', param: 'inUseListS3Uri' },
} as const;

const ROLE = /^(arn:aws[a-z-]*:iam::\d{12}:role\/.+|[\w+=,.@-]{1,64})$/;
/** An IAM role ARN, path allowed: what ECR accepts in a pull-time update exclusion. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
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
    auditRoleArn: env.AUDIT_ROLE_ARN === undefined || env.AUDIT_ROLE_ARN.trim() === '' ? undefined : env.AUDIT_ROLE_ARN.trim(),
    guard: (nonEmpty(env.GUARD) ?? 'on').toLowerCase(),
    guardHorizonDays: nonEmpty(env.GUARD_HORIZON_DAYS) ?? String(DEFAULT_GUARD_HORIZON_DAYS),
    // Unset or empty: no list.
    inUseListS3Uri: nonEmpty(env.IN_USE_LIST_S3_URI),
  };
  const result = schema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path[0] as keyof typeof SETTINGS;
      const setting = SETTINGS[key];
      return `parameter ${setting.param} (${setting.env}=${JSON.stringify(raw[key])}) ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return {
    ...result.data,
    reportBucket: result.data.reportBucket,
    auditRoleArn: result.data.auditRoleArn,
    inUseListS3Uri: result.data.inUseListS3Uri,
  };
}
