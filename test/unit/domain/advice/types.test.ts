import type { AdviceChecks, AdvisedRepository, RepositoryAdvice } from '../../../../src/domain/advice/types';
import { TOP_ADVICE, UNCHANGED_REASON, adviceTotals, isUnchanged, recommendedPoliciesOf } from '../../../../src/domain/advice/types';

const CHECK = { images: 0, actedOnNow: 0, actedOnIn30Days: 0 };
const CHECKS: AdviceChecks = {
  validation: { passed: true, problems: [] },
  lint: { passed: true, findings: [] },
  simulatedAt: ['2026-03-01T00:00:00.000Z', '2026-03-31T00:00:00.000Z'],
  inUse: CHECK,
  pulledRecently: { ...CHECK, days: 90 },
  indexChildrenOfKept: CHECK,
  referrersOfKept: CHECK,
  fixedNames: CHECK,
};

/** Advice with a policy to adopt for `repositoryName`, saving `monthlyExtraSavingsUsd` a month. */
function adopted(repositoryName: string, monthlyExtraSavingsUsd: number, overrides: Partial<RepositoryAdvice> = {}): RepositoryAdvice {
  return {
    accountId: '123456789012',
    region: 'eu-west-1',
    repositoryName,
    advice: 'policy',
    reason: 'expires untagged images after 7 days and keeps 5 releases',
    currentPolicyText: null,
    recommendedPolicyText: '{"rules":[]}',
    removedNow: { images: 2, bytes: 2_000 },
    removedIn30Days: { images: 3, bytes: 3_000 },
    monthlyExtraSavingsUsd,
    monthlyArchiveSavingsUsd: null,
    checks: CHECKS,
    ...overrides,
  };
}

/** `none` advice for `repositoryName` with `reason`: withheld, or unchanged when the reason says so. */
function none(repositoryName: string, reason: string): RepositoryAdvice {
  return adopted(repositoryName, 0, {
    advice: 'none',
    reason,
    recommendedPolicyText: null,
    removedNow: { images: 0, bytes: 0 },
    removedIn30Days: { images: 0, bytes: 0 },
  });
}

const WITHHELD_REASON = 'withheld: the advised policy would expire an image in use';

describe('advice/types', () => {
  describe('isUnchanged', () => {
    it('is true for none advice whose reason is that the policy already is the advice', () => {
      expect(isUnchanged({ advice: 'none', reason: UNCHANGED_REASON })).toBe(true);
    });

    it('is false for withheld advice and for a policy to adopt', () => {
      expect(isUnchanged({ advice: 'none', reason: WITHHELD_REASON })).toBe(false);
      expect(isUnchanged({ advice: 'policy', reason: UNCHANGED_REASON })).toBe(false);
    });
  });

  describe('adviceTotals', () => {
    it('counts every repository, and removals and savings of adopted advice only', () => {
      // Arrange
      const entries = [
        adopted('a', 0.1),
        adopted('b', 0.2, { removedNow: { images: 5, bytes: 50 }, removedIn30Days: { images: 7, bytes: 70 } }),
        none('c', WITHHELD_REASON),
        none('d', UNCHANGED_REASON),
      ];

      // Act
      const totals = adviceTotals(entries);

      // Assert
      expect(totals).toEqual({
        repositories: 4,
        withAdvice: 2,
        withheld: 1,
        removedNow: { images: 7, bytes: 2_050 },
        removedIn30Days: { images: 10, bytes: 3_070 },
        monthlyExtraSavingsUsd: 0.3,
        monthlyArchiveSavingsUsd: null,
      });
    });

    it('adds archive savings only from advice that has them, and keeps null when none has', () => {
      // Arrange
      const withArchive = [
        adopted('a', 1, { monthlyArchiveSavingsUsd: 0.11 }),
        adopted('b', 1),
        adopted('c', 1, { monthlyArchiveSavingsUsd: 0.22 }),
      ];

      // Act / Assert
      expect(adviceTotals(withArchive).monthlyArchiveSavingsUsd).toBe(0.33);
      expect(adviceTotals([adopted('a', 1), adopted('b', 1)]).monthlyArchiveSavingsUsd).toBeNull();
    });

    it('keeps a negative saving (a policy that keeps more) in the sum', () => {
      expect(adviceTotals([adopted('a', 2.5), adopted('b', -0.75)]).monthlyExtraSavingsUsd).toBe(1.75);
    });

    it('answers zeros for no repositories', () => {
      expect(adviceTotals([])).toEqual({
        repositories: 0,
        withAdvice: 0,
        withheld: 0,
        removedNow: { images: 0, bytes: 0 },
        removedIn30Days: { images: 0, bytes: 0 },
        monthlyExtraSavingsUsd: 0,
        monthlyArchiveSavingsUsd: null,
      });
    });
  });

  describe('recommendedPoliciesOf', () => {
    it('lists the adopted advice by saving, largest first, ties by region then name, and leaves out advice without a policy', () => {
      // Arrange
      const advised: AdvisedRepository[] = [
        { advice: adopted('web', 1), owner: 'team-a' },
        { advice: adopted('api', 3), owner: 'team-b' },
        { advice: adopted('zeta', 2, { region: 'eu-central-1' }), owner: 'team-a' },
        { advice: adopted('alpha', 2, { region: 'eu-west-1' }), owner: 'team-c' },
        { advice: adopted('beta', 2, { region: 'eu-central-1' }), owner: 'team-c' },
        { advice: none('withheld', WITHHELD_REASON), owner: 'team-a' },
      ];

      // Act
      const section = recommendedPoliciesOf(advised);

      // Assert
      expect(section.top.map((t) => `${t.region}/${t.repositoryName}`)).toEqual([
        'eu-west-1/api',
        'eu-central-1/beta',
        'eu-central-1/zeta',
        'eu-west-1/alpha',
        'eu-west-1/web',
      ]);
      expect(section.top[0]).toEqual({
        region: 'eu-west-1',
        repositoryName: 'api',
        owner: 'team-b',
        monthlyExtraSavingsUsd: 3,
        removedNow: { images: 2, bytes: 2_000 },
      });
    });

    it("adds up each owner's adopted advice, largest saving first, ties by owner", () => {
      // Arrange
      const advised: AdvisedRepository[] = [
        { advice: adopted('a1', 0.1), owner: 'team-a' },
        { advice: adopted('a2', 0.2), owner: 'team-a' },
        { advice: adopted('b1', 0.3), owner: 'team-b' },
        { advice: adopted('c1', 0.05), owner: 'team-c' },
        { advice: none('c2', WITHHELD_REASON), owner: 'team-c' },
        { advice: none('d1', UNCHANGED_REASON), owner: 'team-d' },
      ];

      // Act
      const { byOwner } = recommendedPoliciesOf(advised);

      // Assert: 0.1 + 0.2 is rounded, so team-a ties with team-b and comes first by name
      expect(byOwner).toEqual([
        { owner: 'team-a', repositories: 2, monthlyExtraSavingsUsd: 0.3 },
        { owner: 'team-b', repositories: 1, monthlyExtraSavingsUsd: 0.3 },
        { owner: 'team-c', repositories: 1, monthlyExtraSavingsUsd: 0.05 },
      ]);
    });

    it('totals every advised repository, the withheld and unchanged included', () => {
      // Arrange
      const advised: AdvisedRepository[] = [
        { advice: adopted('a', 1), owner: 'x' },
        { advice: none('b', WITHHELD_REASON), owner: 'x' },
        { advice: none('c', UNCHANGED_REASON), owner: 'y' },
      ];

      // Act / Assert
      expect(recommendedPoliciesOf(advised).totals).toMatchObject({
        repositories: 3,
        withAdvice: 1,
        withheld: 1,
        monthlyExtraSavingsUsd: 1,
      });
    });

    it(`lists at most ${TOP_ADVICE} repositories by default, or the limit given`, () => {
      // Arrange
      const advised = Array.from({ length: TOP_ADVICE + 5 }, (_, i) => ({
        advice: adopted(`repo-${String(i).padStart(2, '0')}`, i),
        owner: 'team',
      }));

      // Act
      const byDefault = recommendedPoliciesOf(advised);
      const three = recommendedPoliciesOf(advised, 3);

      // Assert
      expect(byDefault.top).toHaveLength(TOP_ADVICE);
      expect(byDefault.top[0]?.repositoryName).toBe(`repo-${TOP_ADVICE + 4}`);
      expect(three.top.map((t) => t.repositoryName)).toEqual(['repo-14', 'repo-13', 'repo-12']);
      expect(byDefault.byOwner).toEqual([{ owner: 'team', repositories: TOP_ADVICE + 5, monthlyExtraSavingsUsd: 105 }]);
    });

    it('answers an empty section for no advice', () => {
      // Act
      const section = recommendedPoliciesOf([]);

      // Assert
      expect(section.top).toEqual([]);
      expect(section.byOwner).toEqual([]);
      expect(section.totals.repositories).toBe(0);
    });
  });
});
