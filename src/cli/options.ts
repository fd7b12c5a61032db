import { InvalidArgumentError } from 'commander';
import { checkCostAllocationTagKeys } from '../domain/cost-groups';
import { toEpochMs } from '../domain/time';

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
