// The HTML page's truth sections: what lifecycle policies saved (realized savings), whether ECR did
// what the janitor forecast (prediction, every mismatch with both timelines), and which stored figure
// the bill should match (blob mounting). Each appears only when the report carries its figures.
import { shortDigest } from '../../domain/in-use-guard';
import type { AuditReport } from '../../domain/report';
import { formatBytes, formatCount, formatUsd } from './format';
import {
  blobMountingSentence,
  cumulativeSentence,
  ledgerPeriodText,
  mismatchTimelines,
  predictionMismatchesOf,
  predictionSentence,
  realizedNotes,
  realizedSentence,
} from './truth';

/** Repositories listed in the page's realized-savings table (most freed first); the files list every one. */
export const REALIZED_ROWS = 10;

/** Escapes text for HTML content and attribute values. */
type Escape = (text: string) => string;

/** The styles of the truth sections, added to the page's. */
export const TRUTH_STYLE = `
.truth{margin:20px 0 0;border:1px solid var(--border);border-left:4px solid var(--ok);border-radius:8px;background:#f1f9f4;padding:12px 14px}
.truth.mismatch{border-left-color:var(--bad);background:#fdf1f1}
.truth h2{font-size:16px;margin:0 0 6px}
.truth .table-wrap{margin-top:8px;background:var(--bg)}
.truth .big{font-size:16px;font-weight:600}
td.timeline{white-space:normal;min-width:200px}
tr.why td{color:var(--muted);border-top:none}
svg.chart .line-freed{fill:none;stroke:var(--ok);stroke-width:2;stroke-dasharray:5 3}
svg.chart .dot-freed,svg.chart .swatch-freed{fill:var(--ok)}
`;

/** A table in its scrolling frame; empty when there are no rows. */
function table(labels: ReadonlyArray<readonly [string, 'num' | '']>, rows: readonly string[]): string {
  if (rows.length === 0) return '';
  const head = labels.map(([label, cls]) => `<th scope="col"${cls === '' ? '' : ` class="${cls}"`}>${label}</th>`).join('');
  return [`<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>`, ...rows, `</tbody></table></div>`].join('\n');
}

/** The parts of a section, those left empty dropped. */
function section(parts: readonly string[]): string {
  return parts.filter((part) => part !== '').join('\n');
}

/** "Realized savings": last period's figures, the running total, and the repositories that freed most. */
function realizedSection(report: AuditReport, h: Escape): string {
  const realized = report.totals.realized;
  if (realized === undefined && report.cumulativeRealized === undefined) return '';
  const notes = realized === undefined ? undefined : realizedNotes(realized);
  const freed = report.repositories
    .flatMap((r) => (r.realized !== undefined && (r.realized.images > 0 || r.realized.archivedImages > 0) ? [{ r, x: r.realized }] : []))
    .sort((a, b) => b.x.freedBytes - a.x.freedBytes || a.r.repositoryName.localeCompare(b.r.repositoryName));
  const more = freed.slice(REALIZED_ROWS);
  const rows = freed
    .slice(0, REALIZED_ROWS)
    .map(
      ({ r, x }) =>
        `<tr data-testid="realized-row"><td>${h(r.region)}</td><td class="repo">${h(r.repositoryName)}</td><td class="num">${h(formatCount(x.images))}</td><td class="num" data-value="${x.freedBytes}">${h(formatBytes(x.freedBytes))}</td><td class="num" data-value="${x.monthlySavingsUsd}">${h(formatUsd(x.monthlySavingsUsd))}</td><td class="num" data-value="${x.byDefaultRule.freedBytes}">${h(formatBytes(x.byDefaultRule.freedBytes))}</td><td class="num" data-value="${x.archivedBytes}">${h(formatBytes(x.archivedBytes))}</td></tr>`,
    );
  return section([
    `<section class="truth" data-testid="realized">`,
    `<h2>Realized savings</h2>`,
    report.ledger === undefined
      ? ''
      : `<p class="muted">What lifecycle policies removed, read from the ledger: ${h(ledgerPeriodText(report.ledger))}.</p>`,
    realized === undefined ? '' : `<p class="big" data-testid="realized-sentence">${h(realizedSentence(realized))}.</p>`,
    notes === undefined ? '' : `<p class="muted">${h(notes)}</p>`,
    report.cumulativeRealized === undefined
      ? ''
      : `<p data-testid="realized-cumulative">${h(cumulativeSentence(report.cumulativeRealized))}.</p>`,
    table(
      [
        ['Region', ''],
        ['Repository', ''],
        ['Images removed', 'num'],
        ['Freed', 'num'],
        ['Saved / month', 'num'],
        ['By the default rule', 'num'],
        ['Archived', 'num'],
      ],
      rows,
    ),
    more.length === 0
      ? ''
      : `<p class="muted" data-testid="realized-more">${h(`… and ${formatCount(more.length)} more ${more.length === 1 ? 'repository' : 'repositories'} that freed ${formatBytes(more.reduce((n, m) => n + m.x.freedBytes, 0))} (the Markdown, CSV and JSON reports list every one).`)}</p>`,
    `</section>`,
  ]);
}

/** "Predicted vs actual": all matched said plainly, or each mismatch with its rule and both timelines. */
function predictionSection(report: AuditReport, h: Escape): string {
  const p = report.prediction;
  if (p === undefined) return '';
  const mismatches = predictionMismatchesOf(report);
  const counts = [p.forecastImages, p.actedAsForecast, p.forecastNotActed, p.actedNotForecast, p.pushedAfterForecast, p.notYetDue];
  const rows = mismatches.map((m) => {
    const { forecast, actual } = mismatchTimelines(m);
    // The reason on a row of its own, under the image's two timelines.
    return [
      `<tr data-testid="mismatch-row"><td class="repo">${h(m.repositoryName)}<br><span class="muted">${h(m.region)}</span></td><td><code title="${h(m.imageDigest)}">${h(shortDigest(m.imageDigest))}</code></td><td class="num">${h(`${m.rulePriority} (${m.action})`)}</td><td class="timeline">${h(forecast)}</td><td class="timeline">${h(actual)}</td></tr>`,
      `<tr class="why"><td colspan="5" class="timeline">${h(m.message)}</td></tr>`,
    ].join('\n');
  });
  return section([
    `<section class="truth${mismatches.length > 0 ? ' mismatch' : ''}" data-testid="prediction">`,
    `<h2>Predicted vs actual</h2>`,
    `<p class="big" data-testid="prediction-sentence">${h(predictionSentence(p, mismatches))}</p>`,
    table(
      [
        ['Forecast', 'num'],
        ['Acted as forecast', 'num'],
        ['Forecast, not acted on', 'num'],
        ['Acted on, not forecast', 'num'],
        ['Pushed after the forecast', 'num'],
        ['Not yet due', 'num'],
      ],
      [`<tr data-testid="prediction-counts">${counts.map((c) => `<td class="num">${h(formatCount(c))}</td>`).join('')}</tr>`],
    ),
    table(
      [
        ['Repository', ''],
        ['Image', ''],
        ['Rule', 'num'],
        ['Forecast', ''],
        ['Actual', ''],
      ],
      rows,
    ),
    `</section>`,
  ]);
}

/** "Stored bytes and the bill": each registry's BLOB_MOUNTING setting and the figure its bill should match. */
function billSection(report: AuditReport, h: Escape): string {
  const settings = report.blobMounting ?? [];
  if (settings.length === 0) return '';
  return [
    `<section data-testid="blob-mounting">`,
    `<h2>Stored bytes and the bill</h2>`,
    `<ul>`,
    ...settings.map((s) => `<li data-testid="blob-mounting-${h(s.status)}">${h(blobMountingSentence(s))}.</li>`),
    `</ul>`,
    `</section>`,
  ].join('\n');
}

/**
 * The truth sections of the page, in order (realized savings, prediction, the bill); empty for a
 * report without a ledger or a BLOB_MOUNTING reading.
 *
 * @example body.push(truthSectionsHtml(report, escapeHtml));
 */
export function truthSectionsHtml(report: AuditReport, h: Escape): string {
  return [realizedSection(report, h), predictionSection(report, h), billSection(report, h)].filter((s) => s !== '').join('\n');
}
