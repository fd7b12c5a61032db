import { InvalidInputError } from './errors';
import type { InUseEntry } from './in-use';
import { SHA256_DIGEST, ecrRegistryOf, parseImageReference } from './image-reference';

// What workloads and lists say is in use, read into in-use entries: a workload's image reference (by
// tag or by digest, in an ECR registry) and a list of images pinned by digest.

/**
 * What a workload reports about one of its containers: the image as configured and, when the
 * platform resolved it, the digest it runs.
 */
export interface WorkloadImage {
  /** As the workload names it: `ACCOUNT.dkr.ecr.REGION.amazonaws.com/repo[:tag][@sha256:…]`. */
  image: string;
  /** The digest the platform resolved (ECS `imageDigest`); preferred over a digest in `image`. */
  imageDigest?: string;
  consumer: string;
}

/** The tag a reference without tag or digest pulls. */
const DEFAULT_TAG = 'latest';

/**
 * The in-use entry of a workload's image, or undefined when it is not in an ECR registry (an image
 * from another registry, or text that is no reference). A digest (the one the platform resolved, else
 * one in the reference) makes a digest entry; a reference by tag only (`latest` when it names none)
 * makes a tag entry, resolved against the repository's tags when it is judged. Whether a registry is
 * the audited one is decided when a repository asks.
 *
 * @example inUseEntryOf({ image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1', imageDigest: 'sha256:…', consumer: 'ecs:task/prod/abc' })
 */
export function inUseEntryOf(workload: WorkloadImage): InUseEntry | undefined {
  const reference = parseImageReference(workload.image);
  if (reference === undefined) return undefined;
  const registry = ecrRegistryOf(reference.registry);
  if (registry === undefined) return undefined;
  const place = { ...registry, repositoryName: reference.repository, consumer: workload.consumer };
  const digest = workload.imageDigest !== undefined && SHA256_DIGEST.test(workload.imageDigest) ? workload.imageDigest : reference.digest;
  if (digest !== undefined) return { ...place, imageDigest: digest };
  return { ...place, tag: reference.tag ?? DEFAULT_TAG };
}

/** What {@link parseInUseList} found in a list. */
export interface InUseList {
  entries: InUseEntry[];
  /** References into registries other than ECR (Docker Hub, a mirror): not the janitor's business. */
  ignored: number;
}

/** The most entries a list may hold: a cluster with a million pods stays well under it. */
const LIST_ENTRY_LIMIT = 1_000_000;

/**
 * Reads a list of images in use: one reference a line (several on a line, separated by spaces, as
 * `kubectl get pods -A -o jsonpath='{..imageID}'` prints them; `#` starts a comment; blank lines are
 * ignored), or a JSON array of strings. Each is `[registry/]repository@sha256:<64 hex>`, with or
 * without a `docker-pullable://` prefix, or a bare `sha256:<64 hex>` that matches the digest in every
 * repository. References into other registries than ECR are counted in `ignored`.
 *
 * @param source where the list comes from, for messages and consumers (`list:SOURCE`)
 * @throws InvalidInputError naming the line (or array entry) that is not such a reference
 * @example parseInUseList('web@sha256:…\n# EKS prod\n', 'in-use.txt').entries[0]?.consumer === 'list:in-use.txt'
 */
export function parseInUseList(text: string, source: string): InUseList {
  const consumer = `list:${source}`;
  const tokens: Array<{ where: string; value: string }> = [];
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('[')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch (error) {
      throw new InvalidInputError(`in-use list ${source} starts like a JSON array but is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(doc)) throw new InvalidInputError(`in-use list ${source} must be a JSON array of strings`);
    doc.forEach((value, i) => {
      if (typeof value !== 'string') {
        throw new InvalidInputError(`in-use list ${source}: entry ${i + 1} is not a string; write each image as "repository@sha256:…"`);
      }
      tokens.push({ where: `entry ${i + 1}`, value });
    });
  } else {
    text.split(/\r?\n/).forEach((line, i) => {
      for (const value of line.trim().split(/\s+/)) {
        if (value === '') continue;
        if (value.startsWith('#')) break;
        tokens.push({ where: `line ${i + 1}`, value });
      }
    });
  }
  if (tokens.length > LIST_ENTRY_LIMIT) {
    throw new InvalidInputError(
      `in-use list ${source} holds ${tokens.length} references, more than the ${LIST_ENTRY_LIMIT} the janitor reads`,
    );
  }
  const entries: InUseEntry[] = [];
  let ignored = 0;
  for (const { where, value } of tokens) {
    const bare = value.replace(/^docker-pullable:\/\//, '');
    if (SHA256_DIGEST.test(bare)) {
      entries.push({ imageDigest: bare, consumer });
      continue;
    }
    const reference = parseImageReference(value);
    if (reference?.digest === undefined) {
      const shown = value.length > 120 ? `${value.slice(0, 119)}…` : value;
      throw new InvalidInputError(
        `in-use list ${source}, ${where}: "${shown}" is not an image pinned by digest; write [registry/]repository@sha256:<64 hex> or sha256:<64 hex>`,
      );
    }
    if (reference.registry === undefined) {
      entries.push({ repositoryName: reference.repository, imageDigest: reference.digest, consumer });
      continue;
    }
    const registry = ecrRegistryOf(reference.registry);
    if (registry === undefined) {
      ignored++;
      continue;
    }
    entries.push({ ...registry, repositoryName: reference.repository, imageDigest: reference.digest, consumer });
  }
  return { entries, ignored };
}
