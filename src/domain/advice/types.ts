/** How far ahead the advisor simulates its policy: what it removes now and within this many days. */
export const ADVICE_HORIZON_DAYS = 30;

/** Images pulled within this many days are never acted on by advice. @default 90 */
export const DEFAULT_KEEP_PULLED_DAYS = 90;

/** Releases kept beyond the oldest one still pulled, for rollbacks. @default 3 */
export const DEFAULT_ROLLBACK_MARGIN = 3;

/** The shortest age after which advice expires an ephemeral family (pull requests, commits, nightlies). */
export const MIN_EPHEMERAL_DAYS = 14;

/** The format of the advice file. */
export const ADVICE_FORMAT = 'ecr-janitor-advice/1';

/** Images and their bytes, counted as the audit counts them (bytes: blobs no kept image of the repository uses). */
export interface RemovedFigures {
  images: number;
  bytes: number;
}

/** One safety check of an advised policy: how many images it is about, and how many the policy acts on. */
export interface AdviceCheck {
  images: number;
  /** Acted on (expired, removed with what goes, or archived) at `now`. */
  actedOnNow: number;
  /** Acted on by `now` + 30 days. */
  actedOnIn30Days: number;
}

/** Every check the advised policy went through, with its counts. */
export interface AdviceChecks {
  /** ECR's rules (50 rules, 30,720 characters, 4 wildcards a pattern, …): the problems found, none when it passed. */
  validation: { passed: boolean; problems: string[] };
  /** The janitor's lint: warnings block the advice, notes (`info`) are listed. */
  lint: { passed: boolean; findings: string[] };
  /** The times the policy was simulated at (ISO-8601): `now` and `now` + 30 days. */
  simulatedAt: string[];
  /** Images in use (ECS, Lambda, lists) with the index children and referrers they need. */
  inUse: AdviceCheck;
  /** Images pulled within `--keep-pulled-days`. */
  pulledRecently: AdviceCheck & { days: number };
  /** Children of image indexes the policy keeps. */
  indexChildrenOfKept: AdviceCheck;
  /** Referrers (signatures, SBOMs, attestations) of images the policy keeps. */
  referrersOfKept: AdviceCheck;
  /** Images carrying a fixed name (`latest`, `prod`, …). */
  fixedNames: AdviceCheck;
}

/** The advice for one repository, as the advice file holds it. */
export interface RepositoryAdvice {
  accountId: string;
  region: string;
  repositoryName: string;
  /** `policy`: adopt `recommendedPolicyText`; `none`: nothing to adopt (see `reason`). */
  advice: 'policy' | 'none';
  /** Why: what the advice changes and what it saves, or why it is withheld. */
  reason: string;
  /** The policy the advice was made from (null: none). `remediate --adopt` writes only while it is still this. */
  currentPolicyText: string | null;
  /** The policy to adopt; null when the advice is `none`. */
  recommendedPolicyText: string | null;
  /** What the recommended policy removes at `now`, with index children and referrers that go with their parent. */
  removedNow: RemovedFigures;
  /** What it removes by `now` + 30 days (what `removedNow` holds included). */
  removedIn30Days: RemovedFigures;
  /** Its monthly saving beyond what the current effective policy already saves (negative: it keeps more). */
  monthlyExtraSavingsUsd: number;
  /** The monthly saving of its archive transition; null without `--archive-price-per-gb-month`. */
  monthlyArchiveSavingsUsd: number | null;
  checks: AdviceChecks;
}

/** Totals over the repositories of an advice. */
export interface AdviceTotals {
  repositories: number;
  /** Repositories with a policy to adopt. */
  withAdvice: number;
  /** Repositories where advice was withheld for safety (or could not be made). */
  withheld: number;
  removedNow: RemovedFigures;
  removedIn30Days: RemovedFigures;
  monthlyExtraSavingsUsd: number;
  monthlyArchiveSavingsUsd: number | null;
}

/** The advice file (`advise --format json`), read by `remediate --adopt`. */
export interface AdviceFile {
  format: typeof ADVICE_FORMAT;
  generatedAt: string;
  /** The time the policies were simulated from. */
  now: string;
  settings: {
    keepPulledDays: number;
    rollbackMargin: number;
    days: number;
    maxUntaggedDays: number;
    pricePerGbMonth: number;
    archiveAfterDays: number;
    archivePricePerGbMonth: number | null;
  };
  repositories: RepositoryAdvice[];
  totals: AdviceTotals;
  /** Repositories (or regions) that could not be read: no advice for them. */
  errors: Array<{ region: string; repositoryName?: string; code: string; message: string }>;
}

/** Rounds an amount in USD as every report does (to a hundredth of a cent), without float noise. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 10_000) / 10_000;
}

/**
 * Adds up the repositories of an advice: only adopted advice counts towards removals and savings.
 *
 * @example adviceTotals(entries).monthlyExtraSavingsUsd
 */
export function adviceTotals(entries: readonly RepositoryAdvice[]): AdviceTotals {
  const totals: AdviceTotals = {
    repositories: entries.length,
    withAdvice: 0,
    withheld: 0,
    removedNow: { images: 0, bytes: 0 },
    removedIn30Days: { images: 0, bytes: 0 },
    monthlyExtraSavingsUsd: 0,
    monthlyArchiveSavingsUsd: null,
  };
  for (const entry of entries) {
    if (entry.advice !== 'policy') {
      if (!isUnchanged(entry)) totals.withheld++;
      continue;
    }
    totals.withAdvice++;
    totals.removedNow.images += entry.removedNow.images;
    totals.removedNow.bytes += entry.removedNow.bytes;
    totals.removedIn30Days.images += entry.removedIn30Days.images;
    totals.removedIn30Days.bytes += entry.removedIn30Days.bytes;
    totals.monthlyExtraSavingsUsd += entry.monthlyExtraSavingsUsd;
    if (entry.monthlyArchiveSavingsUsd !== null)
      totals.monthlyArchiveSavingsUsd = (totals.monthlyArchiveSavingsUsd ?? 0) + entry.monthlyArchiveSavingsUsd;
  }
  totals.monthlyExtraSavingsUsd = roundUsd(totals.monthlyExtraSavingsUsd);
  if (totals.monthlyArchiveSavingsUsd !== null) totals.monthlyArchiveSavingsUsd = roundUsd(totals.monthlyArchiveSavingsUsd);
  return totals;
}

/** The reason given when the repository's policy already is the advice. */
export const UNCHANGED_REASON = 'the current policy already is what the advisor recommends';

/** True for `none` advice that is not withheld but needless: the current policy already is the advice. */
export function isUnchanged(entry: Pick<RepositoryAdvice, 'advice' | 'reason'>): boolean {
  return entry.advice === 'none' && entry.reason === UNCHANGED_REASON;
}
