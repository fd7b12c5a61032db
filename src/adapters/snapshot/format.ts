import type { ImageDetail } from '../../domain/image';
import type { Tag } from '../../domain/registry';
import type { ReportError } from '../../domain/report';

// The snapshot file: what `ecr-janitor snapshot` writes and `audit --snapshot` reads. Its schema,
// with the sense checks a file must pass, is in ./schema; its writer in ./snapshot-writer.

/** The snapshot file format written by `ecr-janitor snapshot` and read by `audit --snapshot`. */
export interface SnapshotFile {
  format: 'ecr-janitor-snapshot/1';
  capturedAt: string;
  /**
   * What could not be read at capture time: a region whose repositories could not be listed (no
   * `repositoryName`) or one repository. Absent in files written before it was recorded.
   */
  errors?: ReportError[];
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
    /** In-use sources that could not be read at capture time: an audit of the file holds writes in this region. */
    inUseErrors?: Array<{ source: 'ecs' | 'lambda' | 'list'; code: string; message: string }>;
  }>;
}

/** One image in use as a snapshot records it. */
export interface SnapshotInUse {
  repositoryName: string;
  imageDigest: string;
  /** `ecs:service/CLUSTER/SERVICE`, `ecs:task/CLUSTER/ID`, `lambda:FUNCTION:VERSION` or `list:FILE`. */
  consumer: string;
}

/** The snapshot format identifier. */
export const SNAPSHOT_FORMAT = 'ecr-janitor-snapshot/1';
