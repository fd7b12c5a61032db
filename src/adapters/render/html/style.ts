// The report's one stylesheet, inlined in the page (the Content-Security-Policy allows inline styles only).
import { ACCOUNT_TABLES, TABLES, cardStyle } from './tables';

/** Up to this viewport width (CSS px) the narrow drawing of each chart shows instead of the wide one. */
const NARROW_CHARTS_UP_TO = 720;

const BASE = `
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
.note{margin:8px 0 0}
.cards{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:12px;margin:20px 0 0}
.card{background:var(--panel);border:1px solid var(--border);border-left:4px solid var(--border);border-radius:8px;padding:12px 14px}
.card.key{border-left:4px solid var(--stored)}
.card.save{border-left:4px solid var(--reclaim)}
.card .label{color:var(--muted);font-size:12px;letter-spacing:.03em;text-transform:uppercase}
.card .value{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums;white-space:nowrap}
.card .sub{color:var(--muted);font-size:12px}
figure{margin:0;border:1px solid var(--border);border-radius:8px;padding:12px 12px 4px;overflow-x:auto}
figcaption{color:var(--muted);font-size:12px;margin-top:4px}
/* Each chart is drawn wide and narrow: a phone shows the narrow drawing, whose text stays readable at its width. */
svg.chart{display:block;width:100%;height:auto;font-family:inherit}
svg.chart-wide{min-width:640px}
svg.chart-narrow{display:none}
@media screen and (max-width:${NARROW_CHARTS_UP_TO}px){svg.chart-wide{display:none}svg.chart-narrow{display:block}}
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
.groups{display:grid;grid-template-columns:minmax(0,1fr);gap:20px}
.groups h3{font-size:14px;margin:0 0 6px}
.table-wrap{overflow-x:auto;border:1px solid var(--border);border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}
th,td{padding:6px 8px;border-bottom:1px solid var(--border);text-align:left;white-space:nowrap;vertical-align:top}
thead th{background:var(--panel);color:var(--muted);font-size:12px;font-weight:600;white-space:normal}
td.wrap{white-space:normal}
tbody tr:nth-child(even){background:#fbfbfc}
tbody tr:last-child td{border-bottom:none}
tfoot td{font-weight:600;border-top:2px solid var(--border);border-bottom:none}
.num{text-align:right}
td.repo{white-space:normal;overflow-wrap:anywhere;min-width:160px}
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
svg.chart-wide{display:block;min-width:0}
svg.chart-narrow{display:none}
h2{break-after:avoid}
.card,figure,tr{break-inside:avoid}
.table-wrap{overflow:visible;border:none}
thead{display:table-header-group}
th,td{padding:3px 6px}
details{display:block}
summary{display:none}
}
`;

/** The page's CSS: the layout, the cards, the charts' colours, the tables (cards on a narrow screen), and the print rules. */
export const STYLE = [BASE, ...[...Object.values(TABLES), ...Object.values(ACCOUNT_TABLES)].map(cardStyle)].join('\n');
