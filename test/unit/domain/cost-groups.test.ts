import type { CostGroup } from '../../../src/domain/report';
import {
  UNTAGGED,
  checkCostAllocationTagKeys,
  costAllocationTagsOf,
  costGroupsOf,
  groupingLabel,
  namePrefixOf,
  ownerGrouping,
  topCostGroups,
} from '../../../src/domain/cost-groups';
import { GIB } from '../../../src/domain/report';
import { totalsOf } from '../../../src/domain/report-totals';
import { repositoryReport } from '../support/report-fixtures';

describe('cost-groups', () => {
  describe('namePrefixOf', () => {
    it.each([
      ['team-a/svc', 'team-a'],
      ['team-a/web/api', 'team-a'],
      ['monolith', 'monolith'],
      ['/odd', ''],
    ])('maps %p to %p', (name, prefix) => {
      expect(namePrefixOf(name)).toBe(prefix);
    });
  });

  describe('checkCostAllocationTagKeys', () => {
    it('trims the keys and keeps each once, in order', () => {
      expect(checkCostAllocationTagKeys([' team', 'cost-center', 'team', 'aws:createdBy', 'Owner Name'])).toEqual({
        ok: true,
        keys: ['team', 'cost-center', 'aws:createdBy', 'Owner Name'],
      });
    });

    it.each([
      ['', 'empty'],
      ['bad!key', 'not an AWS tag key'],
      ['k'.repeat(129), 'longer than 128'],
    ])('rejects %p naming the problem', (key, problem) => {
      const result = checkCostAllocationTagKeys(['team', key]);
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.problem).toContain(problem);
    });
  });

  describe('costAllocationTagsOf', () => {
    it('takes the values of the asked keys only, leaving out missing and empty ones', () => {
      const tags = [
        { Key: 'team', Value: ' payments ' },
        { Key: 'cost-center', Value: '' },
        { Key: 'other', Value: 'x' },
        { Key: 'Team', Value: 'case matters' },
      ];
      expect(costAllocationTagsOf(tags, ['team', 'cost-center', 'owner'])).toEqual({ team: 'payments' });
    });

    it('keeps a tag key such as __proto__ as data', () => {
      const tags = costAllocationTagsOf([{ Key: '__proto__', Value: 'x' }], ['__proto__']);

      expect(Object.keys(tags)).toEqual(['__proto__']);
      expect(Object.getPrototypeOf(tags)).toBe(Object.prototype);
      expect(costGroupsOf([repositoryReport({ costAllocationTags: tags })], ['__proto__'], 0.1).at(-1)?.value).toBe('x');
    });
  });

  describe('costGroupsOf', () => {
    const rows = [
      repositoryReport({
        repositoryName: 'team-a/web',
        region: 'us-east-1',
        storedBytes: 2 * GIB,
        reclaimableBytes: GIB,
        costAllocationTags: { team: 'a' },
      }),
      repositoryReport({
        repositoryName: 'team-a/web',
        region: 'eu-west-1',
        storedBytes: 3 * GIB,
        reclaimableBytes: 0,
        costAllocationTags: { team: 'a' },
      }),
      repositoryReport({ repositoryName: 'team-b/api', storedBytes: 10 * GIB, reclaimableBytes: 2 * GIB, costAllocationTags: {} }),
      repositoryReport({ repositoryName: 'monolith', storedBytes: GIB, reclaimableBytes: 0, costAllocationTags: { team: 'a' } }),
    ];

    it('groups by name prefix across regions, largest cost first, priced like the totals', () => {
      const groups = costGroupsOf(rows, [], 0.1);

      expect(groups).toEqual<CostGroup[]>([
        {
          by: 'name-prefix',
          value: 'team-b',
          repositories: 1,
          storedBytes: 10 * GIB,
          reclaimableBytes: 2 * GIB,
          monthlyCostUsd: 1,
          monthlySavingsUsd: 0.2,
        },
        {
          by: 'name-prefix',
          value: 'team-a',
          repositories: 2,
          storedBytes: 5 * GIB,
          reclaimableBytes: GIB,
          monthlyCostUsd: 0.5,
          monthlySavingsUsd: 0.1,
        },
        {
          by: 'name-prefix',
          value: 'monolith',
          repositories: 1,
          storedBytes: GIB,
          reclaimableBytes: 0,
          monthlyCostUsd: 0.1,
          monthlySavingsUsd: 0,
        },
      ]);
    });

    it("then by each tag key's value, (untagged) for repositories without it", () => {
      const groups = costGroupsOf(rows, ['team'], 0.1).filter((g) => g.by === 'tag:team');

      expect(groups.map((g) => [g.value, g.repositories, g.storedBytes])).toEqual([
        [UNTAGGED, 1, 10 * GIB],
        ['a', 3, 6 * GIB],
      ]);
    });

    it('adds up to the totals in every grouping', () => {
      const totals = totalsOf(rows, 0.1);
      const groups = costGroupsOf(rows, ['team', 'cost-center'], 0.1);

      for (const by of ['name-prefix', 'tag:team', 'tag:cost-center']) {
        const of = groups.filter((g) => g.by === by);
        expect({ by, stored: of.reduce((s, g) => s + g.storedBytes, 0), repositories: of.reduce((s, g) => s + g.repositories, 0) }).toEqual(
          {
            by,
            stored: totals.storedBytes,
            repositories: totals.repositories,
          },
        );
      }
    });

    it('orders equal costs by value, so the order never depends on the input', () => {
      const same = [repositoryReport({ repositoryName: 'b/x' }), repositoryReport({ repositoryName: 'a/x' })];
      expect(costGroupsOf(same, [], 0.1).map((g) => g.value)).toEqual(['a', 'b']);
      expect(costGroupsOf([...same].reverse(), [], 0.1).map((g) => g.value)).toEqual(['a', 'b']);
    });

    it('returns no groups when there are no repositories', () => {
      expect(costGroupsOf([], ['team'], 0.1)).toEqual([]);
    });
  });

  describe('topCostGroups', () => {
    it('keeps the first n groups of each grouping', () => {
      const groups = costGroupsOf(
        Array.from({ length: 30 }, (_, i) =>
          repositoryReport({ repositoryName: `p${i}/x`, storedBytes: (i + 1) * GIB, costAllocationTags: { team: `t${i % 3}` } }),
        ),
        ['team'],
        0.1,
      );

      const top = topCostGroups(groups, 10);

      expect(top.filter((g) => g.by === 'name-prefix').map((g) => g.value)).toEqual(Array.from({ length: 10 }, (_, i) => `p${29 - i}`));
      expect(top.filter((g) => g.by === 'tag:team')).toHaveLength(3);
    });
  });

  describe('ownerGrouping and groupingLabel', () => {
    it('names owners by the first tag key when there is one, else by name prefix', () => {
      expect(ownerGrouping(['team', 'cost-center'])).toBe('tag:team');
      expect(ownerGrouping([])).toBe('name-prefix');
      expect(groupingLabel('tag:team')).toBe('tag team');
      expect(groupingLabel('name-prefix')).toBe('name prefix');
    });
  });
});
