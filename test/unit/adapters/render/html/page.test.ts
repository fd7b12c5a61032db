import { CHART_LIMIT, escapeHtml, renderHtml } from '../../../../../src/adapters/render/html';
import { SUMMARY_LIMIT } from '../../../../../src/adapters/render/summary';
import { GIB } from '../../../../../src/domain/report';
import { totalsOf } from '../../../../../src/domain/report-totals';
import { byTestId, count, element, many, weeks } from '../../../support/html';
import { auditReport, repositoryReport } from '../../../support/report-fixtures';

describe('render/html/page', () => {
  describe('renderHtml', () => {
    it('shows the totals formatted under stable test ids when given repositories', () => {
      const report = auditReport([
        repositoryReport({ storedBytes: 30 * GIB, reclaimableBytes: 12 * GIB }),
        repositoryReport({ repositoryName: 'b', policyStatus: 'ok', storedBytes: 5 * GIB, reclaimableBytes: 0 }),
      ]);

      const html = renderHtml(report);

      expect(byTestId(html, 'total-repositories')).toBe('2');
      expect(byTestId(html, 'total-without-policy')).toBe('1');
      expect(byTestId(html, 'total-stored')).toBe('35.0 GiB');
      expect(byTestId(html, 'total-reclaimable')).toBe('12.0 GiB');
      expect(byTestId(html, 'total-monthly-cost')).toBe('$3.50');
      expect(byTestId(html, 'total-savings')).toBe('$1.20');
      expect(html).toMatch(new RegExp(`data-testid="total-stored" data-value="${35 * GIB}"`));
    });

    it('is one self-contained document with inline styles and a script-forbidding policy', () => {
      const html = renderHtml(auditReport([repositoryReport()]), { history: weeks(3) });

      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).toContain('<style>');
      expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
      expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
      expect(html).not.toMatch(/https?:\/\//i);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    });

    it('escapes a malicious repository name everywhere when it holds markup', () => {
      const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'&';
      const report = auditReport([repositoryReport({ repositoryName: evil })], {
        errors: [{ region: 'us-east-1', repositoryName: evil, code: '<b>Code</b>', message: '<i>oops</i>' }],
      });

      const html = renderHtml(report, { title: '<title>' });

      expect(html).not.toContain('<script');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<b>Code');
      expect(html).not.toContain('<i>oops');
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(html).toContain(`data-repository="${escapeHtml(evil)}"`);
      expect(html).toContain('<h1>&lt;title&gt;</h1>');
    });

    it('draws the top 20 by reclaimable bytes when there are more, the same top as the terminal table', () => {
      const html = renderHtml(auditReport(many(25)));
      const chart = element(html, 'svg', 'chart-top') ?? '';

      const shown = [...chart.matchAll(/data-repository="([^"]+)"/g)].map((m) => m[1]);

      expect(CHART_LIMIT).toBe(SUMMARY_LIMIT);
      expect(shown).toHaveLength(20);
      expect(shown[0]).toBe('team/repo-25');
      expect(shown).not.toContain('team/repo-5');
      expect(html).toContain('Top 20 repositories by reclaimable bytes');
    });

    it('lists every repository in the table when there are more than the chart shows', () => {
      const html = renderHtml(auditReport(many(20)));

      expect(count(html, /data-testid="repository-row"/)).toBe(20);
    });

    it('shows the warnings in their own escaped section, apart from the errors, when some policies need a person', () => {
      const html = renderHtml(
        auditReport([repositoryReport()], {
          warnings: [
            {
              region: 'eu-west-1',
              repositoryName: '<img src=x>',
              code: 'InvalidStoredPolicy',
              message: '<script>alert(1)</script> not valid',
            },
          ],
        }),
      );
      const warnings = element(html, 'section', 'warnings') ?? '';

      expect(warnings).toContain('<h2>Warnings (1)</h2>');
      expect(warnings).toContain(
        '<td class="repo">&lt;img src=x&gt;</td><td>InvalidStoredPolicy</td><td class="msg">&lt;script&gt;alert(1)&lt;/script&gt; not valid</td>',
      );
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('data-testid="errors"');
      expect(html).toContain('<span>1 warning</span>');
    });

    it('calls out the referrers at risk below the cost sections, with the repositories that have them', () => {
      const html = renderHtml(
        auditReport([
          repositoryReport({ repositoryName: 'few', referrers: 4, referrersAtRisk: 2 }),
          repositoryReport({ repositoryName: 'none', referrers: 9 }),
          repositoryReport({ repositoryName: '<many>', referrers: 30, referrersAtRisk: 1500 }),
        ]),
      );
      const callout = element(html, 'section', 'referrers-at-risk') ?? '';

      expect(byTestId(html, 'total-referrers-at-risk')).toBe('1,502');
      expect(html).toContain('data-testid="total-referrers-at-risk" data-value="1502"');
      expect(callout).toContain('Untagged signatures, SBOMs or attestations of images that stay');
      expect([...callout.matchAll(/<td class="repo">([^<]*)<\/td>/g)].map((m) => m[1])).toEqual(['&lt;many&gt;', 'few']);
      // The cost the reader came for first: the chart, the trend, the owners and the archive savings.
      for (const before of ['chart-top', 'trend', 'cost-groups', 'archive']) {
        expect(html.indexOf(`data-testid="${before}"`)).toBeGreaterThan(0);
        expect(html.indexOf('data-testid="referrers-at-risk"')).toBeGreaterThan(html.indexOf(`data-testid="${before}"`));
      }
      expect(html.indexOf('data-testid="referrers-at-risk"')).toBeLessThan(html.indexOf('data-testid="repositories"'));
    });

    it('lists the archivable repositories with the rule to add, and says the saving is not priced without an archive price', () => {
      const rule = '{"rulePriority":2,"description":"Archive images not pulled for 90 days (suggested by ecr-janitor)"}';
      const rows = [
        repositoryReport({ repositoryName: 'small', archivableBytes: GIB, archiveRuleSuggestion: rule }),
        repositoryReport({ repositoryName: 'big', archivableBytes: 3 * GIB, archiveRuleSuggestion: null }),
        repositoryReport({ repositoryName: 'none', archivableBytes: 0 }),
      ];

      const html = renderHtml(auditReport(rows));
      const section = element(html, 'section', 'archive') ?? '';

      expect(count(section, /data-testid="archive-row"/)).toBe(2);
      expect(section.indexOf('big')).toBeLessThan(section.indexOf('small'));
      expect(section).toContain(escapeHtml(rule));
      expect(section).toContain('the policy’s own transition rules');
      expect(section).toContain('No archive price was given');
      expect(section).toContain('at least 90 days');
      expect(byTestId(html, 'total-archivable')).toBe('4.0 GiB');
      expect(byTestId(html, 'total-archive-savings')).toBe('not priced');
    });

    it('prices the archive saving with the archive price', () => {
      const rows = [repositoryReport({ archivableBytes: 10 * GIB })];
      const report = {
        ...auditReport(rows, { archivePricePerGbMonth: 0.07 }),
        totals: totalsOf(rows, 0.1, { archivePricePerGbMonth: 0.07 }),
      };

      const html = renderHtml(report);

      expect(byTestId(html, 'total-archive-savings')).toBe('$0.30');
      expect(element(html, 'section', 'archive')).toContain('At $0.07/GB-month in the archive class that saves $0.30 a month.');
    });

    it('shows control characters in names as visible stand-ins', () => {
      const html = renderHtml(auditReport([repositoryReport({ repositoryName: 'evil\u001b[2J\u202e' })]));

      expect(html).not.toContain('\u001b');
      expect(html).not.toContain('\u202e');
      expect(html).toContain('evil\u241b[2J\ufffd');
    });

    it('still renders the totals and an empty chart when no repository was audited', () => {
      const html = renderHtml(auditReport([]));

      expect(byTestId(html, 'total-stored')).toBe('0 B');
      expect(element(html, 'svg', 'chart-top')).toContain('No repositories audited.');
    });

    it('draws each chart wide and narrow, for the style to show the one that fits the screen', () => {
      const html = renderHtml(auditReport(many(3)), { history: weeks(3) });

      for (const testId of ['chart-top', 'chart-trend', 'chart-trend-cost']) {
        expect(html).toContain(`data-testid="${testId}" class="chart chart-wide"`);
        expect(html).toContain(`data-testid="${testId}-narrow" class="chart chart-narrow"`);
      }
    });

    it('explains the naive sum under the totals when it is below the stored bytes', () => {
      const html = renderHtml(auditReport([repositoryReport({ storedBytes: 400 * 2 ** 20, naiveBytes: 95 * 2 ** 10 })]));

      expect(element(html, 'p', 'naive-sum-note')).toContain('moto emulator reports only the config blob');
      expect(renderHtml(auditReport([repositoryReport()]))).not.toContain('naive-sum-note');
    });
  });
});
