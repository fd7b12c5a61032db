import { REPORT_EXTENSIONS, REPORT_FORMATS, renderCsv, renderHtml, renderMarkdown, renderReport, renderSummaryTable } from '../../../src/adapters/render';
import type { AuditReport, RepositoryReport } from '../../../src/domain/report';
import { GIB, totalsOf } from '../../../src/domain/report';

function auditReport(): AuditReport {
  const repositories: RepositoryReport[] = [
    {
      accountId: '123456789012',
      region: 'us-east-1',
      repositoryName: 'team-a/web-api',
      policyStatus: 'missing',
      optedOut: false,
      excluded: false,
      images: 12,
      untaggedImages: 4,
      indexChildren: 0,
      referrers: 0,
      archivedImages: 0,
      doomedImages: 4,
      storedBytes: 3 * GIB,
      naiveBytes: 9 * GIB,
      reclaimableBytes: GIB,
      monthlyCostUsd: 0.3,
      monthlySavingsUsd: 0.1,
    },
  ];
  return {
    generatedAt: '2026-11-01T00:05:00.000Z',
    now: '2026-11-01T00:00:00.000Z',
    days: 14,
    pricePerGbMonth: 0.1,
    totals: totalsOf(repositories, 0.1),
    repositories,
    apiCalls: {},
    apiRetries: {},
    errors: [],
  };
}

describe('render/index', () => {
  describe('renderReport', () => {
    it.each(REPORT_FORMATS)('ends the %s output with a newline', (format) => {
      expect(renderReport(auditReport(), format).endsWith('\n')).toBe(true);
    });

    it('delegates to the matching renderer when given each format', () => {
      const report = auditReport();

      expect(renderReport(report, 'table')).toBe(`${renderSummaryTable(report)}\n`);
      expect(renderReport(report, 'csv')).toBe(renderCsv(report));
      expect(renderReport(report, 'markdown')).toBe(renderMarkdown(report));
      expect(renderReport(report, 'html')).toBe(renderHtml(report));
    });

    it('writes JSON that parses back to the report when the format is json', () => {
      const report = auditReport();

      expect(JSON.parse(renderReport(report, 'json'))).toEqual(report);
    });

    it('passes the trend history on when the format is html', () => {
      const history = [
        { date: '2026-10-25', storedBytes: GIB, reclaimableBytes: 0 },
        { date: '2026-11-01', storedBytes: 3 * GIB, reclaimableBytes: GIB },
      ];

      expect(renderReport(auditReport(), 'html', { history })).toContain('data-testid="chart-trend"');
    });
  });

  describe('REPORT_EXTENSIONS', () => {
    it('names a file extension for every format', () => {
      expect(Object.keys(REPORT_EXTENSIONS).sort()).toEqual([...REPORT_FORMATS].sort());
    });
  });
});
