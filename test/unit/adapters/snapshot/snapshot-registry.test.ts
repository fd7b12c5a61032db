import { snapshotSchema, parseSnapshot } from '../../../../src/adapters/snapshot/schema';
import { SnapshotRegistry } from '../../../../src/adapters/snapshot/snapshot-registry';
import { InvalidInputError } from '../../../../src/domain/errors';
import type { SnapshotFile } from '../../../../src/domain/registry';
import { SNAPSHOT_FORMAT } from '../../../../src/domain/registry';
import { DEFAULT_OPT_OUT_TAG } from '../../../../src/domain/selection';
import { audit } from '../../../../src/use-cases/audit';
import { NOW, imageOf } from '../../support/images';
import { blob, imageManifest, indexManifest } from '../../support/manifests';
import { TAGGED_ONLY } from '../../support/policies';

const amd64 = imageManifest({ config: blob('amd64-config', 1_000), layers: [blob('shared-base', 100_000), blob('amd64-code', 9_000)] });
const arm64 = imageManifest({ config: blob('arm64-config', 1_000), layers: [blob('shared-base', 100_000), blob('arm64-code', 7_000)] });
const list = indexManifest([amd64, arm64]);
const orphan = imageManifest({
  config: blob('orphan-config', 1_000),
  layers: [blob('shared-base', 100_000), blob('orphan-code', 4_000)],
  format: 'docker',
});

function snapshot(): SnapshotFile {
  return {
    format: SNAPSHOT_FORMAT,
    capturedAt: '2026-03-01T00:00:00.000Z',
    registries: [
      {
        accountId: '111122223333',
        region: 'eu-west-1',
        repositories: [
          {
            repositoryName: 'team/app',
            repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/team/app',
            createdAt: '2025-01-01T00:00:00.000Z',
            tags: [{ Key: 'team', Value: 'a' }],
            lifecyclePolicyText: TAGGED_ONLY,
            images: [imageOf(list, { tags: ['v1'] }), imageOf(amd64), imageOf(arm64), imageOf(orphan, { pushedDaysAgo: 30 })],
          },
          {
            repositoryName: 'bare',
            repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/bare',
            createdAt: null,
            tags: [],
            lifecyclePolicyText: null,
            images: [],
          },
        ],
      },
      {
        accountId: '111122223333',
        region: 'us-east-1',
        repositories: [
          {
            repositoryName: 'other',
            repositoryArn: 'arn:aws:ecr:us-east-1:111122223333:repository/other',
            createdAt: null,
            tags: [{ Key: DEFAULT_OPT_OUT_TAG, Value: 'true' }],
            lifecyclePolicyText: null,
            images: [imageOf(orphan, { pushedDaysAgo: 30 })],
          },
        ],
      },
    ],
  };
}

/** A deep copy of the snapshot as plain JSON, for tests that break it. */
function rawSnapshot(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(snapshot())) as Record<string, unknown>;
}

function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`, { cause: error });
  }
  throw new Error('expected an error, but nothing was thrown');
}

function firstRegistry(): SnapshotRegistry {
  const [registry] = SnapshotRegistry.fromSnapshot(snapshot());
  if (!registry) throw new Error('the snapshot has no registry');
  return registry;
}

describe('snapshot adapter', () => {
  describe('parseSnapshot', () => {
    it('returns a valid snapshot as it is, surviving a JSON round trip', () => {
      // Arrange
      const doc = JSON.parse(JSON.stringify(snapshot())) as unknown;

      // Act
      const parsed = parseSnapshot(doc, 'snap.json');

      // Assert
      expect(parsed).toEqual(snapshot());
    });

    it('keeps image fields it does not know', () => {
      // Arrange
      const doc = rawSnapshot();
      const image = (doc as { registries: Array<{ repositories: Array<{ images: Array<Record<string, unknown>> }> }> }).registries[0]
        ?.repositories[0]?.images[0];
      if (!image) throw new Error('fixture has no image');
      image.imageScanStatus = { status: 'COMPLETE' };

      // Act
      const parsed = parseSnapshot(doc, 'snap.json');

      // Assert
      expect(parsed.registries[0]?.repositories[0]?.images[0]).toMatchObject({ imageScanStatus: { status: 'COMPLETE' } });
    });

    it.each([
      { name: 'another format string', format: 'ecr-janitor-snapshot/2' },
      { name: 'no format', format: undefined },
    ])('rejects $name, naming the file and the format field', ({ format }) => {
      // Arrange
      const doc = { ...rawSnapshot(), format };

      // Act
      const error = thrownBy(() => parseSnapshot(doc, 'exports/prod.json'));

      // Assert
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.message).toContain('exports/prod.json');
      expect(error.message).toContain(`format: must be "${SNAPSHOT_FORMAT}"`);
    });

    it.each([
      { field: 'repositoryArn', path: 'registries.0.repositories.1.repositoryArn' },
      { field: 'tags', path: 'registries.0.repositories.1.tags' },
      { field: 'lifecyclePolicyText', path: 'registries.0.repositories.1.lifecyclePolicyText' },
      { field: 'images', path: 'registries.0.repositories.1.images' },
    ])('names the path of a missing $field and the file', ({ field, path }) => {
      // Arrange
      const doc = rawSnapshot() as { registries: Array<{ repositories: Array<Record<string, unknown>> }> };
      const repository = doc.registries[0]?.repositories[1];
      if (!repository) throw new Error('fixture has no second repository');
      delete repository[field];

      // Act
      const error = thrownBy(() => parseSnapshot(doc, 'snap.json'));

      // Assert
      expect(error.message).toContain('snap.json');
      expect(error.message).toContain(`${path}:`);
    });

    it('names an image whose digest is not a sha256 digest', () => {
      // Arrange
      const doc = rawSnapshot() as { registries: Array<{ repositories: Array<{ images: Array<Record<string, unknown>> }> }> };
      const image = doc.registries[0]?.repositories[0]?.images[2];
      if (!image) throw new Error('fixture has no third image');
      image.imageDigest = 'md5:abc';

      // Act
      const error = thrownBy(() => parseSnapshot(doc, 'snap.json'));

      // Assert
      expect(error.message).toContain('registries.0.repositories.0.images.2.imageDigest: must be a sha256 digest');
    });

    it.each([
      { name: 'null', doc: null },
      { name: 'an array', doc: [] },
      { name: 'a string', doc: 'ecr-janitor-snapshot/1' },
    ])('names the root when the document is $name', ({ doc }) => {
      // Act
      const error = thrownBy(() => parseSnapshot(doc, 'snap.json'));

      // Assert
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.message).toContain('(root):');
    });

    it('lists at most ten problems and counts the rest', () => {
      // Arrange
      const repositories = Array.from({ length: 12 }, (_, i) => ({
        repositoryName: `r${i}`,
        tags: [],
        lifecyclePolicyText: null,
        images: [],
        createdAt: null,
      }));
      const doc = { format: SNAPSHOT_FORMAT, capturedAt: 'x', registries: [{ accountId: '1', region: 'eu-west-1', repositories }] };

      // Act
      const error = thrownBy(() => parseSnapshot(doc, 'snap.json'));

      // Assert
      expect(error.message.match(/repositoryArn/g)).toHaveLength(10);
      expect(error.message).toContain('… and 2 more');
    });

    it('tells how to write a valid snapshot', () => {
      // Act
      const error = thrownBy(() => parseSnapshot({}, 'snap.json'));

      // Assert
      expect(error.message).toContain('ecr-janitor snapshot --out FILE');
    });

    it('exposes a schema that accepts what parseSnapshot accepts', () => {
      expect(snapshotSchema.safeParse(snapshot()).success).toBe(true);
    });
  });

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

    it('audits a snapshot offline like a live registry', async () => {
      // Arrange
      const readers = SnapshotRegistry.fromSnapshot(snapshot());

      // Act
      const report = await audit(readers, {
        now: NOW,
        days: 7,
        pricePerGbMonth: 0.1,
        selection: { optOutTag: DEFAULT_OPT_OUT_TAG, exclude: [] },
        concurrency: 2,
        generatedAt: NOW,
      });

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
