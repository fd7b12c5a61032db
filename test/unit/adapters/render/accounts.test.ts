import { ACCOUNT_CSV_COLUMNS, renderAccountsCsv, renderCsv } from '../../../../src/adapters/render/csv';
import { accountLabel, accountStatus, accountsNotReadSentence, incompleteSentence } from '../../../../src/adapters/render/format';
import { renderMarkdown } from '../../../../src/adapters/render/markdown';
import { reportRenderer } from '../../../../src/adapters/render/report-renderer';
import { renderSummaryTable } from '../../../../src/adapters/render/summary';
import { costGroupsOf } from '../../../../src/domain/cost-groups';
import { GIB } from '../../../../src/domain/report';
import { combineAccountReports } from '../../../../src/domain/accounts';
import { A, B, C, organization } from '../../support/organization-report';
import { REPORT_PRICE, auditReport, repositoryReport } from '../../support/report-fixtures';

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
      // The line wraps at 100 columns, its rest indented.
      expect(text).toContain(`  ${C} (whole account): AccessDenied: role arn:aws:iam::333333333333:role/R could not be\n      assumed`);
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
