import { copyFile, readFile, rename, writeFile } from 'node:fs/promises';
import type { CumulativeRealized, HistoryEntry } from '../domain/history';
import type { TrendPoint } from '../domain/history-trend';
import { historyEntryOf, updateHistory } from '../domain/history';
import { parseHistory, serialiseHistory } from '../domain/history-file';
import { accountTrendsOf, trendOf } from '../domain/history-trend';
import type { AuditReport } from '../domain/report';
import { UsageError } from './errors';

/** What the HTML report needs of the history. */
export interface HistoryForReport {
  /** The trend's weeks, this report's included. */
  history: TrendPoint[];
  /** Last week's entry, for the change per owner. */
  previous?: HistoryEntry;
  /** Each account's weeks, for a report of several accounts. */
  accountTrends?: Record<string, TrendPoint[]>;
}

/**
 * `audit --history FILE`: reads the weekly history (none yet when the file does not exist), puts
 * this report's week in, and writes it back whole (temporary file, then rename). A file that
 * cannot be read as a history never stops the report: it is kept aside as `FILE.unreadable`, the
 * history starts again, and `warn` says so.
 */
export async function recordHistory(
  path: string,
  report: AuditReport,
  warn: (line: string) => void,
): Promise<HistoryForReport & { cumulativeRealized?: CumulativeRealized }> {
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new UsageError(`--history ${path} cannot be read (${code ?? (error as Error).message}); check the path`);
  }
  const stored = parseHistory(text);
  if (stored.problem !== undefined) {
    warn(`--history ${path}: ${stored.problem}`);
    if (stored.entries.length === 0 && text !== undefined && text.trim() !== '') {
      await copyFile(path, `${path}.unreadable`);
      warn(`--history ${path}: the unreadable file was kept as ${path}.unreadable`);
    }
  }
  const entry = historyEntryOf(report);
  const { entries, previous, cumulativeRealized } = updateHistory(stored.entries, entry);
  try {
    await writeFile(`${path}.tmp`, serialiseHistory(entries));
    await rename(`${path}.tmp`, path);
  } catch (error) {
    throw new UsageError(`--history ${path} cannot be written (${(error as Error).message}); check the path`);
  }
  return {
    history: trendOf(entries, entry),
    ...(previous === undefined ? {} : { previous }),
    ...(cumulativeRealized === undefined ? {} : { cumulativeRealized }),
    ...(entry.accounts === undefined ? {} : { accountTrends: accountTrendsOf(entries, entry) }),
  };
}
