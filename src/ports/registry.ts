import type { BlobMountingStatus } from '../domain/blob-mounting';
import type { ImageDetail } from '../domain/image';
import type { RepositoryRef, Tag } from '../domain/registry';

/** A manifest as `BatchGetImage` returns it. */
export interface ManifestText {
  imageDigest: string;
  imageManifest: string;
  imageManifestMediaType?: string;
}

/**
 * Reads one registry (one account in one region). Lists only the calls the janitor makes; every
 * list is read to its end by the adapter. "Not found" answers are values, not exceptions.
 */
export interface RegistryReader {
  /** The region this reader reads. */
  readonly region: string;
  /** Every repository of the registry. */
  listRepositories(): Promise<RepositoryRef[]>;
  /** The repository's lifecycle policy text, or undefined when it has none. */
  getLifecyclePolicy(repositoryName: string): Promise<string | undefined>;
  /** The repository's resource tags. */
  listTags(repository: RepositoryRef): Promise<Tag[]>;
  /** Every image of the repository, whatever its status (ACTIVE, ARCHIVED, ACTIVATING). */
  describeImages(repositoryName: string): Promise<ImageDetail[]>;
  /** The manifests of the given digests (batched by the adapter); digests ECR cannot return are left out. */
  getManifests(repositoryName: string, imageDigests: readonly string[]): Promise<ManifestText[]>;
  /**
   * The registry's `BLOB_MOUNTING` account setting (`GetAccountSetting`); undefined when this reader
   * cannot know it (a snapshot captured before it was recorded). Throws when it could not be read.
   * Absent from readers that have no setting to read. @default not read
   */
  blobMounting?(): Promise<BlobMountingStatus | undefined>;
}

/** Finds one repository by name (live registries; a snapshot lists its repositories instead). */
export interface RepositoryLookup {
  /** The repository of that name, or undefined when the registry has none. */
  getRepository(repositoryName: string): Promise<RepositoryRef | undefined>;
}

/** Writes lifecycle policies. The only write the janitor ever makes to ECR. */
export interface PolicyWriter {
  /** The region this writer writes to. */
  readonly region: string;
  /**
   * Replaces the repository's policy, in one attempt and without a client-side wait: the adapter
   * never retries or delays a write (the caller re-reads and decides). Throws `PolicyWriteError`
   * saying whether the write was refused or may have landed (the caller then writes the repository
   * no more in its run); any other error is read back and, when the write did not land, a failure.
   */
  putLifecyclePolicy(repositoryName: string, policyText: string): Promise<void>;
  /**
   * Waits for the writer's turn under its write pace (which slows on throttling), so that the
   * re-read before a write is the last thing before it. @default no wait
   */
  acquireWriteSlot?(): Promise<void>;
}

/** AWS API calls by operation (`calls.total` sums them), and the retries among them. */
export interface CallCounts {
  /** Calls by operation name, e.g. `{ DescribeImages: 12, total: 12 }`. */
  calls: Record<string, number>;
  /** Retries by operation name: every attempt after a call's first. */
  retries: Record<string, number>;
}

/** Counts AWS API calls by operation, and the retries among them. */
export interface ApiCallCounter {
  /** Every call and retry counted so far. */
  snapshot(): CallCounts;
  /**
   * The calls and retries made since `mark`, an earlier {@link snapshot} of this counter: what one
   * step (or one warm invocation) made. Operations without a new call are left out; `calls.total` is
   * always present.
   */
  since(mark: CallCounts): CallCounts;
}

/** One region's adapters, as the use cases receive them. */
export interface RegionRegistry {
  region: string;
  reader: RegistryReader;
  /** Absent when the run is read-only (snapshot files, audits). */
  writer?: PolicyWriter;
}

/**
 * The tags of every repository of one region in bulk (a page of 100 repositories a call instead of
 * one call each), by repository ARN. A repository that was never tagged is absent.
 */
export interface RepositoryTagIndex {
  /** The region whose repositories it tags. */
  readonly region: string;
  /** Every tagged repository's tags, by ARN, every page read. */
  repositoryTags(): Promise<Map<string, Tag[]>>;
}
