import { ACCOUNT_CSV_COLUMNS, renderAccountsCsv, renderCsv } from '../../../../src/adapters/render/csv';
import { accountLabel, accountStatus, accountsNotReadSentence, incompleteSentence } from '../../../../src/adapters/render/format';
import { renderHtml } from '../../../../src/adapters/render/html';
import { renderMarkdown } from '../../../../src/adapters/render/markdown';
import { reportRenderer } from '../../../../src/adapters/render/report-renderer';
import { renderSummaryTable } from '../../../../src/adapters/render/summary';
import { combineAccountReports } from '../../../../src/domain/accounts';
import { costGroupsOf } from '../../../../src/domain/cost-groups';
import type { AuditReport } from '../../../../src/domain/report';
import { GIB, monthlyUsd } from '../../../../src/domain/report';
import { REPORT_PRICE, auditReport, historyEntry, repositoryReport } from '../../support/report-fixtures';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';

/** Three accounts: A with two repositories, B with one and a repository error, C not read (its role). */
function organization(): AuditReport {
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

describe('render of a report of several accounts', () => {
  describe('format', () => {
    it.each([
      ['an account not read', C, 'not read: AccessDenied'],
      ['an account with a failed repository', B, '1 error'],
      ['a complete account', A, 'complete'],
    ])('says the state of %s', (_what, accountId, status) => {
      const account = organization().accounts.find((x) => x.accountId === accountId);
      expect(account === undefined ? undefined : accountStatus(account)).toBe(status);
    });

    it('says an account whose run stopped early is incomplete', () => {
      const [first] = organization().accounts;
      expect(first === undefined ? undefined : accountStatus({ ...first, complete: false, errors: [] })).toBe('incomplete');
    });

    it('names an account by its name and id, or its id alone', () => {
      expect(accountLabel({ accountId: A, name: 'Payments prod' })).toBe(`Payments prod (${A})`);
      expect(accountLabel({ accountId: B, name: null })).toBe(B);
    });

    it('says how many accounts were not read, and nothing when all were', () => {
      const report = organization();
      expect(accountsNotReadSentence(report)).toBe(
        '1 of 3 accounts were not read (see the errors); their figures are missing from the totals.',
      );
      expect(incompleteSentence(report)).toBe(accountsNotReadSentence(report));
      expect(accountsNotReadSentence(auditReport([repositoryReport()]))).toBe('');
    });
  });

  describe('renderSummaryTable', () => {
    it('shows the per-account table with the account not read, and the account of each repository', () => {
      const text = renderSummaryTable(organization());

      expect(text).toContain('Accounts (3): 1 of 3 accounts were not read');
      expect(text).toMatch(new RegExp(`${C}\\s+Sandbox\\s+1\\s+0\\s+0 B\\s+\\$0\\.00\\s+0 B\\s+\\$0\\.00\\s+not read: AccessDenied`));
      expect(text).toMatch(new RegExp(`${A}\\s+Payments prod\\s+1\\s+2\\s+14\\.0 GiB`));
      expect(text).toMatch(new RegExp(`^account\\s+region\\s+repository`, 'm'));
      expect(text).toMatch(new RegExp(`^${A}\\s+us-east-1\\s+team-a/web`, 'm'));
      expect(text).toContain(`  ${C} (whole account): AccessDenied: role arn:aws:iam::333333333333:role/R could not be assumed`);
      expect(text).toContain(`  ${B} us-east-1 locked: AccessDeniedException: denied`);
      expect(text).toContain('INCOMPLETE: 1 of 3 accounts were not read');
      expect(text).toContain('Cost by account:');
    });

    it('shows no per-account table for a single account', () => {
      const text = renderSummaryTable(auditReport([repositoryReport()]));

      expect(text).not.toContain('Accounts (');
      expect(text).toMatch(/^region\s+repository/m);
    });

    it('says nothing was audited because accounts could not be read', () => {
      const report = combineAccountReports(
        [
          { accountId: B, regions: ['us-east-1'], failure: { code: 'AccessDenied', message: 'no' } },
          { accountId: C, regions: ['us-east-1'], failure: { code: 'AccountSuspended', message: 'suspended' } },
        ],
        { ...organization(), costAllocationTagKeys: [] },
      );

      expect(renderSummaryTable(report)).toContain('No repositories audited: 2 accounts could not be read (see the errors below).');
    });
  });

  describe('renderMarkdown', () => {
    it('has an Accounts section and says whose each repository and error is', () => {
      const md = renderMarkdown(organization());

      expect(md).toContain('## Accounts');
      expect(md).toContain(`| ${C} | Sandbox | us-east-1 | 0 | 0 B | $0.00 | 0 B | $0.00 | not read: AccessDenied |`);
      expect(md).toContain(`| ${A} | us-east-1 | team-a/web |`);
      expect(md).toContain(`| ${C} | *(whole account)* | *(nothing read)* | AccessDenied |`);
      expect(md).toContain('### By account');
      expect(md).toContain('**Incomplete:** 1 of 3 accounts were not read');
      expect(md).not.toContain('| Region | Repository | Why |');
    });

    it('has no Accounts section for a single account', () => {
      expect(renderMarkdown(auditReport([repositoryReport()]))).not.toContain('## Accounts');
    });
  });

  describe('renderHtml', () => {
    it('has a per-account table, the account not read first, with the change on last week', () => {
      const report = organization();
      const previous = historyEntry('2026-10-25', 0, {
        accounts: {
          [A]: {
            repositories: 2,
            images: 1,
            untaggedImages: 0,
            storedBytes: 13 * GIB,
            reclaimableBytes: 0,
            monthlyCostUsd: 1.3,
            monthlySavingsUsd: 0,
          },
        },
      });
      const html = renderHtml(report, { previous });

      const rows = [...html.matchAll(/data-testid="account-row" data-account="(\d+)" data-complete="(\w+)"/g)].map((m) => [m[1], m[2]]);
      expect(rows).toEqual([
        [C, 'false'],
        [A, 'true'],
        [B, 'true'],
      ]);
      const changeOfA = new RegExp(`data-account="${A}"[\\s\\S]*?data-testid="account-change"><span class="up">([^<]*)<`).exec(html)?.[1];
      expect(changeOfA).toBe('+$0.10');
      expect(html).toMatch(new RegExp(`data-account="${B}"[\\s\\S]*?data-testid="account-change"><span class="muted">new<`));
      expect(html).toContain('<em>(whole account)</em>');
      expect(html).toContain('data-testid="cost-groups-account"');
    });

    it("draws each account's trend when the history has one", () => {
      const html = renderHtml(organization(), {
        accountTrends: {
          [A]: [
            { date: '2026-10-25', storedBytes: 12 * GIB, reclaimableBytes: 0 },
            { date: '2026-11-01', storedBytes: 14 * GIB, reclaimableBytes: GIB },
          ],
        },
      });

      expect(html.match(/data-testid="account-trend"/g)).toHaveLength(1);
      expect(html).toContain('stored bytes over 2 weeks, from 12.0 GiB to 14.0 GiB');
    });

    it('has no per-account table for a single account', () => {
      expect(renderHtml(auditReport([repositoryReport()]))).not.toContain('data-testid="accounts"');
    });
  });

  describe('renderCsv', () => {
    it('ends with a row per account not read, after the repositories', () => {
      const lines = renderCsv(organization()).trimEnd().split('\r\n');

      expect(lines).toHaveLength(1 + 3 + 1);
      expect(lines.at(-1)?.startsWith(`${C},,,account-not-read,`)).toBe(true);
    });
  });

  describe('renderAccountsCsv', () => {
    it('is one row per account with its totals and state', () => {
      const [header, ...rows] = renderAccountsCsv(organization()).trimEnd().split('\r\n');

      expect(header).toBe(ACCOUNT_CSV_COLUMNS.join(','));
      expect(rows).toEqual([
        `${A},Payments prod,us-east-1,true,complete,0,2,2,240,80,${14 * GIB},${2 * GIB},1.4,0.2,0`,
        `${B},,us-east-1,true,1 error,1,1,1,120,40,${3 * GIB},${GIB},0.3,0.1,0`,
        `${C},Sandbox,us-east-1,false,not read: AccessDenied,1,0,0,0,0,0,0,0,0,0`,
      ]);
    });

    it('is what the report renderer publishes as accounts-csv', () => {
      const report = organization();
      expect(reportRenderer.render(report, 'accounts-csv')).toBe(renderAccountsCsv(report));
    });
  });

  it('keeps cost groups spanning accounts in every format', () => {
    const report = organization();
    const web = report.costGroups.find((g) => g.by === 'name-prefix' && g.value === 'team-a');
    expect(web).toMatchObject({ repositories: 2, storedBytes: 13 * GIB });
    expect(costGroupsOf(report.repositories, [], REPORT_PRICE, { byAccount: true })).toEqual(report.costGroups);
  });
});
