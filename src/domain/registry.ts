import type { ImageDetail } from './image';
import type { ReportError } from './report';

/** A resource tag as ECR returns it. */
export interface Tag {
  Key: string;
  Value: string;
}

/** Identifies one repository in one registry (account and region). */
export interface RepositoryRef {
  accountId: string;
  region: string;
  repositoryName: string;
  repositoryArn: string;
  /** ISO-8601 creation time, when known. */
  createdAt?: string;
}

/** Everything the janitor reads about one repository. */
export interface RepositoryState extends RepositoryRef {
  tags: Tag[];
  /** The lifecycle policy text, or null when the repository has none. */
  lifecyclePolicyText: string | null;
  /** Every image (ACTIVE, ARCHIVED and ACTIVATING), each with its manifest text when it could be read. */
  images: ImageDetail[];
}

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
