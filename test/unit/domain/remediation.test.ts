import { assessPolicy } from '../../../src/domain/remediation';
import { INVALID_POLICY, TAGGED_ONLY, UNTAGGED_30_DAYS, archiveUntagged, policyText } from '../support/policies';

describe('remediation', () => {
  describe('assessPolicy', () => {
    it.each([
      { name: 'no policy', text: null, status: 'missing' },
      { name: 'a tagged-only policy', text: TAGGED_ONLY, status: 'no-untagged-rule' },
      { name: 'a policy that archives untagged images', text: policyText(archiveUntagged(1, 30)), status: 'no-untagged-rule' },
      { name: 'a policy expiring untagged images', text: UNTAGGED_30_DAYS, status: 'ok' },
      {
        name: 'a policy whose any rule expires',
        text: policyText({
          rulePriority: 1,
          description: 'keep the newest 100 images of any kind',
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 100 },
          action: { type: 'expire' },
        }),
        status: 'ok',
      },
    ] as const)('returns $status for $name', ({ text, status }) => {
      // Act
      const result = assessPolicy(text, { days: 7 });

      // Assert
      expect(result.status).toBe(status);
      expect(result.invalid).toBeUndefined();
    });

    it('reports an invalid stored policy as no-untagged-rule with the reason', () => {
      // Act
      const result = assessPolicy(INVALID_POLICY, { days: 7 });

      // Assert
      expect(result.status).toBe('no-untagged-rule');
      expect(result.policy).toBeUndefined();
      expect(result.invalid).toMatch(/not valid/);
    });
  });
});
