import { MemoryObjectStore } from '../../../../src/adapters/memory/memory-store';
import { InvalidInputError } from '../../../../src/domain/errors';
import { runKeys, type ShardResult } from '../../../../src/domain/weekly';
import { auditShard } from '../../../../src/use-cases/weekly/audit-shard';
import { MAX_BATCH_SIZE } from '../../../../src/domain/defaults';
import { FAKE_ACCOUNT } from '../../support/fake-registry';
import { ireland, planned, releaseWithOrphan } from './support';

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

describe('auditShard with the in-use guard', () => {
  it("judges writes by the plan's record of what is in use: the one that would remove an image in use is held, the rest written", async () => {
    // Arrange: the plan records etl's untagged image (30 days old) as run by a service.
    const registry = ireland();
    const store = new MemoryObjectStore();
    const { items } = await planned(registry, store);
    const orphan = releaseWithOrphan('etl')[1]?.imageDigest;
    const plan = JSON.parse((await store.get(runKeys('run-1').plan)) ?? '{}') as Record<string, unknown> & { settings: object };
    plan.settings = { ...plan.settings, guard: { mode: 'on', horizonDays: 7, sources: ['ecs'] } };
    plan.inUse = {
      entries: [
        { accountId: FAKE_ACCOUNT, region: 'eu-west-1', repositoryName: 'etl', imageDigest: orphan, consumer: 'ecs:service/prod/etl' },
      ],
      failures: [],
    };
    await store.put(runKeys('run-1').plan, JSON.stringify(plan), 'application/json');
    const shardDeps = { store, registry: () => ({ reader: registry, writer: registry }) };

    // Act
    const { key } = await auditShard(shardDeps, 'run-1', items, { concurrency: 2, pacing: { sleep: async () => undefined } });

    // Assert
    const result = JSON.parse((await store.get(key)) ?? '{}') as ShardResult;
    const outcomes = Object.fromEntries(result.actions.map((a) => [a.repositoryName, a.outcome]));
    expect(outcomes).toMatchObject({ etl: 'held-in-use', ml: 'applied', api: 'applied' });
    expect(result.actions.find((a) => a.repositoryName === 'etl')?.inUseAtRisk).toEqual([
      expect.objectContaining({ imageDigest: orphan, consumers: ['ecs:service/prod/etl'] }),
    ]);
    expect(registry.policyOf('etl')).toBeUndefined();
    expect(registry.policyOf('ml')).toBeDefined();
  });
});
