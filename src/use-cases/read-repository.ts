import type { ImageDetail } from '../domain/image';
import { INDEX_MEDIA_TYPES } from '../domain/image';
import type { ManifestIndex } from '../domain/manifest-cache';
import type { RepositoryRef, RepositoryState, Tag } from '../domain/registry';
import type { ManifestText, RegistryReader } from '../ports/registry';

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
export async function readRepositoryState(
  reader: RegistryReader,
  ref: RepositoryRef,
  known: KnownRepository = {},
): Promise<RepositoryState> {
  const [lifecyclePolicyText, tags, images] = await Promise.all([
    reader.getLifecyclePolicy(ref.repositoryName),
    known.tags ?? reader.listTags(ref),
    reader.describeImages(ref.repositoryName),
  ]);
  const cached = known.manifests ?? new Map();
  const missing = images.map((i) => i.imageDigest).filter((digest) => !cached.has(digest));
  const manifests = missing.length === 0 ? [] : await reader.getManifests(ref.repositoryName, missing);
  const read = withManifests(images, manifests).map((image) => {
    const parsed = cached.get(image.imageDigest);
    return parsed === undefined ? image : { ...image, parsedManifest: parsed };
  });
  return { ...ref, tags: [...tags], lifecyclePolicyText: lifecyclePolicyText ?? null, images: read };
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
