/**
 * Real manifest texts for unit tests: Docker v2 / OCI image manifests with config and layer
 * descriptors, Docker manifest lists / OCI indexes, and OCI referrers. A manifest's digest is the
 * sha256 of its exact text, as ECR computes it.
 */
import { createHash } from 'node:crypto';
import { MEDIA_TYPES } from '../../support/media-types';

/** The media types the tests build. */
export const MEDIA = MEDIA_TYPES;

/** Which manifest family to write. */
export type ManifestFormat = 'docker' | 'oci';

/** `sha256:` + the hex sha256 of `text`. */
export function sha256Digest(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** A blob (config or layer) by digest and compressed size. */
export interface Blob {
  digest: string;
  size: number;
}

/** A blob named `name` (its digest is the sha256 of the name) of `size` bytes. */
export function blob(name: string, size: number): Blob {
  return { digest: sha256Digest(`blob:${name}`), size };
}

/** A built manifest: its exact text, digest, media type and what ECR would report about it. */
export interface Manifest {
  digest: string;
  text: string;
  mediaType: string;
  /** What ECR reports as `imageSizeInBytes`: the blobs' total, or an index's largest child. */
  size: number;
  /** The subject digest, for referrers. */
  subject?: string;
}

/** Options of {@link imageManifest}. */
export interface ImageManifestOptions {
  config: Blob;
  layers: readonly Blob[];
  /** @default 'oci' */
  format?: ManifestFormat;
  /** Makes the manifest an OCI referrer of this manifest. */
  subject?: Manifest;
  /** OCI `artifactType`, e.g. a signature's. */
  artifactType?: string;
  /** Annotations; also a handy way to make otherwise equal manifests distinct. */
  annotations?: Record<string, string>;
}

function descriptor(mediaType: string, b: Blob): { mediaType: string; digest: string; size: number } {
  return { mediaType, digest: b.digest, size: b.size };
}

/**
 * A single-platform image manifest (Docker v2 or OCI) with its config and layers.
 *
 * @example const app = imageManifest({ config: blob('app-config', 1_000), layers: [base, blob('app', 5_000)] });
 */
export function imageManifest(options: ImageManifestOptions): Manifest {
  const format = options.format ?? 'oci';
  const docker = format === 'docker';
  const mediaType = docker ? MEDIA.dockerManifest : MEDIA.ociManifest;
  const doc = {
    schemaVersion: 2,
    mediaType,
    ...(options.artifactType === undefined ? {} : { artifactType: options.artifactType }),
    config: descriptor(docker ? MEDIA.dockerConfig : MEDIA.ociConfig, options.config),
    layers: options.layers.map((l) => descriptor(docker ? MEDIA.dockerLayer : MEDIA.ociLayer, l)),
    ...(options.subject === undefined
      ? {}
      : { subject: { mediaType: options.subject.mediaType, digest: options.subject.digest, size: options.subject.text.length } }),
    ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
  };
  const text = JSON.stringify(doc, null, 3);
  const unique = new Map([options.config, ...options.layers].map((b) => [b.digest, b.size]));
  const size = [...unique.values()].reduce((sum, s) => sum + s, 0);
  return {
    digest: sha256Digest(text),
    text,
    mediaType,
    size,
    ...(options.subject === undefined ? {} : { subject: options.subject.digest }),
  };
}

/** Options of {@link indexManifest}. */
export interface IndexManifestOptions {
  /** @default 'oci' */
  format?: ManifestFormat;
  subject?: Manifest;
  annotations?: Record<string, string>;
}

const PLATFORMS = [
  { architecture: 'amd64', os: 'linux' },
  { architecture: 'arm64', os: 'linux', variant: 'v8' },
  { architecture: 'arm', os: 'linux', variant: 'v7' },
  { architecture: 'unknown', os: 'unknown' },
];

/**
 * An image index (OCI) or manifest list (Docker) of `children`. Its reported size is its largest
 * child's, as ECR reports it.
 */
export function indexManifest(children: readonly Manifest[], options: IndexManifestOptions = {}): Manifest {
  const docker = (options.format ?? 'oci') === 'docker';
  const mediaType = docker ? MEDIA.dockerManifestList : MEDIA.ociIndex;
  const doc = {
    schemaVersion: 2,
    mediaType,
    manifests: children.map((c, i) => ({
      mediaType: c.mediaType,
      digest: c.digest,
      size: c.text.length,
      platform: PLATFORMS[i % PLATFORMS.length],
    })),
    ...(options.subject === undefined
      ? {}
      : { subject: { mediaType: options.subject.mediaType, digest: options.subject.digest, size: options.subject.text.length } }),
    ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
  };
  const text = JSON.stringify(doc, null, 3);
  const size = children.reduce((max, c) => Math.max(max, c.size), 0);
  return {
    digest: sha256Digest(text),
    text,
    mediaType,
    size,
    ...(options.subject === undefined ? {} : { subject: options.subject.digest }),
  };
}

/** A cosign-style signature: an OCI referrer of `subject` with one small layer. */
export function signatureOf(subject: Manifest, name = 'signature'): Manifest {
  return imageManifest({
    config: { digest: sha256Digest('{}'), size: 2 },
    layers: [blob(`${name}-of-${subject.digest}`, 250)],
    subject,
    artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  });
}
