import {
  REPORT_EXTENSIONS,
  REPORT_FORMATS,
  renderCsv,
  renderHtml,
  renderMarkdown,
  renderReport,
  renderSummaryTable,
} from '../../../../src/adapters/render';
import type { AuditReport } from '../../../../src/domain/report';
import { GIB } from '../../../../src/domain/report';
import { auditReport, repositoryReport } from '../../support/report-fixtures';

/** A report of one repository: 3 GiB stored, 1 GiB reclaimable. */
function sampleReport(): AuditReport {
  return auditReport([
    repositoryReport({ images: 12, untaggedImages: 4, doomedImages: 4, storedBytes: 3 * GIB, naiveBytes: 9 * GIB, reclaimableBytes: GIB }),
  ]);
}

describe('render/index', () => {
  describe('renderReport', () => {
    it.each(REPORT_FORMATS)('ends the %s output with a newline', (format) => {
      expect(renderReport(sampleReport(), format).endsWith('\n')).toBe(true);
    });

    it('delegates to the matching renderer when given each format', () => {
      const report = sampleReport();

      expect(renderReport(report, 'table')).toBe(`${renderSummaryTable(report)}\n`);
      expect(renderReport(report, 'csv')).toBe(renderCsv(report));
      expect(renderReport(report, 'markdown')).toBe(renderMarkdown(report));
      expect(renderReport(report, 'html')).toBe(renderHtml(report));
    });

    it('writes JSON that parses back to the report when the format is json', () => {
      const report = sampleReport();

      expect(JSON.parse(renderReport(report, 'json'))).toEqual(report);
    });

    it('passes the trend history on when the format is html', () => {
      const history = [
        { date: '2026-10-25', storedBytes: GIB, reclaimableBytes: 0 },
        { date: '2026-11-01', storedBytes: 3 * GIB, reclaimableBytes: GIB },
      ];

      expect(renderReport(sampleReport(), 'html', { history })).toContain('data-testid="chart-trend"');
    });
  });

  describe('REPORT_EXTENSIONS', () => {
    it('names a file extension for every format', () => {
      expect(Object.keys(REPORT_EXTENSIONS).sort()).toEqual([...REPORT_FORMATS].sort());
    });
  });
});
