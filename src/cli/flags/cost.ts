// The flags of the cost figures (`audit`, `advise`, `weekly`): the storage price, cost groups by tag,
// and the archive saving.
import { type Command, InvalidArgumentError } from 'commander';
import {
  DEFAULT_ARCHIVE_AFTER_DAYS,
  DEFAULT_PRICE_PER_GB_MONTH,
  MAX_ARCHIVE_AFTER_DAYS,
  MAX_PRICE_PER_GB_MONTH,
} from '../../domain/defaults';
import { UsageError } from '../errors';
import { collectTagKey, parsePositiveInt, parsePricePerGbMonth } from './values';

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
