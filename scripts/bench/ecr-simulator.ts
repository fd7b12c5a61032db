// An in-process Amazon ECR for benchmarks and tests: a deterministic registry (repositories,
// images with real manifest texts, indexes, referrers, lifecycle policies, tags) served through the
// SDK's own HTTP seam (`requestHandler`), with per-call latency and per-operation token-bucket
// throttling that answers ECR's `ThrottlingException`. The real SDK stack — serialisation, signing,
// retry, deserialisation and our middlewares — runs on every call; only the network is replaced.
//
// It implements the five read calls the audit makes: DescribeRepositories, DescribeImages,
// BatchGetImage, GetLifecyclePolicy and ListTagsForResource, with ECR's limits (page size 1..1000,
// at most 100 image ids a batch) and default filters (only ACTIVE images unless asked otherwise);
// with `workloads`, also the ECS and Lambda reads of the in-use guard (see workload-simulator.ts).
import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';
import { createHash } from 'node:crypto';
import { CallCounter } from '../../src/adapters/aws/call-counter';
import { createEcrClient, type EcrClientOptions } from '../../src/adapters/aws/clients';
import { EcrRegistry, type EcrRegistryOptions } from '../../src/adapters/aws/ecr';
import type { AuditReport } from '../../src/domain/report';
import { DEFAULT_OPT_OUT_TAG } from '../../src/domain/selection';
import { createWorkloadScannerPool } from '../../src/adapters/aws/workload-scanners';
import { InUseCatalog } from '../../src/domain/in-use';
import { audit } from '../../src/use-cases/audit';
import { collectInUse } from '../../src/use-cases/in-use';
import { auditedRepositoryOf, remediateAudited, type AuditedRepository } from '../../src/use-cases/remediate';
import { hex, rng } from '../lib/random';

/** The operations the simulator serves. */
export const SIMULATED_OPERATIONS = [
  'DescribeRepositories',
  'DescribeImages',
  'BatchGetImage',
  'GetLifecyclePolicy',
  'ListTagsForResource',
] as const;

/** One of {@link SIMULATED_OPERATIONS}. */
export type SimulatedOperation = (typeof SIMULATED_OPERATIONS)[number];

/** A server-side token bucket: `ratePerSecond` sustained, `burst` at once. */
export interface OperationLimit {
  ratePerSecond: number;
  burst: number;
}

/** Server-side limits of every operation. */
export type OperationLimits = Record<SimulatedOperation, OperationLimit>;

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

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

const DAY = 86_400_000;
const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  cosignSignature: 'application/vnd.dev.cosign.artifact.sig.v1+json',
} as const;

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

/** Builds one repository's images: plain manifests (some untagged, some archived), indexes with two children, signatures. */
function generateImages(count: number, random: () => number, now: number): SimulatedImage[] {
  const images: SimulatedImage[] = [];
  const docker = random() < 0.3;
  const base: Blob[] = [];
  for (let i = 0, n = 2 + Math.floor(random() * 4); i < n; i++)
    base.push({ digest: `sha256:${hex(random, 64)}`, size: 2_000_000 + Math.floor(random() * 60_000_000) });
  let tagSerial = 0;
  const pushedAt = (): number => now - Math.floor(random() * 400 * DAY);
  const nextTag = (): string => {
    tagSerial++;
    const kind = random();
    if (kind < 0.3) return `v1.${Math.floor(tagSerial / 100)}.${tagSerial % 100}`;
    if (kind < 0.6) return `main-${hex(random, 7)}-${tagSerial}`;
    return `pr-${tagSerial}`;
  };
  const manifest = (pushed: number, platform?: string): SimulatedImage => {
    const config: Blob = { digest: `sha256:${hex(random, 64)}`, size: 1_000 + Math.floor(random() * 20_000) };
    const own: Blob = { digest: `sha256:${hex(random, 64)}`, size: 10_000 + Math.floor(random() * 80_000_000) };
    const layers = [...base.slice(0, 1 + Math.floor(random() * base.length)), own];
    const mediaType = docker ? MEDIA.dockerManifest : MEDIA.ociManifest;
    const layerType = docker ? MEDIA.dockerLayer : MEDIA.ociLayer;
    const text = JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: docker ? MEDIA.dockerConfig : MEDIA.ociConfig, digest: config.digest, size: config.size },
      layers: layers.map((l) => ({ mediaType: layerType, digest: l.digest, size: l.size })),
      ...(platform === undefined ? {} : { annotations: { 'org.opencontainers.image.ref.name': platform } }),
    });
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
        mediaType: docker ? MEDIA.dockerList : MEDIA.ociIndex,
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
        mediaType: docker ? MEDIA.dockerList : MEDIA.ociIndex,
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
        layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: layer.digest, size: layer.size }],
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

/**
 * A deterministic registry of `spec.repositories` repositories holding exactly `spec.images`
 * images (see {@link imageCounts} for the distribution). About 60% of the repositories have a
 * lifecycle policy and half carry resource tags.
 *
 * @example const registry = generateRegistry({ repositories: 2000, images: 100_000 });
 */
export function generateRegistry(spec: RegistrySpec): SimulatedRegistry {
  const random = rng(spec.seed ?? 1);
  const accountId = spec.accountId ?? '123456789012';
  const region = spec.region ?? 'eu-west-1';
  const now = spec.now ?? Date.parse('2026-11-01T00:00:00Z');
  const teams = ['payments', 'search', 'platform', 'data', 'web', 'mobile', 'ml', 'infra'];
  const counts = imageCounts(spec.repositories, spec.images, random);
  const repositories = counts.map((count, i): SimulatedRepository => {
    const name = `${pick(random, teams)}/service-${String(i).padStart(5, '0')}`;
    const repository: SimulatedRepository = {
      name,
      arn: `arn:aws:ecr:${region}:${accountId}:repository/${name}`,
      createdAt: now - Math.floor((400 + random() * 800) * DAY),
      tags: [],
      images: generateImages(count, random, now),
    };
    if (random() < 0.6) repository.policy = POLICY;
    if (random() < 0.5) repository.tags.push({ Key: 'team', Value: name.split('/')[0] ?? '' });
    if (random() < 0.05) repository.tags.push({ Key: 'ecr-janitor:opt-out', Value: 'true' });
    return repository;
  });
  return { accountId, region, repositories };
}

/** Total images of a registry. */
export function imageTotal(registry: SimulatedRegistry): number {
  return registry.repositories.reduce((s, r) => s + r.images.length, 0);
}

/**
 * The fewest calls a complete audit can make: DescribeRepositories pages, then per repository one
 * GetLifecyclePolicy, one ListTagsForResource, its DescribeImages pages (at least one, even when it
 * is empty) and one BatchGetImage per 100 images (none when it is empty).
 */
export function minimumCalls(registry: SimulatedRegistry): Record<SimulatedOperation, number> & { total: number } {
  const r = registry.repositories.length;
  const counts = {
    DescribeRepositories: Math.ceil(r / 1000),
    GetLifecyclePolicy: r,
    ListTagsForResource: r,
    DescribeImages: registry.repositories.reduce((s, repo) => s + Math.max(1, Math.ceil(repo.images.length / 1000)), 0),
    BatchGetImage: registry.repositories.reduce((s, repo) => s + Math.ceil(repo.images.length / 100), 0),
  };
  return { ...counts, total: Object.values(counts).reduce((s, n) => s + n, 0) };
}

/**
 * The wall time the server's rates alone force on `calls`: the largest, over operations, of
 * calls ÷ rate. (It ignores the bursts, so a perfect client could finish slightly under it.)
 */
export function floorMs(calls: Readonly<Record<string, number>>, limits: OperationLimits): number {
  let floor = 0;
  for (const operation of SIMULATED_OPERATIONS) {
    const n = calls[operation] ?? 0;
    floor = Math.max(floor, (n / limits[operation].ratePerSecond) * 1000);
  }
  return floor;
}

/** What answers the ECS (awsJson1_1) and Lambda (restJson1) calls of a simulated region. */
export interface WorkloadAnswers {
  /** The answer to an ECS operation's input; throws a {@link ServiceError} to answer an error. */
  serveEcs(operation: string, input: Json): Json;
  /** The operation of a Lambda `GET` on `path` with `query`, and its answer; throws a {@link ServiceError} to answer an error. */
  serveLambda(path: string, query: Record<string, unknown>): { operation: string; body: Json };
}

/** Per-call latency: uniform in [minMs, maxMs], drawn deterministically from the request. */
export interface LatencySpec {
  minMs: number;
  maxMs: number;
}

/** How to run a {@link EcrSimulator}. */
export interface SimulatorOptions {
  registry: SimulatedRegistry;
  limits: OperationLimits;
  /** ECS and Lambda answers of the region (see workload-simulator.ts). @default none: those calls fail */
  workloads?: WorkloadAnswers;
  /** Server-side limits of the ECS and Lambda operations, by name. @default none: never throttled */
  workloadLimits?: Readonly<Record<string, OperationLimit>>;
  /** @default { minMs: 20, maxMs: 60 } */
  latency?: LatencySpec;
  /** The clock, milliseconds. @default performance.now */
  now?: () => number;
}

/** What the server saw, by operation. */
export interface SimulatorStats {
  /** Every HTTP request that reached the server, first attempts and retries alike. */
  requests: Record<string, number>;
  /** Requests answered with ThrottlingException. */
  throttled: Record<string, number>;
  /** When the last request of each operation reached the server, ms after the simulator was built. */
  lastAt: Record<string, number>;
}

/** A JSON request or answer body. */
export type Json = Record<string, unknown>;

/** An error answer: the service's error code, its message and HTTP status. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** A server-side token bucket; `take` says whether a request may pass now. */
class ServerBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: OperationLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** FNV-1a, 32 bits: a cheap, stable hash for the latency draw. */
function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  return '';
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function seconds(ms: number): number {
  return ms / 1000;
}

function pageSize(input: Json, limit: number): number {
  const max = input.maxResults;
  if (max === undefined) return Math.min(100, limit);
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > limit) {
    throw new ServiceError(
      'InvalidParameterException',
      `Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value between 1 and ${limit}'`,
    );
  }
  return max;
}

/** An opaque page token, bound to the request it continues so a token from another listing is rejected. */
function pageToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ s: fnv1a(scope), o: offset })).toString('base64');
}

function pageOffset(scope: string, token: unknown): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8')) as { s?: unknown; o?: unknown };
    if (parsed.s === fnv1a(scope) && typeof parsed.o === 'number') return parsed.o;
  } catch {
    // fall through to the error ECR gives
  }
  throw new ServiceError('InvalidParameterException', 'Invalid parameter at nextToken: the token is not valid for this request');
}

/**
 * Slices `items` from the token's offset (`maxResults` from 1 to `limit`, 100 by default); a
 * nextToken only when more items remain, as ECR and ECS do.
 */
export function page<T>(items: readonly T[], input: Json, scope: string, limit = 1000): { items: T[]; nextToken?: string } {
  const size = pageSize(input, limit);
  const offset = pageOffset(scope, input.nextToken);
  const slice = items.slice(offset, offset + size);
  return offset + size < items.length ? { items: slice, nextToken: pageToken(scope, offset + size) } : { items: slice };
}

/**
 * An ECR endpoint in process, to plug into an SDK client as its `requestHandler`. Each call waits
 * its latency (half before the server sees it, half after), passes the operation's token bucket or
 * is answered `ThrottlingException` (HTTP 400, `x-amzn-errortype`), then is served from the registry.
 *
 * @example
 * const simulator = new EcrSimulator({ registry: generateRegistry({ repositories: 30, images: 3000 }), limits });
 * const client = createEcrClient({ region: 'eu-west-1', requestHandler: simulator, credentials });
 */
export class EcrSimulator implements RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions> {
  /** What the server saw so far. */
  readonly stats: SimulatorStats = { requests: {}, throttled: {}, lastAt: {} };
  private readonly registry: SimulatedRegistry;
  private readonly byName: Map<string, SimulatedRepository>;
  private readonly byArn: Map<string, SimulatedRepository>;
  private readonly byDigest = new Map<SimulatedRepository, Map<string, SimulatedImage>>();
  private readonly buckets = new Map<string, ServerBucket>();
  private readonly latency: LatencySpec;
  private readonly workloads: WorkloadAnswers | undefined;
  private readonly now: () => number;
  private readonly start: number;
  /** How often each request text was seen, so a retry draws a fresh (but reproducible) latency. */
  private readonly seen = new Map<number, number>();

  constructor(options: SimulatorOptions) {
    this.registry = options.registry;
    this.latency = options.latency ?? { minMs: 20, maxMs: 60 };
    this.now = options.now ?? (() => performance.now());
    this.byName = new Map(this.registry.repositories.map((r) => [r.name, r]));
    this.byArn = new Map(this.registry.repositories.map((r) => [r.arn, r]));
    this.start = this.now();
    for (const operation of SIMULATED_OPERATIONS) this.buckets.set(operation, new ServerBucket(options.limits[operation], this.start));
    this.workloads = options.workloads;
    for (const [operation, limit] of Object.entries(options.workloadLimits ?? {}))
      this.buckets.set(operation, new ServerBucket(limit, this.start));
  }

  /** The SDK's HttpHandler contract: answers one HTTP request. */
  async handle(request: HttpRequest, _options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '';
    const text = bodyText(request.body);
    // Lambda speaks REST: the operation is in the method and path, not in a target header.
    const lambda = target === '' && request.path.startsWith('/2015-03-31/functions') ? this.lambdaCall(request) : undefined;
    const operation = lambda?.operation ?? target.split('.').pop() ?? '';
    const latency = this.latencyOf(`${operation}:${request.path}:${JSON.stringify(request.query ?? {})}:${text}`);
    await sleep(latency / 2);
    bump(this.stats.requests, operation);
    this.stats.lastAt[operation] = this.now() - this.start;
    let status = 200;
    let json: Json;
    const bucket = this.buckets.get(operation);
    if (bucket !== undefined && !bucket.take(this.now())) {
      bump(this.stats.throttled, operation);
      // Lambda says it with 429 TooManyRequestsException; ECR and ECS with 400 ThrottlingException.
      status = lambda === undefined ? 400 : 429;
      json = { __type: lambda === undefined ? 'ThrottlingException' : 'TooManyRequestsException', message: 'Rate exceeded' };
    } else {
      try {
        const input = text === '' ? {} : (JSON.parse(text) as Json);
        json =
          lambda !== undefined
            ? lambda.serve()
            : target.startsWith('AmazonEC2ContainerServiceV')
              ? this.serveEcs(operation, input)
              : this.serve(operation, input);
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        status = error.status;
        json = { __type: error.code, message: error.message };
      }
    }
    const body = new TextEncoder().encode(JSON.stringify(json));
    await sleep(latency / 2);
    const headers: Record<string, string> = {
      'content-type': lambda === undefined ? 'application/x-amz-json-1.1' : 'application/json',
      'content-length': String(body.byteLength),
      'x-amzn-requestid': `sim-${fnv1a(text).toString(16)}-${this.stats.requests[operation] ?? 0}`,
    };
    if (status !== 200) headers['x-amzn-errortype'] = String(json.__type);
    return { response: { statusCode: status, reason: undefined, headers, body } };
  }

  /** The operation of a Lambda request and how to answer it (known before the answer, for the throttling bucket). */
  private lambdaCall(request: HttpRequest): { operation: string; serve: () => Json } {
    const workloads = this.workloads;
    const query = (request.query ?? {}) as Record<string, unknown>;
    if (workloads === undefined)
      return {
        operation: 'Lambda',
        serve: () => {
          throw new ServiceError('UnknownOperationException', 'The simulator has no Lambda functions');
        },
      };
    let answer: { operation: string; body: Json } | ServiceError;
    try {
      answer = workloads.serveLambda(request.path, query);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      answer = error;
    }
    const operation =
      answer instanceof ServiceError
        ? request.path.replace(/\/$/, '') === '/2015-03-31/functions'
          ? 'ListFunctions'
          : 'GetFunction'
        : answer.operation;
    return {
      operation,
      serve: () => {
        if (answer instanceof ServiceError) throw answer;
        return answer.body;
      },
    };
  }

  private serveEcs(operation: string, input: Json): Json {
    if (this.workloads === undefined) throw new ServiceError('UnknownOperationException', 'The simulator has no ECS workloads');
    return this.workloads.serveEcs(operation, input);
  }

  /** Part of the SDK's HttpHandler shape; the simulator has no settings. */
  updateHttpClientConfig(): void {}

  /** Part of the SDK's HttpHandler shape. */
  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  private latencyOf(key: string): number {
    const h = fnv1a(key);
    const n = (this.seen.get(h) ?? 0) + 1;
    this.seen.set(h, n);
    const unit = fnv1a(String(n), h) / 4294967296;
    return this.latency.minMs + unit * (this.latency.maxMs - this.latency.minMs);
  }

  private serve(operation: string, input: Json): Json {
    switch (operation) {
      case 'DescribeRepositories':
        return this.describeRepositories(input);
      case 'DescribeImages':
        return this.describeImages(input);
      case 'BatchGetImage':
        return this.batchGetImage(input);
      case 'GetLifecyclePolicy':
        return this.getLifecyclePolicy(input);
      case 'ListTagsForResource':
        return this.listTagsForResource(input);
      default:
        throw new ServiceError('UnknownOperationException', `The simulator does not implement ${operation}`);
    }
  }

  private checkRegistry(input: Json): void {
    if (input.registryId !== undefined && input.registryId !== this.registry.accountId) {
      throw new ServiceError(
        'RepositoryNotFoundException',
        `The registry ${String(input.registryId)} does not exist or you have no access to it`,
      );
    }
  }

  private repository(input: Json): SimulatedRepository {
    this.checkRegistry(input);
    const name = String(input.repositoryName ?? '');
    const repository = this.byName.get(name);
    if (repository === undefined) {
      throw new ServiceError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${this.registry.accountId}'`,
      );
    }
    return repository;
  }

  private describeRepositories(input: Json): Json {
    this.checkRegistry(input);
    let repositories = this.registry.repositories;
    if (Array.isArray(input.repositoryNames)) {
      const names = input.repositoryNames.map(String);
      repositories = names.map((name) => this.repository({ repositoryName: name }));
    }
    const { items, nextToken } = page(repositories, input, 'DescribeRepositories');
    return {
      repositories: items.map((r) => ({
        repositoryArn: r.arn,
        registryId: this.registry.accountId,
        repositoryName: r.name,
        repositoryUri: `${this.registry.accountId}.dkr.ecr.${this.registry.region}.amazonaws.com/${r.name}`,
        createdAt: seconds(r.createdAt),
        imageTagMutability: 'MUTABLE',
        imageScanningConfiguration: { scanOnPush: false },
        encryptionConfiguration: { encryptionType: 'AES256' },
      })),
      ...(nextToken === undefined ? {} : { nextToken }),
    };
  }

  private describeImages(input: Json): Json {
    const repository = this.repository(input);
    if (input.imageIds !== undefined)
      throw new ServiceError('InvalidParameterException', 'The simulator does not implement DescribeImages by imageIds');
    const filter = (typeof input.filter === 'object' && input.filter !== null ? input.filter : {}) as Json;
    const tagStatus = String(filter.tagStatus ?? 'ANY');
    const imageStatus = String(filter.imageStatus ?? 'ACTIVE');
    const selected = repository.images.filter(
      (image) =>
        (tagStatus === 'ANY' || (tagStatus === 'TAGGED') === image.tags.length > 0) &&
        (imageStatus === 'ANY' || image.status === imageStatus),
    );
    const { items, nextToken } = page(selected, input, `DescribeImages:${repository.name}:${tagStatus}:${imageStatus}`);
    return {
      imageDetails: items.map((image) => {
        const detail: Json = {
          registryId: this.registry.accountId,
          repositoryName: repository.name,
          imageDigest: image.digest,
          imageSizeInBytes: image.sizeInBytes,
          imagePushedAt: seconds(image.pushedAt),
          imageManifestMediaType: image.mediaType,
          imageStatus: image.status,
        };
        if (image.tags.length > 0) detail.imageTags = image.tags;
        if (image.artifactMediaType !== undefined) detail.artifactMediaType = image.artifactMediaType;
        if (image.subject !== undefined) detail.subjectManifestDigest = image.subject;
        if (image.lastPulledAt !== undefined) detail.lastRecordedPullTime = seconds(image.lastPulledAt);
        if (image.lastArchivedAt !== undefined) detail.lastArchivedAt = seconds(image.lastArchivedAt);
        return detail;
      }),
      ...(nextToken === undefined ? {} : { nextToken }),
    };
  }

  private batchGetImage(input: Json): Json {
    const repository = this.repository(input);
    const ids = Array.isArray(input.imageIds) ? (input.imageIds as Json[]) : [];
    if (ids.length < 1 || ids.length > 100) {
      throw new ServiceError(
        'InvalidParameterException',
        "Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length between 1 and 100'",
      );
    }
    let index = this.byDigest.get(repository);
    if (index === undefined) {
      index = new Map(repository.images.map((i) => [i.digest, i]));
      this.byDigest.set(repository, index);
    }
    const accepted = Array.isArray(input.acceptedMediaTypes) ? new Set(input.acceptedMediaTypes.map(String)) : undefined;
    const images: Json[] = [];
    const failures: Json[] = [];
    for (const id of ids) {
      const digest = typeof id.imageDigest === 'string' ? id.imageDigest : undefined;
      const tag = typeof id.imageTag === 'string' ? id.imageTag : undefined;
      const image = digest !== undefined ? index.get(digest) : repository.images.find((i) => tag !== undefined && i.tags.includes(tag));
      if (image === undefined || (tag !== undefined && !image.tags.includes(tag))) {
        failures.push({ imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' });
      } else if (accepted !== undefined && !accepted.has(image.mediaType)) {
        failures.push({
          imageId: id,
          failureCode: 'UnsupportedImageType',
          failureReason: `Image of type ${image.mediaType} is not among the accepted media types`,
        });
      } else {
        images.push({
          registryId: this.registry.accountId,
          repositoryName: repository.name,
          imageId: { imageDigest: image.digest, ...(tag === undefined ? {} : { imageTag: tag }) },
          imageManifest: image.manifest,
          imageManifestMediaType: image.mediaType,
        });
      }
    }
    return { images, failures };
  }

  private getLifecyclePolicy(input: Json): Json {
    const repository = this.repository(input);
    if (repository.policy === undefined) {
      throw new ServiceError(
        'LifecyclePolicyNotFoundException',
        `Lifecycle policy does not exist for the repository with name '${repository.name}' in the registry with id '${this.registry.accountId}'`,
      );
    }
    return { registryId: this.registry.accountId, repositoryName: repository.name, lifecyclePolicyText: repository.policy };
  }

  private listTagsForResource(input: Json): Json {
    const arn = String(input.resourceArn ?? '');
    const repository = this.byArn.get(arn);
    if (repository === undefined)
      throw new ServiceError(
        'InvalidParameterException',
        `Invalid parameter at 'resourceArn': ${arn} is not a repository of this registry`,
      );
    return { tags: repository.tags };
  }
}

/** How {@link auditAgainstSimulator} runs the production audit. */
export interface SimulatedAuditOptions extends SimulatorOptions {
  /** Repositories in flight (the audit's `concurrency`). */
  concurrency: number;
  /** Extra client settings, e.g. client-side rate limits. @default none */
  client?: Partial<Omit<EcrClientOptions, 'region' | 'counter' | 'credentials' | 'requestHandler'>>;
  /** Extra registry settings, e.g. BatchGetImage batches in flight. @default none */
  reader?: Partial<Omit<EcrRegistryOptions, 'client' | 'region'>>;
  /**
   * Runs the weekly run's in-use guard too: ECS and Lambda are read (from `workloads`) before the
   * audit, the images of the repositories where a write may be due are kept, and a dry-run
   * remediation judges them. @default false
   */
  guard?: boolean;
}

/** What the in-use guard of a simulated run measured. */
export interface SimulatedGuardResult {
  /** Wall time of reading ECS and Lambda, ms. */
  scanMs: number;
  /** Wall time of the dry-run remediation that judged every write, ms. */
  remediationMs: number;
  /** What the audit kept for remediation: every repository, with compact images where a write may be due. */
  audited: AuditedRepository[];
  /** Remediation outcomes by name. */
  outcomes: Record<string, number>;
}

/** What one simulated audit measured. */
export interface SimulatedAuditResult {
  report: AuditReport;
  /** Images the audit read (every repository's state, summed). */
  imagesRead: number;
  /** Manifests the audit received. */
  manifestsRead: number;
  /** Logical calls by operation, from the production CallCounter (`total` included). */
  calls: Record<string, number>;
  /** Retries by operation, from the production CallCounter. */
  retries: Record<string, number>;
  stats: SimulatorStats;
  wallMs: number;
  /** Set when `guard` was asked for. */
  guard?: SimulatedGuardResult;
}

/**
 * Runs the production audit (`createEcrClient` → `EcrRegistry` → `audit`, adaptive retry and the
 * call counter included) against a simulator of `options.registry`.
 *
 * @example const result = await auditAgainstSimulator({ registry, limits, concurrency: 8 });
 */
export async function auditAgainstSimulator(options: SimulatedAuditOptions): Promise<SimulatedAuditResult> {
  const simulator = new EcrSimulator(options);
  const counter = new CallCounter();
  const client = createEcrClient({
    ...options.client,
    region: options.registry.region,
    credentials: { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator' },
    requestHandler: simulator,
    counter,
  });
  const reader = new EcrRegistry({ ...options.reader, client, region: options.registry.region });
  let imagesRead = 0;
  let manifestsRead = 0;
  const now = Date.parse('2026-11-01T00:00:00Z');
  const selection = { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] };
  const region = options.registry.region;
  const start = performance.now();
  // The weekly run's order: what is in use first (ECS and Lambda through the same simulator), then the audit.
  const scanners = options.guard
    ? createWorkloadScannerPool({
        ...options.client,
        credentials: { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator' },
        requestHandler: simulator,
        counter,
      })
    : undefined;
  const inUse = scanners === undefined ? undefined : await collectInUse([region], { scannersFor: scanners });
  const scanMs = performance.now() - start;
  const audited: AuditedRepository[] = [];
  const report = await audit([reader], {
    now,
    generatedAt: now,
    days: 7,
    pricePerGbMonth: 0.1,
    selection,
    concurrency: options.concurrency,
    counter,
    ...(inUse === undefined ? {} : { inUse: { ...inUse, mode: 'on' as const, horizonDays: 7, sources: ['ecs', 'lambda'] } }),
    onRepositoryState: (state) => {
      imagesRead += state.images.length;
      manifestsRead += state.images.filter((i) => i.imageManifest !== undefined).length;
      if (inUse !== undefined) audited.push(auditedRepositoryOf(state, { keepImagesFor: selection }));
    },
  });
  let guard: SimulatedGuardResult | undefined;
  if (inUse !== undefined) {
    const started = performance.now();
    const remediation = await remediateAudited([{ reader }], audited, {
      days: 7,
      apply: false,
      concurrency: options.concurrency,
      selection,
      guard: {
        enabled: true,
        horizonDays: 7,
        now: () => now,
        inUse: { forRegion: async (r) => inUse.catalogs.get(r) ?? new InUseCatalog() },
      },
    });
    const outcomes: Record<string, number> = {};
    for (const a of remediation.actions) outcomes[a.outcome] = (outcomes[a.outcome] ?? 0) + 1;
    guard = { scanMs, remediationMs: performance.now() - started, audited, outcomes };
  }
  const wallMs = performance.now() - start;
  client.destroy();
  const counts = counter.snapshot();
  return {
    report,
    imagesRead,
    manifestsRead,
    calls: counts.calls,
    retries: counts.retries,
    stats: simulator.stats,
    wallMs,
    ...(guard === undefined ? {} : { guard }),
  };
}
