import type { InUseSource } from './in-use';

// What a report says went wrong or needs a person: failures confined to a repository, a region, an
// in-use source or an account; what the run never reached; warnings about a policy or a registry.

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
 * Whether an error is the failure of a whole account (its role could not be assumed, it timed out or
 * it is suspended): nothing of that account was read.
 *
 * @example report.errors.filter(isAccountFailure).length // accounts not read
 */
export function isAccountFailure(error: Pick<ReportError, 'accountId' | 'region'>): boolean {
  return error.accountId !== undefined && error.region === '';
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
