import type { ImageDetail, ParsedManifest } from '../../../src/domain/image';
import type { LedgerAction } from '../../../src/domain/ledger';
import { noRealizedSavings, realizedOf, sumRealized } from '../../../src/domain/realized';
import { GIB } from '../../../src/domain/report';
import { digestOf, image } from '../../fixtures/policy/builders';

const manifest = (...blobs: Array<[string, number]>): ParsedManifest => ({
  kind: 'manifest',
  children: [],
  blobs: blobs.map(([name, size]) => ({ digest: digestOf(`blob:${name}`), size })),
});

const removed = (name: string, over: Partial<LedgerAction> = {}): LedgerAction => ({
  eventId: 'e',
  at: '2026-01-30T00:00:00.000Z',
  accountId: '1',
  region: 'eu-west-1',
  repositoryName: 'app',
  imageDigest: digestOf(name),
  imageTags: [],
  pushedAt: '2026-01-01T00:00:00.000Z',
  rulePriority: 1,
  ruleDescription: null,
  defaultRule: false,
  action: 'expire',
  ...over,
});

const held = (name: string, m: ParsedManifest, extra: Partial<ImageDetail> = {}): ImageDetail =>
  image(name, ['v'], 1, { parsedManifest: m, ...extra });

describe('realized', () => {
  describe('realizedOf', () => {
    it('counts only the blobs no image the repository still holds uses (a shared base layer stays)', () => {
      const before = new Map([
        [digestOf('old-1'), manifest(['base', 100 * GIB], ['app-1', 2 * GIB])],
        [digestOf('old-2'), manifest(['base', 100 * GIB], ['app-2', 3 * GIB])],
      ]);
      const after = [held('new', manifest(['base', 100 * GIB], ['app-3', 1]))];
      const realized = realizedOf({ actions: [removed('old-1'), removed('old-2')], before, after }, 0.1);
      expect(realized).toMatchObject({ images: 2, freedBytes: 5 * GIB, monthlySavingsUsd: 0.5, unmeasuredImages: 0 });
    });

    it('counts a blob two removed images shared once', () => {
      const before = new Map([
        [digestOf('a'), manifest(['shared', 4 * GIB], ['a', 1 * GIB])],
        [digestOf('b'), manifest(['shared', 4 * GIB], ['b', 1 * GIB])],
      ]);
      expect(realizedOf({ actions: [removed('a'), removed('b')], before, after: [] }, 0.1).freedBytes).toBe(6 * GIB);
    });

    it("gives the default rule the freed blobs an image it removed used, shared ones too, so the teams' rules alone free the rest", () => {
      const before = new Map([
        [digestOf('orphan'), manifest(['shared', 4 * GIB], ['orphan', 1 * GIB])],
        [digestOf('old-release'), manifest(['shared', 4 * GIB], ['release', 2 * GIB])],
      ]);
      const actions = [removed('orphan', { defaultRule: true, rulePriority: 2 }), removed('old-release')];
      const realized = realizedOf({ actions, before, after: [] }, 0.1);
      expect(realized.freedBytes).toBe(7 * GIB);
      expect(realized.byDefaultRule).toEqual({ images: 1, freedBytes: 5 * GIB, monthlySavingsUsd: 0.5 });
    });

    it('frees nothing of an image removed and pushed again, and counts images without a known manifest as unmeasured', () => {
      const m = manifest(['x', GIB]);
      const realized = realizedOf(
        { actions: [removed('back'), removed('never-seen')], before: new Map([[digestOf('back'), m]]), after: [held('back', m)] },
        0.1,
      );
      expect(realized).toMatchObject({ images: 2, freedBytes: 0, unmeasuredImages: 1 });
    });

    it('takes the manifest of an image still held when the cache lacks it, and counts archived bytes that no active image keeps', () => {
      const archivedImage = held('cold', manifest(['cold', 6 * GIB], ['base', GIB]), { imageStatus: 'ARCHIVED' });
      const active = held('hot', manifest(['base', GIB]));
      const realized = realizedOf(
        { actions: [removed('cold', { action: 'transition' })], before: new Map(), after: [archivedImage, active] },
        0.1,
      );
      expect(realized).toMatchObject({ images: 0, freedBytes: 0, archivedImages: 1, archivedBytes: 6 * GIB });
    });

    it('does not count an image both archived and then expired as archived', () => {
      const before = new Map([[digestOf('c'), manifest(['c', GIB])]]);
      const actions = [removed('c', { action: 'transition' }), removed('c')];
      expect(realizedOf({ actions, before, after: [] }, 0.1)).toMatchObject({
        images: 1,
        freedBytes: GIB,
        archivedImages: 0,
        archivedBytes: 0,
      });
    });

    it('ignores the blobs of an index (its children are removed, and counted, on their own)', () => {
      const index: ParsedManifest = { kind: 'index', children: [digestOf('child')], blobs: [] };
      const realized = realizedOf({ actions: [removed('idx')], before: new Map([[digestOf('idx'), index]]), after: [] }, 0.1);
      expect(realized).toMatchObject({ images: 1, freedBytes: 0, unmeasuredImages: 0 });
    });
  });

  describe('sumRealized', () => {
    it('adds repositories up and prices the summed bytes', () => {
      const a = {
        ...noRealizedSavings(),
        images: 1,
        freedBytes: GIB / 3,
        byDefaultRule: { images: 1, freedBytes: GIB / 3, monthlySavingsUsd: 0.0333 },
      };
      const total = sumRealized([a, undefined, a, a], 0.1);
      expect(total).toMatchObject({
        images: 3,
        freedBytes: GIB,
        monthlySavingsUsd: 0.1,
        byDefaultRule: { images: 3, monthlySavingsUsd: 0.1 },
      });
    });
  });
});
