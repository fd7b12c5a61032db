// The member accounts' reports in the central bucket: each account's newest report of the window,
// read from its own folder only; and the accounts that wrote one.
import { MemoryObjectStore } from '../../../../src/adapters/memory/memory-store';
import { BucketMemberReports, ReportingAccounts } from '../../../../src/adapters/report/member-reports';
import { reportRenderer } from '../../../../src/adapters/render/report-renderer';
import { memberReportKey } from '../../../../src/domain/accounts';
import { auditReport, repositoryReport } from '../../support/report-fixtures';

const A = '111111111111';
const B = '222222222222';

async function bucketWith(keys: string[]): Promise<MemoryObjectStore> {
  const bucket = new MemoryObjectStore('central');
  const body = reportRenderer.render(auditReport([repositoryReport({ accountId: A })]), 'json');
  for (const key of keys) await bucket.put(key, body, 'application/json');
  return bucket;
}

describe('adapters/report/member-reports', () => {
  describe('BucketMemberReports.latest', () => {
    it("reads the account's newest report of the window, naming where it is", async () => {
      const bucket = await bucketWith([memberReportKey(A, '2026-10-26'), memberReportKey(A, '2026-11-02'), `accounts/${A}/notes.txt`]);
      const reports = new BucketMemberReports(bucket, bucket.location);

      const found = await reports.latest(A, '2026-10-25');

      expect(found).toMatchObject({ date: '2026-11-02', location: `${bucket.location}/${memberReportKey(A, '2026-11-02')}` });
      expect('report' in found && found.report.repositories.map((r) => r.accountId)).toEqual([A]);
    });

    it('says an account is missing, with its newest date, when that is older than the window or there is none', async () => {
      const bucket = await bucketWith([memberReportKey(A, '2026-10-20'), memberReportKey(B, '2026-11-02')]);
      const reports = new BucketMemberReports(bucket, bucket.location);

      await expect(reports.latest(A, '2026-10-25')).resolves.toEqual({ missing: true, latestDate: '2026-10-20' });
      await expect(reports.latest('333333333333', '2026-10-25')).resolves.toEqual({ missing: true, latestDate: null });
      // Not an account id: nothing is read.
      await expect(reports.latest('../accounts', '2026-10-25')).resolves.toEqual({ missing: true, latestDate: null });
    });

    it('fails on a report that is not one, naming the object', async () => {
      const bucket = new MemoryObjectStore('central');
      await bucket.put(memberReportKey(A, '2026-11-02'), '{"not":"a report"}', 'application/json');

      await expect(new BucketMemberReports(bucket, bucket.location).latest(A, '2026-10-25')).rejects.toThrow(
        memberReportKey(A, '2026-11-02'),
      );
    });
  });

  describe('ReportingAccounts', () => {
    it('are the accounts with a report in the bucket, each once, in id order', async () => {
      const bucket = await bucketWith([
        memberReportKey(B, '2026-11-02'),
        memberReportKey(A, '2026-10-26'),
        memberReportKey(A, '2026-11-02'),
      ]);

      await expect(new ReportingAccounts(new BucketMemberReports(bucket, bucket.location)).accounts()).resolves.toEqual([
        { accountId: A },
        { accountId: B },
      ]);
    });
  });
});
