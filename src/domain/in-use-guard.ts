import type { ImageGraph } from './graph';
import { buildImageGraph, closeDoomed } from './graph';
import type { ImageDetail } from './image';
import { INDEX_MEDIA_TYPES, isTagged, parseManifest } from './image';
import type { InUseFailure } from './in-use';
import { entryOf, sortedConsumers } from './in-use';
import type { LifecyclePolicy } from './policy';
import { evaluatePolicy } from './policy';
import { DAY_MS } from './time';

// The in-use guard's judgement of one repository: which of its images are in use (with the index
// children and referrers they need), which of them a policy removes within the horizon, and whether
// a write must be held.

/** An in-use image that a policy expires within the horizon. */
export interface AtRiskImage {
  imageDigest: string;
  consumers: string[];
  /** The rule that removes it, in words: `rule 2 ("…")`, or how it goes with an expired index or subject. */
  rule: string;
}

/** The consumer the guard names for every image of a region whose workloads could not be read. */
function unknownConsumer(failures: readonly InUseFailure[]): string {
  const sources = [...new Set(failures.map((f) => f.source))].sort();
  return `unknown:${sources.join(',')} could not be read`;
}

/**
 * The in-use images of one repository: the referenced digests it holds, the children of in-use
 * indexes (a platform pulls one of them), and the referrers of in-use images (signatures, SBOMs and
 * attestations their subject needs), each with the consumers it inherits. Repeats until nothing changes.
 */
export function inUseImagesOf(graph: ImageGraph, referenced: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const inUse = new Map<string, Set<string>>();
  const referrersOf = new Map<string, string[]>();
  for (const [digest, node] of graph.nodes) {
    if (node.subject === undefined) continue;
    const list = referrersOf.get(node.subject) ?? [];
    list.push(digest);
    referrersOf.set(node.subject, list);
  }
  const queue: string[] = [];
  const mark = (digest: string, consumers: Iterable<string>): void => {
    if (!graph.nodes.has(digest)) return;
    const before = inUse.get(digest)?.size ?? -1;
    const set = entryOf(inUse, digest, () => new Set<string>());
    for (const c of consumers) set.add(c);
    if (set.size !== before) queue.push(digest);
  };
  for (const [digest, consumers] of referenced) mark(digest, consumers);
  while (queue.length > 0) {
    const digest = queue.pop() as string;
    const consumers = inUse.get(digest) ?? new Set<string>();
    const node = graph.nodes.get(digest);
    if (node?.manifest?.kind === 'index') for (const child of node.manifest.children) mark(child, consumers);
    for (const referrer of referrersOf.get(digest) ?? []) mark(referrer, consumers);
  }
  return sortedConsumers(inUse);
}

/** What the guard needs to know about one repository, built once and asked about several policies. */
export interface GuardContext {
  images: readonly ImageDetail[];
  graph: ImageGraph;
  /** The repository's in-use images (see {@link inUseImagesOf}). */
  inUse: Map<string, string[]>;
  /** Sources that could not be read: then every image counts as in use. */
  unknown: readonly InUseFailure[];
}

/**
 * The guard's view of one repository. When a source could not be read, every image counts as in use
 * (by an unknown consumer): the guard never guesses "not in use".
 *
 * @example const context = guardContextOf(state.images, catalog.referencesOf(state, state.images), catalog.failures());
 */
export function guardContextOf(
  images: readonly ImageDetail[],
  referenced: ReadonlyMap<string, readonly string[]>,
  unknown: readonly InUseFailure[] = [],
): GuardContext {
  const graph = buildImageGraph(images);
  return { images, graph, inUse: inUseImagesOf(graph, referenced), unknown };
}

/** The digest shortened for messages: `sha256:0123456789ab`. */
export function shortDigest(digest: string): string {
  return digest.length > 19 ? digest.slice(0, 19) : digest;
}

function ruleLabel(policy: LifecyclePolicy, priority: number | undefined): string {
  const rule = policy.rules.find((r) => r.rulePriority === priority);
  if (rule === undefined) return 'a rule';
  return rule.description === undefined ? `rule ${rule.rulePriority}` : `rule ${rule.rulePriority} ("${rule.description}")`;
}

/**
 * The in-use images that `policy` removes by `at` (epoch ms): those its rules expire, and those that
 * go with them (children of an expired index, referrers of an expired subject). Removal only grows
 * with time (a since-rule acts on an image once it is old enough and on it ever after; count rules
 * do not depend on time), so what is at risk at `at` covers every moment before it. With an unknown
 * source, every image removed is at risk.
 *
 * @example inUseAtRisk(mergedPolicy, context, now + 7 * DAY_MS).map((i) => i.imageDigest)
 */
export function inUseAtRisk(policy: LifecyclePolicy, context: GuardContext, at: number): AtRiskImage[] {
  const { images, graph } = context;
  const evaluation = evaluatePolicy(policy, images, { now: at });
  const expiredBy = new Map<string, number | undefined>();
  for (const i of evaluation.actedIndexes) {
    if (evaluation.actionOf(i) === 'expire') expiredBy.set((images[i] as ImageDetail).imageDigest, evaluation.appliedRulePriorityOf(i));
  }
  const doomed = closeDoomed(graph, expiredBy.keys());
  const unknown = context.unknown.length > 0 ? unknownConsumer(context.unknown) : undefined;
  const out: AtRiskImage[] = [];
  for (const digest of doomed) {
    const consumers = context.inUse.get(digest) ?? (unknown === undefined ? undefined : [unknown]);
    if (consumers === undefined) continue;
    out.push({ imageDigest: digest, consumers, rule: why(digest) });
  }
  return out.sort((a, b) => a.imageDigest.localeCompare(b.imageDigest));

  function why(digest: string): string {
    if (expiredBy.has(digest)) return ruleLabel(policy, expiredBy.get(digest));
    const node = graph.nodes.get(digest);
    const parent = node?.parents.find((p) => expiredBy.has(p)) ?? node?.parents.find((p) => doomed.has(p));
    if (parent !== undefined)
      return `goes with index ${shortDigest(parent)}, which ${expiredBy.has(parent) ? ruleLabel(policy, expiredBy.get(parent)) : 'goes too'} removes`;
    if (node?.subject !== undefined) {
      return graph.nodes.has(node.subject)
        ? `goes with its subject ${shortDigest(node.subject)}, which ${expiredBy.has(node.subject) ? ruleLabel(policy, expiredBy.get(node.subject)) : 'goes too'} removes`
        : `its subject ${shortDigest(node.subject)} is gone, and ECR removes its referrers`;
    }
    return 'removed with the images it goes with';
  }
}

/** The guard's decision about writing `policy` to a repository. */
export interface GuardVerdict {
  /** In-use images the policy would remove within the horizon (every removed image when a source is unknown). */
  atRisk: AtRiskImage[];
  /** True when the write must be held: something in use is at risk. */
  hold: boolean;
}

/**
 * Judges a write: `policy` may be written only when no in-use image is at risk from now until the
 * end of the horizon (`now + horizonDays`).
 *
 * @example const { hold, atRisk } = judgeWrite(merged.policy, context, { now, horizonDays: 7 });
 */
export function judgeWrite(policy: LifecyclePolicy, context: GuardContext, options: { now: number; horizonDays: number }): GuardVerdict {
  const atRisk = inUseAtRisk(policy, context, options.now + options.horizonDays * DAY_MS);
  return { atRisk, hold: atRisk.length > 0 };
}

/**
 * The untagged referrers (signatures, SBOMs, attestations) that `policy` expires at `now` although
 * their subject stays — what the audit reports as `referrersAtRisk`, and a remediation plan shows for
 * the policy it would write. A referrer whose subject goes (or is already gone) is removed by ECR
 * anyway and is not counted.
 */
export function referrersAtRiskOf(graph: ImageGraph, expired: readonly string[], doomed: ReadonlySet<string>): number {
  let count = 0;
  for (const digest of expired) {
    const node = graph.nodes.get(digest);
    if (node?.kind !== 'referrer' || node.subject === undefined || isTagged(node.image)) continue;
    if (graph.nodes.has(node.subject) && !doomed.has(node.subject)) count++;
  }
  return count;
}

/** Digests `policy` expires at `now` and everything removed with them. */
export function removedBy(
  policy: LifecyclePolicy,
  images: readonly ImageDetail[],
  graph: ImageGraph,
  now: number,
): { expired: string[]; doomed: Set<string> } {
  const evaluation = evaluatePolicy(policy, images, { now });
  const expired: string[] = [];
  for (const i of evaluation.actedIndexes) {
    if (evaluation.actionOf(i) === 'expire') expired.push((images[i] as ImageDetail).imageDigest);
  }
  return { expired, doomed: closeDoomed(graph, expired) };
}

/**
 * The images as the guard keeps them between an audit and the remediation that follows: every field
 * the policy engine and the image graph read, but the manifest text only of indexes (their children
 * matter) — a referrer's subject is kept as `subjectManifestDigest`. A fraction of the memory of the
 * full images, for the repositories where a write is due.
 */
export function guardImagesOf(images: readonly ImageDetail[]): ImageDetail[] {
  return images.map((image) => {
    const { imageManifest, ...rest } = image;
    if (imageManifest === undefined) return rest;
    const reported = image.imageManifestMediaType;
    if (reported !== undefined && INDEX_MEDIA_TYPES.has(reported)) return image;
    const parsed = parseManifest(imageManifest, reported);
    if (parsed.kind === 'index') return image;
    if (rest.subjectManifestDigest === undefined && parsed.subject !== undefined) rest.subjectManifestDigest = parsed.subject;
    return rest;
  });
}

/** Lists digests with their consumers for a message, the first `limit` of them and how many more. */
export function describeAtRisk(atRisk: readonly AtRiskImage[], limit = 5): string {
  const shown = atRisk.slice(0, limit).map((i) => `${shortDigest(i.imageDigest)} (${i.rule}; used by ${listConsumers(i.consumers)})`);
  const more = atRisk.length > limit ? `; and ${atRisk.length - limit} more` : '';
  return `${shown.join('; ')}${more}`;
}

/** Consumers for a message: the first three and how many more. */
export function listConsumers(consumers: readonly string[], limit = 3): string {
  const shown = consumers.slice(0, limit).join(', ');
  return consumers.length > limit ? `${shown} and ${consumers.length - limit} more` : shown;
}
