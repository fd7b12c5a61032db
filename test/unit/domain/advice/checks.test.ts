import { emptyCheck, sameRules, simulate, withheld } from '../../../../src/domain/advice/checks';
import { buildImageGraph } from '../../../../src/domain/graph';
import type { RepositoryState } from '../../../../src/domain/registry';
import { NOW, imageOf } from '../../support/images';
import { blob, imageManifest, indexManifest } from '../../support/manifests';
import { expireUntagged, keepNewestTagged } from '../../support/policies';

describe('advice/checks', () => {
  describe('simulate', () => {
    it('expires what a rule selects, takes the children of an expired index with it, and blames the rule for both', () => {
      const child = imageManifest({ config: blob('c', 10), layers: [blob('l', 1_000)] });
      const index = indexManifest([child]);
      const kept = imageManifest({ config: blob('k', 10), layers: [blob('k', 1_000)] });
      const images = [imageOf(index, { pushedDaysAgo: 30 }), imageOf(child, { pushedDaysAgo: 30 }), imageOf(kept, { tags: ['v1'] })];
      const sim = simulate({ rules: [expireUntagged(3, 7)] }, images, buildImageGraph(images), NOW);
      expect([...sim.doomed].sort()).toEqual([index.digest, child.digest].sort());
      expect(sim.blame.get(index.digest)).toBe(3);
      expect(sim.blame.get(child.digest)).toBe(3);
      expect(sim.transitioned.size).toBe(0);
    });
  });

  describe('sameRules', () => {
    it('takes two policies for the same whatever their priorities and key order', () => {
      const a = { rules: [keepNewestTagged(1, 'v', 3), expireUntagged(2, 7)] };
      const reordered = JSON.parse(JSON.stringify({ rules: [{ ...expireUntagged(20, 7) }, keepNewestTagged(10, 'v', 3)] })) as typeof a;
      expect(sameRules(a, reordered)).toBe(true);
      expect(sameRules(a, { rules: [keepNewestTagged(1, 'v', 3), expireUntagged(2, 8)] })).toBe(false);
      expect(sameRules(a, { rules: [keepNewestTagged(1, 'v', 3)] })).toBe(false);
    });
  });

  describe('withheld', () => {
    it('is advice "none" with the reason, the current policy, no figures, and the checks made', () => {
      const state = { accountId: '1', region: 'eu-west-1', repositoryName: 'app', lifecyclePolicyText: '{"rules":[]}' } as RepositoryState;
      const checks = { inUse: { ...emptyCheck(), images: 2 } } as Parameters<typeof withheld>[2];
      expect(withheld(state, 'because', checks)).toMatchObject({
        advice: 'none',
        reason: 'because',
        currentPolicyText: '{"rules":[]}',
        recommendedPolicyText: null,
        removedNow: { images: 0, bytes: 0 },
        monthlyExtraSavingsUsd: 0,
        checks: { inUse: { images: 2, actedOnNow: 0, actedOnIn30Days: 0 } },
      });
    });
  });
});
