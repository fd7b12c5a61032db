import type { BlobMountingStatus } from '../domain/blob-mounting';
import type { InUseFailure, InUseWarning } from '../domain/in-use';
import type { RepositoryState } from '../domain/registry';
import type { ReportError } from '../domain/report-problems';

/** One image in use in a captured registry, with one of its consumers (an image with two has two). */
export interface CapturedInUse {
  repositoryName: string;
  imageDigest: string;
  /** Who uses it, as the in-use entries name it (`ecs:service/CLUSTER/SERVICE`, `lambda:FUNCTION:VERSION`, `list:FILE`, …). */
  consumer: string;
}

/** One registry (account and region) as a capture read it. */
export interface CapturedRegistry {
  /** The account of its repositories; empty when none was read. */
  accountId: string;
  region: string;
  /** Every repository read, by name. */
  repositories: RepositoryState[];
  /**
   * What was in use in the registry's repositories (whichever region's workloads use it), the in-use
   * sources of its region (and lists) that could not be read, and what its region's sources could not
   * see; absent when the capture did not look (no source to scan and no list).
   */
  inUse?: {
    images: CapturedInUse[];
    failures: Array<Pick<InUseFailure, 'source' | 'code' | 'message'>>;
    warnings: Array<Pick<InUseWarning, 'source' | 'code' | 'message'>>;
  };
  /** The registry's `BLOB_MOUNTING` setting (`unknown`: it could not be read); absent when the reader has none. */
  blobMounting?: BlobMountingStatus | 'unknown';
}

/** Registries captured at one time, for an audit that runs later and offline. */
export interface RegistrySnapshot {
  /** When the registries were read, epoch milliseconds: an audit of the snapshot judges at this time. */
  capturedAt: number;
  /**
   * What could not be read: a region whose repositories could not be listed (no `repositoryName`)
   * or one repository, by region and name. An audit of the snapshot fails them again.
   */
  errors: ReportError[];
  registries: CapturedRegistry[];
  /**
   * A snapshot of several accounts: each account with its name and the regions read (an account not
   * read is also an error, with its id and no region). Absent for one account's.
   */
  accounts?: Array<{ accountId: string; name: string | null; regions: string[] }>;
}

/** Keeps a snapshot (a file, for the CLI). */
export interface SnapshotWriter {
  /** Writes the snapshot whole, or nothing; throws when it cannot. */
  write(snapshot: RegistrySnapshot): Promise<void>;
}
