import type { StoredSample } from './bill';
import { reportGroupings, setOwn } from './cost-groups';
import type { CumulativeRealized, WeekRealized } from './realized';
import type { AuditReport, CostGroup, CostGroupBy, ReportTotals } from './report';

export type { CumulativeRealized, WeekRealized } from './realized';

/** The history file's format identifier (the first shape was a bare array of entries without groups). */
export const HISTORY_FORMAT = 'ecr-janitor-history/2';
/** Weeks the trend chart shows, this one included. */
export const TREND_WEEKS = 12;
/** Weeks of history kept (two years). */
export const HISTORY_WEEKS = 104;
/**
 * The most the history file may weigh: past it, the oldest weeks lose their per-group totals first
 * (an account with thousands of owners would otherwise grow it without bound); totals always stay.
 */
export const HISTORY_MAX_BYTES = 4 * 1024 * 1024;

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

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

/** What reading a history file found. */
export interface ParsedHistory {
  entries: HistoryEntry[];
  /** Why some or all of the file was ignored (damaged, unknown format, bad entries); absent when all was read. */
  problem?: string;
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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

function readGroups(raw: unknown): HistoryEntry['groups'] {
  if (!isObject(raw)) return undefined;
  const out: NonNullable<HistoryEntry['groups']> = {};
  for (const [by, values] of Object.entries(raw)) {
    if ((by !== 'account' && by !== 'name-prefix' && !by.startsWith('tag:')) || !isObject(values)) continue;
    const groups: Record<string, GroupTotals> = {};
    for (const [value, g] of Object.entries(values)) {
      if (!isObject(g)) continue;
      const { repositories, storedBytes, reclaimableBytes, monthlyCostUsd, monthlySavingsUsd } = g;
      if (finite(repositories) && finite(storedBytes) && finite(reclaimableBytes) && finite(monthlyCostUsd) && finite(monthlySavingsUsd))
        setOwn(groups, value, { repositories, storedBytes, reclaimableBytes, monthlyCostUsd, monthlySavingsUsd });
    }
    out[by as CostGroupBy] = groups;
  }
  return out;
}

/** The tracked totals of a stored row, or undefined when one is missing or not a number. */
function readTracked(raw: Record<string, unknown>): TrackedTotals | undefined {
  const out = {} as TrackedTotals;
  for (const key of TRACKED_TOTALS) {
    const value = raw[key];
    if (!finite(value)) return undefined;
    out[key] = value;
  }
  return out;
}

/** The per-account rows of an entry; rows that are not whole are left out. */
function readAccounts(raw: unknown): HistoryEntry['accounts'] {
  if (!isObject(raw)) return undefined;
  const out: Record<string, TrackedTotals> = {};
  for (const [accountId, row] of Object.entries(raw)) {
    const tracked = isObject(row) ? readTracked(row) : undefined;
    if (tracked !== undefined) setOwn(out, accountId, tracked);
  }
  return out;
}

/** One entry as stored, or undefined when it lacks what the trend needs. */
function readEntry(raw: unknown): HistoryEntry | undefined {
  if (!isObject(raw) || typeof raw.date !== 'string') return undefined;
  const week = weekOf(raw.date);
  if (week === undefined) return undefined;
  const tracked = readTracked(raw);
  if (tracked === undefined) return undefined;
  const entry: HistoryEntry = {
    date: raw.date.slice(0, 10),
    generatedAt: typeof raw.generatedAt === 'string' ? raw.generatedAt : raw.date,
    week,
    ...tracked,
  };
  const groups = readGroups(raw.groups);
  if (groups !== undefined) entry.groups = groups;
  const registries = readRegistries(raw.registries);
  if (registries !== undefined) entry.registries = registries;
  const realized = readRealized(raw.realized);
  if (realized !== undefined) entry.realized = realized;
  const cumulative = readCumulative(raw.cumulativeRealized);
  if (cumulative !== undefined) entry.cumulativeRealized = cumulative;
  const accounts = readAccounts(raw.accounts);
  if (accounts !== undefined) entry.accounts = accounts;
  return entry;
}

function readRegistries(raw: unknown): RegistryStored[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: RegistryStored[] = [];
  for (const r of raw) {
    if (!isObject(r)) continue;
    const { accountId, region, storedBytes, billedBytes } = r;
    if (typeof accountId === 'string' && typeof region === 'string' && finite(storedBytes) && finite(billedBytes))
      out.push({ accountId, region, storedBytes, billedBytes });
  }
  return out;
}

function readRealized(raw: unknown): WeekRealized | undefined {
  if (!isObject(raw) || !isObject(raw.byDefaultRule)) return undefined;
  const { images, freedBytes, monthlySavingsUsd, archivedBytes } = raw;
  const d = raw.byDefaultRule;
  if (![images, freedBytes, monthlySavingsUsd, archivedBytes, d.images, d.freedBytes, d.monthlySavingsUsd].every(finite)) return undefined;
  return {
    images: images as number,
    freedBytes: freedBytes as number,
    monthlySavingsUsd: monthlySavingsUsd as number,
    byDefaultRule: { images: d.images as number, freedBytes: d.freedBytes as number, monthlySavingsUsd: d.monthlySavingsUsd as number },
    archivedBytes: archivedBytes as number,
  };
}

function readCumulative(raw: unknown): CumulativeRealized | undefined {
  const week = readRealized(raw);
  if (week === undefined || !isObject(raw) || typeof raw.since !== 'string' || weekOf(raw.since) === undefined || !finite(raw.weeks))
    return undefined;
  return { since: raw.since, weeks: raw.weeks, ...week };
}

/**
 * Reads the history file, never failing: a missing file is an empty history; a file that is not
 * JSON or of an unknown format is ignored with a `problem`; a file of the first shape (a bare array
 * of entries without groups) is read as it is; entries that lack a date or a total are skipped.
 * One entry per week is kept (the latest report of the week), oldest first.
 *
 * @example const { entries, problem } = parseHistory(await store.get(HISTORY_KEY));
 */
export function parseHistory(text: string | undefined): ParsedHistory {
  if (text === undefined) return { entries: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { entries: [], problem: `the history is not JSON (${(error as Error).message}); it starts again with this report` };
  }
  let raw: unknown[];
  if (Array.isArray(doc)) raw = doc;
  else if (isObject(doc) && doc.format === HISTORY_FORMAT && Array.isArray(doc.weeks)) raw = doc.weeks;
  else return { entries: [], problem: `the history has an unknown format (expected ${HISTORY_FORMAT}); it starts again with this report` };
  const entries = raw.map(readEntry).filter((e): e is HistoryEntry => e !== undefined);
  const skipped = raw.length - entries.length;
  const parsed: ParsedHistory = { entries: latestPerWeek(entries) };
  if (skipped > 0) parsed.problem = `${skipped} history ${skipped === 1 ? 'entry was' : 'entries were'} unreadable and skipped`;
  return parsed;
}

/** One entry per week, the latest report of each; oldest week first. */
function latestPerWeek(entries: readonly HistoryEntry[]): HistoryEntry[] {
  const byWeek = new Map<string, HistoryEntry>();
  for (const e of entries) {
    const kept = byWeek.get(e.week);
    if (kept === undefined || e.generatedAt >= kept.generatedAt) byWeek.set(e.week, e);
  }
  return [...byWeek.values()].sort((a, b) => a.week.localeCompare(b.week));
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
    monthlySavingsUsd: round4(total.monthlySavingsUsd + week.monthlySavingsUsd),
    byDefaultRule: {
      images: total.byDefaultRule.images + week.byDefaultRule.images,
      freedBytes: total.byDefaultRule.freedBytes + week.byDefaultRule.freedBytes,
      monthlySavingsUsd: round4(total.byDefaultRule.monthlySavingsUsd + week.byDefaultRule.monthlySavingsUsd),
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

/**
 * The history file's text. When it would pass {@link HISTORY_MAX_BYTES}, the oldest weeks lose
 * their group totals first (never the newest two, which the change per group needs), then their
 * per-account totals (never those of the weeks the trend shows).
 */
export function serialiseHistory(entries: readonly HistoryEntry[], maxBytes = HISTORY_MAX_BYTES): string {
  const weeks = entries.map((e) => ({ ...e }));
  const text = (): string => `${JSON.stringify({ format: HISTORY_FORMAT, weeks })}\n`;
  let out = text();
  const trim = (field: 'groups' | 'accounts', keep: number): void => {
    for (let i = 0; i < weeks.length - keep && Buffer.byteLength(out) > maxBytes; i++) {
      const week = weeks[i];
      if (week?.[field] === undefined) continue;
      delete week[field];
      out = text();
    }
  };
  trim('groups', 2);
  trim('accounts', TREND_WEEKS);
  return out;
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
    change[key] = key.endsWith('Usd') ? round4(account.totals[key] - was[key]) : account.totals[key] - was[key];
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
        monthlyCostUsd: round4(g.monthlyCostUsd - was.monthlyCostUsd),
        repositories: g.repositories - was.repositories,
      },
    };
  });
}
