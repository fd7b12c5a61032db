// The simulated registry behind the in-process ECR (see ecr-simulator.ts): repositories, images with
// real manifest texts, indexes, referrers, lifecycle policies and tags. A generated registry makes
// each repository when a call asks for it, as a pure function of (seed, region, repository index),
// and keeps only a bounded cache of recent repositories, so 100,000 repositories of 50 images each
// cost no more memory than 2,000. What the registry must remember — policies written by
// PutLifecyclePolicy, the images pushed in a later week — is kept as small overlays.
import { hash } from 'node:crypto';
import { MEDIA_TYPES as MEDIA } from '../emulator/media-types';
import { hex, rng } from '../lib/random';

/** A resource tag, as ECR returns it. */
export interface SimulatedTag {
  Key: string;
  Value: string;
}

/** One stored image (manifest, index or referrer). */
export interface SimulatedImage {
  digest: string;
  tags: string[];
  /** Epoch milliseconds. */
  pushedAt: number;
  sizeInBytes: number;
  mediaType: string;
  /** The exact manifest text; `digest` is its sha256. */
  manifest: string;
  artifactMediaType?: string;
  subject?: string;
  status: 'ACTIVE' | 'ARCHIVED';
  /** Epoch milliseconds. */
  lastArchivedAt?: number;
  /** Epoch milliseconds. */
  lastPulledAt?: number;
}

/** One repository with everything ECR would answer about it. */
export interface SimulatedRepository {
  name: string;
  arn: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** The lifecycle policy text; absent means `LifecyclePolicyNotFoundException`. */
  policy?: string;
  tags: SimulatedTag[];
  images: SimulatedImage[];
}

/** A whole registry (one account in one region). */
export interface SimulatedRegistry {
  accountId: string;
  region: string;
  repositories: SimulatedRepository[];
}

/** How to generate a registry. */
export interface RegistrySpec {
  repositories: number;
  /** Total images over all repositories (index children and referrers included). */
  images: number;
  /** @default 1 */
  seed?: number;
  /** @default '123456789012' */
  accountId?: string;
  /** @default 'eu-west-1' */
  region?: string;
  /** Push times are spread over the 400 days before this, epoch ms. @default 2026-11-01 */
  now?: number;
}

/** What ECR answers about a repository besides its images: cheap to make, no image is generated. */
export type SimulatedRepositoryInfo = Omit<SimulatedRepository, 'images'>;

/**
 * A registry the simulator serves from, repository by repository, in listing order: either a
 * {@link SimulatedRegistry} held whole (tests) or a {@link GeneratedRegistry} made on demand.
 */
export interface RegistrySource {
  readonly accountId: string;
  readonly region: string;
  /** How many repositories it holds. */
  readonly size: number;
  /** The repository at `index` (0 ≤ index < size) without its images, its policy as last written. */
  repositoryAt(index: number): SimulatedRepositoryInfo;
  /** The repository's images, in push order of the generator. */
  imagesAt(index: number): readonly SimulatedImage[];
  /** How many images the repository holds, without making them. */
  imageCountAt(index: number): number;
  /** The repository's image with that digest, or undefined. */
  imageByDigest(index: number, digest: string): SimulatedImage | undefined;
  /** The index of the repository of that name, or undefined when there is none. */
  indexOf(name: string): number | undefined;
  /** The index of the repository of that ARN, or undefined when there is none. */
  indexOfArn(arn: string): number | undefined;
  /** Stores the repository's lifecycle policy (PutLifecyclePolicy). */
  setPolicy(index: number, text: string): void;
}

function sha256(text: string): string {
  return `sha256:${hash('sha256', text)}`;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

const DAY = 86_400_000;

interface Blob {
  digest: string;
  size: number;
}

/**
 * Splits `total` images over `count` repositories with a skewed, deterministic distribution: about
 * 5% empty, one in 250 (at least one when there are 4 or more) big repositories sharing 40% of the
 * images — thousands each at full scale, so DescribeImages pages beyond 1000 — and a long tail with
 * heavy-tailed sizes for the rest. Where the sizes allow, one repository holds exactly 1000 images
 * and one exactly 100, the page and batch boundaries.
 */
export function imageCounts(count: number, total: number, random: () => number): number[] {
  if (count === 0) return [];
  const roles: Array<'big' | 'empty' | 'tail'> = [];
  const big = count >= 4 ? Math.max(1, Math.round(count / 250)) : 0;
  const empty = Math.round(count * 0.05);
  for (let i = 0; i < count; i++) roles.push(i < big ? 'big' : i < big + empty ? 'empty' : 'tail');
  // Fisher–Yates with the seeded PRNG: big and empty repositories are scattered through the listing.
  for (let i = roles.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [roles[i], roles[j]] = [roles[j] ?? 'tail', roles[i] ?? 'tail'];
  }
  const bigShare = big > 0 && roles.some((r) => r === 'tail') ? 0.4 : big > 0 ? 1 : 0;
  const weights = roles.map((role) => {
    if (role === 'empty') return 0;
    if (role === 'big') return 1 + 3 * random();
    return Math.min(50, (1 - random()) ** -1.2); // Pareto-like, capped so the tail stays a tail
  });
  const bigWeight = weights.reduce((s, w, i) => (roles[i] === 'big' ? s + w : s), 0);
  const tailWeight = weights.reduce((s, w, i) => (roles[i] === 'tail' ? s + w : s), 0);
  const exact = weights.map((w, i) => {
    if (w === 0) return 0;
    return roles[i] === 'big' ? (total * bigShare * w) / bigWeight : (total * (1 - bigShare) * w) / tailWeight;
  });
  // Largest remainder, so the counts add up to exactly `total`.
  const counts = exact.map(Math.floor);
  let missing = total - counts.reduce((s, n) => s + n, 0);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; missing > 0 && byRemainder.length > 0; k = (k + 1) % byRemainder.length, missing--) {
    const entry = byRemainder[k];
    if (entry !== undefined) counts[entry.i] = (counts[entry.i] ?? 0) + 1;
  }
  // The boundaries: move images from the largest repository so one holds 1000 and one 100 exactly.
  const largest = (): number => counts.reduce((best, n, i) => (n > (counts[best] ?? 0) ? i : best), 0);
  const setExactly = (index: number, target: number): void => {
    const donor = largest();
    const current = counts[index] ?? 0;
    const donorCount = counts[donor] ?? 0;
    if (index === donor || donorCount - (target - current) < target) return;
    counts[donor] = donorCount - (target - current);
    counts[index] = target;
  };
  const bigs = roles.flatMap((r, i) => (r === 'big' ? [i] : []));
  const tails = roles.flatMap((r, i) => (r === 'tail' ? [i] : []));
  const secondBig = [...bigs].sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0))[1];
  if (secondBig !== undefined) setExactly(secondBig, 1000);
  const firstTail = tails[0];
  if (firstTail !== undefined && total >= 10_000) setExactly(firstTail, 100);
  return counts;
}

const POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: 'untagged images go after two weeks',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
    {
      rulePriority: 2,
      description: 'keep the newest 50 images',
      selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 50 },
      action: { type: 'expire' },
    },
  ],
});

/** How {@link generateImages} dates and tags what it makes. */
interface ImageBatchOptions {
  /** Push times are spread over this many days before `now`. @default 400 */
  spanDays?: number;
  /** Put before every tag, so images pushed later never reuse an earlier tag. @default '' */
  tagPrefix?: string;
}

/** Builds one repository's images: plain manifests (some untagged, some archived), indexes with two children, signatures. */
function generateImages(count: number, random: () => number, now: number, options: ImageBatchOptions = {}): SimulatedImage[] {
  const span = (options.spanDays ?? 400) * DAY;
  const prefix = options.tagPrefix ?? '';
  const images: SimulatedImage[] = [];
  const docker = random() < 0.3;
  const base: Blob[] = [];
  for (let i = 0, n = 2 + Math.floor(random() * 4); i < n; i++)
    base.push({ digest: `sha256:${hex(random, 64)}`, size: 2_000_000 + Math.floor(random() * 60_000_000) });
  let tagSerial = 0;
  const pushedAt = (): number => now - Math.floor(random() * span);
  const nextTag = (): string => {
    tagSerial++;
    const kind = random();
    if (kind < 0.3) return `${prefix}v1.${Math.floor(tagSerial / 100)}.${tagSerial % 100}`;
    if (kind < 0.6) return `${prefix}main-${hex(random, 7)}-${tagSerial}`;
    return `${prefix}pr-${tagSerial}`;
  };
  const manifest = (pushed: number, platform?: string): SimulatedImage => {
    const config: Blob = { digest: `sha256:${hex(random, 64)}`, size: 1_000 + Math.floor(random() * 20_000) };
    const own: Blob = { digest: `sha256:${hex(random, 64)}`, size: 10_000 + Math.floor(random() * 80_000_000) };
    const layers = [...base.slice(0, 1 + Math.floor(random() * base.length)), own];
    const mediaType = docker ? MEDIA.dockerManifest : MEDIA.ociManifest;
    const layerType = docker ? MEDIA.dockerLayer : MEDIA.ociLayer;
    // The text JSON.stringify would give (every value is a plain string or number), built directly:
    // a million of them are made per run of the scale benchmark.
    const layerTexts = layers.map((l) => `{"mediaType":"${layerType}","digest":"${l.digest}","size":${l.size}}`).join(',');
    const text =
      `{"schemaVersion":2,"mediaType":"${mediaType}",` +
      `"config":{"mediaType":"${docker ? MEDIA.dockerConfig : MEDIA.ociConfig}","digest":"${config.digest}","size":${config.size}},` +
      `"layers":[${layerTexts}]` +
      `${platform === undefined ? '' : `,"annotations":{"org.opencontainers.image.ref.name":"${platform}"}`}}`;
    const image: SimulatedImage = {
      digest: sha256(text),
      tags: [],
      pushedAt: pushed,
      sizeInBytes: config.size + layers.reduce((s, l) => s + l.size, 0),
      mediaType,
      manifest: text,
      status: 'ACTIVE',
    };
    image.artifactMediaType = docker ? MEDIA.dockerConfig : MEDIA.ociConfig;
    if (random() < 0.5) image.lastPulledAt = pushed + Math.floor(random() * (now - pushed));
    return image;
  };
  while (images.length < count) {
    const remaining = count - images.length;
    const kind = random();
    if (kind < 0.02 && remaining >= 3) {
      // A multi-platform index: two untagged children and the tagged index that references them.
      const pushed = pushedAt();
      const children = [manifest(pushed, 'linux/amd64'), manifest(pushed, 'linux/arm64')];
      const text = JSON.stringify({
        schemaVersion: 2,
        mediaType: docker ? MEDIA.dockerManifestList : MEDIA.ociIndex,
        manifests: children.map((c, i) => ({
          mediaType: c.mediaType,
          digest: c.digest,
          size: c.manifest.length,
          platform: { os: 'linux', architecture: i === 0 ? 'amd64' : 'arm64' },
        })),
      });
      images.push(...children, {
        digest: sha256(text),
        tags: [nextTag()],
        pushedAt: pushed,
        sizeInBytes: Math.max(...children.map((c) => c.sizeInBytes)),
        mediaType: docker ? MEDIA.dockerManifestList : MEDIA.ociIndex,
        manifest: text,
        status: 'ACTIVE',
      });
    } else if (kind < 0.03 && images.length > 0) {
      // A cosign-style signature: an OCI referrer of an earlier image.
      const subject = pick(random, images);
      const layer: Blob = { digest: `sha256:${hex(random, 64)}`, size: 300 + Math.floor(random() * 500) };
      const text = JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.ociManifest,
        artifactType: MEDIA.cosignSignature,
        config: { mediaType: MEDIA.ociEmpty, digest: sha256('{}'), size: 2 },
        layers: [{ mediaType: MEDIA.cosignSimpleSigning, digest: layer.digest, size: layer.size }],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.manifest.length },
      });
      images.push({
        digest: sha256(text),
        tags: [],
        pushedAt: subject.pushedAt + 60_000,
        sizeInBytes: layer.size + 2,
        mediaType: MEDIA.ociManifest,
        manifest: text,
        artifactMediaType: MEDIA.cosignSignature,
        subject: subject.digest,
        status: 'ACTIVE',
      });
    } else {
      const image = manifest(pushedAt());
      if (random() < 0.65) image.tags = random() < 0.1 ? [nextTag(), nextTag()] : [nextTag()];
      if (random() < 0.03) {
        image.status = 'ARCHIVED';
        image.lastArchivedAt = image.pushedAt + Math.floor(random() * (now - image.pushedAt));
      }
      images.push(image);
    }
  }
  return images;
}

/** The default share of the repositories that get new images in each week after the first. */
export const DEFAULT_NEW_IMAGE_SHARE = 0.02;
/** The default bound of a generated registry's cache of repositories, in images. */
export const DEFAULT_CACHE_IMAGES = 50_000;
/** The new images of the first repository pushed to in a week: more than one BatchGetImage batch. */
const FIRST_PUSH_IMAGES = 150;
const WEEK = 7 * DAY;
const TEAMS = ['payments', 'search', 'platform', 'data', 'web', 'mobile', 'ml', 'infra'];
const OPT_OUT_TAG = { Key: 'ecr-janitor:opt-out', Value: 'true' };

/** A 32-bit seed for one random stream, FNV-1a of its parts: each repository draws from its own streams. */
function streamSeed(...parts: ReadonlyArray<string | number>): number {
  const text = parts.join('/');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A {@link SimulatedRegistry} held whole, served as a {@link RegistrySource}; a written policy replaces the repository's. */
export class ListedRegistry implements RegistrySource {
  readonly accountId: string;
  readonly region: string;
  private readonly byName = new Map<string, number>();
  private readonly byArn = new Map<string, number>();
  private readonly byDigest = new Map<number, Map<string, SimulatedImage>>();

  constructor(private readonly registry: SimulatedRegistry) {
    this.accountId = registry.accountId;
    this.region = registry.region;
    registry.repositories.forEach((r, i) => {
      this.byName.set(r.name, i);
      this.byArn.set(r.arn, i);
    });
  }

  get size(): number {
    return this.registry.repositories.length;
  }

  repositoryAt(index: number): SimulatedRepositoryInfo {
    return this.at(index);
  }

  imagesAt(index: number): readonly SimulatedImage[] {
    return this.at(index).images;
  }

  imageCountAt(index: number): number {
    return this.at(index).images.length;
  }

  imageByDigest(index: number, digest: string): SimulatedImage | undefined {
    let images = this.byDigest.get(index);
    if (images === undefined) {
      images = new Map(this.at(index).images.map((i) => [i.digest, i]));
      this.byDigest.set(index, images);
    }
    return images.get(digest);
  }

  indexOf(name: string): number | undefined {
    return this.byName.get(name);
  }

  indexOfArn(arn: string): number | undefined {
    return this.byArn.get(arn);
  }

  setPolicy(index: number, text: string): void {
    this.at(index).policy = text;
  }

  private at(index: number): SimulatedRepository {
    const repository = this.registry.repositories[index];
    if (repository === undefined) throw new RangeError(`the registry has no repository at index ${index}`);
    return repository;
  }
}

/** The registry held whole is served as it is; a source is served as it is. */
export function registrySourceOf(registry: SimulatedRegistry | RegistrySource): RegistrySource {
  return 'repositories' in registry ? new ListedRegistry(registry) : registry;
}

/** How to generate a registry on demand. */
export interface GeneratedRegistrySpec extends RegistrySpec {
  /** Share of the repositories that get new images in each week after the first. @default 0.02 */
  newImageShare?: number;
  /** The most images the cache of generated repositories holds; the last repository asked for is always kept. @default 50,000 */
  cacheImages?: number;
}

/** What a generated registry holds in memory and has made, for tests and benchmarks. */
export interface GenerationStats {
  /** Times a repository's images were generated (cache misses). */
  generated: number;
  /** Repositories and images in the cache now. */
  cachedRepositories: number;
  cachedImages: number;
  /** Entries of the overlays: policies written, and repositories pushed to in later weeks. */
  policiesWritten: number;
  pushedRepositories: number;
}

interface CachedRepository {
  images: SimulatedImage[];
  byDigest?: Map<string, SimulatedImage>;
}

/** The repositories generated last, least recently used first out, bounded by their images. */
class RepositoryCache {
  private readonly entries = new Map<number, CachedRepository>();
  private held = 0;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.entries.size;
  }

  get images(): number {
    return this.held;
  }

  get(index: number): CachedRepository | undefined {
    const entry = this.entries.get(index);
    if (entry !== undefined) {
      // Map keeps insertion order: moving the entry to the end makes the first one the least recently used.
      this.entries.delete(index);
      this.entries.set(index, entry);
    }
    return entry;
  }

  set(index: number, entry: CachedRepository): void {
    this.delete(index);
    this.entries.set(index, entry);
    this.held += entry.images.length;
    for (const [oldest, old] of this.entries) {
      if (this.held <= this.limit || this.entries.size <= 1) break;
      this.entries.delete(oldest);
      this.held -= old.images.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.held = 0;
  }

  delete(index: number): void {
    const entry = this.entries.get(index);
    if (entry === undefined) return;
    this.entries.delete(index);
    this.held -= entry.images.length;
  }
}

/**
 * A registry generated on demand: repository `i` is a pure function of (seed, region, i) — its
 * name, tags, policy and images come from random streams seeded by those alone — made when a call
 * asks for it and kept in a small cache bounded by images. Only the split of the images over the
 * repositories ({@link imageCounts}, a number per repository) is computed up front. Policies written
 * and the images pushed in later weeks ({@link advanceWeek}) are overlays over the generated state.
 *
 * @example
 * const registry = new GeneratedRegistry({ repositories: 100_000, images: 5_000_000, seed: 42 });
 * const simulator = new EcrSimulator({ registry, limits });
 */
export class GeneratedRegistry implements RegistrySource {
  readonly accountId: string;
  readonly region: string;
  readonly size: number;
  private readonly seed: number;
  private readonly start: number;
  private readonly share: number;
  private readonly counts: Uint32Array;
  /** From the second week on, one entry per week: the repositories pushed to that week, with how many images. */
  private readonly pushes: Array<ReadonlyMap<number, number>> = [];
  private readonly policies = new Map<number, string>();
  private readonly cache: RepositoryCache;
  private generated = 0;

  /** @throws RangeError naming the setting when a count, share or bound is out of range */
  constructor(spec: GeneratedRegistrySpec) {
    for (const [name, value] of [
      ['repositories', spec.repositories],
      ['images', spec.images],
    ] as const) {
      if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0 (got ${String(value)})`);
    }
    const share = spec.newImageShare ?? DEFAULT_NEW_IMAGE_SHARE;
    if (!(share >= 0 && share <= 1)) throw new RangeError(`newImageShare must be from 0 to 1 (got ${String(share)})`);
    const cacheImages = spec.cacheImages ?? DEFAULT_CACHE_IMAGES;
    if (!Number.isInteger(cacheImages) || cacheImages < 1)
      throw new RangeError(`cacheImages must be a whole number ≥ 1 (got ${String(cacheImages)})`);
    this.seed = spec.seed ?? 1;
    this.accountId = spec.accountId ?? '123456789012';
    this.region = spec.region ?? 'eu-west-1';
    this.start = spec.now ?? Date.parse('2026-11-01T00:00:00Z');
    this.size = spec.repositories;
    this.share = share;
    this.counts = Uint32Array.from(imageCounts(spec.repositories, spec.images, rng(this.seed)));
    this.cache = new RepositoryCache(cacheImages);
  }

  /** The current week: 1 until {@link advanceWeek} is called. */
  get week(): number {
    return this.pushes.length + 1;
  }

  /** The end of the current week, epoch ms: the spec's `now`, one week later per week advanced. */
  get now(): number {
    return this.start + (this.week - 1) * WEEK;
  }

  /** What is in memory and what was made so far. */
  get stats(): GenerationStats {
    return {
      generated: this.generated,
      cachedRepositories: this.cache.size,
      cachedImages: this.cache.images,
      policiesWritten: this.policies.size,
      pushedRepositories: this.pushes.reduce((n, week) => n + week.size, 0),
    };
  }

  /**
   * Moves on one week: `newImageShare` of the repositories (chosen from the seed, empty ones
   * included) get images pushed during the week — 1 to 8 each, the first of them 150 — with tags no
   * earlier image has. Nothing else changes: policies written stay, no image is removed.
   */
  advanceWeek(): void {
    const week = this.week + 1;
    const random = rng(streamSeed(this.seed, this.region, 'week', week));
    const chosen = Math.min(this.size, Math.round(this.size * this.share));
    const pushed = new Map<number, number>();
    while (pushed.size < chosen) {
      const index = Math.floor(random() * this.size);
      if (!pushed.has(index)) pushed.set(index, pushed.size === 0 ? FIRST_PUSH_IMAGES : 1 + Math.floor(random() * 8));
    }
    this.pushes.push(pushed);
    for (const index of pushed.keys()) this.cache.delete(index);
  }

  /** Drops every generated repository from the cache (the overlays stay): for measuring memory. */
  clearCache(): void {
    this.cache.clear();
  }

  /** The images pushed into the repository during the current week (none in the first week). */
  newImageCountAt(index: number): number {
    return this.pushes.at(-1)?.get(index) ?? 0;
  }

  repositoryAt(index: number): SimulatedRepositoryInfo {
    this.check(index);
    const random = rng(streamSeed(this.seed, this.region, index, 'repository'));
    const team = pick(random, TEAMS);
    const name = `${team}/service-${String(index).padStart(5, '0')}`;
    const info: SimulatedRepositoryInfo = {
      name,
      arn: `arn:aws:ecr:${this.region}:${this.accountId}:repository/${name}`,
      createdAt: this.start - Math.floor((400 + random() * 800) * DAY),
      tags: [],
    };
    // Every draw is made whatever the overlay holds, so the draws after it never depend on it.
    const generated = random() < 0.6 ? POLICY : undefined;
    const policy = this.policies.get(index) ?? generated;
    if (policy !== undefined) info.policy = policy;
    if (random() < 0.5) info.tags.push({ Key: 'team', Value: team });
    if (random() < 0.05) info.tags.push({ ...OPT_OUT_TAG });
    return info;
  }

  imagesAt(index: number): readonly SimulatedImage[] {
    return this.entry(index).images;
  }

  imageCountAt(index: number): number {
    this.check(index);
    let count = this.counts[index] ?? 0;
    for (const week of this.pushes) count += week.get(index) ?? 0;
    return count;
  }

  imageByDigest(index: number, digest: string): SimulatedImage | undefined {
    const entry = this.entry(index);
    entry.byDigest ??= new Map(entry.images.map((i) => [i.digest, i]));
    return entry.byDigest.get(digest);
  }

  indexOf(name: string): number | undefined {
    const match = /\/service-(\d+)$/.exec(name);
    if (match === null) return undefined;
    const index = Number(match[1]);
    return index < this.size && this.repositoryAt(index).name === name ? index : undefined;
  }

  indexOfArn(arn: string): number | undefined {
    const prefix = `arn:aws:ecr:${this.region}:${this.accountId}:repository/`;
    return arn.startsWith(prefix) ? this.indexOf(arn.slice(prefix.length)) : undefined;
  }

  setPolicy(index: number, text: string): void {
    this.check(index);
    this.policies.set(index, text);
  }

  private check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size)
      throw new RangeError(`the registry has no repository at index ${index} (it holds ${this.size})`);
  }

  private entry(index: number): CachedRepository {
    this.check(index);
    const cached = this.cache.get(index);
    if (cached !== undefined) return cached;
    const images = generateImages(this.counts[index] ?? 0, rng(streamSeed(this.seed, this.region, index, 'images')), this.start);
    this.pushes.forEach((pushed, w) => {
      const count = pushed.get(index);
      if (count === undefined) return;
      const week = w + 2;
      const random = rng(streamSeed(this.seed, this.region, index, 'week', week));
      images.push(...generateImages(count, random, this.start + (week - 1) * WEEK, { spanDays: 7, tagPrefix: `w${week}-` }));
    });
    this.generated++;
    const entry: CachedRepository = { images };
    this.cache.set(index, entry);
    return entry;
  }
}

/**
 * A deterministic registry of `spec.repositories` repositories holding exactly `spec.images`
 * images (see {@link imageCounts} for the distribution), held whole: the {@link GeneratedRegistry}
 * of the same spec, every repository made. About 60% of the repositories have a lifecycle policy
 * and half carry resource tags.
 *
 * @example const registry = generateRegistry({ repositories: 30, images: 3_000 });
 */
export function generateRegistry(spec: RegistrySpec): SimulatedRegistry {
  const source = new GeneratedRegistry({ ...spec, cacheImages: 1 });
  const repositories = Array.from({ length: source.size }, (_, i): SimulatedRepository => ({
    ...source.repositoryAt(i),
    images: [...source.imagesAt(i)],
  }));
  return { accountId: source.accountId, region: source.region, repositories };
}

/** Total images of a registry. */
export function imageTotal(registry: SimulatedRegistry | RegistrySource): number {
  const source = registrySourceOf(registry);
  let total = 0;
  for (let i = 0; i < source.size; i++) total += source.imageCountAt(i);
  return total;
}
