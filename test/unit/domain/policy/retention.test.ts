import { MergeError } from '../../../../src/domain/errors';
import type { LifecycleRule } from '../../../../src/domain/policy';
import {
  exceedsMaxUntaggedDays,
  janitorRuleDescription,
  parsePolicy,
  remediatedPolicy,
  shortenUntaggedRetention,
  untaggedOwner,
  untaggedRetentionDays,
} from '../../../../src/domain/policy';
import { policyOf, rule, textOf } from '../../../fixtures/policy/builders';
import { untaggedInArchive } from '../../support/archive-rules';

const toArchive = { type: 'transition', targetStorageClass: 'archive' } as const;
const tagged = (priority: number): LifecycleRule =>
  rule(priority, { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 10 });
const untaggedAfter = (priority: number, days: number, description = `team rule: untagged after ${days} days`): LifecycleRule => ({
  ...rule(priority, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days }),
  description,
});
const anyAfter = (priority: number, days: number): LifecycleRule =>
  rule(priority, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days });

describe('untagged retention', () => {
  describe('untaggedOwner and untaggedRetentionDays', () => {
    it.each<[string, LifecycleRule[], number | undefined, number | null]>([
      ['an untagged age rule', [tagged(1), untaggedAfter(2, 14)], 2, 14],
      ['an any age rule', [tagged(1), anyAfter(5, 60)], 5, 60],
      ['the first of an untagged and an any rule', [anyAfter(9, 400), untaggedAfter(3, 10), tagged(1)], 3, 10],
      [
        'an untagged count rule (not by age)',
        [rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 5 })],
        1,
        null,
      ],
      [
        'an untagged rule that archives',
        [rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 5 }, toArchive)],
        1,
        null,
      ],
      ['tagged rules only', [tagged(1)], undefined, null],
      ['an archive-class untagged rule only', [untaggedInArchive(1, 90)], undefined, null],
    ])('finds the rule deciding for untagged images and its age: %s', (_name, rules, owner, days) => {
      // Arrange
      const policy = policyOf(...rules);

      // Act / Assert
      expect(untaggedOwner(policy)?.rulePriority).toBe(owner);
      expect(untaggedRetentionDays(policy)).toBe(days);
    });
  });

  describe('shortenUntaggedRetention', () => {
    it("shortens a longer untagged age rule, keeping the team's words and saying what changed", () => {
      // Arrange
      const policy = policyOf(tagged(1), untaggedAfter(2, 90));

      // Act
      const result = shortenUntaggedRetention(policy, textOf(policy), 30);

      // Assert
      expect(result.changed).toBe(true);
      expect(result.shortened).toEqual({ rulePriority: 2, fromDays: 90, toDays: 30 });
      expect(result.policy.rules[0]).toEqual(tagged(1));
      expect(result.policy.rules[1]).toEqual({
        ...untaggedAfter(2, 30),
        description: 'team rule: untagged after 90 days (shortened from 90 to 30 days by ecr-janitor)',
      });
      expect(result.text).toBe(JSON.stringify(result.policy));
      expect(parsePolicy(result.text).ok).toBe(true);
    });

    it('is idempotent, and replaces its own note rather than adding another when shortened again', () => {
      // Arrange
      const policy = policyOf(untaggedAfter(1, 90));
      const once = shortenUntaggedRetention(policy, textOf(policy), 30);

      // Act
      const again = shortenUntaggedRetention(once.policy, once.text, 30);
      const shorter = shortenUntaggedRetention(once.policy, once.text, 14);

      // Assert
      expect(again).toEqual({ policy: once.policy, text: once.text, changed: false });
      expect(shorter.policy.rules[0]?.description).toBe('team rule: untagged after 90 days (shortened from 30 to 14 days by ecr-janitor)');
    });

    it("rewrites the janitor's own rule description to the new age", () => {
      // Arrange
      const policy = policyOf(untaggedAfter(1, 60, janitorRuleDescription(60)));

      // Act
      const result = shortenUntaggedRetention(policy, textOf(policy), 30);

      // Assert
      expect(result.policy.rules[0]?.description).toBe(janitorRuleDescription(30));
    });

    it.each<[string, LifecycleRule[]]>([
      ['an untagged rule within the limit', [untaggedAfter(1, 30)]],
      ['no untagged rule', [tagged(1)]],
      ['an untagged count rule', [rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 500 })]],
      [
        'an untagged rule that archives',
        [rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 90 }, toArchive)],
      ],
    ])('leaves %s alone', (_name, rules) => {
      // Arrange
      const policy = policyOf(...rules);
      const text = textOf(policy);

      // Act / Assert
      expect(shortenUntaggedRetention(policy, text, 30)).toEqual({ policy, text, changed: false });
    });

    it('leaves a long "any" rule alone, saying why: a shorter age would expire tagged images too', () => {
      // Arrange
      const policy = policyOf(tagged(1), anyAfter(2, 90));

      // Act
      const result = shortenUntaggedRetention(policy, textOf(policy), 30);

      // Assert
      expect(result.changed).toBe(false);
      expect(result.note).toMatch(/by the "any" rule 2; not shortened, as that would expire tagged images sooner too/);
    });

    it('refuses when the note would take the policy past ECR length limit', () => {
      // Arrange: a description that leaves 10 characters of room, too few for the note
      const bare = textOf(policyOf(untaggedAfter(1, 90, ''))).length;
      const policy = policyOf(untaggedAfter(1, 90, 'd'.repeat(30_720 - 10 - bare)));
      expect(textOf(policy)).toHaveLength(30_710);
      expect(parsePolicy(textOf(policy)).ok).toBe(true);

      // Act / Assert
      expect(() => shortenUntaggedRetention(policy, textOf(policy), 30)).toThrow(MergeError);
      expect(() => shortenUntaggedRetention(policy, textOf(policy), 30)).toThrow(/cannot be shortened to 30 days/);
    });
  });

  describe('exceedsMaxUntaggedDays', () => {
    it.each<[string, LifecycleRule[], number | undefined, boolean]>([
      ['a longer untagged rule', [untaggedAfter(1, 90)], 30, true],
      ['an untagged rule within the limit', [untaggedAfter(1, 30)], 30, false],
      ['a longer any rule (not shortened)', [anyAfter(1, 90)], 30, false],
      ['no limit', [untaggedAfter(1, 900)], undefined, false],
    ])('is %p for %s', (_name, rules, max, expected) => {
      expect(exceedsMaxUntaggedDays(policyOf(...rules), max)).toBe(expected);
    });
  });

  describe('remediatedPolicy', () => {
    it('merges the default rule and leaves retention alone without a maximum', () => {
      // Act
      const result = remediatedPolicy(textOf(policyOf(tagged(1))), { days: 7 });

      // Assert
      expect(result.changed).toBe(true);
      expect(result.shortened).toBeUndefined();
      expect(untaggedRetentionDays(result.policy)).toBe(7);
    });

    it('shortens an existing longer untagged rule when given a maximum', () => {
      // Act
      const result = remediatedPolicy(textOf(policyOf(tagged(1), untaggedAfter(2, 90))), { days: 7, enforcedMaxUntaggedDays: 30 });

      // Assert
      expect(result.changed).toBe(true);
      expect(result.shortened).toEqual({ rulePriority: 2, fromDays: 90, toDays: 30 });
      expect(untaggedRetentionDays(result.policy)).toBe(30);
    });

    it('changes nothing for a policy within the maximum', () => {
      // Arrange
      const text = textOf(policyOf(tagged(1), untaggedAfter(2, 14)));

      // Act
      const result = remediatedPolicy(text, { days: 7, enforcedMaxUntaggedDays: 30 });

      // Assert
      expect(result).toMatchObject({ changed: false, text });
    });

    it.each([3, 1.5, 2_147_483_648])('refuses a maximum of %p (below the default age, or not a whole 32-bit number)', (max) => {
      expect(() => remediatedPolicy(undefined, { days: 7, enforcedMaxUntaggedDays: max })).toThrow(MergeError);
    });
  });
});
