// The HTML report: one self-contained page (page.ts) built from its charts, sections and style.
export type { TrendPoint } from '../../../domain/history-trend';
export { escapeHtml } from './escape';
export { CHART_LIMIT, renderHtml, type HtmlOptions } from './page';
export { byteTicks, usdTicks, type Ticks } from './scale';
