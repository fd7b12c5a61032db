import {
  GetAccountSettingCommand,
  BatchGetImageCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  LifecyclePolicyNotFoundException,
  ListTagsForResourceCommand,
  PutLifecyclePolicyCommand,
  RepositoryNotFoundException,
  paginateDescribeImages,
  paginateDescribeRepositories,
  type BatchGetImageCommandOutput,
  type ECRClient,
  type ImageDetail as SdkImageDetail,
  type Repository,
} from '@aws-sdk/client-ecr';
import { BLOB_MOUNTING_SETTING, type BlobMountingStatus } from '../../domain/blob-mounting';
import { ConfigError, PolicyWriteError, errorCode, type PolicyWriteFailure } from '../../domain/errors';
import { ACCEPTED_MEDIA_TYPES, type ImageDetail } from '../../domain/image';
import type { RepositoryRef, Tag } from '../../domain/registry';
import type { ManifestText, PolicyWriter, RegistryReader, RepositoryLookup } from '../../ports/registry';
import { AdaptiveRateLimit, type RateLimit } from './rate-limiter';

/** The largest page `DescribeRepositories` and `DescribeImages` accept. */
export const PAGE_SIZE = 1000;
/** The most image ids `BatchGetImage` accepts in one call. */
export const BATCH_GET_IMAGE_LIMIT = 100;
/**
 * The pace of `PutLifecyclePolicy` when none is configured: at most 10 writes a second (2 at once
 * after a quiet spell), slowed by every throttled write and recovering after writes that go through.
 * ECR does not publish the rate; 10 a second is well within what one account is seen to get.
 */
export const DEFAULT_WRITE_RATE_LIMIT: RateLimit = { perSecond: 10, burst: 2 };
/** Attempts at reading a registry setting: one retry (a throttled read is tried again), not the eight of the other reads. */
export const SETTING_READ_MAX_ATTEMPTS = 2;
/** `BatchGetImage` calls in flight for one repository, by default. */
export const DEFAULT_MANIFEST_BATCHES_IN_FLIGHT = 4;

/** What an {@link EcrRegistry} needs. */
export interface EcrRegistryOptions {
  /** A client for `region`, built once and shared (see `createEcrClient`). */
  client: ECRClient;
  /**
   * The client `PutLifecyclePolicy` goes through: built with one attempt and no client-side wait
   * (standard retry mode, `maxAttempts: 1`; see createEcrRegistryPool), since a retried or delayed
   * write would send a text merged from an earlier read. @default `client`
   */
  writeClient?: ECRClient;
  /**
   * The client the registry's settings are read through (`GetAccountSetting`): built with few attempts
   * (see `SETTING_READ_MAX_ATTEMPTS`), since a setting that does not come only costs a report warning
   * and must not hold the audit up through every retry. @default `client`
   */
  settingsClient?: ECRClient;
  /**
   * The highest pace of `PutLifecyclePolicy`: the janitor's own limiter starts there, is taken by
   * {@link EcrRegistry.acquireWriteSlot} before the re-read that precedes each write, slows when a
   * write is throttled and recovers after writes that go through. @default {@link DEFAULT_WRITE_RATE_LIMIT}
   */
  writeRateLimit?: RateLimit;
  /** The region `client` talks to. */
  region: string;
  /** The registry (account) to read; sent as `registryId` when set. @default the caller's own account */
  accountId?: string;
  /**
   * `BatchGetImage` calls in flight at once for one repository. A large repository needs one call per
   * 100 images; one at a time, a repository of 15,000 images spends 150 round trips there and becomes
   * the tail of the whole audit. BatchGetImage's published quota (2,000/s) leaves ample room.
   * @default 4
   */
  manifestBatchesInFlight?: number;
}

/** The account id in an ECR ARN (`arn:aws:ecr:REGION:ACCOUNT:repository/NAME`), or '' when absent. */
function accountFromArn(arn: string | undefined): string {
  return arn?.split(':')[4] ?? '';
}

function toIso(date: Date | undefined): string | undefined {
  return date === undefined || Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Copies the known fields of an SDK image into the domain shape, leaving absent ones out. */
function toDomainImage(sdk: SdkImageDetail & { imageDigest: string }): ImageDetail {
  const image: ImageDetail = { imageDigest: sdk.imageDigest };
  if (sdk.imageTags !== undefined) image.imageTags = [...sdk.imageTags];
  if (sdk.imageSizeInBytes !== undefined) image.imageSizeInBytes = sdk.imageSizeInBytes;
  if (sdk.imagePushedAt !== undefined) image.imagePushedAt = sdk.imagePushedAt;
  if (sdk.lastRecordedPullTime !== undefined) image.lastRecordedPullTime = sdk.lastRecordedPullTime;
  if (sdk.imageManifestMediaType !== undefined) image.imageManifestMediaType = sdk.imageManifestMediaType;
  if (sdk.artifactMediaType !== undefined) image.artifactMediaType = sdk.artifactMediaType;
  if (sdk.subjectManifestDigest !== undefined) image.subjectManifestDigest = sdk.subjectManifestDigest;
  if (sdk.imageStatus !== undefined) image.imageStatus = sdk.imageStatus;
  if (sdk.lastArchivedAt !== undefined) image.lastArchivedAt = sdk.lastArchivedAt;
  if (sdk.lastActivatedAt !== undefined) image.lastActivatedAt = sdk.lastActivatedAt;
  if (sdk.registryId !== undefined) image.registryId = sdk.registryId;
  if (sdk.repositoryName !== undefined) image.repositoryName = sdk.repositoryName;
  return image;
}

function hasDigest(image: SdkImageDetail): image is SdkImageDetail & { imageDigest: string } {
  return typeof image.imageDigest === 'string' && image.imageDigest !== '';
}

/** Error codes by which AWS services say "too many requests, nothing was done". */
const THROTTLING_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

/**
 * Whether a failed write may have landed. A 4xx answer is a refusal (ECR checks a policy before it
 * stores it); throttling is a refusal to try again later; anything else — a 5xx, a reset
 * connection, a timeout after the request left — leaves the outcome unknown.
 */
export function classifyWriteError(error: unknown): PolicyWriteFailure {
  const sdk = error as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } };
  const status = sdk.$metadata?.httpStatusCode;
  if ((sdk.name !== undefined && THROTTLING_CODES.has(sdk.name)) || sdk.$retryable?.throttling === true || status === 429)
    return 'throttled';
  if (sdk.$fault === 'client' && status !== undefined && status >= 400 && status < 500) return 'rejected';
  return 'unknown';
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Reads one ECR registry (one account in one region) and writes its lifecycle policies. Lists are
 * read to their end with the SDK paginators at the largest page size; "no policy" is `undefined`;
 * every other error propagates so the caller can record it against the repository. It never
 * deletes anything: `PutLifecyclePolicy` is its only write.
 *
 * @example
 * const registry = new EcrRegistry({ client: createEcrClient({ region: 'eu-west-1' }), region: 'eu-west-1' });
 * for (const repo of await registry.listRepositories()) console.log(repo.repositoryName);
 */
export class EcrRegistry implements RegistryReader, PolicyWriter, RepositoryLookup {
  /** The region this registry lives in. */
  readonly region: string;
  private readonly client: ECRClient;
  private readonly writeClient: ECRClient;
  private readonly writePace: AdaptiveRateLimit;
  private readonly settingsClient: ECRClient;
  private readonly accountId: string | undefined;
  private readonly manifestBatchesInFlight: number;

  /** Wraps `options.client`; the client is not owned (nor destroyed) by the registry. */
  constructor(options: EcrRegistryOptions) {
    this.client = options.client;
    this.writeClient = options.writeClient ?? options.client;
    this.writePace = new AdaptiveRateLimit({ ceiling: options.writeRateLimit ?? DEFAULT_WRITE_RATE_LIMIT });
    this.settingsClient = options.settingsClient ?? options.client;
    this.region = options.region;
    this.accountId = options.accountId;
    const inFlight = options.manifestBatchesInFlight ?? DEFAULT_MANIFEST_BATCHES_IN_FLIGHT;
    if (!Number.isInteger(inFlight) || inFlight < 1) {
      throw new ConfigError(
        `manifestBatchesInFlight must be a whole number of at least 1 (got ${String(inFlight)}); use 1 for one BatchGetImage call at a time`,
      );
    }
    this.manifestBatchesInFlight = inFlight;
  }

  /** `{ registryId }` when an account was given, so the default registry is used otherwise. */
  private get registry(): { registryId?: string } {
    return this.accountId === undefined ? {} : { registryId: this.accountId };
  }

  /** Every repository, over all pages of `DescribeRepositories`. */
  async listRepositories(): Promise<RepositoryRef[]> {
    const refs: RepositoryRef[] = [];
    const pages = paginateDescribeRepositories({ client: this.client, pageSize: PAGE_SIZE, stopOnSameToken: true }, { ...this.registry });
    for await (const page of pages) {
      for (const repo of page.repositories ?? []) {
        const ref = this.toRef(repo);
        if (ref !== undefined) refs.push(ref);
      }
    }
    return refs;
  }

  /** One repository by name (`DescribeRepositories` of that name), or `undefined` when ECR answers `RepositoryNotFoundException`. */
  async getRepository(repositoryName: string): Promise<RepositoryRef | undefined> {
    try {
      const out = await this.client.send(new DescribeRepositoriesCommand({ ...this.registry, repositoryNames: [repositoryName] }));
      const repo = out.repositories?.find((r) => r.repositoryName === repositoryName);
      return repo === undefined ? undefined : this.toRef(repo);
    } catch (error) {
      if (error instanceof RepositoryNotFoundException) return undefined;
      throw error;
    }
  }

  /** The policy text, or `undefined` when ECR answers `LifecyclePolicyNotFoundException`. */
  async getLifecyclePolicy(repositoryName: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetLifecyclePolicyCommand({ ...this.registry, repositoryName }));
      return out.lifecyclePolicyText;
    } catch (error) {
      if (error instanceof LifecyclePolicyNotFoundException) return undefined;
      throw error;
    }
  }

  /** The repository's resource tags (`ListTagsForResource` on its ARN). */
  async listTags(repository: RepositoryRef): Promise<Tag[]> {
    const out = await this.client.send(new ListTagsForResourceCommand({ resourceArn: repository.repositoryArn }));
    const tags: Tag[] = [];
    for (const tag of out.tags ?? []) {
      if (tag.Key !== undefined) tags.push({ Key: tag.Key, Value: tag.Value ?? '' });
    }
    return tags;
  }

  /**
   * The registry's `BLOB_MOUNTING` setting (`GetAccountSetting`, an account-level read of the
   * caller's registry): `ENABLED` when ECR says so, `DISABLED` for any other answer (the setting's
   * default). Errors (AccessDenied, a region or emulator that does not know the call) are thrown.
   */
  async blobMounting(): Promise<BlobMountingStatus> {
    const out = await this.settingsClient.send(new GetAccountSettingCommand({ name: BLOB_MOUNTING_SETTING }));
    return out.value === 'ENABLED' ? 'ENABLED' : 'DISABLED';
  }

  /** Every image whatever its status: `imageStatus: ANY`, since ECR returns only ACTIVE ones otherwise. */
  async describeImages(repositoryName: string): Promise<ImageDetail[]> {
    const images: ImageDetail[] = [];
    const pages = paginateDescribeImages(
      { client: this.client, pageSize: PAGE_SIZE, stopOnSameToken: true },
      { ...this.registry, repositoryName, filter: { imageStatus: 'ANY' } },
    );
    for await (const page of pages) {
      for (const image of page.imageDetails ?? []) {
        if (hasDigest(image)) images.push(toDomainImage(image));
      }
    }
    return images;
  }

  /**
   * The manifests of `imageDigests`, by `BatchGetImage` in batches of 100 (duplicates asked once),
   * up to `manifestBatchesInFlight` batches at a time; the first failure stops further batches and
   * is thrown. Per-item failures (`ImageNotFound`, unsupported media type …) are left out, not thrown.
   */
  async getManifests(repositoryName: string, imageDigests: readonly string[]): Promise<ManifestText[]> {
    const batches = chunks([...new Set(imageDigests)], BATCH_GET_IMAGE_LIMIT);
    const answers: Array<BatchGetImageCommandOutput['images']> = [];
    let next = 0;
    let failed = false;
    // A few workers take the batches in order; answers are merged in batch order afterwards, so the
    // result does not depend on which call returned first.
    const worker = async (): Promise<void> => {
      while (!failed && next < batches.length) {
        const index = next++;
        const batch = batches[index] ?? [];
        try {
          const out = await this.client.send(
            new BatchGetImageCommand({
              ...this.registry,
              repositoryName,
              imageIds: batch.map((imageDigest) => ({ imageDigest })),
              acceptedMediaTypes: [...ACCEPTED_MEDIA_TYPES],
            }),
          );
          answers[index] = out.images;
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.manifestBatchesInFlight, batches.length) }, worker));
    const found = new Map<string, ManifestText>();
    for (const images of answers) {
      for (const image of images ?? []) {
        const imageDigest = image.imageId?.imageDigest;
        if (imageDigest === undefined || image.imageManifest === undefined || found.has(imageDigest)) continue;
        const manifest: ManifestText = { imageDigest, imageManifest: image.imageManifest };
        if (image.imageManifestMediaType !== undefined) manifest.imageManifestMediaType = image.imageManifestMediaType;
        found.set(imageDigest, manifest);
      }
    }
    return [...found.values()];
  }

  /**
   * Waits for the janitor's write pace (see {@link EcrRegistryOptions.writeRateLimit}). Taken before
   * the re-read that precedes a write, so the write that follows that re-read leaves at once.
   */
  async acquireWriteSlot(): Promise<void> {
    await this.writePace.take();
  }

  /**
   * Sets the repository's lifecycle policy (`PutLifecyclePolicy`), replacing any existing one, in the
   * write client's attempts (one, from createEcrRegistryPool). A throttled write slows the write pace,
   * one that went through lets it recover.
   *
   * @throws PolicyWriteError saying whether the write was refused (`throttled`, `rejected`) or may have landed (`unknown`)
   */
  async putLifecyclePolicy(repositoryName: string, policyText: string): Promise<void> {
    try {
      await this.writeClient.send(new PutLifecyclePolicyCommand({ ...this.registry, repositoryName, lifecyclePolicyText: policyText }));
      this.writePace.succeeded();
    } catch (error) {
      const failure = classifyWriteError(error);
      if (failure === 'throttled') this.writePace.throttled();
      const code = errorCode(error);
      const message = error instanceof Error ? error.message : String(error);
      throw new PolicyWriteError(`PutLifecyclePolicy on ${repositoryName} failed (${code}): ${message}`, failure, code, { cause: error });
    }
  }

  private toRef(repo: Repository): RepositoryRef | undefined {
    if (repo.repositoryName === undefined || repo.repositoryArn === undefined) return undefined;
    const ref: RepositoryRef = {
      accountId: repo.registryId ?? this.accountId ?? accountFromArn(repo.repositoryArn),
      region: this.region,
      repositoryName: repo.repositoryName,
      repositoryArn: repo.repositoryArn,
    };
    const createdAt = toIso(repo.createdAt);
    if (createdAt !== undefined) ref.createdAt = createdAt;
    return ref;
  }
}
