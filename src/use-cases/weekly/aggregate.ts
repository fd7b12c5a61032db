import type { AdviceFile, AdvisedRepository, RecommendedPolicies } from '../../domain/advice';
import { recommendedPoliciesOf } from '../../domain/advice';
import { FORECAST_DAYS } from '../../domain/forecast';
import { pullTimeExclusionWarning } from '../../domain/pull-time-exclusion';
import type { AuditReport, BlobMountingSetting } from '../../domain/report';
import type { ReportError, ReportWarning } from '../../domain/report-problems';
import type { RemediationCounts, ReportEventDetail } from '../../domain/report-event';
import {
  decodeItems,
  decodePlan,
  decodeShardResult,
  itemId,
  itemsOfResultFile,
  runKeys,
  unfinishedResultFiles,
  type ShardResult,
  type WeeklyItem,
  type WeeklyPlan,
} from '../../domain/weekly';
import type { ObjectStore } from '../../ports/object-store';
import type { PullTimeExclusionCheck } from '../../ports/pull-time';
import type { ApiCallCounter } from '../../ports/registry';
import { adviceFileOf } from '../advise';
import { assembleReport, type ReportParts } from '../audit';
import { publishReport, withAdviceLink, type PublishDeps } from '../publish-report';
import { blobMountingOf, mountingRegions, readingsOfPlan, registryUniqueBytes } from '../blob-mounting';

/** What Aggregate reads from and writes to. */
export interface AggregateDeps {
  /** The run's objects (plan, items, shard results, the map's result files). */
  store: ObjectStore;
  /** The report's artifacts, event and message. */
  publish: PublishDeps;
  /** Checks that the role that reads manifests does not refresh pull times; absent: not checked. */
  pullTimes?: { check: PullTimeExclusionCheck; roleArn: string };
  /** Counts Aggregate's own calls. */
  counter?: ApiCallCounter;
}

/** How the map ended, as Step Functions (or the local runner) tells Aggregate. */
export interface AggregateInput {
  runId: string;
  /** The ResultWriter's manifest: its FAILED and PENDING files name the batches that did not finish. */
  resultManifestKey?: string;
  /** The map state failed as a whole (its failed shards held more repositories than tolerated, or it was stopped). */
  mapError?: { error: string; cause: string };
}

/** Settings of Aggregate. */
export interface AggregateOptions {
  /** When the report is generated, epoch ms. */
  generatedAt: number;
  /**
   * The run's calls, when counted as a whole (the local runner's shards share one counter), read as
   * the report is built (after the pull-time check); summed from the steps otherwise.
   */
  apiCalls?: () => { calls: Record<string, number>; retries: Record<string, number> };
}

/** What the run produced. */
export interface AggregateOutcome {
  report: AuditReport;
  detail: ReportEventDetail;
  /** Remediation outcomes, counted. */
  remediation: RemediationCounts;
  /** Shard results read; results that could not be used; repositories without a result. */
  shards: { results: number; unusable: number; missing: number };
  /** Manifests taken from the cache and read from ECR, over all shards. */
  manifests: ShardResult['manifests'];
}

function add(into: Record<string, number>, from: Record<string, number>): void {
  for (const [name, n] of Object.entries(from)) into[name] = (into[name] ?? 0) + n;
}

/** `error: cause`, or the error alone when no cause was given. */
function withCause(error: string, cause: string): string {
  return cause === '' ? error : `${error}: ${cause}`;
}

/** Why each repository of an unfinished batch has no result, from the map's result files. */
async function unfinishedItems(store: ObjectStore, input: AggregateInput, problems: string[]): Promise<Map<string, string>> {
  const why = new Map<string, string>();
  try {
    const manifestKey = input.resultManifestKey ?? (await foundManifestKey(store, input));
    if (manifestKey === undefined) return why;
    const manifest = await store.get(manifestKey);
    if (manifest === undefined) throw new Error(`${manifestKey} does not exist`);
    for (const key of unfinishedResultFiles(manifest)) {
      const text = await store.get(key);
      if (text === undefined) continue;
      for (const { id, error, cause } of itemsOfResultFile(text)) why.set(id, withCause(error, cause));
    }
  } catch (error) {
    problems.push(`the map's result files could not be read (${error instanceof Error ? error.message : String(error)})`);
  }
  return why;
}

/**
 * The ResultWriter's manifest when the state machine could not hand its key over: a map that fails as
 * a whole ends in its Catch, whose output has no ResultWriterDetails, yet its result files may be
 * written. The last `manifest.json` under the run's results prefix (one per map run).
 */
async function foundManifestKey(store: ObjectStore, input: AggregateInput): Promise<string | undefined> {
  if (input.mapError === undefined) return undefined;
  return (await store.list(`${runKeys(input.runId).results}/`)).filter((key) => key.endsWith('/manifest.json')).at(-1);
}

/**
 * The weekly run's last step: reads every shard's result one at a time (only the report rows stay in
 * memory), reports every repository of the plan that has no result — its shard failed after the
 * engine's retries, never ran, or left an unusable result — as an error of that repository, adds the
 * pull-time check, builds the one report and publishes it exactly as a single audit does.
 *
 * @example const { detail } = await aggregateWeeklyRun(deps, { runId, resultManifestKey }, { generatedAt: Date.now() });
 */
export async function aggregateWeeklyRun(deps: AggregateDeps, input: AggregateInput, options: AggregateOptions): Promise<AggregateOutcome> {
  const mark = deps.counter?.snapshot();
  const keys = runKeys(input.runId);
  const plan = decodePlan(await deps.store.get(keys.plan), input.runId);
  const parts: ReportParts = {
    repositories: [],
    warnings: [...plan.warnings],
    errors: [...plan.errors],
    notReached: [],
    inUseAtRiskImages: [],
  };
  const calls = { calls: { ...plan.apiCalls }, retries: { ...plan.apiRetries } };
  const remediation: RemediationCounts = {};
  const advised: AdvisedRepository[] = [];
  let advising = false;
  const manifests = { cached: 0, fetched: 0 };
  const seen = new Set<string>();
  const problems: string[] = [];
  const ledger = { from: plan.settings.now, actions: 0, failures: 0, forecastImages: 0 };
  const blobShards: Array<{ key: string; partitions: number[] }> = [];
  let results = 0;
  let unusable = 0;
  let stale = 0;
  for (const key of await deps.store.list(keys.shards)) {
    const text = await deps.store.get(key);
    const decoded = text === undefined ? { ok: false as const, reason: 'gone' } : decodeShardResult(text, plan);
    if (!decoded.ok) {
      // An earlier plan's results (the run id planned again) are left as they are: this plan's shards answer for its repositories.
      if ('stale' in decoded) stale++;
      else {
        unusable++;
        problems.push(`${key}: ${decoded.reason}`);
      }
      continue;
    }
    const shard = decoded.result;
    const overlap = shard.items.filter((id) => seen.has(id));
    // A batch's result is read once, even if an earlier attempt's object were ever listed beside it.
    if (overlap.length === shard.items.length) continue;
    // A result that covers some repositories another result covers is not half-used: its others count as missing.
    if (overlap.length > 0) {
      unusable++;
      problems.push(`${key}: covers ${overlap.join(', ')}, which another result covers`);
      continue;
    }
    results++;
    for (const id of shard.items) seen.add(id);
    parts.repositories.push(...shard.repositories);
    parts.warnings.push(...shard.warnings);
    parts.errors.push(...shard.errors);
    parts.notReached.push(...shard.notReached);
    parts.inUseAtRiskImages.push(...shard.inUseAtRiskImages);
    for (const action of shard.actions) remediation[action.outcome] = (remediation[action.outcome] ?? 0) + 1;
    if (shard.advice !== undefined) {
      advising = true;
      advised.push(...shard.advice);
    }
    manifests.cached += shard.manifests.cached;
    manifests.fetched += shard.manifests.fetched;
    if (shard.ledger !== undefined) {
      ledger.from = Math.min(ledger.from, Date.parse(shard.ledger.from));
      ledger.actions += shard.ledger.actions;
      ledger.failures += shard.ledger.failures;
      ledger.forecastImages += shard.ledger.forecastImages;
    }
    if (shard.blobPartitions !== undefined) blobShards.push({ key, partitions: shard.blobPartitions });
    add(calls.calls, shard.apiCalls);
    add(calls.retries, shard.apiRetries);
  }
  let missing = 0;
  if (seen.size < plan.itemCount || input.mapError !== undefined) {
    const why = await unfinishedItems(deps.store, input, problems);
    const items = decodeItems(await deps.store.get(keys.items), input.runId);
    const general =
      input.mapError === undefined
        ? 'its shard left no result'
        : `the map stopped (${withCause(input.mapError.error, input.mapError.cause)})`;
    for (const item of items) {
      const id = itemId(item);
      if (seen.has(id)) continue;
      missing++;
      const reason = why.get(id);
      parts.errors.push(missingError(item, reason === undefined ? general : `its shard failed after its retries (${reason})`, reason));
    }
  }
  if (stale > 0) problems.push(`${stale} result${stale === 1 ? '' : 's'} of an earlier plan of run ${input.runId} left out`);
  if (problems.length > 0) {
    parts.warnings.push({ region: plan.regions[0] ?? '', repositoryName: '', code: 'ShardResultsUnusable', message: problems.join('; ') });
  }
  parts.warnings.push(...(await pullTimeWarnings(deps, plan.regions)));
  const mounting = await blobMountingOfRun(deps.store, plan, blobShards, parts);
  const spent = mark && deps.counter?.since(mark);
  add(calls.calls, spent?.calls ?? {});
  add(calls.retries, spent?.retries ?? {});
  const counted = options.apiCalls?.() ?? calls;
  const { readLedger, ...settings } = plan.settings;
  const report = assembleReport(parts, {
    ...settings,
    blobMounting: mounting,
    ...(readLedger === true
      ? {
          ledger: {
            from: new Date(ledger.from).toISOString(),
            to: new Date(settings.now).toISOString(),
            actions: ledger.actions,
            failures: ledger.failures,
            nextForecast: { images: ledger.forecastImages, days: FORECAST_DAYS },
          },
        }
      : {}),
    generatedAt: options.generatedAt,
    apiCalls: counted.calls,
    apiRetries: counted.retries,
  });
  const advice = adviceOf(plan, advising ? advised : undefined, report, options.generatedAt);
  const published = advice === undefined ? report : withAdviceLink(report, advice.section, deps.publish.store);
  const detail = await publishReport(published, deps.publish, remediation, advice);
  return { report: published, detail, remediation, shards: { results, unusable, missing }, manifests };
}

/** The run's advice file and the report's section, when the run advised (see `WeeklySettings.advice`). */
function adviceOf(
  plan: WeeklyPlan,
  advised: readonly AdvisedRepository[] | undefined,
  report: AuditReport,
  generatedAt: number,
): { file: AdviceFile; section: RecommendedPolicies } | undefined {
  const settings = plan.settings;
  if (settings.advice === undefined || advised === undefined) return undefined;
  const file = adviceFileOf(
    advised.map((a) => a.advice),
    { ...settings, ...settings.advice, generatedAt },
    report.errors.filter((e) => e.repositoryName !== undefined),
  );
  return { file, section: recommendedPoliciesOf(advised) };
}

/**
 * The registries' BLOB_MOUNTING settings as Plan read them, with the registry-wide unique bytes of
 * those where it is on, added up from the shards' blobs; warnings (a setting not read, blobs not
 * read) go into the report's parts.
 */
async function blobMountingOfRun(
  store: ObjectStore,
  plan: WeeklyPlan,
  shards: ReadonlyArray<{ key: string; partitions: readonly number[] }>,
  parts: ReportParts,
): Promise<BlobMountingSetting[]> {
  const unique =
    mountingRegions(plan).size === 0
      ? { bytes: new Map<string, number>(), problems: [] }
      : await registryUniqueBytes(store, plan.runId, plan.planId, shards);
  if (unique.problems.length > 0) {
    parts.warnings.push({
      region: plan.regions[0] ?? '',
      repositoryName: '',
      code: 'BlobMountingUnknown',
      message: `the registry-wide unique bytes could not be added up (${unique.problems.join('; ')}); the per-repository figure is shown`,
    });
  }
  const { settings, warnings } = blobMountingOf(readingsOfPlan(plan), parts.repositories, (region) => unique.bytes.get(region));
  parts.warnings.push(...warnings);
  return settings;
}

function missingError(item: Pick<WeeklyItem, 'region' | 'repositoryName'>, why: string, reason: string | undefined): ReportError {
  return {
    region: item.region,
    repositoryName: item.repositoryName,
    code: reason === undefined ? 'ShardResultMissing' : 'ShardFailed',
    message: `not audited: ${why}; the next run reads it again`,
  };
}

/** A warning for each region whose registry records the reading role's pulls, or could not say. */
async function pullTimeWarnings(deps: AggregateDeps, regions: readonly string[]): Promise<ReportWarning[]> {
  const pullTimes = deps.pullTimes;
  if (pullTimes === undefined) return [];
  const answers = await Promise.all(
    regions.map(async (region) =>
      pullTimeExclusionWarning(region, pullTimes.roleArn, await pullTimes.check.isExcluded(region, pullTimes.roleArn)),
    ),
  );
  return answers.filter((w): w is ReportWarning => w !== undefined);
}
