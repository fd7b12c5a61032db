// The core of `npm run bench:scale`: the weekly run (Plan → shards → Aggregate, `runWeekly`) over a
// generated registry served by the in-process ECR simulator, twice — a first week that reads every
// manifest and writes the missing policies, and a second week in which 2% of the repositories got
// new images, so only their manifests are read (the rest come from the manifest cache). Each run's
// calls are compared with the fewest a complete run can make, and its wall time with the floor the
// simulated rate limits force. scale.ts runs it at full size; the unit tests run it tiny.
import { CallCounter } from '../../src/adapters/aws/call-counter';
import { createEcrRegistryPool, createTaggingClient } from '../../src/adapters/aws/clients';
import { attachRateLimits, type RateLimits } from '../../src/adapters/aws/rate-limiter';
import { TaggingApiTagIndex } from '../../src/adapters/aws/tagging';
import { MemoryEventPublisher, MemoryObjectStore } from '../../src/adapters/memory/memory-store';
import { reportRenderer } from '../../src/adapters/render/report-renderer';
import { assessPolicy } from '../../src/domain/remediation';
import type { AuditReport } from '../../src/domain/report';
import { isOptedOut } from '../../src/domain/selection';
import type { ObjectStore } from '../../src/ports/object-store';
import type { ReportRenderer, ReportStore } from '../../src/ports/report';
import type { PlanSettings } from '../../src/use-cases/weekly/plan';
import { runWeekly } from '../../src/use-cases/weekly/run';
import {
  EcrSimulator,
  GeneratedRegistry,
  SERVED_OPERATIONS,
  floorMs,
  type LatencySpec,
  type OperationLimits,
  type SimulatorStats,
} from './ecr-simulator';
import { DEFAULT_OPT_OUT_TAG } from '../../src/domain/defaults';

/** The calls of one weekly run, by operation, with their total. */
export type WeeklyCalls = Record<(typeof SERVED_OPERATIONS)[number] | 'GetAccountSetting', number> & { total: number };

/**
 * The fewest calls a complete weekly run can make against `registry` as it stands, with tags read in
 * bulk: ⌈R/1000⌉ DescribeRepositories (at least one) and ⌈T/100⌉ GetResources (T tagged
 * repositories, at least one) and the registry's BLOB_MOUNTING setting (one) in Plan; per repository one GetLifecyclePolicy and its DescribeImages
 * pages (at least one); BatchGetImage batches of at most 100 digests — over every image when
 * `manifests` is `all` (an empty cache), over the images pushed this week only when it is `new`
 * (the cache holds the rest); and for each write remediation must make (a policy without untagged
 * cleanup in a repository not opted out), the write loop's calls: the re-read of the policy and of
 * the tags just before it, PutLifecyclePolicy, and the read-back after it.
 */
export function minimumWeeklyCalls(registry: GeneratedRegistry, manifests: 'all' | 'new'): WeeklyCalls {
  return weekOf(registry, manifests).minimum;
}

/** One pass over `registry`: {@link minimumWeeklyCalls}, and the images it holds and those pushed this week. */
function weekOf(registry: GeneratedRegistry, manifests: 'all' | 'new'): { minimum: WeeklyCalls; images: number; newImages: number } {
  let tagged = 0;
  let writes = 0;
  let describeImages = 0;
  let batchGetImage = 0;
  let images = 0;
  let newImages = 0;
  for (let i = 0; i < registry.size; i++) {
    const repository = registry.repositoryAt(i);
    if (repository.tags.length > 0) tagged++;
    const { status, invalid } = assessPolicy(repository.policy ?? null, { days: 7 });
    if (status !== 'ok' && invalid === undefined && !isOptedOut(repository.tags, DEFAULT_OPT_OUT_TAG)) writes++;
    const count = registry.imageCountAt(i);
    const pushed = registry.newImageCountAt(i);
    images += count;
    newImages += pushed;
    describeImages += Math.max(1, Math.ceil(count / 1000));
    batchGetImage += Math.ceil((manifests === 'all' ? count : pushed) / 100);
  }
  const counts = {
    DescribeRepositories: Math.max(1, Math.ceil(registry.size / 1000)),
    GetResources: Math.max(1, Math.ceil(tagged / 100)),
    GetAccountSetting: 1,
    GetLifecyclePolicy: registry.size + 2 * writes,
    ListTagsForResource: writes,
    PutLifecyclePolicy: writes,
    DescribeImages: describeImages,
    BatchGetImage: batchGetImage,
  };
  return { minimum: { ...counts, total: Object.values(counts).reduce((s, n) => s + n, 0) }, images, newImages };
}

/** How to run the scale benchmark. */
export interface ScaleBenchOptions {
  repositories: number;
  images: number;
  /** @default 42 */
  seed?: number;
  /** Shards at the same time. */
  workers: number;
  /** Repositories per shard. */
  batchSize: number;
  /** Repositories at the same time within a shard. */
  concurrency: number;
  /** The server's buckets (the account's rates), shared by every client and worker. */
  limits: OperationLimits;
  /** @default { minMs: 20, maxMs: 60 } */
  latency?: LatencySpec;
  /** Client-side limits per operation (PutLifecyclePolicy's taken before each write's re-read; GetResources' on the tagging client). @default none */
  clientLimits?: RateLimits;
  /** @default 'adaptive' */
  retryMode?: 'adaptive' | 'standard';
  /** The bound of the simulator's cache of generated repositories, in images. @default the simulator's */
  cacheImages?: number;
  /**
   * The bucket: the runs' objects, the manifest cache and the report artifacts (S3 when deployed,
   * outside the functions' memory). @default a MemoryObjectStore
   */
  store?: ObjectStore & ReportStore;
  /** Renders the published artifacts. @default the production renderer */
  renderer?: ReportRenderer;
  /** Told what is going on (stderr in the benchmark). @default silent */
  onProgress?: (line: string) => void;
}

/** What one weekly run measured. */
export interface RunFigures {
  week: number;
  /** Calls by operation from the run's CallCounter (`total` included), retries apart. */
  calls: Record<string, number>;
  retries: Record<string, number>;
  minimum: WeeklyCalls;
  wallMs: number;
  floorMs: number;
  report: AuditReport;
  /** Shards run and failed. */
  shards: { total: number; failed: number };
  /** Manifests taken from the cache and read from ECR. */
  manifests: { cached: number; fetched: number };
  /** Remediation outcomes, counted. */
  remediation: Record<string, number>;
  /** What the server saw during the run. */
  server: SimulatorStats;
  /** Images the registry held during the run, and those pushed during its week. */
  images: number;
  newImages: number;
}

/** What the scale benchmark measured: the first week's run and the second's. */
export interface ScaleBenchResult {
  repositories: number;
  first: RunFigures;
  second: RunFigures;
  /** The generated registry, for checks after the runs. */
  registry: GeneratedRegistry;
}

const CREDENTIALS = { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator' };

/** The counts of `after` less `before`. */
function since(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(after)) if (n - (before[key] ?? 0) !== 0) out[key] = n - (before[key] ?? 0);
  return out;
}

function serverSnapshot(stats: SimulatorStats): SimulatorStats {
  return { requests: { ...stats.requests }, throttled: { ...stats.throttled }, lastAt: { ...stats.lastAt } };
}

/**
 * Runs the weekly pipeline twice over one generated registry: week 1, then `advanceWeek()` and
 * week 2. Each run gets fresh clients and a fresh call counter (as a new invocation would) over the
 * same simulator, so the account's state — the policies written, the server's buckets — and the
 * object store with the manifest cache carry over from one week to the next.
 *
 * @example const { first, second } = await runScaleBench({ repositories: 50, images: 2_500, workers: 2, batchSize: 10, concurrency: 4, limits });
 */
export async function runScaleBench(options: ScaleBenchOptions): Promise<ScaleBenchResult> {
  const registry = new GeneratedRegistry({
    repositories: options.repositories,
    images: options.images,
    seed: options.seed ?? 42,
    ...(options.cacheImages === undefined ? {} : { cacheImages: options.cacheImages }),
  });
  const simulator = new EcrSimulator({ registry, limits: options.limits, latency: options.latency ?? { minMs: 20, maxMs: 60 } });
  const store = options.store ?? new MemoryObjectStore('bucket');
  const publisher = new MemoryEventPublisher();
  const progress = options.onProgress ?? (() => undefined);

  const weekly = async (week: number): Promise<RunFigures> => {
    const { minimum, images, newImages } = weekOf(registry, week === 1 ? 'all' : 'new');
    const counter = new CallCounter();
    const client = { credentials: CREDENTIALS, requestHandler: simulator, counter, retryMode: options.retryMode ?? 'adaptive' };
    const { GetResources: tagLimit, ...ecrLimits } = options.clientLimits ?? {};
    const registryFor = createEcrRegistryPool({ ...client, rateLimits: ecrLimits });
    const tagging = createTaggingClient({ ...client, region: registry.region });
    if (tagLimit !== undefined) attachRateLimits(tagging, { GetResources: tagLimit });
    const ecr = registryFor(registry.region);
    const settings: PlanSettings = {
      now: registry.now,
      days: 7,
      lintMaxUntaggedDays: 30,
      pricePerGbMonth: 0.1,
      selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
      costAllocationTagKeys: ['team'],
      archiveAfterDays: 90,
      archivePricePerGbMonth: null,
      apply: true,
    };
    const before = serverSnapshot(simulator.stats);
    const start = performance.now();
    progress(
      `week ${week}: ${registry.size} repositories, ${images} images (${newImages} pushed this week); minimum ${minimum.total} calls`,
    );
    const outcome = await runWeekly(
      {
        registries: [{ reader: ecr, writer: ecr, tags: new TaggingApiTagIndex({ client: tagging, region: registry.region }) }],
        store,
        publish: { store, publisher, renderer: options.renderer ?? reportRenderer },
        counter,
      },
      {
        runId: `bench-week-${week}`,
        settings,
        batchSize: options.batchSize,
        workers: options.workers,
        concurrency: options.concurrency,
        onShard: ({ done, total, failed }) => {
          if (done === total || done % Math.max(1, Math.round(total / 20)) === 0)
            progress(
              `week ${week}: ${done}/${total} shards${failed > 0 ? ` (${failed} failed)` : ''}, ${Math.round(performance.now() - start)} ms`,
            );
        },
      },
    );
    const wallMs = performance.now() - start;
    tagging.destroy();
    const counts = counter.snapshot();
    const server = {
      requests: since(simulator.stats.requests, before.requests),
      throttled: since(simulator.stats.throttled, before.throttled),
      lastAt: simulator.stats.lastAt,
    };
    return {
      week,
      calls: counts.calls,
      retries: counts.retries,
      minimum,
      wallMs,
      floorMs: floorMs(counts.calls, options.limits),
      report: outcome.report,
      shards: outcome.shardCount,
      manifests: outcome.manifests,
      remediation: Object.fromEntries(Object.entries(outcome.remediation).map(([k, n]) => [k, n ?? 0])),
      server,
      images,
      newImages,
    };
  };

  const first = await weekly(1);
  registry.advanceWeek();
  const second = await weekly(2);
  return { repositories: registry.size, first, second, registry };
}

/** What is wrong with a run's figures: calls off their minimum, errors, repositories or manifests missing. */
export function problemsOf(name: string, run: RunFigures, repositories: number): string[] {
  const problems: string[] = [];
  for (const op of SERVED_OPERATIONS) {
    const calls = run.calls[op] ?? 0;
    if (calls !== run.minimum[op]) problems.push(`${name}: ${op} calls ${calls} ≠ minimum ${run.minimum[op]}`);
  }
  if ((run.calls.total ?? 0) !== run.minimum.total)
    problems.push(`${name}: calls ${run.calls.total ?? 0} ≠ minimumCalls ${run.minimum.total}`);
  if (run.report.errors.length > 0)
    problems.push(`${name}: ${run.report.errors.length} errors, first ${JSON.stringify(run.report.errors[0])}`);
  if (run.report.repositories.length !== repositories)
    problems.push(`${name}: reported ${run.report.repositories.length} of ${repositories} repositories`);
  if (run.manifests.cached + run.manifests.fetched !== run.images)
    problems.push(`${name}: ${run.manifests.cached + run.manifests.fetched} manifests for ${run.images} images`);
  // The first week's cache is empty; later weeks read only the images pushed since.
  const unseen = run.week === 1 ? run.images : run.newImages;
  if (run.manifests.fetched !== unseen)
    problems.push(`${name}: ${run.manifests.fetched} manifests read from ECR, ${unseen} not in the cache`);
  if (run.shards.failed > 0) problems.push(`${name}: ${run.shards.failed} of ${run.shards.total} shards failed`);
  return problems;
}
