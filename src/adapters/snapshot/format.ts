import type { BlobMountingStatus } from '../../domain/blob-mounting';
import type { ImageDetail } from '../../domain/image';
import type { InUseSource, InUseWarningCode, WorkloadSource } from '../../domain/in-use';
import type { Tag } from '../../domain/registry';
import type { ReportError } from '../../domain/report-problems';

// The snapshot file: what `ecr-janitor snapshot` writes and `audit --snapshot` reads. Its schema,
// with the sense checks a file must pass, is in ./schema; its writer in ./snapshot-writer.

/** The snapshot file format written by `ecr-janitor snapshot` and read by `audit --snapshot`. */
export interface SnapshotFile {
  format: 'ecr-janitor-snapshot/1';
  capturedAt: string;
  /**
   * What could not be read at capture time: a region whose repositories could not be listed (no
   * `repositoryName`), one repository, or, in a snapshot of several accounts, a whole account (its
   * `accountId` and no region). Absent in files written before it was recorded.
   */
  errors?: ReportError[];
  /**
   * A snapshot of several accounts (`snapshot --accounts`, `--org`): every account it was to hold, with
   * its name and the regions read; those not read are among the errors. Absent for one account's.
   */
  accounts?: SnapshotAccount[];
  registries: Array<{
    accountId: string;
    region: string;
    repositories: Array<{
      repositoryName: string;
      repositoryArn: string;
      createdAt: string | null;
      tags: Tag[];
      lifecyclePolicyText: string | null;
      images: Array<ImageDetail & { imageManifest?: string }>;
    }>;
    /**
     * The images of this registry in use when it was captured, with their consumers (absent when the
     * capture did not look: snapshots taken with `--in-use-scan none` and no list, or older files).
     */
    inUse?: SnapshotInUse[];
    /**
     * In-use sources of this region (or lists) that could not be read at capture time: an audit of the
     * file holds every write that could remove an image.
     */
    inUseErrors?: Array<{ source: InUseSource; code: string; message: string }>;
    /** What the in-use sources of this region could not see at capture time (an audit of the file warns of it). */
    inUseWarnings?: Array<{ source: WorkloadSource; code: InUseWarningCode; message: string }>;
    /**
     * The registry's `BLOB_MOUNTING` setting at capture time (`unknown`: it could not be read);
     * absent in files written before it was recorded.
     */
    blobMounting?: BlobMountingStatus | 'unknown';
  }>;
}

/** One account of a snapshot of several. */
export interface SnapshotAccount {
  accountId: string;
  /** Its name in the organization; null when not known. */
  name: string | null;
  regions: string[];
}

/** One image in use as a snapshot records it. */
export interface SnapshotInUse {
  repositoryName: string;
  imageDigest: string;
  /** Who uses it, as the in-use entries name it (`ecs:service/CLUSTER/SERVICE`, `lambda:FUNCTION:VERSION`, `list:FILE`, …). */
  consumer: string;
}

/** The snapshot format identifier. */
export const SNAPSHOT_FORMAT = 'ecr-janitor-snapshot/1';
