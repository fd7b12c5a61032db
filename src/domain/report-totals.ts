import { GIB, monthlyUsd } from './money';
import { sumRealized } from './realized';
import type { ReportTotals, RepositoryReport } from './report';

// A report's totals: its repositories added up and priced.

/**
 * The monthly saving of moving `bytes` from standard to archive storage, rounded like every other
 * amount of the report; null when the archive price is not known.
 *
 * @example monthlyArchiveSavingsUsd(10 * GIB, 0.1, 0.07) // 0.3
 */
export function monthlyArchiveSavingsUsd(
  bytes: number,
  standardPricePerGbMonth: number,
  archivePricePerGbMonth: number | null,
): number | null {
  if (archivePricePerGbMonth === null) return null;
  return Math.round((bytes / GIB) * (standardPricePerGbMonth - archivePricePerGbMonth) * 10_000) / 10_000;
}

/** Prices of a report's totals. */
export interface TotalsPrices {
  /** USD per GB-month of archive storage; null (the default) prices no archive saving. */
  archivePricePerGbMonth?: number | null;
}

/** Adds up the repositories into report totals. */
export function totalsOf(repositories: readonly RepositoryReport[], pricePerGbMonth: number, prices: TotalsPrices = {}): ReportTotals {
  let storedBytes = 0;
  let naiveBytes = 0;
  let reclaimableBytes = 0;
  let images = 0;
  let untaggedImages = 0;
  let referrersAtRisk = 0;
  let archivableBytes = 0;
  let inUseImages = 0;
  let inUseAtRisk = 0;
  let repositoriesHeld = 0;
  for (const r of repositories) {
    archivableBytes += r.archivableBytes;
    inUseImages += r.inUseImages;
    inUseAtRisk += r.inUseAtRisk;
    if (r.heldInUse) repositoriesHeld++;
    storedBytes += r.storedBytes;
    naiveBytes += r.naiveBytes;
    reclaimableBytes += r.reclaimableBytes;
    images += r.images;
    untaggedImages += r.untaggedImages;
    referrersAtRisk += r.referrersAtRisk;
  }
  return {
    repositories: repositories.length,
    repositoriesWithoutLifecyclePolicy: repositories.filter((r) => r.policyStatus === 'missing').length,
    repositoriesWithoutUntaggedCleanup: repositories.filter((r) => r.policyStatus !== 'ok').length,
    repositoriesWithFindings: repositories.filter((r) => r.findings.length > 0).length,
    images,
    untaggedImages,
    referrersAtRisk,
    inUseImages,
    inUseAtRisk,
    repositoriesHeld,
    storedBytes,
    naiveBytes,
    reclaimableBytes,
    monthlyCostUsd: monthlyUsd(storedBytes, pricePerGbMonth),
    monthlySavingsUsd: monthlyUsd(reclaimableBytes, pricePerGbMonth),
    archivableBytes,
    monthlyArchiveSavingsUsd: monthlyArchiveSavingsUsd(archivableBytes, pricePerGbMonth, prices.archivePricePerGbMonth ?? null),
    ...(repositories.some((r) => r.realized !== undefined)
      ? {
          realized: sumRealized(
            repositories.map((r) => r.realized),
            pricePerGbMonth,
          ),
        }
      : {}),
  };
}
