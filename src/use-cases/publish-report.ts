import { historyEntryOf, parseHistory, serialiseHistory, trendOf, updateHistory } from '../domain/history';
import type { AuditReport } from '../domain/report';
import type { RemediationCounts, ReportEventDetail } from '../domain/report-event';
import { REPORT_EVENT_DETAIL_TYPE, REPORT_EVENT_SOURCE, buildReportEventDetail } from '../domain/report-event';
import type { EventPublisher, ReportNotifier, ReportRenderer, ReportStore } from '../ports/report';

/** The history file: one entry per week, newest last. */
export const HISTORY_KEY = 'reports/history.json';

/** The artifact keys of a report generated on `date` (YYYY-MM-DD). */
export function artifactKeys(date: string): { json: string; csv: string; costGroupsCsv: string; markdown: string; html: string } {
  const prefix = `reports/${date}`;
  return {
    json: `${prefix}/report.json`,
    csv: `${prefix}/report.csv`,
    costGroupsCsv: `${prefix}/cost-groups.csv`,
    markdown: `${prefix}/report.md`,
    html: `${prefix}/report.html`,
  };
}

/** What publishing a report writes to and through. */
export interface PublishDeps {
  store: ReportStore;
  publisher: EventPublisher;
  /** Renders each artifact and the summary message. */
  renderer: ReportRenderer;
  /** Sends the summary message (e-mail); none: no message. */
  notifier?: ReportNotifier;
  /** Told when the stored history could not be read whole (the report goes out regardless). */
  onHistoryProblem?: (problem: string) => void;
}

/**
 * Writes the report's artifacts (JSON, CSV, cost-groups CSV, Markdown, HTML with charts) under
 * `reports/YYYY-MM-DD/`, puts the week into the history (one entry per week: a re-run in the same
 * week replaces it), publishes the report event with the change since the week before, and sends
 * the summary message when there is a notifier. A history that is missing, damaged or of an older
 * shape never stops the report: what can be read of it is kept.
 */
export async function publishReport(
  report: AuditReport,
  deps: PublishDeps,
  remediation: RemediationCounts = {},
): Promise<ReportEventDetail> {
  const entry = historyEntryOf(report);
  const stored = parseHistory(await deps.store.get(HISTORY_KEY));
  if (stored.problem !== undefined) deps.onHistoryProblem?.(stored.problem);
  const { entries, previous } = updateHistory(stored.entries, entry);
  const keys = artifactKeys(entry.date);
  const { renderer, store } = deps;
  await store.put(keys.json, renderer.render(report, 'json'), 'application/json');
  await store.put(keys.csv, renderer.render(report, 'csv'), 'text/csv; charset=utf-8');
  await store.put(keys.costGroupsCsv, renderer.render(report, 'cost-groups-csv'), 'text/csv; charset=utf-8');
  await store.put(keys.markdown, renderer.render(report, 'markdown'), 'text/markdown; charset=utf-8');
  const htmlOptions = { history: trendOf(entries, entry), ...(previous === undefined ? {} : { previous }) };
  await store.put(keys.html, renderer.render(report, 'html', htmlOptions), 'text/html; charset=utf-8');
  await store.put(HISTORY_KEY, serialiseHistory(entries), 'application/json');
  const detail = buildReportEventDetail(report, previous, remediation, { location: store.location, ...keys });
  await deps.publisher.publish({ source: REPORT_EVENT_SOURCE, detailType: REPORT_EVENT_DETAIL_TYPE, detail });
  if (deps.notifier !== undefined) {
    const message = renderer.renderMessage(report, {
      remediation,
      reportLink: store.linkTo(keys.html),
      ...(previous === undefined ? {} : { previous }),
    });
    await deps.notifier.notify(message);
  }
  return detail;
}
