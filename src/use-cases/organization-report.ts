import pLimit from 'p-limit';
import type { AccountPart, CombinedSettings } from '../domain/accounts';
import { combineAccountReports } from '../domain/accounts';
import {
  DEFAULT_ARCHIVE_AFTER_DAYS,
  DEFAULT_PRICE_PER_GB_MONTH,
  DEFAULT_UNTAGGED_DAYS,
  MAX_MEMBER_REPORT_AGE_DAYS,
} from '../domain/defaults';
import type { AuditReport, MissingAccount } from '../domain/report';
import type { ReportEventDetail } from '../domain/report-event';
import type { AccountSource } from '../ports/accounts';
import type { MemberReports } from '../ports/member-reports';
import { ORGANIZATION_REPORT_LAYOUT, publishReport, type PublishDeps } from './publish-report';

/** The oldest member report the organization's report takes, in days. */
export const MAX_REPORT_AGE_DAYS = MAX_MEMBER_REPORT_AGE_DAYS;
/** Member reports read at the same time (each a list and a get on the central bucket). */
const READS_IN_FLIGHT = 16;
const DAY_MS = 86_400_000;

/** What the organization's report reads. */
export interface OrganizationReportSources {
  /** The organization's accounts (Organizations), or those that wrote to the bucket. */
  accounts: AccountSource;
  /** The member accounts' reports in the central bucket. */
  reports: MemberReports;
}

/** The organization's report and the accounts that did not report. */
export interface OrganizationReportResult {
  report: AuditReport;
  missingAccounts: MissingAccount[];
}

/** The settings of the combined report: those of the newest member report (one StackSet gives them all the same). */
function settingsOf(reports: readonly AuditReport[], now: number): CombinedSettings {
  const newest = [...reports].sort((a, b) => a.generatedAt.localeCompare(b.generatedAt)).at(-1);
  const at = new Date(now).toISOString();
  return {
    generatedAt: at,
    now: at,
    days: newest?.days ?? DEFAULT_UNTAGGED_DAYS,
    pricePerGbMonth: newest?.pricePerGbMonth ?? DEFAULT_PRICE_PER_GB_MONTH,
    archiveAfterDays: newest?.archiveAfterDays ?? DEFAULT_ARCHIVE_AFTER_DAYS,
    archivePricePerGbMonth: newest?.archivePricePerGbMonth ?? null,
    costAllocationTagKeys: newest?.costAllocationTagKeys ?? [],
  };
}

/**
 * The organization's one report: every account of `sources.accounts` with its latest report from the
 * central bucket (none older than {@link MAX_REPORT_AGE_DAYS} days), combined as the CLI combines the
 * accounts it reads. An account without a recent report, or whose report cannot be read, is listed
 * in `missingAccounts` and in `errors` (the report is then incomplete); an account Organizations
 * lists as suspended is an error too. Nothing is written.
 *
 * @example const { report, missingAccounts } = await buildOrganizationReport(sources, Date.now());
 */
export async function buildOrganizationReport(sources: OrganizationReportSources, now: number): Promise<OrganizationReportResult> {
  const accounts = await sources.accounts.accounts();
  const since = new Date(now - MAX_REPORT_AGE_DAYS * DAY_MS).toISOString().slice(0, 10);
  const limit = pLimit(READS_IN_FLIGHT);
  const missingAccounts: MissingAccount[] = [];
  const folder = (accountId: string): string => `${sources.reports.location}/accounts/${accountId}/`;
  const parts = await Promise.all(
    accounts.map((account) =>
      limit(async (): Promise<AccountPart> => {
        const identity = { accountId: account.accountId, name: account.name ?? null };
        if (account.unavailable !== undefined) return { ...identity, regions: [], failure: account.unavailable };
        try {
          const found = await sources.reports.latest(account.accountId, since);
          if ('report' in found) return { ...identity, regions: found.report.accounts[0]?.regions ?? [], report: found.report };
          missingAccounts.push({ ...identity, latestReport: found.latestDate });
          const latest = found.latestDate === null ? 'it never reported' : `its latest is of ${found.latestDate}`;
          return {
            ...identity,
            regions: [],
            failure: {
              code: 'ReportMissing',
              message: `no report of the last ${MAX_REPORT_AGE_DAYS} days under ${folder(account.accountId)} (${latest}): check the account's janitor stack, its weekly run and its copy to the central bucket`,
            },
          };
        } catch (error) {
          missingAccounts.push({ ...identity, latestReport: null });
          return { ...identity, regions: [], failure: { code: 'ReportUnreadable', message: (error as Error).message } };
        }
      }),
    ),
  );
  const read = parts.flatMap((p) => (p.report === undefined ? [] : [p.report]));
  const report = combineAccountReports(parts, settingsOf(read, now));
  missingAccounts.sort((a, b) => a.accountId.localeCompare(b.accountId));
  return { report: { ...report, missingAccounts }, missingAccounts };
}

/**
 * Builds the organization's report and publishes it as the weekly run publishes an account's: JSON,
 * CSV, the per-account and cost-group CSVs, Markdown and HTML under `org/<date>/` of the central
 * bucket, the history (with a row per account) in `org/history.json`, one event on the central bus
 * and one short e-mail when there is a notifier.
 *
 * @example const { detail } = await consolidateOrganization({ accounts, reports, publish }, Date.now());
 */
export async function consolidateOrganization(
  deps: OrganizationReportSources & { publish: PublishDeps },
  now: number,
): Promise<OrganizationReportResult & { detail: ReportEventDetail }> {
  const result = await buildOrganizationReport(deps, now);
  const detail = await publishReport(result.report, { ...deps.publish, layout: ORGANIZATION_REPORT_LAYOUT });
  return { ...result, detail };
}
