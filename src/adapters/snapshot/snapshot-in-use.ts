import type { InUseEntry, InUseFailure, InUseWarning } from '../../domain/in-use';
import type { SnapshotFile } from './format';
import { recordedMessage } from './snapshot-registry';

/** What a snapshot recorded about images in use, for the registries read from it. */
export interface SnapshotInUseSources {
  /** The recorded images in use, each bound to its registry's account and region. */
  entries: InUseEntry[];
  /** The in-use sources that could not be read at capture time, in any region of the file. */
  failures: InUseFailure[];
  /** What the in-use sources could not see at capture time, in the regions read. */
  warnings: InUseWarning[];
  /** True when some registry recorded in-use information (older snapshots have none). */
  recorded: boolean;
}

/**
 * The images in use a snapshot recorded (see `SnapshotFile`'s `inUse`) for the given regions (all
 * when none are given). The sources that failed are taken from every registry of the file: a
 * workload of a region not read may run an image of one that is, so its failure leaves every
 * repository unknown, as it did when the file was captured.
 *
 * @example const { entries, failures, recorded } = snapshotInUse(parseSnapshot(doc, file), ['eu-west-1']);
 */
export function snapshotInUse(snapshot: SnapshotFile, regions: readonly string[] = []): SnapshotInUseSources {
  const out: SnapshotInUseSources = { entries: [], failures: [], warnings: [], recorded: false };
  for (const registry of snapshot.registries) {
    // Replayed as the file's other errors are: saying when they happened.
    for (const failure of registry.inUseErrors ?? [])
      out.failures.push({
        region: registry.region,
        ...failure,
        message: recordedMessage(failure.message, snapshot.capturedAt),
      });
    if (regions.length > 0 && !regions.includes(registry.region)) continue;
    if (registry.inUse !== undefined || registry.inUseErrors !== undefined) out.recorded = true;
    for (const entry of registry.inUse ?? []) out.entries.push({ accountId: registry.accountId, region: registry.region, ...entry });
    for (const warning of registry.inUseWarnings ?? []) out.warnings.push({ region: registry.region, ...warning });
  }
  return out;
}
