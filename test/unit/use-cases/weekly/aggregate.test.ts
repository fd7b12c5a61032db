import { MemoryEventPublisher, MemoryObjectStore } from '../../../../src/adapters/memory/memory-store';
import { InvalidInputError } from '../../../../src/domain/errors';
import { runKeys, shardKey } from '../../../../src/domain/weekly';
import { aggregateWeeklyRun } from '../../../../src/use-cases/weekly/aggregate';
import { auditShard } from '../../../../src/use-cases/weekly/audit-shard';
import { runWeekly } from '../../../../src/use-cases/weekly/run';
import { awsError } from '../../support/fake-registry';
import { NOW } from '../../support/images';
import { deps, ireland, planned, renderer, run } from './support';

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
  ])('refuses to report when items.json is %s and a shard left no result, rather than drop its repositories', async (_case, text, why) => {
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
  });

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

describe('aggregateWeeklyRun, when what it reads is gone or stale', () => {
  it("says the map's result files could not be read when the manifest it was given is gone, and still reports every repository", async () => {
    // Arrange: a plan, no shard left a result, the ResultWriter's manifest named but not there.
    const store = new MemoryObjectStore();
    const { items } = await planned(ireland(), store);
    const publisher = new MemoryEventPublisher();
    const manifest = `${runKeys('run-1').results}/0f3c-map-run/manifest.json`;

    // Act
    const outcome = await aggregateWeeklyRun(
      { store, publish: { store, publisher, renderer } },
      { runId: 'run-1', resultManifestKey: manifest },
      { generatedAt: NOW },
    );

    // Assert
    expect(outcome.report.errors.map((e) => [e.repositoryName, e.code])).toEqual(
      items.map((i) => [i.repositoryName, 'ShardResultMissing']),
    );
    expect(outcome.report.warnings).toContainEqual(
      expect.objectContaining({
        code: 'ShardResultsUnusable',
        message: `the map's result files could not be read (${manifest} does not exist)`,
      }),
    );
    expect(publisher.events).toHaveLength(1);
  });

  it('counts the results of an earlier plan of the run it leaves out, apart from the unusable ones', async () => {
    // Arrange: run-1 planned and sharded whole, then planned again (a new plan id) with no shard run yet.
    const registry = ireland();
    const store = new MemoryObjectStore();
    const first = await planned(registry, store);
    await auditShard(first.shardDeps, 'run-1', first.items, { concurrency: 2 });
    await planned(registry, store);

    // Act
    const outcome = await aggregateWeeklyRun(
      { store, publish: { store, publisher: new MemoryEventPublisher(), renderer } },
      { runId: 'run-1' },
      { generatedAt: NOW },
    );

    // Assert: the stale result is neither used nor called unusable.
    expect(outcome.shards).toEqual({ results: 0, unusable: 0, missing: 6 });
    expect(outcome.report.repositories).toEqual([]);
    expect(outcome.report.warnings).toContainEqual(
      expect.objectContaining({ code: 'ShardResultsUnusable', message: '1 result of an earlier plan of run run-1 left out' }),
    );
  });
});
