// The flags that several commands take, each group added by one function, with the parsers of
// their values: a flag is defined and parsed here once (its default and bounds named in
// domain/defaults), and every command that takes it adds its group. A command's own flags stay in
// its file.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseRateLimits, type RateLimits } from '../adapters/aws/rate-limiter';
import { checkCostAllocationTagKeys } from '../domain/cost-groups';
import {
  DEFAULT_ACCOUNT_CONCURRENCY,
  DEFAULT_ARCHIVE_AFTER_DAYS,
  DEFAULT_CONCURRENCY,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_GUARD,
  DEFAULT_IN_USE_SCAN,
  DEFAULT_GUARD_HORIZON_DAYS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_OPT_OUT_TAG,
  DEFAULT_PRICE_PER_GB_MONTH,
  DEFAULT_PROGRESS_INTERVAL_SECONDS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RETRY_MODE,
  DEFAULT_ROLE_NAME,
  DEFAULT_UNTAGGED_DAYS,
  MAX_ACCOUNT_CONCURRENCY,
  MAX_ARCHIVE_AFTER_DAYS,
  MAX_ATTEMPTS,
  MAX_CONCURRENCY,
  MAX_GUARD_HORIZON_DAYS,
  MAX_PRICE_PER_GB_MONTH,
  MAX_PROGRESS_INTERVAL_SECONDS,
  MAX_TIMEOUT_MS,
  MIN_TIMEOUT_MS,
} from '../domain/defaults';
import { WORKLOAD_SOURCES, parseInUseScan, type WorkloadSource } from '../domain/in-use';
import { readPricePerGbMonth } from '../domain/money';
import { POLICY_LIMITS } from '../domain/policy';
import { REGION_NAME } from '../domain/region';
import { toEpochMs } from '../domain/time';
import { checkRoleName, parseAccountIds } from '../adapters/aws/accounts';
import { UsageError } from './errors';

// ---- Values: the grammar of flag values --------------------------------------------------------

/** Parses `--now`: an ISO-8601 time. */
export function parseNow(value: string): number {
  const ms = toEpochMs(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`"${value}" is not an ISO-8601 time; write e.g. 2026-01-31T00:00:00Z`);
  return ms;
}

/** Parses a positive integer flag such as `--days`. */
export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`"${value}" is not a positive whole number`);
  return Number(value);
}

/**
 * Builds a parser for a whole number between `min` and `max`; the message names the range and why it
 * is bounded.
 *
 * @example new Option('--concurrency <n>').argParser(parseIntInRange(1, MAX_CONCURRENCY, 'ECR throttles beyond it'))
 */
export function parseIntInRange(min: number, max: number, why: string): (value: string) => number {
  return (value) => {
    const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`"${value}" is not a whole number from ${min} to ${max} (${why})`);
    return n;
  };
}

/**
 * Parses a flag that becomes a rule's `countNumber` (`--days`, `--max-untagged-days`): a whole
 * number from 1 to the largest ECR accepts (2147483647, a 32-bit integer).
 */
export function parseCountNumber(value: string): number {
  const n = parsePositiveInt(value);
  if (n > POLICY_LIMITS.maxInteger)
    throw new InvalidArgumentError(
      `"${value}" is more than ${POLICY_LIMITS.maxInteger}, the largest countNumber ECR accepts (a 32-bit integer)`,
    );
  return n;
}

/**
 * Checks `--max-untagged-days` against `--days`: the default rule itself must not break the maximum.
 *
 * @throws UsageError when the maximum is below the default rule's age
 */
export function checkMaxUntaggedDays(maxUntaggedDays: number | undefined, days: number): void {
  if (maxUntaggedDays !== undefined && maxUntaggedDays < days)
    throw new UsageError(`--max-untagged-days ${maxUntaggedDays} is below --days ${days}: the default rule itself would break it`);
}

/**
 * Parses a price flag (`--price-per-gb-month`, `--archive-price-per-gb-month`) by the one price
 * grammar, {@link readPricePerGbMonth}: a plain decimal number (`0.10`, `2`, `.5`) from 0 to
 * {@link MAX_PRICE_PER_GB_MONTH}.
 *
 * @example parsePricePerGbMonth('0.10') === 0.1
 */
export function parsePricePerGbMonth(value: string): number {
  const price = readPricePerGbMonth(value);
  if (price.ok) return price.usdPerGbMonth;
  throw new InvalidArgumentError(
    price.problem === 'above-maximum'
      ? `"${value}" is more than ${MAX_PRICE_PER_GB_MONTH} USD per GB-month; is it in the right unit?`
      : `"${value}" is not a price in USD per GB-month: it is not a decimal number such as 0.10 (digits and one decimal point only)`,
  );
}

/**
 * Parses an endpoint URL (`--endpoint`): an absolute http or https URL with a host, such as
 * `http://127.0.0.1:5000`. Anything else would be sent to the SDK, which fails late and unclearly.
 */
export function parseEndpoint(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '')
    throw new InvalidArgumentError(`"${value}" is not an http(s) URL; write e.g. http://127.0.0.1:5000`);
  return value;
}

/** The bucket names S3 accepts (3–63 lowercase letters, digits, dots and hyphens). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses a `--bucket` flag (`weekly`, `org-report`): an S3 bucket name.
 *
 * @throws UsageError naming the value and the rule
 */
export function parseBucketFlag(value: string): string {
  if (!BUCKET_NAME.test(value))
    throw new UsageError(`--bucket: "${value}" is not an S3 bucket name (3 to 63 lowercase letters, digits, "." and "-")`);
  return value;
}

/** Collects a repeatable flag's values in order (`--exclude a --exclude b`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Parses a tag key flag such as `--group-by-tag`, collecting repeats in order. */
export function collectTagKey(value: string, previous: string[] = []): string[] {
  const checked = checkCostAllocationTagKeys([value]);
  if (!checked.ok) throw new InvalidArgumentError(checked.problem);
  return previous.includes(checked.keys[0] as string) ? previous : [...previous, ...checked.keys];
}

// ---- Where to read: registries, AWS clients, snapshot ----------------------------------------

/** The AWS client settings of a live run: every client it builds (ECR, ECS, Lambda, tagging, S3) shares them. */
export interface ClientFlags {
  endpoint?: string;
  maxAttempts: number;
  retryMode: 'adaptive' | 'standard';
  connectTimeout: number;
  requestTimeout: number;
}

/**
 * The flags of the commands that read registries: where (regions, or a snapshot file), with which
 * client settings, how many repositories at once, and how often progress is told. Flags that choose
 * more places to read (accounts of an organization) belong here, read by `openSources`.
 */
export interface SourceFlags extends ClientFlags, AccountFlags {
  region?: string;
  rateLimit?: RateLimits;
  snapshot?: string;
  concurrency: number;
  progressInterval: number;
}

/**
 * The flags that read several accounts (`audit`, `remediate`, `snapshot`): which accounts, the role
 * to assume in each, and how many at once. Unset unless given: without `--accounts` or `--org` the run
 * reads the caller's account alone.
 */
export interface AccountFlags {
  /** `--accounts`: the account ids, each once. */
  accounts?: string[];
  /** `--org`: every account of the organization. */
  org?: boolean;
  /** `--role-name`. @default DEFAULT_ROLE_NAME when accounts are read */
  roleName?: string;
  /** `--account-concurrency`. @default DEFAULT_ACCOUNT_CONCURRENCY when accounts are read */
  accountConcurrency?: number;
}

/**
 * What a command can read besides the live registries of `--region`, said once per command and
 * given both to {@link addSourceFlags} and to `openSources`. A new kind of source (the accounts of
 * an organization) is one more choice here.
 */
export interface SourceChoices {
  /** `--snapshot FILE`: a file written by `ecr-janitor snapshot`, read offline. */
  snapshot: boolean;
  /** `--accounts`, `--org`, `--role-name`, `--account-concurrency`: several accounts, each through its role. @default false */
  accounts?: boolean;
}

/** Adds the flags that say where to read ({@link SourceFlags}), with those of the command's {@link SourceChoices}. */
export function addSourceFlags(command: Command, { snapshot, accounts }: SourceChoices): Command {
  command
    .option(
      '--region <regions>',
      snapshot
        ? 'comma-separated AWS regions (default: AWS_REGION; with --snapshot, every region in the file)'
        : 'comma-separated AWS regions (default: AWS_REGION)',
    )
    .option(
      '--endpoint <url>',
      `AWS endpoint URL (http or https) for ECR, and ECS and Lambda when scanning for images in use${accounts === true ? ', and STS and Organizations across accounts' : ''}, e.g. a local emulator`,
      parseEndpoint,
    )
    .option(
      '--concurrency <n>',
      `repositories read at the same time, 1 to ${MAX_CONCURRENCY}`,
      parseIntInRange(1, MAX_CONCURRENCY, 'more only adds throttling: ECR rate-limits each API per account and region'),
      DEFAULT_CONCURRENCY,
    )
    .option(
      '--rate-limit <limits>',
      'client-side limits per ECR operation, e.g. DescribeImages=18/5,GetLifecyclePolicy=18 (calls per second/burst)',
      parseRateLimitFlag,
    )
    .option(
      '--max-attempts <n>',
      `attempts per AWS call, retries of throttling included, 1 to ${MAX_ATTEMPTS}`,
      parseIntInRange(1, MAX_ATTEMPTS, 'with back-off between attempts, more would keep one call retrying for many minutes'),
      DEFAULT_MAX_ATTEMPTS,
    )
    .addOption(new Option('--retry-mode <mode>', 'SDK retry mode').choices(['adaptive', 'standard']).default(DEFAULT_RETRY_MODE))
    .option(
      '--connect-timeout <ms>',
      `milliseconds a connection to AWS may take to open, ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}`,
      parseIntInRange(MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, 'ten minutes at most'),
      DEFAULT_CONNECTION_TIMEOUT_MS,
    )
    .option(
      '--request-timeout <ms>',
      `milliseconds an attempt of an AWS call may wait for its answer, ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS} (a timed-out attempt is retried once: a silent endpoint fails a call in two of these)`,
      parseIntInRange(MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, 'ten minutes at most'),
      DEFAULT_REQUEST_TIMEOUT_MS,
    )
    .option(
      '--progress-interval <seconds>',
      `seconds between done/total lines when stderr is not a terminal, 0 for none, at most ${MAX_PROGRESS_INTERVAL_SECONDS}`,
      parseIntInRange(0, MAX_PROGRESS_INTERVAL_SECONDS, 'an hour at most'),
      DEFAULT_PROGRESS_INTERVAL_SECONDS,
    );
  if (snapshot) command.option('--snapshot <file>', 'read a snapshot file instead of AWS (fully offline)');
  if (accounts === true) addAccountFlags(command);
  return command;
}

/** Adds the flags of {@link AccountFlags}. */
function addAccountFlags(command: Command): Command {
  return command
    .option('--accounts <ids>', 'read these accounts (comma-separated ids), each through its role, into one report', parseAccountsFlag)
    .option('--org', 'read every ACTIVE account of the organization (run as the management account or a delegated administrator)')
    .option('--role-name <name>', `the role assumed in each account (default: ${DEFAULT_ROLE_NAME})`, parseRoleNameFlag)
    .option(
      '--account-concurrency <n>',
      `accounts read at the same time, 1 to ${MAX_ACCOUNT_CONCURRENCY}, each with its own clients and rate limits (default: ${DEFAULT_ACCOUNT_CONCURRENCY})`,
      parseIntInRange(1, MAX_ACCOUNT_CONCURRENCY, 'each account read holds its clients and repositories in hand'),
    );
}

function parseAccountsFlag(value: string): string[] {
  try {
    return parseAccountIds(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function parseRoleNameFlag(value: string): string {
  try {
    return checkRoleName(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/**
 * Checks the account flags against each other and the rest: `--accounts` or `--org`, not both; no
 * `--snapshot` with them (a snapshot of several accounts is read without them); `--role-name` and
 * `--account-concurrency` only with one of them.
 *
 * @returns whether the run reads several accounts
 * @throws UsageError naming the flags that do not go together
 */
export function checkAccountFlags(flags: AccountFlags & { snapshot?: string }): boolean {
  const reading = flags.accounts !== undefined || flags.org === true;
  if (flags.accounts !== undefined && flags.org === true)
    throw new UsageError('--accounts and --org cannot be combined: name the accounts, or read every account of the organization');
  if (reading && flags.snapshot !== undefined)
    throw new UsageError(
      `${flags.org === true ? '--org' : '--accounts'} cannot be used with --snapshot: a snapshot of several accounts is read with --snapshot alone`,
    );
  if (!reading && (flags.roleName !== undefined || flags.accountConcurrency !== undefined))
    throw new UsageError(`${flags.roleName !== undefined ? '--role-name' : '--account-concurrency'} applies only with --accounts or --org`);
  return reading;
}

function parseRateLimitFlag(value: string): RateLimits {
  try {
    return parseRateLimits(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/**
 * Parses `--region`: comma-separated region names, each once, in order; none when not given.
 *
 * @example parseRegions('eu-west-1, us-east-1,eu-west-1') // ['eu-west-1', 'us-east-1']
 * @throws UsageError naming a value that is not a region name
 */
export function parseRegions(value: string | undefined): string[] {
  if (value === undefined) return [];
  const regions = [
    ...new Set(
      value
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== ''),
    ),
  ];
  for (const region of regions) {
    if (!REGION_NAME.test(region)) throw new UsageError(`--region: "${region}" is not an AWS region name; write e.g. us-east-1,eu-west-1`);
  }
  return regions;
}

// ---- Which repositories the janitor may change, and the rule it adds -------------------------

/** Flags of the commands that judge repositories (audit, remediate, weekly): which ones the janitor may change. */
export interface SelectionFlags {
  exclude: string[];
  optOutTag: string;
}

/** Adds `--exclude` and `--opt-out-tag` ({@link SelectionFlags}). */
export function addSelectionFlags(command: Command): Command {
  return command
    .option('--exclude <glob>', 'repository-name glob the janitor never changes (repeatable)', collect, [])
    .option('--opt-out-tag <key>', 'repositories tagged KEY=true are never changed', DEFAULT_OPT_OUT_TAG);
}

/** Help of `--days` for audit, remediate and weekly: one text, as it means one thing. */
export const DAYS_HELP = 'the default rule expires untagged images this many days after push (sinceImagePushed)';

/** Adds `--days`: the age of the default rule's untagged images. */
export function addDaysFlag(command: Command): Command {
  return command.option('--days <n>', DAYS_HELP, parseCountNumber, DEFAULT_UNTAGGED_DAYS);
}

/**
 * Adds the `--max-untagged-days` of the commands that write policies (remediate, weekly): the
 * longest an untagged rule may wait, enforced by shortening it. Check it with {@link checkMaxUntaggedDays}.
 */
export function addEnforcedMaxUntaggedDaysFlag(command: Command): Command {
  return command.option(
    '--max-untagged-days <n>',
    'also shorten untagged rules that expire images later than this many days after push',
    parseCountNumber,
  );
}

// ---- Cost figures ------------------------------------------------------------------------------

/** Flags of the cost figures (`audit`, `weekly`). */
export interface CostFlags {
  pricePerGbMonth: number;
  groupByTag: string[];
  archiveAfterDays: number;
  archivePricePerGbMonth?: number;
}

/** Adds the flags of the cost figures: the storage price, cost groups by tag, and the archive saving. */
export function addCostFlags(command: Command): Command {
  return command
    .option(
      '--price-per-gb-month <usd>',
      `storage price in USD per GB-month, a decimal number from 0 to ${MAX_PRICE_PER_GB_MONTH}`,
      parsePricePerGbMonth,
      DEFAULT_PRICE_PER_GB_MONTH,
    )
    .option('--group-by-tag <key>', 'also group cost by the value of this repository tag, e.g. team (repeatable)', collectTagKey, [])
    .option(
      '--archive-after-days <n>',
      'count images not pulled for N days (push time when never pulled) as archivable',
      parseArchiveAfterDays,
      DEFAULT_ARCHIVE_AFTER_DAYS,
    )
    .option(
      '--archive-price-per-gb-month <usd>',
      `archive storage price in USD per GB-month, a decimal number from 0 to ${MAX_PRICE_PER_GB_MONTH}, to price the archive saving (none by default: read it on the ECR pricing page)`,
      parsePricePerGbMonth,
    );
}

function parseArchiveAfterDays(value: string): number {
  const days = parsePositiveInt(value);
  if (days > MAX_ARCHIVE_AFTER_DAYS) throw new InvalidArgumentError(`"${value}" is more than ${MAX_ARCHIVE_AFTER_DAYS} days`);
  return days;
}

/**
 * @throws UsageError when the archive price is above the storage price
 */
export function checkArchivePrice(flags: Pick<CostFlags, 'pricePerGbMonth' | 'archivePricePerGbMonth'>): void {
  if (flags.archivePricePerGbMonth !== undefined && flags.archivePricePerGbMonth > flags.pricePerGbMonth)
    throw new UsageError(
      `--archive-price-per-gb-month ${flags.archivePricePerGbMonth} is above --price-per-gb-month ${flags.pricePerGbMonth}: archive storage is never priced above standard storage`,
    );
}

// ---- Images in use, and the guard ------------------------------------------------------------

/** The in-use flags of `audit`, `remediate`, `snapshot` and `weekly`. */
export interface InUseFlags {
  /** `--in-use-scan`: the workload sources, `[]` for `none`; undefined when not given. */
  inUseScan?: WorkloadSource[];
  /** `--in-use FILE`, repeatable. */
  inUse: string[];
}

/** The guard flags of the commands that judge repositories (`audit`, `remediate`, `weekly`). */
export interface GuardFlags {
  guard: 'on' | 'off';
  guardHorizonDays: number;
}

function parseScanSources(value: string): WorkloadSource[] {
  try {
    return parseInUseScan(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function parseHorizon(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > MAX_GUARD_HORIZON_DAYS) {
    throw new InvalidArgumentError(`"${value}" is not a whole number of days from 0 to ${MAX_GUARD_HORIZON_DAYS}`);
  }
  return Number(value);
}

/**
 * Adds `--in-use-scan` and `--in-use` ({@link InUseFlags}) and, with `guard`, `--guard` and
 * `--guard-horizon-days` ({@link GuardFlags}) to a command that reads registries.
 */
export function addInUseFlags(command: Command, { guard }: { guard: boolean }): Command {
  command
    .option(
      '--in-use-scan <sources>',
      `where to look for images in use, comma-separated: ${WORKLOAD_SOURCES.join(', ')}; ${DEFAULT_IN_USE_SCAN} (the default for live runs) or none`,
      parseScanSources,
    )
    .option(
      '--in-use <file>',
      'a list of images in use (repository@sha256:… or sha256:…, a line each or a JSON array; e.g. from kubectl), repeatable',
      collect,
      [],
    );
  if (guard) {
    command
      .addOption(
        new Option('--guard <mode>', 'on: never write a policy that would remove an image in use; off: only report it')
          .choices(['on', 'off'])
          .default(DEFAULT_GUARD),
      )
      .option(
        '--guard-horizon-days <n>',
        'days ahead the guard evaluates policies for images in use',
        parseHorizon,
        DEFAULT_GUARD_HORIZON_DAYS,
      );
  }
  return command;
}

// ---- The commands that read registries and judge each repository -----------------------------

/** The flags of the commands that read registries and judge each repository (`audit`, `remediate`, `weekly`). */
export type JudgeFlags = SourceFlags & SelectionFlags & InUseFlags & GuardFlags;

/** Adds the flags of {@link JudgeFlags}: where to read, which repositories may change, what is in use and the guard. */
export function addJudgeFlags(command: Command, choices: SourceChoices): Command {
  return addInUseFlags(addSelectionFlags(addSourceFlags(command, choices)), { guard: true });
}

// ---- The ledger: what lifecycle policies did between two captures ------------------------------

/** `--previous-snapshot` and `--ledger`: the week between an earlier capture and the snapshot read. */
export interface LedgerFlags {
  previousSnapshot?: string;
  ledger?: string;
}

/**
 * Adds `--previous-snapshot FILE` and `--ledger FILE` (a snapshot audit): the report then says what
 * lifecycle policies freed between the two captures and whether ECR did what the earlier one forecast.
 */
export function addLedgerFlags(command: Command): Command {
  return command
    .option(
      '--previous-snapshot <file>',
      'with --snapshot and --ledger: an earlier capture; the report then says what lifecycle policies freed between the two captures and whether ECR did what the earlier capture forecast',
    )
    .option(
      '--ledger <file>',
      'with --previous-snapshot: the PolicyExecutionEvents of the period, one a line (as "ecr-janitor ledger" writes them)',
    );
}
