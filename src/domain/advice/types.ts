/** How far ahead the advisor simulates its policy: what it removes now and within this many days. */
export const ADVICE_HORIZON_DAYS = 30;

import { roundUsd } from '../money';

export { DEFAULT_KEEP_PULLED_DAYS, DEFAULT_ROLLBACK_MARGIN } from '../defaults';

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

/** One repository's advice with its owner (the owner grouping's value: a team tag, or the name prefix). */
export interface AdvisedRepository {
  advice: RepositoryAdvice;
  owner: string;
}

/** The report's section "Recommended policies": what adopting the advice saves, where, and for whom. */
export interface RecommendedPolicies {
  totals: AdviceTotals;
  /** The repositories whose advice saves most beyond their current policy, largest first. */
  top: Array<{ region: string; repositoryName: string; owner: string; monthlyExtraSavingsUsd: number; removedNow: RemovedFigures }>;
  /** What each owner (team) saves by adopting all its advice, largest first. */
  byOwner: Array<{ owner: string; repositories: number; monthlyExtraSavingsUsd: number }>;
  /** Where the advice file is stored (`s3://bucket/key`), when it was. */
  location?: string;
  /** A link a person opens to read the advice file. */
  link?: string;
}

/** How many repositories the section lists. */
export const TOP_ADVICE = 10;

/**
 * The report's section from the advised repositories: totals, the top repositories by extra saving,
 * and each owner's saving from adopting its advice (only advice with a policy counts).
 *
 * @example report.recommendedPolicies = recommendedPoliciesOf(shards.flatMap((s) => s.advice ?? []));
 */
export function recommendedPoliciesOf(advised: readonly AdvisedRepository[], limit = TOP_ADVICE): RecommendedPolicies {
  const adopted = advised.filter((a) => a.advice.advice === 'policy');
  const owners = new Map<string, { owner: string; repositories: number; monthlyExtraSavingsUsd: number }>();
  for (const { advice, owner } of adopted) {
    const o = owners.get(owner) ?? { owner, repositories: 0, monthlyExtraSavingsUsd: 0 };
    o.repositories++;
    o.monthlyExtraSavingsUsd += advice.monthlyExtraSavingsUsd;
    owners.set(owner, o);
  }
  const top = [...adopted]
    .sort(
      (a, b) =>
        b.advice.monthlyExtraSavingsUsd - a.advice.monthlyExtraSavingsUsd ||
        a.advice.region.localeCompare(b.advice.region) ||
        a.advice.repositoryName.localeCompare(b.advice.repositoryName),
    )
    .slice(0, limit)
    .map(({ advice, owner }) => ({
      region: advice.region,
      repositoryName: advice.repositoryName,
      owner,
      monthlyExtraSavingsUsd: advice.monthlyExtraSavingsUsd,
      removedNow: advice.removedNow,
    }));
  const byOwner = [...owners.values()]
    .map((o) => ({ ...o, monthlyExtraSavingsUsd: roundUsd(o.monthlyExtraSavingsUsd) }))
    .sort((a, b) => b.monthlyExtraSavingsUsd - a.monthlyExtraSavingsUsd || a.owner.localeCompare(b.owner));
  return { totals: adviceTotals(advised.map((a) => a.advice)), top, byOwner };
}
