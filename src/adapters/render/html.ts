import { ARCHIVE_MINIMUM_CHARGE_DAYS } from '../../domain/archive';
import { recommendedPoliciesSection } from './html-advice';
import { groupingLabel, reportGroupings } from '../../domain/cost-groups';
import { TREND_WEEKS, accountChange, costGroupChanges } from '../../domain/history';
import type { AccountReport, AuditReport, RepositoryReport } from '../../domain/report';
import { isAccountFailure } from '../../domain/report';
import { visibleControls } from '../../domain/text';
import {
  FINDINGS_NOTE,
  REFERRERS_AT_RISK_NOTE,
  REGISTRY_WIDE,
  byReclaimable,
  formatBytes,
  formatCount,
  formatPercent,
  formatPrice,
  formatUsd,
  formatUsdChange,
  incompleteSentence,
  findingRule,
  locatedFindings,
  policyLabel,
  TOP_REPOSITORIES,
  WHOLE_ACCOUNT,
  accountStatus,
  accountsInOrder,
  accountsNotReadSentence,
  coversSeveralAccounts,
  withReferrersAtRisk,
} from './format';
import { IN_USE_AT_RISK_NOTE, atRiskImagesOf, atRiskStatus, guardLine } from './in-use';
import { TRUTH_STYLE, truthSectionsHtml } from './html-truth';

import type { HistoryEntry, TrendPoint } from '../../domain/history';
export type { TrendPoint } from '../../domain/history';

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /**
   * The weeks of the trend, this report's included, oldest first or in any order; two or more
   * points draw the trend charts, fewer say "no history yet".
   */
  history?: readonly TrendPoint[];
  /** Last week's history entry, for the change per cost group (and per account). */
  previous?: HistoryEntry;
  /** Each account's weeks (a report of several accounts), by account id: a small trend per account. @default none */
  accountTrends?: Readonly<Record<string, readonly TrendPoint[]>>;
  /** How many repositories the bar chart shows at most. @default 20 (the terminal table's top too) */
  chartLimit?: number;
  /** The document title. @default 'ECR storage audit' */
  title?: string;
}

/** The default number of repositories in the bar chart: the same top as the terminal table's. */
export const CHART_LIMIT = TOP_REPOSITORIES;

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values; control characters (which
 * HTML forbids) show as visible stand-ins.
 */
export function escapeHtml(text: string): string {
  return visibleControls(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Short alias: every string from the report passes through here before it reaches the page. */
const h = escapeHtml;

/** Rounds SVG coordinates to one decimal to keep the file small. */
function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** `2026-11-01 00:05 UTC` for an ISO-8601 timestamp (the raw text when it does not parse), in a `<time>`. */
function timestamp(iso: string): string {
  const date = new Date(iso);
  const shown = Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<time datetime="${h(iso)}">${h(shown)}</time>`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// ---------------------------------------------------------------------------------------------
// Axis scales

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Axis ticks of a scale: where each goes (in the data's unit) and its label. */
type Ticks = { domainMax: number; ticks: Array<{ value: number; label: string }> };

/**
 * Ticks over [0, max] at a 1-2-2.5-5 step, `scale` data units to one shown unit; `label` writes a
 * non-zero tick from its value in shown units and the decimals the step needs.
 */
function niceTicks(
  max: number,
  scale: number,
  targetCount: number,
  zero: string,
  label: (shown: number, decimals: number) => string,
): Ticks {
  const inUnit = Math.max(0, max) / scale;
  if (inUnit === 0) return { domainMax: 1, ticks: [{ value: 0, label: zero }] };
  const rough = inUnit / targetCount;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  const count = Math.max(1, Math.ceil(inUnit / step - 1e-9));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (step / magnitude === 2.5 ? 1 : 0));
  const ticks: Array<{ value: number; label: string }> = [];
  for (let i = 0; i <= count; i++) {
    const v = Number((i * step).toFixed(decimals));
    ticks.push({ value: v * scale, label: i === 0 ? zero : label(v, decimals) });
  }
  return { domainMax: count * step * scale, ticks };
}

/** Axis ticks over [0, max] bytes at a 1-2-5 step in one binary unit, labelled like `500 MiB`. */
export function byteTicks(maxBytes: number, targetCount = 5): Ticks {
  let unit = 0;
  while (unit < UNITS.length - 1 && maxBytes >= 1024 ** (unit + 1)) unit++;
  return niceTicks(maxBytes, 1024 ** unit, targetCount, '0', (v) => `${v} ${UNITS[unit]}`);
}

/** Axis ticks over [0, max] US dollars at a 1-2-5 step, labelled like `$250` or `$0.25`. */
export function usdTicks(maxUsd: number, targetCount = 5): Ticks {
  // Cents are shown whole: $0.10, not $0.1.
  return niceTicks(maxUsd, 1, targetCount, '$0', (v, decimals) => {
    const d = decimals > 0 ? Math.max(2, decimals) : 0;
    return `$${v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })}`;
  });
}

// ---------------------------------------------------------------------------------------------
// Charts

const CHART_WIDTH = 960;
/** Longest repository label beside the bars; longer names end in `…` (the tooltip has them whole). */
const LABEL_CHARS = 30;

/** Horizontal grouped bars: stored versus reclaimable bytes for each of `repositories`. */
function topChart(repositories: readonly RepositoryReport[]): string {
  // Room for a 30-character name at 12px (about 205 units) right of the rotated axis title.
  const left = 260;
  const right = 96;
  const top = 36;
  const bottom = 56;
  const rowHeight = 36;
  const plotWidth = CHART_WIDTH - left - right;
  const plotHeight = Math.max(1, repositories.length) * rowHeight;
  const height = top + plotHeight + bottom;
  const max = Math.max(0, ...repositories.map((r) => Math.max(r.storedBytes, r.reclaimableBytes)));
  const { domainMax, ticks } = byteTicks(max);
  const x = (bytes: number): number => (Math.max(0, bytes) / domainMax) * plotWidth;

  const parts: string[] = [];
  parts.push(
    `<svg data-testid="chart-top" class="chart" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-labelledby="chart-top-title chart-top-desc">`,
    `<title id="chart-top-title">Stored versus reclaimable bytes, top ${repositories.length} repositories</title>`,
    `<desc id="chart-top-desc">For each repository, the upper bar is the compressed bytes ECR bills for and the lower bar the bytes its lifecycle policy (or the proposed default) would reclaim.</desc>`,
  );
  // Legend.
  parts.push(
    `<g class="legend" transform="translate(${left},14)">`,
    `<rect class="swatch-stored" x="0" y="-9" width="12" height="12" rx="2"/><text x="18" y="1">Stored (billed)</text>`,
    `<rect class="swatch-reclaimable" x="130" y="-9" width="12" height="12" rx="2"/><text x="148" y="1">Reclaimable</text>`,
    `</g>`,
  );
  // Grid and x axis.
  parts.push(`<g class="grid">`);
  for (const t of ticks)
    parts.push(`<line x1="${n(left + x(t.value))}" x2="${n(left + x(t.value))}" y1="${top}" y2="${top + plotHeight}"/>`);
  parts.push(
    `</g>`,
    `<g class="axis axis-x">`,
    `<line x1="${left}" x2="${left + plotWidth}" y1="${top + plotHeight}" y2="${top + plotHeight}"/>`,
  );
  for (const t of ticks) {
    parts.push(`<text x="${n(left + x(t.value))}" y="${top + plotHeight + 18}" text-anchor="middle">${h(t.label)}</text>`);
  }
  parts.push(
    `<text class="axis-title" x="${n(left + plotWidth / 2)}" y="${top + plotHeight + 44}" text-anchor="middle">Compressed bytes (binary units)</text>`,
    `</g>`,
    `<g class="axis axis-y"><line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotHeight}"/>`,
    `<text class="axis-title" transform="translate(14,${n(top + plotHeight / 2)}) rotate(-90)" text-anchor="middle">Repository</text></g>`,
  );

  if (repositories.length === 0) {
    parts.push(
      `<text class="empty" x="${n(left + plotWidth / 2)}" y="${top + rowHeight / 2 + 4}" text-anchor="middle">No repositories audited.</text>`,
    );
  }
  repositories.forEach((r, i) => {
    const y = top + i * rowHeight;
    const label = `${r.repositoryName} (${r.region})`;
    const storedWidth = x(r.storedBytes);
    const reclaimWidth = x(r.reclaimableBytes);
    parts.push(
      `<g class="bar-pair" data-repository="${h(r.repositoryName)}" data-region="${h(r.region)}">`,
      `<title>${h(label)}</title>`,
      `<text class="repo-label" x="${left - 8}" y="${y + 15}" text-anchor="end">${h(truncate(r.repositoryName, LABEL_CHARS))}</text>`,
      `<text class="repo-region" x="${left - 8}" y="${y + 28}" text-anchor="end">${h(r.region)}</text>`,
      `<rect class="bar-stored" x="${left}" y="${y + 5}" width="${n(storedWidth)}" height="12" rx="2"><title>${h(`${label}: stored ${formatBytes(r.storedBytes)} (${formatUsd(r.monthlyCostUsd)}/month)`)}</title></rect>`,
      `<rect class="bar-reclaimable" x="${left}" y="${y + 19}" width="${n(reclaimWidth)}" height="12" rx="2"><title>${h(`${label}: reclaimable ${formatBytes(r.reclaimableBytes)} (${formatUsd(r.monthlySavingsUsd)}/month)`)}</title></rect>`,
      `<text class="bar-value" x="${n(left + storedWidth + 6)}" y="${y + 15}">${h(formatBytes(r.storedBytes))}</text>`,
      `<text class="bar-value" x="${n(left + reclaimWidth + 6)}" y="${y + 29}">${h(formatBytes(r.reclaimableBytes))}</text>`,
      `</g>`,
    );
  });
  parts.push(`</svg>`);
  return parts.join('\n');
}

/** Parses a trend date for the time axis; NaN when it cannot. */
function dateValue(date: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : date);
}

/** One line of a trend chart. */
interface TrendSeries {
  /** `stored`, `reclaimable` or `cost`: the CSS class suffix and `data-series`. */
  key: string;
  label: string;
  value: (p: TrendPoint) => number | undefined;
  format: (value: number) => string;
}

/** What a trend chart shows: bytes (stored, reclaimable) or the monthly cost. */
interface TrendChartSpec {
  testId: string;
  title: string;
  axisTitle: string;
  series: TrendSeries[];
  ticks: (max: number) => Ticks;
}

const BYTES_TREND: TrendChartSpec = {
  testId: 'chart-trend',
  title: 'Stored and reclaimable bytes',
  axisTitle: 'Compressed bytes',
  series: [
    { key: 'stored', label: 'Stored (billed)', value: (p) => p.storedBytes, format: (v) => formatBytes(v) },
    { key: 'reclaimable', label: 'Reclaimable', value: (p) => p.reclaimableBytes, format: (v) => formatBytes(v) },
    // What lifecycle policies freed each week (the ledger's realized savings); a gap for weeks without.
    { key: 'freed', label: 'Freed', value: (p) => p.freedBytes, format: (v) => formatBytes(v) },
  ],
  ticks: (max) => byteTicks(max),
};

const COST_TREND: TrendChartSpec = {
  testId: 'chart-trend-cost',
  title: 'Monthly storage cost',
  axisTitle: 'USD per month',
  series: [{ key: 'cost', label: 'Monthly cost', value: (p) => p.monthlyCostUsd, format: (v) => `${formatUsd(v)}/month` }],
  ticks: (max) => usdTicks(max),
};

/** A line chart over the weeks in `history` (two or more). */
function trendChart(history: readonly TrendPoint[], spec: TrendChartSpec): string {
  const left = 84;
  const right = 24;
  const top = 36;
  const bottom = 56;
  const plotHeight = 220;
  const plotWidth = CHART_WIDTH - left - right;
  const height = top + plotHeight + bottom;

  const times = history.map((p) => dateValue(p.date));
  const useTime = times.every(Number.isFinite) && new Set(times).size === times.length;
  // Dates that parse (and differ) place the points in time; otherwise they are spaced evenly in input order.
  const points = history.map((p, i) => ({ p, t: useTime ? (times[i] ?? i) : i }));
  if (useTime) points.sort((a, b) => a.t - b.t);
  const t0 = points[0]?.t ?? 0;
  const t1 = points[points.length - 1]?.t ?? 1;
  const span = t1 - t0 || 1;
  const x = (t: number): number => left + ((t - t0) / span) * plotWidth;
  let max = 0;
  for (const { p } of points) for (const series of spec.series) max = Math.max(max, series.value(p) ?? 0);
  const { domainMax, ticks } = spec.ticks(max);
  const y = (value: number): number => top + plotHeight - (Math.max(0, value) / domainMax) * plotHeight;

  const parts: string[] = [];
  parts.push(
    `<svg data-testid="${spec.testId}" class="chart" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-labelledby="${spec.testId}-title">`,
    `<title id="${spec.testId}-title">${h(spec.title)} over ${points.length} weeks</title>`,
    `<g class="legend" transform="translate(${left},14)">`,
  );
  spec.series.forEach((series, i) => {
    parts.push(
      `<rect class="swatch-${series.key}" x="${i * 130}" y="-9" width="12" height="12" rx="2"/><text x="${i * 130 + 18}" y="1">${h(series.label)}</text>`,
    );
  });
  parts.push(`</g>`, `<g class="grid">`);
  for (const t of ticks) parts.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${n(y(t.value))}" y2="${n(y(t.value))}"/>`);
  parts.push(`</g>`, `<g class="axis axis-y"><line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotHeight}"/>`);
  for (const t of ticks) parts.push(`<text x="${left - 8}" y="${n(y(t.value) + 4)}" text-anchor="end">${h(t.label)}</text>`);
  parts.push(
    `<text class="axis-title" transform="translate(14,${n(top + plotHeight / 2)}) rotate(-90)" text-anchor="middle">${h(spec.axisTitle)}</text></g>`,
    `<g class="axis axis-x"><line x1="${left}" x2="${left + plotWidth}" y1="${top + plotHeight}" y2="${top + plotHeight}"/>`,
  );
  // Label at most about ten dates so that they never overlap.
  const every = Math.max(1, Math.ceil(points.length / 10));
  const last = points.length - 1;
  points.forEach(({ p, t }, i) => {
    // Every `every`-th date and the last one, but no date right before the last, which it would overlap.
    if (i !== last && (i % every !== 0 || last - i < every)) return;
    const anchor = i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle';
    parts.push(`<text x="${n(x(t))}" y="${top + plotHeight + 18}" text-anchor="${anchor}">${h(truncate(p.date.slice(0, 10), 10))}</text>`);
  });
  parts.push(
    `<text class="axis-title" x="${n(left + plotWidth / 2)}" y="${top + plotHeight + 44}" text-anchor="middle">Audit date</text></g>`,
  );

  for (const [index, series] of spec.series.entries()) {
    // A week whose entry did not record the value (an older history) leaves a gap in the line.
    const known = points.filter(({ p }) => series.value(p) !== undefined);
    const coords = known.map(({ p, t }) => `${n(x(t))},${n(y(series.value(p) ?? 0))}`).join(' ');
    if (index === 0 && known.length > 0) {
      const first = known[0]?.t ?? t0;
      const last = known[known.length - 1]?.t ?? t1;
      parts.push(
        `<polygon class="area-${series.key}" points="${n(x(first))},${top + plotHeight} ${coords} ${n(x(last))},${top + plotHeight}"/>`,
      );
    }
    parts.push(`<polyline class="line-${series.key}" data-series="${series.key}" points="${coords}"/>`);
    for (const { p, t } of known) {
      const value = series.value(p) ?? 0;
      const text = `${p.date}: ${series.key} ${series.format(value)}`;
      parts.push(`<circle class="dot-${series.key}" cx="${n(x(t))}" cy="${n(y(value))}" r="3.5"><title>${h(text)}</title></circle>`);
    }
  }
  parts.push(`</svg>`);
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Page

const STYLE = `
:root{color-scheme:light;--fg:#1f2933;--muted:#616e7c;--border:#e4e7eb;--bg:#fff;--panel:#f7f8fa;--stored:#3a66c4;--reclaim:#e07b2e;--cost:#7a4fb5;--ok:#1b7a4a;--warn:#9c6511;--bad:#b42323}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;-webkit-text-size-adjust:100%}
main{max-width:1200px;margin:0 auto;padding:32px 24px 48px}
h1{font-size:26px;line-height:1.2;margin:0 0 6px}
h2{font-size:18px;margin:36px 0 12px}
p{margin:0 0 8px}
.meta{color:var(--muted);font-size:13px}
.meta span+span::before{content:"·";margin:0 8px;color:var(--border)}
.headline{font-size:16px;margin:16px 0 0}
.cards{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:12px;margin:20px 0 0}
.card{background:var(--panel);border:1px solid var(--border);border-left:4px solid var(--border);border-radius:8px;padding:12px 14px}
.card.key{border-left:4px solid var(--stored)}
.card.save{border-left:4px solid var(--reclaim)}
.card .label{color:var(--muted);font-size:12px;letter-spacing:.03em;text-transform:uppercase}
.card .value{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums;white-space:nowrap}
.card .sub{color:var(--muted);font-size:12px}
figure{margin:0;border:1px solid var(--border);border-radius:8px;padding:12px 12px 4px;overflow-x:auto}
figcaption{color:var(--muted);font-size:12px;margin-top:4px}
/* On a phone the charts scroll sideways in their frame rather than shrink their text to a few pixels. */
svg.chart{display:block;width:100%;min-width:640px;height:auto;font-family:inherit}
svg.chart text{font-size:12px;fill:var(--fg)}
svg.chart .repo-region,svg.chart .bar-value{font-size:11px;fill:var(--muted)}
svg.chart .axis-title{font-size:12px;fill:var(--muted)}
svg.chart .axis line{stroke:#9aa5b1}
svg.chart .grid line{stroke:var(--border)}
svg.chart .bar-stored,svg.chart .dot-stored,svg.chart .swatch-stored{fill:var(--stored)}
svg.chart .bar-reclaimable,svg.chart .dot-reclaimable,svg.chart .swatch-reclaimable{fill:var(--reclaim)}
svg.chart .bar-pair:hover rect{opacity:.8}
svg.chart .line-stored{fill:none;stroke:var(--stored);stroke-width:2}
svg.chart .line-reclaimable{fill:none;stroke:var(--reclaim);stroke-width:2}
svg.chart .area-stored{fill:var(--stored);opacity:.08}
svg.chart .line-cost{fill:none;stroke:var(--cost);stroke-width:2}
svg.chart .dot-cost,svg.chart .swatch-cost{fill:var(--cost)}
svg.chart .area-cost{fill:var(--cost);opacity:.08}
.up{color:var(--bad)}
.down{color:var(--ok)}
.muted{color:var(--muted)}
td.bad{color:var(--bad)}
svg.spark{display:block}
svg.spark polyline{fill:none;stroke:var(--stored);stroke-width:1.5}
.card.archive{border-left:4px solid var(--cost)}
pre.rule{margin:6px 0 0;padding:8px 10px;background:var(--panel);border:1px solid var(--border);border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px}
.groups{display:grid;gap:20px}
.groups h3{font-size:14px;margin:0 0 6px}
.table-wrap{overflow-x:auto;border:1px solid var(--border);border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}
th,td{padding:6px 10px;border-bottom:1px solid var(--border);text-align:left;white-space:nowrap;vertical-align:top}
thead th{background:var(--panel);color:var(--muted);font-size:12px;font-weight:600}
tbody tr:nth-child(even){background:#fbfbfc}
tbody tr:last-child td{border-bottom:none}
tfoot td{font-weight:600;border-top:2px solid var(--border);border-bottom:none}
.num{text-align:right}
td.repo{white-space:normal;overflow-wrap:anywhere;min-width:180px}
.badge{display:inline-block;border-radius:999px;padding:0 8px;font-size:12px;font-weight:500;white-space:nowrap}
.badge.ok{background:#e2f4ea;color:var(--ok)}
.badge.missing{background:#fbe6e6;color:var(--bad)}
.badge.no-untagged-rule{background:#fcf0dc;color:var(--warn)}
.tag{color:var(--muted);font-size:12px;margin-left:6px}
.errors td.msg,.warnings td.msg{white-space:normal;overflow-wrap:anywhere}
.callout{margin:20px 0 0;border:1px solid var(--border);border-left:4px solid var(--warn);border-radius:8px;background:#fdf7ec;padding:12px 14px}
.callout h2{font-size:16px;margin:0 0 6px}
.callout .table-wrap{margin-top:8px;background:var(--bg)}
details{margin-top:8px}
summary{cursor:pointer;color:var(--muted)}
footer{margin-top:40px;color:var(--muted);font-size:12px}
@media (max-width:800px){.cards{grid-template-columns:repeat(2,minmax(0,1fr))}}
@media (max-width:640px){main{padding:20px 12px}.card .value{font-size:18px}}
@media print{
@page{margin:14mm}
body{font-size:11px;-webkit-print-color-adjust:exact;print-color-adjust:exact}
main{max-width:none;padding:0}
figure{overflow:visible}
svg.chart{min-width:0}
h2{break-after:avoid}
.card,figure,tr{break-inside:avoid}
.table-wrap{overflow:visible;border:none}
thead{display:table-header-group}
th,td{padding:3px 6px}
details{display:block}
summary{display:none}
}
`;

/** `<span>2 errors</span>` for the header line; nothing when there are none. */
function countSpan(n: number, noun: string): string {
  return n === 0 ? '' : `<span>${h(formatCount(n))} ${noun}${n === 1 ? '' : 's'}</span>`;
}

function card(testId: string, label: string, value: string, raw: number, sub?: string, kind?: 'key' | 'save' | 'archive'): string {
  return [
    `<div class="card${kind === undefined ? '' : ` ${kind}`}">`,
    `<div class="label">${h(label)}</div>`,
    `<div class="value" data-testid="${testId}" data-value="${h(String(raw))}">${h(value)}</div>`,
    sub === undefined ? '' : `<div class="sub">${h(sub)}</div>`,
    `</div>`,
  ].join('');
}

function repositoryTable(report: AuditReport, repositories: readonly RepositoryReport[]): string {
  const t = report.totals;
  const several = coversSeveralAccounts(report);
  const head = [
    ...(several ? ['Account'] : []),
    'Region',
    'Repository',
    'Policy',
    'Images',
    'Untagged',
    'Archived',
    'To remove',
    'Stored',
    'Reclaimable',
    '$/month',
    'Savings/month',
    'Archivable',
  ];
  const shift = several ? 1 : 0;
  const numeric = new Set([3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => i + shift));
  const rows = repositories.map((r) => {
    const notes = [r.optedOut ? 'opted out' : '', r.excluded ? 'excluded' : ''].filter((x) => x !== '');
    const policy = `<span class="badge ${h(r.policyStatus)}">${h(policyLabel({ ...r, optedOut: false, excluded: false }))}</span>${notes.map((x) => `<span class="tag">${h(x)}</span>`).join('')}`;
    return [
      `<tr data-testid="repository-row">`,
      several ? `<td>${h(r.accountId)}</td>` : '',
      `<td>${h(r.region)}</td>`,
      `<td class="repo">${h(r.repositoryName)}</td>`,
      `<td>${policy}</td>`,
      `<td class="num">${h(formatCount(r.images))}</td>`,
      `<td class="num">${h(formatCount(r.untaggedImages))}</td>`,
      `<td class="num">${h(formatCount(r.archivedImages))}</td>`,
      `<td class="num">${h(formatCount(r.doomedImages))}</td>`,
      `<td class="num" data-value="${r.storedBytes}">${h(formatBytes(r.storedBytes))}</td>`,
      `<td class="num" data-value="${r.reclaimableBytes}">${h(formatBytes(r.reclaimableBytes))}</td>`,
      `<td class="num">${h(formatUsd(r.monthlyCostUsd))}</td>`,
      `<td class="num">${h(formatUsd(r.monthlySavingsUsd))}</td>`,
      `<td class="num" data-value="${r.archivableBytes}">${h(formatBytes(r.archivableBytes))}</td>`,
      `</tr>`,
    ].join('');
  });
  const sum = (pick: (r: RepositoryReport) => number): number => repositories.reduce((s, r) => s + pick(r), 0);
  const foot = [
    `<tr><td colspan="${3 + shift}">Total (${h(formatCount(repositories.length))} repositories)</td>`,
    `<td class="num">${h(formatCount(t.images))}</td>`,
    `<td class="num">${h(formatCount(t.untaggedImages))}</td>`,
    `<td class="num">${h(formatCount(sum((r) => r.archivedImages)))}</td>`,
    `<td class="num">${h(formatCount(sum((r) => r.doomedImages)))}</td>`,
    `<td class="num">${h(formatBytes(t.storedBytes))}</td>`,
    `<td class="num">${h(formatBytes(t.reclaimableBytes))}</td>`,
    `<td class="num">${h(formatUsd(t.monthlyCostUsd))}</td>`,
    `<td class="num">${h(formatUsd(t.monthlySavingsUsd))}</td>`,
    `<td class="num">${h(formatBytes(t.archivableBytes))}</td></tr>`,
  ].join('');
  return [
    `<div class="table-wrap"><table data-testid="repositories">`,
    `<thead><tr>${head.map((x, i) => `<th scope="col"${numeric.has(i) ? ' class="num"' : ''}>${h(x)}</th>`).join('')}</tr></thead>`,
    `<tbody>`,
    ...rows,
    `</tbody>`,
    `<tfoot>${foot}</tfoot>`,
    `</table></div>`,
  ].join('\n');
}

function notReachedSection(report: AuditReport): string {
  if (report.complete) return '';
  const several = coversSeveralAccounts(report);
  const rows = report.notReached.map(
    (n) =>
      `<tr>${several ? `<td>${h(n.accountId ?? '')}</td>` : ''}<td>${h(n.region)}</td><td class="repo">${n.repositoryName === undefined ? '<em>the whole region</em>' : h(n.repositoryName)}</td><td>${h(n.reason)}</td></tr>`,
  );
  return [
    `<section data-testid="not-reached" class="errors">`,
    `<h2>Not reached (${h(formatCount(report.notReached.length + report.errors.filter(isAccountFailure).length))})</h2>`,
    `<p><strong>Incomplete:</strong> ${h(incompleteSentence(report))} The totals above cover only what was read.</p>`,
    rows.length === 0
      ? ''
      : [
          `<div class="table-wrap"><table><thead><tr>${several ? '<th scope="col">Account</th>' : ''}<th scope="col">Region</th><th scope="col">Repository</th><th scope="col">Why</th></tr></thead><tbody>`,
          ...rows,
          `</tbody></table></div>`,
        ].join('\n'),
    `</section>`,
  ].join('\n');
}

function errorsSection(report: AuditReport): string {
  if (report.errors.length === 0) return '';
  const several = coversSeveralAccounts(report);
  const rows = report.errors.map(
    (e) =>
      `<tr>${several ? `<td>${h(e.accountId ?? '')}</td>` : ''}<td>${e.region === '' ? `<em>${h(WHOLE_ACCOUNT)}</em>` : h(e.region)}</td><td class="repo">${e.repositoryName !== undefined ? h(e.repositoryName) : e.source !== undefined ? `<em>in-use source ${h(e.source)}</em>` : e.region === '' ? '<em>nothing read</em>' : '<em>repository listing</em>'}</td><td>${h(e.code)}</td><td class="msg">${h(e.message)}</td></tr>`,
  );
  return [
    `<section data-testid="errors" class="errors">`,
    `<h2>Errors (${h(formatCount(report.errors.length))})</h2>`,
    `<p>The run went on without these parts; their numbers are missing from the totals above.</p>`,
    `<div class="table-wrap"><table><thead><tr>${several ? '<th scope="col">Account</th>' : ''}<th scope="col">Region</th><th scope="col">Repository</th><th scope="col">Error</th><th scope="col">Message</th></tr></thead><tbody>`,
    ...rows,
    `</tbody></table></div>`,
    `</section>`,
  ].join('\n');
}

function findingsSection(report: AuditReport): string {
  const located = locatedFindings(report.repositories);
  if (located.length === 0) return '';
  const rows = located.map(
    ({ region, repositoryName, finding }) =>
      `<tr data-testid="finding-row"><td>${h(region)}</td><td class="repo">${h(repositoryName)}</td><td>${h(finding.severity)}</td><td>${h(finding.code)}</td><td>${h(findingRule(finding))}</td><td class="msg">${h(finding.message)}</td></tr>`,
  );
  return [
    `<section data-testid="findings" class="warnings">`,
    `<h2>Policy findings (${h(formatCount(located.length))} in ${h(formatCount(report.totals.repositoriesWithFindings))} ${report.totals.repositoriesWithFindings === 1 ? 'repository' : 'repositories'})</h2>`,
    `<p>${h(`${FINDINGS_NOTE.charAt(0).toUpperCase()}${FINDINGS_NOTE.slice(1)}`)}</p>`,
    `<div class="table-wrap"><table><thead><tr><th scope="col">Region</th><th scope="col">Repository</th><th scope="col">Severity</th><th scope="col">Finding</th><th scope="col">Rule</th><th scope="col">Message</th></tr></thead><tbody>`,
    ...rows,
    `</tbody></table></div>`,
    `</section>`,
  ].join('\n');
}

function warningsSection(report: AuditReport): string {
  if (report.warnings.length === 0) return '';
  const several = coversSeveralAccounts(report);
  const rows = report.warnings.map(
    (w) =>
      `<tr>${several ? `<td>${h(w.accountId ?? '')}</td>` : ''}<td>${h(w.region)}</td><td class="repo">${h(w.repositoryName || REGISTRY_WIDE)}</td><td>${h(w.code)}</td><td class="msg">${h(w.message)}</td></tr>`,
  );
  return [
    `<section data-testid="warnings" class="warnings">`,
    `<h2>Warnings (${h(formatCount(report.warnings.length))})</h2>`,
    `<p>Things that need a person and do not change the totals: a lifecycle policy that cannot be evaluated or merged into (fix it by hand), or a registry whose pull times the audit refreshes (register the audit role as the message says).</p>`,
    `<div class="table-wrap"><table><thead><tr>${several ? '<th scope="col">Account</th>' : ''}<th scope="col">Region</th><th scope="col">Repository</th><th scope="col">Warning</th><th scope="col">Message</th></tr></thead><tbody>`,
    ...rows,
    `</tbody></table></div>`,
    `</section>`,
  ].join('\n');
}

/** A callout under the totals when some policy expires signatures, SBOMs or attestations of kept images. */
function referrersAtRiskCallout(report: AuditReport): string {
  const repositories = withReferrersAtRisk(report.repositories);
  if (repositories.length === 0) return '';
  const n = report.totals.referrersAtRisk;
  const rows = repositories.map(
    (r) =>
      `<tr><td>${h(r.region)}</td><td class="repo">${h(r.repositoryName)}</td><td>${h(policyLabel(r))}</td><td class="num">${h(formatCount(r.referrers))}</td><td class="num">${h(formatCount(r.referrersAtRisk))}</td></tr>`,
  );
  return [
    `<section data-testid="referrers-at-risk" class="callout" role="note">`,
    `<h2><span data-testid="total-referrers-at-risk" data-value="${h(String(n))}">${h(formatCount(n))}</span> ${n === 1 ? 'referrer' : 'referrers'} at risk</h2>`,
    `<p>${h(`${REFERRERS_AT_RISK_NOTE.charAt(0).toUpperCase()}${REFERRERS_AT_RISK_NOTE.slice(1)}`)}</p>`,
    `<div class="table-wrap"><table><thead><tr><th scope="col">Region</th><th scope="col">Repository</th><th scope="col">Policy</th><th scope="col" class="num">Referrers</th><th scope="col" class="num">At risk</th></tr></thead><tbody>`,
    ...rows,
    `</tbody></table></div>`,
    `</section>`,
  ].join('\n');
}

/** A callout listing every in-use image at risk with its consumers, the rule and what the guard did. */
function inUseAtRiskSection(report: AuditReport): string {
  const images = atRiskImagesOf(report);
  const guard = guardLine(report);
  if (images.length === 0) return guard === undefined ? '' : `<p class="meta" data-testid="guard">${h(guard)}</p>`;
  const t = report.totals;
  const rows = images.map(
    (i) =>
      `<tr data-testid="in-use-at-risk-row"><td>${h(i.region)}</td><td class="repo">${h(i.repositoryName)}</td><td class="msg"><code>${h(i.imageDigest)}</code></td><td class="msg">${i.consumers.map((c) => h(c)).join('<br>')}</td><td class="msg">${h(i.rule)}</td><td>${h(atRiskStatus(i))}</td></tr>`,
  );
  return [
    `<section data-testid="in-use-at-risk" class="callout" role="note">`,
    `<h2><span data-testid="total-in-use-at-risk" data-value="${h(String(images.length))}">${h(formatCount(images.length))}</span> ${images.length === 1 ? 'image' : 'images'} in use at risk; <span data-testid="total-repositories-held" data-value="${h(String(t.repositoriesHeld))}">${h(formatCount(t.repositoriesHeld))}</span> ${t.repositoriesHeld === 1 ? 'repository' : 'repositories'} held</h2>`,
    `<p>${h(`${IN_USE_AT_RISK_NOTE.charAt(0).toUpperCase()}${IN_USE_AT_RISK_NOTE.slice(1)}`)}${guard === undefined ? '' : ` ${h(guard)}.`}</p>`,
    `<div class="table-wrap"><table><thead><tr><th scope="col">Region</th><th scope="col">Repository</th><th scope="col">Image</th><th scope="col">Used by</th><th scope="col">Removed by</th><th scope="col">Status</th></tr></thead><tbody>`,
    ...rows,
    `</tbody></table></div>`,
    `</section>`,
  ].join('\n');
}

function apiCallsSection(report: AuditReport): string {
  const operations = Object.keys(report.apiCalls)
    .filter((op) => op !== 'total')
    .sort();
  if (operations.length === 0) return '';
  const rows = operations.map(
    (op) =>
      `<tr><td>${h(op)}</td><td class="num">${h(formatCount(report.apiCalls[op] ?? 0))}</td><td class="num">${h(formatCount(report.apiRetries[op] ?? 0))}</td></tr>`,
  );
  const total = report.apiCalls.total ?? operations.reduce((s, op) => s + (report.apiCalls[op] ?? 0), 0);
  return [
    `<details data-testid="api-calls"><summary>AWS API calls: ${h(formatCount(total))}</summary>`,
    `<div class="table-wrap"><table><thead><tr><th scope="col">Operation</th><th scope="col" class="num">Calls</th><th scope="col" class="num">Retries</th></tr></thead><tbody>`,
    ...rows,
    `</tbody></table></div></details>`,
  ].join('\n');
}

/** `+1.2 GiB` / `-300 MiB` / `±0 B`, in a span coloured by direction (more cost is bad). */
function bytesChange(bytes: number): string {
  const text = bytes > 0 ? `+${formatBytes(bytes)}` : bytes < 0 ? formatBytes(bytes) : '±0 B';
  return `<span class="${bytes > 0 ? 'up' : bytes < 0 ? 'down' : 'muted'}">${h(text)}</span>`;
}

function usdChange(usd: number): string {
  return `<span class="${usd > 0 ? 'up' : usd < 0 ? 'down' : 'muted'}">${h(formatUsdChange(usd))}</span>`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A small line of an account's weekly stored bytes (two points or more), for the per-account table. */
function sparkline(points: readonly TrendPoint[]): string {
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
function accountsSection(report: AuditReport, options: HtmlOptions): string {
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

/** Cost by owner: one table per grouping, largest cost first, with the change on last week. */
function costGroupsSection(report: AuditReport, previous: HistoryEntry | undefined): string {
  if (report.costGroups.length === 0) return '';
  const changes = costGroupChanges(report.costGroups, previous);
  const tables: string[] = [];
  for (const by of reportGroupings(report)) {
    const groups = changes.filter((g) => g.by === by);
    const rows = groups.map((g) => {
      const change =
        g.change !== null
          ? `${usdChange(g.change.monthlyCostUsd)} <span class="muted">(${bytesChange(g.change.storedBytes)})</span>`
          : `<span class="muted">${g.status === 'new' ? 'new' : '–'}</span>`;
      return [
        `<tr data-testid="cost-group-row" data-by="${h(g.by)}" data-value="${h(g.value)}">`,
        `<td class="repo">${h(g.value)}</td>`,
        `<td class="num">${h(formatCount(g.repositories))}</td>`,
        `<td class="num" data-value="${g.storedBytes}">${h(formatBytes(g.storedBytes))}</td>`,
        `<td class="num">${h(formatUsd(g.monthlyCostUsd))}</td>`,
        `<td class="num" data-testid="cost-group-change">${change}</td>`,
        `<td class="num">${h(formatBytes(g.reclaimableBytes))}</td>`,
        `<td class="num">${h(formatUsd(g.monthlySavingsUsd))}</td>`,
        `</tr>`,
      ].join('');
    });
    tables.push(
      [
        `<div data-testid="cost-groups-${h(by)}">`,
        `<h3>By ${h(groupingLabel(by))}</h3>`,
        `<div class="table-wrap"><table><thead><tr><th scope="col">${h(capitalised(groupingLabel(by)))}</th><th scope="col" class="num">Repositories</th><th scope="col" class="num">Stored</th><th scope="col" class="num">$/month</th><th scope="col" class="num">On last week</th><th scope="col" class="num">Reclaimable</th><th scope="col" class="num">Savings/month</th></tr></thead><tbody>`,
        ...rows,
        `</tbody></table></div>`,
        `</div>`,
      ].join('\n'),
    );
  }
  const intro =
    previous === undefined
      ? 'No history yet: the change on last week shows from the next weekly report on.'
      : `Change on the report of ${previous.date}. Repositories of every region with the same owner form one group.`;
  return [
    `<section data-testid="cost-groups">`,
    `<h2>Cost by owner</h2>`,
    `<p>${h(intro)}</p>`,
    `<div class="groups">`,
    ...tables,
    `</div>`,
    `</section>`,
  ].join('\n');
}

/** The trend: weekly charts of bytes and cost, or "no history yet". */
function trendSection(history: readonly TrendPoint[]): string {
  if (history.length < 2) {
    return [
      `<section data-testid="trend">`,
      `<h2>Trend</h2>`,
      `<p data-testid="no-history">No history yet: the weekly report keeps one row a week, and the trend draws from the second week on.</p>`,
      `</section>`,
    ].join('\n');
  }
  return [
    `<section data-testid="trend">`,
    `<h2>Trend</h2>`,
    `<figure>`,
    trendChart(history, BYTES_TREND),
    `<figcaption>Stored and reclaimable bytes, and the bytes lifecycle policies freed each week, of the last ${h(formatCount(history.length))} weekly reports (up to ${TREND_WEEKS} weeks).</figcaption>`,
    `</figure>`,
    `<figure>`,
    trendChart(history, COST_TREND),
    `<figcaption>Monthly storage cost of the same reports.</figcaption>`,
    `</figure>`,
    `</section>`,
  ].join('\n');
}

/** Archive savings: what a transition rule would move, the suggested rule per repository, and the caveats. */
function archiveSection(report: AuditReport): string {
  const t = report.totals;
  const repositories = report.repositories
    .filter((r) => r.archivableBytes > 0)
    .sort(
      (a, b) =>
        b.archivableBytes - a.archivableBytes || a.region.localeCompare(b.region) || a.repositoryName.localeCompare(b.repositoryName),
    );
  const saving =
    t.monthlyArchiveSavingsUsd === null
      ? 'No archive price was given, so the saving is not priced: set the archive price (see the README) to see it.'
      : `At ${formatPrice(report.archivePricePerGbMonth ?? 0)} in the archive class that saves ${formatUsd(t.monthlyArchiveSavingsUsd)} a month.`;
  const rows = repositories.map((r) => {
    const rule =
      r.archiveRuleSuggestion === null
        ? '<span class="muted">the policy’s own transition rules</span>'
        : `<details><summary>rule to add</summary><pre class="rule">${h(r.archiveRuleSuggestion)}</pre></details>`;
    return `<tr data-testid="archive-row"><td>${h(r.region)}</td><td class="repo">${h(r.repositoryName)}</td><td class="num" data-value="${r.archivableBytes}">${h(formatBytes(r.archivableBytes))}</td><td class="msg">${rule}</td></tr>`;
  });
  return [
    `<section data-testid="archive">`,
    `<h2>Archive savings</h2>`,
    `<p>${h(`${formatBytes(t.archivableBytes)} in ${formatCount(repositories.length)} ${repositories.length === 1 ? 'repository' : 'repositories'} belong to images not pulled for ${report.archiveAfterDays} days that the lifecycle policies keep, and that a transition rule would move to the archive class. ${saving}`)}</p>`,
    `<p class="muted">${h(`The janitor only suggests the rule; it never writes one. Archived images cannot be pulled until restored, and ECR charges an archived image for at least ${ARCHIVE_MINIMUM_CHARGE_DAYS} days.`)}</p>`,
    repositories.length === 0
      ? ''
      : [
          `<div class="table-wrap"><table><thead><tr><th scope="col">Region</th><th scope="col">Repository</th><th scope="col" class="num">Archivable</th><th scope="col">Suggested transition rule</th></tr></thead><tbody>`,
          ...rows,
          `</tbody></table></div>`,
        ].join('\n'),
    `</section>`,
  ].join('\n');
}

/**
 * The audit as one self-contained HTML page: totals, the referrers at risk (when any), the in-use
 * images at risk with their consumers (when any), a bar chart
 * of the repositories with the most reclaimable bytes, a weekly trend chart when `history` has two
 * or more points, every repository, and the errors and warnings (when any). No external scripts, styles, fonts or images; every report text is escaped, and a
 * Content-Security-Policy forbids scripts should anything slip through.
 *
 * @example await writeFile('audit.html', renderHtml(report, { history }));
 */
export function renderHtml(report: AuditReport, options: HtmlOptions = {}): string {
  const t = report.totals;
  const title = options.title ?? 'ECR storage audit';
  const limit = Math.max(0, Math.floor(options.chartLimit ?? CHART_LIMIT));
  const repositories = byReclaimable(report.repositories);
  const top = repositories.slice(0, limit);
  const history = options.history ?? [];
  const regions = [...new Set(repositories.map((r) => r.region))].sort();

  const headline =
    `${formatCount(t.repositoriesWithoutUntaggedCleanup)} of ${formatCount(t.repositories)} repositories do not clean up untagged images; ` +
    `${formatBytes(t.reclaimableBytes)} (${formatPercent(t.reclaimableBytes, t.storedBytes)} of stored) could be reclaimed, saving ${formatUsd(t.monthlySavingsUsd)} a month.`;

  // Money first (what it costs, what cleaning saves), then the counts that explain it.
  const cards = [
    card('total-stored', 'Stored (billed)', formatBytes(t.storedBytes), t.storedBytes, `naive sum ${formatBytes(t.naiveBytes)}`, 'key'),
    card('total-monthly-cost', 'Monthly cost', formatUsd(t.monthlyCostUsd), t.monthlyCostUsd, formatPrice(report.pricePerGbMonth), 'key'),
    card(
      'total-reclaimable',
      'Reclaimable',
      formatBytes(t.reclaimableBytes),
      t.reclaimableBytes,
      `${formatPercent(t.reclaimableBytes, t.storedBytes)} of stored`,
      'save',
    ),
    card('total-savings', 'Monthly savings', formatUsd(t.monthlySavingsUsd), t.monthlySavingsUsd, 'after cleanup', 'save'),
    card(
      'total-repositories',
      'Repositories',
      formatCount(t.repositories),
      t.repositories,
      regions.length === 0 ? undefined : `in ${regions.length} ${regions.length === 1 ? 'region' : 'regions'}`,
    ),
    card(
      'total-without-policy',
      'Without policy',
      formatCount(t.repositoriesWithoutLifecyclePolicy),
      t.repositoriesWithoutLifecyclePolicy,
      'no lifecycle policy at all',
    ),
    card(
      'total-without-untagged-cleanup',
      'No untagged cleanup',
      formatCount(t.repositoriesWithoutUntaggedCleanup),
      t.repositoriesWithoutUntaggedCleanup,
      'untagged images never expire',
    ),
    card('total-images', 'Images', formatCount(t.images), t.images, `${formatCount(t.untaggedImages)} untagged`),
    card(
      'total-archivable',
      'Archivable',
      formatBytes(t.archivableBytes),
      t.archivableBytes,
      `not pulled for ${report.archiveAfterDays} days`,
      'archive',
    ),
    t.monthlyArchiveSavingsUsd === null
      ? card('total-archive-savings', 'Archive savings', 'not priced', 0, 'set the archive price', 'archive')
      : card(
          'total-archive-savings',
          'Archive savings',
          formatUsd(t.monthlyArchiveSavingsUsd),
          t.monthlyArchiveSavingsUsd,
          `a month at ${formatPrice(report.archivePricePerGbMonth ?? 0)}`,
          'archive',
        ),
  ];

  const body: string[] = [
    `<header>`,
    `<h1>${h(title)}</h1>`,
    `<p class="meta"><span>Generated ${timestamp(report.generatedAt)}</span><span>Policies evaluated at ${timestamp(report.now)}</span><span>Untagged images expire after ${h(String(report.days))} days</span><span>${h(formatPrice(report.pricePerGbMonth))}</span>${countSpan(report.errors.length, 'error')}${countSpan(report.warnings.length, 'warning')}</p>`,
    `<p class="headline">${h(headline)}</p>`,
    `</header>`,
    `<section aria-label="Totals"><div class="cards">`,
    ...cards,
    `</div></section>`,
    truthSectionsHtml(report, h),
    referrersAtRiskCallout(report),
    inUseAtRiskSection(report),
    `<section>`,
    `<h2>${top.length < repositories.length ? `Top ${h(String(top.length))} repositories by reclaimable bytes` : 'Repositories by reclaimable bytes'}</h2>`,
    `<figure>`,
    topChart(top),
    `<figcaption>Stored is what ECR bills: each layer counted once per repository. Reclaimable is what the lifecycle policy (or the proposed default) would remove. Hover a bar for details.</figcaption>`,
    `</figure>`,
    `</section>`,
  ];
  body.push(
    trendSection(history),
    accountsSection(report, options),
    costGroupsSection(report, options.previous),
    archiveSection(report),
    recommendedPoliciesSection(report, h),
    `<section>`,
    `<h2>Repositories</h2>`,
    repositories.length === 0 ? '<p>No repositories audited.</p>' : repositoryTable(report, repositories),
    `</section>`,
    notReachedSection(report),
    findingsSection(report),
    errorsSection(report),
    warningsSection(report),
    `<footer>`,
    apiCallsSection(report),
    `<p>Generated by ecr-janitor. Sizes are compressed bytes in binary units (1 GiB = 2<sup>30</sup> bytes, the GB that AWS bills).</p>`,
    `</footer>`,
  );

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // The page embeds user data (repository names): forbid scripts and every external load.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${h(title)} – ${h(report.now.slice(0, 10))}</title>`,
    `<style>${STYLE}${TRUTH_STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body.filter((part) => part !== ''),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
