import type { BlobMountingStatus } from '../../domain/blob-mounting';
import type { ImageDetail } from '../../domain/image';
import type { RepositoryRef, Tag } from '../../domain/registry';
import type { ReportError } from '../../domain/report-problems';
import type { ManifestText, RegistryReader } from '../../ports/registry';
import type { SnapshotFile } from './format';

type SnapshotRegistryData = SnapshotFile['registries'][number];
type SnapshotRepository = SnapshotRegistryData['repositories'][number];

/**
 * A failure's message as replayed from a snapshot: saying when it happened.
 *
 * @example recordedMessage('Access denied', '2026-01-31T00:00:00.000Z') // 'Access denied (recorded when the snapshot was captured at 2026-01-31T00:00:00.000Z)'
 */
export function recordedMessage(message: string, capturedAt: string | undefined): string {
  return `${message} (recorded when the snapshot was captured${capturedAt === undefined ? '' : ` at ${capturedAt}`})`;
}

/**
 * The error a failure recorded at capture time is replayed as: same name (the report's `code`), the
 * recorded message saying when it happened.
 */
function recordedError(entry: ReportError, capturedAt: string | undefined): Error {
  const error = new Error(recordedMessage(entry.message, capturedAt));
  error.name = entry.code;
  return error;
}

/**
 * A read-only registry backed by one region of a snapshot file: audits run fully offline. What could
 * not be read at capture time (the file's `errors`) fails again here as it failed then: a region
 * whose listing failed fails to list, and a repository that could not be read is listed and fails
 * to read, so an audit of the file is as partial as the live one was.
 */
export class SnapshotRegistry implements RegistryReader {
  readonly region: string;
  private readonly repositories: Map<string, SnapshotRepository>;
  private readonly listingError: ReportError | undefined;
  private readonly failed: Map<string, ReportError>;

  /**
   * Wraps one registry (account and region) of a parsed snapshot, with the failures the file
   * recorded (those of other regions are ignored) and the file's capture time for their messages.
   */
  constructor(
    private readonly data: SnapshotRegistryData,
    errors: readonly ReportError[] = [],
    private readonly capturedAt?: string,
  ) {
    this.region = data.region;
    this.repositories = new Map(data.repositories.map((r) => [r.repositoryName, r]));
    const own = errors.filter((e) => e.region === data.region);
    this.listingError = own.find((e) => e.repositoryName === undefined);
    this.failed = new Map(own.flatMap((e) => (e.repositoryName === undefined ? [] : [[e.repositoryName, e] as const])));
  }

  /**
   * One reader per registry in the file (only those of `regions` when given), and one for each region
   * that has only recorded errors (a region whose listing failed may have no registry entry).
   */
  static fromSnapshot(snapshot: SnapshotFile, regions?: readonly string[]): SnapshotRegistry[] {
    const errors = snapshot.errors ?? [];
    const registries = [...snapshot.registries];
    for (const region of new Set(errors.map((e) => e.region))) {
      if (!registries.some((r) => r.region === region)) registries.push({ accountId: '', region, repositories: [] });
    }
    return registries
      .filter((r) => !regions || regions.length === 0 || regions.includes(r.region))
      .map((r) => new SnapshotRegistry(r, errors, snapshot.capturedAt));
  }

  async listRepositories(): Promise<RepositoryRef[]> {
    if (this.listingError !== undefined) throw recordedError(this.listingError, this.capturedAt);
    const refs: RepositoryRef[] = this.data.repositories.map((r) => ({
      accountId: this.data.accountId,
      region: this.data.region,
      repositoryName: r.repositoryName,
      repositoryArn: r.repositoryArn,
      ...(r.createdAt ? { createdAt: r.createdAt } : {}),
    }));
    for (const name of this.failed.keys()) {
      if (this.repositories.has(name)) continue;
      refs.push({
        accountId: this.data.accountId,
        region: this.data.region,
        repositoryName: name,
        repositoryArn: this.data.accountId === '' ? '' : `arn:aws:ecr:${this.data.region}:${this.data.accountId}:repository/${name}`,
      });
    }
    return refs;
  }

  async getLifecyclePolicy(repositoryName: string): Promise<string | undefined> {
    return this.repository(repositoryName).lifecyclePolicyText ?? undefined;
  }

  async listTags(ref: RepositoryRef): Promise<Tag[]> {
    return this.repository(ref.repositoryName).tags;
  }

  async describeImages(repositoryName: string): Promise<ImageDetail[]> {
    // The manifests are served by getManifests, as ECR serves them apart from the image list.
    return this.repository(repositoryName).images.map(({ imageManifest: _manifest, ...image }) => image);
  }

  async getManifests(repositoryName: string, imageDigests: readonly string[]): Promise<ManifestText[]> {
    const wanted = new Set(imageDigests);
    const out: ManifestText[] = [];
    for (const image of this.repository(repositoryName).images) {
      if (image.imageManifest === undefined || !wanted.has(image.imageDigest)) continue;
      out.push({
        imageDigest: image.imageDigest,
        imageManifest: image.imageManifest,
        ...(image.imageManifestMediaType ? { imageManifestMediaType: image.imageManifestMediaType } : {}),
      });
    }
    return out;
  }

  /**
   * The `BLOB_MOUNTING` setting the capture recorded; undefined when it did not record one. A setting
   * that could not be read then cannot be read now either.
   */
  async blobMounting(): Promise<BlobMountingStatus | undefined> {
    const recorded = this.data.blobMounting;
    if (recorded === 'unknown')
      throw Object.assign(new Error(recordedMessage('the setting could not be read', this.capturedAt)), { name: 'BlobMountingUnknown' });
    return recorded;
  }

  private repository(name: string): SnapshotRepository {
    const failure = this.failed.get(name);
    if (failure !== undefined) throw recordedError(failure, this.capturedAt);
    const repository = this.repositories.get(name);
    if (!repository) {
      throw Object.assign(new Error(`The repository with name '${name}' does not exist in the snapshot of ${this.region}`), {
        name: 'RepositoryNotFoundException',
      });
    }
    return repository;
  }
}
