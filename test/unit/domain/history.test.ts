import type { CostGroup } from '../../../src/domain/report';
import type { HistoryEntry } from '../../../src/domain/history';
import {
  HISTORY_FORMAT,
  HISTORY_WEEKS,
  costGroupChanges,
  runningRealized,
  storedSamplesOf,
  historyEntryOf,
  parseHistory,
  serialiseHistory,
  trendOf,
  updateHistory,
  weekOf,
} from '../../../src/domain/history';
import { auditReport, historyEntry, repositoryReport } from '../support/report-fixtures';

const WEEK = 7 * 86_400_000;

function entry(date: string, storedBytes: number, groups?: HistoryEntry['groups']): HistoryEntry {
  return historyEntry(date, storedBytes, {
    generatedAt: `${date}T06:00:00.000Z`,
    monthlyCostUsd: storedBytes / 100,
    ...(groups === undefined ? {} : { groups }),
  });
}

function group(value: string, storedBytes: number, monthlyCostUsd: number, by: CostGroup['by'] = 'name-prefix'): CostGroup {
  return { by, value, repositories: 1, storedBytes, reclaimableBytes: 0, monthlyCostUsd, monthlySavingsUsd: 0 };
}

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
  });

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

function totals(storedBytes: number) {
  return { repositories: 1, images: 1, untaggedImages: 0, storedBytes, reclaimableBytes: 0, monthlyCostUsd: 0, monthlySavingsUsd: 0 };
}

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

  describe('parseHistory', () => {
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
