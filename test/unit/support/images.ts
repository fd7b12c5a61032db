/**
 * `ImageDetail`s as `DescribeImages` + `BatchGetImage` describe them, built from real manifests, and
 * the fixed clock the unit tests run at.
 */
import type { ImageDetail, ImageStatus } from '../../../src/domain/image';
import type { Manifest } from './manifests';
import { sha256Digest } from './manifests';

/** Milliseconds in one day. */
export const DAY = 86_400_000;

/** The fixed "now" of every unit test. */
export const NOW = Date.parse('2026-03-01T00:00:00.000Z');

/** ISO time `days` days before {@link NOW}. */
export function daysAgo(days: number): string {
  return new Date(NOW - days * DAY).toISOString();
}

/** How an image looks in its repository. */
export interface ImageOptions {
  /** @default [] (untagged) */
  tags?: string[];
  /** @default 1 */
  pushedDaysAgo?: number;
  /** @default 'ACTIVE' */
  status?: ImageStatus;
  /** Overrides the reported `imageSizeInBytes` (the manifest's own size by default). */
  sizeInBytes?: number;
  /** Leaves the manifest text out, as when `BatchGetImage` could not return it. @default false */
  withoutManifest?: boolean;
}

/** The image of a built manifest, with its manifest text attached (as the janitor reads it). */
export function imageOf(manifest: Manifest, options: ImageOptions = {}): ImageDetail {
  const status = options.status ?? 'ACTIVE';
  return {
    imageDigest: manifest.digest,
    ...(options.tags === undefined ? {} : { imageTags: options.tags }),
    imageSizeInBytes: options.sizeInBytes ?? manifest.size,
    imagePushedAt: daysAgo(options.pushedDaysAgo ?? 1),
    imageManifestMediaType: manifest.mediaType,
    imageStatus: status,
    ...(status === 'ARCHIVED' ? { lastArchivedAt: daysAgo(0) } : {}),
    ...(manifest.subject === undefined ? {} : { subjectManifestDigest: manifest.subject }),
    ...(options.withoutManifest === true ? {} : { imageManifest: manifest.text }),
  };
}

/** An image whose manifest the janitor could not read: only `imageSizeInBytes` tells its size. */
export function opaqueImage(
  name: string,
  sizeInBytes: number | undefined,
  options: Omit<ImageOptions, 'sizeInBytes' | 'withoutManifest'> = {},
): ImageDetail {
  return {
    imageDigest: sha256Digest(`opaque:${name}`),
    ...(options.tags === undefined ? {} : { imageTags: options.tags }),
    ...(sizeInBytes === undefined ? {} : { imageSizeInBytes: sizeInBytes }),
    imagePushedAt: daysAgo(options.pushedDaysAgo ?? 1),
    imageStatus: options.status ?? 'ACTIVE',
  };
}
