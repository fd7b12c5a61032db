// What the weekly use-case tests share: the run's settings, a registry of six repositories, and its plan.
import { MemoryEventPublisher, MemoryObjectStore } from '../../../../src/adapters/memory/memory-store';
import type { ImageDetail } from '../../../../src/domain/image';
import type { ReportArtifactFormat, ReportRenderer } from '../../../../src/ports/report';
import type { RepositoryTagIndex } from '../../../../src/ports/registry';
import { planWeeklyRun, type PlanSettings } from '../../../../src/use-cases/weekly/plan';
import type { WeeklyRunOptions } from '../../../../src/use-cases/weekly/run';
import { DEFAULT_OPT_OUT_TAG } from '../../../../src/domain/defaults';
import { FakeRegistry } from '../../support/fake-registry';
import { NOW, imageOf } from '../../support/images';
import { blob, imageManifest } from '../../support/manifests';
import { TAGGED_ONLY, UNTAGGED_30_DAYS } from '../../support/policies';
import { PLAN_SETTINGS } from '../../support/weekly';

const base = blob('base', 3_000_000);
export const app = (name: string, bytes: number) =>
  imageManifest({ config: blob(`${name}-config`, 1_000), layers: [base, blob(name, bytes)] });
export const releaseWithOrphan = (name: string): ImageDetail[] => [
  imageOf(app(`${name}-current`, 10_000), { tags: ['latest'] }),
  imageOf(app(`${name}-orphan`, 500_000), { pushedDaysAgo: 30 }),
];

export const SETTINGS: PlanSettings = { ...PLAN_SETTINGS, costAllocationTagKeys: ['team'] };
const instant = { sleep: async () => undefined, now: () => NOW, random: () => 0.5 };

/** Renders each artifact as its format's name (the renderers have their own tests). */
export const renderer: ReportRenderer = {
  render: (_report: unknown, format: ReportArtifactFormat) => format,
  renderMessage: () => ({ subject: 's', text: 't' }),
};

/** Ireland: six repositories, one opted out by tag, one compliant, one whose images cannot be read. */
export function ireland(): FakeRegistry {
  return new FakeRegistry('eu-west-1', [
    { name: 'api', images: releaseWithOrphan('api'), tags: [{ Key: 'team', Value: 'core' }] },
    { name: 'web', policy: UNTAGGED_30_DAYS, images: releaseWithOrphan('web'), tags: [{ Key: 'team', Value: 'web' }] },
    { name: 'batch', policy: TAGGED_ONLY, images: releaseWithOrphan('batch') },
    { name: 'kept', images: releaseWithOrphan('kept'), tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }] },
    { name: 'etl', images: releaseWithOrphan('etl') },
    { name: 'ml', images: releaseWithOrphan('ml') },
  ]);
}

/** What runWeekly reads from and writes to: `registry`, one store for the run and the report. */
export function deps(registry: FakeRegistry, store = new MemoryObjectStore(), tags?: RepositoryTagIndex) {
  return {
    registries: [{ reader: registry, writer: registry, ...(tags ? { tags } : {}) }],
    store,
    publish: { store, publisher: new MemoryEventPublisher(), renderer },
  };
}

/** Plans run-1 of `registry` into `store`: its items, and what a shard of it reads from. */
export async function planned(registry: FakeRegistry, store: MemoryObjectStore) {
  const { items } = await planWeeklyRun({ registries: [{ reader: registry }], store }, 'run-1', SETTINGS, NOW);
  return { items, shardDeps: { store, registry: () => ({ reader: registry }) } };
}

/** run-1 with SETTINGS in batches of two, two workers, no real pauses; `overrides` on top. */
export function run(overrides: Partial<WeeklyRunOptions> = {}): WeeklyRunOptions {
  return { runId: 'run-1', settings: SETTINGS, batchSize: 2, workers: 2, concurrency: 2, pacing: instant, now: () => NOW, ...overrides };
}
