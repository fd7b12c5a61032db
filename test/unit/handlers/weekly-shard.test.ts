// One Distributed Map batch through the shard function, over in-memory fakes of its ports: its
// deadline and what it refuses. (Against moto: test/integration/handlers/weekly.test.ts.)
import { MemoryObjectStore } from '../../../src/adapters/memory/memory-store';
import { runKeys, type ShardResult, type WeeklyItem } from '../../../src/domain/weekly';
import { logger } from '../../../src/handlers/runtime/powertools';
import { makeHandler as planHandler } from '../../../src/handlers/weekly-plan';
import { makeHandler as shardHandler } from '../../../src/handlers/weekly-shard';
import { FakeRegistry } from '../support/fake-registry';
import { PLAN_SETTINGS as SETTINGS, weeklyRegistries as registries } from '../support/weekly';

describe('weeklyShard handler', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));
  afterAll(() => logger.setLogLevel('INFO'));

  it('stops reading before its invocation times out, and still writes its result with what it did not reach', async () => {
    // Arrange: web's images never come; the invocation has 2 s left.
    const store = new MemoryObjectStore();
    const regs = registries();
    await planHandler({ registries: regs.map((r) => ({ reader: r })), store, bucket: 'reports', settings: () => SETTINGS })({
      runId: 'run-1',
    });
    const items = (JSON.parse((await store.get(runKeys('run-1').items)) ?? '[]') as WeeklyItem[]).filter((i) => i.region === 'eu-west-1');
    const ireland = regs[0] as FakeRegistry;
    ireland.describeImages = (name: string) =>
      name === 'web' ? new Promise(() => undefined) : FakeRegistry.prototype.describeImages.call(ireland, name);
    const shard = shardHandler({ store, concurrency: 2, registry: () => ({ reader: ireland, writer: ireland }) });

    // Act
    const outcome = await shard({ Items: items, BatchInput: { runId: 'run-1' } }, { getRemainingTimeInMillis: () => 2_000 });

    // Assert
    const result = JSON.parse((await store.get(outcome.key)) ?? '{}') as ShardResult;
    expect(result.notReached).toEqual([{ region: 'eu-west-1', repositoryName: 'web', reason: 'deadline' }]);
    expect(result.repositories.map((r) => r.repositoryName)).toEqual(['api']);
    expect(result.actions.find((a) => a.repositoryName === 'api')?.outcome).toBe('applied');
  });

  it('refuses a batch that is not what the map sends', async () => {
    const shard = shardHandler({
      store: new MemoryObjectStore(),
      concurrency: 1,
      registry: () => ({ reader: new FakeRegistry('eu-west-1') }),
    });
    await expect(shard({ Items: 'api', BatchInput: { runId: 'run-1' } })).rejects.toMatchObject({ name: 'StepInputError' });
  });
});
