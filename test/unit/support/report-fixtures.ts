/**
 * Audit reports for the renderer and report-event tests: one repository row with readable defaults,
 * and a report around rows whose totals add up, as `audit` would build them.
 */
import type { PredictionCounts, PredictionMismatch } from '../../../src/domain/forecast';
import type { RealizedSavings } from '../../../src/domain/realized';
import type { AuditReport, CostGroup, RepositoryReport } from '../../../src/domain/report';
import { costGroupsOf } from '../../../src/domain/cost-groups';
import type { HistoryEntry, TrackedTotals } from '../../../src/domain/history';
import { weekOf } from '../../../src/domain/history';
import { GIB, monthlyUsd } from '../../../src/domain/report';
import { totalsOf } from '../../../src/domain/report-totals';
import { accountReportOf, combineAccountReports } from '../../../src/domain/accounts';

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
  const report: Omit<AuditReport, 'accounts'> & Partial<Pick<AuditReport, 'accounts'>> = {
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
  // One account, as a single account's audit reports it, unless the test names the accounts.
  const accountId = repositories[0]?.accountId ?? '123456789012';
  const regions = [...repositories, ...report.errors].map((r) => r.region);
  return { ...report, accounts: report.accounts ?? [accountReportOf(report, { accountId, regions })] };
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

/**
 * Realized savings of `freedGib` GiB from `images` removed images, `byDefaultGib` of it (and
 * `defaultImages` images) by the janitor's default rule, priced at {@link REPORT_PRICE}.
 *
 * @example const row = repositoryReport({ realized: realizedSavings(12, 41, 10, 37) });
 */
export function realizedSavings(freedGib: number, images: number, byDefaultGib = 0, defaultImages = 0): RealizedSavings {
  return {
    images,
    freedBytes: freedGib * GIB,
    monthlySavingsUsd: monthlyUsd(freedGib * GIB, REPORT_PRICE),
    byDefaultRule: {
      images: defaultImages,
      freedBytes: byDefaultGib * GIB,
      monthlySavingsUsd: monthlyUsd(byDefaultGib * GIB, REPORT_PRICE),
    },
    archivedImages: 0,
    archivedBytes: 0,
    unmeasuredImages: 0,
  };
}

/** A week's prediction: 40 images forecast, 37 acted on as forecast, 3 not yet due, 2 pushed after the forecast. */
export const PREDICTION_COUNTS: PredictionCounts = {
  forecastImages: 40,
  actedAsForecast: 37,
  actedNotForecast: 0,
  forecastNotActed: 0,
  notYetDue: 3,
  pushedAfterForecast: 2,
};

/**
 * A `not-acted` mismatch of `team-a/web-api`: forecast a week before the report, eligible two days
 * after that, still there at the report.
 *
 * @example const row = repositoryReport({ prediction: { ...counts, mismatches: [predictionMismatch()] } });
 */
export function predictionMismatch(overrides: Partial<PredictionMismatch> = {}): PredictionMismatch {
  return {
    code: 'PredictionMismatch',
    kind: 'not-acted',
    region: 'us-east-1',
    repositoryName: 'team-a/web-api',
    imageDigest: `sha256:${'ab'.repeat(32)}`,
    imageTags: [],
    rulePriority: 2,
    action: 'expire',
    forecast: { forecastAt: '2026-10-25T00:00:00.000Z', eligibleAt: '2026-10-27T00:00:00.000Z' },
    actual: { pushedAt: '2026-10-13T00:00:00.000Z', actedAt: null, failure: null, present: true },
    message:
      'forecast to be expired by rule 2 (eligible 2026-10-27T00:00:00.000Z), still there 120 hours after it became eligible although ECR acts within 24',
    ...overrides,
  };
}

/** The accounts of {@link twoAccountReport}. */
export const ACCOUNT_A = '111111111111';
export const ACCOUNT_B = '222222222222';

/**
 * A report of two accounts: {@link ACCOUNT_A} with 10 GiB stored, {@link ACCOUNT_B} with 2 GiB stored
 * and 1 GiB reclaimable, one repository each, as `audit --accounts` combines them.
 *
 * @example historyEntryOf(twoAccountReport()).accounts?.[ACCOUNT_A]?.storedBytes // 10 * GIB
 */
export function twoAccountReport(): AuditReport {
  const a = auditReport([repositoryReport({ accountId: ACCOUNT_A, storedBytes: 10 * GIB })]);
  const b = auditReport([repositoryReport({ accountId: ACCOUNT_B, storedBytes: 2 * GIB, reclaimableBytes: GIB })]);
  return combineAccountReports(
    [
      { accountId: ACCOUNT_A, regions: ['us-east-1'], report: a },
      { accountId: ACCOUNT_B, regions: ['us-east-1'], report: b },
    ],
    { ...a, costAllocationTagKeys: [] },
  );
}

/**
 * The tracked totals of one repository with one image and `storedBytes` stored, as a week of history
 * keeps an account's row.
 */
export function trackedTotals(storedBytes: number, monthlyCostUsd = 0): TrackedTotals {
  return { repositories: 1, images: 1, untaggedImages: 0, storedBytes, reclaimableBytes: 0, monthlyCostUsd, monthlySavingsUsd: 0 };
}

/**
 * A week of history as the history tests write it: the report made at 06:00 that day, costing a
 * hundredth of its stored bytes, with `groups` when given.
 *
 * @example const lastWeek = weekEntry('2026-10-19', 10, { 'name-prefix': { a: groupTotals } });
 */
export function weekEntry(date: string, storedBytes: number, groups?: HistoryEntry['groups']): HistoryEntry {
  return historyEntry(date, storedBytes, {
    generatedAt: `${date}T06:00:00.000Z`,
    monthlyCostUsd: storedBytes / 100,
    ...(groups === undefined ? {} : { groups }),
  });
}

/** A cost group of one repository, nothing reclaimable, by the name's first segment unless `by` says otherwise. */
export function costGroup(value: string, storedBytes: number, monthlyCostUsd: number, by: CostGroup['by'] = 'name-prefix'): CostGroup {
  return { by, value, repositories: 1, storedBytes, reclaimableBytes: 0, monthlyCostUsd, monthlySavingsUsd: 0 };
}
