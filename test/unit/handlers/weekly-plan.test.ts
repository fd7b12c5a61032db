// The weekly run's first function over in-memory fakes of its ports: what it takes from the state
// machine and what it hands the map. (Against moto, driven as the state machine drives it:
// test/integration/handlers/weekly.test.ts; what Plan reads and writes: test/unit/use-cases/weekly/.)
import { MemoryObjectStore } from '../../../src/adapters/memory/memory-store';
import { runKeys } from '../../../src/domain/weekly';
import { logger } from '../../../src/handlers/runtime/powertools';
import { makeHandler as planHandler } from '../../../src/handlers/weekly-plan';
import { PLAN_SETTINGS as SETTINGS, weeklyRegistries as registries } from '../support/weekly';

describe('weeklyPlan handler', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));
  afterAll(() => logger.setLogLevel('INFO'));

  it('hands the map its bucket, items key and item count', async () => {
    const store = new MemoryObjectStore();
    const planned = await planHandler({
      registries: registries().map((r) => ({ reader: r })),
      store,
      bucket: 'reports',
      settings: () => SETTINGS,
    })({
      runId: 'run-1',
    });
    expect(planned).toEqual({ runId: 'run-1', bucket: 'reports', itemsKey: runKeys('run-1').items, itemCount: 4 });
  });

  it.each([
    ['no run id', {}],
    ['a run id that cannot be part of a key', { runId: '../reports' }],
    ['a run id that is a parent directory', { runId: '..' }],
    ['a run id that is the current directory', { runId: '.' }],
  ])('refuses an input with %s, as an error the state machine does not retry', async (_case, event) => {
    const handler = planHandler({ registries: [], store: new MemoryObjectStore(), bucket: 'reports', settings: () => SETTINGS });
    await expect(handler(event)).rejects.toMatchObject({ name: 'StepInputError', message: expect.stringContaining('runId') });
  });
});
