import { costGroupsOf } from './cost-groups';
import type { AccountReport, AuditReport, RepositoryReport } from './report';
import type { ReportError } from './report-problems';
import { compareRepositoryReports } from './report';
import { compareLocations, isAccountFailure } from './report-problems';
import { totalsOf } from './report-totals';

/** An AWS account id: twelve digits. */
export const ACCOUNT_ID = /^\d{12}$/;

/** The central bucket's folder of the member accounts' reports (`accounts/<accountId>/<date>/report.json`). */
export const MEMBER_REPORTS_PREFIX = 'accounts/';

/**
 * Where a member account's report of `date` is in the organization's central bucket: under its own
 * account id (the only folder the bucket lets it write), one folder per report date.
 *
 * @example memberReportKey('111122223333', '2026-11-02') // 'accounts/111122223333/2026-11-02/report.json'
 */
export function memberReportKey(accountId: string, date: string): string {
  return `${MEMBER_REPORTS_PREFIX}${accountId}/${date}/report.json`;
}

/** Who an account is: its id and, when Organizations says, its name. */
export interface AccountIdentity {
  accountId: string;
  /** The account's name in the organization; null or absent when not known. */
  name?: string | null;
}

/** One account's part of a report of several accounts: its own report, or why it could not be read. */
export interface AccountPart extends AccountIdentity {
  /** The regions the account was (or was to be) read in. */
  regions: readonly string[];
  /** The account's own report (one account, as `audit` builds it); absent when nothing of it was read. */
  report?: AuditReport;
  /** Why nothing of the account was read (its role could not be assumed, it timed out, it is suspended). */
  failure?: { code: string; message: string };
}

/** The report-wide settings of a combined report: what every account was judged and priced with. */
export type CombinedSettings = Pick<
  AuditReport,
  'generatedAt' | 'now' | 'days' | 'pricePerGbMonth' | 'archiveAfterDays' | 'archivePricePerGbMonth' | 'costAllocationTagKeys'
>;

/**
 * The failure of a whole account, as reports list it: the account id, no region.
 *
 * @example accountFailure('222233334444', 'AccessDenied', 'role … could not be assumed: …')
 */
export function accountFailure(accountId: string, code: string, message: string): ReportError {
  return { accountId, region: '', code, message };
}

/**
 * The `accounts` entry of a report of one account: its totals and errors as the report has them.
 *
 * @example accountReportOf(report, { accountId: '123456789012', regions: ['eu-west-1'] })
 */
export function accountReportOf(
  report: Pick<AuditReport, 'totals' | 'errors' | 'complete'>,
  account: AccountIdentity & { regions: readonly string[] },
): AccountReport {
  return {
    accountId: account.accountId,
    name: account.name ?? null,
    regions: [...new Set(account.regions)].sort(),
    complete: report.complete,
    totals: report.totals,
    errors: report.errors,
  };
}

/** `items` with the account id put first in each (a report of several accounts says whose each entry is). */
function stamped<T extends object>(accountId: string, items: readonly T[], stamp: boolean): T[] {
  return stamp ? items.map((item) => ({ accountId, ...item })) : [...items];
}

/** Adds `more` counts into `into`, by key. */
function addCounts(into: Record<string, number>, more: Readonly<Record<string, number>>): void {
  for (const [key, n] of Object.entries(more)) into[key] = (into[key] ?? 0) + n;
}

/**
 * Combines the reports of several accounts into one: every repository keeps its account id, the
 * totals are summed over every account (priced from the bytes, as each report's are), cost groups
 * span accounts and gain a grouping by account, and `accounts` lists each account with its own
 * totals and errors. An account that could not be read is listed in `errors` (with its id and no
 * region) and in `accounts` with zero totals; the report is then not `complete`. With one account,
 * the report is that account's, unchanged but for the name in `accounts`.
 *
 * The CLI combines the accounts it read; the organization's consolidator the reports the accounts wrote.
 *
 * @example const report = combineAccountReports([{ accountId, regions, report: a }, { accountId: other, regions, failure }], settings);
 */
export function combineAccountReports(parts: readonly AccountPart[], settings: CombinedSettings): AuditReport {
  const sorted = [...parts].sort((a, b) => a.accountId.localeCompare(b.accountId));
  const several = sorted.length > 1;
  const price = settings.pricePerGbMonth;
  const prices = { archivePricePerGbMonth: settings.archivePricePerGbMonth };
  const repositories: RepositoryReport[] = [];
  const errors: ReportError[] = [];
  const notReached: AuditReport['notReached'] = [];
  const warnings: AuditReport['warnings'] = [];
  const atRisk: NonNullable<AuditReport['inUseAtRiskImages']> = [];
  const apiCalls: Record<string, number> = {};
  const apiRetries: Record<string, number> = {};
  const accounts: AccountReport[] = [];
  let guard: AuditReport['guard'];
  for (const part of sorted) {
    const { report } = part;
    const identity = { accountId: part.accountId, name: part.name ?? null, regions: part.regions };
    if (report === undefined) {
      const failure = accountFailure(part.accountId, part.failure?.code ?? 'AccountNotRead', part.failure?.message ?? 'not read');
      errors.push(failure);
      accounts.push({ ...accountReportOf({ totals: totalsOf([], price, prices), errors: [failure], complete: false }, identity) });
      continue;
    }
    const own = stamped(part.accountId, report.errors, several);
    repositories.push(...report.repositories);
    errors.push(...own);
    notReached.push(...stamped(part.accountId, report.notReached, several));
    warnings.push(...stamped(part.accountId, report.warnings, several));
    atRisk.push(...stamped(part.accountId, report.inUseAtRiskImages ?? [], several));
    addCounts(apiCalls, report.apiCalls);
    addCounts(apiRetries, report.apiRetries);
    guard ??= report.guard;
    const totals = totalsOf(report.repositories, price, prices);
    accounts.push(accountReportOf({ totals, errors: own, complete: report.complete }, identity));
  }
  repositories.sort(compareRepositoryReports);
  return {
    generatedAt: settings.generatedAt,
    now: settings.now,
    days: settings.days,
    pricePerGbMonth: price,
    archiveAfterDays: settings.archiveAfterDays,
    archivePricePerGbMonth: settings.archivePricePerGbMonth,
    costAllocationTagKeys: [...settings.costAllocationTagKeys],
    accounts,
    totals: totalsOf(repositories, price, prices),
    costGroups: costGroupsOf(repositories, settings.costAllocationTagKeys, price, { byAccount: several }),
    repositories,
    apiCalls,
    apiRetries,
    errors: errors.sort(compareLocations),
    complete: accounts.every((a) => a.complete),
    notReached: notReached.sort(compareLocations),
    warnings: warnings.sort(compareLocations),
    ...(guard === undefined
      ? {}
      : {
          guard,
          inUseAtRiskImages: atRisk.sort(
            (a, b) =>
              (a.accountId ?? '').localeCompare(b.accountId ?? '') ||
              a.region.localeCompare(b.region) ||
              a.repositoryName.localeCompare(b.repositoryName) ||
              a.imageDigest.localeCompare(b.imageDigest),
          ),
        }),
  };
}

/**
 * The accounts of a report that were not read at all, with why.
 *
 * @example accountsNotRead(report).length // 2
 */
export function accountsNotRead(report: Pick<AuditReport, 'errors'>): ReportError[] {
  return report.errors.filter(isAccountFailure);
}
