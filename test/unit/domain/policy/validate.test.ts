import { InvalidPolicyError } from '../../../../src/domain/errors';
import type { LifecycleRule, PolicyProblem } from '../../../../src/domain/policy';
import {
  MAX_PROBLEMS_KEPT,
  POLICY_LIMITS,
  formatProblem,
  parsePolicy,
  parsePolicyOrThrow,
  problemCount,
  problemLines,
} from '../../../../src/domain/policy';
import { AWS_ARCHIVE_EXAMPLE, policyOf, rule, textOf, workedExamples } from '../../../fixtures/policy/builders';
import { untaggedInArchive } from '../../support/archive-rules';

/** A rule as JSON may hold it: any shape, so broken rules can be written. */
type RawRule = Record<string, unknown>;

function raw(r: LifecycleRule): RawRule {
  return JSON.parse(JSON.stringify(r)) as RawRule;
}

const tagged = (priority: number, extra: Record<string, unknown> = {}): RawRule =>
  raw(rule(priority, { tagStatus: 'tagged', tagPatternList: ['prod*'], ...extra }));

const archiveExpire = (priority: number, days = 90): LifecycleRule =>
  rule(priority, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: days });

const transitionAction = { type: 'transition', targetStorageClass: 'archive' } as const;

/**
 * Each case: a valid policy, the smallest edit that breaks one ECR rule, and where the problem
 * must be reported (rule position, its priority, the field).
 */
interface ValidationCase {
  name: string;
  valid: Array<LifecycleRule | RawRule>;
  broken: Array<LifecycleRule | RawRule>;
  expected: { position: number; priority?: number; field: string; message: RegExp };
}

const validationCases: ValidationCase[] = [
  {
    name: 'tagged rule without a tag list',
    valid: [tagged(1)],
    broken: [raw(rule(1, { tagStatus: 'tagged' }))],
    expected: { position: 1, priority: 1, field: 'selection', message: /needs tagPatternList or tagPrefixList/ },
  },
  {
    name: 'tagged rule with both lists',
    valid: [raw(rule(3, { tagStatus: 'tagged', tagPrefixList: ['prod'] }))],
    broken: [raw(rule(3, { tagStatus: 'tagged', tagPrefixList: ['prod'], tagPatternList: ['prod*'] }))],
    expected: { position: 1, priority: 3, field: 'selection', message: /both tagPatternList and tagPrefixList/ },
  },
  {
    name: 'untagged rule with a tagPatternList',
    valid: [raw(rule(2, { tagStatus: 'untagged' }))],
    broken: [raw(rule(2, { tagStatus: 'untagged', tagPatternList: ['prod*'] }))],
    expected: { position: 1, priority: 2, field: 'selection.tagPatternList', message: /only allowed with tagStatus "tagged"/ },
  },
  {
    name: 'any rule with a tagPrefixList',
    valid: [raw(rule(4, { tagStatus: 'any' }))],
    broken: [raw(rule(4, { tagStatus: 'any', tagPrefixList: ['prod'] }))],
    expected: { position: 1, priority: 4, field: 'selection.tagPrefixList', message: /only allowed with tagStatus "tagged"/ },
  },
  {
    name: 'empty tag list',
    valid: [tagged(1)],
    broken: [tagged(1, { tagPatternList: [] })],
    expected: { position: 1, priority: 1, field: 'selection.tagPatternList', message: /non-empty list/ },
  },
  {
    name: 'pattern with five wildcards (four is the limit)',
    valid: [tagged(1, { tagPatternList: ['a*b*c*d*'] })],
    broken: [tagged(1, { tagPatternList: ['a*b*c*d*e*'] })],
    expected: { position: 1, priority: 1, field: 'selection.tagPatternList[0]', message: /5 wildcards; at most 4/ },
  },
  {
    name: 'wildcard limit checked per entry',
    valid: [tagged(1, { tagPatternList: ['prod*', '*a*b*c*d'] })],
    broken: [tagged(1, { tagPatternList: ['prod*', '*a*b*c*d*'] })],
    expected: { position: 1, priority: 1, field: 'selection.tagPatternList[1]', message: /wildcards/ },
  },
  {
    name: 'since* count type without countUnit',
    valid: [raw(rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }))],
    broken: [raw(rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 7 }))],
    expected: { position: 1, priority: 1, field: 'selection.countUnit', message: /is required with countType "sinceImagePushed"/ },
  },
  {
    name: 'imageCountMoreThan with countUnit',
    valid: [raw(rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 3 }))],
    broken: [raw(rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countUnit: 'days', countNumber: 3 }))],
    expected: { position: 1, priority: 1, field: 'selection.countUnit', message: /not allowed with countType "imageCountMoreThan"/ },
  },
  {
    name: 'countUnit other than days',
    valid: [raw(rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }))],
    broken: [
      {
        ...raw(rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 7 })),
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'hours', countNumber: 7 },
      },
    ],
    expected: { position: 1, priority: 1, field: 'selection.countUnit', message: /must be "days"/ },
  },
  {
    name: 'countNumber 0',
    valid: [raw(rule(1, { tagStatus: 'any', countNumber: 1 }))],
    broken: [raw(rule(1, { tagStatus: 'any', countNumber: 0 }))],
    expected: { position: 1, priority: 1, field: 'selection.countNumber', message: /positive integer, got 0/ },
  },
  {
    name: 'fractional countNumber',
    valid: [raw(rule(1, { tagStatus: 'any', countNumber: 2 }))],
    broken: [raw(rule(1, { tagStatus: 'any', countNumber: 1.5 }))],
    expected: { position: 1, priority: 1, field: 'selection.countNumber', message: /positive integer, got 1.5/ },
  },
  {
    name: 'sinceImagePulled with expire',
    valid: [raw(rule(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }, transitionAction))],
    broken: [raw(rule(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }, { type: 'expire' }))],
    expected: {
      position: 1,
      priority: 1,
      field: 'selection.countType',
      message: /"sinceImagePulled" is only allowed with action "transition"/,
    },
  },
  {
    name: 'sinceImageTransitioned on the standard class',
    valid: [archiveExpire(1)],
    broken: [raw(rule(1, { tagStatus: 'any', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 }))],
    expected: { position: 1, priority: 1, field: 'selection.storageClass', message: /needs "storageClass": "archive"/ },
  },
  {
    name: 'sinceImageTransitioned with transition',
    valid: [archiveExpire(1)],
    broken: [
      raw(
        rule(
          1,
          { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 },
          transitionAction,
        ),
      ),
    ],
    expected: {
      position: 1,
      priority: 1,
      field: 'selection.countType',
      message: /"sinceImageTransitioned" is only allowed with action "expire"/,
    },
  },
  {
    name: 'transition without targetStorageClass',
    valid: [raw(rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }, transitionAction))],
    broken: [
      {
        ...raw(rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 })),
        action: { type: 'transition' },
      },
    ],
    expected: { position: 1, priority: 1, field: 'action.targetStorageClass', message: /is required with action "transition"/ },
  },
  {
    name: 'transition to a class other than archive',
    valid: [raw(rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }, transitionAction))],
    broken: [
      {
        ...raw(rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 })),
        action: { type: 'transition', targetStorageClass: 'standard' },
      },
    ],
    expected: { position: 1, priority: 1, field: 'action.targetStorageClass', message: /must be "archive"/ },
  },
  {
    name: 'expire with a targetStorageClass',
    valid: [raw(rule(1, { tagStatus: 'any' }))],
    broken: [{ ...raw(rule(1, { tagStatus: 'any' })), action: { type: 'expire', targetStorageClass: 'archive' } }],
    expected: { position: 1, priority: 1, field: 'action.targetStorageClass', message: /only allowed with action "transition"/ },
  },
  {
    name: 'transition of images already in archive',
    valid: [archiveExpire(1)],
    broken: [
      raw(
        rule(
          1,
          { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 },
          transitionAction,
        ),
      ),
    ],
    expected: { position: 1, priority: 1, field: 'action.type', message: /already in the archive storage class/ },
  },
  {
    name: 'unknown storage class',
    valid: [raw(rule(1, { tagStatus: 'any', storageClass: 'standard' }))],
    broken: [
      {
        ...raw(rule(1, { tagStatus: 'any' })),
        selection: { tagStatus: 'any', storageClass: 'glacier', countType: 'imageCountMoreThan', countNumber: 1 },
      },
    ],
    expected: { position: 1, priority: 1, field: 'selection.storageClass', message: /must be "standard" or "archive"/ },
  },
  {
    name: 'unknown tagStatus',
    valid: [raw(rule(1, { tagStatus: 'any' }))],
    broken: [{ ...raw(rule(1, { tagStatus: 'any' })), selection: { tagStatus: 'ANY', countType: 'imageCountMoreThan', countNumber: 1 } }],
    expected: { position: 1, priority: 1, field: 'selection.tagStatus', message: /must be "tagged", "untagged" or "any"/ },
  },
  {
    name: 'unknown countType',
    valid: [raw(rule(1, { tagStatus: 'any' }))],
    broken: [{ ...raw(rule(1, { tagStatus: 'any' })), selection: { tagStatus: 'any', countType: 'imageCountLessThan', countNumber: 1 } }],
    expected: { position: 1, priority: 1, field: 'selection.countType', message: /must be one of/ },
  },
  {
    name: 'unknown action type',
    valid: [raw(rule(1, { tagStatus: 'any' }))],
    broken: [{ ...raw(rule(1, { tagStatus: 'any' })), action: { type: 'delete' } }],
    expected: { position: 1, priority: 1, field: 'action.type', message: /must be "expire" or "transition"/ },
  },
  {
    name: 'unknown selection field',
    valid: [raw(rule(1, { tagStatus: 'any' }))],
    broken: [
      {
        ...raw(rule(1, { tagStatus: 'any' })),
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1, tagSuffixList: ['x'] },
      },
    ],
    expected: { position: 1, priority: 1, field: 'selection.tagSuffixList', message: /not a field of a rule selection/ },
  },
  {
    name: 'rulePriority 0',
    valid: [raw(rule(1, { tagStatus: 'any' }))],
    broken: [raw(rule(0, { tagStatus: 'any' }))],
    expected: { position: 1, field: 'rulePriority', message: /integer of 1 or more, got 0/ },
  },
  {
    name: 'missing rulePriority',
    valid: [raw(rule(1, { tagStatus: 'any' }))],
    broken: [
      {
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 },
        action: { type: 'expire' },
        description: 'no priority given at all',
      },
    ],
    expected: { position: 1, field: 'rulePriority', message: /is missing/ },
  },
  {
    name: 'missing action',
    valid: [raw(rule(1, { tagStatus: 'any' }))],
    broken: [
      {
        rulePriority: 1,
        description: 'a rule that forgot its action',
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 },
      },
    ],
    expected: { position: 1, priority: 1, field: 'action', message: /is missing/ },
  },
  {
    name: 'repeated rulePriority',
    valid: [tagged(1), raw(rule(2, { tagStatus: 'any' }))],
    broken: [tagged(2), raw(rule(2, { tagStatus: 'any' }))],
    expected: { position: 2, priority: 2, field: 'rulePriority', message: /repeats the priority of rule #1/ },
  },
  {
    name: 'second untagged rule in the standard class',
    valid: [raw(rule(1, { tagStatus: 'untagged' })), raw(untaggedInArchive(2, 90))],
    broken: [
      raw(rule(1, { tagStatus: 'untagged' })),
      raw(rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 9 })),
    ],
    expected: { position: 2, priority: 2, field: 'selection.tagStatus', message: /second "untagged" rule in the standard storage class/ },
  },
  {
    name: 'second untagged rule in the archive class',
    valid: [raw(untaggedInArchive(1, 90)), raw(rule(2, { tagStatus: 'untagged' }))],
    broken: [raw(untaggedInArchive(1, 90)), raw(untaggedInArchive(2, 120))],
    expected: { position: 2, priority: 2, field: 'selection.tagStatus', message: /archive storage class/ },
  },
  {
    name: 'any rule below another rule of its class',
    valid: [tagged(1), raw(rule(2, { tagStatus: 'any' }))],
    broken: [raw(rule(1, { tagStatus: 'any' })), tagged(2)],
    expected: {
      position: 1,
      priority: 1,
      field: 'rulePriority',
      message: /highest priority of the standard storage class \(2 is higher\)/,
    },
  },
  {
    name: 'archive any rule below another archive rule',
    valid: [raw(untaggedInArchive(5, 90)), archiveExpire(6)],
    broken: [raw(untaggedInArchive(6, 90)), archiveExpire(5)],
    expected: { position: 2, priority: 5, field: 'rulePriority', message: /highest priority of the archive storage class/ },
  },
  {
    name: 'tag prefix used twice in one class',
    valid: [
      raw(rule(1, { tagStatus: 'tagged', tagPrefixList: ['prod'] })),
      raw(
        rule(2, {
          tagStatus: 'tagged',
          tagPrefixList: ['prod'],
          storageClass: 'archive',
          countType: 'sinceImageTransitioned',
          countUnit: 'days',
          countNumber: 90,
        }),
      ),
    ],
    broken: [
      raw(rule(1, { tagStatus: 'tagged', tagPrefixList: ['prod'] })),
      raw(
        rule(2, { tagStatus: 'tagged', tagPrefixList: ['beta', 'prod'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 9 }),
      ),
    ],
    expected: {
      position: 2,
      priority: 2,
      field: 'selection.tagPrefixList',
      message: /prefix "prod" is already used by rule #1 of the standard/,
    },
  },
  {
    name: 'archive class with imageCountMoreThan',
    valid: [archiveExpire(1)],
    broken: [raw(rule(1, { tagStatus: 'any', storageClass: 'archive', countType: 'imageCountMoreThan', countNumber: 5 }))],
    expected: {
      position: 1,
      priority: 1,
      field: 'selection.countType',
      message: /"storageClass": "archive" is only allowed with countType "sinceImageTransitioned", not "imageCountMoreThan"/,
    },
  },
  {
    name: 'archive class with sinceImagePushed',
    valid: [archiveExpire(1, 120)],
    broken: [
      raw(rule(1, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 120 })),
    ],
    expected: { position: 1, priority: 1, field: 'selection.countType', message: /only allowed with countType "sinceImageTransitioned"/ },
  },
  {
    name: 'sinceImageTransitioned with fewer than the 90 days images must spend in archive',
    valid: [archiveExpire(1, 90)],
    broken: [archiveExpire(1, 89)],
    expected: { position: 1, priority: 1, field: 'selection.countNumber', message: /is 89; images must stay 90 days in archive/ },
  },
  {
    name: "countNumber above ECR's 32-bit maximum",
    valid: [raw(rule(1, { tagStatus: 'any', countNumber: 2_147_483_647 }))],
    broken: [raw(rule(1, { tagStatus: 'any', countNumber: 2_147_483_648 }))],
    expected: { position: 1, priority: 1, field: 'selection.countNumber', message: /is 2147483648; ECR accepts at most 2147483647/ },
  },
  {
    name: 'countNumber 1e20 (what --days 99999999999999999999 used to write)',
    valid: [raw(rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }))],
    broken: [raw(rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1e20 }))],
    expected: { position: 1, priority: 1, field: 'selection.countNumber', message: /ECR accepts at most 2147483647/ },
  },
  {
    name: "rulePriority above ECR's 32-bit maximum",
    valid: [raw(rule(2_147_483_647, { tagStatus: 'any' }))],
    broken: [raw(rule(2_147_483_648, { tagStatus: 'any' }))],
    expected: { position: 1, field: 'rulePriority', message: /is 2147483648; ECR accepts at most 2147483647/ },
  },
];

/**
 * Cross-rule problems that must be found although a rule involved has problems of its own (the
 * user fixes everything in one round instead of meeting the next problem on the next run).
 */
const crossRuleCases: Array<{
  name: string;
  rules: Array<LifecycleRule | RawRule>;
  expected: { position: number; field: string; message: RegExp };
}> = [
  {
    name: 'a repeated priority, the second rule with countNumber 0',
    rules: [tagged(3), raw(rule(3, { tagStatus: 'tagged', tagPatternList: ['beta*'], countNumber: 0 }))],
    expected: { position: 2, field: 'rulePriority', message: /repeats the priority of rule #1/ },
  },
  {
    name: 'a second untagged rule without its countUnit',
    rules: [
      raw(rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 })),
      raw(rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 9 })),
    ],
    expected: { position: 2, field: 'selection.tagStatus', message: /second "untagged" rule in the standard storage class/ },
  },
  {
    name: 'an "any" rule below a tagged one, the any rule with an unknown field',
    rules: [{ ...raw(rule(1, { tagStatus: 'any' })), note: 'typo' }, tagged(2)],
    expected: { position: 1, field: 'rulePriority', message: /highest priority of the standard storage class/ },
  },
  {
    name: 'a prefix used twice, one rule without an action',
    rules: [
      raw(rule(1, { tagStatus: 'tagged', tagPrefixList: ['prod'] })),
      { rulePriority: 2, selection: { tagStatus: 'tagged', tagPrefixList: ['prod'], countType: 'imageCountMoreThan', countNumber: 2 } },
    ],
    expected: { position: 2, field: 'selection.tagPrefixList', message: /prefix "prod" is already used by rule #1/ },
  },
  {
    name: 'a second untagged archive rule counting too few days',
    rules: [raw(untaggedInArchive(1, 90)), raw(untaggedInArchive(2, 30))],
    expected: { position: 2, field: 'selection.tagStatus', message: /second "untagged" rule in the archive storage class/ },
  },
];

describe('policy validation', () => {
  describe('parsePolicy', () => {
    it.each(validationCases)('accepts the valid form and reports the broken one: $name', ({ valid, broken, expected }) => {
      // Arrange
      const validText = textOf({ rules: valid });
      const brokenText = textOf({ rules: broken });

      // Act
      const accepted = parsePolicy(validText);
      const rejected = parsePolicy(brokenText);

      // Assert
      expect(accepted).toEqual({ ok: true, policy: JSON.parse(validText), problems: [] });
      expect(rejected.ok).toBe(false);
      const match = rejected.problems.find((p) => p.field === expected.field && p.position === expected.position);
      expect(match).toBeDefined();
      expect(match?.priority).toBe(expected.priority);
      expect(match?.message).toMatch(expected.message);
      expect(match?.fix.length).toBeGreaterThan(0);
    });

    it.each(crossRuleCases)('reports the cross-rule problem even when a rule involved has its own: $name', ({ rules, expected }) => {
      // Act
      const result = parsePolicy(textOf({ rules }));

      // Assert
      expect(result.ok).toBe(false);
      expect(result.problems).toContainEqual(
        expect.objectContaining({
          position: expected.position,
          field: expected.field,
          message: expect.stringMatching(expected.message),
          crossRule: true,
        }),
      );
      // …and the rule's own problem is reported in the same run.
      expect(result.problems.filter((p) => p.crossRule !== true).length).toBeGreaterThan(0);
    });

    it.each([
      ['tagPatternList', workedExamples('tagPatternList')],
      ['tagPrefixList', workedExamples('tagPrefixList')],
    ])('accepts every AWS worked example when written with %s', (_form, examples) => {
      for (const example of examples) {
        // Act
        const result = parsePolicy(textOf(example.policy));

        // Assert
        expect({ name: example.name, problems: result.problems }).toEqual({ name: example.name, problems: [] });
      }
    });

    it('accepts the AWS example with a standard any rule at priority 1 and an archive any rule at priority 2', () => {
      // Act
      const result = parsePolicy(JSON.stringify(AWS_ARCHIVE_EXAMPLE, null, 2));

      // Assert
      expect(result).toEqual({ ok: true, policy: AWS_ARCHIVE_EXAMPLE, problems: [] });
    });

    it('rejects the AWS archive example when both any rules are in the standard class', () => {
      // Arrange
      const [standard, archive] = AWS_ARCHIVE_EXAMPLE.rules as [LifecycleRule, LifecycleRule];
      const secondStandard: LifecycleRule = {
        ...archive,
        selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 365 },
      };

      // Act
      const result = parsePolicy(textOf(policyOf(standard, secondStandard)));

      // Assert: the standard any rule at priority 1 is no longer the highest of its class
      expect(result.problems).toEqual([expect.objectContaining({ position: 1, priority: 1, field: 'rulePriority' })]);
    });

    it('accepts 50 rules and rejects 51 with a policy-level problem on "rules"', () => {
      // Arrange
      const rulesOf = (n: number): LifecycleRule[] =>
        Array.from({ length: n }, (_, i) =>
          rule(i + 1, { tagStatus: 'tagged', tagPrefixList: [`p${i}`], countType: 'imageCountMoreThan', countNumber: 1 }),
        );

      // Act
      const fifty = parsePolicy(textOf(policyOf(...rulesOf(POLICY_LIMITS.maxRules))));
      const fiftyOne = parsePolicy(textOf(policyOf(...rulesOf(POLICY_LIMITS.maxRules + 1))));

      // Assert
      expect(fifty.ok).toBe(true);
      expect(fiftyOne.ok).toBe(false);
      expect(fiftyOne.problems).toEqual([
        expect.objectContaining({ field: 'rules', message: expect.stringMatching(/has 51 rules; ECR accepts at most 50/) }),
      ]);
      expect(fiftyOne.problems[0]?.position).toBeUndefined();
    });

    it.each([
      [99, true],
      [100, false],
    ])('reports the text length when the text is %i characters (reported: %s)', (length, reported) => {
      // Arrange: a JSON document padded with whitespace to the exact length
      const text = '{"rules":[]}'.padEnd(length, ' ');

      // Act
      const result = parsePolicy(text);

      // Assert
      expect(result.ok).toBe(false);
      expect(result.problems.some((p) => p.field === '(text)' && /characters; ECR accepts 100 to 30720/.test(p.message))).toBe(reported);
    });

    it.each([
      [POLICY_LIMITS.maxLength, true],
      [POLICY_LIMITS.maxLength + 1, false],
    ])('accepts a valid policy padded to %i characters only when it is at most 30,720 (ok: %s)', (length, ok) => {
      // Arrange
      const text = textOf(policyOf(rule(1, { tagStatus: 'any' }))).padEnd(length, ' ');

      // Act
      const result = parsePolicy(text);

      // Assert
      expect(text).toHaveLength(length);
      expect(result.ok).toBe(ok);
      if (!ok) expect(result.problems).toEqual([expect.objectContaining({ field: '(text)', fix: 'remove rules or shorten descriptions' })]);
    });

    it('reports malformed JSON as a problem with the parser message', () => {
      // Act
      const result = parsePolicy(`${textOf(policyOf(rule(1, { tagStatus: 'any' })))},`);

      // Assert
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([expect.objectContaining({ field: '(text)', message: expect.stringMatching(/^is not valid JSON/) })]);
    });

    it.each([
      ['an array document', JSON.stringify([rule(1, { tagStatus: 'any' }), rule(2, { tagStatus: 'any' })]), '(document)'],
      ['a missing rules field', JSON.stringify({ ruleset: [rule(1, { tagStatus: 'any' })] }), 'rules'],
      ['an empty rules list', JSON.stringify({ rules: [], padding: 'x'.repeat(100) }), 'rules'],
    ])('rejects %s', (_name, text, field) => {
      // Act
      const result = parsePolicy(text);

      // Assert
      expect(result.ok).toBe(false);
      expect(result.problems.map((p) => p.field)).toContain(field);
    });

    it('reports every problem of every rule, not just the first', () => {
      // Arrange: three broken rules, one of them broken twice, plus a cross-rule problem
      const rules: RawRule[] = [
        raw(rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 0 })),
        tagged(2, { tagPatternList: ['a*b*c*d*e*f'] }),
        raw(rule(3, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 })),
        raw(rule(4, { tagStatus: 'tagged', tagPrefixList: ['dev'] })),
        raw(rule(5, { tagStatus: 'tagged', tagPrefixList: ['dev'] })),
      ];

      // Act
      const result = parsePolicy(textOf({ rules }));

      // Assert
      const where = result.problems.map((p) => `${p.position}:${p.priority}:${p.field}`);
      expect(where).toEqual(
        expect.arrayContaining([
          '1:1:selection.countUnit',
          '1:1:selection.countNumber',
          '2:2:selection.tagPatternList[0]',
          '3:3:selection.countType',
          // Rule 3 has a problem of its own and is still held to the "any" rule's place.
          '3:3:rulePriority',
          '5:5:selection.tagPrefixList',
        ]),
      );
      expect(result.problems).toHaveLength(6);
    });

    it('still checks the other rules when one rule is not an object', () => {
      // Act
      const result = parsePolicy(textOf({ rules: ['not a rule', raw(rule(2, { tagStatus: 'any', countNumber: -3 }))] }));

      // Assert
      expect(result.problems).toEqual([
        expect.objectContaining({ position: 1, field: '(rule)' }),
        expect.objectContaining({ position: 2, priority: 2, field: 'selection.countNumber' }),
      ]);
    });
  });

  describe('large input', () => {
    it('validates 200,000 rules without overflowing the stack, keeping the first problems and counting the rest', () => {
      // Arrange: every rule broken (countNumber 0) and every "any" rule but the last out of place
      const rules = Array.from({ length: 200_000 }, (_, i) => ({
        rulePriority: i + 1,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 0 },
        action: { type: 'expire' },
      }));

      // Act
      const result = parsePolicy(textOf({ rules }));

      // Assert: the length, the rule count, one problem per rule and 199,999 misplaced "any" rules
      expect(result.ok).toBe(false);
      expect(result.problems).toHaveLength(MAX_PROBLEMS_KEPT);
      expect(problemCount(result)).toBe(2 + 200_000 + 199_999);
      const lines = problemLines(result);
      expect(lines).toHaveLength(MAX_PROBLEMS_KEPT + 1);
      expect(lines[lines.length - 1]).toBe(
        `… and ${2 + 200_000 + 199_999 - MAX_PROBLEMS_KEPT} more problems (only the first ${MAX_PROBLEMS_KEPT} are listed; fix these and run again)`,
      );
    });

    it('reads a 50 MB policy text and says it is too long and has too many rules', () => {
      // Arrange: valid rules with long descriptions, distinct patterns
      const description = 'd'.repeat(2_000);
      const rules = Array.from({ length: 25_000 }, (_, i) => ({
        rulePriority: i + 1,
        description,
        selection: { tagStatus: 'tagged', tagPatternList: [`t${i}*`], countType: 'imageCountMoreThan', countNumber: 1 },
        action: { type: 'expire' },
      }));
      const text = textOf({ rules });

      // Act
      const result = parsePolicy(text);

      // Assert
      expect(text.length).toBeGreaterThan(50_000_000);
      expect(result.problems.map((p) => p.field)).toEqual(['(text)', 'rules']);
      expect(result.problems[0]?.message).toBe(`is ${text.length} characters; ECR accepts 100 to 30720`);
      expect(result.problems[1]?.message).toBe('has 25000 rules; ECR accepts at most 50');
    });
  });

  describe('formatProblem', () => {
    it.each<[string, PolicyProblem, string]>([
      [
        'a rule with a priority',
        { position: 2, priority: 5, field: 'selection.countUnit', message: 'is missing', fix: 'add "countUnit": "days"' },
        'rule #2 (priority 5) selection.countUnit: is missing. Fix: add "countUnit": "days".',
      ],
      [
        'a rule without a usable priority',
        { position: 1, field: 'rulePriority', message: 'is missing', fix: 'add one' },
        'rule #1 rulePriority: is missing. Fix: add one.',
      ],
      ['the whole policy', { field: 'rules', message: 'is missing', fix: 'add a rule' }, 'policy rules: is missing. Fix: add a rule.'],
    ])('names the place for %s', (_name, problem, line) => {
      // Act / Assert
      expect(formatProblem(problem)).toBe(line);
    });
  });

  describe('parsePolicyOrThrow', () => {
    it('returns the typed policy when the text is valid', () => {
      // Arrange
      const policy = policyOf(rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }));

      // Act / Assert
      expect(parsePolicyOrThrow(textOf(policy))).toEqual(policy);
    });

    it('throws InvalidPolicyError naming the source and listing every problem when the text is invalid', () => {
      // Arrange
      const text = textOf({ rules: [raw(rule(1, { tagStatus: 'tagged' })), raw(rule(2, { tagStatus: 'any', countNumber: 0 }))] });

      // Act
      let thrown: unknown;
      try {
        parsePolicyOrThrow(text, 'repository team-a/web');
      } catch (error) {
        thrown = error;
      }

      // Assert
      expect(thrown).toBeInstanceOf(InvalidPolicyError);
      const error = thrown as InvalidPolicyError;
      expect(error.message).toMatch(/^repository team-a\/web is not a valid ECR lifecycle policy:/);
      expect(error.problems).toEqual([
        expect.stringMatching(/^rule #1 \(priority 1\) selection: /),
        expect.stringMatching(/^rule #2 \(priority 2\) selection.countNumber: /),
      ]);
    });
  });
});
