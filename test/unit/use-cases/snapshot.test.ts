import type { WorkloadImage } from '../../../src/domain/in-use-entries';
import type { WorkloadScanner } from '../../../src/ports/in-use';
import type { RegistrySnapshot, SnapshotWriter } from '../../../src/ports/snapshot';
import type { InUseSources } from '../../../src/use-cases/in-use';
import { captureSnapshot } from '../../../src/use-cases/snapshot';
import { FAKE_ACCOUNT, FakeRegistry, awsError } from '../support/fake-registry';
import { NOW, imageOf } from '../support/images';
import { blob, imageManifest } from '../support/manifests';
import { TAGGED_ONLY } from '../support/policies';

const web = imageManifest({ config: blob('web-config', 100), layers: [blob('web', 1_000)] });
const api = imageManifest({ config: blob('api-config', 100), layers: [blob('api', 2_000)] });

/** A writer that keeps what it was given. */
function recordingWriter(): SnapshotWriter & { written: RegistrySnapshot[] } {
  const written: RegistrySnapshot[] = [];
  return { written, write: async (snapshot) => void written.push(snapshot) };
}

/** In-use sources whose one ECS scanner answers `answer` in `region` (and nothing elsewhere), or fails with it. */
function ecsIn(region: string, answer: WorkloadImage[] | Error): InUseSources {
  const scanner: WorkloadScanner = {
    region,
    source: 'ecs',
    permissions: ['ecs:ListClusters'],
    scan: async () => {
      if (answer instanceof Error) throw answer;
      return { images: answer, warnings: [] };
    },
  };
  return { scannersFor: (r) => (r === region ? [scanner] : []) };
}

/** The image reference a workload in `region` runs for `repository`'s image `digest`. */
function running(region: string, repository: string, digest: string, consumer: string): WorkloadImage {
  return { image: `${FAKE_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${repository}@${digest}`, imageDigest: digest, consumer };
}

describe('captureSnapshot', () => {
  it("writes every registry's repositories by name, with their account, policies, tags, images and manifests, at the clock's time", async () => {
    // Arrange
    const eu = new FakeRegistry('eu-west-1', [
      {
        name: 'web',
        images: [imageOf(web, { tags: ['v1'] })],
        tags: [{ Key: 'team', Value: 'shop' }],
        createdAt: '2025-01-01T00:00:00.000Z',
      },
      { name: 'api', policy: TAGGED_ONLY, images: [imageOf(api)] },
    ]);
    const writer = recordingWriter();

    // Act
    const outcome = await captureSnapshot([eu], writer, { concurrency: 2, now: () => NOW });

    // Assert
    expect(outcome.written).toBe(true);
    expect(writer.written).toHaveLength(1);
    const [snapshot] = writer.written;
    expect(snapshot?.capturedAt).toBe(NOW);
    expect(snapshot?.errors).toEqual([]);
    expect(snapshot?.registries).toHaveLength(1);
    const registry = snapshot?.registries[0];
    expect(registry).toMatchObject({ accountId: FAKE_ACCOUNT, region: 'eu-west-1' });
    expect(registry?.inUse).toBeUndefined();
    expect(registry?.repositories.map((r) => r.repositoryName)).toEqual(['api', 'web']);
    expect(registry?.repositories[0]).toMatchObject({ lifecyclePolicyText: TAGGED_ONLY, tags: [] });
    expect(registry?.repositories[0]?.images.map((i) => [i.imageDigest, i.imageManifest])).toEqual([[api.digest, api.text]]);
    expect(registry?.repositories[1]).toMatchObject({
      lifecyclePolicyText: null,
      tags: [{ Key: 'team', Value: 'shop' }],
      createdAt: '2025-01-01T00:00:00.000Z',
    });
  });

  it('records a region that could not be listed and a repository that could not be read, by region and name, and reads the rest', async () => {
    // Arrange
    const us = new FakeRegistry('us-east-1', [{ name: 'zeta' }, { name: 'alpha' }, { name: 'denied' }]);
    us.failRepository('zeta', awsError('ThrottlingException'));
    us.failRepository('denied', awsError('AccessDeniedException'));
    const eu = new FakeRegistry('eu-west-1');
    eu.failListing(awsError('UnrecognizedClientException'));
    const writer = recordingWriter();

    // Act
    const outcome = await captureSnapshot([us, eu], writer, { concurrency: 1, now: () => NOW });

    // Assert
    expect(outcome.written).toBe(true);
    const snapshot = writer.written[0];
    expect(snapshot?.errors.map((e) => [e.region, e.repositoryName, e.code])).toEqual([
      ['eu-west-1', undefined, 'UnrecognizedClientException'],
      ['us-east-1', 'denied', 'AccessDeniedException'],
      ['us-east-1', 'zeta', 'ThrottlingException'],
    ]);
    expect(snapshot?.registries.map((r) => [r.region, r.accountId, r.repositories.map((s) => s.repositoryName)])).toEqual([
      ['us-east-1', FAKE_ACCOUNT, ['alpha']],
      ['eu-west-1', '', []],
    ]);
  });

  it('records the images in use of each registry with their consumers, and the sources that could not be read there', async () => {
    // Arrange
    const eu = new FakeRegistry('eu-west-1', [
      { name: 'web', images: [imageOf(web)] },
      { name: 'api', images: [imageOf(api)] },
    ]);
    const us = new FakeRegistry('us-east-1', [{ name: 'web', images: [imageOf(web)] }]);
    const euScanner = ecsIn('eu-west-1', [running('eu-west-1', 'web', web.digest, 'ecs:service/prod/web')]);
    const usScanner = ecsIn('us-east-1', awsError('AccessDeniedException', 'not authorized to perform ecs:ListClusters'));
    const writer = recordingWriter();

    // Act
    const outcome = await captureSnapshot([eu, us], writer, {
      concurrency: 2,
      now: () => NOW,
      inUse: { scannersFor: (region) => [...euScanner.scannersFor(region), ...usScanner.scannersFor(region)] },
    });

    // Assert
    const [euRegistry, usRegistry] = writer.written[0]?.registries ?? [];
    expect(euRegistry?.inUse).toEqual({
      images: [{ repositoryName: 'web', imageDigest: web.digest, consumer: 'ecs:service/prod/web' }],
      failures: [],
      warnings: [],
    });
    expect(usRegistry?.inUse).toEqual({
      images: [],
      failures: [{ source: 'ecs', code: 'AccessDeniedException', message: 'not authorized to perform ecs:ListClusters' }],
      warnings: [],
    });
    expect(outcome.written && outcome.inUseErrors.map((e) => [e.region, e.source, e.code])).toEqual([
      ['us-east-1', 'ecs', 'AccessDeniedException'],
    ]);
  });

  it("records an image in the registry it belongs to when another region's workload runs it", async () => {
    // Arrange: a service in us-east-1 runs eu-west-1's web image.
    const eu = new FakeRegistry('eu-west-1', [{ name: 'web', images: [imageOf(web)] }]);
    const us = new FakeRegistry('us-east-1', []);
    const writer = recordingWriter();

    // Act
    await captureSnapshot([eu, us], writer, {
      concurrency: 2,
      now: () => NOW,
      inUse: ecsIn('us-east-1', [running('eu-west-1', 'web', web.digest, 'ecs:service/prod/web')]),
    });

    // Assert
    expect(writer.written[0]?.registries.map((r) => [r.region, r.inUse?.images])).toEqual([
      ['eu-west-1', [{ repositoryName: 'web', imageDigest: web.digest, consumer: 'ecs:service/prod/web' }]],
      ['us-east-1', []],
    ]);
  });

  it("keeps an in-use source that could not be read out of the snapshot's errors, so an audit of it still lists the region", async () => {
    // Arrange
    const eu = new FakeRegistry('eu-west-1', [{ name: 'web', images: [imageOf(web)] }]);
    const writer = recordingWriter();

    // Act
    await captureSnapshot([eu], writer, { concurrency: 1, now: () => NOW, inUse: ecsIn('eu-west-1', awsError('AccessDeniedException')) });

    // Assert
    const snapshot = writer.written[0];
    expect(snapshot?.errors).toEqual([]);
    expect(snapshot?.registries[0]?.inUse?.failures.map((f) => f.code)).toEqual(['AccessDeniedException']);
  });

  it('writes nothing and says what was not read when the signal stops the capture', async () => {
    // Arrange
    const eu = new FakeRegistry('eu-west-1', [{ name: 'web' }, { name: 'api' }]);
    const controller = new AbortController();
    controller.abort('interrupted');
    const writer = recordingWriter();

    // Act
    const outcome = await captureSnapshot([eu], writer, { concurrency: 1, now: () => NOW, signal: controller.signal });

    // Assert
    expect(outcome).toEqual({ written: false, notReached: [{ region: 'eu-west-1', reason: 'interrupted' }] });
    expect(writer.written).toEqual([]);
  });

  it('records what a region given up after timeouts in a row did not read as errors of the snapshot', async () => {
    // Arrange: three timeouts in a row make the scan give up the region's other repositories.
    const eu = new FakeRegistry(
      'eu-west-1',
      ['a', 'b', 'c', 'd'].map((name) => ({ name })),
    );
    for (const name of ['a', 'b', 'c']) eu.failRepository(name, awsError('TimeoutError'));
    const writer = recordingWriter();

    // Act
    await captureSnapshot([eu], writer, { concurrency: 1, now: () => NOW });

    // Assert
    expect(writer.written[0]?.errors.map((e) => [e.repositoryName, e.code])).toEqual([
      ['a', 'TimeoutError'],
      ['b', 'TimeoutError'],
      ['c', 'TimeoutError'],
      ['d', 'RegionUnresponsive'],
    ]);
  });

  it('lets a writer that fails fail the capture', async () => {
    // Arrange
    const eu = new FakeRegistry('eu-west-1', [{ name: 'web' }]);
    const failing: SnapshotWriter = { write: () => Promise.reject(new Error('disk full')) };

    // Act
    const act = captureSnapshot([eu], failing, { concurrency: 1, now: () => NOW });

    // Assert
    await expect(act).rejects.toThrow('disk full');
  });
});
