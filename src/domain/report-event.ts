import type { AuditReport, ReportTotals } from './report';

/** The event's source. */
export const REPORT_EVENT_SOURCE = 'ecr-janitor';
/** The event's detail-type. */
export const REPORT_EVENT_DETAIL_TYPE = 'ECR Janitor Cost Report';
/** EventBridge's limit for one entry (source, detail-type, detail and resources together). */
export const EVENT_SIZE_LIMIT = 256 * 1024;

/** The totals a week is remembered by: the trend's points and the change since last time. */
const TRACKED_TOTALS = [
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

/** One week's totals, kept in the history file for the trend and the change since last time. */
export interface HistoryEntry extends TrackedTotals {
  date: string;
  generatedAt: string;
}

/** What remediation did during the run, by outcome. */
export type RemediationCounts = Partial<Record<string, number>>;

/** The detail of the `ECR Janitor Cost Report` event. */
export interface ReportEventDetail {
  generatedAt: string;
  now: string;
  days: number;
  pricePerGbMonth: number;
  /** One readable line, for e-mail and chat. */
  summary: string;
  totals: ReportTotals;
  /** The repositories with the most reclaimable bytes (at most 10). */
  topRepositories: Array<{
    region: string;
    repositoryName: string;
    policyStatus: string;
    images: number;
    untaggedImages: number;
    storedBytes: number;
    reclaimableBytes: number;
    monthlyCostUsd: number;
    monthlySavingsUsd: number;
  }>;
  /** Differences from the previous report, or null on the first run. */
  change: null | ({ since: string } & TrackedTotals);
  remediation: RemediationCounts;
  errorCount: number;
  /** Findings that need a person (see the report's `warnings`), such as a policy that cannot be merged. */
  warningCount: number;
  /** Policy lint findings over every repository (`totals.repositoriesWithFindings` counts the repositories). */
  findingCount: number;
  artifacts: { location: string; json: string; csv: string; markdown: string; html: string };
}

/** Formats bytes with binary units for the summary line. */
function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

/** The history entry for a report. */
export function historyEntryOf(report: AuditReport): HistoryEntry {
  const entry = { date: report.generatedAt.slice(0, 10), generatedAt: report.generatedAt } as HistoryEntry;
  for (const key of TRACKED_TOTALS) entry[key] = report.totals[key];
  return entry;
}

/**
 * Builds the report event's detail: totals, the ten repositories with the most reclaimable
 * bytes, the change since `previous`, remediation counts and the artifact keys. Repository rows
 * are dropped from the end if ever the entry would pass EventBridge's 256 KB limit, so the event
 * is always accepted however large the account.
 */
export function buildReportEventDetail(
  report: AuditReport,
  previous: HistoryEntry | undefined,
  remediation: RemediationCounts,
  artifacts: ReportEventDetail['artifacts'],
): ReportEventDetail {
  const t = report.totals;
  let change: ReportEventDetail['change'] = null;
  if (previous) {
    change = { since: previous.generatedAt } as NonNullable<ReportEventDetail['change']>;
    // Dollar amounts are rounded like the report's own; byte and image counts are whole already.
    for (const key of TRACKED_TOTALS) change[key] = round4(t[key] - previous[key]);
  }
  const summary =
    `${t.repositories} repositories, ${t.repositoriesWithoutUntaggedCleanup} without untagged cleanup; ` +
    `stored ${gib(t.storedBytes)} ($${t.monthlyCostUsd.toFixed(2)}/month), reclaimable ${gib(t.reclaimableBytes)} ($${t.monthlySavingsUsd.toFixed(2)}/month)` +
    (change ? `; stored ${change.storedBytes >= 0 ? '+' : ''}${gib(change.storedBytes)} since ${change.since.slice(0, 10)}` : '');
  const detail: ReportEventDetail = {
    generatedAt: report.generatedAt,
    now: report.now,
    days: report.days,
    pricePerGbMonth: report.pricePerGbMonth,
    summary,
    totals: t,
    topRepositories: [...report.repositories]
      .sort((a, b) => b.reclaimableBytes - a.reclaimableBytes || b.storedBytes - a.storedBytes)
      .slice(0, 10)
      .map((r) => ({
        region: r.region,
        repositoryName: r.repositoryName,
        policyStatus: r.policyStatus,
        images: r.images,
        untaggedImages: r.untaggedImages,
        storedBytes: r.storedBytes,
        reclaimableBytes: r.reclaimableBytes,
        monthlyCostUsd: r.monthlyCostUsd,
        monthlySavingsUsd: r.monthlySavingsUsd,
      })),
    change,
    remediation,
    errorCount: report.errors.length,
    warningCount: report.warnings.length,
    findingCount: report.repositories.reduce((n, r) => n + r.findings.length, 0),
    artifacts,
  };
  while (eventEntrySize(detail) > EVENT_SIZE_LIMIT && detail.topRepositories.length > 0) detail.topRepositories.pop();
  return detail;
}

/** Size in bytes of the event entry EventBridge measures (source, detail-type and detail as UTF-8). */
export function eventEntrySize(detail: object): number {
  return Buffer.byteLength(REPORT_EVENT_SOURCE) + Buffer.byteLength(REPORT_EVENT_DETAIL_TYPE) + Buffer.byteLength(JSON.stringify(detail));
}
