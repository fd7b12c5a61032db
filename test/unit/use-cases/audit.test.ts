import type { ImageDetail } from '../../../src/domain/image';
import type { RepositoryState } from '../../../src/domain/registry';
import type { ReportError, ReportWarning } from '../../../src/domain/report-problems';
import { GIB } from '../../../src/domain/report';
import type { ApiCallCounter } from '../../../src/ports/registry';
import type { AuditOptions, ScanProgress } from '../../../src/use-cases/audit';
import { audit, scanRegistries } from '../../../src/use-cases/audit';
import { FakeRegistry, awsError } from '../support/fake-registry';
import { NOW, imageOf } from '../support/images';
import { blob, imageManifest, signatureOf } from '../support/manifests';
import { INVALID_POLICY, TAGGED_ONLY, UNTAGGED_30_DAYS, archiveUntagged, keepNewestTagged, policyText } from '../support/policies';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';

const base = blob('alpine-3.22', 3_000_000);

/** A valid policy the default rule cannot be merged into: its one untagged rule archives. */
const UNTAGGED_TRANSITION = policyText(keepNewestTagged(1, 'release', 1), archiveUntagged(2, 30));

/** An app image with `ownBytes` of its own (config + code) on a shared base. */
function app(name: string, ownBytes: number) {
  return imageManifest({ config: blob(`${name}-config`, 1_000), layers: [base, blob(`${name}-code`, ownBytes - 1_000)] });
}

/** A repository's images: one current tagged release and one 30-day-old orphan of `orphanBytes`. */
function releaseWithOrphan(name: string, orphanBytes: number): ImageDetail[] {
  return [
    imageOf(app(`${name}-current`, 10_000), { tags: ['latest'] }),
    imageOf(app(`${name}-orphan`, orphanBytes), { pushedDaysAgo: 30 }),
  ];
}

function options(overrides: Partial<AuditOptions> = {}): AuditOptions {
  return {
    now: NOW,
    days: 7,
    pricePerGbMonth: 0.1,
    selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
    concurrency: 4,
    generatedAt: NOW + 60_000,
    ...overrides,
  };
}

describe('audit', () => {
  describe('audit', () => {
    it('reports every readable repository of every region and records each failure without stopping', async () => {
      // Arrange
      const ireland = new FakeRegistry('eu-west-1', [
        { name: 'api', images: releaseWithOrphan('api', 500_000) },
        { name: 'web', policy: UNTAGGED_30_DAYS, images: [imageOf(app('web', 90_000), { tags: ['v1'] })] },
        { name: 'secret', images: releaseWithOrphan('secret', 900_000) },
        { name: 'gone', images: releaseWithOrphan('gone', 800_000) },
      ]);
      ireland.failRepository('secret', awsError('AccessDeniedException', 'User is not authorized to perform: ecr:DescribeImages'));
      ireland.failRepository(
        'gone',
        awsError('RepositoryNotFoundException', "The repository with name 'gone' does not exist"),
        'describeImages',
      );
      const virginia = new FakeRegistry('us-east-1', [
        { name: 'batch', policy: TAGGED_ONLY, images: releaseWithOrphan('batch', 200_000) },
        { name: 'throttled', images: releaseWithOrphan('throttled', 700_000) },
      ]);
      virginia.failRepository('throttled', awsError('ThrottlingException', 'Rate exceeded'), 'getManifests');
      const mumbai = new FakeRegistry('ap-south-1', [{ name: 'never-seen', images: releaseWithOrphan('never-seen', 1_000_000) }]);
      mumbai.failListing(awsError('UnrecognizedClientException', 'The security token included in the request is invalid'));

      // Act
      const report = await audit([ireland, virginia, mumbai], options());

      // Assert
      expect(report.repositories.map((r) => [r.region, r.repositoryName, r.reclaimableBytes])).toEqual([
        ['eu-west-1', 'api', 500_000],
        ['us-east-1', 'batch', 200_000],
        ['eu-west-1', 'web', 0],
      ]);
      expect(report.errors).toEqual<ReportError[]>([
        {
          region: 'ap-south-1',
          code: 'UnrecognizedClientException',
          message: 'region failure: its repositories could not be listed: The security token included in the request is invalid',
        },
        {
          region: 'eu-west-1',
          repositoryName: 'gone',
          code: 'RepositoryNotFoundException',
          message: "The repository with name 'gone' does not exist",
        },
        {
          region: 'eu-west-1',
          repositoryName: 'secret',
          code: 'AccessDeniedException',
          message: 'User is not authorized to perform: ecr:DescribeImages',
        },
        { region: 'us-east-1', repositoryName: 'throttled', code: 'ThrottlingException', message: 'Rate exceeded' },
      ]);
      expect(report.totals).toMatchObject({
        repositories: 3,
        repositoriesWithoutLifecyclePolicy: 1,
        repositoriesWithoutUntaggedCleanup: 2,
        reclaimableBytes: 700_000,
      });
    });

    it('orders repositories by reclaimable bytes, then stored bytes, then region and name', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [
        { name: 'small', images: releaseWithOrphan('small', 2_000) },
        { name: 'big', images: releaseWithOrphan('big', 9_000) },
        { name: 'heavy-clean', policy: UNTAGGED_30_DAYS, images: [imageOf(app('heavy', 5_000_000), { tags: ['v1'] })] },
        { name: 'b-empty', images: [] },
        { name: 'a-empty', images: [] },
      ]);

      // Act
      const report = await audit([registry], options());

      // Assert
      expect(report.repositories.map((r) => r.repositoryName)).toEqual(['big', 'small', 'heavy-clean', 'a-empty', 'b-empty']);
    });

    it('reports the run settings, ISO times and totals priced at 2^30 bytes per GB', async () => {
      // Arrange
      const oneGib = imageManifest({ config: blob('cfg', 1_024), layers: [blob('gib-layer', GIB - 1_024)] });
      const registry = new FakeRegistry('eu-west-1', [{ name: 'big', images: [imageOf(oneGib, { pushedDaysAgo: 30 })] }]);

      // Act
      const report = await audit([registry], options({ pricePerGbMonth: 0.5, days: 14 }));

      // Assert
      expect(report).toMatchObject({
        generatedAt: new Date(NOW + 60_000).toISOString(),
        now: new Date(NOW).toISOString(),
        days: 14,
        pricePerGbMonth: 0.5,
        apiCalls: {},
        apiRetries: {},
        errors: [],
        warnings: [],
      });
      expect(report.totals).toMatchObject({
        storedBytes: GIB,
        reclaimableBytes: GIB,
        monthlyCostUsd: 0.5,
        monthlySavingsUsd: 0.5,
        untaggedImages: 1,
        images: 1,
      });
    });

    it('flags opted-out and excluded repositories and leaves their untagged images alone in the estimate', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [
        { name: 'kept', tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }], images: releaseWithOrphan('kept', 4_000) },
        { name: 'legacy/tool', images: releaseWithOrphan('legacy', 6_000) },
        { name: 'normal', images: releaseWithOrphan('normal', 8_000) },
      ]);

      // Act
      const report = await audit([registry], options({ selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: ['legacy/*'] } }));

      // Assert
      const byName = new Map(report.repositories.map((r) => [r.repositoryName, r]));
      expect(byName.get('kept')).toMatchObject({ optedOut: true, excluded: false, reclaimableBytes: 0, untaggedImages: 1 });
      expect(byName.get('legacy/tool')).toMatchObject({ optedOut: false, excluded: true, reclaimableBytes: 0 });
      expect(byName.get('normal')).toMatchObject({ optedOut: false, excluded: false, reclaimableBytes: 8_000 });
    });

    it('records an invalid stored policy as an InvalidStoredPolicy warning, not an error, and still reports the repository', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [
        { name: 'broken', policy: INVALID_POLICY, images: releaseWithOrphan('broken', 4_000) },
      ]);

      // Act
      const report = await audit([registry], options());

      // Assert
      expect(report.repositories).toHaveLength(1);
      expect(report.errors).toEqual([]);
      expect(report.warnings).toEqual<ReportWarning[]>([
        { region: 'eu-west-1', repositoryName: 'broken', code: 'InvalidStoredPolicy', message: expect.stringMatching(/not valid/) },
      ]);
    });

    it('keeps errors for read failures and policy problems in warnings, each sorted by region and name', async () => {
      // Arrange
      const ireland = new FakeRegistry('eu-west-1', [
        { name: 'transition', policy: UNTAGGED_TRANSITION, images: releaseWithOrphan('transition', 3_000) },
        { name: 'broken', policy: INVALID_POLICY, images: releaseWithOrphan('broken', 4_000) },
        { name: 'secret', images: releaseWithOrphan('secret', 5_000) },
        { name: 'fine', policy: TAGGED_ONLY, images: releaseWithOrphan('fine', 6_000) },
      ]);
      ireland.failRepository('secret', awsError('AccessDeniedException', 'denied'));
      const virginia = new FakeRegistry('us-east-1', [
        { name: 'also-broken', policy: INVALID_POLICY, images: releaseWithOrphan('also-broken', 1_000) },
      ]);

      // Act
      const report = await audit([virginia, ireland], options());

      // Assert
      expect(report.errors).toEqual<ReportError[]>([
        { region: 'eu-west-1', repositoryName: 'secret', code: 'AccessDeniedException', message: 'denied' },
      ]);
      expect(report.warnings.map((w) => [w.region, w.repositoryName, w.code])).toEqual([
        ['eu-west-1', 'broken', 'InvalidStoredPolicy'],
        ['eu-west-1', 'transition', 'PolicyNotMergeable'],
        ['us-east-1', 'also-broken', 'InvalidStoredPolicy'],
      ]);
      expect(report.warnings[1]?.message).toMatch(/already selects untagged/);
      // Warned repositories were read: they are in the report and its totals; the failed one is not.
      expect(report.repositories.map((r) => r.repositoryName).sort()).toEqual(['also-broken', 'broken', 'fine', 'transition']);
      expect(report.totals.repositories).toBe(4);
    });

    it('warns about merge problems only where the janitor would merge, but about invalid policies everywhere', async () => {
      // Arrange
      const optOut = [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }];
      const registry = new FakeRegistry('eu-west-1', [
        { name: 'kept/transition', tags: optOut, policy: UNTAGGED_TRANSITION, images: releaseWithOrphan('a', 1_000) },
        { name: 'legacy/transition', policy: UNTAGGED_TRANSITION, images: releaseWithOrphan('b', 1_000) },
        { name: 'kept/broken', tags: optOut, policy: INVALID_POLICY, images: releaseWithOrphan('c', 1_000) },
        { name: 'legacy/broken', policy: INVALID_POLICY, images: releaseWithOrphan('d', 1_000) },
      ]);

      // Act
      const report = await audit([registry], options({ selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: ['legacy/*'] } }));

      // Assert
      expect(report.errors).toEqual([]);
      expect(report.warnings.map((w) => [w.repositoryName, w.code])).toEqual([
        ['kept/broken', 'InvalidStoredPolicy'],
        ['legacy/broken', 'InvalidStoredPolicy'],
      ]);
    });

    it('counts the referrers at risk per repository and in the totals', async () => {
      // Arrange: a kept release with an old untagged signature the default rule would expire.
      const release = app('signed-release', 10_000);
      const signature = signatureOf(release);
      const registry = new FakeRegistry('eu-west-1', [
        { name: 'signed', images: [imageOf(release, { tags: ['v1'], pushedDaysAgo: 30 }), imageOf(signature, { pushedDaysAgo: 30 })] },
        { name: 'plain', images: releaseWithOrphan('plain', 2_000) },
      ]);

      // Act
      const report = await audit([registry], options());

      // Assert
      const byName = new Map(report.repositories.map((r) => [r.repositoryName, r]));
      expect(byName.get('signed')).toMatchObject({ referrers: 1, referrersAtRisk: 1 });
      expect(byName.get('plain')).toMatchObject({ referrersAtRisk: 0 });
      expect(report.totals.referrersAtRisk).toBe(1);
    });

    it('never writes a policy', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'api', images: releaseWithOrphan('api', 4_000) }]);

      // Act
      await audit([registry], options());

      // Assert
      expect(registry.writes).toEqual([]);
      expect(registry.callsOf('putLifecyclePolicy')).toEqual([]);
    });

    it('reads every repository with a concurrency of one', async () => {
      // Arrange
      const names = ['a', 'b', 'c', 'd', 'e'];
      const registry = new FakeRegistry(
        'eu-west-1',
        names.map((name) => ({ name, images: releaseWithOrphan(name, 2_000) })),
      );

      // Act
      const report = await audit([registry], options({ concurrency: 1 }));

      // Assert
      expect(report.repositories.map((r) => r.repositoryName).sort()).toEqual(names);
    });

    it('hands each repository state, manifests attached, to onRepositoryState', async () => {
      // Arrange
      const images = releaseWithOrphan('api', 4_000);
      const registry = new FakeRegistry('eu-west-1', [{ name: 'api', policy: TAGGED_ONLY, tags: [{ Key: 'team', Value: 'a' }], images }]);
      const states: RepositoryState[] = [];

      // Act
      await audit([registry], options({ onRepositoryState: (s) => states.push(s) }));

      // Assert
      expect(states).toHaveLength(1);
      expect(states[0]).toMatchObject({
        repositoryName: 'api',
        region: 'eu-west-1',
        lifecyclePolicyText: TAGGED_ONLY,
        tags: [{ Key: 'team', Value: 'a' }],
      });
      expect(states[0]?.images.map((i) => i.imageManifest)).toEqual(images.map((i) => i.imageManifest));
    });

    it('hands a repository that could not be read to onRepositoryFailed, not to onRepositoryState', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'ok' }, { name: 'throttled' }]);
      registry.failRepository('throttled', awsError('ThrottlingException'), 'describeImages');
      const states: string[] = [];
      const failed: string[] = [];

      // Act
      const report = await audit(
        [registry],
        options({ onRepositoryState: (s) => states.push(s.repositoryName), onRepositoryFailed: (ref) => failed.push(ref.repositoryName) }),
      );

      // Assert
      expect(states).toEqual(['ok']);
      expect(failed).toEqual(['throttled']);
      expect(report.errors.map((e) => e.repositoryName)).toEqual(['throttled']);
    });

    it('reports API calls and retries from the counter', async () => {
      // Arrange
      const counts = { calls: { DescribeImages: 3, total: 3 }, retries: { DescribeImages: 1 } };
      const counter: ApiCallCounter = { snapshot: () => counts, since: () => counts };

      // Act
      const report = await audit([new FakeRegistry('eu-west-1')], options({ counter }));

      // Assert
      expect(report.apiCalls).toEqual({ DescribeImages: 3, total: 3 });
      expect(report.apiRetries).toEqual({ DescribeImages: 1 });
    });

    it('reports progress per region, from zero to every repository', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'a' }, { name: 'b' }]);
      registry.failRepository('b', awsError('AccessDeniedException'));
      const progress: ScanProgress[] = [];

      // Act
      await audit([registry], options({ onProgress: (p) => progress.push(p) }));

      // Assert
      expect(progress[0]).toEqual({ region: 'eu-west-1', done: 0, total: 2 });
      expect(progress[progress.length - 1]).toEqual({ region: 'eu-west-1', done: 2, total: 2 });
      expect(progress).toHaveLength(3);
    });

    it('reports a region whose listing fails as a region failure, not as an empty region', async () => {
      // Arrange
      const registry = new FakeRegistry('ap-south-1', [{ name: 'a' }]);
      registry.failListing(awsError('UnrecognizedClientException', 'region not enabled'));
      const progress: ScanProgress[] = [];

      // Act
      const report = await audit([registry], options({ onProgress: (p) => progress.push(p) }));

      // Assert
      expect(progress).toEqual([{ region: 'ap-south-1', done: 0, total: 0, listingError: report.errors[0] }]);
      expect(report.errors[0]?.message).toBe('region failure: its repositories could not be listed: region not enabled');
    });
  });

  describe('scanRegistries', () => {
    it('records an error thrown while visiting a repository and visits the others', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
      const visited: string[] = [];
      const errors: ReportError[] = [];

      // Act
      await scanRegistries([registry], {
        concurrency: 2,
        visit: (state) => {
          if (state.repositoryName === 'b') throw new TypeError('boom');
          visited.push(state.repositoryName);
        },
        errors,
      });

      // Assert
      expect(visited.sort()).toEqual(['a', 'c']);
      expect(errors).toEqual([{ region: 'eu-west-1', repositoryName: 'b', code: 'TypeError', message: 'boom' }]);
    });

    it('records a thrown non-Error value with a generic code', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1');
      registry.listRepositories = () => Promise.reject('offline');
      const errors: ReportError[] = [];

      // Act
      await scanRegistries([registry], { concurrency: 1, visit: () => undefined, errors });

      // Assert
      expect(errors).toEqual([
        { region: 'eu-west-1', code: 'Error', message: 'region failure: its repositories could not be listed: offline' },
      ]);
    });
  });

  describe('stopping early', () => {
    /** A registry whose describeImages waits until `release` is called, so repositories stay in hand. */
    function heldRegistry(names: string[]) {
      const registry = new FakeRegistry(
        'eu-west-1',
        names.map((name) => ({ name })),
      );
      const gates: Array<() => void> = [];
      const describe = registry.describeImages.bind(registry);
      registry.describeImages = (name) => new Promise((resolve) => gates.push(() => resolve(describe(name))));
      return { registry, started: () => gates.length, releaseAll: () => gates.splice(0).forEach((open) => open()) };
    }

    it('starts no repository after the signal fires, stops waiting for those in hand, and marks the report incomplete', async () => {
      // Arrange: two in hand at once; the signal fires while they are.
      const { registry, started, releaseAll } = heldRegistry(['a', 'b', 'c', 'd', 'e']);
      const controller = new AbortController();
      const run = audit([registry], options({ concurrency: 2, signal: controller.signal }));
      while (started() < 2) await new Promise((resolve) => setImmediate(resolve));

      // Act
      controller.abort('deadline');
      const report = await run;
      releaseAll();

      // Assert
      expect(report.complete).toBe(false);
      expect(report.repositories).toEqual([]);
      expect(report.notReached).toEqual(
        ['a', 'b', 'c', 'd', 'e'].map((repositoryName) => ({ region: 'eu-west-1', repositoryName, reason: 'deadline' })),
      );
      expect(started()).toBe(0);
      expect(registry.callsOf('describeImages').map((c) => c.repositoryName)).toEqual(['a', 'b']);
    });

    it('says "interrupted" when the signal was an interruption, and lists a region it never listed', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [{ name: 'a' }]);
      const controller = new AbortController();
      controller.abort('interrupted');

      // Act
      const report = await audit([registry], options({ signal: controller.signal }));

      // Assert
      expect(report.notReached).toEqual([{ region: 'eu-west-1', reason: 'interrupted' }]);
      expect(report.complete).toBe(false);
    });

    it('is complete when the signal never fires', async () => {
      // Act
      const report = await audit([new FakeRegistry('eu-west-1', [{ name: 'a' }])], options({ signal: new AbortController().signal }));

      // Assert
      expect(report).toMatchObject({ complete: true, notReached: [] });
    });

    it("gives a region up after timeouts in a row: its other repositories are not tried, the other regions' are", async () => {
      // Arrange: every call about Ireland's repositories times out; Virginia answers.
      const names = ['a', 'b', 'c', 'd', 'e', 'f'];
      const ireland = new FakeRegistry(
        'eu-west-1',
        names.map((name) => ({ name })),
      );
      for (const name of names) ireland.failRepository(name, awsError('TimeoutError', 'exceeded the configured 10000 ms requestTimeout'));
      const virginia = new FakeRegistry('us-east-1', [{ name: 'ok' }]);

      // Act
      const report = await audit([ireland, virginia], options({ concurrency: 1 }));

      // Assert
      expect(report.errors.map((e) => [e.repositoryName, e.code])).toEqual([
        ['a', 'TimeoutError'],
        ['b', 'TimeoutError'],
        ['c', 'TimeoutError'],
      ]);
      expect(report.errors[0]?.message).toMatch(/^timed out: /);
      expect(report.notReached).toEqual(
        ['d', 'e', 'f'].map((repositoryName) => ({ region: 'eu-west-1', repositoryName, reason: 'region-unresponsive' })),
      );
      expect(report.repositories.map((r) => r.repositoryName)).toEqual(['ok']);
      expect(ireland.callsOf('describeImages').map((c) => c.repositoryName)).toEqual(['a', 'b', 'c']);
    });

    it('keeps trying a region whose timeouts are broken by an answer', async () => {
      // Arrange: a, b time out, c answers, d, e time out: never three in a row.
      const ireland = new FakeRegistry(
        'eu-west-1',
        ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name })),
      );
      for (const name of ['a', 'b', 'd', 'e']) ireland.failRepository(name, awsError('TimeoutError'));

      // Act
      const report = await audit([ireland], options({ concurrency: 1 }));

      // Assert
      expect(report.notReached).toEqual([]);
      expect(report.errors).toHaveLength(4);
      expect(report.complete).toBe(true);
    });
  });
});
