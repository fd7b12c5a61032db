import * as z from 'zod';
import type { ImageDetail, ParsedManifest } from './image';
import { manifestOf } from './image';
import { SHA256_DIGEST } from './image-reference';
import { safeJson } from './text';

/** The format of a cache file; a file of another format is ignored and rebuilt. */
export const MANIFEST_CACHE_FORMAT = 'ecr-janitor-manifest-cache/1';

/** What the cache keeps of one manifest: the parts the janitor reads, in short keys. */
const compactManifest = z.strictObject({
  /** kind: `i` index, `m` image manifest, `u` unknown */
  k: z.enum(['i', 'm', 'u']),
  /** children of an index */
  c: z.array(z.string().min(1)).optional(),
  /** blobs of an image: [digest, size] */
  b: z.array(z.tuple([z.string().min(1), z.number().int().nonnegative()])).optional(),
  /** the layers' bytes */
  l: z.number().int().nonnegative().optional(),
  /** the subject of a referrer */
  s: z.string().min(1).optional(),
});

const cacheFile = z.strictObject({
  format: z.literal(MANIFEST_CACHE_FORMAT),
  region: z.string(),
  repositoryName: z.string(),
  manifests: z.record(z.string().regex(SHA256_DIGEST), compactManifest),
});

type CompactManifest = z.infer<typeof compactManifest>;

/** The manifests of one repository's images, by image digest, as the cache knows them. */
export type ManifestIndex = ReadonlyMap<string, ParsedManifest>;

/** A cache file as read: what it holds, or why it was ignored. */
export interface LoadedManifestCache {
  manifests: ManifestIndex;
  /** Why the file was not used (missing files are not a reason): corrupt, another format, another repository. */
  ignored?: string;
}

function expand(compact: CompactManifest): ParsedManifest {
  const kind = compact.k === 'i' ? 'index' : compact.k === 'm' ? 'manifest' : 'unknown';
  return {
    kind,
    children: compact.c ?? [],
    blobs: (compact.b ?? []).map(([digest, size]) => ({ digest, size })),
    ...(compact.l === undefined ? {} : { layerBytes: compact.l }),
    ...(compact.s === undefined ? {} : { subject: compact.s }),
  };
}

function compact(manifest: ParsedManifest): CompactManifest {
  return {
    k: manifest.kind === 'index' ? 'i' : manifest.kind === 'manifest' ? 'm' : 'u',
    ...(manifest.children.length > 0 ? { c: manifest.children } : {}),
    ...(manifest.blobs.length > 0 ? { b: manifest.blobs.map((blob): [string, number] => [blob.digest, blob.size]) } : {}),
    ...(manifest.layerBytes === undefined ? {} : { l: manifest.layerBytes }),
    ...(manifest.subject === undefined ? {} : { s: manifest.subject }),
  };
}

/**
 * Reads a repository's cache file. Manifests never change for a digest, so what a valid file says
 * can be trusted; a file that is not valid JSON, of another format or for another repository is
 * ignored (and rebuilt by the caller), never half-used.
 *
 * @example const { manifests } = decodeManifestCache(await store.get(key), 'eu-west-1', 'team/app');
 */
export function decodeManifestCache(text: string | undefined, region: string, repositoryName: string): LoadedManifestCache {
  if (text === undefined) return { manifests: new Map() };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { manifests: new Map(), ignored: 'not valid JSON' };
  }
  const parsed = cacheFile.safeParse(doc);
  if (!parsed.success) {
    const format = (doc as { format?: unknown } | null)?.format;
    return {
      manifests: new Map(),
      ignored:
        format !== MANIFEST_CACHE_FORMAT ? `format ${JSON.stringify(format)}, not ${MANIFEST_CACHE_FORMAT}` : 'not a valid cache file',
    };
  }
  if (parsed.data.region !== region || parsed.data.repositoryName !== repositoryName) {
    return { manifests: new Map(), ignored: `written for ${parsed.data.region}/${parsed.data.repositoryName}` };
  }
  return { manifests: new Map(Object.entries(parsed.data.manifests).map(([digest, entry]) => [digest, expand(entry)])) };
}

/**
 * The cache a repository should have after a read: the manifest of every image now in it (from
 * the cache or just fetched), and nothing of the images that are gone. Undefined when that is
 * exactly what the cache held already, so an unchanged repository costs no write.
 */
export function nextManifestCache(previous: ManifestIndex, images: readonly ImageDetail[]): Map<string, ParsedManifest> | undefined {
  const next = new Map<string, ParsedManifest>();
  for (const image of images) {
    if (!SHA256_DIGEST.test(image.imageDigest)) continue;
    const manifest = manifestOf(image);
    if (manifest !== undefined) next.set(image.imageDigest, manifest);
  }
  if (next.size === previous.size && [...next.keys()].every((digest) => previous.has(digest))) return undefined;
  return next;
}

/** The text of a repository's cache file. */
export function encodeManifestCache(region: string, repositoryName: string, manifests: ManifestIndex): string {
  const entries: Record<string, CompactManifest> = {};
  for (const [digest, manifest] of [...manifests].sort(([a], [b]) => a.localeCompare(b))) entries[digest] = compact(manifest);
  return safeJson({ format: MANIFEST_CACHE_FORMAT, region, repositoryName, manifests: entries });
}
