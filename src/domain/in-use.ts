import { ConfigError, InvalidInputError } from './errors';
import type { ImageGraph } from './graph';
import { buildImageGraph, closeDoomed } from './graph';
import type { ImageDetail } from './image';
import { INDEX_MEDIA_TYPES, isTagged, parseManifest } from './image';
import { SHA256_DIGEST, ecrRegistryOf, parseImageReference } from './image-reference';
import type { LifecyclePolicy } from './policy';
import { evaluatePolicy } from './policy';
import { DAY_MS } from './time';

/**
 * The workload sources the janitor scans, region by region: what runs now (ECS services and tasks,
 * Lambda image functions) and what can run later (EventBridge rules and Scheduler schedules that start
 * ECS tasks, AWS Batch job definitions, Step Functions state machines that start ECS tasks or Batch
 * jobs, App Runner services) and Amazon Inspector's record of the images ECS tasks and EKS pods run.
 */
export const WORKLOAD_SOURCES = ['ecs', 'lambda', 'events', 'scheduler', 'batch', 'stepfunctions', 'apprunner', 'inspector'] as const;

/** A workload source (see {@link WORKLOAD_SOURCES}). */
export type WorkloadSource = (typeof WORKLOAD_SOURCES)[number];

/**
 * The workload sources a setting names: a comma-separated list of {@link WORKLOAD_SOURCES}, `all`
 * for every one of them, or `none`, in the order of {@link WORKLOAD_SOURCES} (case and duplicates ignored).
 *
 * @throws ConfigError naming the word that is no source
 * @example parseInUseScan('ecs,batch') // ['ecs', 'batch']
 */
export function parseInUseScan(value: string): WorkloadSource[] {
  const names = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  const fix = `write a comma-separated list of ${WORKLOAD_SOURCES.join(', ')}, or all, or none`;
  if (names.length === 1 && names[0] === 'none') return [];
  if (names.length === 1 && names[0] === 'all') return [...WORKLOAD_SOURCES];
  if (names.length === 0) throw new ConfigError(`no in-use source named; ${fix}`);
  const unknown = names.find((name) => !(WORKLOAD_SOURCES as readonly string[]).includes(name));
  if (unknown !== undefined) throw new ConfigError(`"${unknown}" is not an in-use source; ${fix}`);
  return WORKLOAD_SOURCES.filter((source) => names.includes(source));
}

/** Where the janitor learns that an image is in use: a workload source, or a list the user keeps. */
export type InUseSource = WorkloadSource | 'list';

/**
 * The sources whose failure, of whatever kind, leaves what is in use unknown (every write that could
 * remove an image is held). Any other source that is refused (`AccessDenied`) or not offered in a
 * region is left out with a warning naming the permission: a principal granted only the ECS and
 * Lambda reads keeps working as before.
 */
export const ESSENTIAL_SOURCES: ReadonlySet<WorkloadSource> = new Set(['ecs', 'lambda']);

/** The registry and repository an entry names; absent fields match every audited one. */
interface InUsePlace {
  /** The registry's account; absent: every audited account. */
  accountId?: string;
  /** The registry's region; absent: every audited region. */
  region?: string;
  /** Absent: every repository (a bare digest in a list). */
  repositoryName?: string;
  /**
   * Who pulls it: `ecs:service/CLUSTER/SERVICE`, `ecs:task/CLUSTER/TASK_ID`, `lambda:FUNCTION:VERSION`,
   * `events:rule/BUS/RULE`, `scheduler:GROUP/NAME`, `batch:JOB_DEFINITION:REVISION`,
   * `stepfunctions:MACHINE[:VERSION]/STATE`, `apprunner:SERVICE`, `inspector:…` or `list:FILE-OR-S3-URI`.
   */
  consumer: string;
}

/** An image in use by its digest. */
export interface InUseDigestEntry extends InUsePlace {
  imageDigest: string;
  tag?: undefined;
}

/**
 * An image in use by its tag: what a workload starts later pulls whatever the tag names then, so the
 * image the tag names when a repository is judged is in use. Always bound to its registry and repository.
 */
export interface InUseTagEntry extends InUsePlace {
  accountId: string;
  region: string;
  repositoryName: string;
  tag: string;
  imageDigest?: undefined;
}

/**
 * One image a workload or a list says is in use. A reference into an ECR registry carries that
 * registry's account and region; a list entry without a registry (`repository@sha256:…`) matches
 * that repository in every audited registry, and a bare `sha256:…` matches the digest in every
 * repository.
 */
export type InUseEntry = InUseDigestEntry | InUseTagEntry;

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
 * Why part of what is in use was not seen, though the run goes on (a report warning of the region):
 * `InUseSourceSkipped`, a source beyond ECS and Lambda was refused (`AccessDenied`) or has no endpoint
 * in the region; `InUseReferenceUnresolved`, a workload names what it runs only at run time (a Step
 * Functions `.$` path) or names a task or job definition that does not exist.
 */
export const IN_USE_WARNING_CODES = ['InUseSourceSkipped', 'InUseReferenceUnresolved'] as const;

/** See {@link IN_USE_WARNING_CODES}. */
export type InUseWarningCode = (typeof IN_USE_WARNING_CODES)[number];

/** Something the guard could not see, said once per region and source. */
export interface InUseWarning {
  region: string;
  source: WorkloadSource;
  code: InUseWarningCode;
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

/** The tag a reference without tag or digest pulls. */
const DEFAULT_TAG = 'latest';

/**
 * The in-use entry of a workload's image, or undefined when it is not in an ECR registry (an image
 * from another registry, or text that is no reference). A digest (the one the platform resolved, else
 * one in the reference) makes a digest entry; a reference by tag only (`latest` when it names none)
 * makes a tag entry, resolved against the repository's tags when it is judged. Whether a registry is
 * the audited one is decided when a repository asks.
 *
 * @example inUseEntryOf({ image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1', imageDigest: 'sha256:…', consumer: 'ecs:task/prod/abc' })
 */
export function inUseEntryOf(workload: WorkloadImage): InUseEntry | undefined {
  const reference = parseImageReference(workload.image);
  if (reference === undefined) return undefined;
  const registry = ecrRegistryOf(reference.registry);
  if (registry === undefined) return undefined;
  const place = { ...registry, repositoryName: reference.repository, consumer: workload.consumer };
  const digest = workload.imageDigest !== undefined && SHA256_DIGEST.test(workload.imageDigest) ? workload.imageDigest : reference.digest;
  if (digest !== undefined) return { ...place, imageDigest: digest };
  return { ...place, tag: reference.tag ?? DEFAULT_TAG };
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
 * could not read and what it could not see. Indexed on entry, so a repository's lookup costs no scan.
 *
 * A workload in any region may run an image of any registry, so the catalog is one for the whole
 * run: a repository is judged against the workloads of every region, and a source that could not be
 * read, in whichever region, leaves every repository unknown.
 *
 * @example
 * const catalog = new InUseCatalog();
 * catalog.add(entries);
 * catalog.fail({ region: 'eu-west-1', source: 'ecs', code: 'AccessDeniedException', message: '…' });
 * catalog.referencesOf({ accountId, region, repositoryName }, images); // Map digest → consumers
 */
export class InUseCatalog {
  private readonly byKey = new Map<string, Map<string, Set<string>>>();
  private readonly byTag = new Map<string, Map<string, Set<string>>>();
  private readonly failed: InUseFailure[] = [];
  private readonly warned = new Map<string, InUseWarning>();
  private readonly all: InUseEntry[] = [];

  /** Adds entries (duplicates are merged by consumer). */
  add(entries: Iterable<InUseEntry>): this {
    for (const entry of entries) {
      this.all.push(entry);
      const key = `${entry.accountId ?? ANY}|${entry.region ?? ANY}|${entry.repositoryName ?? ANY}`;
      const [index, value] = entry.tag === undefined ? [this.byKey, entry.imageDigest] : [this.byTag, entry.tag];
      const values = entryOf(index, key, () => new Map<string, Set<string>>());
      entryOf(values, value, () => new Set<string>()).add(entry.consumer);
    }
    return this;
  }

  /** Records a source that could not be read. */
  fail(failure: InUseFailure): this {
    this.failed.push(failure);
    return this;
  }

  /** Records what a source could not see (once per region, source, code and message). */
  warn(warning: InUseWarning): this {
    this.warned.set(JSON.stringify([warning.region, warning.source, warning.code, warning.message]), warning);
    return this;
  }

  /** Adds another catalog's entries, failures and warnings. */
  merge(other: InUseCatalog): this {
    this.add(other.all);
    for (const failure of other.failed) this.fail(failure);
    for (const warning of other.warned.values()) this.warn(warning);
    return this;
  }

  /** Every entry added, in order. */
  entries(): readonly InUseEntry[] {
    return this.all;
  }

  /** Every failure recorded, in order: each leaves every repository unknown. */
  failures(): readonly InUseFailure[] {
    return this.failed;
  }

  /** Every warning recorded, in order. */
  warnings(): InUseWarning[] {
    return [...this.warned.values()];
  }

  /**
   * The digests in use in one repository, each with its consumers (sorted): those named by digest,
   * and those of `images` that carry a tag a workload names.
   */
  referencesOf(repository: RepositoryKey, images: ReadonlyArray<Pick<ImageDetail, 'imageDigest' | 'imageTags'>>): Map<string, string[]> {
    const out = new Map<string, Set<string>>();
    const addAll = (digest: string, consumers: Iterable<string>): void => {
      const merged = entryOf(out, digest, () => new Set<string>());
      for (const c of consumers) merged.add(c);
    };
    for (const account of [repository.accountId, ANY]) {
      for (const region of [repository.region, ANY]) {
        for (const name of [repository.repositoryName, ANY]) {
          for (const [digest, consumers] of this.byKey.get(`${account}|${region}|${name}`) ?? []) addAll(digest, consumers);
        }
      }
    }
    const tags = this.byTag.get(`${repository.accountId}|${repository.region}|${repository.repositoryName}`);
    if (tags !== undefined) {
      for (const image of images) {
        for (const tag of image.imageTags ?? []) {
          const consumers = tags.get(tag);
          if (consumers !== undefined) addAll(image.imageDigest, consumers);
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

/**
 * The in-use entries a snapshot records for one registry: for each captured repository, the digests
 * it holds that something uses (bare digests and names from lists, and tags workloads name, resolved
 * against it), one entry per consumer.
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
    for (const [digest, consumers] of catalog.referencesOf(repository, repository.images)) {
      if (!held.has(digest)) continue;
      for (const consumer of consumers) out.push({ repositoryName: repository.repositoryName, imageDigest: digest, consumer });
    }
  }
  return out;
}
