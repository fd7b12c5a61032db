import {
  BLOB_PARTITIONS,
  RegistryBlobs,
  compactBlobKey,
  blobMountingSettingOf,
  blobMountingWarning,
  blobsOfImages,
  type BlobMountingReading,
} from '../domain/blob-mounting';
import type { RepositoryState } from '../domain/registry';
import type { BlobMountingSetting, RepositoryReport } from '../domain/report';
import type { ReportWarning } from '../domain/report-problems';
import { SHARD_BLOBS_FORMAT, decodeShardBlobs, shardBlobsKey, type ShardBlobs, type WeeklyPlan } from '../domain/weekly';
import type { ObjectStore } from '../ports/object-store';
import type { RegistryReader } from '../ports/registry';
import { toReportError } from './errors';
import { safeJson } from '../domain/text';

/**
 * Reads a registry's `BLOB_MOUNTING` setting once: its value; `unknown` with the reason when the call
 * failed (denied, or a region or emulator that does not know it: never a failure of the audit);
 * undefined when the reader has no setting to read.
 *
 * @example const reading = await readBlobMounting(reader); // { status: 'DISABLED' }
 */
export async function readBlobMounting(reader: RegistryReader): Promise<BlobMountingReading | undefined> {
  if (reader.blobMounting === undefined) return undefined;
  try {
    const status = await reader.blobMounting();
    return status === undefined ? undefined : { status };
  } catch (error) {
    const { code, message } = toReportError(reader.region, undefined, error);
    return { status: 'unknown', reason: `${code}: ${message}` };
  }
}

/**
 * The registries' settings for a report: each registry read with its setting, the per-repository
 * bytes from the report's rows, the registry-wide unique bytes where the setting is on; and a
 * warning for each registry whose setting could not be read. A registry with no repository read is
 * left out (it stores nothing).
 *
 * @example const { settings, warnings } = blobMountingOf(readings, report.repositories, (region) => tally.get(region)?.bytes);
 */
export function blobMountingOf(
  readings: ReadonlyMap<string, BlobMountingReading>,
  repositories: readonly Pick<RepositoryReport, 'accountId' | 'region' | 'storedBytes'>[],
  uniqueBytes: (region: string) => number | undefined,
): { settings: BlobMountingSetting[]; warnings: ReportWarning[] } {
  const settings: BlobMountingSetting[] = [];
  const warnings: ReportWarning[] = [];
  for (const [region, reading] of [...readings].sort(([a], [b]) => a.localeCompare(b))) {
    if (reading.status === 'unknown') warnings.push(blobMountingWarning(region, reading.reason));
    const rows = repositories.filter((r) => r.region === region);
    const first = rows[0];
    if (first === undefined) continue;
    const registryUniqueBytes = reading.status === 'ENABLED' ? uniqueBytes(region) : undefined;
    settings.push(
      blobMountingSettingOf({
        accountId: first.accountId,
        region,
        reading,
        perRepositoryBytes: rows.reduce((n, r) => n + r.storedBytes, 0),
        ...(registryUniqueBytes === undefined ? {} : { registryUniqueBytes }),
      }),
    );
  }
  return { settings, warnings };
}

/**
 * An audit's registries and their settings: read each once (`read`), add each repository's blobs
 * where blob mounting is on (`visit`), then the report's entries (`result`).
 *
 * @example const mounting = blobMountingAudit(); await mounting.read(readers); … visit: mounting.visit … mounting.result(rows)
 */
export function blobMountingAudit() {
  const readings = new Map<string, BlobMountingReading>();
  const blobs = new Map<string, RegistryBlobs>();
  return {
    /** Reads every registry's setting, all at once. */
    async read(readers: readonly RegistryReader[]): Promise<void> {
      const read = await Promise.all(readers.map(async (reader) => [reader.region, await readBlobMounting(reader)] as const));
      for (const [region, reading] of read) {
        if (reading === undefined) continue;
        readings.set(region, reading);
        if (reading.status === 'ENABLED') blobs.set(region, new RegistryBlobs());
      }
    },
    /** Adds a repository's blobs to its registry's, where blob mounting is on. */
    visit(state: Pick<RepositoryState, 'region' | 'repositoryName' | 'images'>): void {
      blobs.get(state.region)?.add(blobsOfImages(state.repositoryName, state.images));
    },
    /** The report's settings and warnings, from its rows. */
    result(repositories: readonly Pick<RepositoryReport, 'accountId' | 'region' | 'storedBytes'>[]) {
      return blobMountingOf(readings, repositories, (region) => blobs.get(region)?.bytes);
    },
    /** What was read, by region (a snapshot records it). */
    readings: readings as ReadonlyMap<string, BlobMountingReading>,
  };
}

/** The regions of a plan whose registry has blob mounting on. */
export function mountingRegions(plan: Pick<WeeklyPlan, 'blobMounting'>): Set<string> {
  return new Set((plan.blobMounting ?? []).filter((r) => r.status === 'ENABLED').map((r) => r.region));
}

/** The settings a plan read, by region, as an audit's readings. */
export function readingsOfPlan(plan: Pick<WeeklyPlan, 'blobMounting'>): Map<string, BlobMountingReading> {
  return new Map(
    (plan.blobMounting ?? []).map((r): [string, BlobMountingReading] => [
      r.region,
      r.status === 'unknown' ? { status: 'unknown', reason: r.reason ?? 'not read' } : { status: r.status },
    ]),
  );
}

/**
 * A weekly shard's blobs in the regions where blob mounting is on: `visit` each repository read,
 * then `write` them in partitions (see `BLOB_PARTITIONS`) beside the shard's result, each blob once.
 *
 * @example const blobs = shardBlobs(mountingRegions(plan)); … blobs.visit(state) … const partitions = await blobs.write(store, runId, key, plan.planId);
 */
export function shardBlobs(regions: ReadonlySet<string>) {
  const partitions = new Map<number, Map<string, Map<string, number>>>();
  return {
    visit(state: Pick<RepositoryState, 'region' | 'repositoryName' | 'images'>): void {
      if (!regions.has(state.region)) return;
      for (const [blob, size] of blobsOfImages(state.repositoryName, state.images)) {
        const { key, partition } = compactBlobKey(blob);
        let byRegion = partitions.get(partition);
        if (byRegion === undefined) partitions.set(partition, (byRegion = new Map()));
        let blobs = byRegion.get(state.region);
        if (blobs === undefined) byRegion.set(state.region, (blobs = new Map()));
        blobs.set(key, size);
      }
    },
    /** Writes every partition that holds a blob; returns their numbers, for the shard's result. */
    async write(store: ObjectStore, runId: string, resultKey: string, planId: string): Promise<number[]> {
      const written = [...partitions.keys()].sort((a, b) => a - b);
      for (const partition of written) {
        const doc: ShardBlobs = {
          format: SHARD_BLOBS_FORMAT,
          planId,
          registries: Object.fromEntries([...(partitions.get(partition) ?? [])].map(([region, blobs]) => [region, [...blobs]])),
        };
        await store.put(shardBlobsKey(runId, resultKey, partition), safeJson(doc), 'application/json');
      }
      return written;
    },
  };
}

/**
 * The registry-wide unique bytes of a weekly run, by region: one partition at a time, every shard's
 * blobs of that partition (the shards whose results the report used), each blob once. A partition
 * that cannot be read is a problem named in the result, and then no region gets a figure.
 *
 * @example const { bytes, problems } = await registryUniqueBytes(store, runId, plan.planId, [{ key, partitions: [0, 3] }]);
 */
export async function registryUniqueBytes(
  store: ObjectStore,
  runId: string,
  planId: string,
  shards: ReadonlyArray<{ key: string; partitions: readonly number[] }>,
): Promise<{ bytes: Map<string, number>; problems: string[] }> {
  const bytes = new Map<string, number>();
  const problems: string[] = [];
  for (let partition = 0; partition < BLOB_PARTITIONS; partition++) {
    const seen = new Map<string, Set<string>>();
    for (const shard of shards) {
      if (!shard.partitions.includes(partition)) continue;
      const key = shardBlobsKey(runId, shard.key, partition);
      let text: string | undefined;
      try {
        text = await store.get(key);
      } catch (error) {
        problems.push(`${key}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const doc = decodeShardBlobs(text, planId);
      if (doc === undefined) {
        problems.push(`${key}: missing or not this plan's blobs`);
        continue;
      }
      for (const [region, blobs] of Object.entries(doc.registries)) {
        let keys = seen.get(region);
        if (keys === undefined) seen.set(region, (keys = new Set()));
        for (const [blob, size] of blobs) {
          if (keys.has(blob)) continue;
          keys.add(blob);
          bytes.set(region, (bytes.get(region) ?? 0) + size);
        }
      }
    }
  }
  // A partition not read may hold any region's blobs: no region's figure is then known.
  if (problems.length > 0) bytes.clear();
  return { bytes, problems };
}
