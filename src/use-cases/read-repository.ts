import type { ImageDetail } from '../domain/image';
import type { ManifestIndex } from '../domain/manifest-cache';
import type { RepositoryRef, RepositoryState, Tag } from '../domain/registry';
import type { RegistryReader } from '../ports/registry';

/** What the caller already knows about a repository, so that it is not read again. */
export interface KnownRepository {
  /** The repository's tags (from a bulk read of the region's tags); listed otherwise. */
  tags?: Tag[];
  /** Manifests already read, by image digest (the manifest cache): only the other digests are fetched. */
  manifests?: ManifestIndex;
}

/**
 * Reads everything the janitor needs about one repository: its policy, tags, every image and
 * every image's manifest (so index children, referrers and blob sizes are known). Manifests the
 * caller already knows (a digest's manifest never changes) are not fetched again.
 */
export async function readRepositoryState(reader: RegistryReader, ref: RepositoryRef, known: KnownRepository = {}): Promise<RepositoryState> {
  const [lifecyclePolicyText, tags, images] = await Promise.all([
    reader.getLifecyclePolicy(ref.repositoryName),
    known.tags ?? reader.listTags(ref),
    reader.describeImages(ref.repositoryName),
  ]);
  const cached = known.manifests ?? new Map();
  const missing = images.map((i) => i.imageDigest).filter((digest) => !cached.has(digest));
  const manifests = missing.length === 0 ? [] : await reader.getManifests(ref.repositoryName, missing);
  const byDigest = new Map(manifests.map((m) => [m.imageDigest, m]));
  const withManifests: ImageDetail[] = images.map((image) => {
    const parsed = cached.get(image.imageDigest);
    if (parsed) return { ...image, parsedManifest: parsed };
    const m = byDigest.get(image.imageDigest);
    if (!m) return image;
    return { ...image, imageManifest: m.imageManifest, imageManifestMediaType: image.imageManifestMediaType ?? m.imageManifestMediaType };
  });
  return { ...ref, tags: [...tags], lifecyclePolicyText: lifecyclePolicyText ?? null, images: withManifests };
}
