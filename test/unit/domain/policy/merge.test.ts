import { MergeError } from '../../../../src/domain/errors';
import type { LifecyclePolicy, LifecycleRule, MergeResult } from '../../../../src/domain/policy';
import { POLICY_LIMITS, defaultUntaggedRule, janitorRuleDescription, mergeDefaultRule, parsePolicy } from '../../../../src/domain/policy';
import { AWS_ARCHIVE_EXAMPLE, policyOf, rule, textOf } from '../../../fixtures/policy/builders';
import { untaggedInArchive } from '../../support/archive-rules';
import { DEFAULT_UNTAGGED_DAYS } from '../../../../src/domain/defaults';

const toArchive = { type: 'transition', targetStorageClass: 'archive' } as const;

const taggedRule = (priority: number, prefix = `team${priority}`): LifecycleRule =>
  rule(priority, { tagStatus: 'tagged', tagPrefixList: [prefix], countType: 'imageCountMoreThan', countNumber: 10 });

/** A standard `any` rule that archives (so it does not expire untagged images itself). */
const anyArchiving = (priority: number): LifecycleRule =>
  rule(priority, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 }, toArchive);

const janitorRule = (priority: number, days = DEFAULT_UNTAGGED_DAYS): LifecycleRule => ({
  rulePriority: priority,
  description: janitorRuleDescription(days),
  selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
  action: { type: 'expire' },
});

/** The merged rules in priority order, for order-sensitive assertions. */
const byPriority = (policy: LifecyclePolicy): LifecycleRule[] => [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);

function mergeError(run: () => MergeResult): MergeError {
  try {
    run();
  } catch (error) {
    if (error instanceof MergeError) return error;
    throw error;
  }
  throw new Error('expected a MergeError');
}

describe('policy merge', () => {
  describe('mergeDefaultRule', () => {
    it.each([
      [undefined, DEFAULT_UNTAGGED_DAYS],
      [14, 14],
    ])('returns the default rule alone, valid, when there is no policy (days %p)', (days, expectedDays) => {
      // Act
      const result = days === undefined ? mergeDefaultRule(undefined) : mergeDefaultRule(undefined, days);

      // Assert
      expect(result).toEqual({
        policy: { rules: [janitorRule(1, expectedDays)] },
        text: textOf({ rules: [janitorRule(1, expectedDays)] }),
        changed: true,
        renumbered: false,
      });
      expect(parsePolicy(result.text).ok).toBe(true);
    });

    it('appends the rule after the highest priority and leaves tagged-only rules unchanged', () => {
      // Arrange
      const existing = policyOf(taggedRule(5), taggedRule(2));

      // Act
      const result = mergeDefaultRule(JSON.stringify(existing, null, 2), 3);

      // Assert
      expect(result.policy.rules).toEqual([taggedRule(5), taggedRule(2), janitorRule(6, 3)]);
      expect(result).toMatchObject({ changed: true, renumbered: false });
      expect(JSON.parse(result.text)).toEqual(result.policy);
      expect(parsePolicy(result.text).ok).toBe(true);
    });

    it.each<[string, LifecyclePolicy]>([
      [
        'an untagged expire rule',
        policyOf(taggedRule(1), rule(2, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 3 })),
      ],
      [
        'a standard any expire rule',
        policyOf(taggedRule(1), rule(2, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 365 })),
      ],
      ['the janitor rule itself', policyOf(janitorRule(1, 30))],
    ])('returns the text unchanged when %s already covers untagged images', (_name, existing) => {
      // Arrange: pretty-printed with a trailing newline, which must survive byte for byte
      const text = `${JSON.stringify(existing, null, 4)}\n`;

      // Act
      const result = mergeDefaultRule(text, 7);

      // Assert
      expect(result).toEqual({ policy: existing, text, changed: false, renumbered: false });
    });

    it('takes the free priority just below the standard any rule', () => {
      // Arrange
      const existing = policyOf(taggedRule(1), anyArchiving(5));

      // Act
      const result = mergeDefaultRule(textOf(existing));

      // Assert
      expect(result.policy.rules).toEqual([taggedRule(1), anyArchiving(5), janitorRule(2)]);
      expect(result.renumbered).toBe(false);
      expect(parsePolicy(result.text).ok).toBe(true);
    });

    const archiveAny = rule(10, {
      tagStatus: 'any',
      storageClass: 'archive',
      countType: 'sinceImageTransitioned',
      countUnit: 'days',
      countNumber: 365,
    });
    const at = (r: LifecycleRule, rulePriority: number): LifecycleRule => ({ ...r, rulePriority });

    it('takes a free priority lower down, without renumbering, when the one just below the any rule is taken', () => {
      // Arrange: priority 1 is free; 3 is not
      const existing = policyOf(taggedRule(2), anyArchiving(3));

      // Act
      const result = mergeDefaultRule(textOf(existing));

      // Assert
      expect(result.policy.rules).toEqual([taggedRule(2), anyArchiving(3), janitorRule(1)]);
      expect(result.renumbered).toBe(false);
      expect(parsePolicy(result.text).ok).toBe(true);
    });

    it.each<[string, LifecycleRule[], LifecycleRule[]]>([
      [
        'tagged rules fill every priority below it',
        [taggedRule(1), taggedRule(2), anyArchiving(3)],
        [taggedRule(1), taggedRule(2), janitorRule(3), at(anyArchiving(3), 4)],
      ],
      ['it has priority 1', [anyArchiving(1)], [janitorRule(1), at(anyArchiving(1), 2)]],
      ['gaps sit only above it', [anyArchiving(1), archiveAny], [janitorRule(1), at(anyArchiving(1), 2), at(archiveAny, 3)]],
      [
        'rules of both classes sit below it',
        [taggedRule(1), at(archiveAny, 2), anyArchiving(3)],
        [taggedRule(1), at(archiveAny, 2), janitorRule(3), at(anyArchiving(3), 4)],
      ],
    ])('renumbers in order, the new rule just before the standard any rule, when %s', (_name, rules, expected) => {
      // Act
      const result = mergeDefaultRule(textOf({ rules }));

      // Assert
      expect(byPriority(result.policy)).toEqual(expected);
      expect(result).toMatchObject({ changed: true, renumbered: true });
      expect(parsePolicy(result.text).ok).toBe(true);
    });

    it('keeps the AWS archive example valid: the untagged rule first, both any rules after it in order', () => {
      // Act
      const result = mergeDefaultRule(textOf(AWS_ARCHIVE_EXAMPLE));

      // Assert
      const [standardAny, archiveAny] = AWS_ARCHIVE_EXAMPLE.rules as [LifecycleRule, LifecycleRule];
      expect(byPriority(result.policy)).toEqual([janitorRule(1), { ...standardAny, rulePriority: 2 }, { ...archiveAny, rulePriority: 3 }]);
      expect(result.renumbered).toBe(true);
      expect(parsePolicy(result.text).ok).toBe(true);
    });

    it('adds the rule when only an archive-class rule selects untagged images', () => {
      // Arrange
      const archiveUntagged = untaggedInArchive(4, 180);

      // Act
      const result = mergeDefaultRule(textOf(policyOf(taggedRule(1), archiveUntagged)));

      // Assert
      expect(result.policy.rules).toEqual([taggedRule(1), archiveUntagged, janitorRule(5)]);
      expect(result.changed).toBe(true);
      expect(parsePolicy(result.text).ok).toBe(true);
    });

    it('refuses a policy that already has 50 rules', () => {
      // Arrange
      const full = { rules: Array.from({ length: POLICY_LIMITS.maxRules }, (_, i) => taggedRule(i + 1)) };

      // Act
      const error = mergeError(() => mergeDefaultRule(textOf(full)));

      // Assert
      expect(error.message).toMatch(/already has 50 rules, the most ECR allows; remove a rule/);
    });

    it('accepts a policy of 49 rules and returns 50', () => {
      // Arrange
      const almostFull = { rules: Array.from({ length: POLICY_LIMITS.maxRules - 1 }, (_, i) => taggedRule(i + 1)) };

      // Act
      const result = mergeDefaultRule(textOf(almostFull));

      // Assert
      expect(result.policy.rules).toHaveLength(50);
      expect(parsePolicy(result.text).ok).toBe(true);
    });

    it('refuses when the merged text would exceed 30,720 characters', () => {
      // Arrange: a valid policy a little under the limit
      const long = (priority: number, size: number): LifecycleRule => ({ ...taggedRule(priority), description: 'x'.repeat(size) });
      const base = textOf(policyOf(long(1, 0), long(2, 0)));
      const room = POLICY_LIMITS.maxLength - base.length - 50;
      const text = textOf(policyOf(long(1, Math.floor(room / 2)), long(2, Math.ceil(room / 2))));
      expect(parsePolicy(text).ok).toBe(true);

      // Act
      const error = mergeError(() => mergeDefaultRule(text));

      // Assert
      expect(error.message).toMatch(/would be \d+ characters, over ECR's limit of 30720; shorten descriptions or remove rules/);
    });

    it('refuses when a standard untagged rule that does not expire is already there', () => {
      // Arrange
      const existing = policyOf(
        taggedRule(1),
        rule(3, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }, toArchive),
      );

      // Act
      const error = mergeError(() => mergeDefaultRule(textOf(existing)));

      // Assert
      expect(error.message).toMatch(/^rule 3 already selects untagged standard images \(action "transition"\)/);
    });

    it('refuses an invalid existing policy and lists its problems', () => {
      // Arrange
      const broken = textOf({
        rules: [{ ...taggedRule(1), selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 0 } }],
      });

      // Act
      const error = mergeError(() => mergeDefaultRule(broken));

      // Assert
      expect(error.message).toMatch(/^the existing lifecycle policy is not valid/);
      expect(error.message).toContain('rule #1 (priority 1) selection: ');
      expect(error.message).toContain('rule #1 (priority 1) selection.countNumber: ');
    });

    it.each([0, -1, 2.5, 2_147_483_648, 1e20])('refuses days = %p', (days) => {
      // Act
      const error = mergeError(() => mergeDefaultRule(undefined, days));

      // Assert
      expect(error.message).toMatch(/days must be a whole number from 1 to 2147483647 \(ECR's largest countNumber\)/);
    });

    it('accepts days = 2147483647, the largest countNumber ECR accepts', () => {
      // Act
      const result = mergeDefaultRule(undefined, 2_147_483_647);

      // Assert
      expect(result.policy.rules[0]?.selection.countNumber).toBe(2_147_483_647);
      expect(parsePolicy(result.text).ok).toBe(true);
    });

    it('renumbers in order when the highest priority is already the largest ECR accepts', () => {
      // Arrange
      const text = textOf(policyOf(taggedRule(5), taggedRule(2_147_483_647)));

      // Act
      const result = mergeDefaultRule(text, 7);

      // Assert
      expect(result.renumbered).toBe(true);
      expect(result.policy.rules.map((r) => [r.rulePriority, r.selection.tagStatus])).toEqual([
        [1, 'tagged'],
        [2, 'tagged'],
        [3, 'untagged'],
      ]);
      expect(parsePolicy(result.text).ok).toBe(true);
    });

    it('changes nothing when run on its own output', () => {
      // Arrange
      const first = mergeDefaultRule(textOf(policyOf(taggedRule(1), taggedRule(2), anyArchiving(3))));

      // Act
      const second = mergeDefaultRule(first.text);

      // Assert
      expect(second).toEqual({ policy: first.policy, text: first.text, changed: false, renumbered: false });
    });
  });

  describe('defaultUntaggedRule', () => {
    it('builds the expire rule at the given priority', () => {
      // Act / Assert
      expect(defaultUntaggedRule(9, 4)).toEqual(janitorRule(4, 9));
    });
  });
});
