// The scale benchmark's core (scripts/bench/weekly-scale.ts) at a tiny size: the generated registry,
// the simulator's weekly operations, the minimum it compares with, and the two weekly runs through
// the real pipeline. The benchmark's figures are only as good as these checks.
import { ECRClient, InvalidParameterException, PutLifecyclePolicyCommand } from '@aws-sdk/client-ecr';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import {
  EcrSimulator,
  GeneratedRegistry,
  SERVED_OPERATIONS,
  generateRegistry,
  type OperationLimits,
} from '../../../../scripts/bench/ecr-simulator';
import { minimumWeeklyCalls, problemsOf, runScaleBench, type RunFigures } from '../../../../scripts/bench/weekly-scale';

const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

/** Limits no test reaches. */
const OPEN = Object.fromEntries(SERVED_OPERATIONS.map((op) => [op, { ratePerSecond: 1e6, burst: 1e6 }])) as OperationLimits;

describe('GeneratedRegistry', () => {
  it('makes the same repositories and images from the same seed, whatever its cache held', () => {
    const small = new GeneratedRegistry({ repositories: 30, images: 1_500, seed: 7, cacheImages: 1 });
    const large = new GeneratedRegistry({ repositories: 30, images: 1_500, seed: 7 });
    const other = new GeneratedRegistry({ repositories: 30, images: 1_500, seed: 8 });
    const digests = (r: GeneratedRegistry, i: number): string[] => r.imagesAt(i).map((image) => image.digest);

    // Every repository of the small cache is made again each time it is asked for, yet stays the same.
    for (let i = 0; i < 30; i++) {
      expect(small.repositoryAt(i)).toEqual(large.repositoryAt(i));
      expect(digests(small, i)).toEqual(digests(large, i));
      expect(small.imagesAt(i)).toHaveLength(small.imageCountAt(i));
    }
    expect(digests(small, 3)).toEqual(digests(large, 3));
    expect(small.stats.generated).toBeGreaterThan(30);
    expect(small.stats.cachedRepositories).toBe(1);
    expect([...Array(30).keys()].some((i) => digests(other, i).join() !== digests(large, i).join())).toBe(true);
  });

  it('holds no more images than its bound, however many repositories were asked for', () => {
    const registry = new GeneratedRegistry({ repositories: 200, images: 20_000, seed: 1, cacheImages: 1_000 });
    let total = 0;
    for (let i = 0; i < registry.size; i++) total += registry.imagesAt(i).length;

    expect(total).toBe(20_000);
    // At most the bound, or the one repository last asked for when it alone is larger.
    expect(registry.stats.cachedImages).toBeLessThanOrEqual(Math.max(1_000, registry.imageCountAt(199)));
  });

  it('keeps a written policy, and advanceWeek pushes new images into its share of repositories only', () => {
    const registry = new GeneratedRegistry({ repositories: 100, images: 5_000, seed: 3, newImageShare: 0.05, cacheImages: 1 });
    const before = [...Array(100).keys()].map((i) => new Set(registry.imagesAt(i).map((image) => image.digest)));
    registry.setPolicy(4, '{"rules":[]}');

    registry.advanceWeek();

    const pushed = [...Array(100).keys()].filter((i) => registry.newImageCountAt(i) > 0);
    expect(pushed).toHaveLength(5);
    expect(registry.week).toBe(2);
    for (let i = 0; i < 100; i++) {
      const images = registry.imagesAt(i);
      const fresh = images.filter((image) => !before[i]?.has(image.digest));
      // Nothing removed; exactly the new images are new, pushed during the week just ended.
      expect(images.length).toBe((before[i]?.size ?? 0) + registry.newImageCountAt(i));
      expect(fresh).toHaveLength(registry.newImageCountAt(i));
      for (const image of fresh) expect(image.pushedAt).toBeGreaterThan(registry.now - 7 * 86_400_000);
    }
    expect(registry.repositoryAt(4).policy).toBe('{"rules":[]}');
  });

  it('refuses counts and bounds that make no registry, naming them', () => {
    expect(() => new GeneratedRegistry({ repositories: -1, images: 0 })).toThrow('repositories must be a whole number');
    expect(() => new GeneratedRegistry({ repositories: 1, images: 0, newImageShare: 2 })).toThrow('newImageShare');
    expect(() => new GeneratedRegistry({ repositories: 1, images: 0, cacheImages: 0 })).toThrow('cacheImages');
    expect(() => new GeneratedRegistry({ repositories: 2, images: 0 }).repositoryAt(2)).toThrow('no repository at index 2');
  });

  it('is what generateRegistry holds whole', () => {
    const whole = generateRegistry({ repositories: 12, images: 600, seed: 5 });
    const generated = new GeneratedRegistry({ repositories: 12, images: 600, seed: 5 });
    expect(whole.repositories.map((r) => r.images.map((i) => i.digest))).toEqual(
      [...Array(12).keys()].map((i) => generated.imagesAt(i).map((image) => image.digest)),
    );
  });
});

describe('EcrSimulator: the weekly operations', () => {
  const registry = new GeneratedRegistry({ repositories: 450, images: 4_500, seed: 11 });
  const simulator = new EcrSimulator({ registry, limits: OPEN });

  it('GetResources lists only tagged repositories, at most 100 a page, the last page with an empty token', async () => {
    const tagging = new ResourceGroupsTaggingAPIClient({ region: registry.region, credentials: CREDENTIALS, requestHandler: simulator });
    const arns: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await tagging.send(
        new GetResourcesCommand({ ResourceTypeFilters: ['ecr:repository'], ResourcesPerPage: 100, PaginationToken: token }),
      );
      pages++;
      expect((page.ResourceTagMappingList ?? []).length).toBeLessThanOrEqual(100);
      arns.push(...(page.ResourceTagMappingList ?? []).map((m) => m.ResourceARN ?? ''));
      token = page.PaginationToken === '' ? undefined : page.PaginationToken;
    } while (token !== undefined);

    const tagged = [...Array(registry.size).keys()].map((i) => registry.repositoryAt(i)).filter((r) => r.tags.length > 0);
    expect(arns).toEqual(tagged.map((r) => r.arn));
    expect(pages).toBe(Math.ceil(tagged.length / 100));
    const other = await tagging.send(new GetResourcesCommand({ ResourceTypeFilters: ['s3:bucket'] }));
    expect(other.ResourceTagMappingList).toEqual([]);
    tagging.destroy();
  });

  it('PutLifecyclePolicy stores a valid policy and refuses an invalid one as ECR does', async () => {
    const ecr = new ECRClient({ region: registry.region, credentials: CREDENTIALS, requestHandler: simulator, maxAttempts: 1 });
    const name = registry.repositoryAt(9).name;
    const policy = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
          action: { type: 'expire' },
        },
      ],
    });

    await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText: policy }));
    const refused = ecr.send(
      new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText: '{"rules":[{"rulePriority":0}]}' }),
    );

    await expect(refused).rejects.toBeInstanceOf(InvalidParameterException);
    expect(registry.repositoryAt(9).policy).toBe(policy);
    ecr.destroy();
  });
});

describe('minimumWeeklyCalls', () => {
  it('counts the listing, tags in bulk, each repository and the writes due; later weeks read only new manifests', () => {
    const registry = new GeneratedRegistry({ repositories: 1_234, images: 30_000, seed: 2 });
    const all = minimumWeeklyCalls(registry, 'all');
    registry.advanceWeek();
    const later = minimumWeeklyCalls(registry, 'new');

    expect(all.DescribeRepositories).toBe(2);
    expect(all.GetLifecyclePolicy).toBe(1_234 + 2 * all.PutLifecyclePolicy);
    expect(all.ListTagsForResource).toBe(all.PutLifecyclePolicy);
    // About 40% of the repositories have no policy; 5% of those opted out.
    expect(all.PutLifecyclePolicy).toBeGreaterThan(400);
    expect(all.PutLifecyclePolicy).toBeLessThan(600);
    expect(all.BatchGetImage).toBeGreaterThanOrEqual(30_000 / 100);
    expect(later.BatchGetImage).toBeLessThan(all.BatchGetImage / 10);
    expect(later.BatchGetImage).toBeGreaterThanOrEqual(2); // the first repository pushed to gets 150 images
    // The registry's BLOB_MOUNTING setting: one read in Plan.
    expect(all.GetAccountSetting).toBe(1);
    expect(all.total).toBe(SERVED_OPERATIONS.reduce((sum, op) => sum + all[op], all.GetAccountSetting));
  });
});

describe('runScaleBench', () => {
  jest.setTimeout(60_000);

  async function tinyRun(limits: OperationLimits, retryMode?: 'standard'): Promise<Awaited<ReturnType<typeof runScaleBench>>> {
    return runScaleBench({
      ...(retryMode === undefined ? {} : { retryMode }),
      repositories: 60,
      images: 3_000,
      seed: 9,
      workers: 3,
      batchSize: 7,
      concurrency: 4,
      limits,
      latency: { minMs: 0, maxMs: 2 },
    });
  }

  it('runs both weeks through the pipeline with exactly the fewest calls, the second reading only new manifests', async () => {
    const { first, second, repositories, registry } = await tinyRun(OPEN);

    expect(problemsOf('week 1', first, repositories)).toEqual([]);
    expect(problemsOf('week 2', second, repositories)).toEqual([]);
    expect(first.shards).toEqual({ total: 9, failed: 0 });
    expect(first.manifests).toEqual({ cached: 0, fetched: 3_000 });
    expect(second.manifests.fetched).toBe(second.newImages);
    expect(second.newImages).toBeGreaterThan(0);
    // The policies written in week 1 are in place in week 2: nothing left to write.
    expect(first.remediation.applied).toBe(first.minimum.PutLifecyclePolicy);
    expect(first.remediation.applied).toBeGreaterThan(0);
    expect(second.calls.PutLifecyclePolicy ?? 0).toBe(0);
    expect(second.calls.total).toBeLessThan(first.calls.total ?? 0);
    expect(registry.stats.policiesWritten).toBe(first.remediation.applied);
    expect(first.report.repositories).toHaveLength(60);
  });

  it('counts the retries of throttled calls apart, so the calls still equal the minimum', async () => {
    const tight = { ...OPEN, GetLifecyclePolicy: { ratePerSecond: 400, burst: 2 }, DescribeImages: { ratePerSecond: 400, burst: 2 } };
    const { first, repositories } = await tinyRun(tight, 'standard');

    expect(first.server.throttled.GetLifecyclePolicy ?? 0).toBeGreaterThan(0);
    expect((first.retries.GetLifecyclePolicy ?? 0) + (first.retries.DescribeImages ?? 0)).toBeGreaterThan(0);
    expect(problemsOf('week 1', first, repositories)).toEqual([]);
  });
});

describe('problemsOf', () => {
  it('names every way a run falls short of its minimum or its report', async () => {
    const { first, repositories } = await runScaleBench({
      repositories: 10,
      images: 200,
      workers: 1,
      batchSize: 10,
      concurrency: 2,
      limits: OPEN,
      latency: { minMs: 0, maxMs: 1 },
    });
    const off: RunFigures = {
      ...first,
      calls: { ...first.calls, GetLifecyclePolicy: (first.calls.GetLifecyclePolicy ?? 0) + 1, total: (first.calls.total ?? 0) + 1 },
      manifests: { cached: 0, fetched: first.images - 1 },
      shards: { total: 1, failed: 1 },
    };

    const problems = problemsOf('week 1', off, repositories + 1);

    expect(problems).toEqual([
      expect.stringContaining('GetLifecyclePolicy calls'),
      expect.stringContaining('≠ minimumCalls'),
      `week 1: reported 10 of 11 repositories`,
      expect.stringContaining(`manifests for ${first.images} images`),
      expect.stringContaining('manifests read from ECR'),
      'week 1: 1 of 1 shards failed',
    ]);
  });
});
