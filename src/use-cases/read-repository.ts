import type { ImageDetail } from '../domain/image';
import type { RepositoryRef, RepositoryState } from '../domain/registry';
import type { RegistryReader } from '../ports/registry';

/**
 * Reads everything the janitor needs about one repository: its policy, tags, every image and
 * every image's manifest (so index children, referrers and blob sizes are known).
 */
export async function readRepositoryState(reader: RegistryReader, ref: RepositoryRef): Promise<RepositoryState> {
  const [lifecyclePolicyText, tags, images] = await Promise.all([
    reader.getLifecyclePolicy(ref.repositoryName),
    reader.listTags(ref),
    reader.describeImages(ref.repositoryName),
  ]);
  const manifests = await reader.getManifests(
    ref.repositoryName,
    images.map((i) => i.imageDigest),
  );
  const byDigest = new Map(manifests.map((m) => [m.imageDigest, m]));
  const withManifests: ImageDetail[] = images.map((image) => {
    const m = byDigest.get(image.imageDigest);
    if (!m) return image;
    return { ...image, imageManifest: m.imageManifest, imageManifestMediaType: image.imageManifestMediaType ?? m.imageManifestMediaType };
  });
  return { ...ref, tags, lifecyclePolicyText: lifecyclePolicyText ?? null, images: withManifests };
}
