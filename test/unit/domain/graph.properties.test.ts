import fc from 'fast-check';
import type { ImageGraph } from '../../../src/domain/graph';
import { buildImageGraph, closeDoomed, naiveBytesOf, reclaimableBytesOf, storedBytesOf } from '../../../src/domain/graph';
import type { ImageDetail } from '../../../src/domain/image';
import { imageOf, opaqueImage } from '../support/images';
import type { Blob, Manifest } from '../support/manifests';
import { blob, imageManifest, indexManifest } from '../support/manifests';

/**
 * A random repository built from real manifests: a pool of blobs (one size per digest, as in a
 * registry), image manifests over that pool, some referrers of earlier images, indexes over the
 * manifests (some referrers themselves), some images whose manifest could not be read, and
 * sometimes a referrer whose subject is no longer in the repository.
 */
interface Repository {
  images: ImageDetail[];
}

const MAX_IMAGES = 20;

const manifestSpec = fc.record({
  blobs: fc.uniqueArray(fc.nat({ max: 11 }), { minLength: 1, maxLength: 5 }),
  format: fc.constantFrom<'oci' | 'docker'>('oci', 'docker'),
  tagged: fc.boolean(),
  archived: fc.boolean(),
  /** Index into the images built so far: makes this image a referrer of that one. */
  subject: fc.option(fc.nat(), { nil: undefined }),
  readable: fc.boolean(),
});

const indexSpec = fc.record({
  children: fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 4 }),
  tagged: fc.boolean(),
  subject: fc.option(fc.nat(), { nil: undefined }),
});

const repositoryArb: fc.Arbitrary<Repository> = fc
  .record({
    blobSizes: fc.array(fc.integer({ min: 0, max: 50_000_000 }), { minLength: 12, maxLength: 12 }),
    manifests: fc.array(manifestSpec, { minLength: 1, maxLength: 12 }),
    indexes: fc.array(indexSpec, { maxLength: 4 }),
    orphanedReferrer: fc.boolean(),
  })
  .map(({ blobSizes, manifests, indexes, orphanedReferrer }) => {
    const pool: Blob[] = blobSizes.map((size, i) => blob(`pool-${i}`, size));
    const built: Manifest[] = [];
    const images: ImageDetail[] = [];
    manifests.forEach((spec, i) => {
      const [configIndex = 0, ...layerIndexes] = spec.blobs;
      const subject = spec.subject === undefined || built.length === 0 ? undefined : built[spec.subject % built.length];
      const manifest = imageManifest({
        config: pool[configIndex] as Blob,
        layers: layerIndexes.map((l) => pool[l] as Blob),
        format: spec.format,
        ...(subject === undefined ? {} : { subject }),
        annotations: { 'test.name': `manifest-${i}` },
      });
      built.push(manifest);
      images.push(
        imageOf(manifest, {
          ...(spec.tagged ? { tags: [`t${i}`] } : {}),
          status: spec.archived ? 'ARCHIVED' : 'ACTIVE',
          withoutManifest: !spec.readable,
        }),
      );
    });
    const singles = [...built];
    indexes.forEach((spec, i) => {
      const children = [...new Set(spec.children.map((c) => singles[c % singles.length] as Manifest))];
      const subject = spec.subject === undefined ? undefined : built[spec.subject % built.length];
      const index = indexManifest(children, { ...(subject === undefined ? {} : { subject }), annotations: { 'test.name': `index-${i}` } });
      built.push(index);
      images.push(imageOf(index, spec.tagged ? { tags: [`idx${i}`] } : {}));
    });
    images.push(opaqueImage('legacy-a', 12_345), opaqueImage('legacy-b', 0, { tags: ['old'] }));
    if (orphanedReferrer) {
      // The referrer of an image that was never pushed here (or deleted): its subject is missing.
      const missing = imageManifest({ config: pool[0] as Blob, layers: [], annotations: { 'test.name': 'missing-subject' } });
      images.push(
        imageOf(
          imageManifest({
            config: pool[1] as Blob,
            layers: [pool[2] as Blob],
            subject: missing,
            annotations: { 'test.name': 'orphaned-referrer' },
          }),
        ),
      );
    }
    return { images };
  });

/** A subset of the repository's digests chosen by a mask. */
function pick(images: readonly ImageDetail[], mask: readonly boolean[]): string[] {
  return images.filter((_, i) => mask[i % mask.length] === true).map((i) => i.imageDigest);
}

const maskArb = fc.array(fc.boolean(), { minLength: MAX_IMAGES, maxLength: MAX_IMAGES });

function isSubset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return [...a].every((x) => b.has(x));
}

function permute<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i % keys.length] ?? 0, i }))
    .sort((x, y) => x.key - y.key || x.i - y.i)
    .map((x) => x.item);
}

function kinds(graph: ImageGraph): Map<string, string> {
  return new Map([...graph.nodes].map(([d, n]) => [d, n.kind]));
}

describe('graph properties', () => {
  describe('storedBytesOf', () => {
    it('never exceeds the naive sum when sizes are reported as ECR reports them', () => {
      fc.assert(
        fc.property(repositoryArb, ({ images }) => {
          // Act
          const stored = storedBytesOf(buildImageGraph(images));

          // Assert
          expect(stored).toBeLessThanOrEqual(naiveBytesOf(images));
        }),
      );
    });

    it('does not depend on the order the images are listed in', () => {
      fc.assert(
        fc.property(repositoryArb, fc.array(fc.integer(), { minLength: 30, maxLength: 30 }), ({ images }, keys) => {
          // Arrange
          const shuffled = permute(images, keys);

          // Act
          const graph = buildImageGraph(images);
          const other = buildImageGraph(shuffled);

          // Assert
          expect(storedBytesOf(other)).toBe(storedBytesOf(graph));
          expect(kinds(other)).toEqual(kinds(graph));
        }),
      );
    });
  });

  describe('closeDoomed', () => {
    it('contains the expired images and is closed: applying it again changes nothing', () => {
      fc.assert(
        fc.property(repositoryArb, maskArb, ({ images }, mask) => {
          // Arrange
          const graph = buildImageGraph(images);
          const expired = pick(images, mask);

          // Act
          const doomed = closeDoomed(graph, expired);
          const again = closeDoomed(graph, doomed);

          // Assert
          expect(isSubset(new Set(expired), doomed)).toBe(true);
          expect(again).toEqual(doomed);
        }),
      );
    });

    it('is monotone: expiring more never dooms less', () => {
      fc.assert(
        fc.property(repositoryArb, maskArb, maskArb, ({ images }, small, extra) => {
          // Arrange
          const graph = buildImageGraph(images);
          const fewer = pick(images, small);
          const more = pick(
            images,
            small.map((s, i) => s || extra[i] === true),
          );

          // Act
          const a = closeDoomed(graph, fewer);
          const b = closeDoomed(graph, more);

          // Assert
          expect(isSubset(a, b)).toBe(true);
        }),
      );
    });

    it('reaches a fixpoint: every untagged child of doomed parents and every referrer of a doomed or missing subject is doomed', () => {
      fc.assert(
        fc.property(repositoryArb, maskArb, ({ images }, mask) => {
          // Arrange
          const graph = buildImageGraph(images);
          const expired = new Set(pick(images, mask));

          // Act
          const doomed = closeDoomed(graph, expired);

          // Assert
          for (const [digest, node] of graph.nodes) {
            const follows =
              (node.kind === 'index-child' && node.parents.every((p) => doomed.has(p))) ||
              (node.subject !== undefined && (doomed.has(node.subject) || !graph.nodes.has(node.subject)));
            if (follows) expect(doomed.has(digest)).toBe(true);
            // Nothing is doomed without a reason: expired, or following a doomed parent or subject.
            if (doomed.has(digest)) expect(expired.has(digest) || follows).toBe(true);
          }
        }),
      );
    });

    it('never dooms a tagged image that is not a referrer unless it expired', () => {
      fc.assert(
        fc.property(repositoryArb, maskArb, ({ images }, mask) => {
          // Arrange
          const graph = buildImageGraph(images);
          const expired = new Set(pick(images, mask));

          // Act
          const doomed = closeDoomed(graph, expired);

          // Assert
          for (const [digest, node] of graph.nodes) {
            if (node.kind === 'tagged' && !expired.has(digest)) expect(doomed.has(digest)).toBe(false);
          }
        }),
      );
    });

    it('does not depend on the order the images are listed in', () => {
      fc.assert(
        fc.property(repositoryArb, maskArb, fc.array(fc.integer(), { minLength: 30, maxLength: 30 }), ({ images }, mask, keys) => {
          // Arrange
          const expired = pick(images, mask);

          // Act
          const a = closeDoomed(buildImageGraph(images), expired);
          const b = closeDoomed(buildImageGraph(permute(images, keys)), expired);

          // Assert
          expect(b).toEqual(a);
        }),
      );
    });
  });

  describe('reclaimableBytesOf', () => {
    it('lies between zero and the stored bytes', () => {
      fc.assert(
        fc.property(repositoryArb, maskArb, ({ images }, mask) => {
          // Arrange
          const graph = buildImageGraph(images);

          // Act
          const reclaimable = reclaimableBytesOf(graph, closeDoomed(graph, pick(images, mask)));

          // Assert
          expect(reclaimable).toBeGreaterThanOrEqual(0);
          expect(reclaimable).toBeLessThanOrEqual(storedBytesOf(graph));
        }),
      );
    });

    it('equals the stored bytes when every image is doomed, and zero when none is', () => {
      fc.assert(
        fc.property(repositoryArb, ({ images }) => {
          // Arrange
          const graph = buildImageGraph(images);

          // Act
          const all = reclaimableBytesOf(graph, new Set(images.map((i) => i.imageDigest)));
          const none = reclaimableBytesOf(graph, new Set());
          const nothingExpired = closeDoomed(graph, []);

          // Assert
          expect(all).toBe(storedBytesOf(graph));
          expect(none).toBe(0);
          // Expiring nothing dooms only referrers whose subject is missing (or doomed with them).
          for (const digest of nothingExpired) {
            const subject = graph.nodes.get(digest)?.subject;
            expect(subject !== undefined && (!graph.nodes.has(subject) || nothingExpired.has(subject))).toBe(true);
          }
          if (nothingExpired.size === 0) expect(reclaimableBytesOf(graph, nothingExpired)).toBe(0);
        }),
      );
    });

    it('is monotone: dooming more never reclaims less', () => {
      fc.assert(
        fc.property(repositoryArb, maskArb, maskArb, ({ images }, small, extra) => {
          // Arrange
          const graph = buildImageGraph(images);
          const fewer = closeDoomed(graph, pick(images, small));
          const more = closeDoomed(
            graph,
            pick(
              images,
              small.map((s, i) => s || extra[i] === true),
            ),
          );

          // Act & Assert
          expect(reclaimableBytesOf(graph, fewer)).toBeLessThanOrEqual(reclaimableBytesOf(graph, more));
        }),
      );
    });

    it('does not depend on the order the images are listed in', () => {
      fc.assert(
        fc.property(repositoryArb, maskArb, fc.array(fc.integer(), { minLength: 30, maxLength: 30 }), ({ images }, mask, keys) => {
          // Arrange
          const expired = pick(images, mask);
          const graph = buildImageGraph(images);
          const other = buildImageGraph(permute(images, keys));

          // Act
          const a = reclaimableBytesOf(graph, closeDoomed(graph, expired));
          const b = reclaimableBytesOf(other, closeDoomed(other, expired));

          // Assert
          expect(b).toBe(a);
        }),
      );
    });

    it('adds up to the stored bytes with what the kept images alone hold', () => {
      fc.assert(
        fc.property(repositoryArb, maskArb, ({ images }, mask) => {
          // Arrange
          const graph = buildImageGraph(images);
          const doomed = closeDoomed(graph, pick(images, mask));

          // Act: the bytes of blobs some kept image still uses.
          let keptBytes = 0;
          for (const b of graph.blobs.values()) if (b.users.some((u) => !doomed.has(u))) keptBytes += b.size;

          // Assert
          expect(reclaimableBytesOf(graph, doomed) + keptBytes).toBe(storedBytesOf(graph));
        }),
      );
    });
  });
});
