import type { LifecycleRule, RuleSelection } from '../../../../src/domain/policy/types';
import { POLICY_LIMITS, expiresUntaggedImages, policyExpiresUntaggedImages, storageClassOf } from '../../../../src/domain/policy/types';
import { policyOf, rule } from '../../../fixtures/policy/builders';

const EXPIRE: LifecycleRule['action'] = { type: 'expire' };
const TRANSITION: LifecycleRule['action'] = { type: 'transition', targetStorageClass: 'archive' };

/** A rule selecting `tagStatus` images of `storageClass` (left out when undefined) that `action` acts on. */
function ruleOf(
  tagStatus: RuleSelection['tagStatus'],
  storageClass: RuleSelection['storageClass'],
  action: LifecycleRule['action'],
): LifecycleRule {
  const selection: Partial<RuleSelection> = {
    tagStatus,
    ...(tagStatus === 'tagged' ? { tagPrefixList: ['release'] } : {}),
    ...(storageClass === undefined ? {} : { storageClass }),
    countType: 'sinceImagePushed',
    countUnit: 'days',
    countNumber: 14,
  };
  return rule(1, selection, action);
}

describe('policy/types', () => {
  describe('POLICY_LIMITS', () => {
    // ECR-FACTS §1: at most 50 rules, a text of 100..30,720 characters, four wildcards per pattern, 90 days in archive.
    it('holds the limits ECR documents', () => {
      expect(POLICY_LIMITS).toMatchObject({
        maxRules: 50,
        minLength: 100,
        maxLength: 30_720,
        maxWildcardsPerPattern: 4,
        minDaysInArchive: 90,
      });
    });

    it('bounds rulePriority and countNumber by a signed 32-bit integer, as the ECR API model declares them', () => {
      expect(POLICY_LIMITS.maxInteger).toBe(2 ** 31 - 1);
      expect(Number.isSafeInteger(POLICY_LIMITS.maxInteger)).toBe(true);
    });
  });

  describe('storageClassOf', () => {
    it('applies ECR’s default, standard, when the rule names no storage class', () => {
      expect(storageClassOf(ruleOf('untagged', undefined, EXPIRE))).toBe('standard');
    });

    it.each(['standard', 'archive'] as const)('answers %s when the rule names it', (storageClass) => {
      expect(storageClassOf(ruleOf('any', storageClass, EXPIRE))).toBe(storageClass);
    });
  });

  describe('expiresUntaggedImages', () => {
    it.each<{
      label: string;
      tagStatus: RuleSelection['tagStatus'];
      storageClass: RuleSelection['storageClass'];
      action: LifecycleRule['action'];
      expected: boolean;
    }>([
      {
        label: 'an untagged rule without a storage class that expires',
        tagStatus: 'untagged',
        storageClass: undefined,
        action: EXPIRE,
        expected: true,
      },
      { label: 'an untagged standard rule that expires', tagStatus: 'untagged', storageClass: 'standard', action: EXPIRE, expected: true },
      {
        label: 'an any rule without a storage class that expires',
        tagStatus: 'any',
        storageClass: undefined,
        action: EXPIRE,
        expected: true,
      },
      { label: 'a tagged rule that expires', tagStatus: 'tagged', storageClass: undefined, action: EXPIRE, expected: false },
      { label: 'an untagged rule that archives', tagStatus: 'untagged', storageClass: undefined, action: TRANSITION, expected: false },
      { label: 'an any standard rule that archives', tagStatus: 'any', storageClass: 'standard', action: TRANSITION, expected: false },
      { label: 'an untagged archive rule that expires', tagStatus: 'untagged', storageClass: 'archive', action: EXPIRE, expected: false },
      { label: 'an any archive rule that expires', tagStatus: 'any', storageClass: 'archive', action: EXPIRE, expected: false },
    ])('answers $expected for $label', ({ tagStatus, storageClass, action, expected }) => {
      expect(expiresUntaggedImages(ruleOf(tagStatus, storageClass, action))).toBe(expected);
    });
  });

  describe('policyExpiresUntaggedImages', () => {
    it('is false for a policy without rules', () => {
      expect(policyExpiresUntaggedImages(policyOf())).toBe(false);
    });

    it('is false when no rule expires untagged standard images', () => {
      // Arrange: untagged images are only archived, and only archived ones expire
      const policy = policyOf(
        ruleOf('tagged', undefined, EXPIRE),
        ruleOf('untagged', undefined, TRANSITION),
        ruleOf('any', 'archive', EXPIRE),
      );

      // Act / Assert
      expect(policyExpiresUntaggedImages(policy)).toBe(false);
    });

    it('is true when any one rule does, whatever its place', () => {
      // Arrange
      const policy = policyOf(
        ruleOf('tagged', undefined, EXPIRE),
        ruleOf('untagged', undefined, TRANSITION),
        ruleOf('any', undefined, EXPIRE),
      );

      // Act / Assert
      expect(policyExpiresUntaggedImages(policy)).toBe(true);
    });
  });
});
