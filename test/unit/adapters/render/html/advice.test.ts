import { renderHtml } from '../../../../../src/adapters/render/html';
import { recommendedPoliciesSection } from '../../../../../src/adapters/render/html/advice';
import type { RecommendedPolicies } from '../../../../../src/domain/advice/types';
import { auditReport, repositoryReport } from '../../../support/report-fixtures';

const SECTION: RecommendedPolicies = {
  totals: {
    repositories: 2,
    withAdvice: 1,
    withheld: 1,
    removedNow: { images: 3, bytes: 2 ** 30 },
    removedIn30Days: { images: 4, bytes: 2 ** 30 },
    monthlyExtraSavingsUsd: 0.1,
    monthlyArchiveSavingsUsd: null,
  },
  top: [
    {
      region: 'eu-west-1',
      repositoryName: 'team-a/<web>',
      owner: 'team-a',
      monthlyExtraSavingsUsd: 0.1,
      removedNow: { images: 3, bytes: 2 ** 30 },
    },
  ],
  byOwner: [{ owner: 'team-a', repositories: 1, monthlyExtraSavingsUsd: 0.1 }],
  location: 's3://bucket/reports/2026-03-01/advice.json',
  link: 'https://console.aws.amazon.com/s3/object/bucket?prefix=reports/2026-03-01/advice.json',
};

describe('render/html/advice', () => {
  describe('recommendedPoliciesSection', () => {
    it('shows the top repositories, what each owner saves, and links the advice file', () => {
      const html = recommendedPoliciesSection(auditReport([repositoryReport()], { recommendedPolicies: SECTION }));

      expect(html).toContain('<h2>Recommended policies</h2>');
      expect(html).toContain('1 of 2 repositories have a lifecycle policy to adopt (1 withheld); adopting them all saves +$0.10 a month');
      expect(html).toContain(`<a href="${(SECTION.link ?? '').replace(/&/g, '&amp;')}">s3://bucket/reports/2026-03-01/advice.json</a>`);
      expect(html).toContain('team-a/&lt;web&gt;');
      expect(html.match(/data-testid="advice-owner"/g)).toHaveLength(1);
      // Both tables turn into cards on a narrow screen, like the report's other tables.
      expect(html).toContain('<table class="t-advice-top">');
      expect(html).toContain('<table class="t-advice-owners">');
    });

    it('never makes a link of anything but a web address', () => {
      const html = recommendedPoliciesSection(
        auditReport([repositoryReport()], { recommendedPolicies: { ...SECTION, link: 'javascript:alert(1)' } }),
      );

      expect(html).not.toContain('javascript:alert');
      expect(html).not.toContain('<a ');
      expect(html).toContain('s3://bucket/reports/2026-03-01/advice.json');
    });

    it('is empty when the run did not advise', () => {
      expect(recommendedPoliciesSection(auditReport([repositoryReport()]))).toBe('');
    });
  });

  it('stands on the page after the archive section and before the repository table', () => {
    const html = renderHtml(auditReport([repositoryReport()], { recommendedPolicies: SECTION }));
    const advice = html.indexOf('data-testid="recommended-policies"');
    const archive = html.indexOf('<h2>Archive savings</h2>');

    expect(archive).toBeGreaterThan(0);
    expect(advice).toBeGreaterThan(archive);
    expect(advice).toBeLessThan(html.indexOf('<h2>Repositories</h2>'));
    expect(renderHtml(auditReport([repositoryReport()]))).not.toContain('Recommended policies');
  });
});
