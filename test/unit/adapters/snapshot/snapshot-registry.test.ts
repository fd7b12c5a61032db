import type { SnapshotFile } from '../../../../src/adapters/snapshot/format';
import { SnapshotRegistry } from '../../../../src/adapters/snapshot/snapshot-registry';
import { DEFAULT_OPT_OUT_TAG } from '../../../../src/domain/defaults';
import { audit, type AuditOptions } from '../../../../src/use-cases/audit';
import { NOW } from '../../support/images';
import { TAGGED_ONLY } from '../../support/policies';
import { amd64, arm64, list, orphan, sampleSnapshot as snapshot } from '../../support/sample-snapshot';

/** How the tests audit a snapshot: at the fixtures' clock, with the default selection. */
const AUDIT_OPTIONS: AuditOptions = {
  now: NOW,
  days: 7,
  pricePerGbMonth: 0.1,
  selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
  concurrency: 2,
  generatedAt: NOW,
};

function firstRegistry(): SnapshotRegistry {
  const [registry] = SnapshotRegistry.fromSnapshot(snapshot());
  if (!registry) throw new Error('the snapshot has no registry');
  return registry;
}

describe('snapshot adapter', () => {
  describe('SnapshotRegistry', () => {
    it('builds one reader per registry, or only those of the given regions', () => {
      // Act
      const all = SnapshotRegistry.fromSnapshot(snapshot());
      const none = SnapshotRegistry.fromSnapshot(snapshot(), []);
      const some = SnapshotRegistry.fromSnapshot(snapshot(), ['us-east-1', 'ap-south-1']);

      // Assert
      expect(all.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
      expect(none.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
      expect(some.map((r) => r.region)).toEqual(['us-east-1']);
    });

    it('lists repositories with their account and region, and a creation time only when known', async () => {
      // Act
      const refs = await firstRegistry().listRepositories();

      // Assert
      expect(refs).toEqual([
        {
          accountId: '111122223333',
          region: 'eu-west-1',
          repositoryName: 'team/app',
          repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/team/app',
          createdAt: '2025-01-01T00:00:00.000Z',
        },
        {
          accountId: '111122223333',
          region: 'eu-west-1',
          repositoryName: 'bare',
          repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/bare',
        },
      ]);
    });

    it('returns the policy text, or undefined when the repository has none', async () => {
      // Arrange
      const registry = firstRegistry();

      // Act
      const policies = [await registry.getLifecyclePolicy('team/app'), await registry.getLifecyclePolicy('bare')];

      // Assert
      expect(policies).toEqual([TAGGED_ONLY, undefined]);
    });

    it('returns the repository tags', async () => {
      // Arrange
      const registry = firstRegistry();
      const [ref] = await registry.listRepositories();
      if (!ref) throw new Error('no repository');

      // Act
      const tags = await registry.listTags(ref);

      // Assert
      expect(tags).toEqual([{ Key: 'team', Value: 'a' }]);
    });

    it('describes images without their manifests and serves the manifests apart, as ECR does', async () => {
      // Arrange
      const registry = firstRegistry();

      // Act
      const images = await registry.describeImages('team/app');
      const manifests = await registry.getManifests('team/app', [amd64.digest, list.digest, 'sha256:' + '0'.repeat(64)]);

      // Assert
      expect(images.map((i) => i.imageDigest)).toEqual([list.digest, amd64.digest, arm64.digest, orphan.digest]);
      expect(images.every((i) => i.imageManifest === undefined)).toBe(true);
      expect(manifests).toEqual([
        { imageDigest: list.digest, imageManifest: list.text, imageManifestMediaType: list.mediaType },
        { imageDigest: amd64.digest, imageManifest: amd64.text, imageManifestMediaType: amd64.mediaType },
      ]);
    });

    it.each(['getLifecyclePolicy', 'describeImages'] as const)(
      'throws RepositoryNotFoundException from %s for an unknown repository',
      async (method) => {
        // Arrange
        const registry = firstRegistry();

        // Act
        const act = registry[method]('nope');

        // Assert
        await expect(act).rejects.toMatchObject({ name: 'RepositoryNotFoundException', message: expect.stringContaining("'nope'") });
      },
    );

    it('replays the failures the file recorded: a region that could not be listed, a repository that could not be read', async () => {
      // Arrange
      const file: SnapshotFile = {
        ...snapshot(),
        errors: [
          {
            region: 'ap-south-1',
            code: 'UnrecognizedClientException',
            message: 'region failure: its repositories could not be listed: invalid token',
          },
          { region: 'eu-west-1', repositoryName: 'team/denied', code: 'AccessDeniedException', message: 'not authorized' },
        ],
      };

      // Act
      const report = await audit(SnapshotRegistry.fromSnapshot(file), AUDIT_OPTIONS);

      // Assert
      expect(report.errors).toEqual([
        {
          region: 'ap-south-1',
          code: 'UnrecognizedClientException',
          message: `region failure: its repositories could not be listed: invalid token (recorded when the snapshot was captured at ${file.capturedAt})`,
        },
        {
          region: 'eu-west-1',
          repositoryName: 'team/denied',
          code: 'AccessDeniedException',
          message: `not authorized (recorded when the snapshot was captured at ${file.capturedAt})`,
        },
      ]);
      expect(report.repositories.map((r) => r.repositoryName).sort()).toEqual(['bare', 'other', 'team/app']);
    });

    it('keeps the recorded failures of the selected regions only', async () => {
      // Arrange
      const file: SnapshotFile = { ...snapshot(), errors: [{ region: 'ap-south-1', code: 'Throttled', message: 'slow down' }] };

      // Act
      const readers = SnapshotRegistry.fromSnapshot(file, ['us-east-1']);

      // Assert
      expect(readers.map((r) => r.region)).toEqual(['us-east-1']);
      await expect(readers[0]?.listRepositories()).resolves.toHaveLength(1);
    });

    it('audits a snapshot offline like a live registry', async () => {
      // Arrange
      const readers = SnapshotRegistry.fromSnapshot(snapshot());

      // Act
      const report = await audit(readers, AUDIT_OPTIONS);

      // Assert
      expect(report.errors).toEqual([]);
      expect(report.repositories.map((r) => [r.region, r.repositoryName, r.storedBytes, r.reclaimableBytes])).toEqual([
        ['eu-west-1', 'team/app', 100_000 + 3 * 1_000 + 9_000 + 7_000 + 4_000, 1_000 + 4_000],
        ['us-east-1', 'other', 105_000, 0],
        ['eu-west-1', 'bare', 0, 0],
      ]);
      expect(report.repositories[0]).toMatchObject({
        images: 4,
        untaggedImages: 1,
        indexChildren: 2,
        naiveBytes: list.size + amd64.size + arm64.size + orphan.size,
      });
      expect(report.repositories[1]).toMatchObject({ optedOut: true, untaggedImages: 1 });
    });
  });
});
