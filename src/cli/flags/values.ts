// The grammar of flag values: each parser names the value it refuses and what to write instead.
// Commander reports an InvalidArgumentError as a usage error naming the flag.
import { InvalidArgumentError } from 'commander';
import { checkCostAllocationTagKeys } from '../../domain/cost-groups';
import { MAX_PRICE_PER_GB_MONTH } from '../../domain/defaults';
import { readPricePerGbMonth } from '../../domain/money';
import { POLICY_LIMITS } from '../../domain/policy';
import { REGION_NAME } from '../../domain/region';
import { S3_BUCKET_NAME, S3_BUCKET_NAME_RULE } from '../../domain/s3';
import { toEpochMs } from '../../domain/time';
import { UsageError } from '../errors';

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

/**
 * Parses a `--bucket` flag (`weekly`, `org-report`): an S3 bucket name.
 *
 * @throws UsageError naming the value and the rule
 */
export function parseBucketFlag(value: string): string {
  if (!S3_BUCKET_NAME.test(value)) throw new UsageError(`--bucket: "${value}" is not an S3 bucket name (${S3_BUCKET_NAME_RULE})`);
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

/**
 * A flag's parser from a reader that throws (the rate limits, account ids, a role name, the in-use
 * sources): its message becomes commander's InvalidArgumentError, reported with the flag's name.
 *
 * @example new Option('--rate-limit <limits>').argParser(argumentParser(parseRateLimits))
 */
export function argumentParser<T>(read: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return read(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
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
