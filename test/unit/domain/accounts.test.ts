import {
  accountFailure,
  accountReportOf,
  accountsNotRead,
  combineAccountReports,
  type CombinedSettings,
} from '../../../src/domain/accounts';
import { costGroupsOf } from '../../../src/domain/cost-groups';
import type { AuditReport, RepositoryReport } from '../../../src/domain/report';
import { GIB, monthlyUsd } from '../../../src/domain/report';
import { isAccountFailure } from '../../../src/domain/report-problems';
import { totalsOf } from '../../../src/domain/report-totals';
import { REPORT_PRICE, auditReport, repositoryReport } from '../support/report-fixtures';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';

const settings: CombinedSettings = {
  generatedAt: '2026-11-01T00:05:00.000Z',
  now: '2026-11-01T00:00:00.000Z',
  days: 14,
  pricePerGbMonth: REPORT_PRICE,
  archiveAfterDays: 90,
  archivePricePerGbMonth: null,
  costAllocationTagKeys: ['team'],
};

/** A repository of `accountId` with `stored` GiB, `reclaimable` GiB and a team tag. */
function repo(accountId: string, name: string, stored: number, reclaimable: number, team?: string): RepositoryReport {
  return repositoryReport({
    accountId,
    repositoryName: name,
    storedBytes: stored * GIB,
    reclaimableBytes: reclaimable * GIB,
    monthlyCostUsd: monthlyUsd(stored * GIB, REPORT_PRICE),
    monthlySavingsUsd: monthlyUsd(reclaimable * GIB, REPORT_PRICE),
    costAllocationTags: team === undefined ? {} : { team },
  });
}

/** One account's report, as `audit` makes it (tag key `team`). */
function accountReport(repositories: RepositoryReport[], overrides: Partial<AuditReport> = {}): AuditReport {
  return auditReport(repositories, {
    costAllocationTagKeys: ['team'],
    costGroups: costGroupsOf(repositories, ['team'], REPORT_PRICE),
    apiCalls: { DescribeImages: 2, total: 2 },
    ...overrides,
  });
}

describe('accounts', () => {
  describe('combineAccountReports', () => {
    const a = accountReport([repo(A, 'team-a/web', 10, 4, 'payments'), repo(A, 'shared', 2, 0)]);
    const b = accountReport([repo(B, 'team-a/web', 6, 1, 'payments'), repo(B, 'team-b/api', 1, 1, 'search')], {
      errors: [{ region: 'eu-west-1', repositoryName: 'locked', code: 'AccessDeniedException', message: 'denied' }],
    });

    it('sums the totals over every account and keeps each repository with its account id', () => {
      const report = combineAccountReports(
        [
          { accountId: B, regions: ['us-east-1'], report: b },
          { accountId: A, name: 'Payments prod', regions: ['us-east-1'], report: a },
        ],
        settings,
      );

      expect(report.totals.storedBytes).toBe(19 * GIB);
      expect(report.totals.repositories).toBe(4);
      expect(report.totals).toEqual(totalsOf([...a.repositories, ...b.repositories], REPORT_PRICE));
      expect(report.repositories.map((r) => [r.accountId, r.repositoryName])).toEqual([
        [A, 'team-a/web'],
        [B, 'team-a/web'],
        [B, 'team-b/api'],
        [A, 'shared'],
      ]);
      expect(report.apiCalls).toEqual({ DescribeImages: 4, total: 4 });
    });

    it('lists every account with its own totals and errors, in account id order, the errors saying whose they are', () => {
      const report = combineAccountReports(
        [
          { accountId: B, regions: ['us-east-1', 'eu-west-1'], report: b },
          { accountId: A, name: 'Payments prod', regions: ['us-east-1'], report: a },
        ],
        settings,
      );

      expect(report.accounts.map((x) => [x.accountId, x.name, x.regions, x.totals.storedBytes, x.complete])).toEqual([
        [A, 'Payments prod', ['us-east-1'], 12 * GIB, true],
        [B, null, ['eu-west-1', 'us-east-1'], 7 * GIB, true],
      ]);
      expect(report.accounts[1]?.errors).toEqual([
        { accountId: B, region: 'eu-west-1', repositoryName: 'locked', code: 'AccessDeniedException', message: 'denied' },
      ]);
      expect(report.errors).toEqual(report.accounts[1]?.errors);
      // Repositories and groups add up across accounts: the accounts' totals are the report's.
      const summed = report.accounts.reduce((n, x) => n + x.totals.reclaimableBytes, 0);
      expect(summed).toBe(report.totals.reclaimableBytes);
    });

    it('forms cost groups across accounts, and a group per account', () => {
      const report = combineAccountReports(
        [
          { accountId: A, regions: ['us-east-1'], report: a },
          { accountId: B, regions: ['us-east-1'], report: b },
        ],
        settings,
      );

      const payments = report.costGroups.find((g) => g.by === 'tag:team' && g.value === 'payments');
      expect(payments).toMatchObject({ repositories: 2, storedBytes: 16 * GIB, reclaimableBytes: 5 * GIB });
      expect(report.costGroups.filter((g) => g.by === 'account').map((g) => [g.value, g.storedBytes])).toEqual([
        [A, 12 * GIB],
        [B, 7 * GIB],
      ]);
      expect(report.costGroups.find((g) => g.by === 'name-prefix' && g.value === 'team-a')?.repositories).toBe(2);
      expect(report.costGroups.map((g) => g.by).filter((by, i, all) => all.indexOf(by) === i)).toEqual([
        'account',
        'name-prefix',
        'tag:team',
      ]);
    });

    it('lists an account that was not read in errors, with no region, and marks the report incomplete', () => {
      const report = combineAccountReports(
        [
          { accountId: A, regions: ['us-east-1'], report: a },
          {
            accountId: C,
            name: 'Sandbox',
            regions: ['us-east-1'],
            failure: { code: 'AccessDenied', message: 'role … could not be assumed' },
          },
        ],
        settings,
      );

      expect(report.complete).toBe(false);
      expect(report.errors).toEqual([{ accountId: C, region: '', code: 'AccessDenied', message: 'role … could not be assumed' }]);
      expect(accountsNotRead(report).map((e) => e.accountId)).toEqual([C]);
      const sandbox = report.accounts.find((x) => x.accountId === C);
      expect(sandbox).toMatchObject({ name: 'Sandbox', complete: false, regions: ['us-east-1'] });
      expect(sandbox?.totals).toEqual(totalsOf([], REPORT_PRICE));
      // The other account's figures are whole and exact.
      expect(report.totals).toEqual(totalsOf(a.repositories, REPORT_PRICE));
      expect(report.accounts.find((x) => x.accountId === A)?.complete).toBe(true);
    });

    it('marks an account whose run stopped early incomplete, with what it did not reach', () => {
      const stopped = accountReport([repo(B, 'x', 1, 0)], {
        complete: false,
        notReached: [{ region: 'us-east-1', repositoryName: 'y', reason: 'interrupted' }],
      });
      const report = combineAccountReports(
        [
          { accountId: A, regions: ['us-east-1'], report: a },
          { accountId: B, regions: ['us-east-1'], report: stopped },
        ],
        settings,
      );

      expect(report.complete).toBe(false);
      expect(report.notReached).toEqual([{ accountId: B, region: 'us-east-1', repositoryName: 'y', reason: 'interrupted' }]);
      expect(report.accounts.map((x) => x.complete)).toEqual([true, false]);
    });

    it("gives a single account's report back unchanged but for the name in accounts", () => {
      const single = accountReport([repo(A, 'team-a/web', 10, 4, 'payments')], {
        errors: [{ region: 'us-east-1', code: 'AccessDeniedException', message: 'region failure' }],
        warnings: [{ region: 'us-east-1', repositoryName: '', code: 'PullTimesRecorded', message: 'm' }],
      });
      const combined = combineAccountReports([{ accountId: A, name: 'Payments', regions: ['us-east-1'], report: single }], {
        ...settings,
        generatedAt: single.generatedAt,
      });

      expect(combined).toEqual({ ...single, accounts: [{ ...single.accounts[0], name: 'Payments' }] });
      expect(combined.costGroups.some((g) => g.by === 'account')).toBe(false);
    });

    it('prices the totals at the one price, however each account priced its rows', () => {
      const pricey = { ...a, pricePerGbMonth: 0.2 };
      const report = combineAccountReports([{ accountId: A, regions: ['us-east-1'], report: pricey }], settings);

      expect(report.totals.monthlyCostUsd).toBe(monthlyUsd(12 * GIB, REPORT_PRICE));
    });
  });

  describe('accountFailure', () => {
    it('is an error of the whole account: its id, no region', () => {
      const failure = accountFailure(C, 'AccountSuspended', 'suspended');

      expect(isAccountFailure(failure)).toBe(true);
      expect(isAccountFailure({ region: '' })).toBe(false);
      expect(isAccountFailure({ accountId: C, region: 'us-east-1' })).toBe(false);
    });
  });

  describe('accountReportOf', () => {
    it('takes the regions once each, sorted, and no name when none is known', () => {
      const entry = accountReportOf(
        { totals: totalsOf([], 0.1), errors: [], complete: true },
        { accountId: A, regions: ['us-east-1', 'eu-west-1', 'us-east-1'] },
      );

      expect(entry).toMatchObject({ accountId: A, name: null, regions: ['eu-west-1', 'us-east-1'], complete: true });
    });
  });
});
