import { JanitorError } from './errors';
import { buildImageGraph, closeDoomed, naiveBytesOf, reclaimableBytesOf, storedBytesOf } from './graph';
import type { LifecyclePolicy } from './policy';
import { evaluatePolicy, mergeDefaultRule, parsePolicy, policyExpiresUntaggedImages } from './policy';
import type { RepositoryState } from './registry';
import type { PolicyStatus, RepositoryReport } from './report';
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
}

/** Outcome of {@link analyseRepository}: the report row and, when there is one, a problem to record. */
export interface Analysis {
  report: RepositoryReport;
  /** Why the effective policy could not be built (an invalid stored policy, a merge conflict). */
  warning?: string;
}

/** The repository's policy status: missing, present without untagged cleanup, or ok. */
export function policyStatusOf(policyText: string | null): { status: PolicyStatus; policy?: LifecyclePolicy; invalid?: string } {
  if (policyText === null) return { status: 'missing' };
  const parsed = parsePolicy(policyText);
  if (!parsed.ok) return { status: 'no-untagged-rule', invalid: `stored lifecycle policy is not valid (${parsed.problems.length} problem(s))` };
  return { status: policyExpiresUntaggedImages(parsed.policy) ? 'ok' : 'no-untagged-rule', policy: parsed.policy };
}

/**
 * Audits one repository: classifies its images, computes de-duplicated storage, and what its
 * effective policy (its own when it already expires untagged images or the janitor leaves it
 * alone, else the merge with the default rule) removes at `now`, with index children and
 * referrers that go with the removed images.
 */
export function analyseRepository(state: RepositoryState, options: AnalysisOptions): Analysis {
  const { status, policy: own, invalid } = policyStatusOf(state.lifecyclePolicyText);
  let effective: LifecyclePolicy | undefined = own;
  let warning = invalid;
  if (status !== 'ok' && !options.optedOut && !options.excluded && invalid === undefined) {
    try {
      effective = mergeDefaultRule(state.lifecyclePolicyText ?? undefined, options.days).policy;
    } catch (error) {
      if (!(error instanceof JanitorError)) throw error;
      warning = error.message;
    }
  }

  const graph = buildImageGraph(state.images);
  const expired: string[] = [];
  if (effective) {
    const evaluation = evaluatePolicy(effective, state.images, { now: options.now });
    for (const i of evaluation.actedIndexes) {
      if (evaluation.actionOf(i) === 'expire') expired.push((state.images[i] as { imageDigest: string }).imageDigest);
    }
  }
  const doomed = closeDoomed(graph, expired);
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
    archivedImages,
    doomedImages: doomed.size,
    storedBytes,
    naiveBytes: naiveBytesOf(state.images),
    reclaimableBytes,
    monthlyCostUsd: monthlyUsd(storedBytes, options.pricePerGbMonth),
    monthlySavingsUsd: monthlyUsd(reclaimableBytes, options.pricePerGbMonth),
  };
  return warning === undefined ? { report } : { report, warning };
}
