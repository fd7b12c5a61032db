import { InvalidArgumentError } from 'commander';
import { checkCostAllocationTagKeys } from '../domain/cost-groups';
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
 * Builds a parser for a plain decimal number (`0.10`, `2`, `.5`) from 0 to `max`. Hexadecimal,
 * exponents, signs, `Infinity` and the empty string are refused: `Number("0x10")` would read 16.
 *
 * @example parseDecimalUpTo(MAX_PRICE_PER_GB_MONTH, 'USD per GB-month')('0.10') === 0.1
 */
export function parseDecimalUpTo(max: number, unit: string): (value: string) => number {
  return (value) => {
    const text = value.trim();
    if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text))
      throw new InvalidArgumentError(`"${value}" is not a decimal number such as 0.10 (digits and one decimal point only)`);
    const n = Number(text);
    if (!Number.isFinite(n) || n > max) throw new InvalidArgumentError(`"${value}" is more than ${max} ${unit}; is it in the right unit?`);
    return n;
  };
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

/** The most repositories in flight (the deployed `concurrency` parameter has the same bound). */
export const MAX_CONCURRENCY = 64;
/** The most attempts per AWS call. */
export const MAX_ATTEMPTS = 20;
/** The highest storage price accepted, USD per GB-month: 1,000 times ECR's list price of 0.10. */
export const MAX_PRICE_PER_GB_MONTH = 100;
/** The longest interval between progress lines, in seconds. */
export const MAX_PROGRESS_INTERVAL_SECONDS = 3600;

/** Parses a price flag such as `--archive-price-per-gb-month`: a plain decimal number (no hex, no exponent), 0 to 1000. */
export function parseDecimalPrice(value: string): number {
  const text = value.trim();
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) > 1000)
    throw new InvalidArgumentError(`"${value}" is not a price in USD per GB-month such as 0.07 (a decimal number from 0 to 1000)`);
  return Number(text);
}

/** Parses a tag key flag such as `--group-by-tag`, collecting repeats in order. */
export function collectTagKey(value: string, previous: string[] = []): string[] {
  const checked = checkCostAllocationTagKeys([value]);
  if (!checked.ok) throw new InvalidArgumentError(checked.problem);
  return previous.includes(checked.keys[0] as string) ? previous : [...previous, ...checked.keys];
}
