import { topCostGroups } from './cost-groups';
import type { HistoryEntry, TrackedTotals } from './history';
import { TRACKED_TOTALS } from './history';
import { formatUsd, roundUsd } from './money';
import type { PredictionCounts } from './forecast';
import type { CumulativeRealized, RealizedSavings } from './realized';
import type { AuditReport, CostGroup, ReportTotals } from './report';
import { isAccountFailure } from './report-problems';
import { safeJson } from './text';

export type { HistoryEntry, TrackedTotals } from './history';
export { historyEntryOf } from './history';

/** The event's source. */
export const REPORT_EVENT_SOURCE = 'ecr-janitor';
/** The event's detail-type. */
export const REPORT_EVENT_DETAIL_TYPE = 'ECR Janitor Cost Report';
/** The detail-type of the organization's report event, on the central bus (the members' events keep theirs). */
export const ORGANIZATION_REPORT_EVENT_DETAIL_TYPE = 'ECR Janitor Organization Report';
/** EventBridge's limit for one entry (source, detail-type, detail and resources together). */
export const EVENT_SIZE_LIMIT = 256 * 1024;
/** Repositories the event carries at most. */
export const EVENT_TOP_REPOSITORIES = 10;
/** Cost groups of each grouping the event carries at most. */
export const EVENT_TOP_GROUPS = 10;
/** Ids of accounts not read the event names at most. */
export const EVENT_NOT_READ_IDS = 50;

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
    /** Set in a report of several accounts. */
    accountId?: string;
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
  /** The largest cost groups of each grouping (at most 10 each), as in the report's `costGroups`. */
  costGroups: CostGroup[];
  /** Differences from the previous report, or null on the first run. */
  change: null | ({ since: string } & TrackedTotals);
  /** Realized savings since the first week the history recorded them (the week's own are `totals.realized`); absent until one did. */
  cumulativeRealized?: CumulativeRealized;
  /** The last forecast held against what ECR did, with the number of mismatches; absent when there was no forecast to compare. */
  prediction?: PredictionCounts & { mismatches: number };
  /**
   * The repositories whose remediation the in-use guard holds, most in-use images at risk first (at
   * most 10), each with the consumers of those images (at most 5). Empty when nothing is held.
   */
  heldRepositories: HeldRepository[];
  remediation: RemediationCounts;
  errorCount: number;
  /** False when the run stopped before reading every repository; `notReachedCount` says how many it left out. */
  complete: boolean;
  notReachedCount: number;
  /** Findings that need a person (see the report's `warnings`), such as a policy that cannot be merged. */
  warningCount: number;
  /** Policy lint findings over every repository (`totals.repositoriesWithFindings` counts the repositories). */
  findingCount: number;
  /** The artifacts' keys in the bucket; `advice` when the run wrote an advice file next to the report, `accountsCsv` for several accounts. */
  artifacts: {
    location: string;
    json: string;
    csv: string;
    costGroupsCsv: string;
    markdown: string;
    html: string;
    advice?: string;
    accountsCsv?: string;
  };
  /**
   * A report of several accounts: how many it covers, and the ids of those not read (at most 50;
   * `notRead` counts them all). Absent for a single account's report.
   */
  accounts?: { total: number; notRead: number; notReadIds: string[] };
}

/** A repository the in-use guard holds, as the report event names it. */
export interface HeldRepository {
  region: string;
  repositoryName: string;
  /** In-use images the default rule would remove within the horizon. */
  inUseAtRisk: number;
  /** Who pulls them (`ecs:service/CLUSTER/SERVICE`, `lambda:FUNCTION:VERSION`, …), at most 5. */
  consumers: string[];
}

/** Held repositories the event names at most, and consumers per repository. */
const HELD_LIMIT = 10;
const CONSUMERS_LIMIT = 5;

/** The held repositories of a report for its event (see {@link ReportEventDetail.heldRepositories}). */
function heldRepositoriesOf(report: AuditReport): HeldRepository[] {
  const consumersOf = new Map<string, Set<string>>();
  for (const image of report.inUseAtRiskImages ?? []) {
    if (!image.held) continue;
    const key = `${image.region}\u0000${image.repositoryName}`;
    const set = consumersOf.get(key) ?? new Set<string>();
    for (const consumer of image.consumers) set.add(consumer);
    consumersOf.set(key, set);
  }
  return report.repositories
    .filter((r) => r.heldInUse)
    .sort((a, b) => b.inUseAtRisk - a.inUseAtRisk || a.region.localeCompare(b.region) || a.repositoryName.localeCompare(b.repositoryName))
    .slice(0, HELD_LIMIT)
    .map((r) => ({
      region: r.region,
      repositoryName: r.repositoryName,
      inUseAtRisk: r.inUseAtRisk,
      consumers: [...(consumersOf.get(`${r.region}\u0000${r.repositoryName}`) ?? [])].sort().slice(0, CONSUMERS_LIMIT),
    }));
}

/** Formats bytes with binary units for the summary line. */
function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

/**
 * What lifecycle policies freed over the report's period, and the janitor's default rule's share, in
 * one phrase: the first thing the summary and the e-mail say when the run read the ledger.
 *
 * @example savedLine(report.totals.realized) // 'saved 12.00 GiB ($1.20/month) last week, 10.00 GiB ($1.00/month) by the janitor's rule'
 */
export function savedLine(realized: Pick<RealizedSavings, 'freedBytes' | 'monthlySavingsUsd' | 'byDefaultRule'>): string {
  const d = realized.byDefaultRule;
  return (
    `saved ${gib(realized.freedBytes)} (${formatUsd(realized.monthlySavingsUsd)}/month) last week, ` +
    `${gib(d.freedBytes)} (${formatUsd(d.monthlySavingsUsd)}/month) by the janitor's rule`
  );
}

/**
 * Builds the report event's detail: totals, the ten repositories with the most reclaimable
 * bytes, the ten largest cost groups of each grouping, the change since `previous`, the repositories
 * the in-use guard holds, remediation counts and the artifact keys. Repository, group and held rows
 * are dropped from the end if ever the entry would pass EventBridge's 256 KB limit, so the event is
 * always accepted however large the account.
 */
export function buildReportEventDetail(
  report: AuditReport,
  previous: HistoryEntry | undefined,
  remediation: RemediationCounts,
  artifacts: ReportEventDetail['artifacts'],
  detailType: string = REPORT_EVENT_DETAIL_TYPE,
): ReportEventDetail {
  const t = report.totals;
  let change: ReportEventDetail['change'] = null;
  if (previous) {
    change = { since: previous.generatedAt } as NonNullable<ReportEventDetail['change']>;
    // Dollar amounts are rounded like the report's own; byte and image counts are whole already.
    for (const key of TRACKED_TOTALS) change[key] = roundUsd(t[key] - previous[key]);
  }
  const several = report.accounts.length > 1;
  const notRead = report.errors.filter(isAccountFailure).map((e) => e.accountId ?? '');
  const gaps = [
    report.notReached.length > 0 || notRead.length === 0 ? `${report.notReached.length} not reached` : '',
    notRead.length > 0 ? `${notRead.length} ${notRead.length === 1 ? 'account' : 'accounts'} not read` : '',
  ].filter((g) => g !== '');
  const summary =
    (report.complete ? '' : `INCOMPLETE (${gaps.join(', ')}): `) +
    (t.realized === undefined ? '' : `${savedLine(t.realized)}; `) +
    (several ? `${report.accounts.length} accounts, ` : '') +
    `${t.repositories} repositories, ${t.repositoriesWithoutUntaggedCleanup} without untagged cleanup; ` +
    `stored ${gib(t.storedBytes)} (${formatUsd(t.monthlyCostUsd)}/month), reclaimable ${gib(t.reclaimableBytes)} (${formatUsd(t.monthlySavingsUsd)}/month)` +
    (change ? `; stored ${change.storedBytes >= 0 ? '+' : ''}${gib(change.storedBytes)} since ${change.since.slice(0, 10)}` : '') +
    (t.repositoriesHeld > 0
      ? `; ${t.repositoriesHeld} ${t.repositoriesHeld === 1 ? 'repository' : 'repositories'} held by the in-use guard`
      : '');
  const detail: ReportEventDetail = {
    generatedAt: report.generatedAt,
    now: report.now,
    days: report.days,
    pricePerGbMonth: report.pricePerGbMonth,
    summary,
    totals: t,
    topRepositories: [...report.repositories]
      .sort((a, b) => b.reclaimableBytes - a.reclaimableBytes || b.storedBytes - a.storedBytes)
      .slice(0, EVENT_TOP_REPOSITORIES)
      .map((r) => ({
        ...(several ? { accountId: r.accountId } : {}),
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
    costGroups: topCostGroups(report.costGroups, EVENT_TOP_GROUPS),
    change,
    ...(report.cumulativeRealized === undefined ? {} : { cumulativeRealized: report.cumulativeRealized }),
    ...(report.prediction === undefined
      ? {}
      : {
          prediction: {
            ...report.prediction,
            mismatches: report.repositories.reduce((n, r) => n + (r.prediction?.mismatches.length ?? 0), 0),
          },
        }),
    heldRepositories: heldRepositoriesOf(report),
    remediation,
    errorCount: report.errors.length,
    complete: report.complete,
    notReachedCount: report.notReached.length,
    warningCount: report.warnings.length,
    findingCount: report.repositories.reduce((n, r) => n + r.findings.length, 0),
    artifacts,
    ...(several
      ? { accounts: { total: report.accounts.length, notRead: notRead.length, notReadIds: notRead.slice(0, EVENT_NOT_READ_IDS) } }
      : {}),
  };
  // Long repository names, tag values or consumers could still pass the limit: drop rows from the end
  // of the longest list first, so that each keeps its largest rows as long as it can.
  while (
    eventEntrySize(detail, detailType) > EVENT_SIZE_LIMIT &&
    detail.topRepositories.length + detail.costGroups.length + detail.heldRepositories.length > 0
  ) {
    const longest = Math.max(detail.topRepositories.length, detail.costGroups.length, detail.heldRepositories.length);
    if (detail.costGroups.length === longest) detail.costGroups.pop();
    else if (detail.heldRepositories.length === longest) detail.heldRepositories.pop();
    else detail.topRepositories.pop();
  }
  return detail;
}

/** Size in bytes of the event entry EventBridge measures (source, detail-type and detail as UTF-8). */
export function eventEntrySize(detail: object, detailType: string = REPORT_EVENT_DETAIL_TYPE): number {
  return Buffer.byteLength(REPORT_EVENT_SOURCE) + Buffer.byteLength(detailType) + Buffer.byteLength(safeJson(detail));
}

/** Outcomes that leave a repository without untagged cleanup for now, though the janitor may change it. */
export const HELD_OUTCOMES = ['planned', 'unmergeable', 'skipped-changed', 'unknown-outcome'] as const;

/** Remediation counts as a person reads them: applied, held (with why), failed. */
export interface RemediationTally {
  applied: number;
  /** Planned in a dry run, unmergeable, or changed while the run went on: each needs a later run or a person. */
  held: number;
  /** The held count by outcome, outcomes with none left out. */
  heldBy: Partial<Record<(typeof HELD_OUTCOMES)[number], number>>;
  failed: number;
}

/**
 * Adds up remediation counts into applied, held and failed.
 *
 * @example remediationTally({ applied: 3, planned: 2, failed: 1 }) // { applied: 3, held: 2, heldBy: { planned: 2 }, failed: 1 }
 */
export function remediationTally(counts: RemediationCounts): RemediationTally {
  const heldBy: RemediationTally['heldBy'] = {};
  let held = 0;
  for (const outcome of HELD_OUTCOMES) {
    const n = counts[outcome] ?? 0;
    if (n > 0) {
      heldBy[outcome] = n;
      held += n;
    }
  }
  return { applied: counts.applied ?? 0, held, heldBy, failed: counts.failed ?? 0 };
}
