import { JanitorError } from './errors';
import { naiveBytesOf, reclaimableBytesOf, storedBytesOf } from './graph';
import type { AtRiskImage, InUseFailure } from './in-use';
import { describeAtRisk, guardContextOf, inUseAtRisk, referrersAtRiskOf, removedBy } from './in-use';
import type { LifecyclePolicy } from './policy';
import { formatProblem, mergeDefaultRule, parsePolicy, policyExpiresUntaggedImages } from './policy';
import type { RepositoryState } from './registry';
import type { PolicyStatus, ReportWarningCode, RepositoryReport } from './report';
import { monthlyUsd } from './report';
import { DAY_MS } from './time';

/** Settings of an analysis. */
export interface AnalysisOptions {
  /** Evaluation time, epoch milliseconds. */
  now: number;
  /** Age in days of the default untagged-image rule. @default 7 */
  days: number;
  /** USD per GB-month. @default 0.10 */
  pricePerGbMonth: number;
  /** The repository is opted out by tag. */
  optedOut: boolean;
  /** The repository matches an exclude glob. */
  excluded: boolean;
  /** What is known of the images in use; absent when no in-use source was read (the guard then has nothing to say). */
  inUse?: AnalysisInUse;
}

/** The in-use knowledge an analysis judges the repository with. */
export interface AnalysisInUse {
  /** The repository's referenced digests, each with its consumers. */
  referenced: ReadonlyMap<string, readonly string[]>;
  /** Sources of the repository's region that could not be read: every image then counts as in use. */
  unknown: readonly InUseFailure[];
  /** Days ahead the policies are evaluated. */
  horizonDays: number;
  /** False: writes are never held (`--guard off`), only reported. */
  guard: boolean;
}

/** A problem with the repository's policy, for the report's `warnings`. */
export interface AnalysisWarning {
  code: ReportWarningCode;
  message: string;
}

/** Outcome of {@link analyseRepository}: the report row and, when there is one, a problem to record. */
export interface Analysis {
  report: RepositoryReport;
  /** Why the effective policy could not be built (an invalid stored policy, a merge conflict). */
  warning?: AnalysisWarning;
  /** In-use images at risk, by the policy the janitor would write (`InUseImageAtRisk`) or by the repository's own (`InUseImageExpiring`). */
  inUseWarnings?: AnalysisWarning[];
  /** The in-use images at risk, for the report's list; `held` when the guard holds the write because of them. */
  atRisk?: Array<AtRiskImage & { policy: 'with-default-rule' | 'own'; held: boolean }>;
}

/** How many of an invalid policy's problems the warning spells out; the rest are counted. */
const PROBLEMS_SHOWN = 3;

/** The repository's policy status: missing, present without untagged cleanup, or ok. */
export function policyStatusOf(policyText: string | null): { status: PolicyStatus; policy?: LifecyclePolicy; invalid?: string } {
  if (policyText === null) return { status: 'missing' };
  const parsed = parsePolicy(policyText);
  if (!parsed.ok) {
    const n = parsed.problems.length;
    const shown = parsed.problems.slice(0, PROBLEMS_SHOWN).map(formatProblem).join(' ');
    const more = n > PROBLEMS_SHOWN ? ` (and ${n - PROBLEMS_SHOWN} more)` : '';
    return {
      status: 'no-untagged-rule',
      invalid: `stored lifecycle policy is not valid (${n} problem${n === 1 ? '' : 's'}), so it was not evaluated: ${shown}${more}`,
    };
  }
  return { status: policyExpiresUntaggedImages(parsed.policy) ? 'ok' : 'no-untagged-rule', policy: parsed.policy };
}

/**
 * Audits one repository: classifies its images, computes de-duplicated storage, and what its
 * effective policy (its own when it already expires untagged images or the janitor leaves it
 * alone, else the merge with the default rule) removes at `now`, with index children and
 * referrers that go with the removed images. It also counts the referrers at risk: untagged
 * signatures, SBOMs and attestations the effective policy expires while their subject stays.
 *
 * Warns about an invalid stored policy always, but about a policy the default rule cannot be
 * merged into only when the janitor would merge (never for opted-out or excluded repositories).
 *
 * With `inUse`, it also judges the images in use (see in-use.ts): those the policy the janitor would
 * leave removes by `now + horizonDays` are counted (`inUseAtRisk`); when the default rule would
 * remove one — or any image at all while a source of the region is unknown — the guard holds the
 * write (`heldInUse`, warning `InUseImageAtRisk`) and the repository's own policy stays the effective
 * one. In-use images that the repository's own policy removes get the warning `InUseImageExpiring`.
 */
export function analyseRepository(state: RepositoryState, options: AnalysisOptions): Analysis {
  const { status, policy: own, invalid } = policyStatusOf(state.lifecyclePolicyText);
  let effective: LifecyclePolicy | undefined = own;
  let merged: LifecyclePolicy | undefined;
  let warning: AnalysisWarning | undefined = invalid === undefined ? undefined : { code: 'InvalidStoredPolicy', message: invalid };
  if (status !== 'ok' && !options.optedOut && !options.excluded && invalid === undefined) {
    try {
      merged = mergeDefaultRule(state.lifecyclePolicyText ?? undefined, options.days).policy;
      effective = merged;
    } catch (error) {
      if (!(error instanceof JanitorError)) throw error;
      warning = { code: 'PolicyNotMergeable', message: error.message };
    }
  }

  const context = guardContextOf(state.images, options.inUse?.referenced ?? new Map(), options.inUse?.unknown ?? []);
  const { graph } = context;
  // The guard: what the policy the janitor would leave removes of the images in use, by the end of the horizon.
  let atRisk: Analysis['atRisk'];
  const inUseWarnings: AnalysisWarning[] = [];
  let held = false;
  let inUseAtRiskCount = 0;
  if (options.inUse !== undefined) {
    const { guard, horizonDays } = options.inUse;
    const at = options.now + horizonDays * DAY_MS;
    const known = { ...context, unknown: [] };
    atRisk = [];
    if (merged !== undefined) {
      const mergedAtRisk = inUseAtRisk(merged, known, at);
      // A region whose workloads could not be read: every image the write would remove may be in use.
      const unknownAtRisk = context.unknown.length > 0 ? inUseAtRisk(merged, context, at) : [];
      held = guard && (mergedAtRisk.length > 0 || unknownAtRisk.length > 0);
      inUseAtRiskCount = mergedAtRisk.length;
      atRisk.push(...mergedAtRisk.map((image) => ({ ...image, policy: 'with-default-rule' as const, held })));
      if (mergedAtRisk.length > 0 || unknownAtRisk.length > 0) {
        const what =
          mergedAtRisk.length > 0
            ? `the default rule would remove ${mergedAtRisk.length} image${mergedAtRisk.length === 1 ? '' : 's'} in use within ${horizonDays} days: ${describeAtRisk(mergedAtRisk)}`
            : `what the region's workloads use is unknown (${context.unknown.map((f) => `${f.source}: ${f.code}`).join(', ')}), and the default rule would remove ${unknownAtRisk.length} image${unknownAtRisk.length === 1 ? '' : 's'} within ${horizonDays} days`;
        inUseWarnings.push({
          code: 'InUseImageAtRisk',
          message: guard
            ? `not remediated: ${what}. Tag or redeploy what is in use (or exclude the repository); the next run decides again`
            : `the in-use guard is off, so remediation writes the policy anyway: ${what}`,
        });
      }
    }
    if (own !== undefined) {
      const ownAtRisk = inUseAtRisk(own, known, at);
      if (merged === undefined) {
        inUseAtRiskCount = ownAtRisk.length;
        atRisk.push(...ownAtRisk.map((image) => ({ ...image, policy: 'own' as const, held: false })));
      }
      if (ownAtRisk.length > 0) {
        inUseWarnings.push({
          code: 'InUseImageExpiring',
          message: `the repository's own lifecycle policy removes ${ownAtRisk.length} image${ownAtRisk.length === 1 ? '' : 's'} in use within ${horizonDays} days: ${describeAtRisk(ownAtRisk)}. Tag or redeploy what is in use, or change the rule`,
        });
      }
    }
  }
  // A held repository keeps its own policy: that is what removes images, and what reclaimable means.
  if (held) effective = own;

  const removed =
    effective === undefined
      ? { expired: [] as string[], doomed: new Set<string>() }
      : removedBy(effective, state.images, graph, options.now);
  const { expired, doomed } = removed;
  // A referrer is at risk when the policy takes it for an ordinary untagged image while its
  // subject stays (a referrer whose subject goes, or is already gone, is removed by ECR anyway).
  const referrersAtRisk = referrersAtRiskOf(graph, expired, doomed);
  let untaggedImages = 0;
  let indexChildren = 0;
  let referrers = 0;
  let archivedImages = 0;
  for (const node of graph.nodes.values()) {
    if (node.kind === 'orphan') untaggedImages++;
    else if (node.kind === 'index-child') indexChildren++;
    else if (node.kind === 'referrer') referrers++;
    if (node.archived) archivedImages++;
  }
  const storedBytes = storedBytesOf(graph);
  const reclaimableBytes = reclaimableBytesOf(graph, doomed);
  const report: RepositoryReport = {
    accountId: state.accountId,
    region: state.region,
    repositoryName: state.repositoryName,
    policyStatus: status,
    optedOut: options.optedOut,
    excluded: options.excluded,
    images: state.images.length,
    untaggedImages,
    indexChildren,
    referrers,
    referrersAtRisk,
    archivedImages,
    doomedImages: doomed.size,
    storedBytes,
    naiveBytes: naiveBytesOf(state.images),
    reclaimableBytes,
    monthlyCostUsd: monthlyUsd(storedBytes, options.pricePerGbMonth),
    monthlySavingsUsd: monthlyUsd(reclaimableBytes, options.pricePerGbMonth),
    inUseImages: context.inUse.size,
    inUseAtRisk: inUseAtRiskCount,
    heldInUse: held,
  };
  return {
    report,
    ...(warning === undefined ? {} : { warning }),
    ...(inUseWarnings.length > 0 ? { inUseWarnings } : {}),
    ...(atRisk === undefined ? {} : { atRisk }),
  };
}
