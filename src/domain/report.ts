import type { RecommendedPolicies } from './advice/types';
import type { InUseSource } from './in-use';
import type { PredictionCounts, PredictionMismatch } from './forecast';
import type { PolicyFinding } from './policy/lint';
import type { CumulativeRealized, RealizedSavings } from './realized';
import { sumRealized } from './realized';
import { GIB, monthlyUsd } from './money';

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
 * A failure confined to one repository, one region's listing, one in-use source or, in a report of
 * several accounts, one whole account; the run went on without it.
 */
export interface ReportError {
  /**
   * The account the failure is in: set in a report of several accounts (a single account's report
   * leaves it out, as its repositories say which account it is).
   */
  accountId?: string;
  /** Empty for a failure of a whole account (see {@link isAccountFailure}): its role could not be assumed, it timed out or is suspended. */
  region: string;
  /** Absent when the region's repository listing itself failed, or for an in-use source (`source`). */
  repositoryName?: string;
  /**
   * Set when an in-use source could not be read (`ecs`, `lambda`, …, or `list` for a list of images in
   * use): the guard then holds every write that could remove an image, in every region.
   */
  source?: InUseSource;
  /** The error's name, e.g. `AccessDeniedException`. */
  code: string;
  message: string;
}

/** Why a repository (or a whole region) was not read: the run stopped before its turn. */
export type NotReachedReason =
  /** The run's time budget ran out (a Lambda invocation near its timeout). */
  | 'deadline'
  /** The run was interrupted (SIGINT or SIGTERM). */
  | 'interrupted'
  /** The region's endpoint stopped answering: after several timeouts in a row its other repositories were not tried. */
  | 'region-unresponsive';

/** A repository, or a region (no `repositoryName`: not even listed), the run never read. */
export interface NotReached {
  /** Set in a report of several accounts. */
  accountId?: string;
  region: string;
  repositoryName?: string;
  reason: NotReachedReason;
}

/**
 * Why something needs a person: a repository's lifecycle policy the audit read but could not use
 * fully, image data that makes its sizes approximate, or a region's registry setting that defeats
 * lifecycle rules.
 */
export type ReportWarningCode =
  /** The stored policy fails the janitor's validation of ECR's rules: nothing was evaluated for the repository. */
  | 'InvalidStoredPolicy'
  /** The default untagged rule cannot be merged into the policy: its own rules were evaluated alone. */
  | 'PolicyNotMergeable'
  /** The audit role is not excluded from pull-time updates: each audit refreshes `lastRecordedPullTime`. */
  | 'PullTimesRecorded'
  /** Whether the audit role is excluded from pull-time updates could not be checked. */
  | 'PullTimeExclusionUnknown'
  /**
   * Images without a readable manifest (missing, or neither an image manifest nor an index): their
   * stored bytes fall back to `imageSizeInBytes`, so shared layers are counted once per image.
   */
  | 'ManifestMissing'
  /** An index lists child manifests that the repository does not hold: their layers are not in the stored bytes. */
  | 'IndexChildMissing'
  /**
   * Images whose `imageSizeInBytes` is smaller than their manifest's layers (as the moto emulator
   * reports it): `naiveBytes` understates, stored bytes come from the manifests.
   */
  | 'ImageSizeBelowBlobs'
  /** The default rule would remove an image in use within the guard's horizon: the write is held (or, with the guard off, made anyway). */
  | 'InUseImageAtRisk'
  /** The repository's own policy removes an image in use within the guard's horizon. */
  | 'InUseImageExpiring'
  /** An in-use source beyond ECS and Lambda was refused or is not offered in the region: left out (the message names the permission). */
  | 'InUseSourceSkipped'
  /** A workload names what it runs only at run time, or names a task or job definition that does not exist: the guard cannot see it. */
  | 'InUseReferenceUnresolved'
  /** The region's tags could not be read in bulk (Resource Groups Tagging API): each repository's were read instead. */
  | 'TagsReadOneByOne'
  /** A repository's manifest cache was not valid (corrupt, another format): ignored, its manifests read again, the cache rebuilt. */
  | 'ManifestCacheIgnored'
  /** Result objects of the weekly run's shards that could not be used (their repositories are in `errors`). */
  | 'ShardResultsUnusable'
  /** The policy advisor failed on a repository (it is audited, but has no advice). */
  | 'AdviceFailed'
  /** A repository creation template whose lifecycle policy does not clean untagged images (see creation-templates.ts). */
  | 'CreationTemplateWithoutCleanup'
  /** A pull-through-cache rule that no PULL_THROUGH_CACHE creation template covers: its repositories start without a policy. */
  | 'PullThroughCacheWithoutTemplate'
  /** A replication rule whose repositories no REPLICATION creation template of the destination covers. */
  | 'ReplicationWithoutTemplate'
  /** The region's creation templates, pull-through-cache rules or replication could not be read: nothing about them was judged. */
  | 'RegistrySettingsUnread'
  /**
   * The repository's ledger or last forecast could not be read whole (records of another format, a
   * failed read): its realized savings and prediction leave that part out, or are absent.
   */
  | 'LedgerUnreadable'
  /** The repository's next forecast could not be stored: next week's prediction of it is missing, and its realized period longer. */
  | 'ForecastNotWritten'
  /** The registry's `BLOB_MOUNTING` setting could not be read: its stored bytes are the per-repository sum, as without blob mounting. */
  | 'BlobMountingUnknown';

/**
 * A problem with one repository's lifecycle policy, or with a region's registry as a whole. Shaped
 * like {@link ReportError}, but the repositories were read and are in the totals: a warning is no
 * failure of the run.
 */
export interface ReportWarning {
  /** Set in a report of several accounts. */
  accountId?: string;
  region: string;
  /** Empty for a warning about the region's registry as a whole (e.g. `PullTimesRecorded`). */
  repositoryName: string;
  code: ReportWarningCode;
  message: string;
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

/**
 * Whether an error is the failure of a whole account (its role could not be assumed, it timed out or
 * it is suspended): nothing of that account was read.
 *
 * @example report.errors.filter(isAccountFailure).length // accounts not read
 */
export function isAccountFailure(error: Pick<ReportError, 'accountId' | 'region'>): boolean {
  return error.accountId !== undefined && error.region === '';
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

/** Orders errors, warnings and what was not reached by account, then region, then repository (a region's listing first). */
export function compareLocations(
  a: Pick<ReportError, 'accountId' | 'region' | 'repositoryName'>,
  b: Pick<ReportError, 'accountId' | 'region' | 'repositoryName'>,
): number {
  return (
    (a.accountId ?? '').localeCompare(b.accountId ?? '') ||
    a.region.localeCompare(b.region) ||
    (a.repositoryName ?? '').localeCompare(b.repositoryName ?? '')
  );
}

export { GIB, monthlyUsd } from './money';

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
