import { parseSnapshot, snapshotSchema } from '../../../../src/adapters/snapshot/schema';
import { SNAPSHOT_FORMAT } from '../../../../src/adapters/snapshot/format';
import { InvalidInputError } from '../../../../src/domain/errors';
import { amd64, arm64, sampleSnapshot as snapshot } from '../../support/sample-snapshot';

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

describe('snapshot schema', () => {
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
    ])('names the path and place of a missing $field, and the file', ({ field, path }) => {
      // Arrange
      const doc = rawSnapshot() as { registries: Array<{ repositories: Array<Record<string, unknown>> }> };
      const repository = doc.registries[0]?.repositories[1];
      if (!repository) throw new Error('fixture has no second repository');
      delete repository[field];

      // Act
      const error = thrownBy(() => parseSnapshot(doc, 'snap.json'));

      // Assert
      expect(error.message).toContain('snap.json');
      expect(error.message).toContain(`${path} (region eu-west-1, repository "bare"): `);
    });

    it('names an image whose digest is not a sha256 digest, with its place', () => {
      // Arrange
      const doc = rawSnapshot() as { registries: Array<{ repositories: Array<{ images: Array<Record<string, unknown>> }> }> };
      const image = doc.registries[0]?.repositories[0]?.images[2];
      if (!image) throw new Error('fixture has no third image');
      image.imageDigest = 'md5:abc';

      // Act
      const error = thrownBy(() => parseSnapshot(doc, 'snap.json'));

      // Assert
      expect(error.message).toContain(
        'registries.0.repositories.0.images.2.imageDigest (region eu-west-1, repository "team/app", image md5:abc): must be a sha256 digest',
      );
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
      const doc = {
        format: SNAPSHOT_FORMAT,
        capturedAt: '2026-01-01T00:00:00Z',
        registries: [{ accountId: '1', region: 'eu-west-1', repositories }],
      };

      // Act
      const error = thrownBy(() => parseSnapshot(doc, 'snap.json'));

      // Assert
      expect(error.message.match(/repositoryArn/g)).toHaveLength(10);
      expect(error.message).toContain('… and 2 more');
    });

    it.each([
      [
        'images',
        (i: number): Record<string, unknown> => ({ imageDigest: `bad-${i}`, imageSizeInBytes: -1 }),
        /images\.0\.imageDigest \(region eu-west-1, repository "r", image bad-0\): must be a sha256 digest/,
        399_990,
      ],
      [
        'images with one digest',
        (): Record<string, unknown> => ({ imageDigest: `sha256:${'a'.repeat(64)}` }),
        /images\.1\.imageDigest .*: image digest "sha256:a+" appears again \(first at index 0\)/,
        199_989,
      ],
    ])(
      'says what is wrong with 200,000 bad %s, the first ten and a count, without overflowing the stack',
      (_, image, first, others) => {
        // Arrange
        const images = Array.from({ length: 200_000 }, (_, i) => image(i));
        const doc = {
          format: SNAPSHOT_FORMAT,
          capturedAt: '2026-01-01T00:00:00Z',
          registries: [
            {
              accountId: '1',
              region: 'eu-west-1',
              repositories: [{ repositoryName: 'r', repositoryArn: 'a', createdAt: null, tags: [], lifecyclePolicyText: null, images }],
            },
          ],
        };

        // Act
        const error = thrownBy(() => parseSnapshot(doc, 'big.json'));

        // Assert
        expect(error).toBeInstanceOf(InvalidInputError);
        expect(error.message).toMatch(/^snapshot file big\.json is not an ecr-janitor snapshot that makes sense/);
        expect(error.message).toMatch(first);
        expect(error.message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(10);
        expect(error.message.endsWith(`\n  … and ${others} more`)).toBe(true);
      },
      60_000,
    );

    it('counts the problems of every list, nested ones and a manifest with many bad layers included', () => {
      // Arrange: 30 bad in-use entries, and one image whose manifest has 20 layers of negative size.
      const layers = Array.from({ length: 20 }, () => ({
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: 'sha256:x',
        size: -5,
      }));
      const doc = rawSnapshot() as {
        registries: Array<{ inUse?: unknown[]; repositories: Array<{ images: Array<Record<string, unknown>> }> }>;
      };
      const registry = doc.registries[0];
      if (registry === undefined) throw new Error('the sample has a registry');
      registry.inUse = Array.from({ length: 30 }, () => ({ repositoryName: '', imageDigest: 'nope', consumer: 'c' }));
      const image = registry.repositories[0]?.images[0];
      if (image === undefined) throw new Error('the sample has an image');
      image.imageManifest = JSON.stringify({ schemaVersion: 2, config: { size: 1 }, layers });

      // Act
      const error = thrownBy(() => parseSnapshot(doc, 'snap.json'));

      // Assert: 60 problems in the in-use list, 20 in the manifest.
      expect(error.message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(10);
      expect(error.message).toContain('\n  … and 70 more');
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

    it('loads a file written before errors were recorded, and one that records them', () => {
      // Arrange
      const older = rawSnapshot();
      delete older.errors;
      const recorded = { ...rawSnapshot(), errors: [{ region: 'ap-south-1', code: 'AccessDeniedException', message: 'denied' }] };

      // Act
      const parsed = [parseSnapshot(older, 'old.json'), parseSnapshot(recorded, 'new.json')];

      // Assert
      expect(parsed[0]?.errors).toBeUndefined();
      expect(parsed[1]?.errors).toEqual([{ region: 'ap-south-1', code: 'AccessDeniedException', message: 'denied' }]);
    });
  });

  describe('parseSnapshot: sense checks', () => {
    type Raw = {
      capturedAt: unknown;
      errors?: unknown[];
      registries: Array<{ region: unknown; repositories: Array<Record<string, unknown> & { images: Array<Record<string, unknown>> }> }>;
    };
    const raw = (): Raw => rawSnapshot() as unknown as Raw;
    const appImage = (doc: Raw, i: number): Record<string, unknown> => {
      const image = doc.registries[0]?.repositories[0]?.images[i];
      if (!image) throw new Error(`fixture has no image ${i}`);
      return image;
    };
    const sizeAt = (i: number): string =>
      `registries.0.repositories.0.images.${i}.imageSizeInBytes (region eu-west-1, repository "team/app", image `;

    it.each<{ name: string; breakIt: (doc: Raw) => void; expected: string }>([
      {
        name: 'a negative image size',
        breakIt: (doc) => (appImage(doc, 1).imageSizeInBytes = -5),
        expected: `${sizeAt(1)}${amd64.digest}): -5 is not a size in bytes: it must be a whole number of 0 or more`,
      },
      {
        name: 'a fractional image size',
        breakIt: (doc) => (appImage(doc, 1).imageSizeInBytes = 1.5),
        expected: `imageSizeInBytes (region eu-west-1, repository "team/app", image ${amd64.digest}): 1.5 is not a size in bytes`,
      },
      {
        name: 'a push time that does not exist',
        breakIt: (doc) => (appImage(doc, 2).imagePushedAt = '2026-02-30T00:00:00Z'),
        expected: `imagePushedAt (region eu-west-1, repository "team/app", image ${arm64.digest}): "2026-02-30T00:00:00Z" is not a time that exists`,
      },
      {
        name: 'a pull time that does not parse',
        breakIt: (doc) => (appImage(doc, 2).lastRecordedPullTime = 'last Tuesday'),
        expected: `lastRecordedPullTime (region eu-west-1, repository "team/app", image ${arm64.digest}): "last Tuesday" is not a time`,
      },
      {
        name: 'a capture time that is not strict ISO-8601',
        breakIt: (doc) => (doc.capturedAt = 'March 1, 2026'),
        expected: 'capturedAt: "March 1, 2026" is not an ISO-8601 time that exists',
      },
      {
        name: 'a creation time that does not exist',
        breakIt: (doc) => ((doc.registries[0]?.repositories[1] as Record<string, unknown>).createdAt = '2025-13-01T00:00:00Z'),
        expected:
          'registries.0.repositories.1.createdAt (region eu-west-1, repository "bare"): "2025-13-01T00:00:00Z" is not an ISO-8601 time',
      },
      {
        name: 'an invalid region name',
        breakIt: (doc) => ((doc.registries[1] as { region: unknown }).region = 'US East'),
        expected: 'registries.1.region (region US East): "US East" is not an AWS region name such as eu-west-1',
      },
      {
        name: 'a region twice',
        breakIt: (doc) => ((doc.registries[1] as { region: unknown }).region = 'eu-west-1'),
        expected: 'registries.1.region (region eu-west-1): region "eu-west-1" appears again (first at index 0)',
      },
      {
        name: 'a repository twice in a region',
        breakIt: (doc) => ((doc.registries[0]?.repositories[1] as Record<string, unknown>).repositoryName = 'team/app'),
        expected:
          'registries.0.repositories.1.repositoryName (region eu-west-1, repository "team/app"): repository "team/app" appears again (first at index 0)',
      },
      {
        name: 'an image twice in a repository',
        breakIt: (doc) => (appImage(doc, 3).imageDigest = amd64.digest),
        expected: `images.3.imageDigest (region eu-west-1, repository "team/app", image ${amd64.digest}): image digest "${amd64.digest}" appears again (first at index 1)`,
      },
      {
        name: 'a manifest that gives a layer a negative size',
        breakIt: (doc) => {
          const manifest = JSON.parse(appImage(doc, 1).imageManifest as string) as { layers: Array<{ size: number }> };
          (manifest.layers[1] as { size: number }).size = -1;
          appImage(doc, 1).imageManifest = JSON.stringify(manifest);
        },
        expected: `imageManifest (region eu-west-1, repository "team/app", image ${amd64.digest}): the manifest's layers[1].size -1 is not a size in bytes`,
      },
      {
        name: 'an error entry of an invalid region',
        breakIt: (doc) => (doc.errors = [{ region: 'mars-1', code: 'X', message: 'y' }]),
        expected: 'errors.0.region: "mars-1" is not an AWS region name',
      },
    ])('refuses $name, naming the place', ({ breakIt, expected }) => {
      // Arrange
      const doc = raw();
      breakIt(doc);

      // Act
      const error = thrownBy(() => parseSnapshot(doc, 'snap.json'));

      // Assert
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.message).toContain(expected);
    });

    it.each<{ name: string; change: (doc: Raw) => void }>([
      { name: 'an image without its manifest', change: (doc) => delete appImage(doc, 3).imageManifest },
      { name: 'an image whose manifest is not JSON', change: (doc) => (appImage(doc, 3).imageManifest = 'not json') },
      { name: 'an index whose child is gone', change: (doc) => doc.registries[0]?.repositories[0]?.images.splice(2, 1) },
      { name: 'a size below the layers, as moto reports it', change: (doc) => (appImage(doc, 1).imageSizeInBytes = 1_000) },
      { name: 'times in epoch seconds', change: (doc) => (appImage(doc, 1).imagePushedAt = 1_767_225_600) },
    ])('loads $name (the audit warns where it matters)', ({ change }) => {
      // Arrange
      const doc = raw();
      change(doc);

      // Act
      const act = (): unknown => parseSnapshot(doc, 'snap.json');

      // Assert
      expect(act).not.toThrow();
    });
  });
});
