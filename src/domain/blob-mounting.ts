import { createHash } from 'node:crypto';
import type { ImageDetail } from './image';
import { manifestOf } from './image';
import type { BlobMountingSetting } from './report';
import type { ReportWarning } from './report-problems';

// ECR stores a blob once per repository, and bills it so (ECR-FACTS §2, §11). Since 2026 a registry
// may turn on the `BLOB_MOUNTING` account setting: its repositories then share layers, and a layer
// pushed to ten repositories is stored (and billed) once. The per-repository figure stays what each
// repository holds; the registry-wide unique bytes are what the bill should match.

/** The account setting's name, as `GetAccountSetting` takes it. */
export const BLOB_MOUNTING_SETTING = 'BLOB_MOUNTING';

/** The setting's values. */
export type BlobMountingStatus = 'ENABLED' | 'DISABLED';

/** One registry's setting as an audit read it: its value, or why it could not be read. */
export type BlobMountingReading = { status: BlobMountingStatus } | { status: 'unknown'; reason: string };

/**
 * The blobs a repository's images store, each as `[key, size]` (a blob shared by two images is
 * listed twice; {@link RegistryBlobs} keeps each once). An index stores none of its own. An image
 * whose manifest was not read counts its reported size as one blob of its own, keyed by repository
 * and digest: its layers cannot be recognised, so it is never taken as shared.
 */
export function blobsOfImages(repositoryName: string, images: readonly ImageDetail[]): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const image of images) {
    const manifest = manifestOf(image);
    if (manifest?.kind === 'index') continue;
    if (manifest?.kind === 'manifest') for (const blob of manifest.blobs) out.push([blob.digest, blob.size]);
    else out.push([`image:${repositoryName}:${image.imageDigest}`, image.imageSizeInBytes ?? 0]);
  }
  return out;
}

/** The unique blobs of one registry: each blob's bytes once, however many repositories hold it. */
export class RegistryBlobs {
  private readonly sizes = new Map<string, number>();
  private total = 0;

  /** Adds blobs (see {@link blobsOfImages}); one already held is not counted again. */
  add(blobs: Iterable<readonly [string, number]>): void {
    for (const [key, size] of blobs) {
      if (this.sizes.has(key)) continue;
      this.sizes.set(key, size);
      this.total += size;
    }
  }

  /** The bytes of the blobs added, each once. */
  get bytes(): number {
    return this.total;
  }
}

/**
 * A registry's setting as the report gives it: the per-repository sum beside the registry-wide
 * unique bytes where blob mounting is on (left out when they could not be added up), and which of
 * them the bill should match: the registry-wide figure wherever blob mounting is on.
 *
 * @example blobMountingSettingOf({ accountId, region, reading: { status: 'ENABLED' }, perRepositoryBytes: 150, registryUniqueBytes: 120 })
 */
export function blobMountingSettingOf(input: {
  accountId: string;
  region: string;
  reading: BlobMountingReading;
  perRepositoryBytes: number;
  registryUniqueBytes?: number;
}): BlobMountingSetting {
  const shared = input.reading.status === 'ENABLED';
  return {
    accountId: input.accountId,
    region: input.region,
    status: input.reading.status,
    perRepositoryBytes: input.perRepositoryBytes,
    ...(shared && input.registryUniqueBytes !== undefined ? { registryUniqueBytes: input.registryUniqueBytes } : {}),
    billShouldMatch: shared ? 'registry-unique' : 'per-repository',
  };
}

/** The warning of a registry whose setting could not be read: never a failure of the run. */
export function blobMountingWarning(region: string, reason: string): ReportWarning {
  return {
    region,
    repositoryName: '',
    code: 'BlobMountingUnknown',
    message:
      `the registry's BLOB_MOUNTING setting could not be read (${reason}): its stored bytes are counted per repository, ` +
      'as without blob mounting; if it is on, the bill may be lower (allow ecr:GetAccountSetting to see)',
  };
}

// The weekly run audits a registry in many shards; the registry-wide unique bytes need every shard's
// blobs. Each shard writes its blobs in partitions by key, and Aggregate adds one partition of every
// shard up at a time, so no step holds the whole registry's blobs at once.

/** Partitions of the blobs a weekly shard writes. */
export const BLOB_PARTITIONS = 16;

/**
 * A blob key as the weekly run keeps it: 24 hexadecimal digits (96 bits) of the blob's digest (of
 * its key's sha256 for a size standing in for an unread manifest), and its partition (the first digit).
 */
export function compactBlobKey(key: string): { key: string; partition: number } {
  const hex = /^sha256:([0-9a-f]{64})$/.exec(key)?.[1] ?? createHash('sha256').update(key).digest('hex');
  return { key: hex.slice(0, 24), partition: Number.parseInt(hex[0] as string, 16) % BLOB_PARTITIONS };
}
