import type { ImageDetail, ParsedManifest } from './image';
import { manifestOf } from './image';
import type { LedgerAction } from './ledger';
import { monthlyUsd } from './money';

/** Bytes and images one kind of removal freed. */
export interface FreedFigures {
  images: number;
  freedBytes: number;
  monthlySavingsUsd: number;
}

/**
 * What lifecycle policies really did over a period, as the ledger recorded it: the images removed and
 * the bytes that stopped being stored, the part the janitor's default rule freed, and what moved to
 * the archive class.
 */
export interface RealizedSavings extends FreedFigures {
  /**
   * What the janitor's default rule freed: the freed blobs that an image it removed used, i.e. what
   * would still be stored had only the teams' rules run.
   */
  byDefaultRule: FreedFigures;
  archivedImages: number;
  /** Blobs that left standard storage: used by an archived image and by no image that stays active. */
  archivedBytes: number;
  /** Removed or archived images whose manifest the janitor never read (pushed and gone between two runs): their bytes are not counted. */
  unmeasuredImages: number;
}

/** Nothing realized. */
export function noRealizedSavings(): RealizedSavings {
  return {
    images: 0,
    freedBytes: 0,
    monthlySavingsUsd: 0,
    byDefaultRule: { images: 0, freedBytes: 0, monthlySavingsUsd: 0 },
    archivedImages: 0,
    archivedBytes: 0,
    unmeasuredImages: 0,
  };
}

/** What {@link realizedOf} measures one repository with. */
export interface RealizedInput {
  /** The repository's actions over the period, each image and kind once (see `distinctActions`). */
  actions: readonly LedgerAction[];
  /** The manifests known before the period (the manifest cache, or the earlier snapshot), by image digest. */
  before: ReadonlyMap<string, ParsedManifest>;
  /** The images the repository holds at the end of the period (any status), with their manifests where read. */
  after: readonly ImageDetail[];
}

/** The blobs an image stores: its config and layers (an index stores none of its own: its children do). */
function blobsOf(manifest: ParsedManifest | undefined): ReadonlyArray<{ digest: string; size: number }> | undefined {
  if (manifest === undefined || manifest.kind === 'unknown') return undefined;
  return manifest.blobs;
}

/**
 * What one repository's lifecycle actions freed, de-duplicated as ECR stores blobs (once per
 * repository): freed bytes are the blobs some removed image used and no image the repository still
 * holds uses; the default rule's share is the freed blobs an image it removed used; archived bytes
 * are the blobs some archived image used and no image still active uses (nor freed). An image
 * removed and pushed again is held, so frees nothing. Manifests come from before the period, else
 * from the image still held; an image known by neither is counted in `unmeasuredImages`.
 *
 * @example realizedOf({ actions, before: cache.manifests, after: state.images }, 0.1).freedBytes
 */
export function realizedOf(input: RealizedInput, pricePerGbMonth: number): RealizedSavings {
  const afterByDigest = new Map(input.after.map((image) => [image.imageDigest, image]));
  const manifest = (digest: string): ParsedManifest | undefined => {
    const held = afterByDigest.get(digest);
    return input.before.get(digest) ?? (held === undefined ? undefined : manifestOf(held));
  };
  const expired = input.actions.filter((a) => a.action === 'expire');
  const expiredDigests = new Set(expired.map((a) => a.imageDigest));
  const archived = input.actions.filter((a) => a.action === 'transition' && !expiredDigests.has(a.imageDigest));
  const archivedDigests = new Set(archived.map((a) => a.imageDigest));

  // Blobs still stored, and those still in standard storage.
  const held = new Set<string>();
  const active = new Set<string>();
  for (const image of input.after) {
    const blobs = blobsOf(manifestOf(image) ?? input.before.get(image.imageDigest)) ?? [{ digest: `image:${image.imageDigest}`, size: 0 }];
    const isActive = image.imageStatus !== 'ARCHIVED' && !archivedDigests.has(image.imageDigest);
    for (const blob of blobs) {
      held.add(blob.digest);
      if (isActive) active.add(blob.digest);
    }
  }

  let unmeasuredImages = 0;
  const freed = new Map<string, { size: number; byDefault: boolean }>();
  for (const action of expired) {
    const blobs = blobsOf(manifest(action.imageDigest));
    if (blobs === undefined) {
      unmeasuredImages++;
      continue;
    }
    for (const blob of blobs) {
      if (held.has(blob.digest)) continue;
      const entry = freed.get(blob.digest) ?? { size: blob.size, byDefault: false };
      entry.byDefault ||= action.defaultRule;
      freed.set(blob.digest, entry);
    }
  }
  let freedBytes = 0;
  let byDefaultBytes = 0;
  for (const blob of freed.values()) {
    freedBytes += blob.size;
    if (blob.byDefault) byDefaultBytes += blob.size;
  }

  const moved = new Map<string, number>();
  for (const action of archived) {
    const blobs = blobsOf(manifest(action.imageDigest));
    if (blobs === undefined) {
      unmeasuredImages++;
      continue;
    }
    for (const blob of blobs) if (!active.has(blob.digest) && !freed.has(blob.digest)) moved.set(blob.digest, blob.size);
  }
  let archivedBytes = 0;
  for (const size of moved.values()) archivedBytes += size;

  const defaultImages = expired.filter((a) => a.defaultRule).length;
  return {
    images: expired.length,
    freedBytes,
    monthlySavingsUsd: monthlyUsd(freedBytes, pricePerGbMonth),
    byDefaultRule: { images: defaultImages, freedBytes: byDefaultBytes, monthlySavingsUsd: monthlyUsd(byDefaultBytes, pricePerGbMonth) },
    archivedImages: archived.length,
    archivedBytes,
    unmeasuredImages,
  };
}

/**
 * Adds realized figures up (repositories into a cost group or the totals); amounts are priced again
 * from the summed bytes, as every total of the report is.
 *
 * @example sumRealized(report.repositories.map((r) => r.realized), 0.1)
 */
export function sumRealized(parts: Iterable<RealizedSavings | undefined>, pricePerGbMonth: number): RealizedSavings {
  const total = noRealizedSavings();
  for (const part of parts) {
    if (part === undefined) continue;
    total.images += part.images;
    total.freedBytes += part.freedBytes;
    total.byDefaultRule.images += part.byDefaultRule.images;
    total.byDefaultRule.freedBytes += part.byDefaultRule.freedBytes;
    total.archivedImages += part.archivedImages;
    total.archivedBytes += part.archivedBytes;
    total.unmeasuredImages += part.unmeasuredImages;
  }
  total.monthlySavingsUsd = monthlyUsd(total.freedBytes, pricePerGbMonth);
  total.byDefaultRule.monthlySavingsUsd = monthlyUsd(total.byDefaultRule.freedBytes, pricePerGbMonth);
  return total;
}

/** What a week's report says lifecycle policies freed. */
export interface WeekRealized {
  images: number;
  freedBytes: number;
  monthlySavingsUsd: number;
  byDefaultRule: { images: number; freedBytes: number; monthlySavingsUsd: number };
  archivedBytes: number;
}

/** Realized savings added up over the history: what the janitor's weeks have freed since the first of them. */
export interface CumulativeRealized extends WeekRealized {
  /** The first week (Monday, `YYYY-MM-DD`) that recorded realized savings. */
  since: string;
  /** Weeks that recorded them. */
  weeks: number;
}
