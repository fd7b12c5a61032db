import { setOwn } from './cost-groups';
import type { HistoryEntry, TrackedTotals } from './history';
import { TRACKED_TOTALS } from './history';
import { roundUsd } from './money';
import type { CostGroup, ReportTotals } from './report';
import { DAY_MS } from './time';

// How a report compares with the weeks before it: the trend chart's points (the report's, and each
// account's) and the change since last week (each account's, each cost group's).

/** Weeks the trend chart shows, this one included. */
export const TREND_WEEKS = 12;

const WEEK_MS = 7 * DAY_MS;

/** One week of the trend chart. */
export interface TrendPoint {
  /** The report's date, `YYYY-MM-DD`. */
  date: string;
  storedBytes: number;
  reclaimableBytes: number;
  /** Bytes lifecycle policies freed in the week before; absent for a week that read no ledger. */
  freedBytes?: number;
  /** Absent for a week whose entry did not record it. */
  monthlyCostUsd?: number;
}

/**
 * The trend chart's points: the entries of the {@link TREND_WEEKS} weeks that end with `entry`'s
 * week, oldest first.
 */
export function trendOf(entries: readonly HistoryEntry[], entry: HistoryEntry, weeks = TREND_WEEKS): TrendPoint[] {
  return entries.filter(inTrendWindow(entry, weeks)).map((e) => ({
    date: e.date,
    storedBytes: e.storedBytes,
    reclaimableBytes: e.reclaimableBytes,
    monthlyCostUsd: e.monthlyCostUsd,
    ...(e.realized === undefined ? {} : { freedBytes: e.realized.freedBytes }),
  }));
}

/** Whether an entry is one of the `weeks` weeks that end with `entry`'s week. */
function inTrendWindow(entry: HistoryEntry, weeks: number): (e: HistoryEntry) => boolean {
  const end = Date.parse(`${entry.week}T00:00:00Z`);
  const start = end - (weeks - 1) * WEEK_MS;
  return (e) => {
    const t = Date.parse(`${e.week}T00:00:00Z`);
    return t >= start && t <= end;
  };
}

/**
 * One account's trend: the weeks of {@link trendOf} that recorded the account, oldest first.
 *
 * @example accountTrendOf(entries, entry, '123456789012').map((p) => p.storedBytes)
 */
export function accountTrendOf(
  entries: readonly HistoryEntry[],
  entry: HistoryEntry,
  accountId: string,
  weeks = TREND_WEEKS,
): TrendPoint[] {
  const inWindow = inTrendWindow(entry, weeks);
  const points: TrendPoint[] = [];
  for (const e of entries) {
    const row = e.accounts !== undefined && Object.prototype.hasOwnProperty.call(e.accounts, accountId) ? e.accounts[accountId] : undefined;
    if (row !== undefined && inWindow(e))
      points.push({
        date: e.date,
        storedBytes: row.storedBytes,
        reclaimableBytes: row.reclaimableBytes,
        monthlyCostUsd: row.monthlyCostUsd,
      });
  }
  return points;
}

/**
 * The trend of every account `entry` records (a report of several accounts), by account id; empty
 * for a single account's report.
 *
 * @example accountTrendsOf(entries, entry)['123456789012']?.length // weeks recorded
 */
export function accountTrendsOf(entries: readonly HistoryEntry[], entry: HistoryEntry, weeks = TREND_WEEKS): Record<string, TrendPoint[]> {
  const out: Record<string, TrendPoint[]> = {};
  for (const accountId of Object.keys(entry.accounts ?? {})) setOwn(out, accountId, accountTrendOf(entries, entry, accountId, weeks));
  return out;
}

/**
 * An account's change since `previous` (the entry of the week before): the differences of its
 * tracked totals, or null when last week did not record the account (new, or no history yet).
 *
 * @example accountChange(account, previous)?.monthlyCostUsd // 1.25
 */
export function accountChange(
  account: { accountId: string; totals: ReportTotals },
  previous: HistoryEntry | undefined,
): TrackedTotals | null {
  const rows = previous?.accounts;
  const was = rows !== undefined && Object.prototype.hasOwnProperty.call(rows, account.accountId) ? rows[account.accountId] : undefined;
  if (was === undefined) return null;
  const change = {} as TrackedTotals;
  for (const key of TRACKED_TOTALS)
    change[key] = key.endsWith('Usd') ? roundUsd(account.totals[key] - was[key]) : account.totals[key] - was[key];
  return change;
}

/** A cost group with its change since the week before. */
export interface CostGroupChange extends CostGroup {
  /**
   * `changed`: the group was there last week; `new`: last week's report grouped the same way and
   * the group was not in it; `unknown`: there is no earlier week, or it did not record this grouping.
   */
  status: 'changed' | 'new' | 'unknown';
  /** Differences from last week (null unless `changed`). */
  change: { storedBytes: number; reclaimableBytes: number; monthlyCostUsd: number; repositories: number } | null;
}

/**
 * Each cost group with its change since `previous` (the entry of the week before).
 *
 * @example costGroupChanges(report.costGroups, previous).filter((g) => g.status === 'changed')
 */
export function costGroupChanges(groups: readonly CostGroup[], previous: HistoryEntry | undefined): CostGroupChange[] {
  return groups.map((g) => {
    const before = previous?.groups?.[g.by];
    if (before === undefined) return { ...g, status: 'unknown', change: null };
    const was = Object.prototype.hasOwnProperty.call(before, g.value) ? before[g.value] : undefined;
    if (was === undefined) return { ...g, status: 'new', change: null };
    return {
      ...g,
      status: 'changed',
      change: {
        storedBytes: g.storedBytes - was.storedBytes,
        reclaimableBytes: g.reclaimableBytes - was.reclaimableBytes,
        monthlyCostUsd: roundUsd(g.monthlyCostUsd - was.monthlyCostUsd),
        repositories: g.repositories - was.repositories,
      },
    };
  });
}
