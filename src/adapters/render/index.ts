import type { AuditReport } from '../../domain/report';
import { renderCsv } from './csv';
import type { HtmlOptions } from './html';
import { renderHtml } from './html';
import { renderJson } from './json';
import { renderMarkdown } from './markdown';
import { renderSummaryTable } from './summary';

export * from './format';
export * from './table';
export * from './summary';
export * from './csv';
export * from './markdown';
export * from './html';
export * from './json';
export * from './message';

/** The report formats the renderers produce. */
export const REPORT_FORMATS = ['table', 'json', 'csv', 'markdown', 'html'] as const;

/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The file extension conventionally used for each report format. */
export const REPORT_EXTENSIONS: Readonly<Record<ReportFormat, string>> = {
  table: 'txt',
  json: 'json',
  csv: 'csv',
  markdown: 'md',
  html: 'html',
};

/**
 * Renders the report in `format`; every output ends with a newline.
 *
 * @example process.stdout.write(renderReport(report, 'markdown'));
 */
export function renderReport(report: AuditReport, format: ReportFormat, options: HtmlOptions = {}): string {
  switch (format) {
    case 'table':
      return `${renderSummaryTable(report)}\n`;
    case 'json':
      return `${renderJson(report)}\n`;
    case 'csv':
      return renderCsv(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report, options);
  }
}
