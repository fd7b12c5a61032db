import { combineAccountReports } from '../../../src/domain/accounts';
import type { HistoryEntry, TrackedTotals } from '../../../src/domain/history';
import {
  TREND_WEEKS,
  accountChange,
  accountTrendOf,
  accountTrendsOf,
  historyEntryOf,
  parseHistory,
  serialiseHistory,
} from '../../../src/domain/history';
import type { AuditReport } from '../../../src/domain/report';
import { GIB } from '../../../src/domain/report';
import { auditReport, historyEntry, repositoryReport } from '../support/report-fixtures';

const A = '111111111111';
const B = '222222222222';
const WEEK = 7 * 86_400_000;

function tracked(storedBytes: number, monthlyCostUsd = 0): TrackedTotals {
  return { repositories: 1, images: 1, untaggedImages: 0, storedBytes, reclaimableBytes: 0, monthlyCostUsd, monthlySavingsUsd: 0 };
}

function twoAccounts(): AuditReport {
  const a = auditReport([repositoryReport({ accountId: A, storedBytes: 10 * GIB })]);
  const b = auditReport([repositoryReport({ accountId: B, storedBytes: 2 * GIB, reclaimableBytes: GIB })]);
  return combineAccountReports(
    [
      { accountId: A, regions: ['us-east-1'], report: a },
      { accountId: B, regions: ['us-east-1'], report: b },
    ],
    { ...a, costAllocationTagKeys: [] },
  );
}

describe('history of a report of several accounts', () => {
  describe('historyEntryOf', () => {
    it("keeps each account's tracked totals and the groups by account", () => {
      const entry = historyEntryOf(twoAccounts());

      expect(entry.accounts?.[A]?.storedBytes).toBe(10 * GIB);
      expect(entry.accounts?.[B]).toMatchObject({ storedBytes: 2 * GIB, reclaimableBytes: GIB, repositories: 1 });
      expect(Object.keys(entry.groups?.account ?? {})).toEqual([A, B]);
    });

    it('keeps no per-account rows for a single account', () => {
      expect(historyEntryOf(auditReport([repositoryReport()])).accounts).toBeUndefined();
    });
  });

  describe('parseHistory', () => {
    it('reads the per-account rows and the groups by account back, leaving out rows that are not whole', () => {
      const entry = historyEntryOf(twoAccounts());
      const text = serialiseHistory([
        { ...entry, accounts: { ...entry.accounts, '333333333333': { storedBytes: 'x' } as unknown as TrackedTotals } },
      ]);

      const [read] = parseHistory(text).entries;

      expect(read?.accounts).toEqual(entry.accounts);
      expect(read?.groups?.account).toEqual(entry.groups?.account);
    });
  });

  describe('accountTrendOf', () => {
    it("takes the account's rows of the trend's weeks, skipping weeks that did not record it", () => {
      const start = Date.parse('2026-06-01T00:00:00Z');
      const entries = Array.from({ length: 16 }, (_, i) =>
        historyEntry(new Date(start + i * WEEK).toISOString().slice(0, 10), i, i === 10 ? {} : { accounts: { [A]: tracked(i * 10) } }),
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
      const account = twoAccounts().accounts[0];
      if (account === undefined) throw new Error('no account');
      const previous = historyEntry('2026-10-25', 0, { accounts: { [A]: tracked(8 * GIB, 0.5) } });

      expect(accountChange(account, previous)).toMatchObject({ storedBytes: 2 * GIB, monthlyCostUsd: 0.5, repositories: 0 });
      expect(accountChange({ ...account, accountId: B }, previous)).toBeNull();
      expect(accountChange(account, undefined)).toBeNull();
    });
  });

  describe('serialiseHistory', () => {
    it('drops the per-account rows of old weeks only after their groups, and never those the trend shows', () => {
      const rows = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [String(100000000000 + i), tracked(i)]));
      const start = Date.parse('2026-01-05T00:00:00Z');
      const weeks = Array.from({ length: TREND_WEEKS + 3 }, (_, i) =>
        historyEntry(new Date(start + i * WEEK).toISOString().slice(0, 10), 1, { accounts: rows }),
      );
      const oneWeek = Buffer.byteLength(JSON.stringify(weeks[0]));

      const text = serialiseHistory(weeks, (TREND_WEEKS + 0.5) * oneWeek);

      const written = (JSON.parse(text) as { weeks: HistoryEntry[] }).weeks;
      expect(written.map((w) => w.accounts !== undefined)).toEqual([
        false,
        false,
        false,
        ...Array.from({ length: TREND_WEEKS }, () => true),
      ]);
    });
  });
});
