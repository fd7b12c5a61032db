import { MEMBER_REPORTS_PREFIX, memberReportKey } from '../domain/accounts';
import { CentralReportError, errorCode } from '../domain/errors';
import { historyEntryOf, updateHistory } from '../domain/history';
import { parseHistory, serialiseHistory } from '../domain/history-file';
import { accountTrendsOf, trendOf } from '../domain/history-trend';
import type { AdviceFile, RecommendedPolicies } from '../domain/advice';
import type { AuditReport } from '../domain/report';
import { safeJson } from '../domain/text';
import type { RemediationCounts, ReportEventDetail } from '../domain/report-event';
import {
  ORGANIZATION_REPORT_EVENT_DETAIL_TYPE,
  REPORT_EVENT_DETAIL_TYPE,
  REPORT_EVENT_SOURCE,
  buildReportEventDetail,
} from '../domain/report-event';
import type { EventPublisher, ReportNotifier, ReportRenderer, ReportStore } from '../ports/report';

/** The history file: one entry per week, newest last. */
export const HISTORY_KEY = 'reports/history.json';

/** Where a report's artifacts and history go, and what its event is called. */
export interface ReportLayout {
  /** The folder of the dated artifacts and of `history.json`. */
  prefix: string;
  /** The event's detail-type. */
  detailType: string;
}

/** An account's weekly report: `reports/<date>/…`, event `ECR Janitor Cost Report`. */
export const ACCOUNT_REPORT_LAYOUT: ReportLayout = { prefix: 'reports', detailType: REPORT_EVENT_DETAIL_TYPE };
/** The organization's report in the central bucket: `org/<date>/…`, event `ECR Janitor Organization Report`. */
export const ORGANIZATION_REPORT_LAYOUT: ReportLayout = { prefix: 'org', detailType: ORGANIZATION_REPORT_EVENT_DETAIL_TYPE };

/** The artifact keys of a report generated on `date` (YYYY-MM-DD), under `prefix` (`reports` unless said). */
export function artifactKeys(
  date: string,
  prefix = ACCOUNT_REPORT_LAYOUT.prefix,
): { json: string; csv: string; costGroupsCsv: string; accountsCsv: string; markdown: string; html: string; advice: string } {
  const folder = `${prefix}/${date}`;
  return {
    advice: `${folder}/advice.json`,
    json: `${folder}/report.json`,
    csv: `${folder}/report.csv`,
    costGroupsCsv: `${folder}/cost-groups.csv`,
    accountsCsv: `${folder}/accounts.csv`,
    markdown: `${folder}/report.md`,
    html: `${folder}/report.html`,
  };
}

/**
 * Where a member account's JSON report goes in the organization's central bucket: under its own
 * account id (the only prefix the bucket policy lets it write), one folder per report date. The
 * organization report reads them from there (one definition, in the domain, for both sides).
 *
 * @example centralReportKey('111122223333', '2026-11-02') // 'accounts/111122223333/2026-11-02/report.json'
 */
export const centralReportKey = memberReportKey;

/** The central bucket's folder of the member accounts' reports (`accounts/<accountId>/…`). */
export const CENTRAL_ACCOUNTS_PREFIX = MEMBER_REPORTS_PREFIX;

/** A copy of the JSON report for the organization's central bucket. */
export interface CentralReportCopy {
  /** The central bucket: written, never read. */
  store: Pick<ReportStore, 'put' | 'location'>;
  /** This account's id, the folder the copy goes in. */
  accountId: string;
}

/** The key of the advice file published with a report: `advice.json` next to it. */
export function adviceKeyOf(report: AuditReport): string {
  return artifactKeys(historyEntryOf(report).date).advice;
}

/**
 * The report with its "Recommended policies" section, linking the advice file where
 * {@link publishReport} writes it.
 */
export function withAdviceLink(
  report: AuditReport,
  section: RecommendedPolicies,
  store: Pick<ReportStore, 'location' | 'linkTo'>,
): AuditReport {
  const key = adviceKeyOf(report);
  return { ...report, recommendedPolicies: { ...section, location: `${store.location}/${key}`, link: store.linkTo(key) } };
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
  /** The organization's copy of the JSON report; none: the account is not part of an organization rollout. */
  central?: CentralReportCopy;
  /** Where the artifacts and history go, and the event's name. @default {@link ACCOUNT_REPORT_LAYOUT} */
  layout?: ReportLayout;
}

/**
 * Writes the report's artifacts (JSON, CSV, cost-groups CSV, Markdown, HTML with charts, and the
 * per-account CSV for a report of several accounts) under `reports/YYYY-MM-DD/` (the layout's folder),
 * puts the week into the history (one entry per week: a re-run in the same week replaces it) with the
 * realized savings added up since the first week (in the report as `cumulativeRealized`), publishes
 * the report event with the change since the week before, and sends
 * the summary message when there is a notifier. A history that is missing, damaged or of an older
 * shape never stops the report: what can be read of it is kept. With a central copy, the JSON report
 * also goes to the organization's bucket before the event; a copy that fails does not hold back the
 * event or the message, and is thrown afterwards so the run is seen to have failed. With `advice`,
 * the advice file is written first, as `advice.json` next to the report, and the report's
 * "Recommended policies" section links it.
 *
 * @throws CentralReportError when the central copy could not be written (everything else was published)
 */
export async function publishReport(
  published: AuditReport,
  deps: PublishDeps,
  remediation: RemediationCounts = {},
  advice?: { file: AdviceFile; section: RecommendedPolicies },
): Promise<ReportEventDetail> {
  const advised = advice === undefined ? published : withAdviceLink(published, advice.section, deps.store);
  // The advice file goes next to the report, which links it.
  if (advice !== undefined) await deps.store.put(adviceKeyOf(advised), `${safeJson(advice.file, 2)}\n`, 'application/json');
  const entry = historyEntryOf(advised);
  const layout = deps.layout ?? ACCOUNT_REPORT_LAYOUT;
  const historyKey = `${layout.prefix}/history.json`;
  const stored = parseHistory(await deps.store.get(historyKey));
  if (stored.problem !== undefined) deps.onHistoryProblem?.(stored.problem);
  const { entries, previous, cumulativeRealized } = updateHistory(stored.entries, entry);
  // Every artifact, the event and the message say what the janitor's weeks have saved so far.
  const report = cumulativeRealized === undefined ? advised : { ...advised, cumulativeRealized };
  const { accountsCsv, ...keys } = artifactKeys(entry.date, layout.prefix);
  const { renderer, store } = deps;
  // The per-account table is an artifact of its own only where there are several accounts.
  const several = report.accounts.length > 1;
  if (several) await store.put(accountsCsv, renderer.render(report, 'accounts-csv'), 'text/csv; charset=utf-8');
  const json = renderer.render(report, 'json');
  await store.put(keys.json, json, 'application/json');
  await store.put(keys.csv, renderer.render(report, 'csv'), 'text/csv; charset=utf-8');
  await store.put(keys.costGroupsCsv, renderer.render(report, 'cost-groups-csv'), 'text/csv; charset=utf-8');
  await store.put(keys.markdown, renderer.render(report, 'markdown'), 'text/markdown; charset=utf-8');
  const htmlOptions = {
    history: trendOf(entries, entry),
    ...(previous === undefined ? {} : { previous }),
    ...(several ? { accountTrends: accountTrendsOf(entries, entry) } : {}),
  };
  await store.put(keys.html, renderer.render(report, 'html', htmlOptions), 'text/html; charset=utf-8');
  await store.put(historyKey, serialiseHistory(entries), 'application/json');
  const centralFailure = await copyToCentral(deps.central, entry.date, json);
  const { advice: adviceKey, ...reportKeys } = keys;
  const artifacts = {
    location: store.location,
    ...reportKeys,
    ...(advice === undefined ? {} : { advice: adviceKey }),
    ...(several ? { accountsCsv } : {}),
  };
  const detail = buildReportEventDetail(report, previous, remediation, artifacts, layout.detailType);
  await deps.publisher.publish({ source: REPORT_EVENT_SOURCE, detailType: layout.detailType, detail });
  if (deps.notifier !== undefined) {
    const message = renderer.renderMessage(report, {
      remediation,
      reportLink: store.linkTo(keys.html),
      ...(previous === undefined ? {} : { previous }),
    });
    await deps.notifier.notify(message);
  }
  if (centralFailure !== undefined) throw centralFailure;
  return detail;
}

/** Writes the central copy; the failure, if any, as the error to throw once the rest is published. */
async function copyToCentral(central: CentralReportCopy | undefined, date: string, json: string): Promise<CentralReportError | undefined> {
  if (central === undefined) return undefined;
  const key = centralReportKey(central.accountId, date);
  try {
    await central.store.put(key, json, 'application/json');
    return undefined;
  } catch (error) {
    const reason = `${errorCode(error)}: ${error instanceof Error ? error.message : String(error)}`;
    return new CentralReportError(
      `the report was published in this account, but its copy could not be written to ${central.store.location}/${key} (${reason}); ` +
        `check the CentralBucketName parameter and that the central bucket's policy lets this account write under accounts/${central.accountId}/`,
      { cause: error },
    );
  }
}
