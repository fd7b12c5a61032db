import pLimit from 'p-limit';
import type { AuditReport } from '../../domain/report';
import type { ReportEventDetail } from '../../domain/report-event';
import { runKeys, type FailedChild, type ResultWriterManifest, type WeeklyItem } from '../../domain/weekly';
import type { ObjectStore } from '../../ports/object-store';
import type { PullTimeExclusionCheck } from '../../ports/pull-time';
import type { ApiCallCounter, PolicyWriter, RegistryReader, RepositoryTagIndex } from '../../ports/registry';
import { toReportError } from '../errors';
import type { InUseSources } from '../in-use';
import type { PublishDeps } from '../publish-report';
import type { WritePacing } from '../remediate';
import { aggregateWeeklyRun, type AggregateOutcome } from './aggregate';
import { auditShard } from './audit-shard';
import { planWeeklyRun, type PlanSettings } from './plan';
import { safeJson } from '../../domain/text';

/** What the local weekly run reads from and writes to. */
export interface WeeklyRunDeps {
  /** One per configured region: the ECR reader/writer and, when the tagging API answers there, the bulk tag reader. */
  registries: ReadonlyArray<{ reader: RegistryReader; writer?: PolicyWriter; tags?: RepositoryTagIndex }>;
  /** What is in use (optional). */
  inUse?: { sources: InUseSources; names: string[] };
  /** runs/ and cache/ objects. */
  store: ObjectStore;
  /** The report artifacts and event. */
  publish: PublishDeps;
  /** Counts every call of the run (shared by all its shards). */
  counter?: ApiCallCounter;
  pullTimes?: { check: PullTimeExclusionCheck; roleArn: string };
}

/** How the local weekly run goes. */
export interface WeeklyRunOptions {
  runId: string;
  settings: PlanSettings;
  /** Repositories per shard. */
  batchSize: number;
  /** Shards at the same time. */
  workers: number;
  /** Repositories at the same time within a shard. */
  concurrency: number;
  /** Attempts of a shard before it counts as failed (Step Functions retries a child too). @default 2 */
  shardAttempts?: number;
  /** Stops the run: shards not started are left unfinished (reported as errors), those in hand stop reading. */
  signal?: AbortSignal;
  /** Told after each shard. */
  onShard?: (progress: { done: number; total: number; failed: number }) => void;
  /** The write loop's pacing (tests make it instant). */
  pacing?: Partial<WritePacing>;
  /** The clock, epoch ms. @default Date.now */
  now?: () => number;
}

/** What the local run produced. */
export interface WeeklyRunOutcome extends AggregateOutcome {
  report: AuditReport;
  detail: ReportEventDetail;
  /** Shards run, and those that failed after their attempts. */
  shardCount: { total: number; failed: number };
}

/**
 * The weekly run in one process, step for step as the state machine runs it: Plan, then the shards
 * (batches of `batchSize` repositories, `workers` at a time, each retried once), then Aggregate. A
 * shard that still fails is recorded as Step Functions' ResultWriter records a failed child, so
 * Aggregate reports its repositories the same way in both.
 *
 * @example const { detail } = await runWeekly(deps, { runId: 'local-…', settings, batchSize: 200, workers: 4, concurrency: 8 });
 */
export async function runWeekly(deps: WeeklyRunDeps, options: WeeklyRunOptions): Promise<WeeklyRunOutcome> {
  const now = options.now ?? Date.now;
  const { runId } = options;
  const keys = runKeys(runId);
  const planned = await planWeeklyRun(
    { registries: deps.registries, store: deps.store, ...(deps.inUse ? { inUse: deps.inUse } : {}) },
    runId,
    options.settings,
    now(),
  );
  const { items } = planned;
  const batches: WeeklyItem[][] = [];
  for (let i = 0; i < items.length; i += options.batchSize) batches.push(items.slice(i, i + options.batchSize));
  const byRegion = new Map(deps.registries.map((r) => [r.reader.region, r]));
  const shardDeps = {
    store: deps.store,
    registry: (region: string) => {
      const registry = byRegion.get(region);
      if (!registry) throw new Error(`no registry was given for ${region}`);
      return { reader: registry.reader, ...(registry.writer ? { writer: registry.writer } : {}) };
    },
  };
  const failed: FailedChild[] = [];
  const pending: FailedChild[] = [];
  const limit = pLimit(Math.max(1, options.workers));
  const attempts = options.shardAttempts ?? 2;
  let done = 0;
  await Promise.all(
    batches.map((batch) =>
      limit(async () => {
        const input = JSON.stringify({ Items: batch, BatchInput: { runId } });
        if (options.signal?.aborted) {
          pending.push({ Input: input, Error: 'States.Aborted', Cause: 'the run was stopped before this shard started' });
          return;
        }
        let last: unknown;
        for (let attempt = 1; attempt <= attempts; attempt++) {
          try {
            await auditShard(shardDeps, runId, batch, {
              concurrency: options.concurrency,
              ...(options.signal ? { signal: options.signal, remediationSignal: options.signal } : {}),
              ...(options.pacing ? { pacing: options.pacing } : {}),
            });
            last = undefined;
            break;
          } catch (error) {
            last = error;
          }
        }
        if (last !== undefined) {
          const { code, message } = toReportError('', undefined, last);
          failed.push({ Input: input, Error: code, Cause: message });
        }
        done++;
        options.onShard?.({ done, total: batches.length, failed: failed.length });
      }),
    ),
  );
  const resultManifestKey = await writeResultFiles(deps.store, `${keys.results}/local`, { failed, pending });
  const { counter } = deps;
  const outcome = await aggregateWeeklyRun(
    { store: deps.store, publish: deps.publish, ...(deps.pullTimes ? { pullTimes: deps.pullTimes } : {}) },
    { runId, resultManifestKey },
    { generatedAt: now(), ...(counter ? { apiCalls: () => counter.snapshot() } : {}) },
  );
  return { ...outcome, shardCount: { total: batches.length, failed: failed.length } };
}

/** Records the unfinished shards as Step Functions' ResultWriter does: a manifest and its FAILED/PENDING files. */
async function writeResultFiles(store: ObjectStore, prefix: string, unfinished: { failed: FailedChild[]; pending: FailedChild[] }) {
  const files: ResultWriterManifest['ResultFiles'] = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  for (const [status, children] of [
    ['FAILED', unfinished.failed],
    ['PENDING', unfinished.pending],
  ] as const) {
    if (children.length === 0) continue;
    const key = `${prefix}/${status}_0.json`;
    const body = safeJson(children.map((c) => ({ ...c, Status: status })));
    await store.put(key, body, 'application/json');
    files[status]?.push({ Key: key, Size: Buffer.byteLength(body) });
  }
  const key = `${prefix}/manifest.json`;
  const manifest: ResultWriterManifest = { ResultFiles: files };
  await store.put(key, safeJson(manifest), 'application/json');
  return key;
}
