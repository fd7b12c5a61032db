import { InvalidArgumentError } from 'commander';
import { checkCostAllocationTagKeys } from '../domain/cost-groups';
import { MAX_PRICE_PER_GB_MONTH } from '../domain/defaults';
import { readPricePerGbMonth } from '../domain/money';
import { POLICY_LIMITS } from '../domain/policy';
import { toEpochMs } from '../domain/time';
import { UsageError } from './errors';

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

/** Parses a tag key flag such as `--group-by-tag`, collecting repeats in order. */
export function collectTagKey(value: string, previous: string[] = []): string[] {
  const checked = checkCostAllocationTagKeys([value]);
  if (!checked.ok) throw new InvalidArgumentError(checked.problem);
  return previous.includes(checked.keys[0] as string) ? previous : [...previous, ...checked.keys];
}
