import * as z from 'zod';
import { InvalidInputError } from '../../domain/errors';
import { InUseCatalog } from '../../domain/in-use';
import { decodeManifestCache, encodeManifestCache, nextManifestCache, type ManifestIndex } from '../../domain/manifest-cache';
import type { RepositoryRef, RepositoryState } from '../../domain/registry';
import { assessPolicy } from '../../domain/remediation';
import type { ReportError, ReportWarning } from '../../domain/report-problems';
import {
  SHARD_FORMAT,
  decodePlan,
  itemId,
  manifestCacheKey,
  runKeys,
  shardKey,
  type ShardResult,
  type WeeklyItem,
  type WeeklyPlan,
} from '../../domain/weekly';
import type { ObjectStore } from '../../ports/object-store';
import type { ApiCallCounter, PolicyWriter, RegistryReader } from '../../ports/registry';
import { repositoryAdvisor } from '../advise';
import { repositoryAnalyser, scanRegistries } from '../audit';
import { toReportError } from '../errors';
import { readRepositoryState } from '../read-repository';
import { auditedRepositoryOf, remediateAudited, type AuditedRepository, type GuardOptions, type WritePacing } from '../remediate';
import { MAX_BATCH_SIZE } from '../../domain/defaults';
import { shardTruth } from './shard-truth';
import { mountingRegions, shardBlobs } from '../blob-mounting';
import { safeJson } from '../../domain/text';

/** What a shard reads from and writes to. */
export interface ShardDeps {
  /** The registry of a region: its reader, and its writer when the run writes. */
  registry(region: string): { reader: RegistryReader; writer?: PolicyWriter };
  /** The run's objects and the manifest cache. */
  store: ObjectStore;
  /** Counts the shard's calls for its result; leave out when shards share a counter (the local runner counts the run). */
  counter?: ApiCallCounter;
}

/** How a shard runs. */
export interface ShardOptions {
  /** Repositories read at the same time. */
  concurrency: number;
  /** Stops reading (the rest is `notReached`); remediation then still handles what was read. */
  signal?: AbortSignal;
  /** Stops remediating (the rest is `not-reached`), with room left to write the result. */
  remediationSignal?: AbortSignal;
  /** The write loop's pacing (tests make it instant). */
  pacing?: Partial<WritePacing>;
}

/** What a shard returns: small, as a Distributed Map child's output must be. */
export interface ShardOutcome {
  key: string;
  repositories: number;
  errors: number;
}

const itemShape = z.strictObject({
  accountId: z.string().min(1),
  region: z.string().min(1),
  repositoryName: z.string().min(1),
  repositoryArn: z.string().min(1),
  createdAt: z.string().optional(),
  tags: z.array(z.strictObject({ Key: z.string(), Value: z.string() })).optional(),
});

/**
 * Checks a batch's items: the shard's input comes through Step Functions from items.json, and one
 * that does not have an item's shape is a bug to stop on, not to half-run.
 *
 * @throws InvalidInputError naming the first item that is not one of the plan's regions' repositories
 */
export function checkItems(items: unknown, plan: Pick<WeeklyPlan, 'regions' | 'runId'>): WeeklyItem[] {
  if (!Array.isArray(items) || items.length === 0)
    throw new InvalidInputError(`a shard of run ${plan.runId} needs a non-empty array of items`);
  if (items.length > MAX_BATCH_SIZE) {
    throw new InvalidInputError(`a batch of ${items.length} items is more than a shard may take (${MAX_BATCH_SIZE}): lower batchSize`);
  }
  const seen = new Set<string>();
  return items.map((raw, index) => {
    const parsed = itemShape.safeParse(raw);
    if (!parsed.success)
      throw new InvalidInputError(`item ${index} of the batch is not a repository item: ${parsed.error.issues[0]?.message ?? ''}`);
    if (!plan.regions.includes(parsed.data.region)) {
      throw new InvalidInputError(`item ${index} (${itemId(parsed.data)}) is in ${parsed.data.region}, not one of the run's regions`);
    }
    // A repository twice would be audited, remediated and counted twice.
    if (seen.has(itemId(parsed.data))) throw new InvalidInputError(`item ${index} (${itemId(parsed.data)}) is in the batch twice`);
    seen.add(itemId(parsed.data));
    return parsed.data as WeeklyItem;
  });
}

/** The in-use catalog the plan recorded: one for every region (an entry names its own region, or all). */
function catalogOf(plan: WeeklyPlan): InUseCatalog | undefined {
  if (plan.inUse === undefined) return undefined;
  const catalog = new InUseCatalog().add(plan.inUse.entries);
  for (const failure of plan.inUse.failures) catalog.fail(failure);
  return catalog;
}

/**
 * Reads a repository with its cached manifests, and writes the cache back when the repository's
 * images changed. A cache that cannot be read or is not valid is never trusted: the manifests are
 * read from ECR and the cache rewritten; a cache that cannot be written only costs reads next week.
 */
function cachedReader(
  store: ObjectStore,
  counts: ShardResult['manifests'],
  warnings: ReportWarning[],
  /** Told the cache as read (the manifests known before this run), alongside the repository's read. */
  onCache?: (ref: RepositoryRef, manifests: ManifestIndex) => Promise<void>,
) {
  return async (reader: RegistryReader, ref: RepositoryRef, tags: WeeklyItem['tags']): Promise<RepositoryState> => {
    const key = manifestCacheKey(ref.region, ref.repositoryName);
    let text: string | undefined;
    let unreadable: string | undefined;
    try {
      text = await store.get(key);
    } catch (error) {
      // Said in the report: every manifest is then read from ECR again, which costs calls.
      const { code, message } = toReportError(ref.region, ref.repositoryName, error);
      unreadable = `it could not be read (${code}: ${message})`;
    }
    const decoded = decodeManifestCache(text, ref.region, ref.repositoryName);
    const cache = unreadable === undefined ? decoded : { ...decoded, ignored: unreadable };
    if (cache.ignored !== undefined) {
      warnings.push({
        region: ref.region,
        repositoryName: ref.repositoryName,
        code: 'ManifestCacheIgnored',
        message: `the manifest cache (${key}) was ignored: ${cache.ignored}; every manifest was read again and the cache rebuilt`,
      });
    }
    const [state] = await Promise.all([
      readRepositoryState(reader, ref, { ...(tags === undefined ? {} : { tags }), manifests: cache.manifests }),
      onCache?.(ref, cache.manifests),
    ]);
    const cached = state.images.filter((i) => cache.manifests.has(i.imageDigest)).length;
    counts.cached += cached;
    counts.fetched += state.images.length - cached;
    await writeCache(store, key, ref, cache.manifests, state);
    return state;
  };
}

async function writeCache(store: ObjectStore, key: string, ref: RepositoryRef, previous: ManifestIndex, state: RepositoryState) {
  const next = nextManifestCache(previous, state.images);
  if (next === undefined) return;
  try {
    await store.put(key, encodeManifestCache(ref.region, ref.repositoryName, next), 'application/json');
  } catch {
    // Next week reads these manifests from ECR again; the report is right either way.
  }
}

/**
 * One shard of the weekly run: audits its batch of repositories (tags from the plan, manifests from
 * the cache where known), remediates them as the run's settings say (the in-use guard judging from
 * the plan's record of what is in use), and writes its result object whole under a key derived from
 * its items, so a retried shard replaces its own result. A repository that fails is an error in the
 * result, never a failed shard.
 *
 * @example await auditShard(deps, 'run-1', batch, { concurrency: 8 });
 */
export async function auditShard(deps: ShardDeps, runId: string, batch: unknown, options: ShardOptions): Promise<ShardOutcome> {
  const plan = decodePlan(await deps.store.get(runKeys(runId).plan), runId);
  const items = checkItems(batch, plan);
  const { settings } = plan;
  const mark = deps.counter?.snapshot();
  const catalog = catalogOf(plan);
  const guard = settings.guard;
  const warnings: ReportWarning[] = [];
  const truth = settings.readLedger === true ? shardTruth(deps.store, settings, warnings) : undefined;
  // Blobs of the registries with blob mounting on, for Aggregate's registry-wide unique bytes.
  const mounting = mountingRegions(plan);
  const blobs = items.some((item) => mounting.has(item.region)) ? shardBlobs(mounting) : undefined;
  const analyser = repositoryAnalyser({
    ...settings,
    ...(truth === undefined ? {} : { truth: truth.lookup }),
    ...(guard === undefined || catalog === undefined ? {} : { inUse: { catalog, mode: guard.mode, horizonDays: guard.horizonDays } }),
  });
  const advisor =
    settings.advice === undefined
      ? undefined
      : repositoryAdvisor({
          ...settings,
          ...settings.advice,
          ...(guard === undefined || catalog === undefined ? {} : { inUse: { catalog, mode: guard.mode, horizonDays: guard.horizonDays } }),
        });
  const errors: ReportError[] = [];
  const manifests = { cached: 0, fetched: 0 };
  const read = cachedReader(deps.store, manifests, warnings, truth?.load);
  const byRegion = new Map<string, WeeklyItem[]>();
  for (const item of items) {
    const region = byRegion.get(item.region);
    if (region === undefined) byRegion.set(item.region, [item]);
    else region.push(item);
  }
  const registries = [...byRegion.keys()].map((region) => deps.registry(region));
  const tagsOf = new Map(items.map((item) => [itemId(item), item.tags]));
  const audited: AuditedRepository[] = [];
  const unread: RepositoryRef[] = [];
  // The rule of the run: each repository's policy is assessed with it once, for its report row and its remediation.
  const rule = {
    days: settings.days,
    ...(settings.enforcedMaxUntaggedDays === undefined ? {} : { enforcedMaxUntaggedDays: settings.enforcedMaxUntaggedDays }),
  };
  const { notReached } = await scanRegistries(
    registries.map((r) => r.reader),
    {
      concurrency: options.concurrency,
      refsOf: async (reader) => (byRegion.get(reader.region) ?? []).map(({ tags: _tags, ...ref }) => ref),
      read: (reader, ref) => read(reader, ref, tagsOf.get(itemId(ref))),
      visit: (state) => {
        const assessment = assessPolicy(state.lifecyclePolicyText, rule);
        analyser.visit(state, assessment);
        // Advice judges the state as read, before this run's remediation writes anything.
        try {
          advisor?.visit(state, assessment);
        } catch (error) {
          const { code, message } = toReportError(state.region, state.repositoryName, error);
          warnings.push({
            region: state.region,
            repositoryName: state.repositoryName,
            code: 'AdviceFailed',
            message: `no advice: ${code}: ${message}`,
          });
        }
        truth?.forecast(state);
        blobs?.visit(state);
        audited.push(auditedRepositoryOf(state, { keepImagesFor: settings.selection, assessment }));
      },
      errors,
      onFailed: (ref) => unread.push(ref),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  const guardOptions: GuardOptions | undefined =
    guard === undefined || catalog === undefined
      ? undefined
      : {
          enabled: guard.mode === 'on',
          horizonDays: guard.horizonDays,
          inUse: { catalog: async () => catalog },
          now: () => settings.now,
        };
  const remediation = await remediateAudited(
    registries.map((r) => ({ reader: r.reader, ...(r.writer ? { writer: r.writer } : {}) })),
    audited,
    {
      apply: settings.apply,
      concurrency: options.concurrency,
      selection: settings.selection,
      ...rule,
      ...(guardOptions ? { guard: guardOptions } : {}),
      ...(options.pacing ? { pacing: options.pacing } : {}),
      ...(options.remediationSignal ? { signal: options.remediationSignal } : {}),
    },
    unread,
  );
  await truth?.write(remediation.actions, options.concurrency);
  const key = shardKey(runId, items);
  // Written before the result, so a result never names partitions that are not there.
  const blobPartitions = await blobs?.write(deps.store, runId, key, plan.planId);
  const spent = mark && deps.counter?.since(mark);
  const result: ShardResult = {
    format: SHARD_FORMAT,
    runId,
    planId: plan.planId,
    items: items.map(itemId),
    repositories: analyser.parts.repositories,
    warnings: [...analyser.parts.warnings, ...warnings],
    errors: [...errors, ...remediation.errors],
    notReached,
    inUseAtRiskImages: analyser.parts.inUseAtRiskImages,
    actions: remediation.actions,
    ...(advisor === undefined ? {} : { advice: advisor.advised }),
    manifests,
    ...(truth === undefined ? {} : { ledger: truth.summary() }),
    ...(blobPartitions === undefined ? {} : { blobPartitions }),
    apiCalls: spent?.calls ?? {},
    apiRetries: spent?.retries ?? {},
  };
  await deps.store.put(key, safeJson(result), 'application/json');
  return { key, repositories: result.repositories.length, errors: result.errors.length };
}
