import { locatedFindings, renderHtml, renderMarkdown, renderSummaryTable } from '../../../../src/adapters/render';
import type { PolicyFinding } from '../../../../src/domain/policy';
import { auditReport, repositoryReport } from '../../support/report-fixtures';

const shadowed: PolicyFinding = {
  code: 'ShadowedRule',
  severity: 'warning',
  rulePriority: 2,
  message: 'rule 2 can never act: every image it selects (tagPrefixList ["v1"]) is also selected by rule 1',
};
const archived: PolicyFinding = { code: 'ArchiveNeverExpires', severity: 'info', rulePriority: 1, message: 'rule 1 archives images' };
/** A message carrying markup, table pipes and a line break: user data (tags) ends up in messages. */
const hostile: PolicyFinding = {
  code: 'RuleMatchesNothing',
  severity: 'warning',
  rulePriority: 3,
  message: 'rule 3 selects none (tags present include ["<script>alert(1)</script>","a|b"])\nnext',
};

const report = auditReport([
  repositoryReport({ repositoryName: 'team-a/web', findings: [archived, shadowed] }),
  repositoryReport({ repositoryName: 'team-b/api', region: 'eu-west-1', findings: [hostile] }),
  repositoryReport({ repositoryName: 'clean' }),
]);

describe('policy findings in the readable reports', () => {
  describe('locatedFindings', () => {
    it('lists every finding with its repository, warnings first, then by region, repository and rule', () => {
      expect(locatedFindings(report.repositories).map((f) => [f.region, f.repositoryName, f.finding.code])).toEqual([
        ['eu-west-1', 'team-b/api', 'RuleMatchesNothing'],
        ['us-east-1', 'team-a/web', 'ShadowedRule'],
        ['us-east-1', 'team-a/web', 'ArchiveNeverExpires'],
      ]);
    });
  });

  describe('renderMarkdown', () => {
    it('counts the repositories with findings and lists every finding, escaped', () => {
      const markdown = renderMarkdown(report);

      expect(markdown).toContain('| With policy findings | 2 |');
      expect(markdown).toContain('## Policy findings');
      expect(markdown).toContain('| us-east-1 | team-a/web | warning | ShadowedRule | rule 2 |');
      expect(markdown).toContain('\\<script\\>');
      expect(markdown).toContain('a\\|b');
      expect(markdown).not.toContain('<script>');
    });

    it('has no findings section when there are none', () => {
      expect(renderMarkdown(auditReport([repositoryReport()]))).not.toContain('## Policy findings');
    });
  });

  describe('renderHtml', () => {
    it('lists every finding in its own section, escaped', () => {
      const html = renderHtml(report);

      expect(html).toContain('<section data-testid="findings"');
      expect(html).toContain('Policy findings (3 in 2 repositories)');
      expect(html.match(/data-testid="finding-row"/g)).toHaveLength(3);
      expect(html).toContain('&lt;script&gt;');
      expect(html).not.toContain('<script>');
    });

    it('has no findings section when there are none', () => {
      expect(renderHtml(auditReport([repositoryReport()]))).not.toContain('data-testid="findings"');
    });
  });

  describe('renderSummaryTable', () => {
    it('counts the repositories with findings and lists the findings on one line each', () => {
      const summary = renderSummaryTable(report);

      expect(summary).toMatch(/ {2}with policy findings +2/);
      expect(summary).toContain('3 policy findings: ');
      expect(summary).toContain('  us-east-1 team-a/web rule 2: warning ShadowedRule: rule 2 can never act');
      expect(summary).toContain('  eu-west-1 team-b/api rule 3: warning RuleMatchesNothing: rule 3 selects none');
      expect(summary).not.toMatch(/\nnext/);
    });

    it('lists ten findings and says how many more the other reports hold', () => {
      const many = auditReport(
        Array.from({ length: 12 }, (_, i) =>
          repositoryReport({ repositoryName: `repo-${String(i).padStart(2, '0')}`, findings: [shadowed] }),
        ),
      );

      const summary = renderSummaryTable(many);

      expect(summary.match(/warning ShadowedRule/g)).toHaveLength(10);
      expect(summary).toContain('… and 2 more (the JSON, CSV, Markdown and HTML reports list every finding).');
    });
  });
});
