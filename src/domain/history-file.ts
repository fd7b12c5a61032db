import { setOwn } from './cost-groups';
import type { GroupTotals, HistoryEntry, RegistryStored, TrackedTotals } from './history';
import { TRACKED_TOTALS, weekOf } from './history';
import { TREND_WEEKS } from './history-trend';
import type { CumulativeRealized, WeekRealized } from './realized';
import type { CostGroupBy } from './report';
import { safeJson } from './text';

// The history file: reading it without ever failing (damaged, old or unknown shapes), and writing
// it within its size.

/** The history file's format identifier (the first shape was a bare array of entries without groups). */
export const HISTORY_FORMAT = 'ecr-janitor-history/2';
/**
 * The most the history file may weigh: past it, the oldest weeks lose their per-group totals first
 * (an account with thousands of owners would otherwise grow it without bound); totals always stay.
 */
export const HISTORY_MAX_BYTES = 4 * 1024 * 1024;

/** What reading a history file found. */
export interface ParsedHistory {
  entries: HistoryEntry[];
  /** Why some or all of the file was ignored (damaged, unknown format, bad entries); absent when all was read. */
  problem?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

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

/**
 * The history file's text. When it would pass {@link HISTORY_MAX_BYTES}, the oldest weeks lose
 * their group totals first (never the newest two, which the change per group needs), then their
 * per-account totals (never those of the weeks the trend shows).
 */
export function serialiseHistory(entries: readonly HistoryEntry[], maxBytes = HISTORY_MAX_BYTES): string {
  const weeks = entries.map((e) => ({ ...e }));
  // Group names are tag values: their control and bidirectional characters are written as JSON
  // escapes, counted in the size budget.
  const text = (): string => `${safeJson({ format: HISTORY_FORMAT, weeks })}\n`;
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
