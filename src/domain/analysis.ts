import { JanitorError } from './errors';
import { buildImageGraph, closeDoomed, naiveBytesOf, reclaimableBytesOf, storedBytesOf } from './graph';
import { isTagged } from './image';
import type { LifecyclePolicy } from './policy';
import {
  evaluatePolicy,
  formatProblem,
  lintPolicy,
  parsePolicy,
  policyExpiresUntaggedImages,
  problemCount,
  remediatedPolicy,
  untaggedRetentionDays,
} from './policy';
import type { RepositoryState } from './registry';
import type { PolicyStatus, ReportWarningCode, RepositoryReport } from './report';
import { monthlyUsd } from './report';

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
  /** The lint's limit: untagged images kept longer than this many days after push get a finding. @default 30 */
  maxUntaggedDays: number;
  /**
   * When set, remediation shortens longer untagged age rules to this many days, and the effective
   * policy is counted with that change. @default undefined (off)
   */
  enforceMaxUntaggedDays?: number;
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
}

/** How many of an invalid policy's problems the warning spells out; the rest are counted. */
const PROBLEMS_SHOWN = 3;

/** The repository's policy status: missing, present without untagged cleanup, or ok. */
export function policyStatusOf(policyText: string | null): { status: PolicyStatus; policy?: LifecyclePolicy; invalid?: string } {
  if (policyText === null) return { status: 'missing' };
  const parsed = parsePolicy(policyText);
  if (!parsed.ok) {
    const n = problemCount(parsed);
    const shown = parsed.problems.slice(0, PROBLEMS_SHOWN).map(formatProblem).join(' ');
    const more = n > PROBLEMS_SHOWN ? ` (and ${n - PROBLEMS_SHOWN} more)` : '';
    return {
      status: 'no-untagged-rule',
      invalid: `stored lifecycle policy is not valid (${n} problem${n === 1 ? '' : 's'}), so it was not evaluated: ${shown}${more}`,
    };
  }
  return { status: policyExpiresUntaggedImages(parsed.policy) ? 'ok' : 'no-untagged-rule', policy: parsed.policy };
}

/** A repository's own policy and the janitor's effective one, as {@link effectivePolicyOf} decides them. */
export interface EffectivePolicy {
  status: PolicyStatus;
  /** The repository's own policy, when it has a valid one. */
  own?: LifecyclePolicy;
  /** What the janitor leaves or makes of it; undefined when there is nothing valid to evaluate. */
  effective?: LifecyclePolicy;
  warning?: AnalysisWarning;
}

/**
 * The repository's own policy and its effective policy: its own when the janitor leaves it alone
 * (opted out, excluded, invalid) or it needs nothing, else the default rule merged in (and, with
 * `enforceMaxUntaggedDays`, a longer untagged age rule shortened). Warns about an invalid stored
 * policy always, but about a policy the janitor cannot change only when it would change it.
 *
 * @example effectivePolicyOf(state.lifecyclePolicyText, { days: 7, optedOut: false, excluded: false }).effective
 */
export function effectivePolicyOf(
  policyText: string | null,
  options: Pick<AnalysisOptions, 'days' | 'optedOut' | 'excluded' | 'enforceMaxUntaggedDays'>,
): EffectivePolicy {
  const { status, policy: own, invalid } = policyStatusOf(policyText);
  const result: EffectivePolicy = { status, ...(own ? { own, effective: own } : {}) };
  if (invalid !== undefined) return { ...result, warning: { code: 'InvalidStoredPolicy', message: invalid } };
  if (options.optedOut || options.excluded || (status === 'ok' && options.enforceMaxUntaggedDays === undefined)) return result;
  try {
    const settings = {
      days: options.days,
      ...(options.enforceMaxUntaggedDays === undefined ? {} : { maxUntaggedDays: options.enforceMaxUntaggedDays }),
    };
    return { ...result, effective: remediatedPolicy(policyText ?? undefined, settings).policy };
  } catch (error) {
    if (!(error instanceof JanitorError)) throw error;
    return { ...result, warning: { code: 'PolicyNotMergeable', message: error.message } };
  }
}

/**
 * Audits one repository: classifies its images, computes de-duplicated storage, and what its
 * effective policy (see {@link effectivePolicyOf}) removes at `now`, with index children and
 * referrers that go with the removed images. It also counts the referrers at risk: untagged
 * signatures, SBOMs and attestations the effective policy expires while their subject stays, and
 * lints the repository's own policy against its images.
 */
export function analyseRepository(state: RepositoryState, options: AnalysisOptions): Analysis {
  const { status, own, effective, warning } = effectivePolicyOf(state.lifecyclePolicyText, options);

  const graph = buildImageGraph(state.images);
  const expired: string[] = [];
  if (effective) {
    const evaluation = evaluatePolicy(effective, state.images, { now: options.now });
    for (const i of evaluation.actedIndexes) {
      if (evaluation.actionOf(i) === 'expire') expired.push((state.images[i] as { imageDigest: string }).imageDigest);
    }
  }
  const doomed = closeDoomed(graph, expired);
  // A referrer is at risk when the policy takes it for an ordinary untagged image while its
  // subject stays (a referrer whose subject goes, or is already gone, is removed by ECR anyway).
  let referrersAtRisk = 0;
  for (const digest of expired) {
    const node = graph.nodes.get(digest);
    if (node?.kind !== 'referrer' || node.subject === undefined || isTagged(node.image)) continue;
    if (graph.nodes.has(node.subject) && !doomed.has(node.subject)) referrersAtRisk++;
  }
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
    findings: own ? lintPolicy(own, { images: state.images, maxUntaggedDays: options.maxUntaggedDays }) : [],
    untaggedRetentionDays: own ? untaggedRetentionDays(own) : null,
  };
  return warning === undefined ? { report } : { report, warning };
}
