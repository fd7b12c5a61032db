import type { RecommendedPolicies } from './advice/types';
import type { PredictionCounts, PredictionMismatch } from './forecast';
import type { PolicyFinding } from './policy/lint';
import type { CumulativeRealized, RealizedSavings } from './realized';
import type { NotReached, ReportError, ReportWarning } from './report-problems';

// The audit report's shape: each repository's figures, the totals, the cost groups and each
// account's part. What went wrong or needs a person is in report-problems.ts, how the totals are
// added up in report-totals.ts.

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
  /**
   * Bytes that would leave standard storage for the archive class: blobs used only by ACTIVE images
   * that the effective policy keeps, not pulled for the report's `archiveAfterDays`, and that a
   * transition rule (the policy's own, or the one in {@link archiveRuleSuggestion}) would move.
   */
  archivableBytes: number;
  /**
   * The transition rule to add to the repository's policy (JSON text of one rule, checked by the
   * policy validator in place), or null when it would move nothing or ECR would not accept it. The
   * janitor only suggests it; it never writes a transition rule.
   */
  archiveRuleSuggestion: string | null;
  /** The repository's values of the report's cost-allocation tag keys (keys it lacks are left out). */
  costAllocationTags: Record<string, string>;
  /** What the repository's own policy will never do that its authors likely think (empty when none, or no valid policy). */
  findings: PolicyFinding[];
  /** Days after push at which the repository's own policy expires an untagged image; null when it never does by age. */
  untaggedRetentionDays: number | null;
  /**
   * Images of the repository in use by a running workload or a list (see `inUse` sources), with the
   * index children and referrers they need. 0 when no in-use source was read.
   */
  inUseImages: number;
  /**
   * In-use images that the policy the janitor would leave on the repository (its own, with the
   * default rule when it lacks untagged cleanup) removes within the guard's horizon.
   */
  inUseAtRisk: number;
  /** The in-use guard holds (or would hold) the janitor's write here: the repository keeps its own policy. */
  heldInUse: boolean;
  /** What lifecycle policies really removed and archived over the report's ledger period; absent without a ledger. */
  realized?: RealizedSavings;
  /** The last forecast held against the ledger; absent when there was no earlier forecast or no ledger. */
  prediction?: RepositoryPrediction;
}

/** One repository's forecast held against what ECR did, with the images on which they disagree. */
export interface RepositoryPrediction extends PredictionCounts {
  mismatches: PredictionMismatch[];
}

/** The period whose lifecycle actions the report's realized and prediction figures count. */
export interface LedgerPeriod {
  /** ISO-8601, inclusive: the earlier run's (or capture's) time. */
  from: string;
  /** ISO-8601, exclusive: this report's time. */
  to: string;
  /** Lifecycle actions read over the period (each image and action once), and ECR's failures. */
  actions: number;
  failures: number;
  /** The forecast this run recorded for the next comparison: the images it names, within how many days; absent when none was recorded. */
  nextForecast?: { images: number; days: number };
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
  /** Sum of the repositories' {@link RepositoryReport.inUseImages}. */
  inUseImages: number;
  /** Sum of the repositories' {@link RepositoryReport.inUseAtRisk}. */
  inUseAtRisk: number;
  /** Repositories whose remediation the in-use guard holds. */
  repositoriesHeld: number;
  storedBytes: number;
  naiveBytes: number;
  reclaimableBytes: number;
  monthlyCostUsd: number;
  monthlySavingsUsd: number;
  /** Sum of the repositories' {@link RepositoryReport.archivableBytes}. */
  archivableBytes: number;
  /**
   * `archivableBytes` in GB × (standard price − archive price), or null when no archive price was
   * given (the janitor does not invent one).
   */
  monthlyArchiveSavingsUsd: number | null;
  /** The repositories' {@link RepositoryReport.realized} added up; absent without a ledger. */
  realized?: RealizedSavings;
}

/**
 * How a cost group is formed: by account (reports of several accounts), by the first segment of the
 * repository name, or by a tag's value.
 */
export type CostGroupBy = 'account' | 'name-prefix' | `tag:${string}`;

/** Storage, cost and savings of the repositories that share an owner (see cost-groups.ts). */
export interface CostGroup {
  by: CostGroupBy;
  /** The account id, the name prefix or the tag's value; `(untagged)` for repositories without the tag. */
  value: string;
  repositories: number;
  storedBytes: number;
  reclaimableBytes: number;
  monthlyCostUsd: number;
  monthlySavingsUsd: number;
  /** The group's repositories' realized savings added up; absent without a ledger. */
  realized?: RealizedSavings;
}

/** The audit report: `ecr-janitor audit --format json` and the artifacts' source. */
export interface AuditReport {
  generatedAt: string;
  /** The time policies were evaluated at. */
  now: string;
  /** Age in days of the default untagged-image rule. */
  days: number;
  pricePerGbMonth: number;
  /** Days without a pull after which an image counts as archivable. */
  archiveAfterDays: number;
  /** USD per GB-month of archive storage, or null when not given (then no archive saving is priced). */
  archivePricePerGbMonth: number | null;
  /** The tag keys the costs are grouped by, besides the repository name's first segment. */
  costAllocationTagKeys: string[];
  /**
   * Every account the report covers, by account id, each with its own totals and failures; one entry
   * for a single account's run. Their totals add up to {@link AuditReport.totals}.
   */
  accounts: AccountReport[];
  /** Summed over every repository of every account. */
  totals: ReportTotals;
  /**
   * Cost by owner: per grouping (`account` when the report covers several accounts, then
   * `name-prefix`, then `tag:KEY` in key order), largest cost first. A group spans accounts.
   */
  costGroups: CostGroup[];
  /** Sorted by reclaimable bytes, then stored bytes, descending. */
  repositories: RepositoryReport[];
  /** AWS calls by operation (`total` included); empty for snapshot runs. */
  apiCalls: Record<string, number>;
  /** Retries by operation, after throttling or transient errors. */
  apiRetries: Record<string, number>;
  /** Repositories or regions that could not be read; their numbers are missing from the totals. */
  errors: ReportError[];
  /** False when the run stopped before reading every repository (see `notReached`): the totals cover only part of the account. */
  complete: boolean;
  /** The repositories (or regions) the run stopped before reading; empty when `complete`. */
  notReached: NotReached[];
  /**
   * Policies that could not be evaluated or merged into (those repositories are in the totals), and
   * registry settings that defeat lifecycle rules.
   */
  warnings: ReportWarning[];
  /** How the in-use guard ran; absent when no in-use source was read. */
  guard?: GuardSummary;
  /** Every in-use image at risk, with its consumers and the rule that removes it; absent when no in-use source was read. */
  inUseAtRiskImages?: InUseAtRiskImage[];
  /** What adopting the advised lifecycle policies saves (the weekly run advises; see the advice file it links). */
  recommendedPolicies?: RecommendedPolicies;
  /** The period the ledger covered (realized savings, prediction); absent without a ledger. */
  ledger?: LedgerPeriod;
  /** The repositories' predictions added up; absent when no repository had an earlier forecast. */
  prediction?: PredictionCounts;
  /**
   * Realized savings since the first week the history recorded them, this report's included: set
   * when the report is published with a history (the weekly run, `audit --history`).
   */
  cumulativeRealized?: CumulativeRealized;
  /** Each registry's `BLOB_MOUNTING` setting, with registry-wide unique bytes where it is on; absent when not read. */
  blobMounting?: BlobMountingSetting[];
  /**
   * The organization's report only: accounts whose weekly report was missing or too old, so their
   * figures are not in it (each is also an error and an incomplete entry of `accounts`).
   */
  missingAccounts?: MissingAccount[];
}

/**
 * A registry's `BLOB_MOUNTING` account setting. When it is on, repositories of the registry can share
 * layers, so the registry-wide unique bytes are what the bill should match rather than the per-repository sum.
 */
export interface BlobMountingSetting {
  accountId: string;
  region: string;
  /** `ENABLED`, `DISABLED`, or `unknown` when the setting could not be read. */
  status: 'ENABLED' | 'DISABLED' | 'unknown';
  /** The sum of the registry's repositories' stored bytes (a layer once per repository). */
  perRepositoryBytes: number;
  /** Bytes of the registry's unique blobs (a layer once per registry); set when blob mounting is on and they were all read. */
  registryUniqueBytes?: number;
  /** The figure to hold against the bill. */
  billShouldMatch: 'per-repository' | 'registry-unique';
}

/** An account of the organization that did not report. */
export interface MissingAccount {
  accountId: string;
  name: string | null;
  /** The date of its latest report, older than the organization's report accepts; null when it never reported. */
  latestReport: string | null;
}

/** One account's part of a report. */
export interface AccountReport {
  accountId: string;
  /** The account's name in the organization; null when it is not known (accounts given by id, a single account's run). */
  name: string | null;
  /** The regions read, or, for an account that could not be read, the regions it was to be read in. */
  regions: string[];
  /** False when the account could not be read at all, or the run stopped before reading every repository of it. */
  complete: boolean;
  /** The account's repositories added up, priced as the report's totals are. */
  totals: ReportTotals;
  /** The account's failures; a failure of the whole account is the one entry with an empty region. */
  errors: ReportError[];
}

/** How the in-use guard ran for a report. */
export interface GuardSummary {
  /** `off`: writes are never held, only reported. */
  mode: 'on' | 'off';
  /** Days ahead the policies are evaluated for images in use. */
  horizonDays: number;
  /** The sources read: `ecs`, `lambda`, `list:FILE`, `snapshot`. */
  sources: string[];
}

/** One in-use image at risk, as the report lists it. */
export interface InUseAtRiskImage {
  /** Set in a report of several accounts. */
  accountId?: string;
  region: string;
  repositoryName: string;
  imageDigest: string;
  consumers: string[];
  /** The rule that removes it, in words. */
  rule: string;
  /** Which policy removes it: the repository's own with the default rule merged in (the janitor's write), or its own as it is. */
  policy: 'with-default-rule' | 'own';
  /** True when the guard holds the janitor's write because of it. */
  held: boolean;
}

/** Orders report rows: most reclaimable first, then most stored, then by region, name and account. */
export function compareRepositoryReports(a: RepositoryReport, b: RepositoryReport): number {
  return (
    b.reclaimableBytes - a.reclaimableBytes ||
    b.storedBytes - a.storedBytes ||
    a.region.localeCompare(b.region) ||
    a.repositoryName.localeCompare(b.repositoryName) ||
    a.accountId.localeCompare(b.accountId)
  );
}

export { GIB, monthlyUsd } from './money';
