import { renderReportMessage } from '../../../../src/adapters/render/message';
import { costGroupsOf } from '../../../../src/domain/cost-groups';
import type { AuditReport, RepositoryReport } from '../../../../src/domain/report';
import { GIB } from '../../../../src/domain/report';
import { totalsOf } from '../../../../src/domain/report-totals';
import {
  PREDICTION_COUNTS,
  auditReport,
  historyEntry,
  predictionMismatch,
  realizedSavings,
  repositoryReport,
} from '../../support/report-fixtures';

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

    describe('with the ledger', () => {
      const counts = PREDICTION_COUNTS;
      const cumulative = {
        since: '2026-09-07',
        weeks: 8,
        images: 300,
        freedBytes: 96 * GIB,
        monthlySavingsUsd: 9.6,
        byDefaultRule: { images: 250, freedBytes: 80 * GIB, monthlySavingsUsd: 8 },
        archivedBytes: 0,
      };

      it("opens with what was saved last week and the default rule's share, then the total since the first week", () => {
        const rows = [repositoryReport({ realized: realizedSavings(12, 41, 10, 37), prediction: { ...counts, mismatches: [] } })];
        const report = { ...teamReport(rows), prediction: counts, cumulativeRealized: cumulative };

        const { subject, text } = renderReportMessage(report, { remediation: {}, reportLink: LINK });

        const lines = text.split('\n');
        expect(lines[0]).toBe(
          "Saved 12.0 GiB, $1.20/month: 41 images removed by lifecycle policies, 10.0 GiB ($1.00/month) of it by the janitor's default rule (37 images).",
        );
        expect(lines[1]).toMatch(/^ECR storage report of 2026-11-01/);
        expect(text).toContain(
          "Since 2026-09-07 (8 weeks): 96.0 GiB, $9.60/month freed, 80.0 GiB ($8.00/month) by the janitor's default rule.",
        );
        expect(text).toContain(
          'Prediction: All matched: ECR acted on 37 of the 40 forecast images (3 not yet due), and did nothing the forecast contradicts.',
        );
        expect(subject).toBe('ECR storage 2026-11-01: $1.00/month, $0.40/month reclaimable, saved $1.20/month last week');
      });

      it('lists the mismatches with the rule and both timelines, at most five', () => {
        const mismatches = Array.from({ length: 6 }, (_, i) => predictionMismatch({ imageDigest: `sha256:${String(i).repeat(64)}` }));
        const rows = [repositoryReport({ realized: realizedSavings(0, 0), prediction: { ...counts, forecastNotActed: 6, mismatches } })];
        const report = { ...teamReport(rows), prediction: { ...counts, forecastNotActed: 6 } };

        const { text } = renderReportMessage(report, { remediation: {}, reportLink: LINK });

        expect(text).toContain(
          'Prediction: 6 mismatches: ECR acted on 37 of the 40 forecast images (3 not yet due); 6 images disagree with the forecast',
        );
        const listed = text.split('\n').filter((l) => l.includes('rule 2 expire'));
        expect(listed).toHaveLength(5);
        expect(listed[0]).toBe(
          '  team-a/web-api (us-east-1) sha256:000000000000 rule 2 expire: forecast 2026-10-25T00:00:00.000Z, eligible 2026-10-27T00:00:00.000Z; pushed 2026-10-13T00:00:00.000Z, not acted on, still there',
        );
        expect(text).toContain('… and 1 more in the report');
      });

      it('says nothing of savings when the run read no ledger', () => {
        const { text } = renderReportMessage(teamReport(rows), { remediation: {}, reportLink: LINK });

        expect(text.split('\n')[0]).toMatch(/^ECR storage report of/);
        expect(text).not.toMatch(/Saved|Prediction/);
      });
    });
  });
});
