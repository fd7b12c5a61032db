import type { Timestamp } from './time';

/** ECR's image status; only ARCHIVED images are in the archive storage class. */
export type ImageStatus = 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING' | (string & {});

/**
 * An image as `DescribeImages` returns it, optionally with the manifest text `BatchGetImage` returns.
 * Times may be Dates (SDK), ISO-8601 strings (AWS CLI v2, snapshots) or epoch seconds (AWS CLI v1).
 */
export interface ImageDetail {
  /** sha256 digest of the manifest bytes. */
  imageDigest: string;
  /** Tags; absent or empty for an untagged image. */
  imageTags?: string[];
  /** Compressed size; for an index, the largest child's size. */
  imageSizeInBytes?: number;
  imagePushedAt?: Timestamp;
  /** Refreshed by ECR about once a day. */
  lastRecordedPullTime?: Timestamp;
  imageManifestMediaType?: string;
  artifactMediaType?: string;
  /** Set on OCI referrers (signatures, SBOMs, attestations). */
  subjectManifestDigest?: string;
  imageStatus?: ImageStatus;
  lastArchivedAt?: Timestamp;
  lastActivatedAt?: Timestamp;
  registryId?: string;
  repositoryName?: string;
  /** The manifest text; needed to know index children and blob sizes. */
  imageManifest?: string;
  /**
   * The manifest as already read, from the manifest cache (a digest's manifest never changes): it
   * stands in for `imageManifest` when the text was not fetched again.
   */
  parsedManifest?: ParsedManifest;
}

/** Media types of image indexes (manifest lists). */
export const INDEX_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
]);

/** Media types of single-platform image manifests. */
export const MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
]);

/** Every manifest media type the janitor asks `BatchGetImage` for. */
export const ACCEPTED_MEDIA_TYPES: readonly string[] = [...MANIFEST_MEDIA_TYPES, ...INDEX_MEDIA_TYPES];

/** A blob (config or layer) as a manifest lists it. */
export interface BlobRef {
  digest: string;
  size: number;
}

/** What a manifest text tells: its kind, the child manifests of an index, the blobs of an image. */
export interface ParsedManifest {
  kind: 'index' | 'manifest' | 'unknown';
  /** Digests of child manifests (indexes only). */
  children: string[];
  /** Config and layer blobs (image manifests only). */
  blobs: BlobRef[];
  /** Sum of the layers' sizes, the config left out (image manifests only): what `imageSizeInBytes` should be at least. */
  layerBytes?: number;
  /** The `subject` digest of an OCI referrer, when the manifest names one. */
  subject?: string;
}

interface RawDescriptor {
  digest?: unknown;
  size?: unknown;
  mediaType?: unknown;
}

function descriptors(value: unknown): RawDescriptor[] {
  return Array.isArray(value) ? value.filter((d): d is RawDescriptor => typeof d === 'object' && d !== null) : [];
}

/**
 * Reads a manifest text. The kind comes from the manifest's own `mediaType`, else the one ECR
 * reported, else its shape (`manifests` means an index, `layers` an image).
 */
export function parseManifest(text: string, reportedMediaType?: string): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { kind: 'unknown', children: [], blobs: [] };
  }
  if (typeof doc !== 'object' || doc === null) return { kind: 'unknown', children: [], blobs: [] };
  const m = doc as { mediaType?: unknown; manifests?: unknown; layers?: unknown; config?: unknown; subject?: unknown };
  const mediaType = typeof m.mediaType === 'string' ? m.mediaType : reportedMediaType;
  const subject = typeof m.subject === 'object' && m.subject !== null ? (m.subject as RawDescriptor).digest : undefined;
  const base = typeof subject === 'string' ? { subject } : {};
  const isIndex = mediaType !== undefined ? INDEX_MEDIA_TYPES.has(mediaType) : Array.isArray(m.manifests);
  if (isIndex || (mediaType === undefined && Array.isArray(m.manifests))) {
    const children = descriptors(m.manifests)
      .map((d) => d.digest)
      .filter((d): d is string => typeof d === 'string');
    return { kind: 'index', children, blobs: [], ...base };
  }
  if (Array.isArray(m.layers) || (typeof m.config === 'object' && m.config !== null)) {
    const blobs: BlobRef[] = [];
    for (const d of [...descriptors([m.config]), ...descriptors(m.layers)]) {
      if (typeof d.digest === 'string') blobs.push({ digest: d.digest, size: typeof d.size === 'number' ? d.size : 0 });
    }
    let layerBytes = 0;
    for (const d of descriptors(m.layers)) if (typeof d.size === 'number') layerBytes += d.size;
    return { kind: 'manifest', children: [], blobs, layerBytes, ...base };
  }
  return { kind: 'unknown', children: [], blobs: [], ...base };
}

/**
 * What the image's manifest tells, from the cache when it came from there, else from its text;
 * undefined when neither is known.
 */
export function manifestOf(
  image: Pick<ImageDetail, 'imageManifest' | 'imageManifestMediaType' | 'parsedManifest'>,
): ParsedManifest | undefined {
  if (image.parsedManifest !== undefined) return image.parsedManifest;
  return image.imageManifest === undefined ? undefined : parseManifest(image.imageManifest, image.imageManifestMediaType);
}

/** True when an image has at least one tag. */
export function isTagged(image: ImageDetail): boolean {
  return image.imageTags !== undefined && image.imageTags.length > 0;
}

/**
 * The digests referenced as children by the image indexes in `images` (only indexes whose manifest
 * text is present can be read).
 */
export function indexChildDigests(images: readonly ImageDetail[]): Set<string> {
  const children = new Set<string>();
  for (const image of images) {
    if (image.parsedManifest !== undefined) {
      if (image.parsedManifest.kind === 'index') for (const c of image.parsedManifest.children) children.add(c);
      continue;
    }
    if (image.imageManifest === undefined) continue;
    const reported = image.imageManifestMediaType;
    if (reported !== undefined && !INDEX_MEDIA_TYPES.has(reported) && !image.imageManifest.includes('"manifests"')) continue;
    const parsed = parseManifest(image.imageManifest, reported);
    if (parsed.kind === 'index') for (const c of parsed.children) children.add(c);
  }
  return children;
}
