import { buildImageGraph } from '../../../src/domain/graph';
import { guardContextOf, guardImagesOf, inUseAtRisk, inUseImagesOf, judgeWrite } from '../../../src/domain/in-use-guard';
import { mergeDefaultRule, parsePolicyOrThrow } from '../../../src/domain/policy';
import { DAY, NOW, imageOf } from '../support/images';
import { blob, imageManifest, indexManifest, signatureOf } from '../support/manifests';
import { keepNewestTagged, policyText } from '../support/policies';

const REGION = 'eu-west-1';
const D1 = `sha256:${'1'.repeat(64)}`;

const base = blob('base', 10_000);
const app = (name: string) => imageManifest({ config: blob(`${name}-config`, 100), layers: [base, blob(name, 1_000)] });
/** The janitor's policy for a repository without one: untagged images go 7 days after push. */
const defaultPolicy = mergeDefaultRule(undefined, 7).policy;

describe('in-use-guard', () => {
  describe('inUseImagesOf', () => {
    it('adds the children of an in-use index and the referrers of in-use images, with their consumers', () => {
      // Arrange: an index of two children; a signature of the index; a signature of that signature.
      const amd = app('amd');
      const arm = app('arm');
      const index = indexManifest([amd, arm]);
      const signature = signatureOf(index);
      const counterSignature = signatureOf(signature, 'counter');
      const unrelated = app('unrelated');
      const graph = buildImageGraph([amd, arm, index, signature, counterSignature, unrelated].map((m) => imageOf(m)));

      // Act
      const inUse = inUseImagesOf(graph, new Map([[index.digest, ['ecs:task/prod/1']]]));

      // Assert
      expect([...inUse.keys()].sort()).toEqual([amd.digest, arm.digest, index.digest, signature.digest, counterSignature.digest].sort());
      expect(inUse.get(arm.digest)).toEqual(['ecs:task/prod/1']);
    });

    it('ignores referenced digests the repository does not hold', () => {
      const graph = buildImageGraph([imageOf(app('a'))]);
      expect(inUseImagesOf(graph, new Map([[D1, ['x']]])).size).toBe(0);
    });
  });

  describe('inUseAtRisk', () => {
    it('names the in-use images a policy removes by the end of the horizon, with the rule', () => {
      // Arrange: an untagged image pushed 3 days ago is in use; the default rule expires after 7 days.
      const running = app('running');
      const idle = app('idle');
      const context = guardContextOf(
        [imageOf(running, { pushedDaysAgo: 3 }), imageOf(idle, { pushedDaysAgo: 30 })],
        new Map([[running.digest, ['ecs:service/prod/web']]]),
      );

      // Act
      const now = inUseAtRisk(defaultPolicy, context, NOW);
      const inAWeek = inUseAtRisk(defaultPolicy, context, NOW + 7 * DAY);

      // Assert
      expect(now).toEqual([]);
      expect(inAWeek).toEqual([
        {
          imageDigest: running.digest,
          consumers: ['ecs:service/prod/web'],
          rule: 'rule 1 ("Expire untagged images 7 days after push (added by ecr-janitor)")',
        },
      ]);
    });

    it('names the index whose removal takes an in-use child with it', () => {
      // Arrange: the task pinned the amd64 child; the untagged index is 30 days old.
      const amd = app('amd');
      const index = indexManifest([amd, app('arm')]);
      const context = guardContextOf(
        [imageOf(amd, { pushedDaysAgo: 30 }), imageOf(index, { pushedDaysAgo: 30 })],
        new Map([[amd.digest, ['ecs:task/prod/9']]]),
      );

      // Act
      const atRisk = inUseAtRisk(defaultPolicy, context, NOW);

      // Assert
      expect(atRisk).toEqual([
        expect.objectContaining({
          imageDigest: amd.digest,
          rule: expect.stringMatching(/^goes with index sha256:[0-9a-f]{12}, which rule 1/),
        }),
      ]);
    });

    it('counts every removed image as in use by an unknown consumer when a source could not be read', () => {
      // Arrange
      const old = app('old');
      const context = guardContextOf([imageOf(old, { pushedDaysAgo: 30 })], new Map(), [
        { region: REGION, source: 'lambda', code: 'AccessDeniedException', message: 'denied' },
      ]);

      // Act / Assert
      expect(inUseAtRisk(defaultPolicy, context, NOW)).toEqual([
        expect.objectContaining({ imageDigest: old.digest, consumers: ['unknown:lambda could not be read'] }),
      ]);
    });

    it('finds tagged in-use images a team rule removes', () => {
      // Arrange: keep the newest release; the older release is still in use.
      const older = app('release-1');
      const newer = app('release-2');
      const own = parsePolicyOrThrow(policyText(keepNewestTagged(1, 'release', 1)));
      const context = guardContextOf(
        [imageOf(older, { tags: ['release-1'], pushedDaysAgo: 20 }), imageOf(newer, { tags: ['release-2'], pushedDaysAgo: 2 })],
        new Map([[older.digest, ['lambda:api:4']]]),
      );

      // Act / Assert
      expect(inUseAtRisk(own, context, NOW).map((i) => [i.imageDigest, i.rule])).toEqual([
        [older.digest, 'rule 1 ("Keep the newest 1 images tagged release*")'],
      ]);
    });
  });

  describe('judgeWrite', () => {
    it('holds a write that would remove an in-use image within the horizon and lets through one that would not', () => {
      // Arrange
      const running = app('running');
      const context = guardContextOf([imageOf(running, { pushedDaysAgo: 5 })], new Map([[running.digest, ['ecs:task/prod/1']]]));

      // Act / Assert
      expect(judgeWrite(defaultPolicy, context, { now: NOW, horizonDays: 7 }).hold).toBe(true);
      expect(judgeWrite(defaultPolicy, context, { now: NOW, horizonDays: 1 })).toEqual({ atRisk: [], hold: false });
    });
  });

  describe('guardImagesOf', () => {
    it('keeps the manifest text of indexes only, and a referrer subject from its manifest', () => {
      // Arrange
      const child = app('child');
      const index = indexManifest([child]);
      const signature = signatureOf(child);
      const images = [imageOf(child), imageOf(index), { ...imageOf(signature), subjectManifestDigest: undefined }];

      // Act
      const compact = guardImagesOf(images);

      // Assert
      expect(compact.map((i) => i.imageManifest !== undefined)).toEqual([false, true, false]);
      expect(compact[2]?.subjectManifestDigest).toBe(child.digest);
      // The graph the guard builds from them is the same.
      const full = buildImageGraph(images);
      const small = buildImageGraph(compact);
      expect([...small.nodes.values()].map((n) => [n.kind, n.parents, n.subject])).toEqual(
        [...full.nodes.values()].map((n) => [n.kind, n.parents, n.subject]),
      );
    });
  });
});
