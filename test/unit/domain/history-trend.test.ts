import type { HistoryEntry } from '../../../src/domain/history';
import { historyEntryOf } from '../../../src/domain/history';
import { parseHistory, serialiseHistory } from '../../../src/domain/history-file';
import { TREND_WEEKS, accountChange, accountTrendOf, accountTrendsOf, costGroupChanges, trendOf } from '../../../src/domain/history-trend';
import { GIB } from '../../../src/domain/report';
import {
  ACCOUNT_A as A,
  ACCOUNT_B as B,
  twoAccountReport,
  trackedTotals,
  historyEntry,
  auditReport,
  repositoryReport,
  weekEntry as entry,
  costGroup as group,
} from '../support/report-fixtures';

const WEEK = 7 * 86_400_000;

describe('history-trend', () => {
  describe('trendOf', () => {
    it('takes the twelve weeks that end with this one, leaving out older and later weeks', () => {
      const start = Date.parse('2026-06-01T00:00:00Z');
      const entries = Array.from({ length: 20 }, (_, i) => entry(new Date(start + i * WEEK).toISOString().slice(0, 10), i));
      const current = entries[15] as HistoryEntry;

      const points = trendOf(entries, current);

      expect(points.map((p) => p.storedBytes)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
      expect(points[0]).toEqual({ date: '2026-06-29', storedBytes: 4, reclaimableBytes: 0, monthlyCostUsd: 0.04 });
    });
  });

  describe('costGroupChanges', () => {
    const previous = entry('2026-10-19', 10, {
      'name-prefix': { 'team-a': { repositories: 2, storedBytes: 100, reclaimableBytes: 10, monthlyCostUsd: 1.1, monthlySavingsUsd: 0.1 } },
    });

    it('gives the change of a group that was there last week', () => {
      const [changed] = costGroupChanges([{ ...group('team-a', 150, 1.6), reclaimableBytes: 5, repositories: 3 }], previous);

      expect(changed).toMatchObject({
        status: 'changed',
        change: { storedBytes: 50, reclaimableBytes: -5, monthlyCostUsd: 0.5, repositories: 1 },
      });
    });

    it('marks a group that last week did not have as new', () => {
      expect(costGroupChanges([group('team-z', 1, 0.1)], previous)[0]).toMatchObject({ status: 'new', change: null });
    });

    it('says nothing is known when there is no last week, or it did not record the grouping', () => {
      expect(costGroupChanges([group('team-a', 1, 0.1)], undefined)[0]?.status).toBe('unknown');
      expect(costGroupChanges([group('a', 1, 0.1, 'tag:team')], previous)[0]?.status).toBe('unknown');
      expect(costGroupChanges([group('team-a', 1, 0.1)], entry('2026-10-19', 1))[0]?.status).toBe('unknown');
    });

    it('does not take a group value for an inherited property', () => {
      expect(costGroupChanges([group('constructor', 1, 0.1)], previous)[0]?.status).toBe('new');
    });

    it('keeps a group named __proto__ as data, through the file and back', () => {
      const report = { ...auditReport([repositoryReport()]), costGroups: [group('__proto__', 7, 0.7)] };
      const written = serialiseHistory([historyEntryOf(report)]);

      const [read] = parseHistory(written).entries;

      expect(costGroupChanges([group('__proto__', 9, 0.9)], read)[0]).toMatchObject({ status: 'changed', change: { storedBytes: 2 } });
    });
  });
});

describe('history-trend of a report of several accounts', () => {
  describe('accountTrendOf', () => {
    it("takes the account's rows of the trend's weeks, skipping weeks that did not record it", () => {
      const start = Date.parse('2026-06-01T00:00:00Z');
      const entries = Array.from({ length: 16 }, (_, i) =>
        historyEntry(
          new Date(start + i * WEEK).toISOString().slice(0, 10),
          i,
          i === 10 ? {} : { accounts: { [A]: trackedTotals(i * 10) } },
        ),
      );
      const current = entries[15] as HistoryEntry;

      const points = accountTrendOf(entries, current, A);

      expect(points.map((p) => p.storedBytes)).toEqual([40, 50, 60, 70, 80, 90, 110, 120, 130, 140, 150]);
      expect(points).toHaveLength(TREND_WEEKS - 1);
      expect(accountTrendsOf(entries, current)).toEqual({ [A]: points });
    });
  });

  describe('accountChange', () => {
    it("gives the differences on last week's row, or null for an account last week did not have", () => {
      const account = twoAccountReport().accounts[0];
      if (account === undefined) throw new Error('no account');
      const previous = historyEntry('2026-10-25', 0, { accounts: { [A]: trackedTotals(8 * GIB, 0.5) } });

      expect(accountChange(account, previous)).toMatchObject({ storedBytes: 2 * GIB, monthlyCostUsd: 0.5, repositories: 0 });
      expect(accountChange({ ...account, accountId: B }, previous)).toBeNull();
      expect(accountChange(account, undefined)).toBeNull();
    });
  });
});
