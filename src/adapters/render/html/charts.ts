// The report's SVG charts: the bar chart of the top repositories and the weekly trend lines.
import type { TrendPoint } from '../../../domain/history';
import type { RepositoryReport } from '../../../domain/report';
import { formatBytes, formatUsd } from '../format';
import { escapeHtml as h } from './escape';
import { byteTicks, usdTicks, type Ticks } from './scale';

const CHART_WIDTH = 960;
/** Longest repository label beside the bars; longer names end in `…` (the tooltip has them whole). */
const LABEL_CHARS = 30;

/** Horizontal grouped bars: stored versus reclaimable bytes for each of `repositories`. */
export function topChart(repositories: readonly RepositoryReport[]): string {
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
export interface TrendChartSpec {
  testId: string;
  title: string;
  axisTitle: string;
  series: TrendSeries[];
  ticks: (max: number) => Ticks;
}

/** The trend of stored and reclaimable bytes. */
export const BYTES_TREND: TrendChartSpec = {
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

/** The trend of the monthly storage cost. */
export const COST_TREND: TrendChartSpec = {
  testId: 'chart-trend-cost',
  title: 'Monthly storage cost',
  axisTitle: 'USD per month',
  series: [{ key: 'cost', label: 'Monthly cost', value: (p) => p.monthlyCostUsd, format: (v) => `${formatUsd(v)}/month` }],
  ticks: (max) => usdTicks(max),
};

/** A line chart over the weeks in `history` (two or more). */
export function trendChart(history: readonly TrendPoint[], spec: TrendChartSpec): string {
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
/** Rounds SVG coordinates to one decimal to keep the file small. */
export function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
