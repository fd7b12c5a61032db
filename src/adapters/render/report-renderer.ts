import type { AuditReport } from '../../domain/report';
import type { ReportArtifactFormat, ReportRenderer, ReportRenderOptions } from '../../ports/report';
import { renderAccountsCsv, renderCostGroupsCsv } from './csv';
import { renderReport } from './index';
import { renderReportMessage } from './message';

/**
 * The {@link ReportRenderer} over the janitor's own renderers (the ones `audit --format` uses), so a
 * published artifact is byte for byte what the CLI writes with `--out`.
 *
 * @example const html = reportRenderer.render(report, 'html', { history });
 */
export const reportRenderer: ReportRenderer = {
  render(report: AuditReport, format: ReportArtifactFormat, options: ReportRenderOptions = {}): string {
    if (format === 'cost-groups-csv') return renderCostGroupsCsv(report);
    if (format === 'accounts-csv') return renderAccountsCsv(report);
    return renderReport(report, format, {
      ...(options.history === undefined ? {} : { history: options.history }),
      ...(options.previous === undefined ? {} : { previous: options.previous }),
      ...(options.accountTrends === undefined ? {} : { accountTrends: options.accountTrends }),
    });
  },
  renderMessage: renderReportMessage,
};
