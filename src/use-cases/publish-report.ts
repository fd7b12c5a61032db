import type { AuditReport } from '../domain/report';
import type { HistoryEntry, RemediationCounts, ReportEventDetail } from '../domain/report-event';
import { REPORT_EVENT_DETAIL_TYPE, REPORT_EVENT_SOURCE, buildReportEventDetail, historyEntryOf } from '../domain/report-event';
import type { EventPublisher, ReportRenderer, ReportStore } from '../ports/report';

/** The history file: one entry per report day, newest last. */
export const HISTORY_KEY = 'reports/history.json';
/** Weeks of history kept for the trend chart (two years). */
const HISTORY_LIMIT = 104;

/** The artifact keys of a report generated on `date` (YYYY-MM-DD). */
export function artifactKeys(date: string): { json: string; csv: string; markdown: string; html: string } {
  const prefix = `reports/${date}`;
  return { json: `${prefix}/report.json`, csv: `${prefix}/report.csv`, markdown: `${prefix}/report.md`, html: `${prefix}/report.html` };
}

function parseHistory(text: string | undefined): HistoryEntry[] {
  if (text === undefined) return [];
  try {
    const doc = JSON.parse(text) as unknown;
    return Array.isArray(doc)
      ? (doc as HistoryEntry[]).filter((e) => typeof e?.date === 'string' && typeof e.storedBytes === 'number')
      : [];
  } catch {
    // A damaged history only costs the trend; the report itself must still go out.
    return [];
  }
}

/** What publishing a report writes to and through. */
export interface PublishDeps {
  store: ReportStore;
  publisher: EventPublisher;
  /** Renders each artifact. */
  renderer: ReportRenderer;
}

/**
 * Writes the report's artifacts (JSON, CSV, Markdown, HTML with charts) under
 * `reports/YYYY-MM-DD/`, appends the week to the history, and publishes the report event with the
 * change since the previous report. Re-running on the same day replaces that day's entry.
 */
export async function publishReport(
  report: AuditReport,
  deps: PublishDeps,
  remediation: RemediationCounts = {},
): Promise<ReportEventDetail> {
  const entry = historyEntryOf(report);
  const history = parseHistory(await deps.store.get(HISTORY_KEY)).filter((e) => e.date !== entry.date);
  const previous = history.filter((e) => e.date < entry.date).at(-1);
  const updated = [...history, entry].sort((a, b) => a.date.localeCompare(b.date)).slice(-HISTORY_LIMIT);
  const keys = artifactKeys(entry.date);
  const { renderer } = deps;
  await deps.store.put(keys.json, renderer.render(report, 'json'), 'application/json');
  await deps.store.put(keys.csv, renderer.render(report, 'csv'), 'text/csv; charset=utf-8');
  await deps.store.put(keys.markdown, renderer.render(report, 'markdown'), 'text/markdown; charset=utf-8');
  const trend = updated.map((e) => ({ date: e.date, storedBytes: e.storedBytes, reclaimableBytes: e.reclaimableBytes }));
  await deps.store.put(keys.html, renderer.render(report, 'html', { history: trend }), 'text/html; charset=utf-8');
  await deps.store.put(HISTORY_KEY, `${JSON.stringify(updated)}\n`, 'application/json');
  const detail = buildReportEventDetail(report, previous, remediation, { location: deps.store.location, ...keys });
  await deps.publisher.publish({ source: REPORT_EVENT_SOURCE, detailType: REPORT_EVENT_DETAIL_TYPE, detail });
  return detail;
}
