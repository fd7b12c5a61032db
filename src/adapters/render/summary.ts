import { groupingLabel, reportGroupings } from '../../domain/cost-groups';
import type { AuditReport } from '../../domain/report';
import { isAccountFailure } from '../../domain/report-problems';
import { oneLine, visibleControls } from '../../domain/text';
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
  incompleteSentence,
  findingRule,
  locatedFindings,
  naiveSumNote,
  namedRepositories,
  groupValueText,
  policyLabel,
  TOP_REPOSITORIES,
  WHOLE_ACCOUNT,
  accountStatus,
  accountsInOrder,
  accountsNotReadSentence,
  coversSeveralAccounts,
  withReferrersAtRisk,
  wrapLine,
} from './format';
import { truthLines } from './truth';
import { IN_USE_AT_RISK_NOTE, atRiskImagesOf, atRiskStatus, guardLine } from './in-use';
import { listConsumers, shortDigest } from '../../domain/in-use-guard';
import { renderTable } from './table';

/** Options of {@link renderSummaryTable}. */
export interface SummaryOptions {
  /** How many repositories the table lists at most. @default 20 */
  limit?: number;
}

/** The default number of repositories in the terminal table (the same top as the HTML bar chart's). */
export const SUMMARY_LIMIT = TOP_REPOSITORIES;

/** How many cost groups of each grouping the summary lists; the other reports list them all. */
export const SUMMARY_GROUPS_LIMIT = 10;

/** How many warnings the summary lists; the other reports list them all. */
export const SUMMARY_WARNINGS_LIMIT = 10;

/** How many in-use images at risk the summary lists; the other reports list them all. */
const SUMMARY_AT_RISK_LIMIT = 10;

/** The width the summary wraps its sentences and messages to: messages are never cut, they go on on the next line. */
const LINE_WIDTH = 100;

/** The indent of a wrapped error, warning or finding's further lines. */
const CONTINUED = '      ';

const HEADER = ['region', 'repository', 'policy', 'images', 'untagged', 'stored', 'reclaimable', '$/month', 'savings/month'];
const ALIGN = ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'] as const;

/** How many accounts the summary lists; the other reports list them all. */
export const SUMMARY_ACCOUNTS_LIMIT = 50;

/** The per-account table of a report of several accounts: largest cost first, the accounts not read at the top. */
function accountLines(report: AuditReport): string[] {
  const notRead = accountsNotReadSentence(report);
  const accounts = accountsInOrder(report);
  const shown = accounts.slice(0, SUMMARY_ACCOUNTS_LIMIT);
  const lines = ['', `Accounts (${formatCount(accounts.length)}):${notRead === '' ? '' : ` ${notRead}`}`, ''];
  lines.push(
    renderTable(
      ['account', 'name', 'regions', 'repositories', 'stored', '$/month', 'reclaimable', 'savings/month', 'status'],
      shown.map((a) => [
        a.accountId,
        a.name ?? '',
        formatCount(a.regions.length),
        formatCount(a.totals.repositories),
        formatBytes(a.totals.storedBytes),
        formatUsd(a.totals.monthlyCostUsd),
        formatBytes(a.totals.reclaimableBytes),
        formatUsd(a.totals.monthlySavingsUsd),
        accountStatus(a),
      ]),
      ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    ),
  );
  const left = accounts.length - shown.length;
  if (left > 0) lines.push(`… and ${formatCount(left)} more (the CSV, Markdown and HTML reports list every account).`);
  return lines;
}

/** Label/value lines with the values aligned in one column. */
function keyValues(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = rows.reduce((w, [label]) => Math.max(w, label.length), 0);
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

  lines.push(
    `ECR storage audit at ${visibleControls(report.now)} (untagged images older than ${report.days} days; ${formatPrice(report.pricePerGbMonth)})`,
  );
  lines.push('');
  const atRisk = withReferrersAtRisk(report.repositories);
  lines.push(
    keyValues([
      ['Repositories', formatCount(t.repositories)],
      ['  without lifecycle policy', formatCount(t.repositoriesWithoutLifecyclePolicy)],
      ['  without untagged cleanup', formatCount(t.repositoriesWithoutUntaggedCleanup)],
      ['  with policy findings', formatCount(t.repositoriesWithFindings)],
      ['Images', formatCount(t.images)],
      ['  untagged', formatCount(t.untaggedImages)],
      ...(t.referrersAtRisk > 0
        ? [
            [
              'Referrers at risk',
              `${formatCount(t.referrersAtRisk)} (in ${formatCount(atRisk.length)} ${atRisk.length === 1 ? 'repository' : 'repositories'}: ${namedRepositories(atRisk.map((r) => ({ region: r.region, repositoryName: r.repositoryName, count: r.referrersAtRisk })))})`,
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
      ['Archivable', `${formatBytes(t.archivableBytes)} (images not pulled for ${report.archiveAfterDays} days)`],
      [
        'Archive savings',
        t.monthlyArchiveSavingsUsd === null
          ? 'not priced (set --archive-price-per-gb-month)'
          : `${formatUsd(t.monthlyArchiveSavingsUsd)} a month at ${formatPrice(report.archivePricePerGbMonth ?? 0)}`,
      ],
    ]),
  );
  // Under the totals, so that the numbers are not misread: what referrers at risk are, and why the
  // naive sum can be below what is stored.
  if (t.referrersAtRisk > 0) lines.push(...wrapLine(`Referrers at risk: ${REFERRERS_AT_RISK_NOTE}`, LINE_WIDTH, '  '));
  const naive = naiveSumNote(t);
  if (naive !== undefined) lines.push(...wrapLine(naive, LINE_WIDTH, '  '));
  const guard = guardLine(report);
  if (guard !== undefined) lines.push(guard);
  // What lifecycle policies saved, whether ECR did what was forecast, which figure the bill should match.
  const truth = truthLines(report, SUMMARY_AT_RISK_LIMIT, { realized: true, bill: true });
  if (truth.length > 0) lines.push('', ...truth);
  const several = coversSeveralAccounts(report);
  if (several) lines.push(...accountLines(report));
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
      ...(several ? [r.accountId] : []),
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
    lines.push(several ? renderTable(['account', ...HEADER], rows, ['left', ...ALIGN]) : renderTable(HEADER, rows, ALIGN));
    const left = sorted.length - shown.length;
    if (left > 0)
      lines.push(
        `… and ${formatCount(left)} more ${left === 1 ? 'repository' : 'repositories'} not shown (the CSV, Markdown and HTML reports list every repository).`,
      );
  } else if (report.repositories.length === 0) {
    lines.push('');
    const failedAccounts = report.errors.filter(isAccountFailure).length;
    // Regions whose listing failed; an in-use source that failed in a region is no region failure.
    const failedRegions = new Set(
      report.errors
        .filter((e) => e.repositoryName === undefined && e.source === undefined && !isAccountFailure(e))
        .map((e) => `${e.accountId ?? ''} ${e.region}`),
    ).size;
    // With a region (or account) failure, an empty list is no empty account.
    const failed = [
      failedAccounts > 0 ? `${formatCount(failedAccounts)} ${failedAccounts === 1 ? 'account' : 'accounts'} could not be read` : '',
      failedRegions > 0 ? `${formatCount(failedRegions)} ${failedRegions === 1 ? 'region' : 'regions'} could not be listed` : '',
    ].filter((part) => part !== '');
    lines.push(failed.length === 0 ? 'No repositories audited.' : `No repositories audited: ${failed.join('; ')} (see the errors below).`);
  }

  if (!report.complete) {
    lines.push('');
    lines.push(`INCOMPLETE: ${incompleteSentence(report)} The totals cover only what was read.`);
    for (const miss of report.notReached.slice(0, SUMMARY_WARNINGS_LIMIT)) {
      const account = miss.accountId === undefined ? '' : `${miss.accountId} `;
      lines.push(`  ${account}${miss.region} ${miss.repositoryName ?? '(the whole region)'}: ${miss.reason}`);
    }
    const left = report.notReached.length - SUMMARY_WARNINGS_LIMIT;
    if (left > 0) lines.push(`  … and ${formatCount(left)} more (the JSON, CSV, Markdown and HTML reports list them all).`);
  }

  for (const by of reportGroupings(report)) {
    const groups = report.costGroups.filter((g) => g.by === by);
    if (groups.length === 0) continue;
    lines.push('');
    lines.push(`Cost by ${groupingLabel(by)}:`);
    lines.push('');
    const shownGroups = groups.slice(0, SUMMARY_GROUPS_LIMIT);
    lines.push(
      renderTable(
        [groupingLabel(by), 'repositories', 'stored', '$/month', 'reclaimable', 'savings/month'],
        shownGroups.map((g) => [
          groupValueText(g),
          formatCount(g.repositories),
          formatBytes(g.storedBytes),
          formatUsd(g.monthlyCostUsd),
          formatBytes(g.reclaimableBytes),
          formatUsd(g.monthlySavingsUsd),
        ]),
        ['left', 'right', 'right', 'right', 'right', 'right'],
      ),
    );
    const more = groups.length - shownGroups.length;
    if (more > 0) lines.push(`… and ${formatCount(more)} more (the CSV, Markdown and HTML reports list every group).`);
  }

  if (report.errors.length > 0) {
    lines.push('');
    const n = report.errors.length;
    lines.push(`${formatCount(n)} ${n === 1 ? 'error' : 'errors'} (the run went on without the failed parts):`);
    for (const e of report.errors) {
      const where = e.repositoryName !== undefined ? ` ${e.repositoryName}` : e.source !== undefined ? ` (in-use source ${e.source})` : '';
      const account = e.accountId === undefined ? '' : `${e.accountId} `;
      lines.push(
        ...wrapLine(
          oneLine(`  ${account}${e.region === '' ? WHOLE_ACCOUNT : e.region}${where}: ${e.code}: ${e.message}`),
          LINE_WIDTH,
          CONTINUED,
        ),
      );
    }
  }

  if (report.warnings.length > 0) {
    lines.push('');
    const n = report.warnings.length;
    lines.push(`${formatCount(n)} ${n === 1 ? 'warning' : 'warnings'} (need a person; the totals are unchanged):`);
    for (const w of report.warnings.slice(0, SUMMARY_WARNINGS_LIMIT)) {
      const account = w.accountId === undefined ? '' : `${w.accountId} `;
      lines.push(
        ...wrapLine(
          `  ${oneLine(`${account}${w.region} ${w.repositoryName || REGISTRY_WIDE}: ${w.code}`)}: ${oneLine(w.message)}`,
          LINE_WIDTH,
          CONTINUED,
        ),
      );
    }
    const left = n - SUMMARY_WARNINGS_LIMIT;
    if (left > 0) lines.push(`  … and ${formatCount(left)} more (the JSON, Markdown and HTML reports list every warning).`);
  }
  const policyFindings = locatedFindings(report.repositories);
  if (policyFindings.length > 0) {
    lines.push('');
    const n = policyFindings.length;
    lines.push(`${formatCount(n)} policy ${n === 1 ? 'finding' : 'findings'}: ${FINDINGS_NOTE}`);
    for (const { region, repositoryName, finding } of policyFindings.slice(0, SUMMARY_WARNINGS_LIMIT)) {
      lines.push(
        ...wrapLine(
          oneLine(`  ${region} ${repositoryName} ${findingRule(finding)}: ${finding.severity} ${finding.code}: ${finding.message}`),
          LINE_WIDTH,
          CONTINUED,
        ),
      );
    }
    const left = n - SUMMARY_WARNINGS_LIMIT;
    if (left > 0) lines.push(`  … and ${formatCount(left)} more (the JSON, CSV, Markdown and HTML reports list every finding).`);
  }
  return lines.join('\n');
}
