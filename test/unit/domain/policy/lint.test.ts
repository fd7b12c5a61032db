import type { ImageDetail } from '../../../../src/domain/image';
import type { LifecycleRule, PolicyFinding } from '../../../../src/domain/policy';
import { evaluatePolicy, globWithin, isWarningOrWorse, lintPolicy, parsePolicy } from '../../../../src/domain/policy';
import { NOW, image, policyOf, rule, textOf } from '../../../fixtures/policy/builders';

const toArchive = { type: 'transition', targetStorageClass: 'archive' } as const;

const prefixes = (priority: number, list: string[], countNumber = 3): LifecycleRule =>
  rule(priority, { tagStatus: 'tagged', tagPrefixList: list, countType: 'imageCountMoreThan', countNumber });
const patterns = (priority: number, list: string[], countNumber = 3): LifecycleRule =>
  rule(priority, { tagStatus: 'tagged', tagPatternList: list, countType: 'imageCountMoreThan', countNumber });
const untaggedAfter = (priority: number, days: number): LifecycleRule =>
  rule(priority, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days });
const anyAfter = (priority: number, days: number): LifecycleRule =>
  rule(priority, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days });

/** Lints rules that must form a valid policy (the lint only ever sees valid ones). */
function lint(rules: LifecycleRule[], options: { images?: ImageDetail[]; maxUntaggedDays?: number } = {}): PolicyFinding[] {
  const policy = policyOf(...rules);
  expect(parsePolicy(textOf(policy)).problems).toEqual([]);
  return lintPolicy(policy, { lintMaxUntaggedDays: options.maxUntaggedDays ?? 30, ...(options.images ? { images: options.images } : {}) });
}

const codes = (findings: PolicyFinding[]): Array<[string, number | undefined]> => findings.map((f) => [f.code, f.rulePriority]);

describe('policy lint', () => {
  describe('lintPolicy', () => {
    describe('TagPrefixListRequiresAll', () => {
      it.each([
        [
          'tagPrefixList',
          prefixes(1, ['prod', 'release']),
          'tagPrefixList ["prod","release"]',
          'tagPrefixList ["prod"], tagPrefixList ["release"]',
        ],
        [
          'tagPatternList',
          patterns(1, ['prod*', 'release*']),
          'tagPatternList ["prod*","release*"]',
          'tagPatternList ["prod*"], tagPatternList ["release*"]',
        ],
      ])('warns about a %s with several entries, naming the rule and the one-rule-per-entry fix', (_name, multi, shown, oneEach) => {
        // Act
        const findings = lint([multi, untaggedAfter(2, 7)]);

        // Assert
        expect(findings).toEqual([
          {
            code: 'TagPrefixListRequiresAll',
            severity: 'warning',
            rulePriority: 1,
            message: expect.stringContaining(
              `rule 1 selects only images that carry a tag for every entry of its ${shown}: ECR requires all entries`,
            ) as string,
          },
        ]);
        expect(findings[0]?.message).toContain(`write one rule per entry (${oneEach}), each with its own rulePriority and count.`);
      });

      it('counts the images that have tags for only some entries when images are given (the multi-prefix trap)', () => {
        // Arrange: two images tagged for one prefix only, one for both
        const images = [
          image('a', ['prod-1'], 10),
          image('b', ['release-2'], 9),
          image('c', ['prod-3', 'release-3'], 8),
          image('d', ['dev'], 7),
        ];

        // Act
        const [finding] = lint([prefixes(1, ['prod', 'release']), untaggedAfter(2, 7)], { images });

        // Assert
        expect(finding?.message).toContain(
          'Of the images present, 2 have a tag for some entries but not all, so the rule never selects them; 1 has them all.',
        );
        // The engine agrees: only the image with both tags is selected (and it is within the count of 3).
        const evaluation = evaluatePolicy(policyOf(prefixes(1, ['prod', 'release'])), images, { now: NOW });
        expect(images.map((_, i) => evaluation.explain(i).matchedRulePriorities)).toEqual([[], [], [1], []]);
      });

      it.each([
        ['a single entry', prefixes(1, ['prod'])],
        ['the same entry twice', prefixes(1, ['prod', 'prod'])],
        ['an untagged rule', untaggedAfter(1, 7)],
      ])('says nothing about %s', (_name, one) => {
        // Act / Assert
        expect(lint([one]).filter((f) => f.code === 'TagPrefixListRequiresAll')).toEqual([]);
      });
    });

    describe('RuleMatchesNothing', () => {
      const images = [image('r1', ['release-1.0'], 10), image('r2', ['release-1.1', 'latest'], 5), image('u', [], 3)];

      it('warns about a tagged rule that selects none of the tagged images present, quoting tags seen', () => {
        // Act
        const findings = lint([prefixes(1, ['relase']), untaggedAfter(2, 7)], { images });

        // Assert
        expect(findings).toEqual([
          {
            code: 'RuleMatchesNothing',
            severity: 'warning',
            rulePriority: 1,
            message:
              'rule 1 (tagPrefixList ["relase"]) selects none of the 2 tagged images present: check the prefixes for a typo or a renamed tag scheme (tags present include ["release-1.1","latest","release-1.0"]).',
          },
        ]);
      });

      it('points at the AND of the entries when each entry alone matches some image', () => {
        // Arrange
        const split = [image('p', ['prod-1'], 4), image('r', ['release-1'], 3)];

        // Act
        const findings = lint([prefixes(1, ['prod', 'release'])], { images: split });

        // Assert
        expect(codes(findings)).toEqual([
          ['TagPrefixListRequiresAll', 1],
          ['RuleMatchesNothing', 1],
        ]);
        expect(findings[1]?.message).toContain('each entry alone matches some image, but no image has a tag for every entry');
      });

      it.each<[string, LifecycleRule[], ImageDetail[] | undefined]>([
        ['without images', [prefixes(1, ['relase'])], undefined],
        ['when the rule selects an image', [prefixes(1, ['release'])], images],
        ['when the repository has no tagged image', [prefixes(1, ['relase'])], [image('u', [], 3)]],
        [
          'for an archive rule when no tagged image is archived',
          [
            rule(1, {
              tagStatus: 'tagged',
              tagPrefixList: ['old'],
              storageClass: 'archive',
              countType: 'sinceImageTransitioned',
              countUnit: 'days',
              countNumber: 90,
            }),
          ],
          images,
        ],
      ])('says nothing %s', (_name, rules, given) => {
        // Act / Assert
        expect(lint(rules, given ? { images: given } : {}).filter((f) => f.code === 'RuleMatchesNothing')).toEqual([]);
      });
    });

    describe('UntaggedRetentionLong', () => {
      it('warns when the untagged rule expires images later than --max-untagged-days', () => {
        // Act
        const findings = lint([prefixes(1, ['v']), untaggedAfter(2, 90)]);

        // Assert
        expect(findings).toEqual([
          {
            code: 'UntaggedRetentionLong',
            severity: 'warning',
            rulePriority: 2,
            message: expect.stringMatching(
              /^rule 2 expires untagged images only 90 days after push, more than the 30 days allowed;.* Lower its countNumber to 30 or fewer\.$/,
            ) as string,
          },
        ]);
      });

      it('uses the limit it is given', () => {
        // Act / Assert
        expect(codes(lint([untaggedAfter(1, 20)], { maxUntaggedDays: 14 }))).toEqual([['UntaggedRetentionLong', 1]]);
        expect(codes(lint([untaggedAfter(1, 14)], { maxUntaggedDays: 14 }))).toEqual([]);
      });

      it('advises an untagged rule before an "any" rule that keeps untagged images too long, rather than a shorter any rule', () => {
        // Act
        const [finding] = lint([prefixes(1, ['v']), anyAfter(2, 180)]);

        // Assert
        expect(finding?.code).toBe('UntaggedRetentionLong');
        expect(finding?.message).toContain('It is an "any" rule, so a shorter age would expire tagged images sooner too');
      });

      it.each([
        ['101 untagged images', 101, [['UntaggedRetentionLong', 1]]],
        ['100 untagged images', 100, []],
      ])('judges a count rule keeping %s against 100', (_name, count, expected) => {
        // Act
        const findings = lint([rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: count as number })]);

        // Assert
        expect(codes(findings)).toEqual(expected);
      });

      it('judges the first rule that selects untagged images, not a later one that never acts on them', () => {
        // Arrange: the untagged rule decides; the later any rule's 400 days never apply to untagged images
        const findings = lint([untaggedAfter(1, 7), anyAfter(2, 400)]);

        // Assert
        expect(codes(findings)).toEqual([]);
      });

      it('says nothing when untagged images are archived rather than expired', () => {
        // Act
        const findings = lint([
          rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 365 }, toArchive),
        ]);

        // Assert
        expect(findings.filter((f) => f.code === 'UntaggedRetentionLong')).toEqual([]);
      });
    });

    describe('ShadowedRule', () => {
      it('flags a rule whose every image an earlier rule selects (v1… after v…)', () => {
        // Act
        const findings = lint([prefixes(1, ['v'], 3), prefixes(2, ['v1'], 5), untaggedAfter(3, 7)]);

        // Assert
        expect(findings).toEqual([
          {
            code: 'ShadowedRule',
            severity: 'warning',
            rulePriority: 2,
            message:
              'rule 2 can never act: every image it selects (tagPrefixList ["v1"]) is also selected by rule 1 (tagPrefixList ["v"]), which comes first, and ECR lets only the first rule that selects an image act on it. Give rule 2 a lower rulePriority than 1 if it should decide for those images, or remove it.',
          },
        ]);
      });

      it.each<[string, LifecycleRule[], Array<[string, number]>]>([
        ['a narrower pattern after a wider one', [patterns(1, ['prod*']), patterns(2, ['prod-*'])], [['ShadowedRule', 2]]],
        ['an exact tag after a pattern that matches it', [patterns(1, ['*']), patterns(2, ['latest'])], [['ShadowedRule', 2]]],
        ['the same pattern twice', [patterns(1, ['latest']), patterns(2, ['latest'])], [['ShadowedRule', 2]]],
        ['a prefix after a pattern that covers it', [patterns(1, ['rel*']), prefixes(2, ['release'])], [['ShadowedRule', 2]]],
        [
          'a two-entry rule after a rule for one of its entries',
          [prefixes(1, ['alpha']), prefixes(2, ['beta', 'gamma'], 1), prefixes(3, ['delta', 'alphabet'], 1)],
          [
            ['TagPrefixListRequiresAll', 2],
            ['TagPrefixListRequiresAll', 3],
            ['ShadowedRule', 3],
          ],
        ],
        [
          'an "any" rule after an untagged rule and a tagged rule for every tag',
          [untaggedAfter(1, 7), patterns(2, ['*']), anyAfter(3, 30)],
          [['ShadowedRule', 3]],
        ],
      ])('flags %s', (_name, rules, expected) => {
        // Act / Assert
        expect(codes(lint(rules)).filter(([code]) => code !== 'UntaggedRetentionLong')).toEqual(expected);
      });

      it.each<[string, LifecycleRule[]]>([
        ['a wider rule after a narrower one (it acts on the rest)', [prefixes(1, ['v1']), prefixes(2, ['v'])]],
        ['a wider pattern after a narrower one', [patterns(1, ['prod-*']), patterns(2, ['prod*'])]],
        ['one entry after a two-entry rule', [prefixes(1, ['alpha', 'beta']), prefixes(2, ['gamma']), patterns(3, ['alpha*'])]],
        [
          'rules of different storage classes',
          [
            rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }, toArchive),
            rule(2, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 }),
          ],
        ],
        ['an "any" rule after an untagged rule and a narrower tagged rule', [untaggedAfter(1, 7), patterns(2, ['prod*']), anyAfter(3, 30)]],
        ['patterns whose overlap cannot be proven', [patterns(1, ['*-rc']), patterns(2, ['v*'])]],
      ])('does not flag %s', (_name, rules) => {
        // Act / Assert
        expect(lint(rules).filter((f) => f.code === 'ShadowedRule')).toEqual([]);
      });
    });

    describe('ArchiveNeverExpires', () => {
      it('notes, as info, a policy that archives images but never expires archived ones', () => {
        // Act
        const findings = lint([
          rule(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 }, toArchive),
        ]);

        // Assert
        expect(findings).toEqual([
          {
            code: 'ArchiveNeverExpires',
            severity: 'info',
            rulePriority: 1,
            message: expect.stringContaining('rule 1 archives images, but no rule of the archive storage class expires them') as string,
          },
        ]);
      });

      it('says nothing when an archive rule expires archived images', () => {
        // Arrange: the AWS example with a standard any rule and an archive any rule
        const findings = lint([
          rule(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 }, toArchive),
          rule(2, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 365 }),
        ]);

        // Assert
        expect(findings).toEqual([]);
      });
    });

    it('orders findings by rule priority and finds nothing in a sound policy', () => {
      // Act
      const sound = lint([prefixes(1, ['release'], 10), untaggedAfter(2, 14)], { images: [image('r', ['release-1'], 3)] });
      const several = lint([prefixes(1, ['v']), prefixes(3, ['v1']), untaggedAfter(2, 60)]);

      // Assert
      expect(sound).toEqual([]);
      expect(codes(several)).toEqual([
        ['UntaggedRetentionLong', 2],
        ['ShadowedRule', 3],
      ]);
    });
  });

  describe('isWarningOrWorse', () => {
    it.each([
      ['warning', true],
      ['info', false],
    ] as const)('is %p for severity %s', (severity, expected) => {
      expect(isWarningOrWorse({ severity })).toBe(expected);
    });
  });

  describe('globWithin', () => {
    it.each([
      ['prod-1', 'prod*', true],
      ['prod*', 'prod*', true],
      ['prod-*', 'prod*', true],
      ['prod*', 'prod-*', false],
      ['*', 'prod*', false],
      ['prod*', '*', true],
      ['a*b', 'a*', true],
      ['a*b', '*b', true],
      ['a*b', 'a*c', false],
      ['x*y*z', 'x*z', true],
      ['x*z', 'x*y*z', false],
      ['latest', 'latest', true],
      ['latest', 'lates', false],
      ['', '*', true],
      ['*', '', false],
    ])('says whether every tag %p matches is matched by %p: %p', (inner, outer, expected) => {
      expect(globWithin(inner, outer)).toBe(expected);
    });
  });
});
