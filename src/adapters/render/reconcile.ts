import type { Reconciliation } from '../../domain/bill';
import { csvField, neutraliseFormula } from './csv';
import { renderTable } from './table';
import { renderJson } from './json';

/** The formats `reconcile` prints. */
export const RECONCILE_FORMATS = ['table', 'json', 'csv', 'markdown', 'html'] as const;
export type ReconcileFormat = (typeof RECONCILE_FORMATS)[number];

const HEADER = ['account', 'region', 'month', 'repository', 'billed GB-months', 'measured GB-months', 'difference %', 'verdict'];

function cells(r: Reconciliation['rows'][number]): string[] {
  return [
    r.accountId,
    r.region,
    r.month,
    r.repositoryName ?? '',
    r.billedGbMonths.toFixed(3),
    r.measuredGbMonths.toFixed(3),
    r.differencePercent.toFixed(2),
    r.verdict,
  ];
}

function unmeasuredLines(result: Reconciliation): string[] {
  return result.unmeasured.map(
    (u) =>
      `${u.accountId} ${u.region} ${u.month}${u.repositoryName === undefined ? '' : ` ${u.repositoryName}`}: billed ${u.billedGbMonths.toFixed(3)} GB-months, not measured (${u.reason})`,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/**
 * Renders a reconciliation: `json` is `{"rows": […], "unmeasured": […]}`; the others list the rows
 * and then the billed months the history could not measure.
 *
 * @example renderReconciliation(reconcile(billed, samples), 'table')
 */
export function renderReconciliation(result: Reconciliation, format: ReconcileFormat): string {
  if (format === 'json') return `${renderJson(result)}\n`;
  const rows = result.rows.map(cells);
  if (format === 'csv') {
    const header = ['accountId', 'region', 'month', 'repositoryName', 'billedGbMonths', 'measuredGbMonths', 'differencePercent', 'verdict'];
    return `${[header, ...rows].map((r) => r.map((c) => csvField(neutraliseFormula(c))).join(',')).join('\r\n')}\r\n`;
  }
  const summary =
    result.rows.length === 0
      ? 'No billed month could be measured.'
      : `${result.rows.filter((r) => r.verdict !== 'off').length} of ${result.rows.length} billed months within 10% of the measured bytes (GB of 2^30 bytes, time-weighted over the month).`;
  if (format === 'markdown') {
    const table = [
      `| ${HEADER.join(' | ')} |`,
      `|${HEADER.map(() => ' --- ').join('|')}|`,
      ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`),
    ];
    return `# ECR storage: bill against measurement\n\n${summary}\n\n${table.join('\n')}\n${unmeasuredLines(result)
      .map((l) => `\n- ${l}`)
      .join('')}\n`;
  }
  if (format === 'html') {
    const head = HEADER.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
    const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
    const notes = unmeasuredLines(result)
      .map((l) => `<li>${escapeHtml(l)}</li>`)
      .join('');
    return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>ECR storage: bill against measurement</title></head><body>\n<h1>ECR storage: bill against measurement</h1>\n<p>${escapeHtml(summary)}</p>\n<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>\n${notes === '' ? '' : `<ul>${notes}</ul>\n`}</body></html>\n`;
  }
  const table =
    rows.length === 0 ? '' : `${renderTable(HEADER, rows, ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'left'])}\n`;
  return `${summary}\n${table}${unmeasuredLines(result).join('\n')}\n`;
}
