// A candidate policy put to the test: what it does to the images at a time, the checks counted
// from that, and the advice withheld with whatever checks were made.
import { isActive } from '../archive';
import type { ImageGraph } from '../graph';
import { closeDoomed } from '../graph';
import type { ImageDetail } from '../image';
import type { LifecyclePolicy, LifecycleRule } from '../policy';
import { evaluatePolicy } from '../policy';
import type { RepositoryState } from '../registry';
import type { AdviceCheck, AdviceChecks, RepositoryAdvice } from './types';

/** What a policy does to the repository at one time. */
export interface Simulation {
  doomed: Set<string>;
  transitioned: Set<string>;
  /** For each image acted on: the priority of the rule that is the reason (for what goes with an index or subject, the rule that removed that). */
  blame: Map<string, number>;
}

/** What `policy` expires and archives of the images at `at`, with what goes with them and the rule to blame for each. */
export function simulate(policy: LifecyclePolicy, images: readonly ImageDetail[], graph: ImageGraph, at: number): Simulation {
  const evaluation = evaluatePolicy(policy, images, { now: at });
  const expired: string[] = [];
  const transitioned = new Set<string>();
  const blame = new Map<string, number>();
  for (const i of evaluation.actedIndexes) {
    const image = images[i] as ImageDetail;
    const priority = evaluation.appliedRulePriorityOf(i) as number;
    blame.set(image.imageDigest, priority);
    if (evaluation.actionOf(i) === 'expire') expired.push(image.imageDigest);
    else if (isActive(image)) transitioned.add(image.imageDigest);
  }
  const doomed = closeDoomed(graph, expired);
  // What goes with an index or a subject is blamed on the rule that removed that.
  const rootOf = (digest: string, seen: Set<string>): number | undefined => {
    const direct = blame.get(digest);
    if (direct !== undefined) return direct;
    if (seen.has(digest)) return undefined;
    seen.add(digest);
    const node = graph.nodes.get(digest);
    for (const parent of node?.parents ?? []) {
      const p = doomed.has(parent) ? rootOf(parent, seen) : undefined;
      if (p !== undefined) return p;
    }
    return node?.subject !== undefined && doomed.has(node.subject) ? rootOf(node.subject, seen) : undefined;
  };
  for (const digest of doomed) {
    if (blame.has(digest)) continue;
    const p = rootOf(digest, new Set());
    if (p !== undefined) blame.set(digest, p);
  }
  return { doomed, transitioned, blame };
}

/** A check that found nothing yet. */
export function emptyCheck(): AdviceCheck {
  return { images: 0, actedOnNow: 0, actedOnIn30Days: 0 };
}

/** The advice withheld, with its reason and whatever checks were made. */
export function withheld(state: RepositoryState, reason: string, checks: AdviceChecks): RepositoryAdvice {
  return {
    accountId: state.accountId,
    region: state.region,
    repositoryName: state.repositoryName,
    advice: 'none',
    reason,
    currentPolicyText: state.lifecyclePolicyText,
    recommendedPolicyText: null,
    removedNow: { images: 0, bytes: 0 },
    removedIn30Days: { images: 0, bytes: 0 },
    monthlyExtraSavingsUsd: 0,
    monthlyArchiveSavingsUsd: null,
    checks,
  };
}

/** True when two policies hold the same rules (priorities and key order aside). */
export function sameRules(stored: LifecyclePolicy, policy: LifecyclePolicy): boolean {
  const canonical = (rules: readonly LifecycleRule[]): string =>
    JSON.stringify(
      [...rules]
        .sort((a, b) => a.rulePriority - b.rulePriority)
        .map((r) => ({ d: r.description ?? '', s: sortedKeys(r.selection), a: sortedKeys(r.action) })),
    );
  return canonical(stored.rules) === canonical(policy.rules);
}

function sortedKeys(value: object): Array<[string, unknown]> {
  return Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
}

/** Counts, per check, the images it is about and those the policy acts on at each time. */
export function fillChecks(
  checks: AdviceChecks,
  facts: {
    graph: ImageGraph;
    inUse: ReadonlyMap<string, unknown>;
    pulled: ReadonlySet<string>;
    sims: readonly Simulation[];
    hasFixedName: (image: ImageDetail) => boolean;
    signedSubject: (image: ImageDetail) => string | undefined;
  },
): void {
  const { graph, sims } = facts;
  const [atNow, atHorizon] = sims;
  const count = (check: AdviceCheck, concerns: (digest: string, sim: Simulation) => boolean, about: (digest: string) => boolean): void => {
    for (const digest of graph.nodes.keys()) {
      if (!about(digest)) continue;
      check.images++;
      const acted = (sim: Simulation | undefined): boolean =>
        sim !== undefined && (sim.doomed.has(digest) || sim.transitioned.has(digest)) && concerns(digest, sim);
      if (acted(atNow)) check.actedOnNow++;
      if (acted(atHorizon)) check.actedOnIn30Days++;
    }
  };
  const always = (): boolean => true;
  count(checks.inUse, always, (d) => facts.inUse.has(d));
  count(checks.pulledRecently, always, (d) => facts.pulled.has(d));
  count(
    checks.indexChildrenOfKept,
    (d, sim) => (graph.nodes.get(d)?.parents ?? []).some((p) => !sim.doomed.has(p)),
    (d) => (graph.nodes.get(d)?.parents.length ?? 0) > 0,
  );
  const subjectOf = (d: string): string | undefined => {
    const node = graph.nodes.get(d);
    if (node === undefined) return undefined;
    if (node.subject !== undefined && graph.nodes.has(node.subject)) return node.subject;
    return facts.signedSubject(node.image);
  };
  count(
    checks.referrersOfKept,
    (d, sim) => {
      const subject = subjectOf(d);
      return subject !== undefined && !sim.doomed.has(subject);
    },
    (d) => subjectOf(d) !== undefined,
  );
  count(checks.fixedNames, always, (d) => {
    const node = graph.nodes.get(d);
    return node !== undefined && facts.hasFixedName(node.image);
  });
}
