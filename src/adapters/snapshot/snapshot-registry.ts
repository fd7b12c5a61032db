import type { ImageDetail } from '../../domain/image';
import type { RepositoryRef, SnapshotFile, Tag } from '../../domain/registry';
import type { ManifestText, RegistryReader } from '../../ports/registry';

type SnapshotRegistryData = SnapshotFile['registries'][number];
type SnapshotRepository = SnapshotRegistryData['repositories'][number];

/** A read-only registry backed by one region of a snapshot file: audits run fully offline. */
export class SnapshotRegistry implements RegistryReader {
  readonly region: string;
  private readonly repositories: Map<string, SnapshotRepository>;

  /** Wraps one registry (account and region) of a parsed snapshot. */
  constructor(private readonly data: SnapshotRegistryData) {
    this.region = data.region;
    this.repositories = new Map(data.repositories.map((r) => [r.repositoryName, r]));
  }

  /** One reader per registry in the file. */
  static fromSnapshot(snapshot: SnapshotFile, regions?: readonly string[]): SnapshotRegistry[] {
    return snapshot.registries
      .filter((r) => !regions || regions.length === 0 || regions.includes(r.region))
      .map((r) => new SnapshotRegistry(r));
  }

  async listRepositories(): Promise<RepositoryRef[]> {
    return this.data.repositories.map((r) => ({
      accountId: this.data.accountId,
      region: this.data.region,
      repositoryName: r.repositoryName,
      repositoryArn: r.repositoryArn,
      ...(r.createdAt ? { createdAt: r.createdAt } : {}),
    }));
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

  private repository(name: string): SnapshotRepository {
    const repository = this.repositories.get(name);
    if (!repository) {
      throw Object.assign(new Error(`The repository with name '${name}' does not exist in the snapshot of ${this.region}`), {
        name: 'RepositoryNotFoundException',
      });
    }
    return repository;
  }
}
