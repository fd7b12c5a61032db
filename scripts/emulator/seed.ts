// Builders and seeders for realistic ECR state in moto: repositories with tags and lifecycle policies,
// Docker v2 / OCI image manifests with config and layer blobs of chosen sizes, image indexes with
// their children, and untagged images. Used by `npm run emulator` (scripts/emulator/account.ts) and
// by the integration tests (through test/integration/support/seed.ts).
//
// Two moto behaviours shape these helpers:
// - moto invents an image's digest unless PutImage passes `imageDigest`, so every push here passes
//   'sha256:' + the sha256 of the exact manifest bytes it sends, as ECR computes it;
// - moto deletes an image that loses its last tag instead of leaving it untagged, so an untagged image
//   (an orphan, or an index child) must be pushed without a tag.
import { createHash, randomBytes } from 'node:crypto';
import {
  CreateRepositoryCommand,
  GetLifecyclePolicyCommand,
  LifecyclePolicyNotFoundException,
  PutImageCommand,
  PutLifecyclePolicyCommand,
  type ECRClient,
  type Repository,
} from '@aws-sdk/client-ecr';
import { MEDIA_TYPES } from './media-types';

/** The media types ECR recognises for manifests, indexes and their blobs. */
export const MediaTypes = MEDIA_TYPES;

/** Docker v2 (schema 2) or OCI. */
export type ManifestFormat = 'docker' | 'oci';

/** The platform of an index entry. */
export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

/** A content descriptor: what a manifest says about a blob or a child manifest. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

/** A single-platform image manifest (Docker v2 or OCI). */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** A multi-platform image index (OCI) or manifest list (Docker). */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
}

/** A blob by size, with its digest when it must be shared between images. */
export interface BlobSpec {
  size: number;
  /** @default a random digest, so no two images share the blob by accident */
  digest?: string;
}

/** Options of {@link imageManifest}. */
export interface ImageManifestOptions {
  /** @default 'oci' */
  format?: ManifestFormat;
  /** The config blob: a size, or a size and digest. @default 1,469 bytes, random digest */
  config?: BlobSpec | number;
  /** The layer blobs, each a size or a size and digest. */
  layers: readonly (BlobSpec | number)[];
  /** OCI only: the manifest this one refers to (a signature, SBOM or attestation). */
  subject?: Descriptor;
  /** OCI only: the artifact type of a referrer. */
  artifactType?: string;
}

/** What a push stored, as ECR identifies it. */
export interface PushedImage {
  repositoryName: string;
  /** 'sha256:' + sha256 hex of {@link PushedImage.manifestText}. */
  digest: string;
  tag?: string;
  mediaType: string;
  /** The exact manifest bytes sent to PutImage. */
  manifestText: string;
  /** The manifest's length in bytes (what an index's descriptor records). */
  manifestSize: number;
}

/** Options of {@link createRepository}. */
export interface CreateRepositoryOptions {
  /** Repository tags. @default none */
  tags?: Record<string, string>;
  /** A lifecycle policy to put right after creation, as text or as an object to serialise. @default none */
  policyText?: string | object;
}

/** Options of {@link pushImage}. */
export interface PushImageOptions {
  /** The manifest: an object (serialised with JSON.stringify) or the exact text to push. */
  manifest: ImageManifest | ImageIndex | string;
  /** @default untagged */
  tag?: string;
  /** @default the manifest's own `mediaType` */
  mediaType?: string;
}

/** A child of an index: its manifest and where it runs. */
export interface IndexChild {
  manifest: ImageManifest;
  /** @default the next of linux/amd64, linux/arm64, linux/arm/v7, linux/ppc64le, linux/s390x */
  platform?: Platform;
  annotations?: Record<string, string>;
}

/** Options of {@link pushIndex}. */
export interface PushIndexOptions {
  children: readonly IndexChild[];
  /** @default untagged */
  tag?: string;
  /** @default 'docker' when every child is a Docker v2 manifest, else 'oci' */
  format?: ManifestFormat;
}

/** An index and its children as pushed. */
export interface PushedIndex {
  index: PushedImage;
  children: PushedImage[];
}

const DEFAULT_PLATFORMS: readonly Platform[] = [
  { architecture: 'amd64', os: 'linux' },
  { architecture: 'arm64', os: 'linux' },
  { architecture: 'arm', os: 'linux', variant: 'v7' },
  { architecture: 'ppc64le', os: 'linux' },
  { architecture: 's390x', os: 'linux' },
];

/**
 * 'sha256:' + the sha256 hex of the given bytes (a string is hashed as UTF-8), as ECR names content.
 *
 * @example
 * sha256Digest('{}'); // 'sha256:44136f…'
 */
export function sha256Digest(bytes: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * A stable fake blob digest: the same seed gives the same digest, so images can share a layer.
 *
 * @example
 * const base = { size: 30_000_000, digest: blobDigest('debian-base') };
 */
export function blobDigest(seed: string): string {
  return sha256Digest(`blob:${seed}`);
}

/**
 * A random blob digest, unique to one blob.
 *
 * @example
 * imageManifest({ layers: [{ size: 10, digest: randomDigest() }] });
 */
export function randomDigest(): string {
  return sha256Digest(randomBytes(32));
}

/**
 * Builds a Docker v2 or OCI image manifest with a config and layers of the given sizes.
 *
 * @example
 * const m = imageManifest({ format: 'docker', config: 1_500, layers: [30_000_000, { size: 512, digest: blobDigest('app') }] });
 */
export function imageManifest(options: ImageManifestOptions): ImageManifest {
  const format = options.format ?? 'oci';
  const types =
    format === 'docker'
      ? { manifest: MediaTypes.dockerManifest, config: MediaTypes.dockerConfig, layer: MediaTypes.dockerLayer }
      : { manifest: MediaTypes.ociManifest, config: MediaTypes.ociConfig, layer: MediaTypes.ociLayer };
  const blob = (spec: BlobSpec | number, mediaType: string): Descriptor => {
    const { size, digest } = typeof spec === 'number' ? { size: spec, digest: undefined } : spec;
    return { mediaType, digest: digest ?? randomDigest(), size };
  };
  // Key order follows what registries and buildx write, so the text looks like a real manifest.
  return {
    schemaVersion: 2,
    mediaType: types.manifest,
    ...(options.artifactType === undefined ? {} : { artifactType: options.artifactType }),
    config: blob(options.config ?? 1_469, types.config),
    layers: options.layers.map((layer) => blob(layer, types.layer)),
    ...(options.subject === undefined ? {} : { subject: options.subject }),
  };
}

/**
 * Builds an OCI image index or Docker manifest list over already-pushed child manifests.
 *
 * @example
 * const index = imageIndex([{ ...amd64, platform: { os: 'linux', architecture: 'amd64' } }], 'oci');
 */
export function imageIndex(
  children: readonly (Pick<PushedImage, 'digest' | 'mediaType' | 'manifestSize'> & Pick<IndexChild, 'platform' | 'annotations'>)[],
  format: ManifestFormat = 'oci',
): ImageIndex {
  return {
    schemaVersion: 2,
    mediaType: format === 'docker' ? MediaTypes.dockerManifestList : MediaTypes.ociIndex,
    manifests: children.map((child, i) => ({
      mediaType: child.mediaType,
      digest: child.digest,
      size: child.manifestSize,
      platform: child.platform ?? DEFAULT_PLATFORMS[i] ?? { architecture: `arch${i}`, os: 'linux' },
      ...(child.annotations === undefined ? {} : { annotations: child.annotations }),
    })),
  };
}

/**
 * The exact text pushed for a manifest: a string as is, an object as compact JSON.
 *
 * @example
 * sha256Digest(manifestText(m)) === pushed.digest;
 */
export function manifestText(manifest: ImageManifest | ImageIndex | string): string {
  return typeof manifest === 'string' ? manifest : JSON.stringify(manifest);
}

/**
 * Creates a repository, with tags and a lifecycle policy if given.
 *
 * @example
 * await createRepository(ecr, 'team/api', { tags: { team: 'api' }, policyText: { rules: [...] } });
 */
export async function createRepository(client: ECRClient, name: string, options: CreateRepositoryOptions = {}): Promise<Repository> {
  const tags = Object.entries(options.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const { repository } = await client.send(new CreateRepositoryCommand({ repositoryName: name, ...(tags.length > 0 ? { tags } : {}) }));
  if (!repository) throw new Error(`CreateRepository ${name} returned no repository`);
  if (options.policyText !== undefined) await putPolicy(client, name, options.policyText);
  return repository;
}

/**
 * Pushes a manifest with PutImage under its true digest (sha256 of the exact bytes), tagged or not.
 * moto treats a second push of the same manifest text as a re-tag of the stored image, and it accepts
 * any `imageDigest` without checking it: build a new manifest for each distinct image.
 *
 * @example
 * const img = await pushImage(ecr, 'team/api', { manifest: imageManifest({ layers: [1_000] }), tag: 'v1' });
 */
export async function pushImage(client: ECRClient, repositoryName: string, options: PushImageOptions): Promise<PushedImage> {
  const text = manifestText(options.manifest);
  const mediaType = options.mediaType ?? mediaTypeOf(text);
  const digest = sha256Digest(text);
  const { image } = await client.send(
    new PutImageCommand({
      repositoryName,
      imageManifest: text,
      imageManifestMediaType: mediaType,
      imageDigest: digest,
      ...(options.tag === undefined ? {} : { imageTag: options.tag }),
    }),
  );
  const stored = image?.imageId?.imageDigest;
  if (stored !== digest) {
    throw new Error(`PutImage into ${repositoryName} stored digest ${String(stored)}, expected ${digest}`);
  }
  return {
    repositoryName,
    digest,
    ...(options.tag === undefined ? {} : { tag: options.tag }),
    mediaType,
    manifestText: text,
    manifestSize: Buffer.byteLength(text, 'utf8'),
  };
}

/**
 * Pushes an untagged image (moto cannot untag one later: it deletes an image that loses its last tag).
 *
 * @example
 * const orphan = await pushUntaggedImage(ecr, 'team/api', imageManifest({ layers: [2_000] }));
 */
export function pushUntaggedImage(
  client: ECRClient,
  repositoryName: string,
  manifest: ImageManifest | ImageIndex | string,
): Promise<PushedImage> {
  return pushImage(client, repositoryName, { manifest });
}

/**
 * Pushes the children untagged, then an index (OCI) or manifest list (Docker) over them.
 *
 * @example
 * const { index, children } = await pushIndex(ecr, 'team/api', {
 *   tag: 'v2',
 *   children: [{ manifest: imageManifest({ layers: [100] }) }, { manifest: imageManifest({ layers: [200] }) }],
 * });
 */
export async function pushIndex(client: ECRClient, repositoryName: string, options: PushIndexOptions): Promise<PushedIndex> {
  const format =
    options.format ?? (options.children.every((child) => child.manifest.mediaType === MediaTypes.dockerManifest) ? 'docker' : 'oci');
  const children: PushedImage[] = [];
  for (const child of options.children) {
    children.push(await pushImage(client, repositoryName, { manifest: child.manifest }));
  }
  const index = imageIndex(
    children.map((pushed, i) => ({
      ...pushed,
      platform: options.children[i]?.platform,
      annotations: options.children[i]?.annotations,
    })),
    format,
  );
  const pushedIndex = await pushImage(client, repositoryName, {
    manifest: index,
    ...(options.tag === undefined ? {} : { tag: options.tag }),
  });
  return { index: pushedIndex, children };
}

/**
 * Puts a lifecycle policy, given as text or as an object to serialise.
 *
 * @example
 * await putPolicy(ecr, 'team/api', { rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }] });
 */
export async function putPolicy(client: ECRClient, repositoryName: string, policy: string | object): Promise<void> {
  const lifecyclePolicyText = typeof policy === 'string' ? policy : JSON.stringify(policy);
  await client.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText }));
}

/**
 * The repository's lifecycle policy text, or undefined when it has none.
 *
 * @example
 * expect(await getPolicy(ecr, 'team/api')).toBeUndefined();
 */
export async function getPolicy(client: ECRClient, repositoryName: string): Promise<string | undefined> {
  try {
    const { lifecyclePolicyText } = await client.send(new GetLifecyclePolicyCommand({ repositoryName }));
    return lifecyclePolicyText;
  } catch (error) {
    if (error instanceof LifecyclePolicyNotFoundException) return undefined;
    throw error;
  }
}

function mediaTypeOf(text: string): string {
  const parsed: unknown = JSON.parse(text);
  const mediaType = typeof parsed === 'object' && parsed !== null && 'mediaType' in parsed ? parsed.mediaType : undefined;
  if (typeof mediaType !== 'string') {
    throw new Error('the manifest has no mediaType: pass options.mediaType to pushImage');
  }
  return mediaType;
}
