import { janitorRuleDescription, parsePolicy } from '../../../src/domain/policy';
import type { RepositoryState } from '../../../src/domain/registry';
import { previewPolicy, previewSideBySide } from '../../../src/domain/simulation';
import { digestOf, image, NOW } from '../../fixtures/policy/builders';
import { INVALID_POLICY, TAGGED_ONLY, UNTAGGED_30_DAYS } from '../support/policies';
import { repositoryState } from '../support/repository-state';

/** Releases, an old orphan (40 days) and a young one (3 days). */
const images = [image('release-1', ['release-1'], 60), image('release-2', ['release-2'], 2), image('old', [], 40), image('young', [], 3)];

function state(lifecyclePolicyText: string | null): RepositoryState {
  return repositoryState(images, lifecyclePolicyText);
}

const options = { now: NOW, days: 7, optedOut: false, excluded: false };

describe('simulation', () => {
  describe('previewSideBySide', () => {
    it('previews no policy against the default policy the janitor would write', () => {
      // Act
      const preview = previewSideBySide(state(null), options);

      // Assert
      expect(preview).toMatchObject({
        registryId: '111122223333',
        repositoryName: 'team/app',
        region: 'eu-west-1',
        now: new Date(NOW).toISOString(),
      });
      expect(preview.own).toEqual({
        policyStatus: 'missing',
        registryId: '111122223333',
        repositoryName: 'team/app',
        lifecyclePolicyText: null,
        previewResults: [],
        summary: { expiringImageTotalCount: 0, transitioningImageTotalCounts: [] },
      });
      expect(preview.effective.changed).toBe(true);
      expect(preview.effective.note).toBeUndefined();
      expect(preview.effective.previewResults.map((r) => r.imageDigest)).toEqual([digestOf('old')]);
      const written = parsePolicy(preview.effective.lifecyclePolicyText ?? '');
      expect(written.ok && written.policy.rules[0]?.description).toBe(janitorRuleDescription(7));
    });

    it('shows a tagged-only policy beside its merge: the own policy keeps the orphan, the effective one expires it', () => {
      // Act
      const preview = previewSideBySide(state(TAGGED_ONLY), options);

      // Assert: TAGGED_ONLY keeps the newest release only
      expect(preview.own.policyStatus).toBe('no-untagged-rule');
      expect(preview.own.lifecyclePolicyText).toBe(TAGGED_ONLY);
      expect(preview.own.previewResults.map((r) => r.imageDigest)).toEqual([digestOf('release-1')]);
      expect(preview.effective.previewResults.map((r) => [r.imageDigest, r.appliedRulePriority])).toEqual([
        [digestOf('release-1'), 1],
        [digestOf('old'), 2],
      ]);
    });

    it('shows the same policy on both sides when it already expires untagged images', () => {
      // Act
      const preview = previewSideBySide(state(UNTAGGED_30_DAYS), options);

      // Assert
      expect(preview.effective.changed).toBe(false);
      expect(preview.effective.lifecyclePolicyText).toBe(UNTAGGED_30_DAYS);
      expect(preview.effective.previewResults).toEqual(preview.own.previewResults);
    });

    it.each([
      ['opted out', { optedOut: true }, /opted out/],
      ['excluded', { excluded: true }, /exclude glob/],
    ])('keeps the own policy for a repository %s, and says why', (_name, flags, note) => {
      // Act
      const preview = previewSideBySide(state(TAGGED_ONLY), { ...options, ...flags });

      // Assert
      expect(preview.effective.changed).toBe(false);
      expect(preview.effective.note).toMatch(note);
      expect(preview.effective.previewResults).toEqual(preview.own.previewResults);
    });

    it('evaluates nothing for an invalid stored policy, and names the problem', () => {
      // Act
      const preview = previewSideBySide(state(INVALID_POLICY), options);

      // Assert
      expect(preview.own.previewResults).toEqual([]);
      expect(preview.effective).toMatchObject({ changed: false, lifecyclePolicyText: INVALID_POLICY, previewResults: [] });
      expect(preview.effective.note).toMatch(/^InvalidStoredPolicy: stored lifecycle policy is not valid/);
    });
  });

  describe('previewPolicy', () => {
    it('previews a given policy over the repository images in the GetLifecyclePolicyPreview shape', () => {
      // Arrange
      const parsed = parsePolicy(UNTAGGED_30_DAYS);
      if (!parsed.ok) throw new Error('fixture policy is invalid');

      // Act
      const preview = previewPolicy(state(null), parsed.policy, UNTAGGED_30_DAYS, NOW);

      // Assert
      expect(preview).toEqual({
        registryId: '111122223333',
        repositoryName: 'team/app',
        lifecyclePolicyText: UNTAGGED_30_DAYS,
        previewResults: [
          expect.objectContaining({
            imageDigest: digestOf('old'),
            action: { type: 'EXPIRE' },
            appliedRulePriority: 2,
            storageClass: 'STANDARD',
          }),
        ],
        summary: { expiringImageTotalCount: 1, transitioningImageTotalCounts: [] },
      });
    });
  });
});
