import { renderReportMessage } from '../../../../src/adapters/render/message';
import { costGroupsOf } from '../../../../src/domain/cost-groups';
import type { AuditReport, RepositoryReport } from '../../../../src/domain/report';
import { GIB, totalsOf } from '../../../../src/domain/report';
import { auditReport, historyEntry, repositoryReport } from '../../support/report-fixtures';

const LINK =
  'https://s3.console.aws.amazon.com/s3/object/reports-bucket?region=eu-west-1&bucketType=general&prefix=reports%2F2026-11-01%2Freport.html';

/** A report grouped by the team tag, its totals and groups computed as the audit does. */
function teamReport(repositories: RepositoryReport[], overrides: Partial<AuditReport> = {}): AuditReport {
  const base = auditReport(repositories, { costAllocationTagKeys: ['team'], ...overrides });
  return { ...base, costGroups: costGroupsOf(repositories, ['team'], 0.1) };
}

const rows = Array.from({ length: 7 }, (_, i) =>
  repositoryReport({
    repositoryName: `team-${i}/svc`,
    storedBytes: (i + 1) * GIB,
    reclaimableBytes: i * 0.1 * GIB,
    costAllocationTags: { team: `t${i}` },
  }),
);

describe('render/message', () => {
  describe('renderReportMessage', () => {
    it('says the totals, the top 5 owners and repositories, remediation and the link', () => {
      const { subject, text } = renderReportMessage(teamReport(rows), {
        remediation: { applied: 3, planned: 2, unmergeable: 1, failed: 1, compliant: 9 },
        reportLink: LINK,
      });

      expect(subject).toBe('ECR storage 2026-11-01: $2.80/month, $0.21/month reclaimable');
      expect(text).toContain('Stored:       28.0 GiB, $2.80/month (no history yet)');
      expect(text).toContain('Reclaimable:  2.1 GiB, $0.21/month');
      expect(text).toContain('Archivable:   0 B not pulled for 90 days, set the archive price to see the saving');
      const owners = text.split('\n').filter((l) => /^ {2}t\d:/.test(l));
      expect(owners.map((l) => l.split(':')[0]?.trim())).toEqual(['t6', 't5', 't4', 't3', 't2']);
      const repositories = text.split('\n').filter((l) => l.startsWith('  team-'));
      expect(repositories.map((l) => l.split(' ')[2])).toEqual(['team-6/svc', 'team-5/svc', 'team-4/svc', 'team-3/svc', 'team-2/svc']);
      expect(text).toContain('Remediation: 3 applied, 3 held (2 planned (dry run), 1 unmergeable), 1 failed.');
      expect(text).toContain('Errors: 0, warnings: 0');
      expect(text.trimEnd().endsWith(LINK)).toBe(true);
    });

    it('gives the change on last week, in total and per owner', () => {
      const lastWeek = historyEntry('2026-10-25', 27 * GIB, {
        monthlyCostUsd: 2.7,
        groups: {
          'tag:team': { t6: { repositories: 1, storedBytes: 6 * GIB, reclaimableBytes: 0, monthlyCostUsd: 0.6, monthlySavingsUsd: 0 } },
        },
      });

      const { text } = renderReportMessage(teamReport(rows), { remediation: {}, reportLink: LINK, previous: lastWeek });

      expect(text).toContain('(+1.0 GiB, +$0.10/month since 2026-10-25)');
      expect(text).toMatch(/ {2}t6: \$0\.70\/month, 7\.0 GiB in 1 repository \(\+\$0\.10 on last week\)/);
      expect(text).toMatch(/ {2}t5: .*\(new this week\)/);
    });

    it('prices the archive saving when the report has an archive price', () => {
      const report = teamReport([repositoryReport({ archivableBytes: 10 * GIB })], { archivePricePerGbMonth: 0.07 });
      const priced = { ...report, totals: totalsOf(report.repositories, 0.1, { archivePricePerGbMonth: 0.07 }) };

      const { text } = renderReportMessage(priced, { remediation: {}, reportLink: LINK });

      expect(text).toContain('Archivable:   10.0 GiB not pulled for 90 days, $0.30/month at $0.07/GB-month in the archive class');
    });

    it('keeps every line one line, whatever the names hold', () => {
      const evil = repositoryReport({ repositoryName: 'x/evil\u001b[2J\nFAKE: all good', costAllocationTags: { team: 'a\rb' } });

      const { text } = renderReportMessage(teamReport([evil]), { remediation: {}, reportLink: LINK });

      expect(text).not.toContain('\u001b');
      expect(text).not.toContain('\r');
      expect(text.split('\n').some((l) => l.startsWith('FAKE'))).toBe(false);
      expect(text).toContain('x/evil\u241b[2J FAKE: all good');
    });

    it('says so when there is nothing to reclaim and no owner', () => {
      const { text } = renderReportMessage(teamReport([]), { remediation: {}, reportLink: LINK });

      expect(text).toContain('none: nothing to reclaim');
      expect(text).toContain('ECR storage report of 2026-11-01 (0 accounts, 0 regions)');
    });
  });
});
