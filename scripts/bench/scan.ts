// Benchmark of a whole-registry audit over the real SDK stack: 2,000 repositories and 100,000 images
// served by the in-process ECR simulator (latency and per-operation throttling), compared with the
// floor the throttle rates alone force. Targets: calls = minimumCalls; wallMs ≤ 1.25 × floorMs.
// Then the weekly run with the in-use guard over the same registry and simulated ECS and Lambda
// workloads (BENCH_CLUSTERS, BENCH_SERVICES, BENCH_TASKS, BENCH_FUNCTIONS): the guard's calls against
// their minimum, its wall time, and the memory the audit keeps for the guard (compact images of the
// repositories where a write may be due) against keeping their full images.
// Last line: {"repositories","images","calls","minimumCalls","retries","wallMs","floorMs","guard":{…}}.
//
// The client is configured as an operator who knows the account's rates would configure it:
// per-operation client-side limits 5% under the server's rates (`rateLimits`), the SDK's adaptive
// retry kept as the safety net, and repositories in flight sized to the rates (Little's law).
// Knobs for experiments (environment): BENCH_REPOSITORIES, BENCH_IMAGES, BENCH_SCALE,
// BENCH_CONCURRENCY, BENCH_CLIENT_SHARE (0 = no client-side limits, the production default),
// BENCH_RETRY_MODE (adaptive | standard), BENCH_BATCHES (BatchGetImage calls in flight per repository).
import type { RateLimits } from '../../src/adapters/aws/rate-limiter';
import type { ImageDetail } from '../../src/domain/image';
import { rng } from '../lib/random';
import {
  ACCOUNT_READ_RATES,
  auditAgainstSimulator,
  bucketsOf,
  clientLimitsOf,
  floorMs,
  GeneratedRegistry,
  imageTotal,
  minimumCalls,
  SIMULATED_OPERATIONS,
  type OperationLimits,
  type SimulatedAuditOptions,
  type SimulatedImage,
} from './ecr-simulator';
import { WORKLOAD_OPERATIONS, WorkloadServer, generateWorkloads, minimumWorkloadCalls, type WorkloadOperation } from './workload-simulator';

const REPOSITORIES = Number(process.env.BENCH_REPOSITORIES ?? 2_000);
const IMAGES = Number(process.env.BENCH_IMAGES ?? 100_000);

// ECR does not publish these rates (BatchGetImage's 2,000/s aside); these are plausible per-account
// figures, multiplied by SCALE so the floor is seconds, not minutes, with the ratios between the
// operations kept. Not more than ×5: the SDK spends about 1 ms of CPU a call (signing, JSON), ~10 s
// for the whole audit, and the benchmark must measure the rates, not the event loop.
const SCALE = Number(process.env.BENCH_SCALE ?? 5);
const LIMITS: OperationLimits = bucketsOf(ACCOUNT_READ_RATES, SCALE);
/** Round trips take 20-60 ms, drawn deterministically per request. */
const LATENCY = { minMs: 20, maxMs: 60 };

/** The client's limits: a share of each server rate, with a burst of 50 ms' worth. */
const CLIENT_SHARE = Number(process.env.BENCH_CLIENT_SHARE ?? 0.95);
const CLIENT_LIMITS: RateLimits = clientLimitsOf(LIMITS, CLIENT_SHARE);
// Repositories in flight = repositories a second × seconds a repository (Little's law). A repository
// costs one call of each per-repository operation, so it can go no faster than DescribeImages' rate;
// its critical path is at least two round trips (DescribeImages, then BatchGetImage); doubled for
// queueing. With real rates (×1) the production default of 8 covers it; at ×5 it needs more.
const CONCURRENCY = Number(
  process.env.BENCH_CONCURRENCY ?? Math.ceil(LIMITS.DescribeImages.ratePerSecond * ((2 * LATENCY.maxMs) / 1000) * 2),
);
const BATCHES = process.env.BENCH_BATCHES === undefined ? undefined : Number(process.env.BENCH_BATCHES);

// The guard's workloads, and ECS and Lambda read rates: also unpublished as ECR's are (these are
// plausible per-account figures), scaled like the ECR ones.
const WORKLOADS = {
  clusters: Number(process.env.BENCH_CLUSTERS ?? 20),
  services: Number(process.env.BENCH_SERVICES ?? 400),
  tasks: Number(process.env.BENCH_TASKS ?? 2_000),
  imageFunctions: Number(process.env.BENCH_FUNCTIONS ?? 150),
};
const WORKLOAD_RATES: Record<WorkloadOperation, number> = {
  ListClusters: 20,
  ListServices: 20,
  DescribeServices: 20,
  DescribeServiceRevisions: 20,
  DescribeTaskDefinition: 20,
  ListTasks: 20,
  DescribeTasks: 20,
  ListFunctions: 15,
  GetFunction: 100,
};
const WORKLOAD_LIMITS = bucketsOf(WORKLOAD_RATES, SCALE);

/** Heap in use after a full collection, in bytes (run with --expose-gc, as `npm run bench:scan` does). */
function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/**
 * The images of a simulated repository as the audit reads them (DescribeImages + BatchGetImage), as
 * fresh objects and strings, as the SDK's JSON parser makes them.
 */
function imagesOf(repositoryImages: readonly SimulatedImage[]): ImageDetail[] {
  const images = repositoryImages.map((i) => ({
    imageDigest: i.digest,
    ...(i.tags.length > 0 ? { imageTags: [...i.tags] } : {}),
    imageSizeInBytes: i.sizeInBytes,
    imagePushedAt: new Date(i.pushedAt),
    imageManifestMediaType: i.mediaType,
    imageStatus: i.status,
    ...(i.subject === undefined ? {} : { subjectManifestDigest: i.subject }),
    imageManifest: i.manifest,
  }));
  return JSON.parse(JSON.stringify(images)) as ImageDetail[];
}

/** Heap held by what `build()` returns while it is kept, in bytes. */
function heldBy(build: () => unknown): number {
  const before = heapUsed();
  const held = [build()];
  const withIt = heapUsed();
  held.pop();
  return withIt - before;
}
const RETRY_MODE = process.env.BENCH_RETRY_MODE === 'standard' ? 'standard' : 'adaptive';

/** What the audit and the guard's run share: the server's buckets and latency, and the client as configured. */
function runOver(registry: GeneratedRegistry): Pick<SimulatedAuditOptions, 'registry' | 'limits' | 'latency' | 'concurrency' | 'client'> {
  return {
    registry,
    limits: LIMITS,
    latency: LATENCY,
    concurrency: CONCURRENCY,
    client: { ...(CLIENT_SHARE > 0 ? { rateLimits: CLIENT_LIMITS } : {}), retryMode: RETRY_MODE },
  };
}

async function main(): Promise<void> {
  // Generated on demand: each repository is made when a call asks for it, from the seed alone.
  const registry = new GeneratedRegistry({ repositories: REPOSITORIES, images: IMAGES, seed: 42 });
  const minimum = minimumCalls(registry);
  const indexes = Array.from({ length: registry.size }, (_, i) => i);
  const sizes = indexes.map((i) => registry.imageCountAt(i)).sort((a, b) => b - a);
  console.error(
    `registry: ${registry.size} repositories, ${imageTotal(registry)} images; largest ${sizes.slice(0, 8).join(', ')}; ` +
      `${sizes.filter((n) => n === 0).length} empty; ${indexes.filter((i) => registry.repositoryAt(i).policy === undefined).length} without a policy`,
  );

  const result = await auditAgainstSimulator({
    ...runOver(registry),
    reader: BATCHES === undefined ? {} : { manifestBatchesInFlight: BATCHES },
  });

  const floor = floorMs(result.calls, LIMITS);
  const made = registry.stats;
  console.error(
    `simulator: ${made.generated} repositories generated for ${registry.size} (cache now ${made.cachedRepositories} repositories, ${made.cachedImages} images)`,
  );
  const sum = (counts: Record<string, number>): number => Object.entries(counts).reduce((s, [k, n]) => (k === 'total' ? s : s + n), 0);
  const calls = result.calls.total ?? 0;
  const retries = sum(result.retries);
  for (const op of SIMULATED_OPERATIONS) {
    console.error(
      `${op.padEnd(20)} calls ${String(result.calls[op] ?? 0).padStart(6)} (minimum ${String(minimum[op]).padStart(6)})  retries ${String(result.retries[op] ?? 0).padStart(5)}  ` +
        `server requests ${String(result.stats.requests[op] ?? 0).padStart(6)} throttled ${String(result.stats.throttled[op] ?? 0).padStart(5)}  ` +
        `floor ${Math.round(((result.calls[op] ?? 0) / LIMITS[op].ratePerSecond) * 1000)
          .toString()
          .padStart(6)} ms  last at ${Math.round(result.stats.lastAt[op] ?? 0)
          .toString()
          .padStart(6)} ms`,
    );
  }
  const problems: string[] = [];
  if (result.report.errors.length > 0)
    problems.push(`${result.report.errors.length} audit errors, first: ${JSON.stringify(result.report.errors[0])}`);
  if (result.report.repositories.length !== registry.size)
    problems.push(`audited ${result.report.repositories.length} of ${registry.size} repositories`);
  if (result.imagesRead !== imageTotal(registry)) problems.push(`read ${result.imagesRead} of ${imageTotal(registry)} images`);
  if (result.manifestsRead !== imageTotal(registry)) problems.push(`read ${result.manifestsRead} of ${imageTotal(registry)} manifests`);
  if (calls + retries !== sum(result.stats.requests))
    problems.push(`the SDK counted ${calls + retries} attempts but the server saw ${sum(result.stats.requests)}`);
  if (calls !== minimum.total) problems.push(`calls ${calls} ≠ minimumCalls ${minimum.total}`);
  const ratio = result.wallMs / floor;
  console.error(
    `concurrency ${CONCURRENCY}, rates ×${SCALE}, latency ${LATENCY.minMs}-${LATENCY.maxMs} ms, ` +
      `client limits ${CLIENT_SHARE > 0 ? `${CLIENT_SHARE} × server rates` : 'off'}, ${RETRY_MODE} retry: wall ${Math.round(result.wallMs)} ms = ${ratio.toFixed(2)} × floor ` +
      `(${ratio <= 1.25 ? 'meets' : 'misses'} the 1.25 target)${problems.length > 0 ? `\nPROBLEMS:\n  ${problems.join('\n  ')}` : ''}`,
  );
  const guard = await guardPhase(registry);
  problems.push(...guard.problems);
  if (problems.length > 0) process.exitCode = 1;
  console.log(
    JSON.stringify({
      repositories: registry.size,
      images: result.imagesRead,
      calls,
      minimumCalls: minimum.total,
      retries,
      wallMs: Math.round(result.wallMs),
      floorMs: Math.round(floor),
      guard: guard.figures,
    }),
  );
}

/** The weekly run with the in-use guard: its calls against their minimum, its time and its memory. */
async function guardPhase(registry: GeneratedRegistry): Promise<{ figures: Record<string, unknown>; problems: string[] }> {
  const workloads = generateWorkloads(registry, WORKLOADS, rng(7));
  const minimum = minimumWorkloadCalls(workloads);
  const result = await auditAgainstSimulator({
    ...runOver(registry),
    workloads: new WorkloadServer(workloads, registry),
    workloadLimits: WORKLOAD_LIMITS,
    guard: true,
  });
  const guard = result.guard;
  if (guard === undefined) throw new Error('the simulated run did not run the guard');
  const problems: string[] = [];
  for (const op of WORKLOAD_OPERATIONS) {
    const calls = result.calls[op] ?? 0;
    console.error(
      `${op.padEnd(25)} calls ${String(calls).padStart(6)} (minimum ${String(minimum[op]).padStart(6)})  retries ${String(result.retries[op] ?? 0).padStart(5)}  ` +
        `server requests ${String(result.stats.requests[op] ?? 0).padStart(6)} throttled ${String(result.stats.throttled[op] ?? 0).padStart(5)}`,
    );
    if (calls !== minimum[op]) problems.push(`guard: ${op} calls ${calls} ≠ minimum ${minimum[op]}`);
  }
  if (result.report.errors.length > 0)
    problems.push(`guard: ${result.report.errors.length} errors, first ${JSON.stringify(result.report.errors[0])}`);
  // The audit's own calls stay what they were: the guard reads no image again.
  const auditMinimum = minimumCalls(registry);
  for (const op of SIMULATED_OPERATIONS) {
    if ((result.calls[op] ?? 0) !== auditMinimum[op])
      problems.push(`guard: ${op} calls ${result.calls[op] ?? 0} ≠ the audit's ${auditMinimum[op]}`);
  }
  const kept = guard.audited.filter((a) => a.images !== undefined);
  const keptImages = kept.reduce((n, a) => n + (a.images?.length ?? 0), 0);
  // Memory: what the run keeps for the guard, measured by dropping it, against the full images of the same repositories.
  const withKept = heapUsed();
  for (const a of kept) delete a.images;
  const compactBytes = withKept - heapUsed();
  // The generated repositories are dropped from the simulator's cache before and after, so only the images are counted.
  registry.clearCache();
  const fullBytes = heldBy(() => {
    const full = kept.map((a) => imagesOf(registry.imagesAt(registry.indexOf(a.repositoryName) ?? -1)));
    registry.clearCache();
    return full;
  });
  const figures = {
    clusters: WORKLOADS.clusters,
    services: WORKLOADS.services,
    tasks: WORKLOADS.tasks,
    imageFunctionVersions: minimum.GetFunction,
    calls: Object.fromEntries(WORKLOAD_OPERATIONS.map((op) => [op, result.calls[op] ?? 0])),
    minimumCalls: minimum.total,
    scanMs: Math.round(guard.scanMs),
    remediationMs: Math.round(guard.remediationMs),
    outcomes: guard.outcomes,
    repositoriesKept: kept.length,
    imagesKept: keptImages,
    keptMiB: Math.round((compactBytes / 2 ** 20) * 10) / 10,
    fullImagesMiB: Math.round((fullBytes / 2 ** 20) * 10) / 10,
  };
  console.error(
    `guard: ${WORKLOADS.clusters} clusters, ${WORKLOADS.services} services, ${WORKLOADS.tasks} tasks, ${minimum.GetFunction} image-function versions: ` +
      `${minimum.total} calls (${(result.calls.total ?? 0) - auditMinimum.total} counted), scan ${figures.scanMs} ms, judging every write ${figures.remediationMs} ms; ` +
      `outcomes ${JSON.stringify(guard.outcomes)}; kept ${keptImages} images of ${kept.length} repositories: ${figures.keptMiB} MiB (full images: ${figures.fullImagesMiB} MiB)`,
  );
  return { figures, problems };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
