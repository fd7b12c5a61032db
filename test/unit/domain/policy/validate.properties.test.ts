import fc from 'fast-check';
import type { PolicyProblem } from '../../../../src/domain/policy';
import { parsePolicy } from '../../../../src/domain/policy';

// ---------------------------------------------------------------------------------------------
// Arbitraries: rules of every kind, most of them broken in their own fields, with priorities from a
// small range so that rules also clash with each other (repeated priorities, two untagged rules,
// an "any" rule that is not last, a prefix used twice).
// ---------------------------------------------------------------------------------------------

type RawRule = Record<string, unknown>;

const PREFIXES = ['prod', 'beta', 'dev'];
const PATTERNS = ['prod*', '*-rc', 'v1.*'];

/** A rule as people write them: valid fields, before any breakage. */
const ruleArb: fc.Arbitrary<RawRule> = fc
  .record({
    priority: fc.integer({ min: 1, max: 6 }),
    status: fc.constantFrom('tagged', 'untagged', 'any'),
    prefixes: fc.boolean(),
    list: fc.integer({ min: 0, max: 7 }),
    archive: fc.boolean(),
    count: fc.constantFrom('count', 'pushed', 'pulled'),
    n: fc.integer({ min: 1, max: 200 }),
  })
  .map(({ priority, status, prefixes, list, archive, count, n }) => {
    const entries = (prefixes ? PREFIXES : PATTERNS).filter((_, i) => (list >> i) & 1);
    const tags =
      status !== 'tagged'
        ? {}
        : prefixes
          ? { tagPrefixList: entries.length ? entries : ['prod'] }
          : { tagPatternList: entries.length ? entries : ['prod*'] };
    if (archive) {
      return {
        rulePriority: priority,
        selection: {
          tagStatus: status,
          ...tags,
          storageClass: 'archive',
          countType: 'sinceImageTransitioned',
          countUnit: 'days',
          countNumber: 90 + n,
        },
        action: { type: 'expire' },
      };
    }
    const selection =
      count === 'count'
        ? { tagStatus: status, ...tags, countType: 'imageCountMoreThan', countNumber: n }
        : {
            tagStatus: status,
            ...tags,
            countType: count === 'pushed' ? 'sinceImagePushed' : 'sinceImagePulled',
            countUnit: 'days',
            countNumber: n,
          };
    return {
      rulePriority: priority,
      description: `a ${status} rule`,
      selection,
      action: count === 'pulled' ? { type: 'transition', targetStorageClass: 'archive' } : { type: 'expire' },
    };
  });

/** Breakages that leave what the cross-rule checks read (priority, tag status, class, prefixes) as it was. */
const OWN_BREAKAGES: Array<(rule: RawRule) => void> = [
  (r) => ((r.selection as RawRule).countNumber = 0),
  (r) => ((r.selection as RawRule).countNumber = 1.5),
  (r) => ((r.selection as RawRule).countNumber = 1e20),
  (r) => delete (r.selection as RawRule).countUnit,
  (r) => ((r.selection as RawRule).countUnit = 'hours'),
  (r) => (r.note = 'a field ECR does not know'),
  (r) => (r.description = 42),
  (r) => (r.action = { type: 'delete' }),
  (r) => delete r.action,
  (r) => ((r.selection as RawRule).countType = 'imageCountLessThan'),
  (r) => ((r.selection as RawRule).tagPatternList = ['a*b*c*d*e*']),
];

/** Breakages that also change what the cross-rule checks read. */
const FACT_BREAKAGES: Array<(rule: RawRule) => void> = [
  (r) => (r.rulePriority = 0),
  (r) => (r.rulePriority = 2_147_483_648),
  (r) => ((r.selection as RawRule).tagStatus = 'ANY'),
  (r) => ((r.selection as RawRule).storageClass = 'glacier'),
  (r) => ((r.selection as RawRule).storageClass = 'archive'),
  (r) => (r.selection = 'every image'),
];

function broken(rule: RawRule, breakages: ReadonlyArray<(rule: RawRule) => void>): RawRule {
  const copy = structuredClone(rule);
  for (const breakage of breakages) breakage(copy);
  return copy;
}

/** A rule broken by some of the given breakages (maybe none). */
const brokenRuleArb = (breakages: ReadonlyArray<(rule: RawRule) => void>): fc.Arbitrary<{ clean: RawRule; rule: RawRule }> =>
  fc.tuple(ruleArb, fc.subarray([...breakages])).map(([clean, chosen]) => ({ clean, rule: broken(clean, chosen) }));

/** Anything at all in a rule's place, now and then. */
const anyRuleArb = fc.oneof(
  { weight: 9, arbitrary: brokenRuleArb([...OWN_BREAKAGES, ...FACT_BREAKAGES]).map(({ rule }) => rule) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(42, 'rule', null, []) },
);

/** A problem as a comparable line, its rule's position replaced by `position`. */
function key(p: PolicyProblem, position = p.position): string {
  return JSON.stringify([position, p.priority, p.field, p.message, p.fix]);
}

/** The problems of one rule alone, as if it stood at `position` in a policy. */
function ownProblems(rule: unknown, position: number): string[] {
  return parsePolicy(JSON.stringify({ rules: [rule] }))
    .problems.filter((p) => p.position !== undefined && p.crossRule !== true)
    .map((p) => key(p, position));
}

describe('policy validation properties', () => {
  describe('parsePolicy', () => {
    it('reports, rule by rule, the union of the problems each rule has when validated alone', () => {
      fc.assert(
        fc.property(fc.array(anyRuleArb, { minLength: 1, maxLength: 8 }), (rules) => {
          // Act
          const whole = parsePolicy(JSON.stringify({ rules }));

          // Assert
          const reported = whole.problems.filter((p) => p.position !== undefined && p.crossRule !== true).map((p) => key(p));
          const union = rules.flatMap((rule, i) => ownProblems(rule, i + 1));
          expect(reported.sort()).toEqual(union.sort());
        }),
        { numRuns: 300 },
      );
    });

    it('finds the same cross-rule problems whatever problems the rules have of their own', () => {
      fc.assert(
        fc.property(fc.array(brokenRuleArb(OWN_BREAKAGES), { minLength: 2, maxLength: 8 }), (pairs) => {
          // Act
          const clean = parsePolicy(JSON.stringify({ rules: pairs.map((p) => p.clean) }));
          const dirty = parsePolicy(JSON.stringify({ rules: pairs.map((p) => p.rule) }));

          // Assert
          const crossRule = (problems: readonly PolicyProblem[]): string[] =>
            problems
              .filter((p) => p.crossRule === true)
              .map((p) => key(p))
              .sort();
          expect(crossRule(dirty.problems)).toEqual(crossRule(clean.problems));
        }),
        { numRuns: 300 },
      );
    });
  });
});
