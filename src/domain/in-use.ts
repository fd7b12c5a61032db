import { ConfigError } from './errors';
import type { ImageDetail } from './image';

// What is in use: the sources the janitor reads, the entries they give, and the one catalog of them
// across every region that each repository is judged against. Reading references into entries is in
// in-use-entries.ts, the guard's judgement of a repository in in-use-guard.ts.

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
export function entryOf<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** Each digest with its consumers as a sorted list. */
export function sortedConsumers(consumersOf: ReadonlyMap<string, ReadonlySet<string>>): Map<string, string[]> {
  return new Map([...consumersOf].map(([digest, consumers]) => [digest, [...consumers].sort()]));
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
