import type { PolicyFinding } from './policy/lint';

/** Whether a repository's lifecycle policy cleans its untagged images. */
export type PolicyStatus = 'missing' | 'no-untagged-rule' | 'ok';

/** The audit of one repository. Bytes are compressed bytes as ECR bills them. */
export interface RepositoryReport {
  accountId: string;
  region: string;
  repositoryName: string;
  policyStatus: PolicyStatus;
  /** Tagged with the opt-out tag: audited, never remediated. */
  optedOut: boolean;
  /** Matched an `--exclude` glob: audited, never remediated. */
  excluded: boolean;
  /** Every image, whatever its kind or status. */
  images: number;
  /** Untagged orphans only (not index children, not referrers). */
  untaggedImages: number;
  indexChildren: number;
  referrers: number;
  /**
   * Untagged referrers (signatures, SBOMs, attestations) that the effective policy expires at `now`
   * although their subject stays (ECR documents no lifecycle exception for referrers).
   */
  referrersAtRisk: number;
  archivedImages: number;
  /** Images the effective policy removes at `now`, with what goes with them (children, referrers). */
  doomedImages: number;
  /** Sum of the unique blob sizes: what ECR bills. */
  storedBytes: number;
  /** Sum of `imageSizeInBytes`: what naive tools report. */
  naiveBytes: number;
  /** Bytes of blobs referenced only by doomed images. */
  reclaimableBytes: number;
  monthlyCostUsd: number;
  monthlySavingsUsd: number;
  /** What the repository's own policy will never do that its authors likely think (empty when none, or no valid policy). */
  findings: PolicyFinding[];
  /** Days after push at which the repository's own policy expires an untagged image; null when it never does by age. */
  untaggedRetentionDays: number | null;
}

/** Totals over every audited repository. */
export interface ReportTotals {
  repositories: number;
  repositoriesWithoutLifecyclePolicy: number;
  repositoriesWithoutUntaggedCleanup: number;
  /** Repositories whose own policy has at least one lint finding. */
  repositoriesWithFindings: number;
  images: number;
  untaggedImages: number;
  /** Sum of the repositories' {@link RepositoryReport.referrersAtRisk}. */
  referrersAtRisk: number;
  storedBytes: number;
  naiveBytes: number;
  reclaimableBytes: number;
  monthlyCostUsd: number;
  monthlySavingsUsd: number;
}

/** A failure confined to one repository (or one region's listing); the run went on without it. */
export interface ReportError {
  region: string;
  /** Absent when the region's repository listing itself failed. */
  repositoryName?: string;
  /** The error's name, e.g. `AccessDeniedException`. */
  code: string;
  message: string;
}

/**
 * Why something needs a person: a repository's lifecycle policy the audit read but could not use
 * fully, or a region's registry setting that defeats lifecycle rules.
 */
export type ReportWarningCode =
  /** The stored policy fails the janitor's validation of ECR's rules: nothing was evaluated for the repository. */
  | 'InvalidStoredPolicy'
  /** The default untagged rule cannot be merged into the policy: its own rules were evaluated alone. */
  | 'PolicyNotMergeable'
  /** The audit role is not excluded from pull-time updates: each audit refreshes `lastRecordedPullTime`. */
  | 'PullTimesRecorded'
  /** Whether the audit role is excluded from pull-time updates could not be checked. */
  | 'PullTimeExclusionUnknown';

/**
 * A problem with one repository's lifecycle policy, or with a region's registry as a whole. Shaped
 * like {@link ReportError}, but the repositories were read and are in the totals: a warning is no
 * failure of the run.
 */
export interface ReportWarning {
  region: string;
  /** Empty for a warning about the region's registry as a whole (e.g. `PullTimesRecorded`). */
  repositoryName: string;
  code: ReportWarningCode;
  message: string;
}

/** The audit report: `ecr-janitor audit --format json` and the artifacts' source. */
export interface AuditReport {
  generatedAt: string;
  /** The time policies were evaluated at. */
  now: string;
  /** Age in days of the default untagged-image rule. */
  days: number;
  pricePerGbMonth: number;
  totals: ReportTotals;
  /** Sorted by reclaimable bytes, then stored bytes, descending. */
  repositories: RepositoryReport[];
  /** AWS calls by operation (`total` included); empty for snapshot runs. */
  apiCalls: Record<string, number>;
  /** Retries by operation, after throttling or transient errors. */
  apiRetries: Record<string, number>;
  /** Repositories or regions that could not be read; their numbers are missing from the totals. */
  errors: ReportError[];
  /**
   * Policies that could not be evaluated or merged into (those repositories are in the totals), and
   * registry settings that defeat lifecycle rules.
   */
  warnings: ReportWarning[];
}

/** Bytes in one GB as AWS bills storage (2^30). */
export const GIB = 2 ** 30;

/** Monthly cost in USD of `bytes` at `pricePerGbMonth`, rounded to the cent's hundredth. */
export function monthlyUsd(bytes: number, pricePerGbMonth: number): number {
  return Math.round((bytes / GIB) * pricePerGbMonth * 10_000) / 10_000;
}

/** Adds up the repositories into report totals. */
export function totalsOf(repositories: readonly RepositoryReport[], pricePerGbMonth: number): ReportTotals {
  let storedBytes = 0;
  let naiveBytes = 0;
  let reclaimableBytes = 0;
  let images = 0;
  let untaggedImages = 0;
  let referrersAtRisk = 0;
  for (const r of repositories) {
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
    storedBytes,
    naiveBytes,
    reclaimableBytes,
    monthlyCostUsd: monthlyUsd(storedBytes, pricePerGbMonth),
    monthlySavingsUsd: monthlyUsd(reclaimableBytes, pricePerGbMonth),
  };
}
