import type { InUseFailure } from '../domain/in-use';
import type { RepositoryState } from '../domain/registry';
import type { ReportError } from '../domain/report';

/** One image in use in a captured registry, with one of its consumers (an image with two has two). */
export interface CapturedInUse {
  repositoryName: string;
  imageDigest: string;
  /** `ecs:service/CLUSTER/SERVICE`, `ecs:task/CLUSTER/ID`, `lambda:FUNCTION:VERSION` or `list:FILE`. */
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
   * What was in use in the registry's repositories, and the in-use sources that could not be read
   * there; absent when the capture did not look (no source to scan and no list).
   */
  inUse?: { images: CapturedInUse[]; failures: Array<Pick<InUseFailure, 'source' | 'code' | 'message'>> };
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
}

/** Keeps a snapshot (a file, for the CLI). */
export interface SnapshotWriter {
  /** Writes the snapshot whole, or nothing; throws when it cannot. */
  write(snapshot: RegistrySnapshot): Promise<void>;
}
