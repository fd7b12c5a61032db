import type { TagFamily } from '../../../../src/domain/advice/families';
import { ADVISED_MARK, ordered, ruleOf, type RuleSettings, type Source } from '../../../../src/domain/advice/rules';
import { POLICY_LIMITS } from '../../../../src/domain/policy';
import { expireUntagged, keepNewestTagged } from '../../support/policies';

const SETTINGS: RuleSettings = { days: 7, keepPulledDays: 90, rollbackMargin: 3, archiveAfterDays: 90 };
const family = (pattern: string): TagFamily & { pattern: string } => ({ pattern }) as TagFamily & { pattern: string };
const anyRule = {
  ...keepNewestTagged(9, 'x', 1),
  selection: { tagStatus: 'any' as const, countType: 'imageCountMoreThan' as const, countNumber: 50 },
};

describe('advice/rules', () => {
  describe('ordered', () => {
    it('puts fixed names first, then team rules, releases, ephemerals, untagged, a standard any-rule of the team, and the archive last', () => {
      const sources: Source[] = [
        { kind: 'archive', neededDays: 0, why: new Set() },
        { kind: 'team', rule: anyRule },
        { kind: 'untagged', neededDays: 0, why: new Set() },
        { kind: 'ephemeral', family: family('pr-*'), neededDays: 0, why: new Set(), covers: 0 },
        { kind: 'release', family: family('v*'), needed: 2, why: new Set(), covers: 1 },
        { kind: 'team', rule: keepNewestTagged(1, 'release', 5) },
        { kind: 'protect', name: 'latest', exact: true },
      ];
      expect(ordered(sources).map((s) => (s.kind === 'team' ? `team:${s.rule.selection.tagStatus}` : s.kind))).toEqual([
        'protect',
        'team:tagged',
        'release',
        'ephemeral',
        'untagged',
        'team:any',
        'archive',
      ]);
    });

    it('keeps the given order within a rank', () => {
      const a: Source = { kind: 'team', rule: keepNewestTagged(1, 'a', 1) };
      const b: Source = { kind: 'team', rule: keepNewestTagged(2, 'b', 1) };
      expect(ordered([b, a])).toEqual([b, a]);
    });
  });

  describe('ruleOf', () => {
    it('keeps the last N of a release family: what was pulled plus the rollback margin, marked as advised', () => {
      const rule = ruleOf({ kind: 'release', family: family('v*'), needed: 4, why: new Set(['pulled']), covers: 4 }, 2, SETTINGS, 30);
      expect(rule).toMatchObject({
        rulePriority: 2,
        selection: { tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'imageCountMoreThan', countNumber: 7 },
        action: { type: 'expire' },
      });
      expect(rule.description).toBe(`keep last 7 v*: covers every v* image pulled in the last 90 days (4) + 3 ${ADVISED_MARK}`);
    });

    it('never gives untagged images longer than the cap, and the janitor default when nothing needs longer', () => {
      const long = ruleOf({ kind: 'untagged', neededDays: 400, why: new Set(['pulled']) }, 5, SETTINGS, 30);
      expect(long.selection).toMatchObject({ tagStatus: 'untagged', countNumber: 30 });
      const plain = ruleOf({ kind: 'untagged', neededDays: 0, why: new Set() }, 5, SETTINGS, 30);
      expect(plain.selection.countNumber).toBe(7);
      expect(plain.description).toBe(`expire untagged images 7 days after push (the janitor's default) ${ADVISED_MARK}`);
    });

    it('protects a fixed name with a count of one, and a signature pattern with every image it selects', () => {
      expect(ruleOf({ kind: 'protect', name: 'latest', exact: true }, 1, SETTINGS, 30).selection.countNumber).toBe(1);
      expect(ruleOf({ kind: 'protect', name: 'sha256-*', exact: false }, 1, SETTINGS, 30).selection.countNumber).toBe(
        POLICY_LIMITS.maxInteger,
      );
    });

    it('keeps a team rule as written, at its new priority, and archives after the longer of the setting and what pulls need', () => {
      expect(ruleOf({ kind: 'team', rule: expireUntagged(1, 14) }, 4, SETTINGS, 30)).toEqual(expireUntagged(4, 14));
      const archive = ruleOf({ kind: 'archive', neededDays: 120, why: new Set(['pulled']) }, 6, SETTINGS, 30);
      expect(archive).toMatchObject({
        selection: { tagStatus: 'any', countType: 'sinceImagePulled', countNumber: 120 },
        action: { type: 'transition', targetStorageClass: 'archive' },
      });
      expect(archive.description).toContain('(not 90:');
    });
  });
});
