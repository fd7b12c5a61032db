import type { AuditReport } from '../domain/report';

/** One member account's report, as the central bucket holds it. */
export interface MemberReport {
  /** The report's date (`YYYY-MM-DD`), the folder it is in. */
  date: string;
  /** Where it was read, for people: `s3://central/accounts/…/report.json`. */
  location: string;
  report: AuditReport;
}

/** The reports the organization's accounts wrote to the central bucket (`accounts/<accountId>/<date>/report.json`). */
export interface MemberReports {
  /** The bucket, for people: `s3://central`. */
  readonly location: string;
  /** The ids of the accounts that wrote at least one report, in id order. */
  reportingAccounts(): Promise<string[]>;
  /**
   * The account's latest report dated `since` (`YYYY-MM-DD`) or later; when there is none that
   * recent, `missing` with the date of its latest report (null when it never reported).
   *
   * @throws InvalidInputError when the latest report cannot be read as a report
   */
  latest(accountId: string, since: string): Promise<MemberReport | { missing: true; latestDate: string | null }>;
}
