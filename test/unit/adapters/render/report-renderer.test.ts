import { renderReport } from '../../../../src/adapters/render';
import { reportRenderer } from '../../../../src/adapters/render/report-renderer';
import { auditReport, repositoryReport } from '../../support/report-fixtures';

describe('reportRenderer', () => {
  describe('render', () => {
    it.each(['json', 'csv', 'markdown', 'html'] as const)('renders %s exactly as renderReport does', (format) => {
      // Arrange
      const report = auditReport([repositoryReport()]);

      // Act
      const text = reportRenderer.render(report, format);

      // Assert
      expect(text).toBe(renderReport(report, format));
    });

    it('passes the history to the HTML renderer for the trend chart', () => {
      // Arrange
      const report = auditReport([repositoryReport()]);
      const history = [
        { date: '2026-10-25', storedBytes: 9, reclaimableBytes: 3 },
        { date: '2026-11-01', storedBytes: 10, reclaimableBytes: 4 },
      ];

      // Act
      const html = reportRenderer.render(report, 'html', { history });

      // Assert
      expect(html).toBe(renderReport(report, 'html', { history }));
      expect(html).not.toBe(renderReport(report, 'html'));
    });
  });
});
