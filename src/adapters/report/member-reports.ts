import { ACCOUNT_ID, MEMBER_REPORTS_PREFIX, memberReportKey } from '../../domain/accounts';
import type { ObjectStore } from '../../ports/object-store';
import type { AccountRef, AccountSource } from '../../ports/accounts';
import type { MemberReport, MemberReports } from '../../ports/member-reports';
import { parseReportJson } from './report-json';

/** `accounts/<id>/<date>/report.json`: the account id and the date. */
const REPORT_KEY = /^accounts\/(\d{12})\/(\d{4}-\d{2}-\d{2})\/report\.json$/;

/** The member accounts' reports in the central bucket, read with the bucket's list and get. */
export class BucketMemberReports implements MemberReports {
  constructor(
    private readonly bucket: ObjectStore,
    readonly location: string,
  ) {}

  async reportingAccounts(): Promise<string[]> {
    const ids = new Set<string>();
    for (const key of await this.bucket.list(MEMBER_REPORTS_PREFIX)) {
      const id = REPORT_KEY.exec(key)?.[1];
      if (id !== undefined) ids.add(id);
    }
    return [...ids].sort();
  }

  async latest(accountId: string, since: string): Promise<MemberReport | { missing: true; latestDate: string | null }> {
    if (!ACCOUNT_ID.test(accountId)) return { missing: true, latestDate: null };
    const dates = (await this.bucket.list(`${MEMBER_REPORTS_PREFIX}${accountId}/`))
      .map((key) => REPORT_KEY.exec(key))
      .filter((match) => match !== null && match[1] === accountId)
      .map((match) => match?.[2] ?? '')
      .sort();
    const date = dates.at(-1);
    if (date === undefined || date < since) return { missing: true, latestDate: date ?? null };
    const key = memberReportKey(accountId, date);
    const location = `${this.location}/${key}`;
    const text = await this.bucket.get(key);
    if (text === undefined) return { missing: true, latestDate: null };
    return { date, location, report: parseReportJson(text, location) };
  }
}

/** The accounts that wrote a report to the central bucket: the organization's report without Organizations (`org-report` without `--org`). */
export class ReportingAccounts implements AccountSource {
  constructor(private readonly reports: Pick<MemberReports, 'reportingAccounts'>) {}

  async accounts(): Promise<AccountRef[]> {
    return (await this.reports.reportingAccounts()).map((accountId) => ({ accountId }));
  }
}
