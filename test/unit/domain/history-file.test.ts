import type { HistoryEntry, TrackedTotals } from '../../../src/domain/history';
import { historyEntryOf } from '../../../src/domain/history';
import { HISTORY_FORMAT, parseHistory, serialiseHistory } from '../../../src/domain/history-file';
import { TREND_WEEKS } from '../../../src/domain/history-trend';
import { HOSTILE, expectEscapedJson } from '../../support/hostile-text';
import { twoAccountReport, trackedTotals, historyEntry, weekEntry as entry } from '../support/report-fixtures';

const WEEK = 7 * 86_400_000;

function totals(storedBytes: number) {
  return { repositories: 1, images: 1, untaggedImages: 0, storedBytes, reclaimableBytes: 0, monthlyCostUsd: 0, monthlySavingsUsd: 0 };
}

describe('history-file', () => {
  describe('parseHistory', () => {
    it('reads nothing, and reports nothing, when there is no file yet', () => {
      expect(parseHistory(undefined)).toEqual({ entries: [] });
    });

    it('reads the first shape (a bare array without weeks or groups) as it is', () => {
      const old = [{ date: '2026-10-25', generatedAt: '2026-10-25T06:00:00.000Z', ...totals(5) }];

      expect(parseHistory(JSON.stringify(old))).toEqual({ entries: [{ ...old[0], week: '2026-10-19' }] });
    });

    it('reads the current shape with its groups', () => {
      const current = entry('2026-10-25', 5, {
        'name-prefix': { a: { repositories: 1, storedBytes: 5, reclaimableBytes: 0, monthlyCostUsd: 0.05, monthlySavingsUsd: 0 } },
      });

      expect(parseHistory(JSON.stringify({ format: HISTORY_FORMAT, weeks: [current] })).entries).toEqual([current]);
    });

    it('skips entries that lack a date or a total, and says how many', () => {
      const text = JSON.stringify([entry('2026-10-18', 4), { date: '2026-10-25' }, { storedBytes: 3 }, 'x', entry('2026-11-01', 6)]);

      const parsed = parseHistory(text);

      expect(parsed.entries.map((e) => e.date)).toEqual(['2026-10-18', '2026-11-01']);
      expect(parsed.problem).toBe('3 history entries were unreadable and skipped');
    });

    it('drops unreadable groups but keeps the entry', () => {
      const raw = { ...entry('2026-10-25', 5), groups: { 'name-prefix': { a: { storedBytes: 'x' } }, bogus: { b: {} } } };

      expect(parseHistory(JSON.stringify([raw])).entries[0]?.groups).toEqual({ 'name-prefix': {} });
    });

    it.each([
      ['not JSON', '{ damaged', 'not JSON'],
      ['of an unknown format', JSON.stringify({ format: 'ecr-janitor-history/9', weeks: [] }), 'unknown format'],
      ['a JSON scalar', '42', 'unknown format'],
    ])('starts again, saying why, when the file is %s', (_, text, why) => {
      const parsed = parseHistory(text);

      expect(parsed.entries).toEqual([]);
      expect(parsed.problem).toContain(why);
    });

    it('keeps one entry per week, the latest report of it', () => {
      const monday = { ...entry('2026-10-26', 5), generatedAt: '2026-10-26T06:00:00.000Z' };
      const thursday = { ...entry('2026-10-29', 7), generatedAt: '2026-10-29T06:00:00.000Z' };

      expect(parseHistory(JSON.stringify([thursday, monday])).entries).toEqual([thursday]);
    });

    it('drops registries and realized figures that are not numbers, keeping the week', () => {
      const text = JSON.stringify({
        format: HISTORY_FORMAT,
        weeks: [
          {
            ...entry('2026-10-05', 1),
            registries: [{ accountId: '1', region: 'r', storedBytes: 'x', billedBytes: 1 }],
            realized: { images: 1 },
          },
        ],
      });
      const [back] = parseHistory(text).entries;
      expect(back?.registries).toEqual([]);
      expect(back?.realized).toBeUndefined();
    });
  });

  describe('serialiseHistory', () => {
    it('writes the current format', () => {
      expect(JSON.parse(serialiseHistory([entry('2026-10-26', 3)]))).toEqual({ format: HISTORY_FORMAT, weeks: [entry('2026-10-26', 3)] });
    });

    it('drops the groups of the oldest weeks first when the file would pass its size, never those of the last two', () => {
      const groups = (n: number): HistoryEntry['groups'] => ({
        'name-prefix': Object.fromEntries(
          Array.from({ length: n }, (_, i) => [
            `owner-${i}`,
            { repositories: 1, storedBytes: i, reclaimableBytes: 0, monthlyCostUsd: 0, monthlySavingsUsd: 0 },
          ]),
        ),
      });
      const weeks = ['2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26'].map((d) => entry(d, 1, groups(100)));
      const oneWeek = Buffer.byteLength(JSON.stringify(weeks[0]));

      const text = serialiseHistory(weeks, 2.5 * oneWeek + 200);

      const written = (JSON.parse(text) as { weeks: HistoryEntry[] }).weeks;
      expect(written.map((w) => w.groups !== undefined)).toEqual([false, false, true, true]);
      expect(written.map((w) => w.storedBytes)).toEqual([1, 1, 1, 1]);
    });

    it('writes the control and bidirectional characters of group names as escapes, counted in its size budget', () => {
      const group = { repositories: 1, storedBytes: 1, reclaimableBytes: 0, monthlyCostUsd: 0, monthlySavingsUsd: 0 };
      const hostile = (i: number): HistoryEntry['groups'] => ({ 'name-prefix': { [`${HOSTILE} ${i}`]: group } });
      const weeks = ['2026-10-19', '2026-10-26', '2026-11-02'].map((d, i) => entry(d, 1, hostile(i)));

      const whole = serialiseHistory(weeks);
      expectEscapedJson(whole, { format: HISTORY_FORMAT, weeks });
      expect(parseHistory(whole).entries).toEqual(weeks);

      // A budget the raw text would meet but the escaped one does not: the oldest week's groups go.
      const trimmed = serialiseHistory(weeks, Buffer.byteLength(whole) - 1);
      expect(Buffer.byteLength(trimmed)).toBeLessThan(Buffer.byteLength(whole));
      expect((JSON.parse(trimmed) as { weeks: HistoryEntry[] }).weeks.map((w) => w.groups !== undefined)).toEqual([false, true, true]);
    });
  });
});

describe('history-file of a report of several accounts', () => {
  describe('parseHistory', () => {
    it('reads the per-account rows and the groups by account back, leaving out rows that are not whole', () => {
      const entry = historyEntryOf(twoAccountReport());
      const text = serialiseHistory([
        { ...entry, accounts: { ...entry.accounts, '333333333333': { storedBytes: 'x' } as unknown as TrackedTotals } },
      ]);

      const [read] = parseHistory(text).entries;

      expect(read?.accounts).toEqual(entry.accounts);
      expect(read?.groups?.account).toEqual(entry.groups?.account);
    });
  });

  describe('serialiseHistory', () => {
    it('drops the per-account rows of old weeks only after their groups, and never those the trend shows', () => {
      const rows = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [String(100000000000 + i), trackedTotals(i)]));
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
