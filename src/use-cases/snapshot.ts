import { inUseRecordOf, type InUseCatalog } from '../domain/in-use';
import type { RepositoryState } from '../domain/registry';
import type { NotReached, ReportError, ReportWarning } from '../domain/report-problems';
import type { RegistryReader } from '../ports/registry';
import type { CapturedRegistry, RegistrySnapshot, SnapshotWriter } from '../ports/snapshot';
import { scanRegistries, type ScanProgress } from './audit';
import { collectInUse, type InUseSources } from './in-use';
import { blobMountingAudit } from './blob-mounting';
import type { BlobMountingReading } from '../domain/blob-mounting';

/** Options of {@link captureSnapshot}. */
export interface CaptureOptions {
  /** Repositories read at the same time, across the registries. */
  concurrency: number;
  /** The clock: the snapshot's time is when its reading ended, so no image in it is younger than the snapshot. */
  now: () => number;
  /** Where to learn what is in use; without it the snapshot records nothing about images in use. @default none */
  inUse?: InUseSources;
  /** Called as each registry is listed and each repository read. @default none */
  onProgress?: (progress: ScanProgress) => void;
  /** Stops the capture: nothing new is read, and nothing is written. @default never */
  signal?: AbortSignal;
}

/** What {@link captureSnapshot} did. */
export type CaptureOutcome =
  /** Stopped by the signal: nothing was written; `notReached` says what was not read. */
  | { written: false; notReached: NotReached[] }
  /**
   * Written. `snapshot.errors` holds what could not be read; `inUseErrors` the in-use sources that
   * could not be read and `inUseWarnings` what they could not see (kept in the snapshot per registry).
   */
  | { written: true; snapshot: RegistrySnapshot; inUseErrors: ReportError[]; inUseWarnings: ReportWarning[] };

/** Why a repository or region given up after timeouts in a row is an error of the snapshot. */
const UNRESPONSIVE: Pick<ReportError, 'code' | 'message'> = {
  code: 'RegionUnresponsive',
  message: "not read: the region's endpoint stopped answering (timeouts on several repositories in a row)",
};

/**
 * Reads every repository of the registries (policies, tags, images and manifests) and what the
 * workloads of all of their regions use there, and writes them as one snapshot, for audits that run later and offline. What could not
 * be read goes into the snapshot, so that an audit of it is as partial as a live one would have
 * been. A capture stopped by the signal writes nothing: a snapshot that silently lacks repositories
 * would later audit as a smaller, cleaner account.
 *
 * @example const outcome = await captureSnapshot(readers, new SnapshotFileWriter('account.json'), { concurrency: 8, now: Date.now });
 */
export async function captureSnapshot(
  readers: readonly RegistryReader[],
  writer: SnapshotWriter,
  options: CaptureOptions,
): Promise<CaptureOutcome> {
  const regions = readers.map((reader) => reader.region);
  const inUse = options.inUse === undefined ? undefined : await collectInUse(regions, options.inUse);
  const mounting = blobMountingAudit();
  await mounting.read(readers);
  const byRegion = new Map<string, RepositoryState[]>(regions.map((region) => [region, []]));
  const errors: ReportError[] = [];
  const { notReached } = await scanRegistries(readers, {
    concurrency: options.concurrency,
    visit: (state) => byRegion.get(state.region)?.push(state),
    errors,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (options.signal?.aborted) return { written: false, notReached };
  // A region given up after timeouts in a row: what it did not read is an error of the snapshot too.
  for (const missed of notReached) {
    errors.push({
      region: missed.region,
      ...(missed.repositoryName === undefined ? {} : { repositoryName: missed.repositoryName }),
      ...UNRESPONSIVE,
    });
  }
  errors.sort((a, b) => a.region.localeCompare(b.region) || (a.repositoryName ?? '').localeCompare(b.repositoryName ?? ''));
  const snapshot: RegistrySnapshot = {
    capturedAt: options.now(),
    errors,
    registries: [...byRegion].map(([region, states]) => ({
      ...capturedRegistry(region, states, inUse?.catalog),
      ...blobMountingOfRegion(mounting.readings.get(region)),
    })),
  };
  await writer.write(snapshot);
  return { written: true, snapshot, inUseErrors: inUse?.errors ?? [], inUseWarnings: inUse?.warnings ?? [] };
}

/** The setting a capture records: its value, or `unknown` when it could not be read; nothing when the reader has none. */
function blobMountingOfRegion(reading: BlobMountingReading | undefined): Pick<CapturedRegistry, 'blobMounting'> {
  return reading === undefined ? {} : { blobMounting: reading.status };
}

/**
 * One registry's repositories by name, with what the catalog of every region says is in use there,
 * the sources of its region (and the lists) that could not be read, and what its sources could not see.
 */
function capturedRegistry(region: string, states: RepositoryState[], catalog: InUseCatalog | undefined): CapturedRegistry {
  const repositories = states.sort((a, b) => a.repositoryName.localeCompare(b.repositoryName));
  return {
    accountId: repositories[0]?.accountId ?? '',
    region,
    repositories,
    ...(catalog === undefined
      ? {}
      : {
          inUse: {
            images: inUseRecordOf(repositories, catalog),
            failures: catalog
              .failures()
              .filter((f) => f.region === undefined || f.region === region)
              .map(({ source, code, message }) => ({ source, code, message })),
            warnings: catalog
              .warnings()
              .filter((w) => w.region === region)
              .map(({ source, code, message }) => ({ source, code, message })),
          },
        }),
  };
}
