import { MemoryObjectStore } from '../../../../src/adapters/memory/memory-store';
import type { Tag } from '../../../../src/domain/registry';
import type { RepositoryTagIndex } from '../../../../src/ports/registry';
import { manifestCacheKey, shardKey } from '../../../../src/domain/weekly';
import { DEFAULT_OPT_OUT_TAG } from '../../../../src/domain/defaults';
import type { AdviceFile } from '../../../../src/domain/advice';
import { advise } from '../../../../src/use-cases/advise';
import { audit } from '../../../../src/use-cases/audit';
import { runWeekly } from '../../../../src/use-cases/weekly/run';
import { FakeRegistry, awsError } from '../../support/fake-registry';
import { NOW, imageOf } from '../../support/images';
import { TAGGED_ONLY, UNTAGGED_30_DAYS } from '../../support/policies';
import { expectNoRawControls, HOSTILE } from '../../../support/hostile-text';
import { SETTINGS, app, deps, ireland, releaseWithOrphan, run } from './support';

/** The tags of a region, by repository ARN, as the tagging API answers them. */
class FakeTagIndex implements RepositoryTagIndex {
  calls = 0;
  constructor(
    readonly region: string,
    private readonly tags: Map<string, Tag[]> | Error,
  ) {}
  async repositoryTags(): Promise<Map<string, Tag[]>> {
    this.calls++;
    if (this.tags instanceof Error) throw this.tags;
    return this.tags;
  }
}

function arn(registry: FakeRegistry, name: string): string {
  return `arn:aws:ecr:${registry.region}:${registry.accountId}:repository/${name}`;
}

function tagIndexOf(registry: FakeRegistry, repositories: Array<[string, Tag[]]>): FakeTagIndex {
  return new FakeTagIndex(registry.region, new Map(repositories.map(([name, tags]) => [arn(registry, name), tags])));
}

describe('the weekly run', () => {
  describe('runWeekly', () => {
    it('reports exactly what a single audit reports, and remediates the same repositories', async () => {
      // Arrange: the same registry, audited once whole and once in shards of two.
      const single = ireland();
      const sharded = ireland();
      const tags = tagIndexOf(sharded, [
        ['api', [{ Key: 'team', Value: 'core' }]],
        ['web', [{ Key: 'team', Value: 'web' }]],
        ['kept', [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }]],
      ]);
      const expected = await audit([single], {
        ...SETTINGS,
        lintMaxUntaggedDays: 30,
        concurrency: 1,
        generatedAt: NOW,
      });

      // Act
      const outcome = await runWeekly(deps(sharded, undefined, tags), run());

      // Assert
      expect(outcome.report.repositories).toEqual(expected.repositories);
      expect(outcome.report.totals).toEqual(expected.totals);
      expect(outcome.report.costGroups).toEqual(expected.costGroups);
      expect(outcome.shardCount).toEqual({ total: 3, failed: 0 });
      expect(sharded.writes.map((w) => w.repositoryName).sort()).toEqual(['api', 'batch', 'etl', 'ml']);
      expect(outcome.remediation).toEqual({ applied: 4, compliant: 1, 'skipped-opt-out': 1 });
      expect(outcome.detail.remediation).toEqual({ applied: 4, compliant: 1, 'skipped-opt-out': 1 });
    });

    it('advises every repository as a single advise does, writes the advice file next to the report and links it', async () => {
      // Arrange: the same registry, advised once whole and once in the shards of a weekly run.
      const single = ireland();
      const sharded = ireland();
      const store = new MemoryObjectStore();
      const settings = { ...SETTINGS, advice: { keepPulledDays: 90, rollbackMargin: 3 } };
      const expected = await advise([single], {
        ...settings,
        ...settings.advice,
        lintMaxUntaggedDays: 30,
        concurrency: 1,
        generatedAt: NOW,
      });

      // Act
      const outcome = await runWeekly(deps(sharded, store), run({ settings }));

      // Assert
      const key = 'reports/2026-03-01/advice.json';
      const file = JSON.parse((await store.get(key)) ?? '{}') as AdviceFile;
      expect(file.repositories).toEqual(expected.file.repositories);
      expect(file.totals).toEqual(expected.file.totals);
      const section = outcome.report.recommendedPolicies;
      expect(section?.totals).toEqual(expected.file.totals);
      expect(section?.byOwner.map((o) => o.owner).sort()).toEqual(
        [
          ...new Set(
            expected.file.repositories
              .filter((r) => r.advice === 'policy')
              .map((r) => expected.owners.get(`${r.region}/${r.repositoryName}`)),
          ),
        ].sort(),
      );
      expect(section?.location).toBe(`${store.location}/${key}`);
      expect(section?.link).toBe(store.linkTo(key));
    });

    it('writes no advice file for a plan without advice settings (a plan of an earlier version)', async () => {
      const store = new MemoryObjectStore();
      const outcome = await runWeekly(deps(ireland(), store), run());
      expect(await store.get('reports/2026-03-01/advice.json')).toBeUndefined();
      expect(outcome.report.recommendedPolicies).toBeUndefined();
    });

    it('reads tags in bulk: ListTagsForResource only to re-check the opt-out just before a write', async () => {
      // Arrange
      const registry = ireland();
      const tags = tagIndexOf(registry, [['kept', [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }]]]);

      // Act
      await runWeekly(deps(registry, undefined, tags), run());

      // Assert
      expect(tags.calls).toBe(1);
      expect(
        registry
          .callsOf('listTags')
          .map((c) => c.repositoryName)
          .sort(),
      ).toEqual(['api', 'batch', 'etl', 'ml']);
      expect(registry.policyOf('kept')).toBeUndefined();
    });

    it("lists each repository's tags when the tagging API does not answer, and says so", async () => {
      // Arrange
      const registry = ireland();
      const tags = new FakeTagIndex('eu-west-1', awsError('AccessDeniedException', 'not authorized to perform tag:GetResources'));

      // Act
      const { report } = await runWeekly(deps(registry, undefined, tags), run());

      // Assert
      expect(report.warnings).toContainEqual(
        expect.objectContaining({
          region: 'eu-west-1',
          code: 'TagsReadOneByOne',
          message: expect.stringContaining('AccessDeniedException'),
        }),
      );
      expect(report.repositories.find((r) => r.repositoryName === 'kept')?.optedOut).toBe(true);
      expect(registry.policyOf('kept')).toBeUndefined();
      expect(report.errors).toEqual([]);
    });

    it('does not take an empty tagging answer for "no tags" when a repository has tags (an emulator answers so)', async () => {
      // Arrange: api (first in the listing) has tags, the tagging API lists none.
      const registry = ireland();
      const tags = new FakeTagIndex('eu-west-1', new Map());

      // Act
      const { report } = await runWeekly(deps(registry, undefined, tags), run());

      // Assert
      expect(report.warnings).toContainEqual(
        expect.objectContaining({
          code: 'TagsReadOneByOne',
          message: expect.stringContaining('listed no repository although api has tags'),
        }),
      );
      expect(report.repositories.find((r) => r.repositoryName === 'kept')?.optedOut).toBe(true);
    });

    it('takes an empty tagging answer when the repositories it samples have no tags either', async () => {
      // Arrange
      const registry = new FakeRegistry('eu-west-1', [
        { name: 'a1', images: releaseWithOrphan('a1') },
        { name: 'a2', images: releaseWithOrphan('a2') },
        { name: 'a3', images: releaseWithOrphan('a3') },
        { name: 'a4', policy: UNTAGGED_30_DAYS, images: releaseWithOrphan('a4') },
      ]);
      const tags = new FakeTagIndex('eu-west-1', new Map());

      // Act
      const { report } = await runWeekly(deps(registry, undefined, tags), run());

      // Assert: three sampled in Plan, then only the three written re-checked; a4 (compliant) never.
      expect(report.warnings.filter((w) => w.code === 'TagsReadOneByOne')).toEqual([]);
      const listed = registry.callsOf('listTags').map((c) => c.repositoryName);
      expect(listed.slice(0, 3)).toEqual(['a1', 'a2', 'a3']);
      expect(listed.slice(3).sort()).toEqual(['a1', 'a2', 'a3']);
    });

    it('reads each manifest once: the second run fetches only the digests it has not seen', async () => {
      // Arrange
      const registry = ireland();
      const store = new MemoryObjectStore();
      await runWeekly(deps(registry, store), run({ runId: 'week-1' }));
      const fresh = imageOf(app('etl-next', 20_000), { tags: ['next'] });
      registry.addRepository({ name: 'etl', images: [...releaseWithOrphan('etl'), fresh], policy: registry.policyOf('etl') });
      registry.calls.length = 0;

      // Act
      const second = await runWeekly(deps(registry, store), run({ runId: 'week-2' }));

      // Assert
      const fetched = registry.callsOf('getManifests');
      expect(fetched.map((c) => c.repositoryName)).toEqual(['etl']);
      expect(second.manifests).toEqual({ cached: 12, fetched: 1 });
      expect(second.report.repositories.find((r) => r.repositoryName === 'etl')?.images).toBe(3);
    });

    it('ignores a corrupt manifest cache, reads the manifests again and rebuilds it', async () => {
      // Arrange
      const registry = ireland();
      const store = new MemoryObjectStore();
      await runWeekly(deps(registry, store), run({ runId: 'week-1' }));
      const key = manifestCacheKey('eu-west-1', 'api');
      const good = await store.get(key);
      await store.put(key, '{"format":"ecr-janitor-manifest-cache/1","manifests":{"sha256:x":{}}', 'application/json');
      registry.calls.length = 0;

      // Act
      const second = await runWeekly(deps(registry, store), run({ runId: 'week-2' }));

      // Assert
      expect(registry.callsOf('getManifests').map((c) => c.repositoryName)).toEqual(['api']);
      expect(second.report.warnings).toContainEqual(expect.objectContaining({ repositoryName: 'api', code: 'ManifestCacheIgnored' }));
      expect(await store.get(key)).toBe(good);
    });

    it('says so when the manifest cache cannot be read, as the manifests are then read again from ECR', async () => {
      // Arrange: the bucket throttles the read of api's cache in the second week.
      const registry = ireland();
      const store = new MemoryObjectStore();
      await runWeekly(deps(registry, store), run({ runId: 'week-1' }));
      const key = manifestCacheKey('eu-west-1', 'api');
      const get = store.get.bind(store);
      store.get = async (k) => {
        if (k === key) throw awsError('SlowDown', 'Please reduce your request rate.');
        return get(k);
      };
      registry.calls.length = 0;

      // Act
      const second = await runWeekly(deps(registry, store), run({ runId: 'week-2' }));

      // Assert
      expect(registry.callsOf('getManifests').map((c) => c.repositoryName)).toEqual(['api']);
      expect(second.report.warnings).toContainEqual(
        expect.objectContaining({ repositoryName: 'api', code: 'ManifestCacheIgnored', message: expect.stringContaining('SlowDown') }),
      );
    });

    it('reports every repository of a shard that failed after its retries as an error, and the rest as usual', async () => {
      // Arrange: the bucket refuses the result of the shard holding api and batch (sorted: api, batch | etl, kept | ml, web).
      const registry = ireland();
      const store = new MemoryObjectStore();
      const failing = shardKey('run-1', [
        { region: 'eu-west-1', repositoryName: 'api' },
        { region: 'eu-west-1', repositoryName: 'batch' },
      ]);
      const put = store.put.bind(store);
      store.put = async (key, body, type) => {
        if (key === failing) throw awsError('InternalError', 'We encountered an internal error. Please try again.');
        return put(key, body, type);
      };

      // Act
      const outcome = await runWeekly(deps(registry, store), run());

      // Assert
      expect(outcome.shardCount).toEqual({ total: 3, failed: 1 });
      expect(outcome.report.errors).toEqual([
        expect.objectContaining({ repositoryName: 'api', code: 'ShardFailed', message: expect.stringContaining('InternalError') }),
        expect.objectContaining({ repositoryName: 'batch', code: 'ShardFailed' }),
      ]);
      expect(outcome.report.repositories.map((r) => r.repositoryName).sort()).toEqual(['etl', 'kept', 'ml', 'web']);
      expect(outcome.detail.errorCount).toBe(2);
    });

    it('keeps going when one repository fails: an error in its shard, never a failed shard', async () => {
      // Arrange
      const registry = ireland();
      registry.failRepository('etl', awsError('AccessDeniedException', 'not authorized'), 'describeImages');

      // Act
      const outcome = await runWeekly(deps(registry), run());

      // Assert
      expect(outcome.shardCount.failed).toBe(0);
      expect(outcome.report.errors).toEqual([expect.objectContaining({ repositoryName: 'etl', code: 'AccessDeniedException' })]);
      expect(outcome.report.repositories).toHaveLength(5);
    });

    it('stores its plan, items, results and caches with control and bidirectional characters as JSON escapes, and reads them back the same', async () => {
      // Arrange: a repository whose name, tag and policy carry them, audited once whole and once through the stored objects
      const hostileRegistry = (): FakeRegistry =>
        new FakeRegistry('eu-west-1', [
          {
            name: `team/${HOSTILE}`,
            policy: JSON.stringify({ rules: [{ ...(JSON.parse(TAGGED_ONLY) as { rules: object[] }).rules[0], description: HOSTILE }] }),
            images: releaseWithOrphan('hostile'),
            tags: [{ Key: 'team', Value: HOSTILE }],
          },
          { name: 'api', images: releaseWithOrphan('api') },
        ]);
      const single = hostileRegistry();
      const sharded = hostileRegistry();
      const store = new MemoryObjectStore();
      const expected = await audit([single], { ...SETTINGS, lintMaxUntaggedDays: 30, concurrency: 1, generatedAt: NOW });

      // Act
      const outcome = await runWeekly(deps(sharded, store), run({ batchSize: 1 }));

      // Assert
      const keys = await store.list('');
      const stored = keys.filter((k) => k.startsWith('runs/') || k.startsWith('cache/'));
      expect(stored.some((k) => k.startsWith('runs/') && k.includes('items'))).toBe(true);
      for (const key of stored) {
        const text = (await store.get(key)) ?? '';
        expectNoRawControls(text);
      }
      const escapedSomewhere = await Promise.all(stored.map(async (k) => ((await store.get(k)) ?? '').includes('\\u202e')));
      expect(escapedSomewhere.filter(Boolean).length).toBeGreaterThanOrEqual(2);
      expect(outcome.report.repositories).toEqual(expected.repositories);
      expect(outcome.report.repositories.map((r) => r.repositoryName)).toContain(`team/${HOSTILE}`);
    });
  });
});
