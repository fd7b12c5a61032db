import {
  costGroupsSection,
  errorsSection,
  referrersAtRiskCallout,
  trendSection,
  warningsSection,
} from '../../../../../src/adapters/render/html/sections';
import { costGroupsOf } from '../../../../../src/domain/cost-groups';
import { GIB } from '../../../../../src/domain/report';
import { element, weeks } from '../../../support/html';
import { auditReport, historyEntry, repositoryReport } from '../../../support/report-fixtures';

describe('render/html/sections', () => {
  describe('trendSection', () => {
    it.each([
      ['no history is given', undefined],
      ['history has one point', weeks(1)],
    ])('says "no history yet" instead of the trend charts when %s', (_, history) => {
      const html = trendSection(history ?? []);

      expect(html).not.toContain('chart-trend');
      expect(element(html, 'p', 'no-history')).toContain('No history yet');
    });
  });

  describe('errorsSection', () => {
    it('shows the errors when the run had some and no errors section otherwise', () => {
      const withErrors = errorsSection(
        auditReport([repositoryReport()], {
          errors: [{ region: 'ap-south-1', code: 'UnrecognizedClientException', message: 'region not enabled' }],
        }),
      );

      expect(element(withErrors, 'section', 'errors')).toContain('region not enabled');
      expect(errorsSection(auditReport([repositoryReport()]))).not.toContain('data-testid="errors"');
    });
  });

  describe('warningsSection', () => {
    it('has no warnings section when there were none', () => {
      expect(warningsSection(auditReport([repositoryReport()]))).not.toContain('data-testid="warnings"');
    });
  });

  describe('referrersAtRiskCallout', () => {
    it('has no referrers callout when none is at risk', () => {
      expect(referrersAtRiskCallout(auditReport([repositoryReport({ referrers: 3 })]))).not.toContain('referrers-at-risk');
    });
  });

  describe('costGroupsSection', () => {
    it('groups cost by owner, one table per grouping, with the change on last week', () => {
      const rows = [
        repositoryReport({ repositoryName: 'team-a/web', storedBytes: 4 * GIB, costAllocationTags: { team: 'payments' } }),
        repositoryReport({ repositoryName: 'team-b/api', storedBytes: 2 * GIB, costAllocationTags: {} }),
      ];
      const report = { ...auditReport(rows, { costAllocationTagKeys: ['team'] }), costGroups: costGroupsOf(rows, ['team'], 0.1) };
      const previous = historyEntry('2026-10-25', 5 * GIB, {
        groups: {
          'name-prefix': {
            'team-a': { repositories: 1, storedBytes: 3 * GIB, reclaimableBytes: 0, monthlyCostUsd: 0.3, monthlySavingsUsd: 0 },
          },
        },
      });

      const section = element(costGroupsSection(report, previous), 'section', 'cost-groups') ?? '';

      expect(section).toContain('By name prefix');
      expect(section).toContain('By tag team');
      const rowsOf = [...section.matchAll(/data-by="([^"]+)" data-value="([^"]+)"/g)].map((m) => `${m[1]}=${m[2]}`);
      expect(rowsOf).toEqual(['name-prefix=team-a', 'name-prefix=team-b', 'tag:team=payments', 'tag:team=(untagged)']);
      // The group keeps its value in the data; the reader sees which tag the repositories lack.
      expect(section).toMatch(/data-value="\(untagged\)"><td class="repo"><em>no <code>team<\/code> tag<\/em><\/td>/);
      expect(section).toContain('<span class="up">+$0.10</span>');
      expect(section).toContain('+1.0 GiB');
      expect(section).toMatch(/data-value="team-b"[\s\S]*?>new</);
      expect(section).toMatch(/data-value="payments"[\s\S]*?>–</);
      expect(section).toContain('Change on the report of 2026-10-25');
    });

    it('says there is no history yet for the change per group on the first week', () => {
      const report = auditReport([repositoryReport()]);

      expect(element(costGroupsSection(report, undefined), 'section', 'cost-groups')).toContain('No history yet');
    });
  });
});
