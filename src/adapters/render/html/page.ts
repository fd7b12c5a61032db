// The HTML report's page: the header, the totals, the bar chart and the sections, in one
// self-contained document.
import type { HistoryEntry } from '../../../domain/history';
import type { TrendPoint } from '../../../domain/history-trend';
import type { AuditReport } from '../../../domain/report';
import { TOP_REPOSITORIES, byReclaimable, formatBytes, formatCount, formatPercent, formatPrice, formatUsd, naiveSumNote } from '../format';
import { accountsSection } from './accounts';
import { recommendedPoliciesSection } from './advice';
import { topChart } from './charts';
import { escapeHtml as h } from './escape';
import {
  apiCallsSection,
  archiveSection,
  costGroupsSection,
  errorsSection,
  findingsSection,
  inUseAtRiskSection,
  notReachedSection,
  referrersAtRiskCallout,
  repositoryTable,
  trendSection,
  warningsSection,
} from './sections';
import { STYLE } from './style';
import { TRUTH_STYLE, truthSectionsHtml } from '../html-truth';

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

/** `2026-11-01 00:05 UTC` for an ISO-8601 timestamp (the raw text when it does not parse), in a `<time>`. */
function timestamp(iso: string): string {
  const date = new Date(iso);
  const shown = Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<time datetime="${h(iso)}">${h(shown)}</time>`;
}

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

/**
 * The audit as one self-contained HTML page: totals, the in-use images at risk with their consumers
 * (when any), a bar chart of the repositories with the most reclaimable bytes, a weekly trend chart
 * when `history` has two or more points, the cost by owner, the archive savings, the referrers at
 * risk (when any), every repository, and the errors and warnings (when any). Each chart comes in a
 * wide and a narrow drawing and the tables turn into cards on a narrow screen, so that nothing
 * scrolls sideways on a phone. No external scripts, styles, fonts or images; every report text is
 * escaped, and a Content-Security-Policy forbids scripts should anything slip through.
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
    `</div>`,
    naiveSumNote(t) === undefined ? '' : `<p class="meta note" data-testid="naive-sum-note">${h(naiveSumNote(t) ?? '')}</p>`,
    `</section>`,
    truthSectionsHtml(report, h),
    inUseAtRiskSection(report),
    `<section>`,
    `<h2>${top.length < repositories.length ? `Top ${h(String(top.length))} repositories by reclaimable bytes` : 'Repositories by reclaimable bytes'}</h2>`,
    `<figure>`,
    topChart(top),
    topChart(top, 'narrow'),
    `<figcaption>Stored is what ECR bills: each layer counted once per repository. Reclaimable is what the lifecycle policy (or the proposed default) would remove. Hover a bar for details.</figcaption>`,
    `</figure>`,
    `</section>`,
  ];
  body.push(
    trendSection(history),
    accountsSection(report, options),
    costGroupsSection(report, options.previous),
    archiveSection(report),
    recommendedPoliciesSection(report),
    // Below the cost the reader came for: what to check before the default rule is written.
    referrersAtRiskCallout(report),
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
