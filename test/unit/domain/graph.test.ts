import type { ImageDetail } from '../../../src/domain/image';
import type { ImageKind } from '../../../src/domain/graph';
import { buildImageGraph, closeDoomed, naiveBytesOf, reclaimableBytesOf, storedBytesOf } from '../../../src/domain/graph';
import type { ImageOptions } from '../support/images';
import { imageOf, opaqueImage } from '../support/images';
import type { ManifestFormat } from '../support/manifests';
import { MEDIA, blob, imageManifest, indexManifest, sha256Digest, signatureOf } from '../support/manifests';

// A small "repository" of real manifests shared by the tests below.
const baseOs = blob('debian-12-rootfs', 30_000_000);
const runtime = blob('node-22-runtime', 50_000_000);
const apiCode = blob('api-code-v1', 2_000_000);
const workerCode = blob('worker-code-v1', 3_000_000);

function appManifest(name: string, code = blob(`${name}-code`, 1_000_000), format: ManifestFormat = 'oci') {
  return imageManifest({ config: blob(`${name}-config`, 5_000), layers: [baseOs, runtime, code], format });
}

function kindsOf(images: readonly ImageDetail[]): Map<string, ImageKind> {
  const graph = buildImageGraph(images);
  return new Map([...graph.nodes].map(([digest, node]) => [digest, node.kind]));
}

describe('graph', () => {
  describe('buildImageGraph', () => {
    const amd64 = appManifest('amd64');
    const arm64 = appManifest('arm64');
    const index = indexManifest([amd64, arm64]);

    it.each<{ name: string; options: ImageOptions; expected: ImageKind }>([
      { name: 'a tagged single-platform image', options: { tags: ['v1'] }, expected: 'tagged' },
      { name: 'an untagged image no index lists', options: {}, expected: 'orphan' },
      { name: 'an image with an empty tag list', options: { tags: [] }, expected: 'orphan' },
    ])('classifies $name as $expected', ({ options, expected }) => {
      // Arrange
      const image = imageOf(appManifest('solo'), options);

      // Act
      const kinds = kindsOf([image]);

      // Assert
      expect(kinds.get(image.imageDigest)).toBe(expected);
    });

    it.each<ManifestFormat>(['oci', 'docker'])('classifies untagged children of a %s index as index children, not orphans', (format) => {
      // Arrange
      const a = appManifest('a', undefined, format);
      const b = appManifest('b', undefined, format);
      const list = indexManifest([a, b], { format });
      const images = [imageOf(list, { tags: ['latest'] }), imageOf(a), imageOf(b)];

      // Act
      const kinds = kindsOf(images);

      // Assert
      expect(kinds.get(list.digest)).toBe('tagged');
      expect(kinds.get(a.digest)).toBe('index-child');
      expect(kinds.get(b.digest)).toBe('index-child');
    });

    it('keeps a tagged index child tagged', () => {
      // Arrange
      const images = [imageOf(index, { tags: ['latest'] }), imageOf(amd64, { tags: ['latest-amd64'] }), imageOf(arm64)];

      // Act
      const kinds = kindsOf(images);

      // Assert
      expect(kinds.get(amd64.digest)).toBe('tagged');
      expect(kinds.get(arm64.digest)).toBe('index-child');
    });

    it('classifies a child as an index child when its parent index is itself untagged', () => {
      // Arrange
      const images = [imageOf(index), imageOf(amd64), imageOf(arm64)];

      // Act
      const kinds = kindsOf(images);

      // Assert
      expect(kinds.get(index.digest)).toBe('orphan');
      expect(kinds.get(amd64.digest)).toBe('index-child');
    });

    it('lists every index that references a child as its parent', () => {
      // Arrange
      const other = indexManifest([amd64], { annotations: { 'org.opencontainers.image.ref.name': 'amd64-only' } });
      const images = [imageOf(index, { tags: ['v1'] }), imageOf(other, { tags: ['v1-amd64'] }), imageOf(amd64), imageOf(arm64)];

      // Act
      const graph = buildImageGraph(images);

      // Assert
      expect(graph.nodes.get(amd64.digest)?.parents.sort()).toEqual([index.digest, other.digest].sort());
      expect(graph.nodes.get(arm64.digest)?.parents).toEqual([index.digest]);
      expect(graph.nodes.get(index.digest)?.parents).toEqual([]);
    });

    it('recognises an OCI index whose text omits the optional mediaType by the type ECR reported', () => {
      // Arrange
      const text = JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: amd64.mediaType, digest: amd64.digest, size: amd64.text.length }],
      });
      const bare: ImageDetail = {
        imageDigest: sha256Digest(text),
        imageTags: ['v1'],
        imageManifestMediaType: MEDIA.ociIndex,
        imageSizeInBytes: amd64.size,
        imageManifest: text,
      };

      // Act
      const graph = buildImageGraph([bare, imageOf(amd64)]);

      // Assert
      expect(graph.nodes.get(amd64.digest)?.kind).toBe('index-child');
      expect(storedBytesOf(graph)).toBe(amd64.size);
    });

    it('treats an untagged image as an orphan when the only index listing it has no readable manifest', () => {
      // Arrange
      const images = [imageOf(index, { tags: ['v1'], withoutManifest: true }), imageOf(amd64)];

      // Act
      const kinds = kindsOf(images);

      // Assert
      expect(kinds.get(amd64.digest)).toBe('orphan');
    });

    it.each<{ name: string; options: ImageOptions }>([
      { name: 'untagged', options: {} },
      { name: 'tagged', options: { tags: ['sha256-abc.sig'] } },
    ])('classifies a $name referrer as a referrer', ({ options }) => {
      // Arrange
      const subject = appManifest('signed');
      const signature = signatureOf(subject);
      const images = [imageOf(subject, { tags: ['v1'] }), imageOf(signature, options)];

      // Act
      const graph = buildImageGraph(images);

      // Assert
      expect(graph.nodes.get(signature.digest)?.kind).toBe('referrer');
      expect(graph.nodes.get(signature.digest)?.subject).toBe(subject.digest);
      expect(graph.nodes.get(subject.digest)?.subject).toBeUndefined();
    });

    it('finds the subject in the manifest when ECR did not report subjectManifestDigest', () => {
      // Arrange
      const subject = appManifest('signed');
      const signature = signatureOf(subject);
      const { subjectManifestDigest: _reported, ...unreported } = imageOf(signature);

      // Act
      const graph = buildImageGraph([imageOf(subject, { tags: ['v1'] }), unreported]);

      // Assert
      expect(graph.nodes.get(signature.digest)?.kind).toBe('referrer');
      expect(graph.nodes.get(signature.digest)?.subject).toBe(subject.digest);
    });

    it('classifies a referrer listed in an index as a referrer, not an index child', () => {
      // Arrange
      const subject = appManifest('signed');
      const attestation = signatureOf(subject, 'attestation');
      const list = indexManifest([subject, attestation]);

      // Act
      const kinds = kindsOf([imageOf(list, { tags: ['v1'] }), imageOf(subject), imageOf(attestation)]);

      // Assert
      expect(kinds.get(attestation.digest)).toBe('referrer');
      expect(kinds.get(subject.digest)).toBe('index-child');
    });

    it.each([
      { status: 'ARCHIVED', archived: true },
      { status: 'ACTIVE', archived: false },
      { status: 'ACTIVATING', archived: false },
    ])('sets archived to $archived for an $status image, whatever its kind', ({ status, archived }) => {
      // Arrange
      const tagged = imageOf(appManifest('t'), { tags: ['v1'], status });
      const orphan = imageOf(appManifest('o'), { status });

      // Act
      const graph = buildImageGraph([tagged, orphan]);

      // Assert
      expect(graph.nodes.get(tagged.imageDigest)?.archived).toBe(archived);
      expect(graph.nodes.get(orphan.imageDigest)?.archived).toBe(archived);
    });

    it('records each blob with the images whose manifests reference it', () => {
      // Arrange
      const api = appManifest('api', apiCode);
      const worker = appManifest('worker', workerCode);

      // Act
      const graph = buildImageGraph([imageOf(api, { tags: ['api'] }), imageOf(worker, { tags: ['worker'] })]);

      // Assert
      expect(graph.blobs.get(baseOs.digest)).toEqual({ size: baseOs.size, users: [api.digest, worker.digest] });
      expect(graph.blobs.get(apiCode.digest)).toEqual({ size: apiCode.size, users: [api.digest] });
    });
  });

  describe('storedBytesOf', () => {
    it('counts base layers shared by two images once', () => {
      // Arrange
      const api = appManifest('api', apiCode);
      const worker = appManifest('worker', workerCode);
      const images = [imageOf(api, { tags: ['api'] }), imageOf(worker, { tags: ['worker'] })];

      // Act
      const stored = storedBytesOf(buildImageGraph(images));

      // Assert
      expect(stored).toBe(baseOs.size + runtime.size + apiCode.size + workerCode.size + 5_000 + 5_000);
      expect(naiveBytesOf(images)).toBe(stored + baseOs.size + runtime.size);
    });

    it.each<ManifestFormat>(['oci', 'docker'])('walks a %s index into its children and adds nothing for the index itself', (format) => {
      // Arrange
      const amd64 = appManifest('amd64', blob('amd64-code', 4_000_000), format);
      const arm64 = appManifest('arm64', blob('arm64-code', 6_000_000), format);
      const list = indexManifest([amd64, arm64], { format });
      const images = [imageOf(list, { tags: ['v1'] }), imageOf(amd64), imageOf(arm64)];

      // Act
      const stored = storedBytesOf(buildImageGraph(images));

      // Assert
      expect(list.size).toBe(arm64.size);
      expect(stored).toBe(baseOs.size + runtime.size + 4_000_000 + 6_000_000 + 2 * 5_000);
      expect(naiveBytesOf(images)).toBe(list.size + amd64.size + arm64.size);
    });

    it('counts a blob once when one manifest lists it twice', () => {
      // Arrange
      const empty = blob('empty-layer', 32);
      const manifest = imageManifest({ config: blob('cfg', 100), layers: [empty, baseOs, empty] });

      // Act
      const stored = storedBytesOf(buildImageGraph([imageOf(manifest, { tags: ['v1'] })]));

      // Assert
      expect(stored).toBe(100 + 32 + baseOs.size);
    });

    it('counts a config blob shared by two manifests once', () => {
      // Arrange
      const config = blob('shared-config', 7_000);
      const a = imageManifest({ config, layers: [blob('a', 10)] });
      const b = imageManifest({ config, layers: [blob('b', 20)], format: 'docker' });

      // Act
      const stored = storedBytesOf(buildImageGraph([imageOf(a), imageOf(b)]));

      // Assert
      expect(stored).toBe(7_000 + 10 + 20);
    });

    it('falls back to imageSizeInBytes for an image whose manifest is unknown', () => {
      // Arrange
      const known = appManifest('known', apiCode);
      const images = [
        imageOf(known, { tags: ['a'] }),
        opaqueImage('legacy', 12_345_678, { tags: ['b'] }),
        imageOf(appManifest('unread'), { withoutManifest: true, sizeInBytes: 99 }),
      ];

      // Act
      const stored = storedBytesOf(buildImageGraph(images));

      // Assert
      expect(stored).toBe(known.size + 12_345_678 + 99);
    });

    it('falls back to imageSizeInBytes for a manifest text it cannot parse', () => {
      // Arrange
      const image: ImageDetail = {
        imageDigest: 'sha256:' + 'f'.repeat(64),
        imageTags: ['x'],
        imageSizeInBytes: 4_242,
        imageManifest: 'not json',
      };

      // Act
      const stored = storedBytesOf(buildImageGraph([image]));

      // Assert
      expect(stored).toBe(4_242);
    });

    it('lists every image whose stored bytes fell back to imageSizeInBytes, and no other', () => {
      // Arrange
      const known = appManifest('known', apiCode);
      const legacy = opaqueImage('legacy', 1_000, { tags: ['b'] });
      const unread = imageOf(appManifest('unread'), { withoutManifest: true });
      const garbled: ImageDetail = { imageDigest: 'sha256:' + 'e'.repeat(64), imageSizeInBytes: 5, imageManifest: '{"schemaVersion":2}' };

      // Act
      const graph = buildImageGraph([imageOf(known, { tags: ['a'] }), legacy, unread, garbled]);

      // Assert
      expect(graph.sizeFallbacks).toEqual([legacy.imageDigest, unread.imageDigest, garbled.imageDigest]);
    });

    it('records the children an index lists that the repository does not hold', () => {
      // Arrange
      const held = appManifest('held');
      const gone = appManifest('gone');
      const list = indexManifest([held, gone]);

      // Act
      const graph = buildImageGraph([imageOf(list, { tags: ['v1'] }), imageOf(held)]);

      // Assert
      expect(graph.missingChildren).toEqual(new Map([[list.digest, [gone.digest]]]));
      expect(graph.sizeFallbacks).toEqual([]);
    });

    it('counts an unknown image without a reported size as zero bytes', () => {
      // Act
      const stored = storedBytesOf(buildImageGraph([opaqueImage('sizeless', undefined)]));

      // Assert
      expect(stored).toBe(0);
    });

    it('returns zero for an empty repository', () => {
      expect(storedBytesOf(buildImageGraph([]))).toBe(0);
    });
  });

  describe('naiveBytesOf', () => {
    it('sums imageSizeInBytes over every image, counting missing sizes as zero', () => {
      // Arrange
      const images = [opaqueImage('a', 100), opaqueImage('b', undefined), opaqueImage('c', 23)];

      // Act
      const naive = naiveBytesOf(images);

      // Assert
      expect(naive).toBe(123);
    });
  });

  describe('closeDoomed', () => {
    const amd64 = appManifest('amd64');
    const arm64 = appManifest('arm64');
    const index = indexManifest([amd64, arm64]);

    it('returns the expired images alone when nothing depends on them', () => {
      // Arrange
      const a = appManifest('a');
      const b = appManifest('b');
      const graph = buildImageGraph([imageOf(a), imageOf(b)]);

      // Act
      const doomed = closeDoomed(graph, [a.digest]);

      // Assert
      expect([...doomed]).toEqual([a.digest]);
    });

    it('returns an empty set when nothing expired', () => {
      // Arrange
      const graph = buildImageGraph([imageOf(index), imageOf(amd64), imageOf(arm64)]);

      // Act
      const doomed = closeDoomed(graph, []);

      // Assert
      expect(doomed.size).toBe(0);
    });

    it('dooms the untagged children of an expired index that is their only parent', () => {
      // Arrange
      const graph = buildImageGraph([imageOf(index), imageOf(amd64), imageOf(arm64)]);

      // Act
      const doomed = closeDoomed(graph, [index.digest]);

      // Assert
      expect(doomed).toEqual(new Set([index.digest, amd64.digest, arm64.digest]));
    });

    it('keeps a tagged child of an expired index', () => {
      // Arrange
      const graph = buildImageGraph([imageOf(index), imageOf(amd64, { tags: ['amd64'] }), imageOf(arm64)]);

      // Act
      const doomed = closeDoomed(graph, [index.digest]);

      // Assert
      expect(doomed).toEqual(new Set([index.digest, arm64.digest]));
    });

    it('keeps a child that a kept index still lists', () => {
      // Arrange
      const newer = indexManifest([amd64, appManifest('arm64-v2')]);
      const graph = buildImageGraph([imageOf(index), imageOf(newer, { tags: ['latest'] }), imageOf(amd64), imageOf(arm64)]);

      // Act
      const doomed = closeDoomed(graph, [index.digest]);

      // Assert
      expect(doomed.has(amd64.digest)).toBe(false);
      expect(doomed.has(arm64.digest)).toBe(true);
    });

    it('dooms a shared child only when all of its parents are doomed', () => {
      // Arrange
      const other = indexManifest([amd64], { annotations: { variant: 'amd64-only' } });
      const graph = buildImageGraph([imageOf(index), imageOf(other), imageOf(amd64), imageOf(arm64)]);

      // Act
      const doomed = closeDoomed(graph, [index.digest, other.digest]);

      // Assert
      expect(doomed).toEqual(new Set([index.digest, other.digest, amd64.digest, arm64.digest]));
    });

    it('dooms the referrers of a doomed image and keeps those of kept images', () => {
      // Arrange
      const gone = appManifest('gone');
      const kept = appManifest('kept');
      const goneSig = signatureOf(gone);
      const keptSig = signatureOf(kept);
      const graph = buildImageGraph([
        imageOf(gone),
        imageOf(kept, { tags: ['v1'] }),
        imageOf(goneSig, { tags: ['sig'] }),
        imageOf(keptSig),
      ]);

      // Act
      const doomed = closeDoomed(graph, [gone.digest]);

      // Assert
      expect(doomed).toEqual(new Set([gone.digest, goneSig.digest]));
    });

    it('dooms a referrer of a referrer of a doomed image', () => {
      // Arrange
      const subject = appManifest('subject');
      const sbom = signatureOf(subject, 'sbom');
      const sbomSignature = signatureOf(sbom, 'sbom-signature');
      // Listed deepest first, so one pass in input order cannot reach the fixpoint.
      const graph = buildImageGraph([imageOf(sbomSignature), imageOf(sbom), imageOf(subject)]);

      // Act
      const doomed = closeDoomed(graph, [subject.digest]);

      // Assert
      expect(doomed).toEqual(new Set([subject.digest, sbom.digest, sbomSignature.digest]));
    });

    it('resolves a chain index → child → referrer → index of referrer → its child to a fixpoint', () => {
      // Arrange
      const childSig = signatureOf(amd64, 'child-sig');
      const attestationChild = appManifest('attestation-layer');
      const attestationIndex = indexManifest([attestationChild], { subject: childSig });
      const images = [
        imageOf(attestationChild),
        imageOf(attestationIndex),
        imageOf(childSig),
        imageOf(arm64),
        imageOf(amd64),
        imageOf(index),
      ];
      const graph = buildImageGraph(images);

      // Act
      const doomed = closeDoomed(graph, [index.digest]);

      // Assert
      expect(doomed).toEqual(new Set(images.map((i) => i.imageDigest)));
    });

    it('dooms a referrer whose subject is not in the repository, even when nothing expired', () => {
      // Arrange: ECR removes referrers within a day of their subject's removal (ECR-FACTS §1.4).
      const gone = appManifest('deleted-earlier');
      const kept = appManifest('kept');
      const orphanedSig = signatureOf(gone);
      const keptSig = signatureOf(kept);
      const graph = buildImageGraph([imageOf(kept, { tags: ['v1'] }), imageOf(orphanedSig, { tags: ['sig'] }), imageOf(keptSig)]);

      // Act
      const doomed = closeDoomed(graph, []);

      // Assert
      expect(doomed).toEqual(new Set([orphanedSig.digest]));
    });

    it('dooms what hangs off an orphaned referrer with it', () => {
      // Arrange: an SBOM whose subject is gone, and the SBOM's own signature.
      const sbom = signatureOf(appManifest('deleted-earlier'), 'sbom');
      const sbomSignature = signatureOf(sbom, 'sbom-signature');
      const graph = buildImageGraph([imageOf(sbomSignature), imageOf(sbom)]);

      // Act
      const doomed = closeDoomed(graph, []);

      // Assert
      expect(doomed).toEqual(new Set([sbom.digest, sbomSignature.digest]));
    });

    it('dooms an orphaned referrer known only from its manifest subject', () => {
      // Arrange: ECR did not report subjectManifestDigest; the manifest names the missing subject.
      const sig = signatureOf(appManifest('deleted-earlier'));
      const { subjectManifestDigest: _subject, ...bare } = imageOf(sig);
      const graph = buildImageGraph([bare]);

      // Act
      const doomed = closeDoomed(graph, []);

      // Assert
      expect(doomed).toEqual(new Set([sig.digest]));
    });

    it('keeps an image the expired set does not reach', () => {
      // Arrange
      const graph = buildImageGraph([imageOf(index, { tags: ['v1'] }), imageOf(amd64), imageOf(arm64)]);

      // Act
      const doomed = closeDoomed(graph, [arm64.digest]);

      // Assert
      expect(doomed).toEqual(new Set([arm64.digest]));
    });
  });

  describe('reclaimableBytesOf', () => {
    it('counts only the blobs that no kept image references', () => {
      // Arrange
      const old = appManifest('old', blob('old-code', 2_500_000));
      const current = appManifest('current', blob('current-code', 3_500_000));
      const graph = buildImageGraph([imageOf(old), imageOf(current, { tags: ['latest'] })]);

      // Act
      const reclaimable = reclaimableBytesOf(graph, new Set([old.digest]));

      // Assert: the shared base and runtime layers stay; only old's own config and code go.
      expect(reclaimable).toBe(2_500_000 + 5_000);
    });

    it('counts a layer shared by two doomed images once', () => {
      // Arrange
      const a = appManifest('a', apiCode);
      const b = appManifest('b', apiCode);
      const graph = buildImageGraph([imageOf(a), imageOf(b)]);

      // Act
      const reclaimable = reclaimableBytesOf(graph, new Set([a.digest, b.digest]));

      // Assert
      expect(reclaimable).toBe(storedBytesOf(graph));
      expect(reclaimable).toBe(baseOs.size + runtime.size + apiCode.size + 2 * 5_000);
    });

    it('reclaims the children of a doomed index through the closure but nothing for the index itself', () => {
      // Arrange
      const amd64 = appManifest('amd64', blob('amd64-code', 1_000));
      const arm64 = appManifest('arm64', blob('arm64-code', 2_000));
      const list = indexManifest([amd64, arm64]);
      const kept = appManifest('kept', blob('kept-code', 4_000));
      const graph = buildImageGraph([imageOf(list), imageOf(amd64), imageOf(arm64), imageOf(kept, { tags: ['v2'] })]);

      // Act
      const withoutClosure = reclaimableBytesOf(graph, new Set([list.digest]));
      const withClosure = reclaimableBytesOf(graph, closeDoomed(graph, [list.digest]));

      // Assert
      expect(withoutClosure).toBe(0);
      expect(withClosure).toBe(1_000 + 2_000 + 2 * 5_000);
    });

    it('reclaims the reported size of a doomed image whose manifest is unknown', () => {
      // Arrange
      const legacy = opaqueImage('legacy', 777);
      const graph = buildImageGraph([legacy, opaqueImage('other', 1)]);

      // Act
      const reclaimable = reclaimableBytesOf(graph, new Set([legacy.imageDigest]));

      // Assert
      expect(reclaimable).toBe(777);
    });

    it('returns zero when nothing is doomed', () => {
      // Arrange
      const graph = buildImageGraph([imageOf(appManifest('a')), imageOf(appManifest('b'))]);

      // Act
      const reclaimable = reclaimableBytesOf(graph, new Set());

      // Assert
      expect(reclaimable).toBe(0);
    });
  });
});
