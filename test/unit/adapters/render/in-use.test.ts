// The in-use guard in every report format: the totals, the list of images at risk with their
// consumers, how the guard ran, and the in-use sources that could not be read.
import { renderCsv } from '../../../../src/adapters/render/csv';
import { renderHtml } from '../../../../src/adapters/render/html';
import { renderMarkdown } from '../../../../src/adapters/render/markdown';
import { renderRemediationPlan } from '../../../../src/adapters/render/remediation';
import { renderSummaryTable } from '../../../../src/adapters/render/summary';
import type { AuditReport, InUseAtRiskImage } from '../../../../src/domain/report';
import { mergeDefaultRule } from '../../../../src/domain/policy';
import type { RemediationResult } from '../../../../src/domain/remediation';
import { auditReport, repositoryReport } from '../../support/report-fixtures';

const HELD = `sha256:${'1'.repeat(64)}`;
const OWN = `sha256:${'2'.repeat(64)}`;

function atRisk(overrides: Partial<InUseAtRiskImage>): InUseAtRiskImage {
  return {
    region: 'us-east-1',
    repositoryName: 'team-a/web-api',
    imageDigest: HELD,
    consumers: ['ecs:service/prod/web', 'ecs:task/prod/3f2a'],
    rule: 'rule 2 ("Expire untagged images 7 days after push (added by ecr-janitor)")',
    policy: 'with-default-rule',
    held: true,
    ...overrides,
  };
}

/** A report with one held repository and one whose own policy removes an image in use, and a region whose ECS could not be read. */
function guarded(): AuditReport {
  return auditReport(
    [
      repositoryReport({ repositoryName: 'team-a/web-api', inUseImages: 3, inUseAtRisk: 1, heldInUse: true }),
      repositoryReport({ repositoryName: 'team-b/<batch>', policyStatus: 'ok', inUseImages: 1, inUseAtRisk: 1 }),
    ],
    {
      guard: { mode: 'on', horizonDays: 7, sources: ['ecs', 'lambda', 'list:eks.txt'] },
      inUseAtRiskImages: [
        atRisk({}),
        atRisk({
          repositoryName: 'team-b/<batch>',
          imageDigest: OWN,
          consumers: ['lambda:nightly:4'],
          rule: 'rule 1 ("keep 5 releases")',
          policy: 'own',
          held: false,
        }),
      ],
      errors: [
        { region: 'eu-west-1', source: 'ecs', code: 'AccessDeniedException', message: 'what ECS services and tasks run could not be read' },
      ],
    },
  );
}

describe('render: the in-use guard', () => {
  describe('renderSummaryTable', () => {
    it('shows the in-use totals, how the guard ran, each image at risk with its consumers, and a source error by its region', () => {
      const text = renderSummaryTable(guarded());
      expect(text).toMatch(/Images in use\s+4/);
      expect(text).toMatch(/ {2}at risk\s+2 \(1 repository held by the guard\)/);
      expect(text).toContain('In-use guard on: 7-day horizon; sources ecs, lambda, list:eks.txt');
      expect(text).toContain(
        `us-east-1 team-a/web-api ${HELD.slice(0, 19)}: the default rule would: write held; used by ecs:service/prod/web, ecs:task/prod/3f2a; rule 2`,
      );
      expect(text).toContain(`team-b/<batch> ${OWN.slice(0, 19)}: the repository's own policy removes it; used by lambda:nightly:4`);
      expect(text).toContain('eu-west-1 (in-use source ecs): AccessDeniedException');
    });

    it('says nothing of the guard when no in-use source was read', () => {
      const text = renderSummaryTable(auditReport([repositoryReport()]));
      expect(text).not.toMatch(/in use|In-use/);
    });
  });

  describe('renderMarkdown', () => {
    it('lists every image at risk with its consumers and rule, escaped, and names the in-use source of an error', () => {
      const text = renderMarkdown(guarded());
      expect(text).toContain('## In-use images at risk');
      expect(text).toContain(
        `| us-east-1 | team-a/web-api | ${HELD} | ecs:service/prod/web, ecs:task/prod/3f2a | rule 2 ("Expire untagged images 7 days after push (added by ecr-janitor)") | the default rule would: write held |`,
      );
      expect(text).toContain('team-b/\\<batch\\>');
      expect(text).toContain('| Repositories held by the in-use guard | 1 |');
      expect(text).toContain('*(in-use source ecs)*');
      expect(text).toContain('- In-use guard on: 7-day horizon; sources ecs, lambda, list:eks.txt');
    });
  });

  describe('renderHtml', () => {
    it('has a section listing the images at risk with their consumers, every text escaped', () => {
      const html = renderHtml(guarded());
      const section = html.slice(
        html.indexOf('data-testid="in-use-at-risk"'),
        html.indexOf('</section>', html.indexOf('data-testid="in-use-at-risk"')),
      );
      expect(section).toContain('data-testid="total-in-use-at-risk" data-value="2"');
      expect(section).toContain('data-testid="total-repositories-held" data-value="1"');
      expect(section.match(/data-testid="in-use-at-risk-row"/g)).toHaveLength(2);
      expect(section).toContain('ecs:service/prod/web<br>ecs:task/prod/3f2a');
      expect(section).toContain('team-b/&lt;batch&gt;');
      expect(section).not.toContain('<batch>');
      expect(html).toContain('<em>in-use source ecs</em>');
    });

    it('only states how the guard ran when nothing is at risk', () => {
      const html = renderHtml(
        auditReport([repositoryReport()], { guard: { mode: 'off', horizonDays: 3, sources: [] }, inUseAtRiskImages: [] }),
      );
      expect(html).not.toContain('data-testid="in-use-at-risk"');
      expect(html).toContain('data-testid="guard">In-use guard off: 3-day horizon; sources none<');
    });
  });

  describe('renderCsv', () => {
    it('writes the in-use columns of each repository', () => {
      const [header = '', first = ''] = renderCsv(guarded()).split('\r\n');
      expect(header.split(',').slice(-3)).toEqual(['inUseImages', 'inUseAtRisk', 'heldInUse']);
      expect(first.split(',').slice(-3)).toEqual(['3', '1', 'true']);
    });
  });

  describe('renderRemediationPlan', () => {
    const result: RemediationResult = {
      actions: [
        {
          region: 'us-east-1',
          repositoryName: 'team-a/web-api',
          outcome: 'held-in-use',
          before: null,
          inUseAtRisk: Array.from({ length: 7 }, (_, i) => ({
            imageDigest: `sha256:${String(i).repeat(64)}`,
            consumers: ['ecs:service/prod/web', 'ecs:task/prod/1', 'ecs:task/prod/2', 'ecs:task/prod/3'],
            rule: 'rule 1 ("Expire untagged images 7 days after push (added by ecr-janitor)")',
          })),
          message: 'the default rule would remove 7 images in use within 7 days: …',
        },
        {
          region: 'us-east-1',
          repositoryName: 'team-b/signed',
          outcome: 'planned',
          before: null,
          after: mergeDefaultRule(undefined, 7).text,
          referrersAtRisk: 2,
          inUseAtRisk: [],
        },
      ],
      errors: [{ region: 'eu-west-1', source: 'lambda', code: 'AccessDeniedException', message: 'not authorized' }],
    };

    it('marks the held repository in the table and lists its images at risk with their consumers below it', () => {
      const lines = renderRemediationPlan(result, false).split('\n');
      expect(lines.find((l) => l.includes('team-a/web-api'))).toMatch(
        /held-in-use\s+none\s+held: the default rule would remove 7 images in use \(listed below\)/,
      );
      expect(lines).toContain('Held by the in-use guard (1 repository; not written, the next run decides again):');
      expect(lines).toContain(
        `    ${'sha256:000000000000'} used by ecs:service/prod/web, ecs:task/prod/1, ecs:task/prod/2 and 1 more; rule 1 ("Expire untagged images 7 days after push (added by ecr-janitor)")`,
      );
      expect(lines).toContain('    … and 2 more (--format json lists them all)');
    });

    it('shows the referrers at risk of the repositories the plan changes, naming them', () => {
      const text = renderRemediationPlan(result, false);
      expect(text.split('\n').find((l) => l.includes('team-b/signed'))).toContain('; 2 referrers at risk');
      expect(text.replace(/\n +/g, ' ')).toContain(
        'Referrers at risk: 2 referrers in 1 repository this plan changes (us-east-1/team-b/signed (2)): untagged signatures, SBOMs or attestations',
      );
    });

    it('names the in-use source of a region error', () => {
      expect(renderRemediationPlan(result, false)).toContain(
        'error: eu-west-1 (in-use source lambda): AccessDeniedException: not authorized',
      );
    });
  });
});
