import { MemoryEventPublisher, MemoryObjectStore } from '../../../../src/adapters/memory/memory-store';
import { InvalidInputError } from '../../../../src/domain/errors';
import type { ImageDetail } from '../../../../src/domain/image';
import type { Tag } from '../../../../src/domain/registry';
import type { ReportArtifactFormat, ReportRenderer } from '../../../../src/ports/report';
import type { RepositoryTagIndex } from '../../../../src/ports/registry';
import { manifestCacheKey, runKeys, shardKey } from '../../../../src/domain/weekly';
import type { AdviceFile } from '../../../../src/domain/advice';
import { advise } from '../../../../src/use-cases/advise';
import { audit } from '../../../../src/use-cases/audit';
import { aggregateWeeklyRun } from '../../../../src/use-cases/weekly/aggregate';
import { auditShard } from '../../../../src/use-cases/weekly/audit-shard';
import { planWeeklyRun, type PlanSettings } from '../../../../src/use-cases/weekly/plan';
import { runWeekly, type WeeklyRunOptions } from '../../../../src/use-cases/weekly/run';
import { FakeRegistry, awsError } from '../../support/fake-registry';
import { NOW, imageOf } from '../../support/images';
import { blob, imageManifest } from '../../support/manifests';
import { TAGGED_ONLY, UNTAGGED_30_DAYS } from '../../support/policies';
import { PLAN_SETTINGS } from '../../support/weekly';
import { DEFAULT_OPT_OUT_TAG, MAX_BATCH_SIZE } from '../../../../src/domain/defaults';

const base = blob('base', 3_000_000);
const app = (name: string, bytes: number) => imageManifest({ config: blob(`${name}-config`, 1_000), layers: [base, blob(name, bytes)] });
const releaseWithOrphan = (name: string): ImageDetail[] => [
  imageOf(app(`${name}-current`, 10_000), { tags: ['latest'] }),
  imageOf(app(`${name}-orphan`, 500_000), { pushedDaysAgo: 30 }),
];

const SETTINGS: PlanSettings = { ...PLAN_SETTINGS, costAllocationTagKeys: ['team'] };
const instant = { sleep: async () => undefined, now: () => NOW, random: () => 0.5 };

/** Renders each artifact as its format's name (the renderers have their own tests). */
const renderer: ReportRenderer = {
  render: (_report: unknown, format: ReportArtifactFormat) => format,
  renderMessage: () => ({ subject: 's', text: 't' }),
};

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

/** Ireland: six repositories, one opted out by tag, one compliant, one whose images cannot be read. */
function ireland(): FakeRegistry {
  return new FakeRegistry('eu-west-1', [
    { name: 'api', images: releaseWithOrphan('api'), tags: [{ Key: 'team', Value: 'core' }] },
    { name: 'web', policy: UNTAGGED_30_DAYS, images: releaseWithOrphan('web'), tags: [{ Key: 'team', Value: 'web' }] },
    { name: 'batch', policy: TAGGED_ONLY, images: releaseWithOrphan('batch') },
    { name: 'kept', images: releaseWithOrphan('kept'), tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }] },
    { name: 'etl', images: releaseWithOrphan('etl') },
    { name: 'ml', images: releaseWithOrphan('ml') },
  ]);
}

function tagIndexOf(registry: FakeRegistry, repositories: Array<[string, Tag[]]>): FakeTagIndex {
  return new FakeTagIndex(registry.region, new Map(repositories.map(([name, tags]) => [arn(registry, name), tags])));
}

function deps(registry: FakeRegistry, store = new MemoryObjectStore(), tags?: RepositoryTagIndex) {
  return {
    registries: [{ reader: registry, writer: registry, ...(tags ? { tags } : {}) }],
    store,
    publish: { store, publisher: new MemoryEventPublisher(), renderer },
  };
}

/** Plans run-1 of `registry` into `store`: its items, and what a shard of it reads from. */
async function planned(registry: FakeRegistry, store: MemoryObjectStore) {
  const { items } = await planWeeklyRun({ registries: [{ reader: registry }], store }, 'run-1', SETTINGS, NOW);
  return { items, shardDeps: { store, registry: () => ({ reader: registry }) } };
}

function run(overrides: Partial<WeeklyRunOptions> = {}): WeeklyRunOptions {
  return { runId: 'run-1', settings: SETTINGS, batchSize: 2, workers: 2, concurrency: 2, pacing: instant, now: () => NOW, ...overrides };
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
  });

  describe('auditShard', () => {
    it('writes its result under a key of its items, so a retry replaces it', async () => {
      // Arrange
      const registry = ireland();
      const store = new MemoryObjectStore();
      const { items, shardDeps } = await planned(registry, store);

      // Act
      const first = await auditShard(shardDeps, 'run-1', items.slice(0, 3), { concurrency: 2 });
      const again = await auditShard(shardDeps, 'run-1', [...items.slice(0, 3)].reverse(), { concurrency: 2 });

      // Assert
      expect(again.key).toBe(first.key);
      expect(await store.list(runKeys('run-1').shards)).toEqual([first.key]);
      expect(first.repositories).toBe(3);
    });

    it.each([
      ['an empty batch', []],
      ['an item without an ARN', [{ accountId: '1', region: 'eu-west-1', repositoryName: 'x' }]],
      ['an item of another region', [{ accountId: '1', region: 'us-west-2', repositoryName: 'x', repositoryArn: 'arn' }]],
      ['a repository twice', [0, 1].map(() => ({ accountId: '1', region: 'eu-west-1', repositoryName: 'x', repositoryArn: 'arn' }))],
      [
        `more than ${MAX_BATCH_SIZE} items`,
        Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => ({
          accountId: '1',
          region: 'eu-west-1',
          repositoryName: `r${i}`,
          repositoryArn: 'arn',
        })),
      ],
    ])('refuses %s and writes nothing', async (_case, batch) => {
      // Arrange
      const registry = ireland();
      const store = new MemoryObjectStore();
      const { shardDeps } = await planned(registry, store);

      // Act
      const attempt = auditShard(shardDeps, 'run-1', batch, { concurrency: 1 });

      // Assert: an input error, which the state machine does not retry.
      await expect(attempt).rejects.toThrow(/item|batch/);
      await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
      expect(await store.list(runKeys('run-1').shards)).toEqual([]);
    });

    it.each([
      ['without its selection', (settings: Record<string, unknown>) => delete settings.selection],
      ['with a price that is not a number', (settings: Record<string, unknown>) => (settings.pricePerGbMonth = '0.10')],
      ['with a guard without its horizon', (settings: Record<string, unknown>) => (settings.guard = { mode: 'on', sources: [] })],
    ])('refuses a plan whose settings are %s, naming the plan, and writes nothing', async (_case, damage) => {
      // Arrange
      const registry = ireland();
      const store = new MemoryObjectStore();
      const { items, shardDeps } = await planned(registry, store);
      const plan = JSON.parse((await store.get(runKeys('run-1').plan)) ?? '{}') as { settings: Record<string, unknown> };
      damage(plan.settings);
      await store.put(runKeys('run-1').plan, JSON.stringify(plan), 'application/json');

      // Act
      const attempt = auditShard(shardDeps, 'run-1', items.slice(0, 2), { concurrency: 1 });

      // Assert
      await expect(attempt).rejects.toThrow('the plan of run run-1 is not a plan of format');
      await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
      expect(await store.list(runKeys('run-1').shards)).toEqual([]);
    });

    it('refuses to run without the plan of its run', async () => {
      const store = new MemoryObjectStore();
      await expect(auditShard({ store, registry: () => ({ reader: ireland() }) }, 'run-9', [], { concurrency: 1 })).rejects.toThrow(
        'run run-9 has no plan',
      );
    });
  });

  describe('aggregateWeeklyRun', () => {
    it('still reports when the map stopped: every repository without a result is an error saying why', async () => {
      // Arrange: a plan, no shard ever ran.
      const registry = ireland();
      const store = new MemoryObjectStore();
      await planned(registry, store);
      const publisher = new MemoryEventPublisher();

      // Act
      const outcome = await aggregateWeeklyRun(
        { store, publish: { store, publisher, renderer } },
        { runId: 'run-1', mapError: { error: 'States.ExceedToleratedFailureThreshold', cause: 'too many shards failed' } },
        { generatedAt: NOW },
      );

      // Assert
      expect(outcome.report.errors).toHaveLength(6);
      expect(outcome.report.errors[0]?.message).toBe(
        'not audited: the map stopped (States.ExceedToleratedFailureThreshold: too many shards failed); the next run reads it again',
      );
      expect(outcome.shards).toEqual({ results: 0, unusable: 0, missing: 6 });
      expect(publisher.events).toHaveLength(1);
    });

    it('finds the result files of a map that stopped, so the repositories of a failed shard say why', async () => {
      // Arrange: no shard left a result; the ResultWriter recorded one batch as failed (the Catch's
      // output carries no ResultWriterDetails, so Aggregate must find its manifest itself).
      const registry = ireland();
      const store = new MemoryObjectStore();
      const { items } = await planned(registry, store);
      const results = `${runKeys('run-1').results}/0f3c-map-run`;
      const failed = [
        {
          Input: JSON.stringify({ Items: items.slice(0, 2), BatchInput: { runId: 'run-1' } }),
          Error: 'Sandbox.Timedout',
          Cause: 'Task timed out',
          Status: 'FAILED',
        },
      ];
      await store.put(`${results}/FAILED_0.json`, JSON.stringify(failed), 'application/json');
      await store.put(
        `${results}/manifest.json`,
        JSON.stringify({ ResultFiles: { FAILED: [{ Key: `${results}/FAILED_0.json`, Size: 1 }], PENDING: [], SUCCEEDED: [] } }),
        'application/json',
      );

      // Act
      const outcome = await aggregateWeeklyRun(
        { store, publish: { store, publisher: new MemoryEventPublisher(), renderer } },
        { runId: 'run-1', mapError: { error: 'States.ExceedToleratedFailureThreshold', cause: 'too many shards failed' } },
        { generatedAt: NOW },
      );

      // Assert
      const byCode = (code: string) => outcome.report.errors.filter((e) => e.code === code).map((e) => e.repositoryName);
      expect(byCode('ShardFailed')).toEqual(items.slice(0, 2).map((i) => i.repositoryName));
      expect(outcome.report.errors.find((e) => e.code === 'ShardFailed')?.message).toBe(
        'not audited: its shard failed after its retries (Sandbox.Timedout: Task timed out); the next run reads it again',
      );
      expect(byCode('ShardResultMissing')).toHaveLength(items.length - 2);
      expect(outcome.report.warnings.filter((w) => w.code === 'ShardResultsUnusable')).toEqual([]);
    });

    it('never takes a result of an earlier run under the same run id, so a failed shard is not masked by stale rows', async () => {
      // Arrange: run-1 once in shards of two, then again in shards of three whose first shard (api, batch, etl) fails.
      const registry = ireland();
      const store = new MemoryObjectStore();
      await runWeekly(deps(registry, store), run());
      const failing = shardKey(
        'run-1',
        ['api', 'batch', 'etl'].map((repositoryName) => ({ region: 'eu-west-1', repositoryName })),
      );
      const put = store.put.bind(store);
      store.put = async (key, body, type) => {
        if (key === failing) throw awsError('InternalError', 'We encountered an internal error. Please try again.');
        return put(key, body, type);
      };

      // Act
      const again = await runWeekly(deps(registry, store), run({ batchSize: 3 }));

      // Assert
      expect(again.shardCount).toEqual({ total: 2, failed: 1 });
      expect(again.report.errors.map((e) => [e.repositoryName, e.code])).toEqual([
        ['api', 'ShardFailed'],
        ['batch', 'ShardFailed'],
        ['etl', 'ShardFailed'],
      ]);
      expect(again.report.repositories.map((r) => r.repositoryName).sort()).toEqual(['kept', 'ml', 'web']);
    });

    it('counts a repository once when two results of the run cover it, and reports the rest of the later one missing', async () => {
      // Arrange: two shards of the same plan given overlapping batches (api, batch) and (batch, etl).
      const registry = ireland();
      const store = new MemoryObjectStore();
      const { items, shardDeps } = await planned(registry, store);
      await auditShard(shardDeps, 'run-1', items.slice(0, 2), { concurrency: 1 });
      await auditShard(shardDeps, 'run-1', items.slice(1, 3), { concurrency: 1 });

      // Act
      const outcome = await aggregateWeeklyRun(
        { store, publish: { store, publisher: new MemoryEventPublisher(), renderer } },
        { runId: 'run-1' },
        { generatedAt: NOW },
      );

      // Assert: every repository of the plan once, as a row or as an error.
      const rows = outcome.report.repositories.map((r) => r.repositoryName);
      const errors = outcome.report.errors.map((e) => e.repositoryName);
      expect(new Set(rows).size).toBe(rows.length);
      expect([...rows, ...errors].sort()).toEqual(items.map((i) => i.repositoryName).sort());
      expect(rows).toEqual(expect.arrayContaining(['api', 'batch']));
      expect(outcome.report.warnings).toContainEqual(expect.objectContaining({ code: 'ShardResultsUnusable' }));
    });

    it.each([
      ['missing', undefined, /items\.json.*(missing|does not exist)/],
      ['not JSON', '[{', /items\.json.*not valid JSON/],
      ['not an array', '{"Items":[]}', /items\.json.*not an array/],
    ])(
      'refuses to report when items.json is %s and a shard left no result, rather than drop its repositories',
      async (_case, text, why) => {
        // Arrange: a plan of six repositories, no shard ran, items.json damaged.
        const store = new MemoryObjectStore();
        await planned(ireland(), store);
        if (text === undefined) store.objects.delete(runKeys('run-1').items);
        else await store.put(runKeys('run-1').items, text, 'application/json');
        const publisher = new MemoryEventPublisher();

        // Act
        const attempt = aggregateWeeklyRun({ store, publish: { store, publisher, renderer } }, { runId: 'run-1' }, { generatedAt: NOW });

        // Assert
        await expect(attempt).rejects.toThrow(why);
        await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
        expect(publisher.events).toEqual([]);
      },
    );

    it('does not use a result it cannot read, and reports its repositories missing', async () => {
      // Arrange
      const registry = ireland();
      const store = new MemoryObjectStore();
      const outcome = await runWeekly(deps(registry, store), run());
      const [firstShard] = await store.list(runKeys('run-1').shards);
      await store.put(firstShard ?? '', '{"format":"ecr-janitor-shard/1","runId":"run-1"', 'application/json');

      // Act
      const again = await aggregateWeeklyRun(
        { store, publish: { store, publisher: new MemoryEventPublisher(), renderer } },
        { runId: 'run-1' },
        { generatedAt: NOW },
      );

      // Assert
      expect(outcome.report.errors).toEqual([]);
      expect(again.shards).toEqual({ results: 2, unusable: 1, missing: 2 });
      expect(again.report.errors.map((e) => [e.repositoryName, e.code])).toEqual([
        ['api', 'ShardResultMissing'],
        ['batch', 'ShardResultMissing'],
      ]);
      expect(again.report.warnings).toContainEqual(expect.objectContaining({ code: 'ShardResultsUnusable' }));
    });
  });
});
