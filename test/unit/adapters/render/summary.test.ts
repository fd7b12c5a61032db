import { REFERRERS_AT_RISK_NOTE } from '../../../../src/adapters/render/format';
import { SUMMARY_WARNINGS_LIMIT, renderSummaryTable } from '../../../../src/adapters/render/summary';
import type { RepositoryReport } from '../../../../src/domain/report';
import type { ReportWarning } from '../../../../src/domain/report-problems';
import { GIB } from '../../../../src/domain/report';
import { costGroupsOf } from '../../../../src/domain/cost-groups';
import { auditReport, repositoryReport } from '../../support/report-fixtures';

/** n repositories whose reclaimable bytes rise with their number: repo-n is the largest. */
function many(n: number): RepositoryReport[] {
  return Array.from({ length: n }, (_, i) =>
    repositoryReport({ repositoryName: `team/repo-${i + 1}`, reclaimableBytes: (i + 1) * 2 ** 20, storedBytes: GIB }),
  );
}

/** The value printed after a totals label. */
function totalsValue(text: string, label: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${label}  `));
  return line?.slice(label.length).trim();
}

describe('render/summary', () => {
  describe('renderSummaryTable', () => {
    it('prints the totals formatted in binary units and dollars when given repositories', () => {
      const report = auditReport([
        repositoryReport({ repositoryName: 'team-a/web-api', storedBytes: 30 * GIB, naiveBytes: 90 * GIB, reclaimableBytes: 12 * GIB }),
        repositoryReport({
          repositoryName: 'team-b/ledger',
          policyStatus: 'ok',
          storedBytes: 5 * GIB,
          naiveBytes: 6 * GIB,
          reclaimableBytes: 0,
          untaggedImages: 0,
        }),
      ]);

      const text = renderSummaryTable(report);

      expect(totalsValue(text, 'Repositories')).toBe('2');
      expect(totalsValue(text, '  without lifecycle policy')).toBe('1');
      expect(totalsValue(text, '  without untagged cleanup')).toBe('1');
      expect(totalsValue(text, 'Images')).toBe('240');
      expect(totalsValue(text, '  untagged')).toBe('40');
      expect(totalsValue(text, 'Stored (billed)')).toBe('35.0 GiB');
      expect(totalsValue(text, 'Naive sum of image sizes')).toMatch(/^96\.0 GiB/);
      expect(totalsValue(text, 'Reclaimable')).toBe('12.0 GiB (34% of stored)');
      expect(totalsValue(text, 'Monthly cost')).toBe('$3.50');
      expect(totalsValue(text, 'Monthly savings')).toBe('$1.20');
    });

    it('shows a row per repository with its columns when there are 20 or fewer', () => {
      const report = auditReport([repositoryReport({ region: 'eu-west-1', repositoryName: 'data/etl-jobs', images: 1234 })]);

      const text = renderSummaryTable(report);

      expect(text).toMatch(/region\s+repository\s+policy\s+images\s+untagged\s+stored\s+reclaimable\s+\$\/month\s+savings\/month/);
      expect(text).toMatch(/eu-west-1\s+data\/etl-jobs\s+no policy\s+1,234\s+40\s+10\.0 GiB\s+4\.0 GiB\s+\$1\.00\s+\$0\.40/);
      expect(text).not.toContain('not shown');
    });

    it('lists the top 20 by reclaimable bytes and says how many were left out when there are more', () => {
      const report = auditReport(many(25));

      const text = renderSummaryTable(report);

      expect(text).toContain('Top 20 of 25 repositories by reclaimable bytes');
      expect(text).toContain('… and 5 more repositories not shown');
      expect(text).toMatch(/team\/repo-25\s/);
      expect(text).toMatch(/team\/repo-6\s/);
      expect(text).not.toMatch(/team\/repo-5\s/);
      expect(text.indexOf('team/repo-25')).toBeLessThan(text.indexOf('team/repo-24'));
    });

    it('honours the limit when given one', () => {
      const text = renderSummaryTable(auditReport(many(4)), { limit: 3 });

      expect(text).toContain('Top 3 of 4 repositories');
      expect(text).toContain('… and 1 more repository not shown');
    });

    it('marks opted-out and excluded repositories when they are in the table', () => {
      const report = auditReport([
        repositoryReport({ optedOut: true }),
        repositoryReport({ repositoryName: 'x/y', policyStatus: 'no-untagged-rule', excluded: true }),
      ]);

      const text = renderSummaryTable(report);

      expect(text).toContain('no policy (opted out)');
      expect(text).toContain('no untagged rule (excluded)');
    });

    it('lists the errors on one line each when the run had some', () => {
      const report = auditReport([repositoryReport()], {
        errors: [
          {
            region: 'eu-west-1',
            repositoryName: 'team-x/secret',
            code: 'AccessDeniedException',
            message: 'not authorized\nto DescribeImages',
          },
          { region: 'ap-south-1', code: 'UnrecognizedClientException', message: 'region not enabled' },
        ],
      });

      const text = renderSummaryTable(report);

      expect(text).toContain('2 errors');
      expect(text).toContain('  eu-west-1 team-x/secret: AccessDeniedException: not authorized to DescribeImages');
      expect(text).toContain('  ap-south-1: UnrecognizedClientException: region not enabled');
    });

    it('names the repositories with referrers at risk, and says under the totals what they are, when there are some', () => {
      const report = auditReport([
        repositoryReport({ repositoryName: 'signed/a', referrersAtRisk: 1200 }),
        repositoryReport({ repositoryName: 'signed/b', referrersAtRisk: 3 }),
        repositoryReport({ repositoryName: 'plain' }),
      ]);

      const text = renderSummaryTable(report);

      expect(totalsValue(text, 'Referrers at risk')).toBe(
        '1,203 (in 2 repositories: us-east-1/signed/a (1,200) and us-east-1/signed/b (3))',
      );
      const start = text.split('\n').findIndex((l) => l.startsWith('Referrers at risk:'));
      const note = text.split('\n').slice(start, start + 3);
      expect(note.map((l) => l.trim()).join(' ')).toBe(`Referrers at risk: ${REFERRERS_AT_RISK_NOTE}`);
      expect(note.every((l) => l.length <= 100)).toBe(true);
      expect(text.indexOf('Referrers at risk:')).toBeLessThan(text.indexOf('Repositories by reclaimable bytes'));
    });

    it('names three repositories with referrers at risk, most first, and counts the others', () => {
      const report = auditReport([1, 7, 3, 5, 2].map((n) => repositoryReport({ repositoryName: `signed/${n}`, referrersAtRisk: n })));

      expect(totalsValue(renderSummaryTable(report), 'Referrers at risk')).toBe(
        '18 (in 5 repositories: us-east-1/signed/7 (7), us-east-1/signed/5 (5), us-east-1/signed/3 (3) and 2 more)',
      );
    });

    it('says nothing about referrers at risk when there are none', () => {
      const text = renderSummaryTable(auditReport([repositoryReport({ referrers: 5 })]));

      expect(text).not.toMatch(/referrers at risk/i);
    });

    it('lists the warnings on one line each, after the errors, without counting them as errors', () => {
      const report = auditReport([repositoryReport()], {
        errors: [{ region: 'ap-south-1', code: 'UnrecognizedClientException', message: 'region not enabled' }],
        warnings: [
          {
            region: 'eu-west-1',
            repositoryName: 'team/broken',
            code: 'InvalidStoredPolicy',
            message: 'stored lifecycle policy is not valid\n  - rule 1',
          },
          {
            region: 'eu-west-1',
            repositoryName: 'team/archive',
            code: 'PolicyNotMergeable',
            message: 'rule 2 already selects untagged standard images',
          },
        ],
      });

      const text = renderSummaryTable(report);

      expect(text).toContain('1 error ');
      expect(text).toContain('2 warnings');
      expect(text).toContain('  eu-west-1 team/broken: InvalidStoredPolicy: stored lifecycle policy is not valid - rule 1');
      expect(text).toContain('  eu-west-1 team/archive: PolicyNotMergeable: rule 2 already selects untagged standard images');
      expect(text.indexOf('1 error ')).toBeLessThan(text.indexOf('2 warnings'));
    });

    it('lists ten warnings, each whole, wrapped onto further lines rather than cut, saying how many were left out', () => {
      const warnings: ReportWarning[] = Array.from({ length: SUMMARY_WARNINGS_LIMIT + 3 }, (_, i) => ({
        region: 'eu-west-1',
        repositoryName: `team/repo-${i + 1}`,
        code: 'PolicyNotMergeable',
        message: `the policy already has 50 rules; ${'remove one of them by hand '.repeat(8)}then run remediate again`,
      }));

      const text = renderSummaryTable(auditReport([repositoryReport()], { warnings }));
      const lines = text.split('\n');
      const listed = lines.flatMap((l, i) => (l.includes(': PolicyNotMergeable: ') ? [i] : []));

      expect(SUMMARY_WARNINGS_LIMIT).toBe(10);
      expect(text).toContain('13 warnings');
      expect(listed).toHaveLength(10);
      for (const start of listed) {
        const end = lines.findIndex((l, i) => i > start && !l.startsWith('      '));
        const whole = lines
          .slice(start, end)
          .map((l) => l.trim())
          .join(' ');
        expect(whole).toMatch(/: PolicyNotMergeable: the policy already has 50 rules; .* then run remediate again$/);
        expect(lines.slice(start, end).every((l) => l.length <= 100)).toBe(true);
      }
      expect(text).not.toContain('…\n');
      expect(text).toContain('… and 3 more (the JSON, Markdown and HTML reports list every warning).');
    });

    it('wraps a policy finding whole, its fix included, rather than cutting it', () => {
      const fix = 'add an untagged rule (sinceImagePushed, 30 days or fewer) with a lower rulePriority instead.';
      const report = auditReport([
        repositoryReport({
          repositoryName: 'base-images',
          findings: [
            {
              severity: 'warning',
              code: 'UntaggedRetentionLong',
              rulePriority: 1,
              message: `rule 1 expires untagged images only 365 days after push, more than the 30 days allowed; untagged images are billed every day they stay. ${fix}`,
            },
          ],
        }),
      ]);

      const text = renderSummaryTable(report);
      const start = text.split('\n').findIndex((l) => l.includes('UntaggedRetentionLong: '));
      const block = text.split('\n').slice(start, start + 4);

      expect(block.map((l) => l.trim()).join(' ')).toContain(fix);
      expect(block.every((l) => l.length <= 100)).toBe(true);
    });

    it('explains the naive sum when it is below the stored bytes, as an emulator reports it', () => {
      const report = auditReport([repositoryReport({ storedBytes: 400 * 2 ** 20, naiveBytes: 95 * 2 ** 10 })]);

      const text = renderSummaryTable(report).split('\n');
      const start = text.findIndex((l) => l.startsWith('Naive sum = '));

      expect(start).toBeGreaterThan(0);
      expect(
        text
          .slice(start, start + 3)
          .map((l) => l.trim())
          .join(' '),
      ).toMatch(
        /imageSizeInBytes the registry reports, added up; stored = each blob of the manifests once per repository\..*moto emulator reports only the config blob/,
      );
    });

    it('says nothing of the naive sum when it is above the stored bytes, as real ECR reports it', () => {
      expect(renderSummaryTable(auditReport([repositoryReport()]))).not.toContain('Naive sum =');
    });

    it('counts the regions that could not be listed, not the in-use sources that failed there, when nothing was audited', () => {
      const report = auditReport([], {
        errors: [
          { region: 'us-east-1', code: 'CredentialsProviderError', message: 'region failure: no credentials' },
          { region: 'us-east-1', source: 'ecs', code: 'CredentialsProviderError', message: 'no credentials' },
          { region: 'us-east-1', source: 'lambda', code: 'CredentialsProviderError', message: 'no credentials' },
        ],
      });

      expect(renderSummaryTable(report)).toContain('No repositories audited: 1 region could not be listed (see the errors below).');
    });

    it('lists the cost of each owner per grouping, the 10 largest with a count of the rest', () => {
      const rows = Array.from({ length: 12 }, (_, i) =>
        repositoryReport({
          repositoryName: `team-${String(i).padStart(2, '0')}/svc`,
          storedBytes: (i + 1) * GIB,
          costAllocationTags: i < 2 ? { team: 'core' } : {},
        }),
      );
      const report = { ...auditReport(rows, { costAllocationTagKeys: ['team'] }), costGroups: costGroupsOf(rows, ['team'], 0.1) };

      const text = renderSummaryTable(report);

      expect(text).toContain('Cost by name prefix:');
      expect(text).toMatch(/team-11 +1 +12\.0 GiB +\$1\.20/);
      expect(text).not.toMatch(/^team-00 /m);
      expect(text).toContain('… and 2 more (the CSV, Markdown and HTML reports list every group).');
      expect(text).toContain('Cost by tag team:');
      // The repositories without the tag: not to be read as untagged images.
      expect(text).toMatch(/no `team` tag +10 +75\.0 GiB/);
      expect(text).not.toContain('(untagged)');
      expect(text).toMatch(/core +2 +3\.0 GiB/);
    });

    it('prints the archivable bytes, and says the saving is not priced without an archive price', () => {
      const text = renderSummaryTable(auditReport([repositoryReport({ archivableBytes: 2 * GIB })]));

      expect(totalsValue(text, 'Archivable')).toBe('2.0 GiB (images not pulled for 90 days)');
      expect(totalsValue(text, 'Archive savings')).toBe('not priced (set --archive-price-per-gb-month)');
    });

    it('never lets a name, code or message drive the terminal', () => {
      const report = auditReport([repositoryReport({ repositoryName: 'evil\u001b[2J' })], {
        errors: [{ region: 'us-east-1', repositoryName: 'bad\u001b]0;title\u0007', code: 'X\u009b', message: 'line\r\nnext\u001b[31m' }],
        warnings: [{ region: 'us-east-1', repositoryName: 'w\u001b[K', code: 'InvalidStoredPolicy', message: 'm\u0008' }],
      });

      const text = renderSummaryTable(report);

      expect(
        [...text.replace(/\n/g, '')].filter((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f)),
      ).toEqual([]);
      expect(text).toContain('evil\u241b[2J');
      expect(text).toContain('bad\u241b]0;title\u2407: X\ufffd: line next\u241b[31m');
    });

    it('leaves out the warnings when there are none', () => {
      expect(renderSummaryTable(auditReport([repositoryReport()]))).not.toMatch(/warning/i);
    });

    it('says so when no repository was audited', () => {
      const text = renderSummaryTable(auditReport([]));

      expect(text).toContain('No repositories audited.');
      expect(totalsValue(text, 'Stored (billed)')).toBe('0 B');
    });
  });
});
