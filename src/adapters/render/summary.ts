import type { AuditReport } from '../../domain/report';
import {
  REFERRERS_AT_RISK_NOTE,
  REGISTRY_WIDE,
  byReclaimable,
  formatBytes,
  formatCount,
  formatPercent,
  formatPrice,
  formatUsd,
  policyLabel,
  withReferrersAtRisk,
} from './format';
import { IN_USE_AT_RISK_NOTE, atRiskImagesOf, atRiskStatus, guardLine } from './in-use';
import { listConsumers, shortDigest } from '../../domain/in-use';
import { renderTable } from './table';

/** Options of {@link renderSummaryTable}. */
export interface SummaryOptions {
  /** How many repositories the table lists at most. @default 20 */
  limit?: number;
}

/** The default number of repositories in the terminal table. */
export const SUMMARY_LIMIT = 20;

/** How many warnings the summary lists; the other reports list them all. */
export const SUMMARY_WARNINGS_LIMIT = 10;

/** How many in-use images at risk the summary lists; the other reports list them all. */
export const SUMMARY_AT_RISK_LIMIT = 10;

/** Longest warning message on a terminal line; the other reports carry the whole text. */
const WARNING_CHARS = 200;

const HEADER = ['region', 'repository', 'policy', 'images', 'untagged', 'stored', 'reclaimable', '$/month', 'savings/month'];
const ALIGN = ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'] as const;

/** Label/value lines with the values aligned in one column. */
function keyValues(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/**
 * The terminal summary of an audit: a totals block (with the referrers at risk when there are any,
 * and a line saying what they are), then the repositories with the most reclaimable bytes (at most
 * `limit`, saying how many were left out), then the errors and a short list of warnings when there
 * were any.
 *
 * @example process.stdout.write(renderSummaryTable(report) + '\n');
 */
export function renderSummaryTable(report: AuditReport, options: SummaryOptions = {}): string {
  const limit = Math.max(0, Math.floor(options.limit ?? SUMMARY_LIMIT));
  const t = report.totals;
  const lines: string[] = [];

  lines.push(`ECR storage audit at ${report.now} (untagged images older than ${report.days} days; ${formatPrice(report.pricePerGbMonth)})`);
  lines.push('');
  const atRisk = withReferrersAtRisk(report.repositories).length;
  lines.push(
    keyValues([
      ['Repositories', formatCount(t.repositories)],
      ['  without lifecycle policy', formatCount(t.repositoriesWithoutLifecyclePolicy)],
      ['  without untagged cleanup', formatCount(t.repositoriesWithoutUntaggedCleanup)],
      ['Images', formatCount(t.images)],
      ['  untagged', formatCount(t.untaggedImages)],
      ...(t.referrersAtRisk > 0
        ? [
            [
              'Referrers at risk',
              `${formatCount(t.referrersAtRisk)} (in ${formatCount(atRisk)} ${atRisk === 1 ? 'repository' : 'repositories'})`,
            ] as const,
          ]
        : []),
      ...(report.guard === undefined
        ? []
        : ([
            ['Images in use', formatCount(t.inUseImages)],
            [
              '  at risk',
              `${formatCount(t.inUseAtRisk)} (${formatCount(t.repositoriesHeld)} ${t.repositoriesHeld === 1 ? 'repository' : 'repositories'} held by the guard)`,
            ],
          ] as const)),
      ['Stored (billed)', formatBytes(t.storedBytes)],
      ['Naive sum of image sizes', `${formatBytes(t.naiveBytes)} (shared layers counted once per image)`],
      ['Reclaimable', `${formatBytes(t.reclaimableBytes)} (${formatPercent(t.reclaimableBytes, t.storedBytes)} of stored)`],
      ['Monthly cost', formatUsd(t.monthlyCostUsd)],
      ['Monthly savings', formatUsd(t.monthlySavingsUsd)],
    ]),
  );
  // One line, under the totals, so that the number is not misread as something to clean up.
  if (t.referrersAtRisk > 0) lines.push(`Referrers at risk: ${REFERRERS_AT_RISK_NOTE}`);
  const guard = guardLine(report);
  if (guard !== undefined) lines.push(guard);
  const atRiskImages = atRiskImagesOf(report);
  if (atRiskImages.length > 0) {
    lines.push('');
    lines.push(`In-use images at risk: ${IN_USE_AT_RISK_NOTE}`);
    for (const image of atRiskImages.slice(0, SUMMARY_AT_RISK_LIMIT)) {
      lines.push(
        `  ${image.region} ${image.repositoryName} ${shortDigest(image.imageDigest)}: ${atRiskStatus(image)}; used by ${listConsumers(image.consumers)}; ${image.rule}`,
      );
    }
    const left = atRiskImages.length - SUMMARY_AT_RISK_LIMIT;
    if (left > 0) lines.push(`  … and ${formatCount(left)} more (the JSON, Markdown and HTML reports list every image).`);
  }

  const sorted = byReclaimable(report.repositories);
  const shown = sorted.slice(0, limit);
  if (shown.length > 0) {
    lines.push('');
    lines.push(
      sorted.length > shown.length
        ? `Top ${shown.length} of ${sorted.length} repositories by reclaimable bytes:`
        : 'Repositories by reclaimable bytes:',
    );
    lines.push('');
    const rows = shown.map((r) => [
      r.region,
      r.repositoryName,
      policyLabel(r),
      formatCount(r.images),
      formatCount(r.untaggedImages),
      formatBytes(r.storedBytes),
      formatBytes(r.reclaimableBytes),
      formatUsd(r.monthlyCostUsd),
      formatUsd(r.monthlySavingsUsd),
    ]);
    lines.push(renderTable(HEADER, rows, ALIGN));
    const left = sorted.length - shown.length;
    if (left > 0)
      lines.push(
        `… and ${formatCount(left)} more ${left === 1 ? 'repository' : 'repositories'} not shown (the CSV, Markdown and HTML reports list every repository).`,
      );
  } else if (report.repositories.length === 0) {
    lines.push('');
    lines.push('No repositories audited.');
  }

  if (report.errors.length > 0) {
    lines.push('');
    const n = report.errors.length;
    lines.push(`${formatCount(n)} ${n === 1 ? 'error' : 'errors'} (the run went on without the failed parts):`);
    for (const e of report.errors) {
      const where = e.repositoryName !== undefined ? ` ${e.repositoryName}` : e.source !== undefined ? ` (in-use source ${e.source})` : '';
      lines.push(`  ${e.region}${where}: ${e.code}: ${oneLine(e.message)}`);
    }
  }

  if (report.warnings.length > 0) {
    lines.push('');
    const n = report.warnings.length;
    lines.push(`${formatCount(n)} ${n === 1 ? 'warning' : 'warnings'} (need a person; the totals are unchanged):`);
    for (const w of report.warnings.slice(0, SUMMARY_WARNINGS_LIMIT)) {
      lines.push(`  ${w.region} ${w.repositoryName || REGISTRY_WIDE}: ${w.code}: ${truncate(oneLine(w.message), WARNING_CHARS)}`);
    }
    const left = n - SUMMARY_WARNINGS_LIMIT;
    if (left > 0) lines.push(`  … and ${formatCount(left)} more (the JSON, Markdown and HTML reports list every warning).`);
  }
  return lines.join('\n');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Keeps a message on one terminal line. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}
