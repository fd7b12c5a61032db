import fc from 'fast-check';
import { analyseRepository } from '../../../src/domain/analysis';
import { manifestOf } from '../../../src/domain/image';
import { MANIFEST_CACHE_FORMAT, decodeManifestCache, encodeManifestCache, nextManifestCache } from '../../../src/domain/manifest-cache';
import type { RepositoryState } from '../../../src/domain/registry';
import { NOW, imageOf } from '../support/images';
import { blob, imageManifest, indexManifest, signatureOf } from '../support/manifests';
import { TAGGED_ONLY } from '../support/policies';
import { expectNoRawControls, HOSTILE } from '../../support/hostile-text';

const REGION = 'eu-west-1';
const REPO = 'team/app';

const base = blob('base', 3_000_000);
const amd64 = imageManifest({ config: blob('amd64-config', 1_000), layers: [base, blob('amd64-code', 50_000)] });
const arm64 = imageManifest({ config: blob('arm64-config', 1_000), layers: [base, blob('arm64-code', 40_000)] });
const index = indexManifest([amd64, arm64]);
const signature = signatureOf(index);

/** A repository of every kind of manifest: an index with its children, a signature, and an image without a readable manifest. */
function images() {
  return [
    imageOf(index, { tags: ['v1'] }),
    imageOf(amd64),
    imageOf(arm64),
    imageOf(signature),
    imageOf(imageManifest({ config: blob('unread', 10), layers: [blob('unread-layer', 20)] }), { withoutManifest: true }),
  ];
}

function state(imagesOfRepository: RepositoryState['images']): RepositoryState {
  return {
    accountId: '111122223333',
    region: REGION,
    repositoryName: REPO,
    repositoryArn: `arn:aws:ecr:${REGION}:111122223333:repository/${REPO}`,
    tags: [],
    lifecyclePolicyText: TAGGED_ONLY,
    images: imagesOfRepository,
  };
}

describe('manifest cache', () => {
  describe('round trip', () => {
    it('writes a repository name with control and bidirectional characters as JSON escapes and reads back for that repository', () => {
      // Arrange
      const read = images();
      const cache = nextManifestCache(new Map(), read);
      if (cache === undefined) throw new Error('a first read must fill the cache');

      // Act
      const text = encodeManifestCache(REGION, HOSTILE, cache);

      // Assert
      expectNoRawControls(text);
      expect(text).toContain('\\u202e');
      expect((JSON.parse(text) as { repositoryName: string }).repositoryName).toBe(HOSTILE);
      const loaded = decodeManifestCache(text, REGION, HOSTILE);
      expect(loaded.ignored).toBeUndefined();
      expect(loaded.manifests).toEqual(decodeManifestCache(encodeManifestCache(REGION, REPO, cache), REGION, REPO).manifests);
    });

    it('gives back what every manifest tells, so an audit from the cache equals one from the texts', () => {
      // Arrange
      const read = images();
      const cache = nextManifestCache(new Map(), read);
      if (cache === undefined) throw new Error('a first read must fill the cache');

      // Act
      const loaded = decodeManifestCache(encodeManifestCache(REGION, REPO, cache), REGION, REPO);
      const fromCache = read.map(({ imageManifest: _text, ...image }) => {
        const parsed = loaded.manifests.get(image.imageDigest);
        return parsed === undefined ? image : { ...image, parsedManifest: parsed };
      });

      // Assert
      expect(loaded.ignored).toBeUndefined();
      expect(loaded.manifests.size).toBe(4);
      for (const image of read) expect(loaded.manifests.get(image.imageDigest)).toEqual(manifestOf(image));
      const options = { now: NOW, days: 7, pricePerGbMonth: 0.1, optedOut: false, excluded: false, lintMaxUntaggedDays: 30 };
      expect(analyseRepository(state(fromCache), options).report).toEqual(analyseRepository(state(read), options).report);
    });

    it('holds for any blob sizes and children (property)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.nat({ max: 2 ** 40 })), { minLength: 1, maxLength: 6 }),
          (blobs) => {
            const manifest = imageManifest({ config: blob('c', 1), layers: blobs.map(([name, size]) => blob(name, size)) });
            const cache = nextManifestCache(new Map(), [imageOf(manifest)]);
            const loaded = decodeManifestCache(encodeManifestCache(REGION, REPO, cache ?? new Map()), REGION, REPO);
            expect(loaded.manifests.get(manifest.digest)).toEqual(manifestOf(imageOf(manifest)));
          },
        ),
      );
    });
  });

  describe('decodeManifestCache', () => {
    it.each([
      { name: 'not JSON', text: '{"format":', reason: 'not valid JSON' },
      { name: 'an older format', text: JSON.stringify({ format: 'ecr-janitor-manifest-cache/0', manifests: {} }), reason: 'format' },
      {
        name: 'a negative blob size',
        text: JSON.stringify({
          format: MANIFEST_CACHE_FORMAT,
          region: REGION,
          repositoryName: REPO,
          manifests: { [amd64.digest]: { k: 'm', b: [['sha256:x', -1]] } },
        }),
        reason: 'not a valid cache file',
      },
      {
        name: 'a key that is not a digest',
        text: JSON.stringify({ format: MANIFEST_CACHE_FORMAT, region: REGION, repositoryName: REPO, manifests: { latest: { k: 'm' } } }),
        reason: 'not a valid cache file',
      },
      {
        name: "another repository's file",
        text: encodeManifestCache(
          REGION,
          'team/other',
          new Map([[amd64.digest, manifestOf(imageOf(amd64)) ?? { kind: 'unknown', children: [], blobs: [] }]]),
        ),
        reason: 'written for eu-west-1/team/other',
      },
    ])('ignores $name, never half-using it', ({ text, reason }) => {
      // Act
      const loaded = decodeManifestCache(text, REGION, REPO);

      // Assert
      expect(loaded.manifests.size).toBe(0);
      expect(loaded.ignored).toContain(reason);
    });

    it('treats a missing file as an empty cache, not as a problem', () => {
      // Act
      const loaded = decodeManifestCache(undefined, REGION, REPO);

      // Assert
      expect(loaded).toEqual({ manifests: new Map() });
    });
  });

  describe('nextManifestCache', () => {
    it('needs no write when every image is known already, and drops the images that are gone', () => {
      // Arrange
      const read = images();
      const first = nextManifestCache(new Map(), read) ?? new Map();

      // Act
      const unchanged = nextManifestCache(first, read);
      const afterDelete = nextManifestCache(
        first,
        read.filter((i) => i.imageDigest !== signature.digest),
      );

      // Assert
      expect(unchanged).toBeUndefined();
      expect(afterDelete?.has(signature.digest)).toBe(false);
      expect(afterDelete?.size).toBe(3);
    });
  });
});
