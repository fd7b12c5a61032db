import type { ImageDetail, ParsedManifest } from './image';
import { isTagged, manifestOf } from './image';

/** What an image is to the janitor. */
export type ImageKind = 'tagged' | 'orphan' | 'index-child' | 'referrer';

/** One image of a repository with what its manifest and the other images say about it. */
export interface GraphNode {
  image: ImageDetail;
  kind: ImageKind;
  archived: boolean;
  manifest: ParsedManifest | undefined;
  /** Digests of the indexes in the repository that list this image as a child. */
  parents: string[];
  /** The digest of the image this one refers to (OCI referrers only). */
  subject: string | undefined;
}

/**
 * The images of one repository as a graph: indexes to their children, referrers to their
 * subjects, and every image to the blobs it stores. Images whose manifest is unknown count their
 * `imageSizeInBytes` as one blob of their own, so sizes are never silently dropped; they are
 * listed in `sizeFallbacks` so that the fallback is never silent either.
 */
export interface ImageGraph {
  nodes: Map<string, GraphNode>;
  /** For each blob digest: its size and the image digests whose manifests reference it. */
  blobs: Map<string, { size: number; users: string[] }>;
  /**
   * Digests of the images whose manifest is missing or not readable (neither an image manifest nor
   * an index): their stored bytes are their `imageSizeInBytes`, their shared layers and index
   * children cannot be recognised.
   */
  sizeFallbacks: string[];
  /** Child digests that an index in the repository lists but the repository does not hold, by index digest. */
  missingChildren: Map<string, string[]>;
}

/**
 * Builds the graph of one repository's images. An image is a `referrer` when it has a subject,
 * else `tagged` when it has tags, else an `index-child` when an index in the repository lists it,
 * else an untagged `orphan`.
 *
 * @example const graph = buildImageGraph(state.images);
 */
export function buildImageGraph(images: readonly ImageDetail[]): ImageGraph {
  const nodes = new Map<string, GraphNode>();
  for (const image of images) {
    const manifest = manifestOf(image);
    const subject = image.subjectManifestDigest ?? manifest?.subject;
    nodes.set(image.imageDigest, { image, kind: 'orphan', archived: image.imageStatus === 'ARCHIVED', manifest, parents: [], subject });
  }
  const missingChildren = new Map<string, string[]>();
  for (const node of nodes.values()) {
    if (node.manifest?.kind !== 'index') continue;
    for (const child of node.manifest.children) {
      const childNode = nodes.get(child);
      if (childNode) childNode.parents.push(node.image.imageDigest);
      else missingChildren.set(node.image.imageDigest, [...(missingChildren.get(node.image.imageDigest) ?? []), child]);
    }
  }
  const sizeFallbacks: string[] = [];
  const blobs = new Map<string, { size: number; users: string[] }>();
  const use = (digest: string, size: number, user: string): void => {
    const blob = blobs.get(digest);
    if (!blob) blobs.set(digest, { size, users: [user] });
    else if (blob.users[blob.users.length - 1] !== user) blob.users.push(user);
  };
  for (const node of nodes.values()) {
    const digest = node.image.imageDigest;
    if (node.subject !== undefined) node.kind = 'referrer';
    else if (isTagged(node.image)) node.kind = 'tagged';
    else if (node.parents.length > 0) node.kind = 'index-child';
    if (node.manifest?.kind === 'manifest') {
      for (const blob of node.manifest.blobs) use(blob.digest, blob.size, digest);
    } else if (node.manifest?.kind !== 'index') {
      // Unknown manifest: its reported size stands in for its blobs.
      use(`image:${digest}`, node.image.imageSizeInBytes ?? 0, digest);
      sizeFallbacks.push(digest);
    }
  }
  return { nodes, blobs, sizeFallbacks, missingChildren };
}

/** Sum of the unique blob sizes: what ECR stores and bills for the repository. */
export function storedBytesOf(graph: ImageGraph): number {
  let total = 0;
  for (const blob of graph.blobs.values()) total += blob.size;
  return total;
}

/** Sum of `imageSizeInBytes` over the images: what tools that ignore sharing report. */
export function naiveBytesOf(images: readonly ImageDetail[]): number {
  let total = 0;
  for (const image of images) total += image.imageSizeInBytes ?? 0;
  return total;
}

/**
 * Closes a set of removed images over what ECR removes with them: untagged images whose parent
 * indexes are all removed (they become orphans the policy then expires), and referrers whose
 * subject is removed or not in the repository at all (ECR deletes them within a day of their
 * subject's removal, ECR-FACTS §1.4). Repeats until nothing changes.
 */
export function closeDoomed(graph: ImageGraph, expired: Iterable<string>): Set<string> {
  const doomed = new Set(expired);
  let changed = true;
  while (changed) {
    changed = false;
    for (const [digest, node] of graph.nodes) {
      if (doomed.has(digest)) continue;
      const childOfDoomed = node.kind === 'index-child' && node.parents.every((p) => doomed.has(p));
      const referrerOfDoomed = node.subject !== undefined && (doomed.has(node.subject) || !graph.nodes.has(node.subject));
      if (childOfDoomed || referrerOfDoomed) {
        doomed.add(digest);
        changed = true;
      }
    }
  }
  return doomed;
}

/** Bytes of the blobs that only doomed images reference: what removing them frees. */
export function reclaimableBytesOf(graph: ImageGraph, doomed: ReadonlySet<string>): number {
  let total = 0;
  for (const blob of graph.blobs.values()) {
    if (blob.users.every((u) => doomed.has(u))) total += blob.size;
  }
  return total;
}
