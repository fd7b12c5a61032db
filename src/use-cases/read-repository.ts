import type { ImageDetail } from '../domain/image';
import { INDEX_MEDIA_TYPES } from '../domain/image';
import type { RepositoryRef, RepositoryState } from '../domain/registry';
import type { ManifestText, RegistryReader } from '../ports/registry';

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
  return { ...ref, tags, lifecyclePolicyText: lifecyclePolicyText ?? null, images: withManifests(images, manifests) };
}

/** The images with the manifest texts that were read attached (media types ECR reported win). */
function withManifests(images: readonly ImageDetail[], manifests: readonly ManifestText[]): ImageDetail[] {
  const byDigest = new Map(manifests.map((m) => [m.imageDigest, m]));
  return images.map((image) => {
    const m = byDigest.get(image.imageDigest);
    if (!m) return image;
    return { ...image, imageManifest: m.imageManifest, imageManifestMediaType: image.imageManifestMediaType ?? m.imageManifestMediaType };
  });
}

/**
 * Reads the images of a repository as the in-use guard needs them: every image (`DescribeImages`,
 * which also gives each referrer's subject), and the manifests of image indexes only, whose children
 * matter (`BatchGetImage`; an image whose media type ECR did not report is fetched too). Far fewer
 * manifest reads than an audit's, and fewer pull times refreshed.
 */
export async function readGuardImages(reader: RegistryReader, repositoryName: string): Promise<ImageDetail[]> {
  const images = await reader.describeImages(repositoryName);
  const wanted = images
    .filter((i) => i.imageManifestMediaType === undefined || INDEX_MEDIA_TYPES.has(i.imageManifestMediaType))
    .map((i) => i.imageDigest);
  if (wanted.length === 0) return images;
  return withManifests(images, await reader.getManifests(repositoryName, wanted));
}
