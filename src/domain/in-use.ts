import { InvalidInputError } from './errors';
import type { ImageGraph } from './graph';
import { buildImageGraph, closeDoomed } from './graph';
import type { ImageDetail } from './image';
import { INDEX_MEDIA_TYPES, isTagged, parseManifest } from './image';
import { SHA256_DIGEST, ecrRegistryOf, parseImageReference } from './image-reference';
import type { LifecyclePolicy } from './policy';
import { evaluatePolicy } from './policy';
import { DAY_MS } from './time';

/** Where the janitor learns that an image is in use. */
export type InUseSource = 'ecs' | 'lambda' | 'list';

/** The sources the CLI and the deployed functions scan by default. */
export const WORKLOAD_SOURCES: readonly InUseSource[] = ['ecs', 'lambda'];

/**
 * One image a workload or a list says is in use. A reference into an ECR registry carries that
 * registry's account and region; a list entry without a registry (`repository@sha256:…`) matches
 * that repository in every audited registry, and a bare `sha256:…` matches the digest in every
 * repository.
 */
export interface InUseEntry {
  /** The registry's account; absent: every audited account. */
  accountId?: string;
  /** The registry's region; absent: every audited region. */
  region?: string;
  /** Absent: every repository (a bare digest in a list). */
  repositoryName?: string;
  imageDigest: string;
  /**
   * Who pulls it: `ecs:service/CLUSTER/SERVICE`, `ecs:task/CLUSTER/TASK_ID`, `lambda:FUNCTION:VERSION`
   * or `list:FILE-OR-S3-URI`.
   */
  consumer: string;
}

/** A source that could not be read: what it uses is unknown, so the guard assumes every image is in use. */
export interface InUseFailure {
  /** The region whose workloads could not be read; absent: every region (a list the janitor could not read). */
  region?: string;
  source: InUseSource;
  /** The error's code, e.g. `AccessDeniedException`. */
  code: string;
  message: string;
}

/**
 * What a workload reports about one of its containers: the image as configured and, when the
 * platform resolved it, the digest it runs.
 */
export interface WorkloadImage {
  /** As the workload names it: `ACCOUNT.dkr.ecr.REGION.amazonaws.com/repo[:tag][@sha256:…]`. */
  image: string;
  /** The digest the platform resolved (ECS `imageDigest`); preferred over a digest in `image`. */
  imageDigest?: string;
  consumer: string;
}

/**
 * The in-use entry of a workload's image, or undefined when it is not a digest in an ECR registry
 * (an image from another registry, or a tag that was never resolved). Only references into ECR
 * registries are kept; whether a registry is the audited one is decided when a repository asks.
 *
 * @example inUseEntryOf({ image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1', imageDigest: 'sha256:…', consumer: 'ecs:task/prod/abc' })
 */
export function inUseEntryOf(workload: WorkloadImage): InUseEntry | undefined {
  const reference = parseImageReference(workload.image);
  if (reference === undefined) return undefined;
  const registry = ecrRegistryOf(reference.registry);
  if (registry === undefined) return undefined;
  const digest = workload.imageDigest !== undefined && SHA256_DIGEST.test(workload.imageDigest) ? workload.imageDigest : reference.digest;
  if (digest === undefined) return undefined;
  return {
    accountId: registry.accountId,
    region: registry.region,
    repositoryName: reference.repository,
    imageDigest: digest,
    consumer: workload.consumer,
  };
}

/** What {@link parseInUseList} found in a list. */
export interface InUseList {
  entries: InUseEntry[];
  /** References into registries other than ECR (Docker Hub, a mirror): not the janitor's business. */
  ignored: number;
}

/** The most entries a list may hold: a cluster with a million pods stays well under it. */
const LIST_ENTRY_LIMIT = 1_000_000;

/**
 * Reads a list of images in use: one reference a line (several on a line, separated by spaces, as
 * `kubectl get pods -A -o jsonpath='{..imageID}'` prints them; `#` starts a comment; blank lines are
 * ignored), or a JSON array of strings. Each is `[registry/]repository@sha256:<64 hex>`, with or
 * without a `docker-pullable://` prefix, or a bare `sha256:<64 hex>` that matches the digest in every
 * repository. References into other registries than ECR are counted in `ignored`.
 *
 * @param source where the list comes from, for messages and consumers (`list:SOURCE`)
 * @throws InvalidInputError naming the line (or array entry) that is not such a reference
 * @example parseInUseList('web@sha256:…\n# EKS prod\n', 'in-use.txt').entries[0]?.consumer === 'list:in-use.txt'
 */
export function parseInUseList(text: string, source: string): InUseList {
  const consumer = `list:${source}`;
  const tokens: Array<{ where: string; value: string }> = [];
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('[')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch (error) {
      throw new InvalidInputError(`in-use list ${source} starts like a JSON array but is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(doc)) throw new InvalidInputError(`in-use list ${source} must be a JSON array of strings`);
    doc.forEach((value, i) => {
      if (typeof value !== 'string') {
        throw new InvalidInputError(`in-use list ${source}: entry ${i + 1} is not a string; write each image as "repository@sha256:…"`);
      }
      tokens.push({ where: `entry ${i + 1}`, value });
    });
  } else {
    text.split(/\r?\n/).forEach((line, i) => {
      for (const value of line.trim().split(/\s+/)) {
        if (value === '') continue;
        if (value.startsWith('#')) break;
        tokens.push({ where: `line ${i + 1}`, value });
      }
    });
  }
  if (tokens.length > LIST_ENTRY_LIMIT) {
    throw new InvalidInputError(
      `in-use list ${source} holds ${tokens.length} references, more than the ${LIST_ENTRY_LIMIT} the janitor reads`,
    );
  }
  const entries: InUseEntry[] = [];
  let ignored = 0;
  for (const { where, value } of tokens) {
    const bare = value.replace(/^docker-pullable:\/\//, '');
    if (SHA256_DIGEST.test(bare)) {
      entries.push({ imageDigest: bare, consumer });
      continue;
    }
    const reference = parseImageReference(value);
    if (reference?.digest === undefined) {
      const shown = value.length > 120 ? `${value.slice(0, 119)}…` : value;
      throw new InvalidInputError(
        `in-use list ${source}, ${where}: "${shown}" is not an image pinned by digest; write [registry/]repository@sha256:<64 hex> or sha256:<64 hex>`,
      );
    }
    if (reference.registry === undefined) {
      entries.push({ repositoryName: reference.repository, imageDigest: reference.digest, consumer });
      continue;
    }
    const registry = ecrRegistryOf(reference.registry);
    if (registry === undefined) {
      ignored++;
      continue;
    }
    entries.push({ ...registry, repositoryName: reference.repository, imageDigest: reference.digest, consumer });
  }
  return { entries, ignored };
}

/** Identifies a repository to the catalog. */
export interface RepositoryKey {
  accountId: string;
  region: string;
  repositoryName: string;
}

const ANY = '*';

/**
 * Every image in use that the janitor knows of, over all regions and sources, with the sources it
 * could not read. Indexed on entry, so a repository's lookup costs no scan.
 *
 * @example
 * const catalog = new InUseCatalog();
 * catalog.add(entries);
 * catalog.fail({ region: 'eu-west-1', source: 'ecs', code: 'AccessDeniedException', message: '…' });
 * catalog.referencesOf({ accountId, region, repositoryName }); // Map digest → consumers
 */
export class InUseCatalog {
  private readonly byKey = new Map<string, Map<string, Set<string>>>();
  private readonly failed: InUseFailure[] = [];
  private readonly all: InUseEntry[] = [];

  /** Adds entries (duplicates are merged by consumer). */
  add(entries: Iterable<InUseEntry>): this {
    for (const entry of entries) {
      this.all.push(entry);
      const key = `${entry.accountId ?? ANY}|${entry.region ?? ANY}|${entry.repositoryName ?? ANY}`;
      const digests = entryOf(this.byKey, key, () => new Map<string, Set<string>>());
      entryOf(digests, entry.imageDigest, () => new Set<string>()).add(entry.consumer);
    }
    return this;
  }

  /** Records a source that could not be read. */
  fail(failure: InUseFailure): this {
    this.failed.push(failure);
    return this;
  }

  /** Adds another catalog's entries and failures. */
  merge(other: InUseCatalog): this {
    this.add(other.all);
    for (const failure of other.failed) this.fail(failure);
    return this;
  }

  /** Every entry added, in order. */
  entries(): readonly InUseEntry[] {
    return this.all;
  }

  /** Every failure recorded, in order. */
  failures(): readonly InUseFailure[] {
    return this.failed;
  }

  /** The failures that leave `region` unknown: its own, and those of lists that name every region. */
  failuresIn(region: string): InUseFailure[] {
    return this.failed.filter((f) => f.region === undefined || f.region === region);
  }

  /** The digests in use in one repository, each with its consumers (sorted). */
  referencesOf(repository: RepositoryKey): Map<string, string[]> {
    const out = new Map<string, Set<string>>();
    for (const account of [repository.accountId, ANY]) {
      for (const region of [repository.region, ANY]) {
        for (const name of [repository.repositoryName, ANY]) {
          const digests = this.byKey.get(`${account}|${region}|${name}`);
          if (!digests) continue;
          for (const [digest, consumers] of digests) {
            const merged = entryOf(out, digest, () => new Set<string>());
            for (const c of consumers) merged.add(c);
          }
        }
      }
    }
    return sortedConsumers(out);
  }
}

/** The value of `key` in `map`, first set to `create()` when it has none. */
function entryOf<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** Each digest with its consumers as a sorted list. */
function sortedConsumers(consumersOf: ReadonlyMap<string, ReadonlySet<string>>): Map<string, string[]> {
  return new Map([...consumersOf].map(([digest, consumers]) => [digest, [...consumers].sort()]));
}

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
  /** Sources that could not be read for the repository's region: then every image counts as in use. */
  unknown: readonly InUseFailure[];
}

/**
 * The guard's view of one repository. When a source of its region could not be read, every image
 * counts as in use (by an unknown consumer): the guard never guesses "not in use".
 *
 * @example const context = guardContextOf(state.images, catalog.referencesOf(state), catalog.failuresIn(state.region));
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

/**
 * The in-use entries a snapshot records for one registry: for each captured repository, the digests
 * it holds that something uses (bare digests and names from lists resolved against it), one entry
 * per consumer.
 *
 * @example registry.inUse = inUseRecordOf(states, catalog);
 */
export function inUseRecordOf(
  repositories: ReadonlyArray<RepositoryKey & { images: readonly ImageDetail[] }>,
  catalog: InUseCatalog,
): Array<{ repositoryName: string; imageDigest: string; consumer: string }> {
  const out: Array<{ repositoryName: string; imageDigest: string; consumer: string }> = [];
  for (const repository of repositories) {
    const held = new Set(repository.images.map((i) => i.imageDigest));
    for (const [digest, consumers] of catalog.referencesOf(repository)) {
      if (!held.has(digest)) continue;
      for (const consumer of consumers) out.push({ repositoryName: repository.repositoryName, imageDigest: digest, consumer });
    }
  }
  return out;
}
