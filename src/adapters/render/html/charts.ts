// The report's SVG charts: the bar chart of the top repositories and the weekly trend lines, each
// drawn twice: wide for a screen or paper, narrow for a phone (the page's style shows one of them).
import type { TrendPoint } from '../../../domain/history-trend';
import type { RepositoryReport } from '../../../domain/report';
import { formatBytes, formatUsd } from '../format';
import { escapeHtml as h } from './escape';
import { byteTicks, usdTicks, type Ticks } from './scale';

/**
 * Which drawing of a chart: `wide` (960 units, for screens from 720 px on and for print) or
 * `narrow` (400 units, for phones, whose text stays readable scaled to a 340 px frame).
 */
export type ChartLayout = 'wide' | 'narrow';

/** The width of each layout's drawing, in SVG units. */
const CHART_WIDTHS: Readonly<Record<ChartLayout, number>> = { wide: 960, narrow: 400 };

/** A chart's test id and class in a layout: the wide one keeps the plain id. */
function chartIdentity(testId: string, layout: ChartLayout): { id: string; className: string } {
  return { id: layout === 'wide' ? testId : `${testId}-narrow`, className: `chart chart-${layout}` };
}

/** Longest repository label beside the bars (wide) or above them (narrow); longer names end in `…` (the tooltip has them whole). */
const LABEL_CHARS: Readonly<Record<ChartLayout, number>> = { wide: 30, narrow: 36 };

/**
 * Horizontal grouped bars: stored versus reclaimable bytes for each of `repositories`. Wide: the
 * names left of the bars; narrow: each name above its bars, so that the bars keep the width.
 */
export function topChart(repositories: readonly RepositoryReport[], layout: ChartLayout = 'wide'): string {
  const narrow = layout === 'narrow';
  const width = CHART_WIDTHS[layout];
  // Wide: room for a 30-character name at 12px (about 205 units) right of the rotated axis title.
  const left = narrow ? 8 : 260;
  const right = narrow ? 72 : 96;
  const top = 36;
  const bottom = 56;
  const rowHeight = narrow ? 52 : 36;
  const plotWidth = width - left - right;
  const plotHeight = Math.max(1, repositories.length) * rowHeight;
  const height = top + plotHeight + bottom;
  const max = Math.max(0, ...repositories.map((r) => Math.max(r.storedBytes, r.reclaimableBytes)));
  const { domainMax, ticks } = byteTicks(max, narrow ? 3 : 5);
  const x = (bytes: number): number => (Math.max(0, bytes) / domainMax) * plotWidth;
  const { id, className } = chartIdentity('chart-top', layout);

  const parts: string[] = [];
  parts.push(
    `<svg data-testid="${id}" class="${className}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc">`,
    `<title id="${id}-title">Stored versus reclaimable bytes, top ${repositories.length} repositories</title>`,
    `<desc id="${id}-desc">For each repository, the upper bar is the compressed bytes ECR bills for and the lower bar the bytes its lifecycle policy (or the proposed default) would reclaim.</desc>`,
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
  ticks.forEach((t, i) => {
    // Narrow: the first and last labels inside the drawing rather than centred on the edge.
    const anchor = !narrow ? 'middle' : i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle';
    parts.push(`<text x="${n(left + x(t.value))}" y="${top + plotHeight + 18}" text-anchor="${anchor}">${h(t.label)}</text>`);
  });
  parts.push(
    `<text class="axis-title" x="${n(left + plotWidth / 2)}" y="${top + plotHeight + 44}" text-anchor="middle">Compressed bytes (binary units)</text>`,
    `</g>`,
    narrow
      ? `<g class="axis axis-y"><line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotHeight}"/></g>`
      : `<g class="axis axis-y"><line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotHeight}"/>\n<text class="axis-title" transform="translate(14,${n(top + plotHeight / 2)}) rotate(-90)" text-anchor="middle">Repository</text></g>`,
  );

  if (repositories.length === 0) {
    parts.push(
      `<text class="empty" x="${n(left + plotWidth / 2)}" y="${top + rowHeight / 2 + 4}" text-anchor="middle">No repositories audited.</text>`,
    );
  }
  repositories.forEach((r, i) => {
    const y = top + i * rowHeight;
    const label = `${r.repositoryName} (${r.region})`;
    const name = h(truncate(r.repositoryName, LABEL_CHARS[layout]));
    // Narrow rows: the name on a line of its own, then the two bars.
    const bars = narrow ? y + 20 : y + 5;
    const storedWidth = x(r.storedBytes);
    const reclaimWidth = x(r.reclaimableBytes);
    parts.push(
      `<g class="bar-pair" data-repository="${h(r.repositoryName)}" data-region="${h(r.region)}">`,
      `<title>${h(label)}</title>`,
      narrow
        ? `<text x="${left}" y="${y + 13}"><tspan class="repo-label">${name}</tspan><tspan class="repo-region" dx="6">${h(r.region)}</tspan></text>`
        : `<text class="repo-label" x="${left - 8}" y="${y + 15}" text-anchor="end">${name}</text>\n<text class="repo-region" x="${left - 8}" y="${y + 28}" text-anchor="end">${h(r.region)}</text>`,
      `<rect class="bar-stored" x="${left}" y="${bars}" width="${n(storedWidth)}" height="12" rx="2"><title>${h(`${label}: stored ${formatBytes(r.storedBytes)} (${formatUsd(r.monthlyCostUsd)}/month)`)}</title></rect>`,
      `<rect class="bar-reclaimable" x="${left}" y="${bars + 14}" width="${n(reclaimWidth)}" height="12" rx="2"><title>${h(`${label}: reclaimable ${formatBytes(r.reclaimableBytes)} (${formatUsd(r.monthlySavingsUsd)}/month)`)}</title></rect>`,
      `<text class="bar-value" x="${n(left + storedWidth + 6)}" y="${bars + 10}">${h(formatBytes(r.storedBytes))}</text>`,
      `<text class="bar-value" x="${n(left + reclaimWidth + 6)}" y="${bars + 24}">${h(formatBytes(r.reclaimableBytes))}</text>`,
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

/** How each layout draws a trend: its margins, plot height and how many dates the axis labels at most. */
const TREND_LAYOUTS: Readonly<Record<ChartLayout, { left: number; right: number; plotHeight: number; dates: number }>> = {
  wide: { left: 84, right: 24, plotHeight: 220, dates: 10 },
  narrow: { left: 70, right: 16, plotHeight: 180, dates: 4 },
};

/** A line chart over the weeks in `history` (two or more). */
export function trendChart(history: readonly TrendPoint[], spec: TrendChartSpec, layout: ChartLayout = 'wide'): string {
  const { left, right, plotHeight, dates } = TREND_LAYOUTS[layout];
  const width = CHART_WIDTHS[layout];
  const top = 36;
  const bottom = 56;
  const plotWidth = width - left - right;
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

  const { id, className } = chartIdentity(spec.testId, layout);
  const parts: string[] = [];
  parts.push(
    `<svg data-testid="${id}" class="${className}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title">`,
    `<title id="${id}-title">${h(spec.title)} over ${points.length} weeks</title>`,
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
  // Label at most about ten dates (four on a phone) so that they never overlap.
  const every = Math.max(1, Math.ceil(points.length / dates));
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
