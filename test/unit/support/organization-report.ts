// A report of three accounts, for the tests of every renderer: A with two repositories, B with one
// and a repository error, C not read (its role).
import { combineAccountReports } from '../../../src/domain/accounts';
import type { AuditReport } from '../../../src/domain/report';
import { GIB, monthlyUsd } from '../../../src/domain/report';
import { REPORT_PRICE, auditReport, repositoryReport } from './report-fixtures';
export const A = '111111111111';
export const B = '222222222222';
export const C = '333333333333';

/** Three accounts: A with two repositories, B with one and a repository error, C not read (its role). */
export function organization(): AuditReport {
  const row = (accountId: string, repositoryName: string, stored: number) =>
    repositoryReport({
      accountId,
      repositoryName,
      storedBytes: stored * GIB,
      reclaimableBytes: GIB,
      monthlyCostUsd: monthlyUsd(stored * GIB, REPORT_PRICE),
      monthlySavingsUsd: monthlyUsd(GIB, REPORT_PRICE),
    });
  const a = auditReport([row(A, 'team-a/web', 10), row(A, 'team-b/api', 4)]);
  const b = auditReport([row(B, 'team-a/web', 3)], {
    errors: [{ region: 'us-east-1', repositoryName: 'locked', code: 'AccessDeniedException', message: 'denied' }],
  });
  return combineAccountReports(
    [
      { accountId: A, name: 'Payments prod', regions: ['us-east-1'], report: a },
      { accountId: B, regions: ['us-east-1'], report: b },
      {
        accountId: C,
        name: 'Sandbox',
        regions: ['us-east-1'],
        failure: { code: 'AccessDenied', message: 'role arn:aws:iam::333333333333:role/R could not be assumed' },
      },
    ],
    {
      generatedAt: a.generatedAt,
      now: a.now,
      days: a.days,
      pricePerGbMonth: REPORT_PRICE,
      archiveAfterDays: 90,
      archivePricePerGbMonth: null,
      costAllocationTagKeys: [],
    },
  );
}
