import { MemoryEventPublisher, MemoryObjectStore } from '../../../src/adapters/memory/memory-store';
import { BucketMemberReports, ReportingAccounts } from '../../../src/adapters/report/member-reports';
import { reportRenderer } from '../../../src/adapters/render/report-renderer';
import { memberReportKey } from '../../../src/domain/accounts';
import type { AuditReport } from '../../../src/domain/report';
import { GIB } from '../../../src/domain/report';
import { ORGANIZATION_REPORT_EVENT_DETAIL_TYPE, type ReportEventDetail } from '../../../src/domain/report-event';
import type { AccountRef } from '../../../src/ports/accounts';
import type { ReportMessage } from '../../../src/ports/report';
import { MAX_REPORT_AGE_DAYS, buildOrganizationReport, consolidateOrganization } from '../../../src/use-cases/organization-report';
import { auditReport, repositoryReport } from '../support/report-fixtures';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const D = '444444444444';
const NOW = Date.parse('2026-11-02T06:00:00Z');

/** A member's report of `date`, as its weekly run writes it. */
function memberReport(accountId: string, date: string, storedGib: number, overrides: Partial<AuditReport> = {}): string {
  const report = auditReport([repositoryReport({ accountId, repositoryName: `${accountId}/app`, storedBytes: storedGib * GIB })], {
    generatedAt: `${date}T00:05:00.000Z`,
    now: `${date}T00:00:00.000Z`,
    ...overrides,
  });
  return JSON.stringify(report);
}

/** The organization: A, B and C active (Organizations names them), D suspended. */
function organization(accounts: AccountRef[] = []) {
  return {
    accounts: () =>
      Promise.resolve<AccountRef[]>([
        { accountId: A, name: 'Payments' },
        { accountId: B, name: 'Search' },
        { accountId: C },
        {
          accountId: D,
          name: 'Old',
          unavailable: { code: 'AccountSuspended', message: 'not read: Organizations lists the account as SUSPENDED' },
        },
        ...accounts,
      ]),
  };
}

async function bucketWith(objects: Record<string, string>): Promise<MemoryObjectStore> {
  const bucket = new MemoryObjectStore('central');
  for (const [key, body] of Object.entries(objects)) await bucket.put(key, body, 'application/json');
  return bucket;
}

describe('use-cases/organization-report', () => {
  describe('buildOrganizationReport', () => {
    it("takes each account's latest report of the last eight days, and lists the others as missing", async () => {
      const bucket = await bucketWith({
        [memberReportKey(A, '2026-10-19')]: memberReport(A, '2026-10-19', 99),
        [memberReportKey(A, '2026-11-02')]: memberReport(A, '2026-11-02', 10),
        [memberReportKey(B, '2026-10-20')]: memberReport(B, '2026-10-20', 5),
      });

      const { report, missingAccounts } = await buildOrganizationReport(
        { accounts: organization(), reports: new BucketMemberReports(bucket, bucket.location) },
        NOW,
      );

      expect(report.totals.storedBytes).toBe(10 * GIB);
      expect(report.repositories.map((r) => r.accountId)).toEqual([A]);
      expect(missingAccounts).toEqual([
        { accountId: B, name: 'Search', latestReport: '2026-10-20' },
        { accountId: C, name: null, latestReport: null },
      ]);
      expect(report.missingAccounts).toEqual(missingAccounts);
      expect(report.complete).toBe(false);
      expect(report.errors.map((e) => [e.accountId, e.region, e.code])).toEqual([
        [B, '', 'ReportMissing'],
        [C, '', 'ReportMissing'],
        [D, '', 'AccountSuspended'],
      ]);
      expect(report.errors[0]?.message).toBe(
        `no report of the last ${MAX_REPORT_AGE_DAYS} days under memory://central/accounts/${B}/ (its latest is of 2026-10-20): check the account's janitor stack, its weekly run and its copy to the central bucket`,
      );
      expect(report.errors[1]?.message).toContain('(it never reported)');
      expect(report.accounts.map((a) => [a.accountId, a.name, a.complete])).toEqual([
        [A, 'Payments', true],
        [B, 'Search', false],
        [C, null, false],
        [D, 'Old', false],
      ]);
    });

    it('takes a report of exactly eight days ago, not one of nine', async () => {
      const bucket = await bucketWith({
        [memberReportKey(A, '2026-10-25')]: memberReport(A, '2026-10-25', 1),
        [memberReportKey(B, '2026-10-24')]: memberReport(B, '2026-10-24', 1),
      });

      const { missingAccounts } = await buildOrganizationReport(
        { accounts: organization(), reports: new BucketMemberReports(bucket, bucket.location) },
        NOW,
      );

      expect(missingAccounts.map((a) => a.accountId)).toEqual([B, C]);
    });

    it('fails an account whose report is not a report alone, saying where it is and what is wrong', async () => {
      const bucket = await bucketWith({
        [memberReportKey(A, '2026-11-01')]: '{"totals": 1}',
        [memberReportKey(B, '2026-11-01')]: memberReport(B, '2026-11-01', 3),
      });

      const { report, missingAccounts } = await buildOrganizationReport(
        { accounts: organization(), reports: new BucketMemberReports(bucket, bucket.location) },
        NOW,
      );

      const failure = report.errors.find((e) => e.accountId === A);
      expect(failure?.code).toBe('ReportUnreadable');
      expect(failure?.message).toContain(`memory://central/accounts/${A}/2026-11-01/report.json is not an ecr-janitor JSON report`);
      expect(missingAccounts.map((a) => a.accountId)).toEqual([A, C]);
      expect(report.totals.storedBytes).toBe(3 * GIB);
    });

    it('judges and prices as the newest member report did', async () => {
      const bucket = await bucketWith({
        [memberReportKey(A, '2026-11-01')]: memberReport(A, '2026-11-01', 1, {
          pricePerGbMonth: 0.2,
          days: 5,
          costAllocationTagKeys: ['team'],
        }),
        [memberReportKey(B, '2026-10-31')]: memberReport(B, '2026-10-31', 1),
      });

      const { report } = await buildOrganizationReport(
        { accounts: organization(), reports: new BucketMemberReports(bucket, bucket.location) },
        NOW,
      );

      expect([report.pricePerGbMonth, report.days, report.costAllocationTagKeys]).toEqual([0.2, 5, ['team']]);
      expect(report.generatedAt).toBe('2026-11-02T06:00:00.000Z');
    });

    it('reads the accounts that wrote to the bucket when Organizations is not asked', async () => {
      const bucket = await bucketWith({
        [memberReportKey(B, '2026-11-01')]: memberReport(B, '2026-11-01', 2),
        [memberReportKey(A, '2026-11-01')]: memberReport(A, '2026-11-01', 1),
        'accounts/not-an-account/2026-11-01/report.json': '{}',
        'org/2026-10-26/report.json': '{}',
      });
      const reports = new BucketMemberReports(bucket, bucket.location);

      const { report } = await buildOrganizationReport({ accounts: new ReportingAccounts(reports), reports }, NOW);

      expect(report.accounts.map((a) => a.accountId)).toEqual([A, B]);
      expect(report.complete).toBe(true);
    });
  });

  describe('consolidateOrganization', () => {
    it('writes every artifact under org/<date>/, the history, one event on the central bus and one e-mail', async () => {
      const bucket = await bucketWith({
        [memberReportKey(A, '2026-11-02')]: memberReport(A, '2026-11-02', 10),
        [memberReportKey(B, '2026-11-01')]: memberReport(B, '2026-11-01', 4),
      });
      const publisher = new MemoryEventPublisher();
      const messages: ReportMessage[] = [];

      const { detail } = await consolidateOrganization(
        {
          accounts: organization(),
          reports: new BucketMemberReports(bucket, bucket.location),
          publish: {
            store: bucket,
            publisher,
            renderer: reportRenderer,
            notifier: { notify: (m) => Promise.resolve(void messages.push(m)) },
          },
        },
        NOW,
      );

      const written = [...bucket.objects.keys()].filter((k) => k.startsWith('org/')).sort();
      expect(written).toEqual([
        'org/2026-11-02/accounts.csv',
        'org/2026-11-02/cost-groups.csv',
        'org/2026-11-02/report.csv',
        'org/2026-11-02/report.html',
        'org/2026-11-02/report.json',
        'org/2026-11-02/report.md',
        'org/history.json',
      ]);
      const json = JSON.parse(bucket.objects.get('org/2026-11-02/report.json')?.body ?? '{}') as AuditReport;
      expect(json.missingAccounts).toEqual([{ accountId: C, name: null, latestReport: null }]);
      expect(bucket.objects.get('org/2026-11-02/accounts.csv')?.body.split('\r\n')).toHaveLength(1 + 4 + 1);
      expect(publisher.events).toHaveLength(1);
      expect(publisher.events[0]?.detailType).toBe(ORGANIZATION_REPORT_EVENT_DETAIL_TYPE);
      const sent = publisher.events[0]?.detail as ReportEventDetail;
      expect(sent).toEqual(detail);
      expect(sent.accounts).toEqual({ total: 4, notRead: 2, notReadIds: [C, D] });
      expect(sent.artifacts.accountsCsv).toBe('org/2026-11-02/accounts.csv');
      expect(sent.summary).toMatch(/^INCOMPLETE \(2 accounts not read\): 4 accounts, 2 repositories/);
      expect(messages).toHaveLength(1);
      expect(messages[0]?.subject).toBe('ECR storage 2026-11-02, 4 accounts: $1.40/month, $0.80/month reclaimable, 2 not read');
      expect(messages[0]?.text).toContain(
        `Accounts: 2 of 4 read; not read (their figures are missing):\n  ${C}: ReportMissing\n  ${D} (Old): AccountSuspended`,
      );
      expect(messages[0]?.text).not.toContain('Remediation:');
      // The members' own folders are only read.
      expect([...bucket.objects.keys()].filter((k) => k.startsWith('accounts/'))).toHaveLength(2);
    });
  });
});
