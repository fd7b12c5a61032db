// The per-account table of a report of several accounts, with a small trend of each account.
import { accountChange } from '../../../domain/history-trend';
import type { HistoryEntry } from '../../../domain/history';
import type { TrendPoint } from '../../../domain/history-trend';
import type { AccountReport, AuditReport } from '../../../domain/report';
import {
  accountStatus,
  accountsInOrder,
  accountsNotReadSentence,
  coversSeveralAccounts,
  formatBytes,
  formatCount,
  formatUsd,
} from '../format';
import { n } from './charts';
import { escapeHtml as h } from './escape';
import { usdChange } from './sections';

/** A small line of an account's weekly stored bytes (two points or more), for the per-account table. */
export function sparkline(points: readonly TrendPoint[]): string {
  if (points.length < 2) return '<span class="muted">–</span>';
  const width = 96;
  const height = 24;
  const max = Math.max(1, ...points.map((p) => p.storedBytes));
  const step = width / (points.length - 1);
  const coordinates = points.map((p, i) => `${n(i * step)},${n(height - 2 - (p.storedBytes / max) * (height - 4))}`).join(' ');
  const label = `stored bytes over ${points.length} weeks, from ${formatBytes(points[0]?.storedBytes ?? 0)} to ${formatBytes(points.at(-1)?.storedBytes ?? 0)}`;
  return `<svg class="spark" data-testid="account-trend" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${h(label)}"><title>${h(label)}</title><polyline points="${coordinates}"/></svg>`;
}

/** The per-account table of a report of several accounts: cost, change on last week, trend and state of each. */
export function accountsSection(
  report: AuditReport,
  options: { previous?: HistoryEntry; accountTrends?: Readonly<Record<string, readonly TrendPoint[]>> },
): string {
  if (!coversSeveralAccounts(report)) return '';
  const notRead = accountsNotReadSentence(report);
  const accounts = accountsInOrder(report);
  const row = (a: AccountReport): string => {
    const change = accountChange(a, options.previous);
    const trend = options.accountTrends?.[a.accountId];
    return [
      `<tr data-testid="account-row" data-account="${h(a.accountId)}" data-complete="${String(a.complete)}">`,
      `<td>${h(a.accountId)}</td>`,
      `<td class="repo">${h(a.name ?? '')}</td>`,
      `<td class="num" title="${h(a.regions.join(', '))}">${h(formatCount(a.regions.length))}</td>`,
      `<td class="num">${h(formatCount(a.totals.repositories))}</td>`,
      `<td class="num" data-value="${a.totals.storedBytes}">${h(formatBytes(a.totals.storedBytes))}</td>`,
      `<td class="num">${h(formatUsd(a.totals.monthlyCostUsd))}</td>`,
      `<td class="num" data-testid="account-change">${change === null ? `<span class="muted">${options.previous === undefined ? '–' : 'new'}</span>` : usdChange(change.monthlyCostUsd)}</td>`,
      `<td class="num">${h(formatBytes(a.totals.reclaimableBytes))}</td>`,
      `<td class="num">${h(formatUsd(a.totals.monthlySavingsUsd))}</td>`,
      options.accountTrends === undefined ? '' : `<td>${sparkline(trend ?? [])}</td>`,
      `<td${a.complete ? '' : ' class="bad"'}>${h(accountStatus(a))}</td>`,
      `</tr>`,
    ].join('');
  };
  return [
    `<section data-testid="accounts">`,
    `<h2>Accounts (${h(formatCount(report.accounts.length))})</h2>`,
    `<p>Each account is read with its own role and its own rate limits. ${h(notRead)}</p>`,
    `<div class="table-wrap"><table><thead><tr><th scope="col">Account</th><th scope="col">Name</th><th scope="col" class="num">Regions</th><th scope="col" class="num">Repositories</th><th scope="col" class="num">Stored</th><th scope="col" class="num">$/month</th><th scope="col" class="num">On last week</th><th scope="col" class="num">Reclaimable</th><th scope="col" class="num">Savings/month</th>${options.accountTrends === undefined ? '' : '<th scope="col">Trend</th>'}<th scope="col">Status</th></tr></thead><tbody>`,
    ...accounts.map(row),
    `</tbody></table></div>`,
    `</section>`,
  ].join('\n');
}
