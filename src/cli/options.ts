import { InvalidArgumentError } from 'commander';
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

/** Parses a non-negative number flag such as `--price-per-gb-month`. */
export function parseNonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a number of 0 or more`);
  return n;
}

/** Builds a parser that accepts only the listed choices. */
export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`"${value}" is not one of ${choices.join(', ')}`);
    return value as T;
  };
}
