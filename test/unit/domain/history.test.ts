import { GIB } from '../../../src/domain/report';
import type { HistoryEntry } from '../../../src/domain/history';
import { HISTORY_WEEKS, runningRealized, storedSamplesOf, historyEntryOf, updateHistory, weekOf } from '../../../src/domain/history';
import { parseHistory, serialiseHistory } from '../../../src/domain/history-file';
import { trendOf } from '../../../src/domain/history-trend';
import {
  ACCOUNT_A as A,
  ACCOUNT_B as B,
  twoAccountReport,
  auditReport,
  repositoryReport,
  weekEntry as entry,
  costGroup as group,
} from '../support/report-fixtures';

const WEEK = 7 * 86_400_000;

describe('history', () => {
  describe('weekOf', () => {
    it.each([
      ['2026-11-02', '2026-11-02'], // a Monday
      ['2026-11-01', '2026-10-26'], // a Sunday
      ['2026-11-04T23:59:59Z', '2026-11-02'],
      ['1970-01-01', '1969-12-29'],
    ])('puts %p in the week of Monday %p', (date, monday) => {
      expect(weekOf(date)).toBe(monday);
    });

    it('is undefined for a date that does not parse', () => {
      expect(weekOf('last tuesday')).toBeUndefined();
    });
  });

  describe('historyEntryOf', () => {
    it("keeps the report's tracked totals and every group's totals, with an empty map for a grouping without groups", () => {
      const report = auditReport([repositoryReport({ repositoryName: 'team-a/web', costAllocationTags: { team: 'a' } })], {
        costAllocationTagKeys: ['team', 'cost-center'],
      });
      const withGroups = { ...report, costGroups: [group('team-a', 10, 1), group('a', 10, 1, 'tag:team')] };

      const e = historyEntryOf(withGroups);

      expect(e).toMatchObject({ date: '2026-11-01', week: '2026-10-26', storedBytes: report.totals.storedBytes });
      expect(e.groups).toEqual({
        'name-prefix': { 'team-a': { repositories: 1, storedBytes: 10, reclaimableBytes: 0, monthlyCostUsd: 1, monthlySavingsUsd: 0 } },
        'tag:team': { a: { repositories: 1, storedBytes: 10, reclaimableBytes: 0, monthlyCostUsd: 1, monthlySavingsUsd: 0 } },
        'tag:cost-center': {},
      });
    });
  });

  describe('updateHistory', () => {
    it("replaces the week's entry and takes the change from the latest earlier week", () => {
      const before = [entry('2026-10-12', 1), entry('2026-10-19', 2), entry('2026-10-26', 3)];

      const { entries, previous } = updateHistory(before, entry('2026-10-29', 4));

      expect(entries.map((e) => e.date)).toEqual(['2026-10-12', '2026-10-19', '2026-10-29']);
      expect(previous?.date).toBe('2026-10-19');
    });

    it('keeps the last two years of weeks', () => {
      const start = Date.parse('2024-01-01T00:00:00Z');
      const many = Array.from({ length: 120 }, (_, i) => entry(new Date(start + i * WEEK).toISOString().slice(0, 10), i));

      const { entries } = updateHistory(many, entry(new Date(start + 120 * WEEK).toISOString().slice(0, 10), 120));

      expect(entries).toHaveLength(HISTORY_WEEKS);
      expect(entries.at(-1)?.storedBytes).toBe(120);
    });
  });
});

describe('history (ledger and bill)', () => {
  const realized = {
    images: 3,
    freedBytes: 3000,
    monthlySavingsUsd: 0.1,
    byDefaultRule: { images: 2, freedBytes: 2000, monthlySavingsUsd: 0.05 },
    archivedBytes: 7,
  };

  describe('historyEntryOf', () => {
    it('records stored bytes per registry, the billed figure from blob mounting where it is on, and the realized savings', () => {
      const report = auditReport(
        [
          repositoryReport({ accountId: '1', region: 'eu-west-1', repositoryName: 'a', storedBytes: 100 }),
          repositoryReport({ accountId: '1', region: 'eu-west-1', repositoryName: 'b', storedBytes: 50 }),
          repositoryReport({ accountId: '1', region: 'us-east-1', repositoryName: 'c', storedBytes: 7 }),
        ],
        {
          blobMounting: [
            {
              accountId: '1',
              region: 'eu-west-1',
              status: 'ENABLED',
              perRepositoryBytes: 150,
              registryUniqueBytes: 120,
              billShouldMatch: 'registry-unique',
            },
          ],
        },
      );
      report.totals.realized = { ...realized, archivedImages: 1, unmeasuredImages: 0 };
      const e = historyEntryOf(report);
      expect(e.registries).toEqual([
        { accountId: '1', region: 'eu-west-1', storedBytes: 150, billedBytes: 120 },
        { accountId: '1', region: 'us-east-1', storedBytes: 7, billedBytes: 7 },
      ]);
      expect(e.realized).toEqual(realized);
      const back = parseHistory(serialiseHistory([e])).entries[0];
      expect(back?.registries).toEqual(e.registries);
      expect(back?.realized).toEqual(realized);
    });
  });

  describe('runningRealized / updateHistory / trendOf / storedSamplesOf', () => {
    it('adds the weeks that recorded realized savings up since the first, and shows freed bytes in the trend', () => {
      const weeks = [entry('2026-10-05', 1), { ...entry('2026-10-12', 1), realized }, { ...entry('2026-10-19', 1), realized }];
      expect(runningRealized(weeks.slice(0, 2), weeks[2] as HistoryEntry)).toEqual({
        since: '2026-10-12',
        weeks: 2,
        images: 6,
        freedBytes: 6000,
        monthlySavingsUsd: 0.2,
        byDefaultRule: { images: 4, freedBytes: 4000, monthlySavingsUsd: 0.1 },
        archivedBytes: 14,
      });
      expect(runningRealized([], entry('2026-10-05', 1))).toBeUndefined();
      expect(trendOf(weeks, weeks[2] as HistoryEntry).map((p) => p.freedBytes)).toEqual([undefined, 3000, 3000]);
    });

    it('keeps the running total in each entry, so it outlives the weeks the history drops', () => {
      // Arrange: HISTORY_WEEKS + 2 weekly reports, each with realized savings, put in one after another.
      let entries: HistoryEntry[] = [];
      const start = Date.parse('2024-01-01T00:00:00Z');
      for (let i = 0; i < HISTORY_WEEKS + 2; i++) {
        const date = new Date(start + i * 7 * 86_400_000).toISOString().slice(0, 10);
        entries = parseHistory(serialiseHistory(updateHistory(entries, { ...entry(date, 1), realized }).entries)).entries;
      }
      // Assert: the oldest weeks are gone, the total still counts them.
      const last = entries.at(-1);
      expect(entries).toHaveLength(HISTORY_WEEKS);
      expect(last?.cumulativeRealized).toMatchObject({
        since: '2024-01-01',
        weeks: HISTORY_WEEKS + 2,
        freedBytes: 3000 * (HISTORY_WEEKS + 2),
      });
    });

    it('counts a week once when its report is run again, and carries the total over a week without a ledger', () => {
      const first = updateHistory([], { ...entry('2026-10-05', 1), realized });
      const again = updateHistory(first.entries, { ...entry('2026-10-06', 1), realized: { ...realized, freedBytes: 5000 } });
      expect(again.cumulativeRealized).toMatchObject({ weeks: 1, freedBytes: 5000 });
      const quiet = updateHistory(again.entries, entry('2026-10-12', 1));
      expect(quiet.cumulativeRealized).toMatchObject({ since: '2026-10-05', weeks: 1, freedBytes: 5000 });
      const next = updateHistory(quiet.entries, { ...entry('2026-10-19', 1), realized });
      expect(next.cumulativeRealized).toMatchObject({ weeks: 2, freedBytes: 8000, byDefaultRule: { freedBytes: 4000 } });
    });

    it('turns the registries of each week into samples at the report date', () => {
      const e = { ...entry('2026-10-05', 1), registries: [{ accountId: '1', region: 'r', storedBytes: 9, billedBytes: 8 }] };
      expect(storedSamplesOf([e, entry('2026-10-12', 1)])).toEqual([
        { accountId: '1', region: 'r', at: Date.parse('2026-10-05T00:00:00Z'), bytes: 8 },
      ]);
    });
  });
});

describe('history of a report of several accounts', () => {
  describe('historyEntryOf', () => {
    it("keeps each account's tracked totals and the groups by account", () => {
      const entry = historyEntryOf(twoAccountReport());

      expect(entry.accounts?.[A]?.storedBytes).toBe(10 * GIB);
      expect(entry.accounts?.[B]).toMatchObject({ storedBytes: 2 * GIB, reclaimableBytes: GIB, repositories: 1 });
      expect(Object.keys(entry.groups?.account ?? {})).toEqual([A, B]);
    });

    it('keeps no per-account rows for a single account', () => {
      expect(historyEntryOf(auditReport([repositoryReport()])).accounts).toBeUndefined();
    });
  });
});
