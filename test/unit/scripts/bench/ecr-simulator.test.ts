import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ECRServiceException,
  GetLifecyclePolicyCommand,
  InvalidParameterException,
  LifecyclePolicyNotFoundException,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ecr';
import type { HttpRequest } from '@smithy/types';
import { createHash } from 'node:crypto';
import {
  EcrSimulator,
  SIMULATED_OPERATIONS,
  auditAgainstSimulator,
  floorMs,
  generateRegistry,
  imageCounts,
  imageTotal,
  minimumCalls,
  type OperationLimits,
  type SimulatedImage,
  type SimulatedRegistry,
} from '../../../../scripts/bench/ecr-simulator';
import { rng } from '../../../../scripts/lib/random';

const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

/** Limits no test reaches. */
const OPEN = Object.fromEntries(SIMULATED_OPERATIONS.map((op) => [op, { ratePerSecond: 1e6, burst: 1e6 }])) as OperationLimits;

/** A plain client over the simulator; one attempt, so every answer is seen as sent. */
function clientOf(simulator: EcrSimulator): ECRClient {
  return new ECRClient({ region: 'eu-west-1', credentials: CREDENTIALS, requestHandler: simulator, maxAttempts: 1 });
}

function image(n: number, overrides: Partial<SimulatedImage> = {}): SimulatedImage {
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [], n });
  return {
    digest: `sha256:${createHash('sha256').update(manifest).digest('hex')}`,
    tags: [`v${n}`],
    pushedAt: Date.parse('2026-01-01T00:00:00Z') + n * 1000,
    sizeInBytes: 1000 + n,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    manifest,
    status: 'ACTIVE',
    ...overrides,
  };
}

/** A registry of named repositories holding `count` images each. */
function registryOf(counts: Record<string, number>, policy = true): SimulatedRegistry {
  let n = 0;
  return {
    accountId: '123456789012',
    region: 'eu-west-1',
    repositories: Object.entries(counts).map(([name, count]) => ({
      name,
      arn: `arn:aws:ecr:eu-west-1:123456789012:repository/${name}`,
      createdAt: Date.parse('2025-01-01T00:00:00Z'),
      ...(policy ? { policy: '{"rules":[]}' } : {}),
      tags: [{ Key: 'team', Value: name }],
      images: Array.from({ length: count }, () => image(n++)),
    })),
  };
}

describe('ecr-simulator', () => {
  describe('auditAgainstSimulator', () => {
    // Runs the production client (adaptive retry) over tight throttles. It takes seconds of real time:
    // after the first throttling the SDK's adaptive limiter restarts the whole client from a crawl.
    it('audits every repository with the minimum calls and retries every throttled call when the limits are tight', async () => {
      // Arrange
      const registry = generateRegistry({ repositories: 30, images: 3_000, seed: 7 });
      const limits: OperationLimits = {
        DescribeRepositories: { ratePerSecond: 5, burst: 1 },
        DescribeImages: { ratePerSecond: 40, burst: 2 },
        GetLifecyclePolicy: { ratePerSecond: 40, burst: 2 },
        ListTagsForResource: { ratePerSecond: 40, burst: 2 },
        BatchGetImage: { ratePerSecond: 120, burst: 2 },
      };

      // Act
      const result = await auditAgainstSimulator({ registry, limits, latency: { minMs: 1, maxMs: 3 }, concurrency: 8 });

      // Assert
      const minimum = minimumCalls(registry);
      // The audit's reads, and the registry's BLOB_MOUNTING setting (read once, never throttled).
      const sum = (counts: Record<string, number>): number =>
        [...SIMULATED_OPERATIONS, 'GetAccountSetting'].reduce((s, op) => s + (counts[op] ?? 0), 0);
      expect(registry.repositories.some((r) => r.images.length === 0)).toBe(true);
      expect(registry.repositories.some((r) => r.images.length > 1000)).toBe(true);
      expect(result.report.errors).toEqual([]);
      expect(result.report.repositories).toHaveLength(30);
      expect(result.imagesRead).toBe(3_000);
      expect(result.manifestsRead).toBe(3_000);
      for (const op of SIMULATED_OPERATIONS) expect([op, result.calls[op]]).toEqual([op, minimum[op]]);
      expect(result.calls.total).toBe(minimum.total);
      expect(sum(result.stats.throttled)).toBeGreaterThan(0);
      expect(sum(result.retries)).toBe(sum(result.stats.throttled));
      expect(sum(result.stats.requests)).toBe(minimum.total + sum(result.retries));
    }, 60_000);

    it('makes no BatchGetImage call for an empty repository', async () => {
      // Arrange
      const registry = registryOf({ empty: 0, one: 1 });

      // Act
      const result = await auditAgainstSimulator({ registry, limits: OPEN, latency: { minMs: 0, maxMs: 0 }, concurrency: 2 });

      // Assert
      expect(result.calls).toEqual({
        BatchGetImage: 1,
        DescribeImages: 2,
        DescribeRepositories: 1,
        GetAccountSetting: 1,
        GetLifecyclePolicy: 2,
        ListTagsForResource: 2,
        total: 9,
      });
      expect(result.calls.total).toBe(minimumCalls(registry).total);
    });
  });

  describe('EcrSimulator', () => {
    it('pages DescribeImages at maxResults and gives a nextToken only while images remain', async () => {
      // Arrange
      const client = clientOf(
        new EcrSimulator({ registry: registryOf({ big: 2_001, exact: 1_000 }), limits: OPEN, latency: { minMs: 0, maxMs: 0 } }),
      );

      // Act
      const first = await client.send(new DescribeImagesCommand({ repositoryName: 'big', maxResults: 1000 }));
      const second = await client.send(new DescribeImagesCommand({ repositoryName: 'big', maxResults: 1000, nextToken: first.nextToken }));
      const third = await client.send(new DescribeImagesCommand({ repositoryName: 'big', maxResults: 1000, nextToken: second.nextToken }));
      const exact = await client.send(new DescribeImagesCommand({ repositoryName: 'exact', maxResults: 1000 }));
      const byDefault = await client.send(new DescribeImagesCommand({ repositoryName: 'big' }));

      // Assert
      expect([first.imageDetails?.length, second.imageDetails?.length, third.imageDetails?.length]).toEqual([1000, 1000, 1]);
      expect(first.nextToken).toBeDefined();
      expect(third.nextToken).toBeUndefined();
      expect(exact.imageDetails).toHaveLength(1000);
      expect(exact.nextToken).toBeUndefined();
      expect(byDefault.imageDetails).toHaveLength(100);
      expect(first.imageDetails?.[0]?.imagePushedAt).toEqual(new Date('2026-01-01T00:00:00Z'));
    });

    it.each([
      [undefined, ['tagged', 'untagged']],
      [{ imageStatus: 'ANY' as const }, ['tagged', 'untagged', 'archived']],
      [{ imageStatus: 'ARCHIVED' as const }, ['archived']],
      [{ tagStatus: 'UNTAGGED' as const, imageStatus: 'ANY' as const }, ['untagged', 'archived']],
      [{ tagStatus: 'TAGGED' as const }, ['tagged']],
    ])('honours the filter %p of DescribeImages (ACTIVE images only by default)', async (filter, expected) => {
      // Arrange
      const registry = registryOf({ app: 0 });
      const repository = registry.repositories[0];
      repository?.images.push(image(1, { tags: ['tagged'] }), image(2, { tags: [] }), image(3, { tags: [], status: 'ARCHIVED' }));
      const names = new Map(repository?.images.map((i, k) => [i.digest, ['tagged', 'untagged', 'archived'][k]]));
      const client = clientOf(new EcrSimulator({ registry, limits: OPEN, latency: { minMs: 0, maxMs: 0 } }));

      // Act
      const out = await client.send(new DescribeImagesCommand({ repositoryName: 'app', ...(filter === undefined ? {} : { filter }) }));

      // Assert
      expect(out.imageDetails?.map((d) => names.get(d.imageDigest ?? ''))).toEqual(expected);
    });

    it('returns the manifests BatchGetImage asks for and rejects more than 100 ids', async () => {
      // Arrange
      const registry = registryOf({ app: 101 });
      const images = registry.repositories[0]?.images ?? [];
      const client = clientOf(new EcrSimulator({ registry, limits: OPEN, latency: { minMs: 0, maxMs: 0 } }));
      const ids = images.map((i) => ({ imageDigest: i.digest }));

      // Act
      const out = await client.send(
        new BatchGetImageCommand({ repositoryName: 'app', imageIds: [...ids.slice(0, 2), { imageDigest: `sha256:${'0'.repeat(64)}` }] }),
      );
      const tooMany = await client
        .send(new BatchGetImageCommand({ repositoryName: 'app', imageIds: ids }))
        .catch((error: unknown) => error);

      // Assert
      expect(out.images?.map((i) => i.imageManifest)).toEqual([images[0]?.manifest, images[1]?.manifest]);
      expect(out.failures?.map((f) => f.failureCode)).toEqual(['ImageNotFound']);
      expect(tooMany).toBeInstanceOf(InvalidParameterException);
    });

    it('answers LifecyclePolicyNotFoundException for a repository without a policy and lists tags by ARN', async () => {
      // Arrange
      const registry = registryOf({ app: 0 }, false);
      const client = clientOf(new EcrSimulator({ registry, limits: OPEN, latency: { minMs: 0, maxMs: 0 } }));

      // Act
      const policy = await client.send(new GetLifecyclePolicyCommand({ repositoryName: 'app' })).catch((error: unknown) => error);
      const tags = await client.send(new ListTagsForResourceCommand({ resourceArn: registry.repositories[0]?.arn }));

      // Assert
      expect(policy).toBeInstanceOf(LifecyclePolicyNotFoundException);
      expect(tags.tags).toEqual([{ Key: 'team', Value: 'app' }]);
    });

    it('answers ThrottlingException (HTTP 400, x-amzn-errortype) when an operation exceeds its bucket', async () => {
      // Arrange
      const limits = { ...OPEN, DescribeRepositories: { ratePerSecond: 0.001, burst: 1 } };
      const simulator = new EcrSimulator({ registry: registryOf({ app: 0 }), limits, latency: { minMs: 0, maxMs: 0 } });
      const client = clientOf(simulator);
      await client.send(new DescribeRepositoriesCommand({}));

      // Act
      const second = await client.send(new DescribeRepositoriesCommand({})).catch((error: unknown) => error);

      // Assert
      expect(second).toBeInstanceOf(ECRServiceException);
      expect(second).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
      expect(simulator.stats.throttled).toEqual({ DescribeRepositories: 1 });
      expect(simulator.stats.requests).toEqual({ DescribeRepositories: 2 });
      const raw = await simulator.handle({
        headers: { 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories' },
        body: '{}',
      } as unknown as HttpRequest);
      expect(raw.response.statusCode).toBe(400);
      expect(raw.response.headers['x-amzn-errortype']).toBe('ThrottlingException');
      expect(JSON.parse(new TextDecoder().decode(raw.response.body as Uint8Array))).toEqual({
        __type: 'ThrottlingException',
        message: 'Rate exceeded',
      });
    });
  });

  describe('imageCounts', () => {
    it('splits exactly the total, skewed, with empty repositories and the page and batch boundaries', () => {
      // Arrange
      const random = rng(42);

      // Act
      const counts = imageCounts(2_000, 100_000, random);

      // Assert
      const sorted = [...counts].sort((a, b) => b - a);
      expect(counts.reduce((s, n) => s + n, 0)).toBe(100_000);
      expect(sorted[0]).toBeGreaterThan(2_000);
      expect(counts.filter((n) => n === 0).length).toBe(100);
      expect(counts).toContain(1000);
      expect(counts).toContain(100);
      expect(imageCounts(2_000, 100_000, rng(42))).toEqual(counts);
    });
  });

  describe('generateRegistry', () => {
    it('builds the same registry from the same seed, with digests that are the manifests’ sha256', () => {
      // Arrange
      const spec = { repositories: 20, images: 1_500, seed: 3 };

      // Act
      const registry = generateRegistry(spec);

      // Assert
      const images = registry.repositories.flatMap((r) => r.images);
      expect(imageTotal(registry)).toBe(1_500);
      expect(generateRegistry(spec)).toEqual(registry);
      for (const i of images) expect(i.digest).toBe(`sha256:${createHash('sha256').update(i.manifest).digest('hex')}`);
      expect(images.some((i) => i.tags.length === 0)).toBe(true);
      expect(images.some((i) => i.mediaType.includes('index') || i.mediaType.includes('list'))).toBe(true);
      expect(images.some((i) => i.subject !== undefined)).toBe(true);
      expect(images.some((i) => i.status === 'ARCHIVED')).toBe(true);
      expect(registry.repositories.some((r) => r.policy === undefined)).toBe(true);
    });
  });

  describe('minimumCalls', () => {
    it('counts one DescribeImages call for an empty repository and no BatchGetImage call', () => {
      // Arrange
      const registry = registryOf({ empty: 0, hundred: 100, exact: 1_000, over: 1_001 });

      // Act
      const minimum = minimumCalls(registry);

      // Assert
      expect(minimum).toEqual({
        DescribeRepositories: 1,
        GetLifecyclePolicy: 4,
        ListTagsForResource: 4,
        DescribeImages: 5,
        BatchGetImage: 22,
        GetAccountSetting: 1,
        total: 37,
      });
    });
  });

  describe('floorMs', () => {
    it('is the largest time any one operation needs at its rate', () => {
      // Arrange
      const limits = { ...OPEN, DescribeImages: { ratePerSecond: 100, burst: 100 }, BatchGetImage: { ratePerSecond: 1000, burst: 1000 } };

      // Act
      const floor = floorMs({ DescribeImages: 250, BatchGetImage: 3000, total: 3250 }, limits);

      // Assert
      expect(floor).toBe(3000);
    });
  });
});
