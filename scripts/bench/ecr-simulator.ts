// An in-process Amazon ECR for benchmarks and tests: a deterministic registry (repositories,
// images with real manifest texts, indexes, referrers, lifecycle policies, tags — held whole or
// generated on demand, see simulated-registry.ts) served through the SDK's own HTTP seam
// (`requestHandler`), with per-call latency and per-operation token-bucket throttling that answers
// ECR's `ThrottlingException`. The real SDK stack — serialisation, signing, retry, deserialisation
// and our middlewares — runs on every call; only the network is replaced.
//
// It implements the five read calls the audit makes: DescribeRepositories, DescribeImages,
// BatchGetImage, GetLifecyclePolicy and ListTagsForResource, with ECR's limits (page size 1..1000,
// at most 100 image ids a batch) and default filters (only ACTIVE images unless asked otherwise);
// the weekly run's PutLifecyclePolicy and the tagging API's GetResources; with `workloads`, also
// the ECS and Lambda reads of the in-use guard (see workload-simulator.ts). The throttling buckets
// belong to the simulator, which stands for one account in one region: every client that shares it
// (readers, writers, the tagging client, every worker) draws from the same buckets, as in ECR.
import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';
import { CallCounter } from '../../src/adapters/aws/call-counter';
import { createEcrClient, type EcrClientOptions } from '../../src/adapters/aws/clients';
import { EcrRegistry, type EcrRegistryOptions } from '../../src/adapters/aws/ecr';
import { type RateLimits } from '../../src/adapters/aws/rate-limiter';
import type { AuditReport } from '../../src/domain/report';
import { createWorkloadScannerPool } from '../../src/adapters/aws/workload-scanners';
import { audit } from '../../src/use-cases/audit';
import { collectInUse } from '../../src/use-cases/in-use';
import { auditedRepositoryOf, remediateAudited, type AuditedRepository } from '../../src/use-cases/remediate';
import { parsePolicy } from '../../src/domain/policy';
import { registrySourceOf, type RegistrySource, type SimulatedRegistry } from './simulated-registry';
import { DEFAULT_OPT_OUT_TAG, MAX_RATE_LIMIT } from '../../src/domain/defaults';

export {
  DEFAULT_CACHE_IMAGES,
  DEFAULT_NEW_IMAGE_SHARE,
  GeneratedRegistry,
  ListedRegistry,
  generateRegistry,
  imageCounts,
  imageTotal,
  registrySourceOf,
  type GeneratedRegistrySpec,
  type GenerationStats,
  type RegistrySource,
  type RegistrySpec,
  type SimulatedImage,
  type SimulatedRegistry,
  type SimulatedRepository,
  type SimulatedRepositoryInfo,
  type SimulatedTag,
} from './simulated-registry';

/** The read calls of the audit, which every simulated run makes. */
export const SIMULATED_OPERATIONS = [
  'DescribeRepositories',
  'DescribeImages',
  'BatchGetImage',
  'GetLifecyclePolicy',
  'ListTagsForResource',
] as const;

/** One of {@link SIMULATED_OPERATIONS}. */
export type SimulatedOperation = (typeof SIMULATED_OPERATIONS)[number];

/**
 * One account's read rates, calls a second, for the benchmarks that audit: ECR publishes none of them
 * but BatchGetImage's (2,000/s); these are plausible per-account figures, each benchmark scaling them
 * (with {@link bucketsOf}) and keeping the ratios between the operations.
 */
export const ACCOUNT_READ_RATES: Readonly<Record<SimulatedOperation, number>> = {
  DescribeRepositories: 10,
  DescribeImages: 20,
  GetLifecyclePolicy: 20,
  ListTagsForResource: 20,
  BatchGetImage: 2_000,
};

/** The weekly run's other calls: the policy write and the tagging API's bulk tag read. */
export const WEEKLY_OPERATIONS = ['PutLifecyclePolicy', 'GetResources'] as const;

/** One of {@link WEEKLY_OPERATIONS}. */
export type WeeklyOperation = (typeof WEEKLY_OPERATIONS)[number];

/** Every ECR and tagging API operation the simulator serves. */
export const SERVED_OPERATIONS = [...SIMULATED_OPERATIONS, ...WEEKLY_OPERATIONS] as const;

/** A server-side token bucket: `ratePerSecond` sustained, `burst` at once. */
export interface OperationLimit {
  ratePerSecond: number;
  burst: number;
}

/**
 * Server-side limits: every read operation of the audit, and the weekly run's operations when they
 * are to be throttled (an operation without a limit never is). One bucket per operation for the
 * whole simulator, which stands for one account in one region: every client sharing it shares them.
 */
export type OperationLimits = Record<SimulatedOperation, OperationLimit> & Partial<Record<WeeklyOperation, OperationLimit>>;

/**
 * The fewest calls a complete audit can make: DescribeRepositories pages, then per repository one
 * GetLifecyclePolicy, one ListTagsForResource, its DescribeImages pages (at least one, even when it
 * is empty) and one BatchGetImage per 100 images (none when it is empty); and the registry's
 * BLOB_MOUNTING setting, once.
 */
export function minimumCalls(
  registry: SimulatedRegistry | RegistrySource,
): Record<SimulatedOperation | 'GetAccountSetting', number> & { total: number } {
  const source = registrySourceOf(registry);
  const r = source.size;
  let describeImages = 0;
  let batchGetImage = 0;
  for (let i = 0; i < r; i++) {
    const n = source.imageCountAt(i);
    describeImages += Math.max(1, Math.ceil(n / 1000));
    batchGetImage += Math.ceil(n / 100);
  }
  const counts = {
    DescribeRepositories: Math.ceil(r / 1000),
    GetLifecyclePolicy: r,
    ListTagsForResource: r,
    DescribeImages: describeImages,
    BatchGetImage: batchGetImage,
    GetAccountSetting: 1,
  };
  return { ...counts, total: Object.values(counts).reduce((s, n) => s + n, 0) };
}

/**
 * The wall time the server's rates alone force on `calls`: the largest, over the limited
 * operations, of calls ÷ rate. (It ignores the bursts, so a perfect client could finish slightly under it.)
 */
export function floorMs(calls: Readonly<Record<string, number>>, limits: OperationLimits): number {
  let floor = 0;
  for (const operation of SERVED_OPERATIONS) {
    const limit = limits[operation];
    if (limit === undefined) continue;
    floor = Math.max(floor, ((calls[operation] ?? 0) / limit.ratePerSecond) * 1000);
  }
  return floor;
}

/**
 * The server's buckets for per-second `rates` multiplied by `scale`: that rate, and a burst of one second's worth.
 *
 * @example const limits: OperationLimits = bucketsOf({ DescribeImages: 20, …}, 5);
 */
export function bucketsOf<K extends string>(rates: Readonly<Record<K, number>>, scale: number): Record<K, OperationLimit> {
  return Object.fromEntries(
    Object.entries<number>(rates).map(([op, rate]) => [op, { ratePerSecond: rate * scale, burst: rate * scale }]),
  ) as Record<K, OperationLimit>;
}

/**
 * Client-side limits as an operator who knows the account's rates would set them: `share` of each
 * server rate, with a burst of 50 ms' worth (at least one). An operation whose limited rate is above
 * what a client-side limit accepts is left unlimited: the client cannot reach it anyway.
 *
 * @example const clientLimits = clientLimitsOf(limits, 0.95);
 */
export function clientLimitsOf(limits: Readonly<Record<string, OperationLimit>>, share: number): RateLimits {
  return Object.fromEntries(
    Object.entries(limits)
      .filter(([, limit]) => limit.ratePerSecond * share <= MAX_RATE_LIMIT)
      .map(([op, limit]) => [op, { perSecond: limit.ratePerSecond * share, burst: Math.max(1, Math.round(limit.ratePerSecond * 0.05)) }]),
  );
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
  /** The registry served: held whole, or generated on demand (see simulated-registry.ts). */
  registry: SimulatedRegistry | RegistrySource;
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

/** Requests whose hashes the latency draw remembers, at most. */
const SEEN_REQUESTS = 50_000;

/**
 * What a request's hash is taken over: the whole text when short, else its length, head and tail
 * (the operation, the repository and the first ids; the last ids) — a BatchGetImage body is 8 KB,
 * and hashing it whole for every call cost more than serving it.
 */
function sampleOf(text: string): string {
  return text.length <= 1024 ? text : `${text.length}:${text.slice(0, 512)}${text.slice(-512)}`;
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
  const { from, to, nextToken } = pageRange(items.length, input, scope, limit);
  const slice = items.slice(from, to);
  return nextToken === undefined ? { items: slice } : { items: slice, nextToken };
}

/** {@link page} over `total` items that are made only for the page: the range of indexes to answer. */
function pageRange(total: number, input: Json, scope: string, limit = 1000): { from: number; to: number; nextToken?: string } {
  const size = pageSize(input, limit);
  const from = pageOffset(scope, input.nextToken);
  const to = Math.min(total, from + size);
  return from + size < total ? { from, to, nextToken: pageToken(scope, from + size) } : { from, to };
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
  private readonly registry: RegistrySource;
  private readonly buckets = new Map<string, ServerBucket>();
  private readonly latency: LatencySpec;
  private readonly workloads: WorkloadAnswers | undefined;
  private readonly now: () => number;
  private readonly start: number;
  /** How often each request text was seen (lately), so a retry draws a fresh (but reproducible) latency. */
  private readonly seen = new Map<number, number>();

  constructor(options: SimulatorOptions) {
    this.registry = registrySourceOf(options.registry);
    this.latency = options.latency ?? { minMs: 20, maxMs: 60 };
    this.now = options.now ?? (() => performance.now());
    this.start = this.now();
    for (const operation of SERVED_OPERATIONS) {
      const limit = options.limits[operation];
      if (limit !== undefined) this.buckets.set(operation, new ServerBucket(limit, this.start));
    }
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
    const requestHash = fnv1a(sampleOf(`${operation}:${request.path}:${JSON.stringify(request.query ?? {})}:${text}`));
    const latency = this.latencyOf(requestHash);
    await sleep(latency / 2);
    bump(this.stats.requests, operation);
    this.stats.lastAt[operation] = this.now() - this.start;
    let status = 200;
    let json: Json;
    const bucket = this.buckets.get(operation);
    if (bucket !== undefined && !bucket.take(this.now())) {
      bump(this.stats.throttled, operation);
      // Lambda says it with 429 TooManyRequestsException; the tagging API with 400 ThrottledException;
      // ECR and ECS with 400 ThrottlingException.
      status = lambda === undefined ? 400 : 429;
      const code =
        lambda !== undefined
          ? 'TooManyRequestsException'
          : target.startsWith('ResourceGroupsTaggingAPI_')
            ? 'ThrottledException'
            : 'ThrottlingException';
      json = { __type: code, message: 'Rate exceeded' };
    } else {
      try {
        const input = text === '' ? {} : (JSON.parse(text) as Json);
        json =
          lambda !== undefined
            ? lambda.serve()
            : target.startsWith('AmazonEC2ContainerServiceV')
              ? this.serveEcs(operation, input)
              : target.startsWith('ResourceGroupsTaggingAPI_')
                ? this.serveTagging(operation, input)
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
      'x-amzn-requestid': `sim-${requestHash.toString(16)}-${this.stats.requests[operation] ?? 0}`,
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

  private serveTagging(operation: string, input: Json): Json {
    if (operation !== 'GetResources') throw new ServiceError('UnknownOperationException', `The simulator does not implement ${operation}`);
    return this.getResources(input);
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

  private latencyOf(h: number): number {
    // Bounded: a retry comes within seconds of its first attempt, long before 50,000 other requests.
    if (this.seen.size >= SEEN_REQUESTS) this.seen.clear();
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
      case 'PutLifecyclePolicy':
        return this.putLifecyclePolicy(input);
      case 'ListTagsForResource':
        return this.listTagsForResource(input);
      case 'GetAccountSetting':
        // A registry without blob mounting (the setting's default); one call per audit, never throttled.
        return { name: String(input.name ?? ''), value: 'DISABLED' };
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

  /** The index of the repository the input names. */
  private repository(input: Json): { index: number; name: string } {
    this.checkRegistry(input);
    const name = String(input.repositoryName ?? '');
    const index = this.registry.indexOf(name);
    if (index === undefined) {
      throw new ServiceError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${this.registry.accountId}'`,
      );
    }
    return { index, name };
  }

  private describeRepositories(input: Json): Json {
    this.checkRegistry(input);
    let indexes: number[];
    let nextToken: string | undefined;
    if (Array.isArray(input.repositoryNames)) {
      const named = input.repositoryNames.map((name) => this.repository({ repositoryName: String(name) }).index);
      ({ items: indexes, nextToken } = page(named, input, 'DescribeRepositories'));
    } else {
      const range = pageRange(this.registry.size, input, 'DescribeRepositories');
      indexes = Array.from({ length: range.to - range.from }, (_, k) => range.from + k);
      nextToken = range.nextToken;
    }
    const { accountId, region } = this.registry;
    return {
      repositories: indexes.map((index) => {
        const r = this.registry.repositoryAt(index);
        return {
          repositoryArn: r.arn,
          registryId: accountId,
          repositoryName: r.name,
          repositoryUri: `${accountId}.dkr.ecr.${region}.amazonaws.com/${r.name}`,
          createdAt: seconds(r.createdAt),
          imageTagMutability: 'MUTABLE',
          imageScanningConfiguration: { scanOnPush: false },
          encryptionConfiguration: { encryptionType: 'AES256' },
        };
      }),
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
    const selected = this.registry
      .imagesAt(repository.index)
      .filter(
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
    const accepted = Array.isArray(input.acceptedMediaTypes) ? new Set(input.acceptedMediaTypes.map(String)) : undefined;
    const images: Json[] = [];
    const failures: Json[] = [];
    for (const id of ids) {
      const digest = typeof id.imageDigest === 'string' ? id.imageDigest : undefined;
      const tag = typeof id.imageTag === 'string' ? id.imageTag : undefined;
      const image =
        digest !== undefined
          ? this.registry.imageByDigest(repository.index, digest)
          : this.registry.imagesAt(repository.index).find((i) => tag !== undefined && i.tags.includes(tag));
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
    const { index, name } = this.repository(input);
    const policy = this.registry.repositoryAt(index).policy;
    if (policy === undefined) {
      throw new ServiceError(
        'LifecyclePolicyNotFoundException',
        `Lifecycle policy does not exist for the repository with name '${name}' in the registry with id '${this.registry.accountId}'`,
      );
    }
    return { registryId: this.registry.accountId, repositoryName: name, lifecyclePolicyText: policy };
  }

  /** Stores the policy when ECR would accept it (the project's validator stands for ECR's checks). */
  private putLifecyclePolicy(input: Json): Json {
    const { index, name } = this.repository(input);
    const text = input.lifecyclePolicyText;
    if (typeof text !== 'string') throw new ServiceError('InvalidParameterException', "Invalid parameter at 'lifecyclePolicyText'");
    const parsed = parsePolicy(text);
    if (!parsed.ok) {
      const first = parsed.problems[0];
      throw new ServiceError(
        'InvalidParameterException',
        `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: ${first === undefined ? 'invalid policy' : `${first.field} ${first.message}`}`,
      );
    }
    this.registry.setPolicy(index, text);
    return { registryId: this.registry.accountId, repositoryName: name, lifecyclePolicyText: text };
  }

  private listTagsForResource(input: Json): Json {
    const arn = String(input.resourceArn ?? '');
    const index = this.registry.indexOfArn(arn);
    if (index === undefined)
      throw new ServiceError(
        'InvalidParameterException',
        `Invalid parameter at 'resourceArn': ${arn} is not a repository of this registry`,
      );
    return { tags: this.registry.repositoryAt(index).tags };
  }

  /**
   * The Resource Groups Tagging API's `GetResources` over the registry's repositories: only tagged
   * ones are returned, as the service does; `ResourcesPerPage` 1..100; `PaginationToken` is empty on
   * the last page, as the service answers it. Type filters other than ECR's select nothing (the
   * simulator holds no other resources); tag filters and ARN lists are not implemented.
   */
  private getResources(input: Json): Json {
    if (input.TagFilters !== undefined || input.ResourceARNList !== undefined)
      throw new ServiceError('InvalidParameterException', 'The simulator does not implement TagFilters or ResourceARNList');
    const perPage = input.ResourcesPerPage ?? 100;
    if (typeof perPage !== 'number' || !Number.isInteger(perPage) || perPage < 1 || perPage > 100)
      throw new ServiceError('InvalidParameterException', 'ResourcesPerPage must be between 1 and 100');
    const types = Array.isArray(input.ResourceTypeFilters) ? input.ResourceTypeFilters.map(String) : undefined;
    if (types !== undefined && !types.some((t) => t === 'ecr' || t === 'ecr:repository'))
      return { ResourceTagMappingList: [], PaginationToken: '' };
    const token = input.PaginationToken === undefined || input.PaginationToken === '' ? undefined : input.PaginationToken;
    const list: Json[] = [];
    let index = pageOffset('GetResources', token);
    for (; index < this.registry.size && list.length < perPage; index++) {
      const repository = this.registry.repositoryAt(index);
      if (repository.tags.length > 0) list.push({ ResourceARN: repository.arn, Tags: repository.tags });
    }
    // The next page starts at the next tagged repository: none left means this is the last page.
    while (index < this.registry.size && this.registry.repositoryAt(index).tags.length === 0) index++;
    return { ResourceTagMappingList: list, PaginationToken: index < this.registry.size ? pageToken('GetResources', index) : '' };
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
        sources: ['ecs', 'lambda'],
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
        inUse: { catalog: async () => inUse.catalog },
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
