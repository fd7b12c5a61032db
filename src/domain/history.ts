import type { StoredSample } from './bill';
import { reportGroupings, setOwn } from './cost-groups';
import { roundUsd } from './money';
import type { CumulativeRealized, WeekRealized } from './realized';
import type { AuditReport, CostGroup, CostGroupBy, ReportTotals } from './report';
import { DAY_MS } from './time';

export type { CumulativeRealized, WeekRealized } from './realized';

// The weekly history: one entry per week of a report's totals (and its groups', registries' and
// accounts'), how a report's entry is made and put in, and the running total of realized savings.
// Reading and writing the file is in history-file.ts, the trend and the change since last week in
// history-trend.ts.

/** Weeks of history kept (two years). */
export const HISTORY_WEEKS = 104;

/** The totals a week is remembered by: the trend's points and the change since last time. */
export const TRACKED_TOTALS = [
  'repositories',
  'images',
  'untaggedImages',
  'storedBytes',
  'reclaimableBytes',
  'monthlyCostUsd',
  'monthlySavingsUsd',
] as const;

/** The tracked totals of one report. */
export type TrackedTotals = Pick<ReportTotals, (typeof TRACKED_TOTALS)[number]>;

/** One group's totals in a week of history. */
export type GroupTotals = Pick<CostGroup, 'repositories' | 'storedBytes' | 'reclaimableBytes' | 'monthlyCostUsd' | 'monthlySavingsUsd'>;

/** One week's totals, and its groups' totals, kept in the history file. */
export interface HistoryEntry extends TrackedTotals {
  /** The report's date, `YYYY-MM-DD` (UTC). */
  date: string;
  generatedAt: string;
  /** The Monday (UTC, `YYYY-MM-DD`) of the report's week: one entry per week, the latest report wins. */
  week: string;
  /** Per grouping, per value: the group's totals. Absent in entries of the first format and in weeks trimmed for size. */
  groups?: Partial<Record<CostGroupBy, Record<string, GroupTotals>>>;
  /** Stored bytes per registry (account and region), what `reconcile` holds against the bill. Absent in older entries. */
  registries?: RegistryStored[];
  /** What lifecycle policies removed in the week before the report; absent when the run read no ledger. */
  realized?: WeekRealized;
  /** Realized savings since the first week that recorded them, this one included; absent until one did. */
  cumulativeRealized?: CumulativeRealized;
  /**
   * Per account id: the account's tracked totals, for a report of several accounts (the trend and the
   * change per account). Absent for a single account's report and in old weeks trimmed for size.
   */
  accounts?: Record<string, TrackedTotals>;
}

/** One registry's stored bytes in a week of history. */
export interface RegistryStored {
  accountId: string;
  region: string;
  /** The repositories' stored bytes added up (a layer once per repository). */
  storedBytes: number;
  /** The figure the bill should match: registry-wide unique bytes where blob mounting is on, else `storedBytes`. */
  billedBytes: number;
}

/** The Monday (UTC) of the week of an ISO-8601 date or time, as `YYYY-MM-DD`; undefined when it does not parse. */
export function weekOf(date: string): string | undefined {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : date);
  if (Number.isNaN(ms)) return undefined;
  const day = Math.floor(ms / DAY_MS);
  // Day 0 (1970-01-01) was a Thursday: Monday-based weekday = (day + 3) mod 7.
  const monday = day - ((((day + 3) % 7) + 7) % 7);
  return new Date(monday * DAY_MS).toISOString().slice(0, 10);
}

/** The tracked totals of a report's (or an account's) totals. */
function trackedOf(totals: ReportTotals): TrackedTotals {
  const out = {} as TrackedTotals;
  for (const key of TRACKED_TOTALS) out[key] = totals[key];
  return out;
}

/**
 * The history entry of a report: its tracked totals, its groups' totals and, for a report of several
 * accounts, each account's tracked totals; dated by the time the report describes (`now`: the run's
 * time, or a snapshot's capture time), not by when it was made.
 *
 * @example historyEntryOf(report).week // '2026-10-26'
 */
export function historyEntryOf(report: AuditReport): HistoryEntry {
  const date = report.now.slice(0, 10);
  const entry: HistoryEntry = { date, generatedAt: report.generatedAt, week: weekOf(report.now) ?? date, ...trackedOf(report.totals) };
  const groups: NonNullable<HistoryEntry['groups']> = {};
  for (const by of reportGroupings(report)) groups[by] = {};
  for (const g of report.costGroups) {
    const { repositories, storedBytes, reclaimableBytes, monthlyCostUsd, monthlySavingsUsd } = g;
    setOwn((groups[g.by] ??= {}), g.value, { repositories, storedBytes, reclaimableBytes, monthlyCostUsd, monthlySavingsUsd });
  }
  entry.groups = groups;
  entry.registries = registriesOf(report);
  const realized = report.totals.realized;
  if (realized !== undefined) {
    const { images, freedBytes, monthlySavingsUsd, byDefaultRule, archivedBytes } = realized;
    entry.realized = { images, freedBytes, monthlySavingsUsd, byDefaultRule: { ...byDefaultRule }, archivedBytes };
  }
  if (report.accounts.length > 1) {
    const accounts: Record<string, TrackedTotals> = {};
    for (const account of report.accounts) setOwn(accounts, account.accountId, trackedOf(account.totals));
    entry.accounts = accounts;
  }
  return entry;
}

/**
 * Stored bytes per registry of a report; the billed figure is the report's registry-wide unique bytes
 * where it has one for the registry (blob mounting on), else the stored bytes.
 */
function registriesOf(report: AuditReport): RegistryStored[] {
  const out = new Map<string, RegistryStored>();
  for (const r of report.repositories) {
    const key = `${r.accountId}\u0000${r.region}`;
    const kept = out.get(key) ?? { accountId: r.accountId, region: r.region, storedBytes: 0, billedBytes: 0 };
    kept.storedBytes += r.storedBytes;
    kept.billedBytes += r.storedBytes;
    out.set(key, kept);
  }
  for (const setting of report.blobMounting ?? []) {
    const kept = out.get(`${setting.accountId}\u0000${setting.region}`);
    if (kept !== undefined && setting.registryUniqueBytes !== undefined) kept.billedBytes = setting.registryUniqueBytes;
  }
  return [...out.values()].sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region));
}

/**
 * The history's stored bytes as samples for `reconcile`: one per registry per week, at the report's
 * time (its `generatedAt` week's report date), the figure the bill should match.
 */
export function storedSamplesOf(entries: readonly HistoryEntry[]): StoredSample[] {
  return entries.flatMap((e) =>
    (e.registries ?? []).map((r) => ({
      accountId: r.accountId,
      region: r.region,
      at: Date.parse(`${e.date}T00:00:00Z`),
      bytes: r.billedBytes,
    })),
  );
}

function noneSince(week: string): CumulativeRealized {
  return {
    since: week,
    weeks: 0,
    images: 0,
    freedBytes: 0,
    monthlySavingsUsd: 0,
    byDefaultRule: { images: 0, freedBytes: 0, monthlySavingsUsd: 0 },
    archivedBytes: 0,
  };
}

function plus(total: CumulativeRealized, week: WeekRealized): CumulativeRealized {
  return {
    since: total.since,
    weeks: total.weeks + 1,
    images: total.images + week.images,
    freedBytes: total.freedBytes + week.freedBytes,
    monthlySavingsUsd: roundUsd(total.monthlySavingsUsd + week.monthlySavingsUsd),
    byDefaultRule: {
      images: total.byDefaultRule.images + week.byDefaultRule.images,
      freedBytes: total.byDefaultRule.freedBytes + week.byDefaultRule.freedBytes,
      monthlySavingsUsd: roundUsd(total.byDefaultRule.monthlySavingsUsd + week.byDefaultRule.monthlySavingsUsd),
    },
    archivedBytes: total.archivedBytes + week.archivedBytes,
  };
}

/**
 * Realized savings since the first week that recorded them, up to and including `entry`: the running
 * total the latest earlier week kept, plus the weeks after it (and `entry`) that recorded realized
 * savings. Kept in each entry, it outlives the weeks the history drops after {@link HISTORY_WEEKS}.
 * Undefined while no week has recorded any.
 *
 * @example runningRealized(stored.entries, entry)?.freedBytes
 */
export function runningRealized(entries: readonly HistoryEntry[], entry: HistoryEntry): CumulativeRealized | undefined {
  const earlier = entries.filter((e) => e.week < entry.week);
  let from = earlier.length - 1;
  while (from >= 0 && earlier[from]?.cumulativeRealized === undefined) from--;
  let total = from >= 0 ? earlier[from]?.cumulativeRealized : undefined;
  for (const e of [...earlier.slice(from + 1), entry]) {
    if (e.realized === undefined) continue;
    total = plus(total ?? noneSince(e.week), e.realized);
  }
  return total;
}

/** The history with this week's entry in, and the entry of the week before it (the change is measured from there). */
export interface UpdatedHistory {
  entries: HistoryEntry[];
  previous: HistoryEntry | undefined;
  /** Realized savings since the first week that recorded them, this week's included (see {@link runningRealized}). */
  cumulativeRealized: CumulativeRealized | undefined;
}

/**
 * Puts a report's entry into the history: it replaces an entry of the same week, the history keeps
 * its last {@link HISTORY_WEEKS} weeks, `previous` is the latest entry of an earlier week, and the
 * entry keeps the running total of realized savings.
 */
export function updateHistory(entries: readonly HistoryEntry[], entry: HistoryEntry): UpdatedHistory {
  const others = entries.filter((e) => e.week !== entry.week);
  const previous = others.filter((e) => e.week < entry.week).at(-1);
  const cumulativeRealized = runningRealized(others, entry);
  const kept: HistoryEntry = { ...entry, ...(cumulativeRealized === undefined ? {} : { cumulativeRealized }) };
  return {
    entries: [...others, kept].sort((a, b) => a.week.localeCompare(b.week)).slice(-HISTORY_WEEKS),
    previous,
    cumulativeRealized,
  };
}
