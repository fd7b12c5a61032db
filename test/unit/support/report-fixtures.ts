/**
 * Audit reports for the renderer and report-event tests: one repository row with readable defaults,
 * and a report around rows whose totals add up, as `audit` would build them.
 */
import type { AuditReport, RepositoryReport } from '../../../src/domain/report';
import { costGroupsOf } from '../../../src/domain/cost-groups';
import type { HistoryEntry } from '../../../src/domain/history';
import { weekOf } from '../../../src/domain/history';
import { GIB, monthlyUsd, totalsOf } from '../../../src/domain/report';

/** The storage price of every fixture report, in USD per GB-month. */
export const REPORT_PRICE = 0.1;

/**
 * A repository row: `team-a/web-api` in us-east-1 without a lifecycle policy, 120 images (40
 * untagged, all doomed), 10 GiB stored of which 4 GiB reclaimable. The monthly cost and savings
 * follow the stored and reclaimable bytes at {@link REPORT_PRICE} unless `overrides` name them.
 *
 * @example const row = repositoryReport({ repositoryName: 'b', policyStatus: 'ok', reclaimableBytes: 0 });
 */
export function repositoryReport(overrides: Partial<RepositoryReport> = {}): RepositoryReport {
  const storedBytes = overrides.storedBytes ?? 10 * GIB;
  const reclaimableBytes = overrides.reclaimableBytes ?? 4 * GIB;
  return {
    accountId: '123456789012',
    region: 'us-east-1',
    repositoryName: 'team-a/web-api',
    policyStatus: 'missing',
    optedOut: false,
    excluded: false,
    images: 120,
    untaggedImages: 40,
    indexChildren: 0,
    referrers: 0,
    referrersAtRisk: 0,
    archivedImages: 0,
    doomedImages: 40,
    storedBytes,
    naiveBytes: 25 * GIB,
    reclaimableBytes,
    monthlyCostUsd: monthlyUsd(storedBytes, REPORT_PRICE),
    monthlySavingsUsd: monthlyUsd(reclaimableBytes, REPORT_PRICE),
    archivableBytes: 0,
    archiveRuleSuggestion: null,
    costAllocationTags: {},
    findings: [],
    untaggedRetentionDays: null,
    inUseImages: 0,
    inUseAtRisk: 0,
    heldInUse: false,
    ...overrides,
  };
}

/**
 * A report of `repositories` (in the order given), generated 2026-11-01T00:05Z for policies evaluated
 * at midnight with a 14-day default rule, priced at {@link REPORT_PRICE}, without API calls, errors
 * or warnings.
 *
 * @example const report = auditReport([repositoryReport()], { errors: [{ region: 'eu-west-1', code: 'AccessDeniedException', message: 'denied' }] });
 */
export function auditReport(repositories: RepositoryReport[], overrides: Partial<AuditReport> = {}): AuditReport {
  return {
    generatedAt: '2026-11-01T00:05:00.000Z',
    now: '2026-11-01T00:00:00.000Z',
    days: 14,
    pricePerGbMonth: REPORT_PRICE,
    archiveAfterDays: 90,
    archivePricePerGbMonth: null,
    costAllocationTagKeys: [],
    totals: totalsOf(repositories, REPORT_PRICE),
    costGroups: costGroupsOf(repositories, [], REPORT_PRICE),
    repositories,
    apiCalls: {},
    apiRetries: {},
    errors: [],
    complete: true,
    notReached: [],
    warnings: [],
    ...overrides,
  };
}

/**
 * A week of history generated at 00:05 on `date` (UTC): one repository, one image, `storedBytes`
 * stored, nothing reclaimable, costs as given (none by default).
 *
 * @example const lastWeek = historyEntry('2026-10-25', 5);
 */
export function historyEntry(date: string, storedBytes: number, overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    date,
    generatedAt: `${date}T00:05:00.000Z`,
    week: weekOf(date) ?? date,
    repositories: 1,
    images: 1,
    untaggedImages: 0,
    storedBytes,
    reclaimableBytes: 0,
    monthlyCostUsd: 0,
    monthlySavingsUsd: 0,
    ...overrides,
  };
}
