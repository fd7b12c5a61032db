import { parseJsonOrUndefined } from './text';
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { InvalidInputError } from './errors';
import type { AdvisedRepository } from './advice/types';
import type { InUseEntry, InUseFailure } from './in-use';
import { WORKLOAD_SOURCES } from './in-use';
import type { RepositoryRef, Tag } from './registry';
import type { RemediationAction } from './remediation';
import type { GuardSummary, InUseAtRiskImage, RepositoryReport } from './report';
import type { NotReached, ReportError, ReportWarning } from './report-problems';
import type { Selection } from './selection';

// The weekly run in steps: Plan lists the repositories of every configured region into one object,
// the shards (Step Functions' Distributed Map, or the in-process `weekly` command) audit and
// remediate a batch each and write one result object, and Aggregate builds the one report from them.
// Every object lives in the report bucket under runs/<runId>/; the manifest cache under cache/.

/** Formats of the run's objects; an object of another format is not read. */
export const PLAN_FORMAT = 'ecr-janitor-plan/1';
export const SHARD_FORMAT = 'ecr-janitor-shard/1';

/**
 * A run's id: the execution's name (or a time-based id for local runs). Safe in an S3 key: it starts
 * with a letter or digit, so it is never `.` or `..`, which tools that copy the bucket to disk read as directories.
 */
export const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

/**
 * Checks a run id before it becomes part of a key.
 *
 * @throws InvalidInputError naming the id when it is empty, too long, does not start with a letter or digit, or holds characters other than letters, digits, `.`, `_` and `-`
 */
export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId)) {
    throw new InvalidInputError(
      `run id ${JSON.stringify(runId)} must be 1 to 80 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  return runId;
}

/** Where a run's objects live. */
export const runKeys = (runId: string) => {
  const prefix = `runs/${checkRunId(runId)}/`;
  return {
    prefix,
    /** The run's settings and what Plan found (in-use images, listing errors). */
    plan: `${prefix}plan.json`,
    /** The repositories, one item each: the Distributed Map's ItemReader reads this JSON array. */
    items: `${prefix}items.json`,
    /** Where the shards' results go (see {@link shardKey}). */
    shards: `${prefix}shards/`,
    /** Where Step Functions' ResultWriter (or the local runner) records which shards failed. */
    results: `${prefix}results`,
  };
};

/**
 * The manifest cache object of one repository. Repository names may hold `/`: the name is
 * URI-encoded, so each repository has exactly one object and no name is a prefix of another's key.
 */
export function manifestCacheKey(region: string, repositoryName: string): string {
  return `cache/manifests/v1/${region}/${encodeURIComponent(repositoryName)}.json`;
}

/** One repository to audit: what Plan knows of it, so a shard need not list or tag it again. */
export interface WeeklyItem extends RepositoryRef {
  /** Its tags, from the region's bulk tag read; absent when that read failed (the shard lists them). */
  tags?: Tag[];
}

// The run's objects are read back by later steps (and by later invocations after a deploy): each is
// a zod schema, and its type is the schema's, so what a step writes and what the next one accepts
// cannot drift apart. The report rows inside are built by the janitor's own steps; they are checked
// as far as the next step relies on them (`rowsOf`) and typed as the rows they are.

/** Rows a step built as `T`: each checked against `shape` (what the next step relies on), typed as `T`. */
function rowsOf<T>(shape: z.ZodType) {
  return z.array(z.custom<T>((row) => shape.safeParse(row).success));
}

const counts = z.record(z.string(), z.number());

const reportErrorSchema: z.ZodType<ReportError> = z.object({
  region: z.string(),
  repositoryName: z.string().optional(),
  source: z.enum([...WORKLOAD_SOURCES, 'list']).optional(),
  code: z.string(),
  message: z.string(),
});

/** A row that belongs to a region (a warning, a repository not reached, an image at risk). */
const regionRow = z.looseObject({ region: z.string() });

const settingsSchema = z.object({
  /** Evaluation time of the whole run, epoch ms. */
  now: z.number(),
  days: z.number().int().positive(),
  /** The lint's limit (UntaggedRetentionLong). */
  lintMaxUntaggedDays: z.number().int().positive(),
  /** The enforced maximum untagged age: when set, remediation shortens longer untagged rules to this many days. */
  enforcedMaxUntaggedDays: z.number().int().positive().optional(),
  pricePerGbMonth: z.number().nonnegative(),
  selection: z.object({ optOutTag: z.string().min(1), exclude: z.array(z.string()).readonly() }) satisfies z.ZodType<Selection>,
  costAllocationTagKeys: z.array(z.string()),
  archiveAfterDays: z.number().nonnegative(),
  archivePricePerGbMonth: z.number().nonnegative().nullable(),
  /** Write the policies (false: plan them only). */
  apply: z.boolean(),
  /**
   * Read the ledger in the bucket (what lifecycle policies did, recorded by the ledger function) and
   * the last forecasts: realized savings and the prediction; write the next forecasts. Absent: not read.
   */
  readLedger: z.boolean().optional(),
  /** How the in-use guard runs; absent: no in-use source was read. */
  guard: (
    z.object({
      mode: z.enum(['on', 'off']),
      horizonDays: z.number().nonnegative(),
      sources: z.array(z.string()),
    }) satisfies z.ZodType<GuardSummary>
  ).optional(),
  /** The policy advisor's settings: with them, each shard advises a policy per repository. Absent in plans of earlier versions. */
  advice: z.object({ keepPulledDays: z.number().int().positive(), rollbackMargin: z.number().int().nonnegative() }).optional(),
});

/** The settings every shard of a run uses, fixed by Plan so that all judge at the same instant. */
export type WeeklySettings = z.infer<typeof settingsSchema>;

const planSchema = z.object({
  format: z.literal(PLAN_FORMAT),
  runId: z.string(),
  /**
   * This plan's own id: a run id planned again (a re-run under the same id) gets a new one, and
   * Aggregate takes only the shard results written under it, never an earlier plan's.
   */
  planId: z.string().min(1),
  /** When Plan ran, ISO-8601. */
  startedAt: z.string(),
  regions: z.array(z.string()),
  // Every setting a shard or Aggregate reads: a plan missing one would fail deep in a shard, or price the report wrong.
  settings: settingsSchema,
  /** How many items `items.json` holds. */
  itemCount: z.number().int().nonnegative(),
  /** Region listing failures and in-use sources that could not be read. */
  errors: z.array(reportErrorSchema),
  /** Warnings found while planning (a region whose tags could not be read in bulk). */
  warnings: rowsOf<ReportWarning>(regionRow),
  /** What Plan found in use, for the guard in every shard. */
  inUse: z
    .object({
      // By digest, or (what a workload starts later) by tag in a named repository.
      entries: rowsOf<InUseEntry>(
        z.union([
          z.looseObject({ imageDigest: z.string(), consumer: z.string() }),
          z.looseObject({ tag: z.string(), repositoryName: z.string(), region: z.string(), accountId: z.string(), consumer: z.string() }),
        ]),
      ),
      failures: rowsOf<InUseFailure>(z.looseObject({ source: z.string() })),
    })
    .optional(),
  /**
   * Each region's `BLOB_MOUNTING` setting as Plan read it once (`unknown` with the reason when it
   * could not be read); the shards of a region where it is on write their blobs for Aggregate.
   */
  blobMounting: z
    .array(
      z.object({
        region: z.string(),
        status: z.enum(['ENABLED', 'DISABLED', 'unknown']),
        reason: z.string().optional(),
      }),
    )
    .optional(),
  /** The calls Plan made. */
  apiCalls: counts,
  apiRetries: counts,
});

/** What Plan writes to `plan.json`. */
export type WeeklyPlan = z.infer<typeof planSchema>;

const shardResultSchema = z.object({
  format: z.literal(SHARD_FORMAT),
  runId: z.string(),
  /** The plan it ran under (see {@link WeeklyPlan.planId}). */
  planId: z.string(),
  /** The items it was given, as `region/name`: Aggregate checks that none went missing. */
  items: z.array(z.string()),
  repositories: rowsOf<RepositoryReport>(z.looseObject({ region: z.string(), repositoryName: z.string() })),
  warnings: rowsOf<ReportWarning>(regionRow),
  errors: z.array(reportErrorSchema),
  notReached: rowsOf<NotReached>(regionRow),
  inUseAtRiskImages: rowsOf<InUseAtRiskImage>(regionRow),
  actions: rowsOf<RemediationAction>(z.looseObject({ region: z.string(), repositoryName: z.string(), outcome: z.string() })),
  /** Each repository's advice with its owner, when the run advises (see the settings' `advice`). */
  advice: rowsOf<AdvisedRepository>(
    z.looseObject({
      owner: z.string(),
      advice: z.looseObject({ region: z.string(), repositoryName: z.string(), advice: z.enum(['policy', 'none']) }),
    }),
  ).optional(),
  /** Manifests taken from the cache and read from ECR. */
  manifests: z.object({ cached: z.number(), fetched: z.number() }),
  /** The partitions of its blobs it wrote (see {@link shardBlobsKey}), when a region of its batch has blob mounting on. */
  blobPartitions: z.array(z.number().int().nonnegative()).optional(),
  /** What it read of the ledger, when the run reads one (see `ShardLedgerSummary`). */
  ledger: z
    .object({
      from: z.string(),
      actions: z.number().int().nonnegative(),
      failures: z.number().int().nonnegative(),
      forecastImages: z.number().int().nonnegative(),
    })
    .optional(),
  apiCalls: counts,
  apiRetries: counts,
});

/** What a shard writes: its repositories' report rows and remediation, whole. */
export type ShardResult = z.infer<typeof shardResultSchema>;

/** `region/name`, how a shard's items are named in its result and in Aggregate's checks. */
export function itemId(item: Pick<WeeklyItem, 'region' | 'repositoryName'>): string {
  return `${item.region}/${item.repositoryName}`;
}

/**
 * The key of a shard's result: a hash of its items, so a shard that is retried (by Step Functions
 * or the local runner) overwrites its own object and never adds a second one.
 */
export function shardKey(runId: string, items: ReadonlyArray<Pick<WeeklyItem, 'region' | 'repositoryName'>>): string {
  const ids = items.map(itemId).sort();
  const hash = createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 32);
  return `${runKeys(runId).shards}${hash}.json`;
}

/**
 * Where a shard writes one partition of its blobs (registries with blob mounting on): beside the
 * run's shard results, under the same hash as its result (see {@link shardKey}), so a retried shard
 * replaces its own and Aggregate finds them from the result's key.
 */
export function shardBlobsKey(runId: string, resultKey: string, partition: number): string {
  const { shards, prefix } = runKeys(runId);
  if (!resultKey.startsWith(shards) || !resultKey.endsWith('.json')) throw new Error(`${resultKey} is not a shard result of run ${runId}`);
  return `${prefix}blobs/${resultKey.slice(shards.length, -'.json'.length)}/${partition}.json`;
}

/** The format of a shard's blob partition. */
export const SHARD_BLOBS_FORMAT = 'ecr-janitor-shard-blobs/1';

const shardBlobsSchema = z.object({
  format: z.literal(SHARD_BLOBS_FORMAT),
  planId: z.string(),
  /** By region: each blob as `[24 hex digits of its digest, size]` (see `compactBlobKey`). */
  registries: z.record(z.string(), z.array(z.tuple([z.string(), z.number().nonnegative()]))),
});

/** One partition of a shard's blobs, by region. */
export type ShardBlobs = z.infer<typeof shardBlobsSchema>;

/** Reads a shard's blob partition; undefined when it is not one, or of another plan (never half-used). */
export function decodeShardBlobs(text: string | undefined, planId: string): ShardBlobs | undefined {
  const doc = parseJsonOrUndefined(text);
  if (doc === undefined) return undefined;
  const parsed = shardBlobsSchema.safeParse(doc);
  return parsed.success && parsed.data.planId === planId ? parsed.data : undefined;
}

/**
 * The manifest Step Functions' ResultWriter writes next to a Distributed Map's results (the local
 * runner writes the same): the result files by status.
 */
export interface ResultWriterManifest {
  DestinationBucket?: string;
  MapRunArn?: string;
  ResultFiles: Partial<Record<'FAILED' | 'PENDING' | 'SUCCEEDED', Array<{ Key: string; Size?: number }>>>;
}

/** One child execution in a FAILED result file: its input (the batch, as a JSON string) and why it failed. */
export interface FailedChild {
  Input?: string;
  Error?: string;
  Cause?: string;
}

const resultManifestShape = z.looseObject({
  ResultFiles: z.looseObject({
    FAILED: z.array(z.looseObject({ Key: z.string() })).optional(),
    PENDING: z.array(z.looseObject({ Key: z.string() })).optional(),
  }),
});

/**
 * The keys of the FAILED and PENDING result files a ResultWriter manifest names (PENDING: children
 * that never ran because the map stopped).
 *
 * @throws InvalidInputError when the text is not such a manifest
 */
export function unfinishedResultFiles(text: string): string[] {
  const parsed = resultManifestShape.safeParse(JSON.parse(text));
  if (!parsed.success) throw new InvalidInputError('not a Step Functions ResultWriter manifest (no ResultFiles)');
  return [...(parsed.data.ResultFiles.FAILED ?? []), ...(parsed.data.ResultFiles.PENDING ?? [])].map((f) => f.Key);
}

const batchShape = z.looseObject({
  Items: z.array(z.looseObject({ region: z.string(), repositoryName: z.string() })),
});

/**
 * The repositories of the batches a result file lists, each with why its batch did not finish.
 * Entries whose input cannot be read are skipped (their repositories are then found missing).
 */
export function itemsOfResultFile(text: string): Array<{ id: string; error: string; cause: string }> {
  const doc: unknown = JSON.parse(text);
  const children = Array.isArray(doc) ? (doc as FailedChild[]) : [];
  return children.flatMap((child) => {
    let input: unknown;
    try {
      input = JSON.parse(child.Input ?? '');
    } catch {
      return [];
    }
    const batch = batchShape.safeParse(input);
    if (!batch.success) return [];
    return batch.data.Items.map((item) => ({ id: itemId(item), error: child.Error ?? 'ShardFailed', cause: child.Cause ?? '' }));
  });
}

/**
 * Reads a shard's result object. A result of another run, another format or that does not parse is
 * refused with the reason, never half-used: its repositories then count as missing. A result of an
 * earlier plan of the same run id is refused as `stale`.
 */
export function decodeShardResult(
  text: string,
  plan: Pick<WeeklyPlan, 'runId' | 'planId'>,
): { ok: true; result: ShardResult } | { ok: false; reason: string; stale?: true } {
  const { runId } = plan;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  const parsed = shardResultSchema.safeParse(doc);
  if (!parsed.success) return { ok: false, reason: `not a shard result of format ${SHARD_FORMAT}` };
  if (parsed.data.runId !== runId) return { ok: false, reason: `written by run ${parsed.data.runId}, not ${runId}` };
  if (parsed.data.planId !== plan.planId) return { ok: false, reason: `written under an earlier plan of run ${runId}`, stale: true };
  return { ok: true, result: parsed.data };
}

const itemsShape = z.array(z.looseObject({ region: z.string().min(1), repositoryName: z.string().min(1) }));

/**
 * Reads a run's items (what Plan wrote next to its plan): which repositories the run answers for.
 *
 * @throws InvalidInputError saying what is wrong: without them no repository can be accounted for, and retrying will not help
 */
export function decodeItems(text: string | undefined, runId: string): Array<Pick<WeeklyItem, 'region' | 'repositoryName'>> {
  const key = runKeys(runId).items;
  if (text === undefined) throw new InvalidInputError(`${key} does not exist: run the Plan step of run ${runId} again`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new InvalidInputError(`${key} is not valid JSON: run the Plan step of run ${runId} again`);
  }
  const parsed = itemsShape.safeParse(doc);
  if (!parsed.success) throw new InvalidInputError(`${key} is not an array of repository items: run the Plan step of run ${runId} again`);
  return parsed.data;
}

/**
 * Reads a run's plan.
 *
 * @throws InvalidInputError saying what is wrong: a step cannot run without its plan, and retrying will not help
 */
export function decodePlan(text: string | undefined, runId: string): WeeklyPlan {
  if (text === undefined) throw new InvalidInputError(`run ${runId} has no plan (runs/${runId}/plan.json): run the Plan step first`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new InvalidInputError(`the plan of run ${runId} is not valid JSON`);
  }
  const parsed = planSchema.safeParse(doc);
  if (!parsed.success) throw new InvalidInputError(`the plan of run ${runId} is not a plan of format ${PLAN_FORMAT}`);
  if (parsed.data.runId !== runId) throw new InvalidInputError(`runs/${runId}/plan.json belongs to run ${parsed.data.runId}`);
  return parsed.data;
}
