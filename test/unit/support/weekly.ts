import type { MemoryObjectStore } from '../../../src/adapters/memory/memory-store';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';
import type { WeeklyItem } from '../../../src/domain/weekly';
import { makeHandler as planHandler } from '../../../src/handlers/weekly-plan';
import { makeHandler as shardHandler } from '../../../src/handlers/weekly-shard';
import type { PlanSettings } from '../../../src/use-cases/weekly/plan';
import { FakeRegistry } from './fake-registry';
import { NOW, imageOf } from './images';
import { blob, imageManifest } from './manifests';

/** A weekly run's settings as Plan is given them: 7 days, the lint limit 30, 0.10 USD per GB-month, writes on. */
export const PLAN_SETTINGS: PlanSettings = {
  now: NOW,
  days: 7,
  lintMaxUntaggedDays: 30,
  pricePerGbMonth: 0.1,
  selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
  costAllocationTagKeys: [],
  archiveAfterDays: 90,
  archivePricePerGbMonth: null,
  apply: true,
};

const orphan = (name: string) =>
  imageOf(imageManifest({ config: blob(`${name}-c`, 100), layers: [blob(name, 5_000)] }), { pushedDaysAgo: 30 });

/** Two regions (eu-west-1, us-east-1), two repositories each (api, web), none with a policy, each with an untagged image of 30 days. */
export function weeklyRegistries(): FakeRegistry[] {
  return ['eu-west-1', 'us-east-1'].map(
    (region) =>
      new FakeRegistry(region, [
        { name: 'api', images: [orphan(`${region}-api`)] },
        { name: 'web', images: [orphan(`${region}-web`)] },
      ]),
  );
}

/**
 * Run run-1 through the Plan function, then every batch (of `batchSize`, at most `batches` of them)
 * through the shard function, as the map would; returns the shards' result keys.
 */
export async function planAndShard(
  store: MemoryObjectStore,
  regs: FakeRegistry[],
  { batchSize = 3, batches = Infinity } = {},
): Promise<string[]> {
  const planned = await planHandler({
    registries: regs.map((r) => ({ reader: r })),
    store,
    bucket: 'reports',
    settings: () => PLAN_SETTINGS,
  })({ runId: 'run-1' });
  const items = JSON.parse((await store.get(planned.itemsKey)) ?? '[]') as WeeklyItem[];
  const shard = shardHandler({
    store,
    concurrency: 2,
    registry: (region) => {
      const registry = regs.find((r) => r.region === region) as FakeRegistry;
      return { reader: registry, writer: registry };
    },
  });
  const keys: string[] = [];
  for (let i = 0; i < items.length && keys.length < batches; i += batchSize)
    keys.push((await shard({ Items: items.slice(i, i + batchSize), BatchInput: { runId: 'run-1' } })).key);
  return keys;
}
