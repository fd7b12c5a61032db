import type { ImageDetail, ParsedManifest } from '../../../src/domain/image';
import { ACCEPTED_MEDIA_TYPES, indexChildDigests, isTagged, manifestOf, parseManifest } from '../../../src/domain/image';
import { imageOf } from '../support/images';
import { MEDIA, blob, imageManifest, indexManifest, sha256Digest, signatureOf } from '../support/manifests';

const config = blob('app-config', 1_200);
const base = blob('base-layer', 30_000);
const code = blob('code-layer', 4_000);
const amd64 = imageManifest({ config, layers: [base, code] });
const arm64 = imageManifest({ config, layers: [base, blob('arm-code', 4_100)] });
const UNKNOWN: ParsedManifest = { kind: 'unknown', children: [], blobs: [] };

describe('image', () => {
  describe('ACCEPTED_MEDIA_TYPES', () => {
    it('asks for the Docker and OCI manifests and indexes, and nothing else', () => {
      expect([...ACCEPTED_MEDIA_TYPES].sort()).toEqual(
        [MEDIA.dockerManifest, MEDIA.dockerManifestList, MEDIA.ociManifest, MEDIA.ociIndex].sort(),
      );
    });
  });

  describe('parseManifest', () => {
    it.each(['oci', 'docker'] as const)(
      'reads a %s image manifest: config and layers as blobs, the layers alone as layerBytes',
      (format) => {
        // Arrange
        const manifest = imageManifest({ config, layers: [base, code], format });

        // Act
        const parsed = parseManifest(manifest.text);

        // Assert
        expect(parsed).toEqual({ kind: 'manifest', children: [], blobs: [config, base, code], layerBytes: 34_000 });
      },
    );

    it.each(['oci', 'docker'] as const)('reads the children of a %s index in their order', (format) => {
      // Arrange
      const index = indexManifest([amd64, arm64], { format });

      // Act
      const parsed = parseManifest(index.text);

      // Assert
      expect(parsed).toEqual({ kind: 'index', children: [amd64.digest, arm64.digest], blobs: [] });
    });

    it('records the subject of a referrer', () => {
      // Arrange
      const signature = signatureOf(amd64);

      // Act
      const parsed = parseManifest(signature.text);

      // Assert
      expect(parsed.kind).toBe('manifest');
      expect(parsed.subject).toBe(amd64.digest);
    });

    it('takes the kind from the media type ECR reported when the text names none', () => {
      // Arrange: an OCI index may leave out its mediaType
      const text = JSON.stringify({ schemaVersion: 2, manifests: [{ digest: amd64.digest, size: 10 }] });

      // Act
      const parsed = parseManifest(text, MEDIA.ociIndex);

      // Assert
      expect(parsed).toEqual({ kind: 'index', children: [amd64.digest], blobs: [] });
    });

    it("prefers the text's own media type to the one ECR reported", () => {
      // Act
      const parsed = parseManifest(amd64.text, MEDIA.ociIndex);

      // Assert
      expect(parsed.kind).toBe('manifest');
    });

    it('falls back to the shape when neither the text nor ECR names a media type', () => {
      // Arrange
      const index = JSON.stringify({ manifests: [{ digest: 'sha256:aa' }, { digest: 'sha256:bb' }] });
      const image = JSON.stringify({ layers: [{ digest: 'sha256:cc', size: 7 }] });
      const configOnly = JSON.stringify({ config: { digest: 'sha256:dd', size: 3 } });

      // Act / Assert
      expect(parseManifest(index)).toEqual({ kind: 'index', children: ['sha256:aa', 'sha256:bb'], blobs: [] });
      expect(parseManifest(image)).toEqual({ kind: 'manifest', children: [], blobs: [{ digest: 'sha256:cc', size: 7 }], layerBytes: 7 });
      expect(parseManifest(configOnly)).toEqual({
        kind: 'manifest',
        children: [],
        blobs: [{ digest: 'sha256:dd', size: 3 }],
        layerBytes: 0,
      });
    });

    it('does not call a manifest an index when ECR reported an image manifest and the text names no type', () => {
      // Arrange
      const text = JSON.stringify({ manifests: [{ digest: 'sha256:aa' }] });

      // Act
      const parsed = parseManifest(text, MEDIA.dockerManifest);

      // Assert
      expect(parsed).toEqual(UNKNOWN);
    });

    it.each([
      ['text that is not JSON', '{"schemaVersion": 2,'],
      ['an empty text', ''],
      ['JSON null', 'null'],
      ['a JSON string', '"sha256:aa"'],
      ['a JSON number', '42'],
    ])('answers unknown for %s', (_name, text) => {
      expect(parseManifest(text)).toEqual(UNKNOWN);
    });

    it('answers unknown for an object without manifests, layers or config, keeping its subject', () => {
      // Arrange
      const text = JSON.stringify({ schemaVersion: 2, subject: { digest: amd64.digest } });

      // Act / Assert
      expect(parseManifest(text)).toEqual({ ...UNKNOWN, subject: amd64.digest });
    });

    it('skips descriptors without a string digest and counts a size that is not a number as 0', () => {
      // Arrange
      const text = JSON.stringify({
        mediaType: MEDIA.ociManifest,
        config: { digest: 'sha256:cfg', size: '12' },
        layers: [null, 'sha256:bare-string', { size: 9 }, { digest: 42, size: 8 }, { digest: 'sha256:l1', size: 5 }],
      });

      // Act
      const parsed = parseManifest(text);

      // Assert: the layer without a digest still counts towards layerBytes; the config never does
      expect(parsed).toEqual({
        kind: 'manifest',
        children: [],
        blobs: [
          { digest: 'sha256:cfg', size: 0 },
          { digest: 'sha256:l1', size: 5 },
        ],
        layerBytes: 22,
      });
    });

    it('lists no children when an index has no manifests array or entries without digests', () => {
      // Arrange
      const noArray = JSON.stringify({ mediaType: MEDIA.ociIndex, manifests: 'none' });
      const badEntries = JSON.stringify({ mediaType: MEDIA.ociIndex, manifests: [{ size: 1 }, 7, { digest: 'sha256:ok' }] });

      // Act / Assert
      expect(parseManifest(noArray)).toEqual({ kind: 'index', children: [], blobs: [] });
      expect(parseManifest(badEntries)).toEqual({ kind: 'index', children: ['sha256:ok'], blobs: [] });
    });

    it('ignores a subject without a string digest', () => {
      // Arrange
      const text = JSON.stringify({ mediaType: MEDIA.ociManifest, layers: [], subject: { digest: 7 } });

      // Act / Assert
      expect(parseManifest(text)).not.toHaveProperty('subject');
    });
  });

  describe('manifestOf', () => {
    it('answers the cached manifest without reading the text again', () => {
      // Arrange: the cached manifest and the text disagree, so the answer shows which one was used
      const cached: ParsedManifest = { kind: 'index', children: ['sha256:child'], blobs: [] };

      // Act
      const manifest = manifestOf({ imageManifest: amd64.text, parsedManifest: cached });

      // Assert
      expect(manifest).toBe(cached);
    });

    it('reads the text with the media type ECR reported', () => {
      // Arrange
      const text = JSON.stringify({ manifests: [{ digest: amd64.digest }] });

      // Act / Assert
      expect(manifestOf({ imageManifest: text, imageManifestMediaType: MEDIA.ociIndex })).toEqual({
        kind: 'index',
        children: [amd64.digest],
        blobs: [],
      });
      expect(manifestOf({ imageManifest: text, imageManifestMediaType: MEDIA.ociManifest })).toEqual(UNKNOWN);
    });

    it('answers undefined when neither a cached manifest nor a text is known', () => {
      expect(manifestOf({ imageManifestMediaType: MEDIA.ociManifest })).toBeUndefined();
    });
  });

  describe('isTagged', () => {
    it.each<{ name: string; imageTags: string[] | undefined; expected: boolean }>([
      { name: 'no tag list', imageTags: undefined, expected: false },
      { name: 'an empty tag list', imageTags: [], expected: false },
      { name: 'one tag', imageTags: ['v1'], expected: true },
      { name: 'several tags', imageTags: ['v1', 'latest'], expected: true },
    ])('answers $expected for an image with $name', ({ imageTags, expected }) => {
      // Arrange
      const image: ImageDetail = { imageDigest: sha256Digest('x'), ...(imageTags === undefined ? {} : { imageTags }) };

      // Act / Assert
      expect(isTagged(image)).toBe(expected);
    });
  });

  describe('indexChildDigests', () => {
    it('collects the children of every index, once each', () => {
      // Arrange: two indexes share a child
      const other = imageManifest({ config, layers: [blob('other', 10)] });
      const images = [
        imageOf(indexManifest([amd64, arm64]), { tags: ['v1'] }),
        imageOf(indexManifest([arm64, other], { format: 'docker' }), { tags: ['v2'] }),
        imageOf(amd64),
        imageOf(arm64),
      ];

      // Act
      const children = indexChildDigests(images);

      // Assert
      expect([...children].sort()).toEqual([amd64.digest, arm64.digest, other.digest].sort());
    });

    it('answers no children for single-platform images and referrers', () => {
      expect(indexChildDigests([imageOf(amd64, { tags: ['v1'] }), imageOf(signatureOf(amd64))]).size).toBe(0);
    });

    it('skips an index whose manifest text was not read', () => {
      // Arrange
      const images = [imageOf(indexManifest([amd64, arm64]), { tags: ['v1'], withoutManifest: true })];

      // Act / Assert
      expect(indexChildDigests(images).size).toBe(0);
    });

    it('uses the cached manifest when there is one, and only an index counts', () => {
      // Arrange: the cached manifests say otherwise than the texts
      const cachedIndex: ImageDetail = {
        ...imageOf(amd64),
        parsedManifest: { kind: 'index', children: ['sha256:from-cache'], blobs: [] },
      };
      const cachedImage: ImageDetail = {
        ...imageOf(indexManifest([amd64, arm64])),
        parsedManifest: { kind: 'manifest', children: [], blobs: [] },
      };

      // Act
      const children = indexChildDigests([cachedIndex, cachedImage]);

      // Assert
      expect([...children]).toEqual(['sha256:from-cache']);
    });

    it('reads an index whose text names its type even when ECR reported an image manifest', () => {
      // Arrange
      const index = indexManifest([amd64, arm64]);
      const image: ImageDetail = { ...imageOf(index), imageManifestMediaType: MEDIA.ociManifest };

      // Act / Assert
      expect([...indexChildDigests([image])].sort()).toEqual([amd64.digest, arm64.digest].sort());
    });
  });
});
