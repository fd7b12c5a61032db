import { MemoryEventPublisher, MemoryObjectStore } from '../../../src/adapters/memory/memory-store';
import type { BlobMountingStatus } from '../../../src/domain/blob-mounting';
import type { ImageDetail } from '../../../src/domain/image';
import { runKeys } from '../../../src/domain/weekly';
import type { ReportArtifactFormat, ReportRenderer } from '../../../src/ports/report';
import { audit } from '../../../src/use-cases/audit';
import { runWeekly } from '../../../src/use-cases/weekly/run';
import type { PlanSettings } from '../../../src/use-cases/weekly/plan';
import { SnapshotRegistry } from '../../../src/adapters/snapshot/snapshot-registry';
import { parseSnapshot } from '../../../src/adapters/snapshot/schema';
import { snapshotFileOf } from '../../../src/adapters/snapshot/snapshot-writer';
import type { RegistrySnapshot } from '../../../src/ports/snapshot';
import { captureSnapshot } from '../../../src/use-cases/snapshot';
import { DEFAULT_OPT_OUT_TAG } from '../../../src/domain/defaults';
import { FakeRegistry, awsError } from '../support/fake-registry';
import { NOW, imageOf } from '../support/images';
import { blob, imageManifest } from '../support/manifests';

// Three repositories built on one 3 MB base layer: stored once per repository, once per registry
// when blob mounting is on.
const base = blob('base', 3_000_000);
const app = (name: string, bytes: number) => imageManifest({ config: blob(`${name}-config`, 1_000), layers: [base, blob(name, bytes)] });
const images = (name: string): ImageDetail[] => [
  imageOf(app(`${name}-current`, 10_000), { tags: ['latest'] }),
  imageOf(app(`${name}-old`, 500_000), { pushedDaysAgo: 30 }),
];
/** Each repository: its own blobs 2 × 1,000 (configs) + 10,000 + 500,000; the base once. */
const OWN = 512_000;

function registry(setting: BlobMountingStatus | Error | 'none', region = 'eu-west-1'): FakeRegistry {
  const r = new FakeRegistry(region, [
    { name: 'api', images: images('api') },
    { name: 'web', images: images('web') },
    { name: 'etl', images: images('etl') },
  ]);
  if (setting !== 'none') {
    Object.assign(r, {
      blobMounting: async () => {
        if (setting instanceof Error) throw setting;
        return setting;
      },
    });
  }
  return r;
}

const OPTIONS = {
  now: NOW,
  days: 7,
  maxUntaggedDays: 30,
  pricePerGbMonth: 0.1,
  selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
  costAllocationTagKeys: [],
  archiveAfterDays: 90,
  archivePricePerGbMonth: null,
  concurrency: 2,
  generatedAt: NOW,
};

describe('blob mounting', () => {
  describe('audit', () => {
    it('reports the registry-wide unique bytes beside the per-repository sum where blob mounting is on, and the bill should match them', async () => {
      const report = await audit([registry('ENABLED')], OPTIONS);

      const perRepository = report.repositories.reduce((n, r) => n + r.storedBytes, 0);
      expect(perRepository).toBe(3 * (3_000_000 + OWN));
      expect(report.blobMounting).toEqual([
        {
          accountId: report.repositories[0]?.accountId,
          region: 'eu-west-1',
          status: 'ENABLED',
          perRepositoryBytes: perRepository,
          registryUniqueBytes: 3_000_000 + 3 * OWN,
          billShouldMatch: 'registry-unique',
        },
      ]);
    });

    it('says the per-repository figure is the one to match where blob mounting is off', async () => {
      const report = await audit([registry('DISABLED')], OPTIONS);
      expect(report.blobMounting).toEqual([expect.objectContaining({ status: 'DISABLED', billShouldMatch: 'per-repository' })]);
      expect(report.blobMounting?.[0]).not.toHaveProperty('registryUniqueBytes');
    });

    it('warns when the setting cannot be read, and audits every repository all the same', async () => {
      const denied = registry(awsError('AccessDeniedException', 'not authorized to perform ecr:GetAccountSetting'));
      const report = await audit([denied, registry('ENABLED', 'us-east-1')], OPTIONS);

      expect(report.repositories).toHaveLength(6);
      expect(report.errors).toEqual([]);
      expect(report.blobMounting?.map((s) => [s.region, s.status, s.billShouldMatch])).toEqual([
        ['eu-west-1', 'unknown', 'per-repository'],
        ['us-east-1', 'ENABLED', 'registry-unique'],
      ]);
      expect(report.warnings).toContainEqual(
        expect.objectContaining({
          region: 'eu-west-1',
          code: 'BlobMountingUnknown',
          message: expect.stringContaining('AccessDeniedException'),
        }),
      );
    });

    it('leaves the setting out of a report whose readers have none to read', async () => {
      const report = await audit([registry('none')], OPTIONS);
      expect(report).not.toHaveProperty('blobMounting');
    });
  });

  describe('the weekly run', () => {
    const SETTINGS: PlanSettings = { ...OPTIONS, lintMaxUntaggedDays: 30, apply: false };
    const renderer: ReportRenderer = {
      render: (_report: unknown, format: ReportArtifactFormat) => format,
      renderMessage: () => ({ subject: 's', text: 't' }),
    };
    const weekly = (r: FakeRegistry, store: MemoryObjectStore) =>
      runWeekly(
        { registries: [{ reader: r }], store, publish: { store, publisher: new MemoryEventPublisher(), renderer } },
        { runId: 'run-1', settings: SETTINGS, batchSize: 1, workers: 2, concurrency: 1, now: () => NOW },
      );

    it('adds the shards’ blobs up to what a single audit reports, each blob once across shards', async () => {
      const single = await audit([registry('ENABLED')], OPTIONS);
      const store = new MemoryObjectStore();

      const { report } = await weekly(registry('ENABLED'), store);

      // One repository per shard: the base layer is in three shards' blobs and counted once.
      expect(report.blobMounting).toEqual(single.blobMounting);
      expect(report.blobMounting?.[0]?.registryUniqueBytes).toBe(3_000_000 + 3 * OWN);
      expect((await store.list(`${runKeys('run-1').prefix}blobs/`)).length).toBeGreaterThan(0);
    });

    it('writes no blobs where blob mounting is off', async () => {
      const store = new MemoryObjectStore();
      const { report } = await weekly(registry('DISABLED'), store);
      expect(report.blobMounting).toEqual([expect.objectContaining({ status: 'DISABLED', billShouldMatch: 'per-repository' })]);
      expect(await store.list(`${runKeys('run-1').prefix}blobs/`)).toEqual([]);
    });

    it('gives no registry-wide figure, and says why, when a shard’s blobs cannot be read', async () => {
      const store = new MemoryObjectStore();
      const put = store.put.bind(store);
      // The first blob partition written is lost.
      let lost = false;
      store.put = async (key, body, type) => {
        if (!lost && key.includes('/blobs/')) {
          lost = true;
          return;
        }
        return put(key, body, type);
      };

      const { report } = await weekly(registry('ENABLED'), store);

      expect(report.repositories).toHaveLength(3);
      expect(report.blobMounting).toEqual([expect.objectContaining({ status: 'ENABLED', billShouldMatch: 'registry-unique' })]);
      expect(report.blobMounting?.[0]).not.toHaveProperty('registryUniqueBytes');
      expect(report.warnings).toContainEqual(
        expect.objectContaining({ code: 'BlobMountingUnknown', message: expect.stringContaining('could not be added up') }),
      );
    });
  });

  describe('a snapshot', () => {
    it('records each registry’s setting, and an audit of the file reports what the live audit reports', async () => {
      const written: RegistrySnapshot[] = [];
      const live = [registry('ENABLED'), registry(awsError('AccessDeniedException', 'denied'), 'us-east-1')];
      await captureSnapshot(live, { write: async (s) => void written.push(s) }, { concurrency: 1, now: () => NOW });
      const file = parseSnapshot(JSON.parse(JSON.stringify(snapshotFileOf(written[0] as RegistrySnapshot))), 'snap.json');

      const offline = await audit(SnapshotRegistry.fromSnapshot(file), OPTIONS);
      const expected = await audit([registry('ENABLED'), registry(awsError('AccessDeniedException', 'denied'), 'us-east-1')], OPTIONS);

      expect(file.registries.map((r) => [r.region, r.blobMounting])).toEqual([
        ['eu-west-1', 'ENABLED'],
        ['us-east-1', 'unknown'],
      ]);
      expect(offline.blobMounting).toEqual(expected.blobMounting);
      expect(offline.warnings).toContainEqual(expect.objectContaining({ region: 'us-east-1', code: 'BlobMountingUnknown' }));
    });

    it('reads a file captured before the setting was recorded without one', async () => {
      const written: RegistrySnapshot[] = [];
      await captureSnapshot([registry('none')], { write: async (s) => void written.push(s) }, { concurrency: 1, now: () => NOW });
      const file = parseSnapshot(JSON.parse(JSON.stringify(snapshotFileOf(written[0] as RegistrySnapshot))), 'old.json');
      expect(file.registries[0]).not.toHaveProperty('blobMounting');
      expect(await audit(SnapshotRegistry.fromSnapshot(file), OPTIONS)).not.toHaveProperty('blobMounting');
    });
  });
});
